"""A benchmarking pack (issue 20): for a meeting, its invited Member States side by side — their
answers to each indicator (a table and, for numbers, the dossier's bar chart), the measures
they took and the difficulties they met, and their good practices — each from the country's
latest submitted version of its review for the meeting's cycle, marked approved or submitted.
"""

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _

from countries.models import Country
from indicators.models import Indicator, IndicatorType
from meetings.models import Meeting
from reports import charts
from reviews import reading, snapshots
from reviews.models import Answer, Review, ReviewStatus, Snapshot
from reviews.templatetags.reviews_tags import answer_display

SHOWN = (ReviewStatus.SUBMITTED, ReviewStatus.APPROVED, ReviewStatus.PUBLISHED)
NUMERIC = (IndicatorType.WHOLE_NUMBER, IndicatorType.DECIMAL, IndicatorType.PERCENTAGE)


@dataclass
class Part:
    """One country's part of the pack: its version shown, or None when it has none."""

    country: Country
    review: Review | None = None
    snapshot: Snapshot | None = None
    shown: dict | None = None

    @property
    def approved(self) -> bool:
        return self.review is not None and self.review.status != ReviewStatus.SUBMITTED

    def answer(self, code: str) -> Answer | None:
        if self.shown is None:
            return None
        return next((a for i, a in self.shown["rows"] if i.code == code), None)


def parts(meeting: Meeting) -> list[Part]:
    """Each invited country, by name, with its latest submitted version of the cycle."""
    reviews = {
        r.country_id: r
        for r in Review.objects.filter(cycle=meeting.cycle, status__in=SHOWN).select_related(
            "country", "cycle"
        )
    }
    found = []
    for country in meeting.countries.order_by("name"):
        review = reviews.get(country.pk)
        snapshot = review.snapshots.order_by("-version").first() if review else None
        if review is None or snapshot is None:
            found.append(Part(country))
            continue
        found.append(Part(country, review, snapshot, snapshots.as_submitted(review, snapshot)))
    return found


def pack(meeting: Meeting) -> dict[str, Any]:
    every = parts(meeting)
    present = [p for p in every if p.shown is not None]
    indicators = list(Indicator.objects.of_matrix(meeting.cycle.matrix))
    outcomes: dict[Any, list] = {}
    for indicator in indicators:
        cells = []
        numbers: list[tuple[str, float | int | Decimal]] = []
        for part in present:
            answer = part.answer(indicator.code)
            cells.append((part.country, answer_display(indicator, answer)))
            number = reading.answer_number(answer) if answer and not answer.not_available else None
            if indicator.type in NUMERIC and number is not None:
                numbers.append((part.country.name, number))
        chart = (
            charts.bar_chart(
                numbers,
                title=f"{indicator.code} {indicator.title}",
                unit=" %" if indicator.type == IndicatorType.PERCENTAGE else "",
                description=_("One bar per country; the table gives the same answers."),
            )
            if len(numbers) > 1
            else None
        )
        outcomes.setdefault(indicator.area.outcome, []).append((indicator, cells, chart))
    return {
        "parts": every,
        "present": present,
        "outcomes": list(outcomes.items()),
    }
