"""Reviews in each state, for Kenya (the `focal_point`'s country) in the open first cycle."""

import pytest

from indicators import services as cycle_services
from indicators.answers import AnswerForm
from indicators.models import ReviewCycle
from reviews import services
from reviews.models import Review
from reviews.sections import SECTIONS

REQUIRED_ANSWERS = {
    "1.1": {"value": "adopted"},
    "1.2": {"value": "yes"},
    "1.3": {"value": "12"},
    "1.4": {"value": "14"},
    "1.5": {"value": "3"},
    "1.6": {"value": "250000", "currency": "KES"},
    "2.1": {"value": "yes"},
    "2.2": {"value": "established"},
    "3.1": {"not_available": "on", "reason": "Membership is being confirmed."},
}


@pytest.fixture
def open_cycle(secretariat_admin) -> ReviewCycle:  # the seeded first cycle, opened
    cycle = ReviewCycle.objects.get(name="2021–2023 review cycle")
    return cycle_services.open_cycle(cycle, by=secretariat_admin)


def answer_forms(review: Review, answers: dict[str, dict]) -> list[AnswerForm]:
    return services.answer_forms_for(review, answers)


def fill(review: Review, user, *, sections=None, answers=None) -> Review:
    """Save sections and answers through the service, as the editor does."""
    sections = sections if sections is not None else {
        s.key: f"{s.title}: the measures and results of Kenya." for s in SECTIONS
    }  # fmt: skip
    return services.save_draft(
        review, by=user, base_version=review.lock_version, sections=sections,
        answer_forms=answer_forms(review, REQUIRED_ANSWERS if answers is None else answers),
    )  # fmt: skip


@pytest.fixture
def draft_review(open_cycle, focal_point, kenya) -> Review:  # Kenya's empty draft
    return services.start_review(kenya, open_cycle, by=focal_point)


@pytest.fixture
def complete_review(draft_review, focal_point) -> Review:  # every required part filled in
    return fill(draft_review, focal_point)


@pytest.fixture
def submitted_review(complete_review, focal_point, django_capture_on_commit_callbacks) -> Review:
    with django_capture_on_commit_callbacks(execute=True):
        return services.submit_review(complete_review, by=focal_point)
