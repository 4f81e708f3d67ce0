from django.core import mail


def test_password_reset_mail_is_sent_by_the_worker_after_the_request(
    focal_point, anonymous, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as callbacks:
        response = anonymous.post("/accounts/password/reset/", {"email": focal_point.email})
    assert response.status_code == 302
    assert not mail.outbox  # nothing is sent inside the request
    for callback in callbacks:
        callback()  # what the commit hands to the broker; tasks run eagerly in tests
    (message,) = mail.outbox
    assert message.to == [focal_point.email]
    assert "/accounts/password/reset/key/" in message.body


def test_password_reset_for_an_unknown_address_does_not_reveal_it(anonymous, db):
    response = anonymous.post("/accounts/password/reset/", {"email": "nobody@example.org"})
    assert response.status_code == 302
