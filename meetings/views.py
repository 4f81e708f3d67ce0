"""The Expert Group Meetings (meetings/models.py): the secretariat plans them and records what
was exchanged; the focal points of invited countries register their delegations; the Board
reads the held meetings of published cycles. A meeting out of reach answers 404."""

from datetime import timedelta

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_POST, require_safe

from accounts.access import Reach, permission_required
from accounts.http import PortalRequest
from core import uploads
from meetings import pack, services
from meetings.forms import DelegationFormSet, DocumentForm, InviteeForm, MeetingForm, PackForm
from meetings.models import Meeting, MeetingStatus
from reports import jobs
from reports.models import JobStatus, RenderJob, ReportFile, ReportKind
from reports.views import send_report


def _meeting(request: PortalRequest, pk: int) -> Meeting:
    queryset = Meeting.objects.visible_to(request.user).select_related("cycle")
    return get_object_or_404(queryset, pk=pk)


MEETING = Reach("pk", _meeting)


@require_safe
@permission_required("meetings.view_meeting")
def meeting_list(request: PortalRequest) -> HttpResponse:
    meetings = (
        Meeting.objects.visible_to(request.user)
        .select_related("cycle")
        .prefetch_related("countries")
        .order_by("-starts_on", "pk")
    )
    return render(request, "meetings/meeting_list.html", {"meetings": meetings})


