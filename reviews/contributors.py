"""A country's national drafting team: who may write which part of a review.

A focal point writes the whole review; a national contributor (reviews.models.Contributor)
writes the sections and the indicator outcomes a focal point assigned to them, in draft and
returned reviews, and never submits or withdraws. Every place that writes a review (the
editor, the Word import) asks `part_of(user)` what it may change.
"""

from dataclasses import dataclass

from accounts.models import User
from indicators.models import Indicator


@dataclass(frozen=True)
class Part:
    """What one person may write in their country's reviews."""

    everything: bool
    sections: frozenset[str] = frozenset()
    outcomes: frozenset[str] = frozenset()  # outcome codes: "1", "2", …

    def has_section(self, key: str) -> bool:
        return self.everything or key in self.sections

    def has_indicator(self, indicator: Indicator) -> bool:
        """Whether the indicator's outcome is assigned (the indicator comes with its area and
        outcome: `Indicator.objects.of_matrix`)."""
        return self.everything or indicator.area.outcome.code in self.outcomes


NOTHING = Part(everything=False)
WHOLE = Part(everything=True)


def part_of(user: User) -> Part:
    """The whole review for a focal point, the assigned part for a contributor, else nothing."""
    if user.has_perm("reviews.change_review"):
        return WHOLE
    contribution = user.contribution if user.has_perm("reviews.contribute_review") else None
    if contribution is None:
        return NOTHING
    return Part(
        everything=False,
        sections=frozenset(contribution.sections),
        outcomes=frozenset(contribution.outcomes),
    )
