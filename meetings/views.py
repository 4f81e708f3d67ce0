"""The Expert Group Meetings (meetings/models.py): the secretariat plans them and records what
was exchanged; the focal points of invited countries register their delegations; the Board
reads the held meetings of published cycles. A meeting out of reach answers 404."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from accounts.access import Reach, permission_required
from accounts.http import PortalRequest
from meetings import pack, services
from meetings.forms import DelegationFormSet, InviteeForm, MeetingForm
from meetings.models import Meeting, MeetingStatus


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


@require_safe
@permission_required("meetings.view_meeting", reach=MEETING)
def meeting_pack(request: PortalRequest, meeting: Meeting) -> HttpResponse:
    """The benchmarking pack of the meeting: its countries side by side."""
    return render(request, "meetings/pack.html", {"meeting": meeting} | pack.pack(meeting))
