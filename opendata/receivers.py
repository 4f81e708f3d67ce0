"""When what is published changes, the cached public pages, downloads and API answers are
drawn again (opendata/cache.py): a cycle is published, or something a public page shows is
saved or deleted (a published review, its answers, good practices or PDF, a country, a
cycle or its matrix). The apps below announce nothing of the sort themselves; Django's model
signals are enough, and they reach this app without the lower apps knowing it is there.

The search index (opendata/search.py) is kept current here too, in the same transaction: a
published cycle's reviews are indexed, a published review saved (or its answers, good
practices or snapshots) is indexed again; a review deleted takes its passages with it (the
foreign key cascades). The search reads through `published.reviews()` whatever the index
holds, and `manage.py index_passages` rebuilds it all."""

from typing import Any

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from countries.models import Country
from indicators.models import Area, ChoiceOption, Indicator, Outcome, ReviewCycle
from opendata import cache, search
from reports.models import ReportFile
from reviews import signals
from reviews.models import Answer, GoodPractice, Review, ReviewStatus, Snapshot


@receiver(signals.reviews_published)
def cycle_published(sender: Any, **kwargs: Any) -> None:
    cache.changed()


@receiver(signals.reviews_published, dispatch_uid="opendata-index-cycle")
def index_published_cycle(sender: Any, cycle: ReviewCycle, **kwargs: Any) -> None:
    search.index_cycle(cycle)


def _published(review_id: int) -> bool:
    return Review.objects.filter(pk=review_id, status=ReviewStatus.PUBLISHED).exists()


def review_part_changed(sender: Any, instance: Any, **kwargs: Any) -> None:
    if _published(instance.review_id):
        cache.changed()
        if "created" in kwargs:  # saved (a deleted part's review may be going too)
            search.index_review(Review(pk=instance.review_id))


def review_changed(sender: Any, instance: Review, **kwargs: Any) -> None:
    if instance.status == ReviewStatus.PUBLISHED:
        cache.changed()
        if kwargs.get("created") is False:  # saved again (a new one has nothing to index)
            search.index_review(instance)


def always(sender: Any, **kwargs: Any) -> None:
    cache.changed()


def report_file_changed(sender: Any, instance: ReportFile, **kwargs: Any) -> None:
    """A published review's PDF (the one its page and its cycle's table link to)."""
    if ReportFile.objects.published().filter(pk=instance.pk).exists() or (
        kwargs.get("created") is None and instance.review_id and _published(instance.review_id)
    ):
        cache.changed()


for signal in (post_save, post_delete):
    signal.connect(review_changed, sender=Review, dispatch_uid=f"opendata-review-{signal}")
    for part in (Answer, GoodPractice, Snapshot):
        signal.connect(review_part_changed, sender=part, dispatch_uid=f"opendata-{part}-{signal}")
    signal.connect(report_file_changed, sender=ReportFile, dispatch_uid=f"opendata-pdf-{signal}")
    for model in (Country, ReviewCycle, Outcome, Area, Indicator, ChoiceOption):
        signal.connect(always, sender=model, dispatch_uid=f"opendata-{model}-{signal}")
