"""The Inter-governmental Expert Group Meetings of a review cycle (issue 20): the "benchmarking"
meetings the concept note plans before each Assembly, where Member States exchange the measures
they took and the difficulties they met.

The secretariat plans a meeting and invites Member States (`countries`) and partners and
experts (`Invitee`); each invited country's focal points register its delegation
(`Delegate`); once held, the secretariat records the measures and difficulties exchanged.
"""

import uuid
from pathlib import PurePath

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from countries.models import Country, Partner
from indicators.models import CycleStatus, ReviewCycle


class MeetingStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    HELD = "held", _("Held")


class MeetingQuerySet(models.QuerySet):
    def visible_to(self, user):
        """The secretariat sees every meeting; a focal point the meetings their country is
        invited to; the Board the held meetings of published cycles; nobody else any."""
        if not user.is_authenticated:
            return self.none()
        if user.has_perm("meetings.view_all_meetings"):
            return self
        if user.focal_point and user.has_perm("meetings.register_delegation"):
            return self.filter(countries=user.focal_point.country_id)
        if user.has_perm("accounts.read_board_documents"):
            return self.filter(status=MeetingStatus.HELD, cycle__status=CycleStatus.PUBLISHED)
        return self.none()


class Meeting(models.Model):
    cycle = models.ForeignKey(
        ReviewCycle, on_delete=models.PROTECT, related_name="meetings",
        verbose_name=_("review cycle"),
    )  # fmt: skip
    title = models.CharField(_("title"), max_length=300)
    starts_on = models.DateField(_("first day"))
    ends_on = models.DateField(_("last day"))
    place = models.CharField(
        _("place"), max_length=200, blank=True, help_text=_("City and country; empty if online.")
    )
    online = models.BooleanField(_("online"), default=False)
    agenda = models.TextField(_("agenda"), blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=MeetingStatus.choices, default=MeetingStatus.PLANNED
    )
    countries = models.ManyToManyField(
        Country, related_name="meetings", blank=True, verbose_name=_("Member States invited")
    )
    summary = models.TextField(
        _("measures and difficulties exchanged"), blank=True,
        help_text=_("The outcome of the meeting, written once it is held."),
    )  # fmt: skip
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = MeetingQuerySet.as_manager()

    class Meta:
        verbose_name = _("Expert Group Meeting")
        verbose_name_plural = _("Expert Group Meetings")
        ordering = ["-starts_on", "pk"]
        permissions = [
            ("view_all_meetings", _("See every Expert Group Meeting")),
            ("register_delegation", _("Register their country's delegation to a meeting")),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=models.F("starts_on")), name="meeting_ends_after_start"
            ),
        ]

    def __str__(self) -> str:
        return self.title


class Delegate(models.Model):
    """A member of a Member State's delegation to a meeting, registered by its focal point."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="delegates")
    country = models.ForeignKey(Country, on_delete=models.PROTECT, related_name="+")
    name = models.CharField(_("full name"), max_length=200)
    function = models.CharField(_("function"), max_length=200)
    institution = models.CharField(_("institution"), max_length=300)
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    registered_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("delegate")
        verbose_name_plural = _("delegates")
        ordering = ["country__name", "pk"]

    def __str__(self) -> str:
        return f"{self.name} ({self.country})"


class Invitee(models.Model):
    """A partner or an expert invited to a meeting by the secretariat."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="invitees")
    name = models.CharField(_("full name"), max_length=200)
    organisation = models.CharField(_("organisation"), max_length=300)
    partner = models.ForeignKey(
        Partner, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("partner of the Global Network"),
    )  # fmt: skip
    expertise = models.CharField(_("expertise or function"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("invited partner or expert")
        verbose_name_plural = _("invited partners and experts")
        ordering = ["organisation", "name"]

    def __str__(self) -> str:
        return f"{self.name}, {self.organisation}"


class DocumentKind(models.TextChoices):
    AGENDA = "agenda", _("Agenda")
    PARTICIPANTS = "participants", _("List of participants")
    OUTCOME = "outcome", _("Outcome summary")
    OTHER = "other", _("Other document")


def document_upload_to(instance: "MeetingDocument", filename: str) -> str:
    return f"meetings/{uuid.uuid4().hex}{PurePath(filename).suffix.lower()[:6]}"


class MeetingDocument(models.Model):
    """A file of a meeting (its agenda, list of participants, outcome summary…), uploaded by the
    secretariat and checked by its content as review attachments are (core/uploads.py). The
    same things may instead be written on the meeting's page (agenda, summary) or drawn from
    its delegations and invitees (participants)."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="documents")
    kind = models.CharField(_("document"), max_length=20, choices=DocumentKind.choices)
    title = models.CharField(_("title (optional)"), max_length=300, blank=True)
    file = models.FileField(upload_to=document_upload_to, max_length=200)
    original_name = models.CharField(max_length=200)
    content = models.CharField(max_length=10)  # the checked kind: pdf, docx, xlsx
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("meeting document")
        verbose_name_plural = _("meeting documents")
        ordering = ["uploaded_at", "pk"]

    def __str__(self) -> str:
        return self.title or self.original_name
