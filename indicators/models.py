from typing import cast

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from accounts.access import scoped


class CycleStatus(models.TextChoices):
    PLANNING = "planning", _("Planning")
    OPEN = "open", _("Open")
    CLOSED = "closed", _("Closed")
    PUBLISHED = "published", _("Published")


class ReviewCycleQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Every cycle for the secretariat and the Board; focal points see none in planning."""
        return scoped(self, user, everything="indicators.view_all_cycles",
                      focal_point=~Q(status=CycleStatus.PLANNING))  # fmt: skip


class ReviewCycle(models.Model):
    """A round of voluntary reviews, reporting to one session of the UN-Habitat Assembly."""

    name = models.CharField(_("name"), max_length=200, unique=True)
    assembly = models.CharField(
        _("reports to"),
        max_length=300,
        help_text=_("For example: the second session of the UN-Habitat Assembly."),
    )
    opens_on = models.DateField(_("opens on"))
    deadline = models.DateField(_("submission deadline"))
    status = models.CharField(
        _("status"), max_length=12, choices=CycleStatus.choices, default=CycleStatus.PLANNING
    )
    report_introduction = models.TextField(
        _("introduction to the compiled report"),
        blank=True,
        help_text=_("Written by the secretariat; opens the compiled Assembly report."),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ReviewCycleQuerySet.as_manager()

    class Meta:
        verbose_name = _("review cycle")
        verbose_name_plural = _("review cycles")
        ordering = ["-opens_on", "name"]
        permissions = [("view_all_cycles", _("See cycles in planning"))]
        constraints = [
            models.CheckConstraint(
                condition=Q(deadline__gt=models.F("opens_on")), name="cycle_deadline_after_opening"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def matrix(self) -> "Matrix":
        """The matrix in force: in planning the draft, afterwards the newest frozen version."""
        versions = self.matrices.order_by("-version")
        if self.status != CycleStatus.PLANNING:
            versions = versions.filter(frozen_at__isnull=False)
        return cast("Matrix", versions.first())  # a cycle is created with its version 1


class Matrix(models.Model):
    """One version of a cycle's indicator matrix. Frozen versions never change again."""

    cycle = models.ForeignKey(ReviewCycle, on_delete=models.CASCADE, related_name="matrices")
    version = models.PositiveSmallIntegerField(_("version"), default=1)
    frozen_at = models.DateTimeField(_("frozen at"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("indicator matrix")
        verbose_name_plural = _("indicator matrices")
        constraints = [
            models.UniqueConstraint(fields=["cycle", "version"], name="matrix_version_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.cycle} v{self.version}"

    @property
    def is_frozen(self) -> bool:
        return self.frozen_at is not None


class MatrixNode(models.Model):
    """What outcomes, areas, indicators and options share: their matrix and their place."""

    # Every node names its matrix so the database can refuse changes to frozen matrices.
    matrix = models.ForeignKey(Matrix, on_delete=models.CASCADE, related_name="+")
    order = models.PositiveIntegerField(_("order"), default=0)

    class Meta:
        abstract = True
        ordering = ["order", "pk"]

    def save(self, *args, **kwargs):
        # A translated field's own column (`title`) takes the active language's text on save:
        # keep it English, whatever language the editor reads the portal in.
        with translation.override(settings.MODELTRANSLATION_DEFAULT_LANGUAGE):
            super().save(*args, **kwargs)


class Outcome(MatrixNode):
    code = models.CharField(_("code"), max_length=10)
    title = models.CharField(_("title"), max_length=300)

    class Meta(MatrixNode.Meta):
        verbose_name = _("outcome")
        verbose_name_plural = _("outcomes")
        constraints = [
            models.UniqueConstraint(fields=["matrix", "code"], name="outcome_code_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.title}"


class Area(MatrixNode):
    outcome = models.ForeignKey(Outcome, on_delete=models.CASCADE, related_name="areas")
    code = models.CharField(_("code"), max_length=10)
    title = models.CharField(_("title"), max_length=300)

    class Meta(MatrixNode.Meta):
        verbose_name = _("area")
        verbose_name_plural = _("areas")
        constraints = [
            models.UniqueConstraint(fields=["matrix", "code"], name="area_code_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.title}"


class IndicatorType(models.TextChoices):
    WHOLE_NUMBER = "whole_number", _("Whole number")
    DECIMAL = "decimal", _("Decimal number")
    PERCENTAGE = "percentage", _("Percentage")
    MONEY = "money", _("Money")
    YES_NO = "yes_no", _("Yes or no")
    SINGLE_CHOICE = "single_choice", _("Single choice")
    YEAR = "year", _("Year")
    FREE_TEXT = "free_text", _("Free text")


class IndicatorQuerySet(models.QuerySet):
    def of_matrix(self, matrix: "Matrix"):
        """The matrix's indicators in matrix order, with their area, outcome and options."""
        return (
            self.filter(matrix=matrix)
            .select_related("area__outcome")
            .prefetch_related("options")
            .order_by("area__outcome__order", "area__order", "order")
        )


class Indicator(MatrixNode):
    area = models.ForeignKey(Area, on_delete=models.CASCADE, related_name="indicators")
    code = models.CharField(_("code"), max_length=10)
    title = models.CharField(_("title"), max_length=300)
    guidance = models.TextField(_("guidance for focal points"), blank=True)
    type = models.CharField(_("answer type"), max_length=20, choices=IndicatorType.choices)
    unit = models.CharField(_("unit"), max_length=60, blank=True)
    required = models.BooleanField(_("required"), default=False)
    sdg_code = models.CharField(
        _("SDG indicator"),
        max_length=20,
        blank=True,
        help_text=_("For example: SDG 11.7.2"),
    )
    by_sex = models.BooleanField(_("disaggregated by sex"), default=False)
    max_length = models.PositiveIntegerField(
        _("length limit"),
        null=True,
        blank=True,
        help_text=_("For free text: the most characters an answer may have."),
    )

    objects = IndicatorQuerySet.as_manager()

    class Meta(MatrixNode.Meta):
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")
        constraints = [
            models.UniqueConstraint(fields=["matrix", "code"], name="indicator_code_unique"),
            models.CheckConstraint(
                condition=Q(sdg_code="")
                | Q(sdg_code__regex=r"^SDG [0-9]{1,2}\.[0-9a-z]{1,2}\.[0-9]{1,2}$"),
                name="indicator_sdg_code_format",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.title}"


class ChoiceOption(MatrixNode):
    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="options")
    value = models.SlugField(_("stored value"), max_length=60)
    label = models.CharField(_("label"), max_length=200)

    class Meta(MatrixNode.Meta):
        verbose_name = _("choice option")
        verbose_name_plural = _("choice options")
        constraints = [
            models.UniqueConstraint(fields=["indicator", "value"], name="option_value_unique"),
        ]

    def __str__(self) -> str:
        return self.label


class CycleEvent(models.Model):
    """Who opened, closed or published a cycle, and when."""

    cycle = models.ForeignKey(ReviewCycle, on_delete=models.CASCADE, related_name="events")
    from_status = models.CharField(max_length=12, choices=CycleStatus.choices)
    to_status = models.CharField(max_length=12, choices=CycleStatus.choices)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["at"]

    def __str__(self) -> str:
        return f"{self.cycle}: {self.from_status} → {self.to_status}"
