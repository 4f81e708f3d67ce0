import pytest
from django.core.management import CommandError, call_command

from accounts.models import User
from countries.models import FocalPoint, Municipality
from indicators.models import Indicator, ReviewCycle


def test_seed_demo_is_idempotent_and_covers_every_role(db, settings, capsys):
    settings.DEBUG = True
    call_command("seed_demo")
    call_command("seed_demo")
    roles = {user.role for user in User.objects.all()}
    assert roles == {"focal_point", "secretariat_reviewer", "secretariat_admin", "board_member"}
    regions = set(FocalPoint.objects.values_list("country__region", flat=True))
    assert regions == {"Africa", "Americas", "Asia", "Europe", "Oceania"}
    assert Municipality.objects.filter(country__iso3="KEN").count() == 3
    demo_cycle = ReviewCycle.objects.get(name="2025–2027 review cycle")
    assert demo_cycle.status == "open" and demo_cycle.matrix.is_frozen
    assert Indicator.objects.filter(matrix=demo_cycle.matrix).count() == 22
    output = capsys.readouterr().out
    assert "recovery codes" in output and "admin@example.org" in output


def test_seed_demo_refuses_without_debug(db, settings):
    settings.DEBUG = False
    with pytest.raises(CommandError):
        call_command("seed_demo")
    assert not User.objects.exists()
