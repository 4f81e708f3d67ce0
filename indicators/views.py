from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from accounts.access import Reach, permission_required
from accounts.http import PortalRequest
from core import spreadsheets
from indicators import matrix_io, services
from indicators.forms import (
    AreaForm,
    ChoiceOptionForm,
    CloseCycleForm,
    CycleForm,
    ImportForm,
    IndicatorForm,
    OutcomeForm,
)
from indicators.models import (
    Area,
    ChoiceOption,
    CycleStatus,
    Indicator,
    Matrix,
    Outcome,
    ReviewCycle,
)

# kind in the URL → (model, form, parent model and field)
NODE_KINDS = {
    "outcome": (Outcome, OutcomeForm, None),
    "area": (Area, AreaForm, (Outcome, "outcome")),
    "indicator": (Indicator, IndicatorForm, (Area, "area")),
    "option": (ChoiceOption, ChoiceOptionForm, (Indicator, "indicator")),
}
TRANSITIONS = {
    "open": (services.open_cycle, CycleStatus.PLANNING),
    "close": (services.close_cycle, CycleStatus.OPEN),
    "publish": (services.publish_cycle, CycleStatus.CLOSED),
}


def _cycle(request: PortalRequest, pk: int) -> ReviewCycle:
    """The cycle if the user may see it, else 404."""
    return get_object_or_404(ReviewCycle.objects.visible_to(request.user), pk=pk)


CYCLE = Reach("pk", _cycle)


def _draft(cycle: ReviewCycle) -> Matrix:
    """The version being edited, or 404 when the cycle has none."""
    draft = cycle.matrices.filter(frozen_at__isnull=True).order_by("-version").first()
    if draft is None:
        raise Http404
    return draft


def cycle_list(request: PortalRequest) -> HttpResponse:
    cycles = ReviewCycle.objects.visible_to(request.user)
    return render(request, "indicators/cycle_list.html", {"cycles": cycles})


@permission_required(reach=CYCLE)
def cycle_detail(request: PortalRequest, cycle: ReviewCycle) -> HttpResponse:
    matrix = cycle.matrix
    draft = cycle.matrices.filter(frozen_at__isnull=True).order_by("-version").first()
    can_edit = request.user.has_perm("indicators.change_matrix")
    shown = draft if (can_edit and draft and request.GET.get("version") != "current") else matrix
    context = {
        "cycle": cycle,
        "matrix": shown,
        "current": matrix,
        "draft": draft,
        "outcomes": matrix_io.matrix_tree(shown),
        "editable": can_edit and not shown.is_frozen,
        "can_edit": can_edit,
        "transition": next((a for a, (_f, s) in TRANSITIONS.items() if s == cycle.status), None),
        "events": cycle.events.select_related("by"),
    }
    return render(request, "indicators/cycle_detail.html", context)


@permission_required("indicators.add_reviewcycle")
def cycle_add(request: PortalRequest) -> HttpResponse:
    form = CycleForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        cycle = services.create_cycle(by=request.user, **form.cleaned_data)
        messages.success(request, _("The cycle was created. Build its matrix next."))
        return redirect("indicators:detail", cycle.pk)
    return render(request, "indicators/cycle_form.html", {"form": form})


@permission_required("indicators.change_reviewcycle", reach=CYCLE)
def cycle_edit(request: PortalRequest, cycle: ReviewCycle) -> HttpResponse:
    form = CycleForm(request.POST or None, instance=cycle)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("The cycle was saved."))
        return redirect("indicators:detail", cycle.pk)
    return render(request, "indicators/cycle_form.html", {"form": form, "cycle": cycle})


@permission_required("indicators.change_reviewcycle", reach=CYCLE)
def cycle_transition(request: PortalRequest, cycle: ReviewCycle, action: str) -> HttpResponse:
    if action not in TRANSITIONS:
        raise Http404
    transition, _from_status = TRANSITIONS[action]
    closing = services.closing(cycle) if action == "close" else None
    form = None
    if closing:  # before the deadline, closing needs an explicit tick (issue 17)
        data = request.POST if request.method == "POST" else None  # bound even when empty
        form = CloseCycleForm(data, not_submitted=closing.not_submitted, early=closing.early)
    if request.method == "POST" and (form is None or form.is_valid()):
        try:
            transition(cycle, by=request.user)
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
        else:
            messages.success(request, _("The cycle is now %(status)s.") % {
                "status": ReviewCycle.objects.get(pk=cycle.pk).get_status_display().lower()
            })  # fmt: skip
        return redirect("indicators:detail", cycle.pk)
    context = {
        "cycle": cycle, "action": action, "problems": services.matrix_problems(cycle.matrix),
        "closing": closing, "form": form,
    }  # fmt: skip
    return render(request, "indicators/cycle_confirm.html", context)


