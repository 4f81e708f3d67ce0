"""Two people acting on one review at the same moment, on real PostgreSQL with real threads.

SPEC §5.1: two people editing the same review never silently overwrite each other; every
workflow step starts from the state it checks. Each test is transactional (the threads have
their own connections and must see each other's commits), so it puts back the member states
and role groups (`base_data`) and the seeded first cycle itself.
"""

import http.cookies
import random
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from functools import partial

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from accounts.roles import Role
from countries.models import Country
from indicators import services as cycle_services
from indicators.models import ReviewCycle
from reviews import editor, services
from reviews.models import Review, ReviewStatus
from tests.support import factories
from tests.support.clients import client_for
from tests.support.forms import form_values
from tests.support.reviews import fill

ROUNDS = 5


@pytest.fixture
def setting(base_data):
    """Kenya's draft in the opened first cycle, its two focal points and the secretariat."""
    admin = factories.make_user(Role.ADMIN)
    reviewer = factories.make_user(Role.REVIEWER)
    kenya = Country.objects.get(iso3="KEN")
    first = factories.make_focal_point(kenya, name="Wanjiru Kamau")
    second = factories.make_focal_point(kenya, name="Otieno Odhiambo")
    cycle = cycle_services.open_cycle(
        ReviewCycle.objects.get(name="2021–2023 review cycle"), by=admin
    )
    review = services.start_review(kenya, cycle, by=first)
    return {"review": review, "first": first, "second": second, "reviewer": reviewer,
            "admin": admin}  # fmt: skip


def run_together(*jobs, timeout: float = 60) -> list:
    """Run each job in its own thread, released at the same moment; what each returned or
    raised, in order."""
    barrier = threading.Barrier(len(jobs))
    results: list = [None] * len(jobs)

    def run(index, job):
        try:
            barrier.wait(timeout=10)
            results[index] = job()
        except Exception as error:  # the test looks at what each thread raised
            results[index] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, job)) for i, job in enumerate(jobs)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=timeout)
    assert not any(thread.is_alive() for thread in threads), "a thread is stuck"
    return results


def save(pk: int, *, by, base: int, text: str) -> Review:
    return editor.save_draft(
        Review.objects.get(pk=pk), by=by, base_version=base, sections={"difficulties": text}
    )


def approve(pk: int, *, by) -> Review:
    return services.approve_review(Review.objects.get(pk=pk), by=by)


def return_(pk: int, *, by, reason: str) -> Review:
    return services.return_review(Review.objects.get(pk=pk), by=by, reason=reason)


@pytest.mark.django_db(transaction=True)
def test_two_saves_from_the_same_version_never_overwrite_each_other(setting):
    review, first, second = setting["review"], setting["first"], setting["second"]
    for round_ in range(ROUNDS):
        base = Review.objects.get(pk=review.pk).lock_version
        texts = {
            first: f"Round {round_}: difficulties as Wanjiru wrote them.",
            second: f"Round {round_}: difficulties as Otieno wrote them.",
        }
        results = run_together(
            partial(save, review.pk, by=first, base=base, text=texts[first]),
            partial(save, review.pk, by=second, base=base, text=texts[second]),
        )
        saved = [r for r in results if isinstance(r, Review)]
        stale = [r for r in results if isinstance(r, editor.StaleEdit)]
        assert len(saved) == 1 and len(stale) == 1, results
        winner = first if isinstance(results[0], Review) else second
        loser = second if winner == first else first
        stored = Review.objects.get(pk=review.pk)
        assert stored.difficulties == texts[winner]
        assert texts[loser] not in stored.difficulties
        assert stored.lock_version == base + 1
        assert stored.updated_by == winner
        assert stale[0].review.updated_by == winner  # the refusal says who saved in between


@pytest.mark.django_db(transaction=True)
def test_two_editors_posting_the_same_version_keep_the_losers_text_on_the_page(setting):
    review, first, second = setting["review"], setting["first"], setting["second"]
    url = f"/reviews/{review.pk}/edit/"
    clients = {first: client_for(first), second: client_for(second)}
    for round_ in range(ROUNDS):
        # Both open the editor on the same version, then both save.
        pages = {user: form_values(client.get(url).content.decode()) for user, client in
                 clients.items()}  # fmt: skip
        assert pages[first]["lock_version"] == pages[second]["lock_version"]
        texts = {
            first: f"Round {round_}: partnerships as Wanjiru wrote them.",
            second: f"Round {round_}: partnerships as Otieno wrote them.",
        }
        responses = run_together(
            *(
                partial(clients[user].post, url, pages[user] | {"partnerships": texts[user]})
                for user in (first, second)
            )
        )
        assert not [r for r in responses if isinstance(r, Exception)], responses
        codes = sorted(r.status_code for r in responses)
        assert codes == [200, 302], codes
        winner, loser = (first, second) if responses[0].status_code == 302 else (second, first)
        refused = responses[[first, second].index(loser)]
        page = refused.content.decode()
        assert "Not saved" in page
        assert texts[loser] in page  # nothing the loser typed is lost
        assert refused.context["conflict"].updated_by == winner
        stored = Review.objects.get(pk=review.pk)
        assert stored.partnerships == texts[winner]
        assert texts[loser] not in stored.partnerships


