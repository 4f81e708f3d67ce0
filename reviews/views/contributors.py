"""A focal point's national drafting team (reviews/contributors.py): who writes which part of
their country's reviews, inviting, reassigning, removing and re-inviting its members."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.access import Reach, permission_required
from accounts.http import PortalRequest
from reviews import contributors
from reviews.forms import ContributorForm
from reviews.models import Contributor, Review


def _member(request: PortalRequest, pk: int) -> Contributor:
    """The member if the user may see their country's team, else 404."""
    queryset = Contributor.objects.visible_to(request.user).select_related("user", "country")
    return get_object_or_404(queryset, pk=pk)


MEMBER = Reach("pk", _member)


@permission_required("reviews.change_contributor")
def team(request: PortalRequest) -> HttpResponse:
    """The focal point's drafting team, and their country's review of the open cycle."""
    country = request.user.country
    if country is None:
        raise PermissionDenied
    outcomes = list(contributors.open_outcomes())
    context = {
        "country": country,
        "rows": contributors.team_rows(Contributor.objects.visible_to(request.user), outcomes),
        "review": Review.objects.editable_by(request.user).first(),
    }
    return render(request, "reviews/contributor_list.html", context)


@permission_required("reviews.add_contributor")
def team_invite(request: PortalRequest) -> HttpResponse:
    """Invite a person of the focal point's country to write assigned parts of its reviews."""
    country = request.user.country
    if country is None:
        raise PermissionDenied
    form = ContributorForm(request.POST or None, outcomes=contributors.open_outcomes())
    if request.method == "POST" and form.is_valid():
        try:
            member = contributors.invite_contributor(country, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                _("%(name)s joined the drafting team and an invitation is on its way to %(email)s.")
                % {"name": member.user.name, "email": member.user.email},
            )
            return redirect("reviews:team")
    return render(request, "reviews/contributor_form.html", {"form": form, "member": None})


@permission_required("reviews.change_contributor", reach=MEMBER)
def team_edit(request: PortalRequest, member: Contributor) -> HttpResponse:
    """Change what a member writes, or their institution."""
    form = ContributorForm(
        request.POST or None, instance=member, outcomes=contributors.open_outcomes()
    )
    if request.method == "POST" and form.is_valid():
        try:
            contributors.reassign_contributor(member, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("%(name)s's assignment was saved.")
                             % {"name": member.user.name})  # fmt: skip
            return redirect("reviews:team")
    return render(request, "reviews/contributor_form.html", {"form": form, "member": member})


@require_POST
@permission_required("reviews.change_contributor", reach=MEMBER)
def team_remove(request: PortalRequest, member: Contributor) -> HttpResponse:
    try:
        contributors.remove_contributor(member, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("%(name)s was removed from the drafting team.")
                         % {"name": member.user.name})  # fmt: skip
    return redirect("reviews:team")


@require_POST
@permission_required("reviews.change_contributor", reach=MEMBER)
def team_reinvite(request: PortalRequest, member: Contributor) -> HttpResponse:
    try:
        contributors.reinvite_contributor(member, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("A new invitation is on its way to %(email)s.")
                         % {"email": member.user.email})  # fmt: skip
    return redirect("reviews:team")
