import uuid
from pathlib import PurePath

import pghistory
import pgtrigger
from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from accounts.access import scoped
from countries.models import Country
from indicators.models import CycleStatus, Indicator, Matrix, ReviewCycle
from reviews.sections import SECTION_KEYS
from reviews.workflow import EDITABLE, ReviewStatus, is_editable

# A status badge's class, drawn by static/scss/_status.scss ("not_started": a country of the
# queue without a review). Templates write `class="badge {{ ... }}"`: "badge" is theirs.
BADGE_STATUSES = frozenset(ReviewStatus.values) | {"not_started"}


def status_badge(status: str) -> str:
    return f"status-{status}" if status in BADGE_STATUSES else "text-bg-light border"


class ReviewQuerySet(models.QuerySet):
    def visible_to(self, user):
        """The secretariat sees every review; a focal point their country's; a national
        contributor their country's reviews of open cycles; the Board the approved reviews of
        published cycles."""
        return scoped(
            self, user, everything="reviews.view_all_reviews", country="country_id",
            board=Q(status__in=[ReviewStatus.APPROVED, ReviewStatus.PUBLISHED],
                    cycle__status=CycleStatus.PUBLISHED),
            contributor=Q(cycle__status=CycleStatus.OPEN),
        )  # fmt: skip

    def editable_by(self, user):
        """What `user` may write in: a focal point all of it, a contributor their part."""
        if not (
            user.has_perm("reviews.change_review") or user.has_perm("reviews.contribute_review")
        ):
            return self.none()
        return self.visible_to(user).filter(status__in=EDITABLE, cycle__status=CycleStatus.OPEN)

    def submitted(self):
        return self.filter(status=ReviewStatus.SUBMITTED)


@pghistory.track(
    pghistory.InsertEvent(), pghistory.UpdateEvent(), pghistory.DeleteEvent(), append_only=True
)
class Review(models.Model):
    """A country's voluntary review report for one cycle."""

    country = models.ForeignKey(Country, on_delete=models.PROTECT, related_name="reviews")
    cycle = models.ForeignKey(ReviewCycle, on_delete=models.PROTECT, related_name="reviews")
    status = models.CharField(
        _("status"), max_length=12, choices=ReviewStatus.choices, default=ReviewStatus.DRAFT
    )
    language = models.CharField(
        _("language of the report"), max_length=10, choices=settings.LANGUAGES, default="en"
    )
    executive_summary = models.TextField(_("executive summary"), blank=True)
    national_context = models.TextField(_("national context"), blank=True)
    measures = models.TextField(_("measures taken"), blank=True)
    local_implementation = models.TextField(_("local implementation"), blank=True)
    good_practices = models.TextField(_("good practices"), blank=True)
    difficulties = models.TextField(_("difficulties encountered"), blank=True)
    partnerships = models.TextField(_("partnerships and resources"), blank=True)
    support_requested = models.TextField(_("support requested and next steps"), blank=True)
    # Optimistic locking: every save must name the version it started from.
    lock_version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )

    objects = ReviewQuerySet.as_manager()

    class Meta:
        verbose_name = _("country review")
        verbose_name_plural = _("country reviews")
        ordering = ["cycle", "country__name"]
        permissions = [
            ("view_all_reviews", _("See every country's reviews")),
            ("comment_review", _("Comment on reviews")),
            ("decide_review", _("Return, approve and reinstate reviews")),
            ("reopen_review", _("Reopen approved reviews")),
            ("submit_review", _("Submit and withdraw their country's reviews")),
            ("contribute_review", _("Write the parts of their country's reviews assigned to them")),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["country", "cycle"], name="one_review_per_country_cycle"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.country} · {self.cycle}"

    @property
    def is_editable(self) -> bool:
        return is_editable(self.status, self.cycle.status)

    def section_text(self, key: str) -> str:
        assert key in SECTION_KEYS
        return getattr(self, key)


