"""Render jobs, the PDFs they produce, the chapter cache and the download log (SPEC §6).

The tables keep the names they had when these models lived in `reviews` (reviews_renderjob,
…): the move was a change of Django's state only (migrations reviews 0007, reports 0001).
"""

from typing import cast

import pgtrigger
from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from accounts.access import scoped
from indicators.models import CycleStatus, ReviewCycle
from reviews.models import Review, ReviewStatus, Snapshot


class ReportKind(models.TextChoices):
    REVIEW = "review", _("Country review")
    DOSSIER = "dossier", _("Compiled Assembly report")
    PACK = "pack", _("Benchmarking pack")


class JobStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


class RenderJobQuerySet(models.QuerySet):
    def visible_to(self, user):
        """The secretariat sees every job; a focal point the final renders of their country."""
        return scoped(self, user, everything="reports.compile_reports", country="review__country_id",
                      focal_point=Q(kind=ReportKind.REVIEW, draft=False))  # fmt: skip


class RenderJob(models.Model):
    """One PDF to render, kept in PostgreSQL so that no render is lost with a broker or worker."""

    kind = models.CharField(max_length=10, choices=ReportKind.choices)
    cycle = models.ForeignKey(ReviewCycle, on_delete=models.CASCADE, related_name="render_jobs")
    review = models.ForeignKey(
        Review, on_delete=models.CASCADE, null=True, blank=True, related_name="render_jobs"
    )
    snapshot = models.ForeignKey(
        Snapshot, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    draft = models.BooleanField(default=False)
    # What a kind another app registers draws (jobs.register): for a pack, its meeting's id.
    subject_id = models.PositiveBigIntegerField(null=True, blank=True)
    language = models.CharField(max_length=10, choices=settings.LANGUAGES, default="en")
    status = models.CharField(max_length=10, choices=JobStatus.choices, default=JobStatus.QUEUED)
    attempts = models.PositiveSmallIntegerField(default=0)
    error = models.TextField(blank=True)
    # True while its task could not be handed to the broker (down when the job was asked for);
    # the sweeper sends it once the broker answers again.
    unsent = models.BooleanField(default=False)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    requested_at = models.DateTimeField(auto_now_add=True)
    # Debounce: the job does not start before this (compiles after a burst of approvals).
    not_before = models.DateTimeField(null=True, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    # host:pid of the process running it, so a redelivered task can tell a dead claim.
    worker = models.CharField(max_length=200, blank=True)
    stats = models.JSONField(default=dict, blank=True)

    objects = RenderJobQuerySet.as_manager()

    class Meta:
        db_table = "reviews_renderjob"
        ordering = ["-requested_at", "-pk"]
        permissions = [
            ("compile_reports", _("Compile Assembly reports and follow renders")),
            ("view_download_log", _("Read the download log")),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind="dossier", review__isnull=True, subject_id__isnull=True)
                | Q(kind="review", review__isnull=False, snapshot__isnull=False)
                | Q(kind="pack", review__isnull=True, subject_id__isnull=False),
                name="render_job_target",
            ),
            # Approvals in a burst share one queued compile of the cycle.
            models.UniqueConstraint(
                fields=["cycle", "language"],
                condition=Q(kind="dossier", status="queued"),
                name="one_queued_compile_per_cycle",
            ),
        ]

    def __str__(self) -> str:
        target = self.review or self.cycle
        return f"{self.get_kind_display()} · {target} · {self.status}"

    @property
    def is_finished(self) -> bool:
        return self.status in (JobStatus.DONE, JobStatus.FAILED)


class ReportFileQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Who may download which PDF (SPEC §2, §6, §8).

        Secretariat: all. Focal point: their country's final review PDFs. Board: compiled
        reports and final review PDFs of published cycles. Nobody else (the public library
        has its own queryset, `published`).
        """
        return scoped(
            self, user, everything="reports.compile_reports", country="review__country_id",
            focal_point=Q(kind=ReportKind.REVIEW, draft=False),
            board=Q(cycle__status=CycleStatus.PUBLISHED, draft=False,
                    kind__in=(ReportKind.REVIEW, ReportKind.DOSSIER)),
        )  # fmt: skip

    def published(self):
        """The final PDFs of published reviews: the public library."""
        return self.filter(
            kind=ReportKind.REVIEW,
            draft=False,
            cycle__status=CycleStatus.PUBLISHED,
            review__status=ReviewStatus.PUBLISHED,
        )

    def latest_per_review(self):
        return self.order_by("review_id", "-built_at").distinct("review_id")


def report_upload_to(instance: "ReportFile", filename: str) -> str:
    return f"reports/{instance.kind}/{filename}"


class ReportFile(models.Model):
    """A rendered PDF: a country review (draft or final) or a version of the compiled report."""

    job = models.OneToOneField(RenderJob, on_delete=models.PROTECT, related_name="report")
    kind = models.CharField(max_length=10, choices=ReportKind.choices)
    cycle = models.ForeignKey(ReviewCycle, on_delete=models.PROTECT, related_name="reports")
    review = models.ForeignKey(
        Review, on_delete=models.PROTECT, null=True, blank=True, related_name="reports"
    )
    snapshot = models.ForeignKey(
        Snapshot, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    draft = models.BooleanField(default=False)
    subject_id = models.PositiveBigIntegerField(null=True, blank=True)  # as its job's
    language = models.CharField(max_length=10, choices=settings.LANGUAGES, default="en")
    # Compiled reports are numbered 1, 2, … per cycle and language.
    number = models.PositiveIntegerField(null=True, blank=True)
    file = models.FileField(upload_to=report_upload_to, max_length=200)
    pages = models.PositiveIntegerField()
    bytes = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)
    built_at = models.DateTimeField(auto_now_add=True)
    built_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )

    objects = ReportFileQuerySet.as_manager()

    class Meta:
        db_table = "reviews_reportfile"
        ordering = ["-built_at", "-pk"]
        constraints = [
            # Each language's editions are numbered on their own: 1, 2, … (the defect of
            # one count across languages left a first Chinese edition called "Version 6").
            models.UniqueConstraint(
                fields=["cycle", "language", "number"],
                condition=Q(kind="dossier"),
                name="one_number_per_compiled_report_language",
            ),
        ]

    def __str__(self) -> str:
        return self.filename

    @property
    def filename(self) -> str:
        """The name the download is saved under."""
        slug = self.cycle.name.replace("–", "-").replace(" ", "-")
        if self.kind == ReportKind.DOSSIER:
            language = "" if self.language == "en" else f"-{self.language}"
            return f"{slug}-compiled-report-v{self.number}{language}.pdf"
        if self.kind == ReportKind.PACK:
            return f"{slug}-benchmarking-pack-{self.subject_id}-{self.language}.pdf"
        suffix = "-DRAFT" if self.draft else ""
        version = self.snapshot.version if self.snapshot else 1
        review = cast(Review, self.review)  # a review's file names it (render_job_target)
        return f"{review.country.iso3}-{slug}-review-v{version}{suffix}.pdf"


class PartKind(models.TextChoices):
    FRONT = "front", _("Front matter")
    CHAPTER = "chapter", _("Chapter")
    ANNEX = "annex", _("Annex")
    FOLIO = "folio", _("Page numbers")


class PartStatus(models.TextChoices):
    WAITING = "waiting", _("Waiting")
    DRAWING = "drawing", _("Being drawn")
    DONE = "done", _("Done")


class CompilePart(models.Model):
    """One part of a compile spread over workers (reports/compiling.py): drawn by a task of
    its own on the compile queue, or found in the chapter cache under its content key."""

    job = models.ForeignKey(RenderJob, on_delete=models.CASCADE, related_name="parts")
    order = models.PositiveIntegerField()
    kind = models.CharField(max_length=10, choices=PartKind.choices)
    key = models.CharField(max_length=64)  # the content key: the chapter cache's
    review = models.ForeignKey(
        Review, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    snapshot = models.ForeignKey(
        Snapshot, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    chunk = models.PositiveIntegerField(null=True, blank=True)  # a folio sheet's
    html = models.TextField(blank=True)  # the front matter, as planned
    status = models.CharField(max_length=10, choices=PartStatus.choices, default=PartStatus.WAITING)
    # What the join takes: the key itself, or a placeholder's or a part drawn with notes,
    # stored under keys of their own (the content key stays free for the next compile to try).
    result = models.CharField(max_length=64, blank=True)
    drawn = models.BooleanField(default=False)  # by this compile (False: reused from the cache)
    worker = models.CharField(max_length=200, blank=True)  # host:pid of its claim
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    seconds = models.FloatField(null=True, blank=True)  # drawing time, when drawn
    problems = models.JSONField(default=list, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["job", "order"]
        constraints = [
            models.UniqueConstraint(fields=["job", "order"], name="one_part_per_place"),
        ]

    def __str__(self) -> str:
        return f"{self.job_id}/{self.order} {self.kind} {self.status}"


class ChapterCache(models.Model):
    """A rendered part of the compiled report, stored under the hash of what it was made from."""

    key = models.CharField(max_length=64, unique=True)
    file = models.FileField(max_length=200)
    pages = models.PositiveIntegerField()
    outline = models.JSONField(default=list)
    created_at = models.DateTimeField(auto_now_add=True)
    used_at = models.DateTimeField(auto_now=True)

    class Meta:
        db_table = "reviews_chaptercache"

    def __str__(self) -> str:
        return self.key


class Download(models.Model):
    """Who downloaded which PDF, and when (anonymous readers of the public library too)."""

    report = models.ForeignKey(ReportFile, on_delete=models.PROTECT, related_name="downloads")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    at = models.DateTimeField(auto_now_add=True)
    public = models.BooleanField(default=False)

    class Meta:
        db_table = "reviews_download"
        ordering = ["-at", "-pk"]
        triggers = [
            pgtrigger.Protect(
                name="download_log_immutable", operation=pgtrigger.Update | pgtrigger.Delete
            )
        ]

    def __str__(self) -> str:
        return f"{self.user or 'public'} · {self.report} · {self.at}"
