"""Closing a cycle before its deadline says how many Member States have not submitted and asks
for an explicit tick; on or after the deadline the simple confirmation stays (issue 17)."""

import datetime

import lxml.html
import pytest
from django.utils import timezone

from countries.models import Country
from indicators import services as cycle_services
from indicators.models import CycleEvent, CycleStatus, ReviewCycle
from reviews import services
from reviews.models import Review, ReviewStatus
from tests.support import factories
from tests.support.clients import client_for
from tests.support.reviews import fill

NOT_SUBMITTED_192 = "192 Member States have not submitted their review."
TICK = (
    "I understand that 192 Member States have not submitted and will no longer be able to submit."
)
REFUSED = "Tick this box to close the cycle before its deadline."


@pytest.fixture
def deadline_in_60_days(submitted_review) -> ReviewCycle:
    """The open cycle, its deadline 60 days away, with Kenya's review submitted."""
    cycle = submitted_review.cycle
    ReviewCycle.objects.filter(pk=cycle.pk).update(
        deadline=timezone.localdate() + datetime.timedelta(days=60)
    )
    return ReviewCycle.objects.get(pk=cycle.pk)


def url(cycle: ReviewCycle) -> str:
    return f"/cycles/{cycle.pk}/close/"


def text_of(response) -> str:
    main = lxml.html.fromstring(response.content.decode()).xpath("//main")[0]
    return " ".join(main.text_content().split())


def test_the_early_confirmation_counts_the_member_states_that_have_not_submitted(
    deadline_in_60_days, secretariat_admin
):
    assert Country.objects.filter(is_member_state=True).count() == 193
    response = client_for(secretariat_admin).get(url(deadline_in_60_days))
    assert response.status_code == 200
    text = text_of(response)
    assert "Close the cycle before its deadline?" in text
    assert NOT_SUBMITTED_192 in text
    assert "Once the cycle is closed, they will no longer be able to submit." in text
    assert "is 60 days away" in text
    assert TICK in text


def test_closing_early_without_the_tick_is_refused_next_to_the_box_and_the_cycle_stays_open(
    deadline_in_60_days, secretariat_admin
):
    response = client_for(secretariat_admin).post(url(deadline_in_60_days), {})
    assert response.status_code == 200
    page = lxml.html.fromstring(response.content.decode())
    [box] = page.xpath('//input[@name="understood"]')
    assert box.get("aria-invalid") == "true" and box.get("type") == "checkbox"
    assert box.get("checked") is None
    described_by = page.get_element_by_id(box.get("aria-describedby"))
    assert " ".join(described_by.text_content().split()) == REFUSED
    assert described_by.getparent() == box.getparent()  # beside the box, under its label
    assert NOT_SUBMITTED_192 in text_of(response)
    assert ReviewCycle.objects.get(pk=deadline_in_60_days.pk).status == CycleStatus.OPEN
    assert not CycleEvent.objects.filter(cycle=deadline_in_60_days, to_status="closed").exists()


def test_closing_early_with_the_tick_closes_the_cycle(deadline_in_60_days, secretariat_admin):
    response = client_for(secretariat_admin).post(url(deadline_in_60_days), {"understood": "on"})
    assert response.status_code == 302
    assert response["Location"] == f"/cycles/{deadline_in_60_days.pk}/"
    assert ReviewCycle.objects.get(pk=deadline_in_60_days.pk).status == CycleStatus.CLOSED
    event = CycleEvent.objects.get(cycle=deadline_in_60_days, to_status="closed")
    assert event.by == secretariat_admin


def test_on_the_deadline_the_simple_confirmation_still_gives_the_count(
    submitted_review, secretariat_admin
):
    cycle = submitted_review.cycle
    ReviewCycle.objects.filter(pk=cycle.pk).update(deadline=timezone.localdate())
    client = client_for(secretariat_admin)
    response = client.get(url(cycle))
    text = text_of(response)
    assert "Close the cycle?" in text and "before its deadline" not in text
    assert f"No more reviews can be submitted. {NOT_SUBMITTED_192}" in text
    assert 'name="understood"' not in response.content.decode()
    assert client.post(url(cycle), {}).status_code == 302
    assert ReviewCycle.objects.get(pk=cycle.pk).status == CycleStatus.CLOSED


def test_drafts_returned_and_withdrawn_reviews_and_observer_states_are_not_submitted(
    open_cycle, focal_point, other_focal_point, reviewer, kenya, colombia
):
    """Kenya approved, Mexico submitted: 191 left. Colombia's draft, Peru's returned review,
    Chile's withdrawn one and an observer state's submission change nothing."""
    mexico, peru, chile = (Country.objects.get(iso3=c) for c in ("MEX", "PER", "CHL"))
    submitted = {}
    for country in (kenya, mexico, peru, chile):
        user = focal_point if country == kenya else factories.make_focal_point(country)
        review = fill(services.start_review(country, open_cycle, by=user), user)
        submitted[country.iso3] = (services.submit_review(review, by=user), user)
    services.approve_review(submitted["KEN"][0], by=reviewer)
    services.return_review(submitted["PER"][0], by=reviewer, reason="Please add the sources.")
    chile_review, chile_focal_point = submitted["CHL"]
    services.withdraw_review(chile_review, by=chile_focal_point, reason="Not this cycle.")
    services.start_review(colombia, open_cycle, by=other_focal_point)
    observer = Country.objects.create(
        name="Holy See", iso2="VA", iso3="VAT", m49="336", region="Europe",
        subregion="Southern Europe", is_member_state=False,
    )  # fmt: skip
    Review.objects.create(country=observer, cycle=open_cycle, status=ReviewStatus.SUBMITTED)

    assert cycle_services.closing(open_cycle).not_submitted == 191


def test_the_statuses_that_count_as_submitted_are_the_workflows():
    assert set(cycle_services.SUBMITTED_STATUSES) == {
        ReviewStatus.SUBMITTED, ReviewStatus.APPROVED, ReviewStatus.PUBLISHED
    }  # fmt: skip