def _save(request: PortalRequest, form: MeetingForm) -> HttpResponse | None:
    if request.method == "POST" and form.is_valid():
        try:
            meeting = services.save_meeting(
                form.save(commit=False), by=request.user, countries=form.cleaned_data["countries"]
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The meeting was saved."))
            return redirect("meetings:detail", meeting.pk)
    return None


@permission_required("meetings.add_meeting")
def meeting_add(request: PortalRequest) -> HttpResponse:
    form = MeetingForm(request.POST or None)
    return _save(request, form) or render(
        request, "meetings/meeting_form.html", {"form": form, "meeting": None}
    )


@permission_required("meetings.change_meeting", reach=MEETING)
def meeting_edit(request: PortalRequest, meeting: Meeting) -> HttpResponse:
    form = MeetingForm(request.POST or None, instance=meeting)
    return _save(request, form) or render(
        request, "meetings/meeting_form.html", {"form": form, "meeting": meeting}
    )


@require_safe
@permission_required("meetings.view_meeting", reach=MEETING)
def meeting_detail(request: PortalRequest, meeting: Meeting) -> HttpResponse:
    return _detail(request, meeting)


def _detail(request: PortalRequest, meeting: Meeting, **extra) -> HttpResponse:
    user = request.user
    country = user.focal_point.country if user.focal_point else None
    delegates = meeting.delegates.select_related("country")
    if not user.has_perm("meetings.view_all_meetings") and meeting.status != MeetingStatus.HELD:
        # before the meeting, a country sees its own delegation only
        delegates = delegates.filter(country=country)
    by_country: dict = {}
    for delegate in delegates:
        by_country.setdefault(delegate.country, []).append(delegate)
    own = [d for d in delegates if country and d.country_id == country.pk]
    can_register = (
        country is not None
        and user.has_perm("meetings.register_delegation")
        and meeting.status == MeetingStatus.PLANNED
    )
    context = {
        "meeting": meeting,
        "countries": meeting.countries.order_by("name"),
        "delegations": sorted(by_country.items(), key=lambda item: item[0].name),
        "invitees": meeting.invitees.select_related("partner"),
        "can_change": user.has_perm("meetings.change_meeting"),
        "can_register": can_register,
        "delegation": extra.pop("delegation", None)
        or (
            DelegationFormSet(
                initial=[
                    {"name": d.name, "function": d.function, "institution": d.institution}
                    for d in own
                ],
                prefix="delegate",
            )
            if can_register
            else None
        ),
        "invitee_form": extra.pop("invitee_form", None) or InviteeForm(),
        "documents": meeting.documents.all(),
        "document_form": extra.pop("document_form", None) or DocumentForm(),
        "own": own,
    } | extra
    return render(request, "meetings/meeting_detail.html", context)


@require_POST
@permission_required("meetings.register_delegation", reach=MEETING)
def delegation(request: PortalRequest, meeting: Meeting) -> HttpResponse:
    """The focal point's country's delegation: who attends, in what function, from where."""
    formset = DelegationFormSet(request.POST, prefix="delegate")
    if formset.is_valid():
        delegates = [
            form.cleaned_data
            for form in formset.forms
            if form.cleaned_data
            and not form.cleaned_data.get("DELETE")
            and form.cleaned_data.get("name")
        ]
        for fields in delegates:
            fields.pop("DELETE", None)
        try:
            services.register_delegation(meeting, by=request.user, delegates=delegates)
        except ValidationError as error:
            return _detail(request, meeting, delegation=formset, refused=error.messages)
        else:
            messages.success(
                request, _("Your delegation is registered; a confirmation is on its way.")
            )
            return redirect("meetings:detail", meeting.pk)
    return _detail(request, meeting, delegation=formset)


@require_POST
@permission_required("meetings.change_meeting", reach=MEETING)
def invitee_add(request: PortalRequest, meeting: Meeting) -> HttpResponse:
    form = InviteeForm(request.POST)
    if form.is_valid():
        services.add_invitee(meeting, by=request.user, **form.cleaned_data)
        messages.success(request, _("The partner or expert was added to the meeting."))
        return redirect("meetings:detail", meeting.pk)
    return _detail(request, meeting, invitee_form=form)


@require_POST
@permission_required("meetings.change_meeting", reach=MEETING)
def invitee_delete(request: PortalRequest, meeting: Meeting, invitee: int) -> HttpResponse:
    found = get_object_or_404(meeting.invitees, pk=invitee)
    found.delete()
    messages.success(request, _("%(name)s was taken off the meeting.") % {"name": found.name})
    return redirect("meetings:detail", meeting.pk)


@require_POST
@permission_required("meetings.change_meeting", reach=MEETING)
def document_add(request: PortalRequest, meeting: Meeting) -> HttpResponse:
    """Add a file to the meeting; a refused one comes back on the meeting's page, the reason
    beside the field and the title kept."""
    form = DocumentForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            document = services.add_document(
                meeting,
                upload=form.cleaned_data["file"],
                kind=form.cleaned_data["kind"],
                title=form.cleaned_data["title"],
                by=request.user,
            )
        except ValidationError as error:
            form.add_error("file", error)
        else:
            messages.success(request, _("%(name)s was added.") % {"name": document.original_name})
            return redirect(meeting_documents(meeting))
    return _detail(request, meeting, document_form=form)


def meeting_documents(meeting: Meeting) -> str:
    return reverse("meetings:detail", args=[meeting.pk]) + "#documents"


@cache_control(private=True)
@require_safe
@permission_required("meetings.view_meeting", reach=MEETING)
def document_download(request: PortalRequest, meeting: Meeting, document: int) -> FileResponse:
    found = get_object_or_404(meeting.documents, pk=document)
    return uploads.serve(found.file, name=found.original_name, kind=found.content)


@require_POST
@permission_required("meetings.change_meeting", reach=MEETING)
def document_delete(request: PortalRequest, meeting: Meeting, document: int) -> HttpResponse:
    found = get_object_or_404(meeting.documents, pk=document)
    services.remove_document(found)
    messages.success(request, _("%(name)s was removed.") % {"name": found.original_name})
    return redirect(meeting_documents(meeting))


@require_safe
@permission_required("meetings.view_meeting", reach=MEETING)
def meeting_pack(request: PortalRequest, meeting: Meeting) -> HttpResponse:
    """The benchmarking pack of the meeting: its countries side by side, and its PDFs (htmx
    polls their part of the page while one is being drawn)."""
    if request.htmx:
        return render(request, "meetings/pack.html#pack-pdfs", _pdfs(request, meeting))
    context = {"meeting": meeting} | pack.pack(meeting) | _pdfs(request, meeting)
    return render(request, "meetings/pack.html", context)


def _pdfs(request: PortalRequest, meeting: Meeting, form: PackForm | None = None) -> dict:
    """The pack's latest PDF in each language, and the renders still running."""
    files = (
        ReportFile.objects.filter(kind=ReportKind.PACK, subject_id=meeting.pk)
        .order_by("language", "-built_at")
        .distinct("language")
    )
    pending = RenderJob.objects.filter(
        kind=ReportKind.PACK,
        subject_id=meeting.pk,
        status__in=(JobStatus.QUEUED, JobStatus.RUNNING),
    )
    failed = RenderJob.objects.filter(
        kind=ReportKind.PACK, subject_id=meeting.pk, status=JobStatus.FAILED,
        finished_at__gt=timezone.now() - timedelta(days=1),
    )  # fmt: skip
    return {
        "meeting": meeting,
        "pdfs": sorted(files, key=lambda f: f.get_language_display()),
        "pending": list(pending),
        "failed": list(failed.exclude(language__in=pending.values("language"))),
        "pack_form": form or PackForm(initial={"language": request.LANGUAGE_CODE}),
    }


@require_POST
@permission_required("meetings.view_meeting", reach=MEETING)
def pack_pdf(request: PortalRequest, meeting: Meeting) -> HttpResponse:
    """Ask the worker for the pack as a PDF in a language."""
    form = PackForm(request.POST)
    if not form.is_valid():
        context = {"meeting": meeting} | pack.pack(meeting) | _pdfs(request, meeting, form)
        return render(request, "meetings/pack.html", context)
    jobs.request_subject(ReportKind.PACK, meeting.cycle, meeting.pk,
                         language=form.cleaned_data["language"], by=request.user)  # fmt: skip
    messages.success(request, _("The PDF is being drawn; this page shows it once it is ready."))
    return redirect(reverse("meetings:pack", args=[meeting.pk]) + "#pdfs")


@require_safe
@permission_required("meetings.view_meeting", reach=MEETING)
def pack_download(request: PortalRequest, meeting: Meeting, report: int) -> FileResponse:
    found = get_object_or_404(
        ReportFile.objects.select_related("cycle"),
        kind=ReportKind.PACK, subject_id=meeting.pk, pk=report,
    )  # fmt: skip
    return send_report(request, found, public=False)