@require_safe
@permission_required(reach=CYCLE)
def matrix_export(request: PortalRequest, cycle: ReviewCycle, fmt: str) -> HttpResponse:
    if fmt not in ("csv", "xlsx"):
        raise Http404
    matrix = cycle.matrix
    if request.GET.get("version") == "draft" and request.user.has_perm("indicators.change_matrix"):
        matrix = _draft(cycle)
    rows = matrix_io.export_rows(matrix)
    name = f"matrix-cycle{cycle.pk}-v{matrix.version}"
    if fmt == "xlsx":
        body = spreadsheets.to_xlsx(matrix_io.COLUMNS, rows, title=_("Matrix"))
        content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    else:
        body = spreadsheets.to_csv(matrix_io.COLUMNS, rows)
        content_type = "text/csv; charset=utf-8"
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    return response


@permission_required("indicators.change_matrix", reach=CYCLE)
def matrix_import(request: PortalRequest, cycle: ReviewCycle) -> HttpResponse:
    draft = _draft(cycle)
    form = ImportForm(request.POST or None, request.FILES or None)
    errors: list[str] = []
    if request.method == "POST" and form.is_valid():
        try:
            count = services.import_matrix(draft, form.cleaned_data["file"], by=request.user)
        except ValidationError as error:
            errors = error.messages
        else:
            messages.success(
                request, _("The matrix was replaced: %(n)d indicators.") % {"n": count}
            )
            return redirect("indicators:detail", cycle.pk)
    context = {"cycle": cycle, "form": form, "errors": errors}
    return render(request, "indicators/matrix_import.html", context)


@permission_required("indicators.change_matrix", reach=CYCLE)
def node_form(
    request: PortalRequest, cycle: ReviewCycle, kind: str, node: int | None = None
) -> HttpResponse:
    """Add (no `node`) or edit one outcome, area, indicator or choice option of the draft."""
    if kind not in NODE_KINDS:
        raise Http404
    draft = _draft(cycle)
    model, form_class, parent = NODE_KINDS[kind]
    if node is not None:
        instance = get_object_or_404(model, matrix=draft, pk=node)
    else:
        instance = model(matrix=draft)
        if parent:
            parent_model, field = parent
            parent_pk = request.GET.get("parent", "")
            if not parent_pk.isdecimal():
                raise Http404
            setattr(instance, field, get_object_or_404(parent_model, matrix=draft, pk=parent_pk))
    form = form_class(request.POST or None, instance=instance)
    if request.method == "POST" and form.is_valid():
        try:
            services.save_node(form.save(commit=False))
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Saved."))
            return redirect("indicators:detail", cycle.pk)
    context = {"cycle": cycle, "form": form, "kind": kind, "instance": instance}
    return render(request, "indicators/node_form.html", context)


@permission_required("indicators.change_matrix", reach=CYCLE)
def node_delete(request: PortalRequest, cycle: ReviewCycle, kind: str, node: int) -> HttpResponse:
    if kind not in NODE_KINDS:
        raise Http404
    instance = get_object_or_404(NODE_KINDS[kind][0], matrix=_draft(cycle), pk=node)
    if request.method == "POST":
        try:
            services.delete_node(instance)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("Removed."))
        return redirect("indicators:detail", cycle.pk)
    context = {"cycle": cycle, "kind": kind, "instance": instance}
    return render(request, "indicators/node_confirm_delete.html", context)


@require_POST
@permission_required("indicators.change_matrix", reach=CYCLE)
def node_move(request: PortalRequest, cycle: ReviewCycle, kind: str, node: int) -> HttpResponse:
    if kind not in NODE_KINDS:
        raise Http404
    instance = get_object_or_404(NODE_KINDS[kind][0], matrix=_draft(cycle), pk=node)
    try:
        services.move_node(instance, up=request.POST.get("direction") == "up")
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect(reverse("indicators:detail", args=[cycle.pk]) + f"#{kind}-{instance.pk}")


@require_POST
@permission_required("indicators.change_matrix", reach=CYCLE)
def matrix_version(request: PortalRequest, cycle: ReviewCycle, action: str) -> HttpResponse:
    """Start a new draft version of an open cycle's matrix, or adopt the draft."""
    try:
        if action == "new":
            services.new_matrix_version(cycle, by=request.user)
            messages.success(request, _("A draft of the next matrix version was created."))
        elif action == "adopt":
            services.adopt_matrix_version(_draft(cycle), by=request.user)
            messages.success(request, _("The new matrix version is in force."))
        else:
            raise Http404
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    return redirect("indicators:detail", cycle.pk)
