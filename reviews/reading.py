"""A submitted version of a review as people read it on a page: the open data's review page
(opendata/views/pages.py) and a peer's assessment page (reviews/views/peers.py) draw the same."""

from decimal import Decimal, InvalidOperation
from typing import Any

from django.template.loader import render_to_string
from django.utils import translation
from django.utils.safestring import SafeString

from indicators.models import Indicator
from reviews import snapshots
from reviews.models import Answer, Review, Snapshot
from reviews.sections import SECTIONS
from reviews.templatetags.reviews_tags import answer_display


def answer_number(answer: Answer) -> Decimal | None:
    """A numeric answer's number (its total when disaggregated by sex), None when it has none."""
    values = answer.values or {}
    try:
        value = Decimal(str(values.get("total", values.get("value"))))
    except (InvalidOperation, ValueError):
        return None
    return value if value.is_finite() else None


def by_outcome(rows: list[tuple[Indicator, Answer | None]]) -> list[tuple[Any, list]]:
    """[(outcome, [(indicator, answer, the answer as shown)])] in matrix order."""
    grouped: dict[Any, list] = {}
    for indicator, answer in rows:
        grouped.setdefault(indicator.area.outcome, []).append(
            (indicator, answer, answer_display(indicator, answer))
        )
    return list(grouped.items())


def render_submitted(review: Review, snapshot: Snapshot, *, level: int = 1) -> SafeString:
    """The version as written, in the review's own language (section and indicator titles
    included) inside an <article lang dir>; its title a heading of `level`."""
    with translation.override(review.language):
        shown = snapshots.as_submitted(review, snapshot)
        return render_to_string(
            "reviews/includes/submitted.html",
            {
                "review": review,
                "sections": [(s, shown["sections"][s.key]) for s in SECTIONS],
                "practices": shown["practices"],
                "municipalities": shown["municipalities"],
                "outcomes": by_outcome(shown["rows"]),
                "bidi": translation.get_language_bidi(),
                "level": level,
            },
        )