@pghistory.track(
    pghistory.InsertEvent(), pghistory.UpdateEvent(), pghistory.DeleteEvent(), append_only=True
)
class GoodPractice(models.Model):
    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="practices")
    title = models.CharField(_("title"), max_length=300)
    city = models.CharField(_("city"), max_length=200, blank=True)
    period = models.CharField(
        _("period"), max_length=100, blank=True, help_text=_("For example: 2021–2023")
    )
    description = models.TextField(_("description"))
    results = models.TextField(_("results"), blank=True)
    partners = models.TextField(_("partners"), blank=True)
    tools_used = models.TextField(_("Safer Cities tools used"), blank=True)
    order = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("good practice")
        verbose_name_plural = _("good practices")
        ordering = ["order", "pk"]

    def __str__(self) -> str:
        return self.title


@pghistory.track(
    pghistory.InsertEvent(), pghistory.UpdateEvent(), pghistory.DeleteEvent(), append_only=True
)
class Answer(models.Model):
    """A review's answer to one indicator of the matrix version it answered."""

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="answers")
    indicator = models.ForeignKey(Indicator, on_delete=models.PROTECT, related_name="answers")
    # {"value": "12.5"} or {"female": "4", "male": "5", "total": "9"}: numbers as text
    # (Decimal-exact), yes/no as true/false, choices as their stored value.
    values = models.JSONField(default=dict, blank=True)
    currency = models.CharField(max_length=3, blank=True)
    reference_year = models.PositiveSmallIntegerField(null=True, blank=True)
    source = models.CharField(max_length=500, blank=True)
    note = models.TextField(blank=True)
    not_available = models.BooleanField(default=False)
    reason = models.TextField(blank=True)
    # What the focal point typed, kept even when it does not validate (nothing typed is lost).
    raw = models.JSONField(default=dict, blank=True)
    is_valid = models.BooleanField(default=True)
    updated_at = models.DateTimeField(auto_now=True)
    # Copied from the country's last approved review when this one was started from it
    # (reviews/carry.py); cleared when the answer is edited.
    carried_from = models.ForeignKey(
        "Review", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("indicator answer")
        verbose_name_plural = _("indicator answers")
        constraints = [
            models.UniqueConstraint(
                fields=["review", "indicator"], name="one_answer_per_indicator"
            ),
            models.CheckConstraint(
                condition=Q(not_available=False) | ~Q(reason=""), name="not_available_needs_reason"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.review} · {self.indicator.code}"

    @property
    def is_answered(self) -> bool:
        return self.not_available or any(v not in (None, "") for v in self.values.values())


def attachment_upload_to(instance: "Attachment", filename: str) -> str:
    return f"attachments/{uuid.uuid4().hex}{PurePath(filename).suffix.lower()[:6]}"


@pghistory.track(
    pghistory.InsertEvent(), pghistory.UpdateEvent(), pghistory.DeleteEvent(), append_only=True
)
class Attachment(models.Model):
    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(upload_to=attachment_upload_to, max_length=200)
    original_name = models.CharField(max_length=200)
    kind = models.CharField(max_length=10)
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)
    description = models.CharField(_("description"), max_length=300, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("evidence attachment")
        verbose_name_plural = _("evidence attachments")
        ordering = ["uploaded_at"]

    def __str__(self) -> str:
        return self.original_name


class Snapshot(models.Model):
    """What a review held when it was submitted: version 1, 2, … Never changes afterwards."""

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="snapshots")
    version = models.PositiveIntegerField()
    content = models.JSONField()
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["version"]
        triggers = [
            pgtrigger.Protect(
                name="snapshot_immutable", operation=pgtrigger.Update | pgtrigger.Delete
            )
        ]
        constraints = [
            models.UniqueConstraint(fields=["review", "version"], name="snapshot_version_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.review} v{self.version}"


class Transition(models.Model):
    """One workflow step: who, when, from, to and why (the review's timeline)."""

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="transitions")
    from_status = models.CharField(max_length=12, choices=ReviewStatus.choices)
    to_status = models.CharField(max_length=12, choices=ReviewStatus.choices)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(auto_now_add=True)
    reason = models.TextField(blank=True)
    snapshot = models.ForeignKey(Snapshot, on_delete=models.PROTECT, null=True, related_name="+")

    class Meta:
        ordering = ["at", "pk"]
        triggers = [
            pgtrigger.Protect(
                name="transition_immutable", operation=pgtrigger.Update | pgtrigger.Delete
            )
        ]

    def __str__(self) -> str:
        return f"{self.review}: {self.from_status} → {self.to_status}"


class ThreadStatus(models.TextChoices):
    OPEN = "open", _("Open")
    RESOLVED = "resolved", _("Resolved")


class CommentThread(models.Model):
    """A discussion on the whole review, one section or one indicator answer."""

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="threads")
    section = models.CharField(max_length=40, blank=True)
    indicator = models.ForeignKey(
        Indicator, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    status = models.CharField(
        max_length=10, choices=ThreadStatus.choices, default=ThreadStatus.OPEN
    )
    created_at = models.DateTimeField(auto_now_add=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(section="") | Q(indicator__isnull=True), name="thread_has_one_target"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.review} · {self.section or self.indicator_id or 'review'}"

    @property
    def anchor(self) -> str:
        """The id of what the thread is about on the review's pages ("" for the whole review)."""
        if self.indicator:
            return f"indicator-{self.indicator.code}"
        return f"section-{self.section}" if self.section else ""

    @property
    def target_label(self) -> str:
        """What the thread is about, as readers call it."""
        from reviews.sections import BY_KEY

        if self.indicator:
            return f"{self.indicator.code} {self.indicator.title}"
        if self.section in BY_KEY:
            section = BY_KEY[self.section]
            return f"{section.number}. {section.title}"
        return str(_("The whole review"))


class Comment(models.Model):
    thread = models.ForeignKey(CommentThread, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    body = models.TextField(_("comment"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return self.body[:60]


class Notification(models.Model):
    """An e-mail that went out, under a key naming what it was about: each goes out once."""

    key = models.CharField(max_length=200, unique=True)
    recipients = models.JSONField(default=list)
    sent_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.key


class ContributorQuerySet(models.QuerySet):
    def active(self):
        return self.filter(is_active=True, user__is_active=True)

    def visible_to(self, user):
        """The secretariat sees every country's drafting team; a focal point their own."""
        return scoped(
            self, user, everything="reviews.view_all_reviews", country="country_id",
            focal_point=Q(),
        )  # fmt: skip


class Contributor(models.Model):
    """A member of a country's national drafting team (a ministry's expert, say), invited by
    a focal point to write the sections and indicator outcomes assigned to them."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="contributions"
    )
    country = models.ForeignKey(Country, on_delete=models.PROTECT, related_name="contributors")
    institution = models.CharField(_("institution or ministry"), max_length=300)
    # Section keys (reviews/sections.py) and outcome codes ("1", "2"…): codes, so that an
    # assignment holds across matrix versions and cycles.
    sections = ArrayField(
        models.CharField(max_length=40), default=list, blank=True, verbose_name=_("sections")
    )
    outcomes = ArrayField(
        models.CharField(max_length=10),
        default=list,
        blank=True,
        verbose_name=_("indicator outcomes"),
    )
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    is_active = models.BooleanField(_("active"), default=True)
    removed_at = models.DateTimeField(null=True, blank=True)

    objects = ContributorQuerySet.as_manager()

    class Meta:
        verbose_name = _("national contributor")
        verbose_name_plural = _("national contributors")
        ordering = ["country", "user__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["user"], condition=Q(is_active=True), name="one_active_contribution"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} ({self.country})"


class WordExport(models.Model):
    """A review handed out as a Word document for drafting (reviews/word/): what the document
    held, to compare it with when it comes back, and the key its hidden markers carry."""

    key = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="word_exports")
    matrix = models.ForeignKey(Matrix, on_delete=models.PROTECT, related_name="+")
    base_version = models.PositiveIntegerField()  # the review's lock_version at export
    language = models.CharField(max_length=10)
    # {"sections": {key: text}, "answers": {code: {field: text}}}, as the reader reads them.
    content = models.JSONField()
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.review} · {self.created_at:%Y-%m-%d %H:%M}"


class WordImport(models.Model):
    """An edited Word document read back: its preview, then (when accepted) the draft save."""

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="word_imports")
    export = models.ForeignKey(WordExport, on_delete=models.PROTECT, related_name="imports")
    document_name = models.CharField(max_length=200)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    # {"sections": {key: text}, "answers": {code: {field: text}}, "notices": [...]}
    content = models.JSONField()
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    applied_at = models.DateTimeField(null=True, blank=True)
    applied_version = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.document_name} → {self.review}"


# --- Peer review (issue 20) -------------------------------------------------------------------


class PeerKind(models.TextChoices):
    EXPERT = "expert", _("Expert of a partner organisation")
    MEMBER_STATE = "member_state", _("Focal point of another Member State")


class AssessmentStatus(models.TextChoices):
    WRITING = "writing", _("Being written by the peer")
    SENT = "sent", _("Sent to the secretariat")
    RETURNED = "returned", _("Returned to the peer")
    SHARED = "shared", _("Shared with the country")


class PeerAssessmentQuerySet(models.QuerySet):
    def visible_to(self, user):
        """The secretariat sees every assessment; a peer the ones assigned to them; a focal
        point their country's, once the secretariat has shared them."""
        if not user.is_authenticated:
            return self.none()
        if user.has_perm("reviews.view_all_reviews"):
            return self
        mine = Q(peer=user)
        country = user.focal_point.country_id if user.focal_point else None
        if country is not None:
            mine |= Q(review__country_id=country, status=AssessmentStatus.SHARED)
        return self.filter(mine)


class PeerAssessment(models.Model):
    """A peer's structured assessment of one submitted review: per outcome of the matrix the
    strengths, gaps and recommendations, and an overall note. The secretariat assigns the peer,
    may return the assessment to them, then shares it with the country, which responds; an
    approved review's chapter of the compiled report carries both when the secretariat says."""

    review = models.ForeignKey(Review, on_delete=models.PROTECT, related_name="peer_assessments")
    # The submitted version the peer reads (the latest when assigned).
    snapshot = models.ForeignKey(Snapshot, on_delete=models.PROTECT, related_name="+")
    peer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="peer_assessments"
    )
    kind = models.CharField(_("peer"), max_length=12, choices=PeerKind.choices)
    organisation = models.CharField(_("organisation or country"), max_length=300)
    status = models.CharField(
        _("status"), max_length=10, choices=AssessmentStatus.choices,
        default=AssessmentStatus.WRITING,
    )  # fmt: skip
    # {outcome code: {"strengths": "", "gaps": "", "recommendations": ""}}
    outcomes = models.JSONField(default=dict, blank=True)
    overall = models.TextField(_("overall note"), blank=True)
    secretariat_comment = models.TextField(_("the secretariat's comment"), blank=True)
    response = models.TextField(_("the country's response"), blank=True)
    responded_at = models.DateTimeField(null=True, blank=True)
    responded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    in_report = models.BooleanField(_("in the compiled report"), default=False)
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    assigned_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    shared_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = PeerAssessmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("peer assessment")
        verbose_name_plural = _("peer assessments")
        ordering = ["review", "assigned_at", "pk"]
        permissions = [
            ("assign_peer", _("Assign peers to reviews and share their assessments")),
            ("assess_review", _("Write the peer assessments assigned to them")),
        ]
        constraints = [
            models.UniqueConstraint(fields=["review", "peer"], name="one_assessment_per_peer"),
        ]

    def __str__(self) -> str:
        return f"{self.review}: {self.peer}"
