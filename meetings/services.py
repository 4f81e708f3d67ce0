"""What may be done with a meeting, and the e-mails it sends (meetings/models.py)."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from core import uploads
from meetings import tasks
from meetings.models import Delegate, Invitee, Meeting, MeetingDocument, MeetingStatus

DOCUMENT_KINDS = (uploads.PDF, uploads.DOCX, uploads.XLSX)


def _check_dates(meeting: Meeting) -> None:
    if meeting.starts_on and meeting.ends_on and meeting.ends_on < meeting.starts_on:
        raise ValidationError({"ends_on": _("The last day comes after the first day.")})


@transaction.atomic
def save_meeting(meeting: Meeting, *, by: User, countries) -> Meeting:
    """Plan a meeting or change it; `countries`: the Member States invited."""
    _check_dates(meeting)
    if meeting.pk is None:
        meeting.created_by = by
    if meeting.status == MeetingStatus.HELD and meeting.starts_on > timezone.localdate():
        raise ValidationError({"status": _("A meeting that has not started cannot be held yet.")})
    meeting.save()
    meeting.countries.set(countries)
    # A country no longer invited keeps no delegation.
    meeting.delegates.exclude(country__in=countries).delete()
    return meeting


@transaction.atomic
def register_delegation(meeting: Meeting, *, by: User, delegates: list[dict]) -> list[Delegate]:
    """The delegation of the focal point's country, in place of the one registered before;
    its focal points receive a confirmation."""
    country = by.focal_point.country if by.focal_point else None
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    if country is None or not meeting.countries.filter(pk=country.pk).exists():
        raise ValidationError(_("Your country is not invited to this meeting."))
    if meeting.status != MeetingStatus.PLANNED:
        raise ValidationError(_("The meeting was held: its delegations can no longer change."))
    if not delegates:
        raise ValidationError(_("Name at least one member of the delegation."))
    meeting.delegates.filter(country=country).delete()
    made = Delegate.objects.bulk_create(
        Delegate(meeting=meeting, country=country, registered_by=by, **fields)
        for fields in delegates
    )
    stamp = int(timezone.now().timestamp() * 1000)
    tasks.confirm_delegation.apply_async_on_commit((meeting.pk, country.pk, stamp))
    return made


def add_invitee(meeting: Meeting, *, by: User, **fields) -> Invitee:
    return Invitee.objects.create(meeting=meeting, **fields)


def add_document(meeting: Meeting, *, upload, kind: str, title: str, by: User) -> MeetingDocument:
    """Check `upload` by its content (core/uploads.py) and store it under a random name."""
    checked = uploads.validate_upload(upload, DOCUMENT_KINDS)
    document = MeetingDocument(
        meeting=meeting, kind=kind, title=title, content=checked, uploaded_by=by,
        **uploads.described(upload, checked),
    )  # fmt: skip
    uploads.store(document, upload, kind=checked, stem="document")
    return document


def remove_document(document: MeetingDocument) -> None:
    """Delete the document, and its file once the deletion is committed."""
    with transaction.atomic():
        storage, name = document.file.storage, document.file.name
        document.delete()
        if name:
            transaction.on_commit(lambda: storage.delete(name))


def attendance(cycle) -> tuple[int, dict[int, int]]:
    """How many meetings of the cycle were held, and {country id: how many of them it sent a
    delegation to}: what the secretariat recorded, beside what countries report (indicator
    3.5). One query."""
    rows = Meeting.objects.filter(cycle=cycle, status=MeetingStatus.HELD).values_list(
        "pk", "delegates__country_id"
    )
    held, pairs = set(), set()
    for meeting_id, country_id in rows:
        held.add(meeting_id)
        if country_id is not None:
            pairs.add((meeting_id, country_id))
    counts: dict[int, int] = {}
    for _meeting, country_id in pairs:
        counts[country_id] = counts.get(country_id, 0) + 1
    return len(held), counts
