from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from accounts import services as account_services
from accounts.access import Reach, permission_required
from accounts.http import PortalRequest
from countries import services
from countries.forms import CountryStatusForm, FocalPointForm, MunicipalityForm, ObserverStateForm
from countries.models import NETWORK_TARGET, Country, FocalPoint, Municipality, Region


def _country(request: PortalRequest, iso3: str) -> Country:
    """The country if the user may see it, else 404."""
    return get_object_or_404(Country.objects.visible_to(request.user), iso3=iso3.upper())


COUNTRY = Reach("iso3", _country)


def country_list(request: PortalRequest) -> HttpResponse:
    countries = Country.objects.visible_to(request.user).annotate(
        network_size=Count("municipalities", distinct=True),
        active_focal_points=Count(
            "focal_points",
            filter=Q(focal_points__is_active=True, focal_points__user__is_active=True),
            distinct=True,
        ),
    )
    region = request.GET.get("region", "")
    if region in Region.values:
        countries = countries.filter(region=region)
    # A NUL byte cannot go into a PostgreSQL query: drop it, as the library's search does.
    query = request.GET.get("q", "").replace("\x00", "").strip()[:100]
    if query:
        countries = countries.filter(
            Q(name__icontains=query) | Q(iso3__iexact=query) | Q(iso2__iexact=query)
        )
    context = {
        "countries": countries,
        "regions": Region.choices,
        "region": region,
        "query": query,
        "target": NETWORK_TARGET,
    }
    return render(request, "countries/country_list.html", context)


@permission_required(reach=COUNTRY)
def country_detail(request: PortalRequest, country: Country) -> HttpResponse:
    focal_points = country.focal_points.select_related("user").order_by("-is_active", "kind")
    municipalities = list(country.municipalities.all())
    context = {
        "country": country,
        "focal_points": focal_points,
        "municipalities": municipalities,
        "target": NETWORK_TARGET,
        "meets_target": len(municipalities) >= NETWORK_TARGET,
        "can_edit_network": request.user.has_perm("countries.change_municipality"),
        "can_edit_status": request.user.has_perm("countries.change_country_status"),
        "can_designate": request.user.has_perm("countries.add_focalpoint"),
    }
    return render(request, "countries/country_detail.html", context)


@permission_required("countries.change_country_status", reach=COUNTRY)
def country_status(request: PortalRequest, country: Country) -> HttpResponse:
    form = CountryStatusForm(request.POST or None, instance=country)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("The status of %(country)s was saved.") % {"country": country})
        return redirect("countries:detail", country.iso3)
    return render(request, "countries/country_status_form.html", {"country": country, "form": form})


@permission_required("countries.add_country")
def observer_state_add(request: PortalRequest) -> HttpResponse:
    form = ObserverStateForm(request.POST or None, instance=Country(is_member_state=False))
    if request.method == "POST" and form.is_valid():
        country = form.save()
        messages.success(request, _("%(country)s was added.") % {"country": country})
        return redirect("countries:detail", country.iso3)
    return render(request, "countries/country_form.html", {"form": form})


@permission_required("countries.add_municipality", reach=COUNTRY)
def municipality_add(request: PortalRequest, country: Country) -> HttpResponse:
    form = MunicipalityForm(request.POST or None, instance=Municipality(country=country))
    if request.method == "POST" and form.is_valid():
        municipality = form.save()
        messages.success(request, _("%(name)s joined the network.") % {"name": municipality.name})
        return redirect("countries:detail", country.iso3)
    context = {"country": country, "form": form}
    return render(request, "countries/municipality_form.html", context)


@permission_required("countries.change_municipality", reach=COUNTRY)
def municipality_edit(request: PortalRequest, country: Country, pk: int) -> HttpResponse:
    municipality = get_object_or_404(country.municipalities, pk=pk)
    form = MunicipalityForm(request.POST or None, instance=municipality)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("%(name)s was saved.") % {"name": municipality.name})
        return redirect("countries:detail", country.iso3)
    context = {"country": country, "form": form, "municipality": municipality}
    return render(request, "countries/municipality_form.html", context)


@permission_required("countries.delete_municipality", reach=COUNTRY)
def municipality_delete(request: PortalRequest, country: Country, pk: int) -> HttpResponse:
    municipality = get_object_or_404(country.municipalities, pk=pk)
    if request.method == "POST":
        municipality.delete()
        messages.success(
            request, _("%(name)s was removed from the network.") % {"name": municipality.name}
        )
        return redirect("countries:detail", country.iso3)
    context = {"country": country, "municipality": municipality}
    return render(request, "countries/municipality_confirm_delete.html", context)


@permission_required("countries.add_focalpoint", reach=COUNTRY)
def focal_point_add(request: PortalRequest, country: Country) -> HttpResponse:
    form = FocalPointForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items()}
        try:
            focal_point = services.designate_focal_point(country, by=request.user, **data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                _("%(name)s was designated and an invitation is on its way to %(email)s.")
                % {"name": focal_point.user.name, "email": focal_point.user.email},
            )
            return redirect("countries:detail", country.iso3)
    return render(request, "countries/focal_point_form.html", {"country": country, "form": form})


@permission_required("countries.change_focalpoint", reach=COUNTRY)
def focal_point_edit(request: PortalRequest, country: Country, pk: int) -> HttpResponse:
    focal_point = get_object_or_404(country.focal_points.select_related("user"), pk=pk)
    form = FocalPointForm(request.POST or None, request.FILES or None, instance=focal_point)
    if request.method == "POST" and form.is_valid():
        focal_point = form.save(commit=False)
        if "letter" in form.changed_data and focal_point.letter:
            focal_point.letter_name = focal_point.letter.name.rsplit("/", 1)[-1][:200]
        focal_point.user.name = form.cleaned_data["name"]
        focal_point.user.save(update_fields=["name"])
        focal_point.save()
        messages.success(request, _("The designation was saved."))
        return redirect("countries:detail", country.iso3)
    context = {"country": country, "form": form, "focal_point": focal_point}
    return render(request, "countries/focal_point_form.html", context)


@require_POST
@permission_required("countries.change_focalpoint", reach=COUNTRY)
def focal_point_deactivate(request: PortalRequest, country: Country, pk: int) -> HttpResponse:
    focal_point = get_object_or_404(country.focal_points, pk=pk)
    try:
        services.deactivate_focal_point(focal_point, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request, _("%(name)s is no longer a focal point.") % {"name": focal_point.user.name}
        )
    return redirect("countries:detail", country.iso3)


@require_POST
@permission_required("countries.change_focalpoint", reach=COUNTRY)
def focal_point_reinvite(request: PortalRequest, country: Country, pk: int) -> HttpResponse:
    focal_point = get_object_or_404(country.focal_points.active().select_related("user"), pk=pk)
    account_services.invite_user(focal_point.user, by=request.user)
    messages.success(
        request,
        _("A new invitation is on its way to %(email)s.") % {"email": focal_point.user.email},
    )
    return redirect("countries:detail", country.iso3)


@require_safe
@permission_required("countries.view_focalpoint", reach=COUNTRY)
def focal_point_letter(request: PortalRequest, country: Country, pk: int) -> FileResponse:
    focal_point: FocalPoint = get_object_or_404(country.focal_points, pk=pk)
    if not focal_point.letter:
        raise Http404
    try:
        handle = focal_point.letter.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    return FileResponse(handle, as_attachment=True, filename=focal_point.letter_name or "letter")
