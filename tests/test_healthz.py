import json

from config.celery import app as celery_app


def test_healthz_reports_database_and_broker(anonymous, db):
    response = anonymous.get("/healthz")
    assert response.status_code == 200
    assert json.loads(response.content) == {"status": "ok", "database": "ok", "broker": "ok"}


def test_healthz_answers_503_when_the_broker_is_down(anonymous, db):
    saved = celery_app.conf.broker_write_url
    celery_app.conf.broker_write_url = "redis://127.0.0.1:9/0"  # nothing listens on port 9
    try:
        response = anonymous.get("/healthz")
    finally:
        celery_app.conf.broker_write_url = saved
    assert response.status_code == 503
    assert json.loads(response.content)["broker"] == "down"
