"""What is public, and nothing else: the approved reviews of published cycles (a review's
status becomes `published` when its cycle is published, reviews.services.publish_reviews),
their answers, and the published cycles with their matrices. Every public page, download,
search result, map and API answer of this app starts from these functions."""

from django.db.models import QuerySet

from indicators.models import CycleStatus, Indicator, ReviewCycle
from reviews.models import Answer, Review, ReviewStatus


def cycles() -> QuerySet[ReviewCycle]:
    return ReviewCycle.objects.filter(status=CycleStatus.PUBLISHED)


def reviews() -> QuerySet[Review]:
    return Review.objects.filter(
        status=ReviewStatus.PUBLISHED, cycle__status=CycleStatus.PUBLISHED
    ).select_related("country", "cycle")


def answers() -> QuerySet[Answer]:
    """The answers of published reviews to the matrix version each answered."""
    return Answer.objects.filter(
        review__status=ReviewStatus.PUBLISHED, review__cycle__status=CycleStatus.PUBLISHED
    ).select_related("review__country", "review__cycle", "indicator")


def indicators(cycle: ReviewCycle) -> QuerySet[Indicator]:
    """The indicators of a published cycle's matrix in force, in matrix order."""
    return Indicator.objects.of_matrix(cycle.matrix)
