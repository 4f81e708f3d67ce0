"""The search index of the published reviews (opendata/search.py fills and reads it)."""

from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.utils.translation import gettext_lazy as _

from reviews.models import Review


class PassageKind(models.TextChoices):
    SECTION = "section", _("Section")
    PRACTICE = "practice", _("Good practice")
    ANSWER = "answer", _("Indicator answer")


class Passage(models.Model):
    """One searchable piece of a published review as it was approved (its last snapshot): a
    narrative section, a good practice or what was written for one indicator."""

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=10, choices=PassageKind.choices)
    # The section's key, the good practice's number (1, 2, …) or the indicator's code.
    key = models.CharField(max_length=40)
    title = models.CharField(max_length=300, blank=True)  # a good practice's title
    language = models.CharField(max_length=10)  # the review's
    config = models.CharField(max_length=20)  # the PostgreSQL text search configuration
    text = models.TextField()
    # to_tsvector(config, text), written by the same UPDATE that follows the insert (a
    # generated column cannot cast the text `config` to a regconfig: that cast is not immutable).
    vector = SearchVectorField(null=True)

    class Meta:
        ordering = ["review", "pk"]
        indexes = [
            GinIndex(fields=["vector"], name="passage_vector"),
            GinIndex(fields=["text"], name="passage_text_trigrams", opclasses=["gin_trgm_ops"]),
        ]

    def __str__(self) -> str:
        return f"{self.review_id} {self.kind} {self.key}"
