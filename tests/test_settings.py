"""Production settings: safe defaults and a clean `check --deploy`."""

from tests.support.clients import client_for
from tests.support.production import PRODUCTION_ENV, manage


def test_check_deploy_passes_with_zero_warnings_under_production_variables():
    result = manage("check", "--deploy", "--fail-level", "WARNING", env=PRODUCTION_ENV)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_check_deploy_warns_when_the_sign_in_limits_are_kept_per_process():
    env = {k: v for k, v in PRODUCTION_ENV.items() if k != "CACHE_URL"}
    result = manage("check", "--deploy", "--fail-level", "WARNING", env=env)
    assert result.returncode != 0
    assert "accounts.W001" in result.stderr + result.stdout
    assert "Set CACHE_URL" in result.stderr + result.stdout


def test_without_debug_there_is_no_default_secret_key():
    result = manage("check", env={k: v for k, v in PRODUCTION_ENV.items() if k != "SECRET_KEY"})
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_debug_is_off_unless_asked_for():
    result = manage("shell", "-c", "from django.conf import settings; print(settings.DEBUG)",
                    env=PRODUCTION_ENV)  # fmt: skip
    assert result.stdout.strip().endswith("False")


def test_every_page_carries_a_nonce_based_csp(anonymous, focal_point, db):
    for client, url in [(anonymous, "/accounts/login/"), (client_for(focal_point), "/")]:
        response = client.get(url)
        csp = response["Content-Security-Policy"]
        assert "script-src 'self' 'nonce-" in csp
        assert "frame-ancestors 'none'" in csp
        assert "unsafe-inline" not in csp
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response["Referrer-Policy"] == "same-origin"
