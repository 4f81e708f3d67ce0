"""The second factor cannot be guessed: wrong codes are limited per account and per client
address, a locked-out account refuses even the right code until the window has passed, and
each code signs in once."""

import time

import pytest
from django.test import Client

from accounts.adapter import locked_out_message
from accounts.roles import Role
from tests.support.factories import PASSWORD, make_user, totp_code

AUTHENTICATE = "/accounts/2fa/authenticate/"
ALREADY_USED = "This code was already used. Wait for the next code from your authenticator app."


def password_step(client: Client, email: str, password: str = PASSWORD):
    return client.post("/accounts/login/", {"login": email, "password": password})


def signed_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


@pytest.fixture
def clock(monkeypatch):
    """Time that tests move on: the rate limits, the cache and the codes all read time.time."""
    now = [float(int(time.time()) // 30 * 30 + 1)]  # one second into a 30-second step
    monkeypatch.setattr(time, "time", lambda: now[0])

    def advance(seconds: float) -> float:
        now[0] += seconds
        return now[0]

    advance.now = lambda: now[0]
    return advance


def test_twenty_wrong_codes_lock_the_account_and_then_the_right_code_is_refused_too(
    reviewer, settings, clock
):
    client = Client()
    assert password_step(client, reviewer.email)["Location"] == AUTHENTICATE
    answers = [client.post(AUTHENTICATE, {"code": "000000"}) for _ in range(20)]
    texts = [a.content.decode() for a in answers]
    limit = settings.AXES_FAILURE_LIMIT
    assert all("Incorrect code." in t for t in texts[:limit])
    # The limit's message from the attempt after the limit on, long before the twentieth.
    assert all(locked_out_message() in t and "Incorrect code." not in t for t in texts[limit:])
    right = client.post(AUTHENTICATE, {"code": totp_code(reviewer.totp_secret, clock.now())})
    assert locked_out_message() in right.content.decode()
    assert not signed_in(client)

    # A minute before the window ends, still refused (the password step, good for 15 minutes,
    # is taken again); once the window has passed, the right code works.
    clock(settings.AXES_COOLOFF_TIME.total_seconds() - 60)
    client = Client()
    password_step(client, reviewer.email)
    again = client.post(AUTHENTICATE, {"code": totp_code(reviewer.totp_secret, clock.now())})
    assert locked_out_message() in again.content.decode() and not signed_in(client)
    clock(61)
    client = Client()
    password_step(client, reviewer.email)
    done = client.post(AUTHENTICATE, {"code": totp_code(reviewer.totp_secret, clock.now())})
    assert done.status_code == 302 and signed_in(client)


def test_a_locked_account_leaves_another_account_from_the_same_address_alone(reviewer, clock):
    colleague = make_user(Role.ADMIN, email="colleague@unhabitat.example")
    attacker = Client()
    password_step(attacker, reviewer.email)
    for _ in range(20):
        attacker.post(AUTHENTICATE, {"code": "000000"})
    other = Client()  # same address (127.0.0.1)
    password_step(other, colleague.email)
    response = other.post(AUTHENTICATE, {"code": totp_code(colleague.totp_secret, clock.now())})
    assert response.status_code == 302 and signed_in(other)


def test_wrong_codes_from_one_address_are_limited_across_accounts(db, settings, clock):
    per_minute = settings.MFA_FAILURES_PER_ADDRESS_PER_MINUTE
    people = [make_user(Role.REVIEWER) for _ in range(per_minute + 1)]
    texts = []
    for person in people:
        client = Client(REMOTE_ADDR="203.0.113.7")
        password_step(client, person.email)
        texts.append(client.post(AUTHENTICATE, {"code": "000000"}).content.decode())
    assert all("Incorrect code." in t for t in texts[:per_minute])
    assert locked_out_message() in texts[per_minute]
    # The same person from another address is not held back by that address's count.
    elsewhere = Client(REMOTE_ADDR="198.51.100.2")
    password_step(elsewhere, people[-1].email)
    code = totp_code(people[-1].totp_secret, clock.now())
    assert elsewhere.post(AUTHENTICATE, {"code": code}).status_code == 302
    # A minute later the address may try again.
    clock(61)
    late = Client(REMOTE_ADDR="203.0.113.7")
    password_step(late, people[0].email)
    code = totp_code(people[0].totp_secret, clock.now())
    assert late.post(AUTHENTICATE, {"code": code}).status_code == 302


def replayed(user, clock, seconds: int):
    """Sign `user` in with the current code, then, `seconds` later, post the same code from
    another browser: (the code, that browser, its answer)."""
    code = totp_code(user.totp_secret, clock.now())
    first = Client()
    password_step(first, user.email)
    assert first.post(AUTHENTICATE, {"code": code}).status_code == 302
    clock(seconds)
    replay = Client()
    password_step(replay, user.email)
    return code, replay, replay.post(AUTHENTICATE, {"code": code})


def test_a_code_signs_in_once_even_after_the_cache_has_forgotten_it(reviewer, clock):
    # 31 seconds later the code is still inside the tolerance window, and allauth's own
    # memory of used codes (30 seconds in the cache) has expired.
    code, replay, response = replayed(reviewer, clock, 31)
    assert response.status_code == 200 and ALREADY_USED in response.content.decode()
    assert not signed_in(replay)
    # The next code works.
    fresh = totp_code(reviewer.totp_secret, clock.now())
    assert fresh != code
    assert replay.post(AUTHENTICATE, {"code": fresh}).status_code == 302


def test_a_code_used_again_inside_its_window_says_so(reviewer, clock):
    """Within the 30 seconds allauth remembers a used code, the message is the same: the code
    was used, wait for the next one (not "Incorrect code.")."""
    code, replay, response = replayed(reviewer, clock, 5)
    page = response.content.decode()
    assert ALREADY_USED in page and "Incorrect code." not in page
    assert not signed_in(replay)
    wrong = replay.post(AUTHENTICATE, {"code": "000000" if code != "000000" else "111111"})
    assert "Incorrect code." in wrong.content.decode()


def test_the_lock_out_reads_the_same_for_a_wrong_password_and_a_wrong_code(
    reviewer, settings, clock
):
    by_password = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        password_step(by_password, reviewer.email, "wrong-password")
    locked = password_step(by_password, reviewer.email)
    assert locked.status_code == 429
    assert locked_out_message() in locked.content.decode()

    colleague = make_user(Role.REVIEWER)
    by_code = Client()
    password_step(by_code, colleague.email)
    for _ in range(settings.AXES_FAILURE_LIMIT + 1):
        response = by_code.post(AUTHENTICATE, {"code": "000000"})
    html = response.content.decode()
    assert locked_out_message() in html
    assert "30 minutes" in locked_out_message()
    # Next to the code field, announced as its error.
    assert 'id="id_code"' in html and "invalid-feedback" in html


def test_password_failures_are_counted_once_by_axes_not_by_allauth(focal_point, settings, clock):
    """A few wrong passwords and then the right one sign in: allauth's limit (the same number)
    does not also count them, so the second factor's budget is untouched by them."""
    reviewer = make_user(Role.REVIEWER)
    client = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        password_step(client, reviewer.email, "wrong-password")
    assert password_step(client, reviewer.email)["Location"] == AUTHENTICATE
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert "Incorrect code." in client.post(AUTHENTICATE, {"code": "000000"}).content.decode()
    response = client.post(AUTHENTICATE, {"code": totp_code(reviewer.totp_secret, clock.now())})
    assert response.status_code == 302 and signed_in(client)