@pytest.mark.django_db(transaction=True)
def test_approving_and_returning_at_once_takes_exactly_one_step(setting):
    review, first = setting["review"], setting["first"]
    reviewer, admin = setting["reviewer"], setting["admin"]
    review = fill(review, first)
    for round_ in range(ROUNDS):
        services.submit_review(Review.objects.get(pk=review.pk), by=first)
        steps = review.transitions.count()
        results = run_together(
            partial(approve, review.pk, by=reviewer),
            partial(return_, review.pk, by=admin, reason=f"Round {round_}: check 1.4."),
        )
        done = [r for r in results if isinstance(r, Review)]
        refused = [r for r in results if isinstance(r, ValidationError)]
        assert len(done) == 1 and len(refused) == 1, results
        assert review.transitions.count() == steps + 1
        last = review.transitions.order_by("-pk").first()
        stored = Review.objects.get(pk=review.pk)
        assert stored.status == last.to_status == done[0].status
        assert last.from_status == ReviewStatus.SUBMITTED
        if stored.status == ReviewStatus.APPROVED:
            services.reopen_review(stored, by=admin, reason="Next round.")


# Twenty people over HTTP, each reading the editor, adding a line and saving, five times


PEOPLE, HTTP_ROUNDS = 20, 5


class Browser:
    """A signed-in browser talking HTTP to the live server: its cookies, no redirects."""

    def __init__(self, base: str, user):
        self.base = base
        self.cookies = {"sessionid": client_for(user).cookies["sessionid"].value}
        self.opener = urllib.request.build_opener(_NoRedirect())

    def request(self, path: str, data: dict | None = None, **headers) -> tuple[int, str]:
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        request = urllib.request.Request(self.base + path, data=body, headers=headers)
        request.add_header("Cookie", "; ".join(f"{k}={v}" for k, v in self.cookies.items()))
        try:
            response = self.opener.open(request, timeout=120)
        except urllib.error.HTTPError as error:
            response = error
        with response:
            for header in response.headers.get_all("Set-Cookie") or []:
                for name, morsel in http.cookies.SimpleCookie(header).items():
                    self.cookies[name] = morsel.value
            return response.status, response.read().decode()


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


@pytest.mark.django_db(transaction=True)
def test_twenty_people_saving_over_http_lose_no_update(setting, live_server):
    """20 threads × 5 rounds of read–modify–write on one review through the editor over HTTP:
    each reads the page, adds its own line to a section and saves it as the autosave does,
    with the version it read. A save is either taken ("Saved at …") or refused as stale ("Not
    saved: … saved this review at …", the person's text still theirs); no update is lost:
    every line whose save was taken is in the review at the end, no refused line is, and the
    version went up once per save taken."""
    review, first = setting["review"], setting["first"]
    url = f"/reviews/{review.pk}/edit/"
    start = Review.objects.get(pk=review.pk).lock_version
    browsers = [Browser(live_server.url, first) for _ in range(PEOPLE)]

    def person(index: int) -> dict[str, bool]:
        browser, outcome = browsers[index], {}
        for round_ in range(HTTP_ROUNDS):
            line = f"Line {index}.{round_} by person {index}."
            time.sleep(random.uniform(0, 4))  # people do not all click at the same moment
            status, page = browser.request(url)
            assert status == 200, status
            data = form_values(page)
            data["difficulties"] = (data.get("difficulties", "") + "\n" + line).strip()
            status, bar = browser.request(url, data, **{"HX-Request": "true"})
            assert status == 200, status
            outcome[line] = "Saved at" in bar
            if not outcome[line]:
                assert "Not saved" in bar and "saved this review at" in bar, bar[:300]
        return outcome

    results = run_together(*(partial(person, i) for i in range(PEOPLE)), timeout=900)
    assert not [r for r in results if isinstance(r, BaseException)], results
    outcome = {line: saved for result in results for line, saved in result.items()}
    assert len(outcome) == PEOPLE * HTTP_ROUNDS
    taken = {line for line, saved in outcome.items() if saved}
    stored = Review.objects.get(pk=review.pk)
    lines = set(stored.difficulties.splitlines())
    assert taken <= lines, f"lost updates: {sorted(taken - lines)[:5]}"
    assert lines <= taken, f"refused saves that were stored: {sorted(lines - taken)[:5]}"
    assert stored.lock_version == start + len(taken)
    assert len(taken) >= HTTP_ROUNDS  # saves were taken all along, not just refused
    print(f"{PEOPLE * HTTP_ROUNDS} saves: {len(taken)} taken, "
          f"{PEOPLE * HTTP_ROUNDS - len(taken)} refused as stale")  # fmt: skip
