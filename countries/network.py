"""Pages for the records the secretariat keeps on the Global Network on Safer Cities:
its partners, and the Safer Cities tools countries shared or piloted."""

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.db.models import Prefetch
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from accounts.http import PortalRequest
from countries.forms import PartnerForm, SaferCitiesToolForm, ToolUseForm
from countries.models import Partner, PartnerType, SaferCitiesTool, ToolUse


@permission_required("countries.view_partner", raise_exception=True)
@require_safe
def partner_list(request: PortalRequest) -> HttpResponse:
    partners = Partner.objects.select_related("country")
    partner_type = request.GET.get("type", "")
    if partner_type in PartnerType.values:
        partners = partners.filter(type=partner_type)
    context = {"partners": partners, "types": PartnerType.choices, "type": partner_type}
    return render(request, "countries/partner_list.html", context)


def _record_form(request: PortalRequest, form, template: str, to: str, **context) -> HttpResponse:
    """Add or edit a partner or a tool: saved and back to the list, or the form with its errors."""
    if request.method == "POST" and form.is_valid():
        added = form.instance.pk is None
        record = form.save()
        message = _("%(name)s was added.") if added else _("%(name)s was saved.")
        messages.success(request, message % {"name": record})
        return redirect(to)
    return render(request, template, {"form": form, **context})


@permission_required("countries.add_partner", raise_exception=True)
def partner_add(request: PortalRequest) -> HttpResponse:
    form = PartnerForm(request.POST or None)
    return _record_form(request, form, "countries/partner_form.html", "countries:partners")


@permission_required("countries.change_partner", raise_exception=True)
def partner_edit(request: PortalRequest, pk: int) -> HttpResponse:
    partner = get_object_or_404(Partner, pk=pk)
    form = PartnerForm(request.POST or None, instance=partner)
    return _record_form(
        request, form, "countries/partner_form.html", "countries:partners", partner=partner
    )


@permission_required("countries.delete_partner", raise_exception=True)
def partner_delete(request: PortalRequest, pk: int) -> HttpResponse:
    partner = get_object_or_404(Partner, pk=pk)
    if request.method == "POST":
        partner.delete()
        messages.success(request, _("%(name)s was removed.") % {"name": partner.organisation})
        return redirect("countries:partners")
    return render(request, "countries/partner_confirm_delete.html", {"partner": partner})


@permission_required("countries.view_safercitiestool", raise_exception=True)
@require_safe
def tool_list(request: PortalRequest) -> HttpResponse:
    uses = ToolUse.objects.select_related("country").order_by("on", "country__name")
    tools = SaferCitiesTool.objects.prefetch_related(Prefetch("uses", queryset=uses))
    return render(request, "countries/safercitiestool_list.html", {"tools": tools})


@permission_required("countries.add_safercitiestool", raise_exception=True)
def tool_add(request: PortalRequest) -> HttpResponse:
    form = SaferCitiesToolForm(request.POST or None)
    return _record_form(request, form, "countries/safercitiestool_form.html", "countries:tools")


@permission_required("countries.change_safercitiestool", raise_exception=True)
def tool_edit(request: PortalRequest, pk: int) -> HttpResponse:
    tool = get_object_or_404(SaferCitiesTool, pk=pk)
    form = SaferCitiesToolForm(request.POST or None, instance=tool)
    return _record_form(
        request, form, "countries/safercitiestool_form.html", "countries:tools", tool=tool
    )


@permission_required("countries.add_tooluse", raise_exception=True)
def tool_use_add(request: PortalRequest, pk: int) -> HttpResponse:
    tool = get_object_or_404(SaferCitiesTool, pk=pk)
    form = ToolUseForm(request.POST or None, instance=ToolUse(tool=tool))
    if request.method == "POST" and form.is_valid():
        use = form.save()
        messages.success(
            request,
            _("The use of %(tool)s by %(country)s was recorded.")
            % {"tool": tool, "country": use.country},
        )
        return redirect("countries:tools")
    return render(request, "countries/tooluse_form.html", {"form": form, "tool": tool})


@permission_required("countries.delete_tooluse", raise_exception=True)
@require_POST
def tool_use_delete(request: PortalRequest, pk: int) -> HttpResponse:
    use = get_object_or_404(ToolUse.objects.select_related("tool", "country"), pk=pk)
    use.delete()
    messages.success(request, _("The record %(use)s was removed.") % {"use": use})
    return redirect("countries:tools")
