"""Workflows on review cycles and their indicator matrices.

A cycle goes planning → open → closed → published. Its matrix can be edited only while it is
a draft (not frozen); opening the cycle freezes it. The database refuses changes to a frozen
matrix as well (migration 0002), so no code path can bypass these checks.
"""

from dataclasses import dataclass

from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from core.spreadsheets import read_table
from countries.models import Country
from indicators import matrix_io, signals
from indicators.models import (
    Area,
    ChoiceOption,
    CycleEvent,
    CycleStatus,
    Indicator,
    IndicatorType,
    Matrix,
    MatrixNode,
    Outcome,
    ReviewCycle,
)

NEXT_STATUS: dict[str, CycleStatus] = {
    CycleStatus.PLANNING: CycleStatus.OPEN,
    CycleStatus.OPEN: CycleStatus.CLOSED,
    CycleStatus.CLOSED: CycleStatus.PUBLISHED,
}
# The review statuses in which a country has submitted (reviews' ReviewStatus values: reviews
# sits above indicators, so they are named here by value and read through the cycle's
# `reviews` relation; tests/indicators/test_early_close.py checks they match).
SUBMITTED_STATUSES = ("submitted", "approved", "published")


@dataclass(frozen=True)
class Closing:
    """What closing a cycle today means: how many Member States have not submitted (they can
    no longer submit once it is closed) and how many days were left before the deadline."""

    not_submitted: int
    days_left: int

    @property
    def early(self) -> bool:
        return self.days_left > 0


def closing(cycle: ReviewCycle) -> Closing:
    """How closing `cycle` now leaves the Member States (one query)."""
    submitted = cycle.reviews.filter(status__in=SUBMITTED_STATUSES).values("country_id")
    waiting = Country.objects.filter(is_member_state=True).exclude(pk__in=submitted).count()
    return Closing(not_submitted=waiting, days_left=(cycle.deadline - timezone.localdate()).days)


@transaction.atomic
def create_cycle(*, by: User, name: str, assembly: str, opens_on, deadline) -> ReviewCycle:
    """A new cycle in planning, with an empty draft matrix."""
    cycle = ReviewCycle.objects.create(
        name=name, assembly=assembly, opens_on=opens_on, deadline=deadline
    )
    Matrix.objects.create(cycle=cycle, version=1)
    return cycle


def _advance(cycle: ReviewCycle, to: CycleStatus, *, by: User) -> ReviewCycle:
    cycle = ReviewCycle.objects.select_for_update().get(pk=cycle.pk)
    if NEXT_STATUS.get(cycle.status) != to:
        raise ValidationError(
            _("A cycle that is %(status)s cannot become %(to)s.")
            % {"status": cycle.get_status_display().lower(), "to": to.label.lower()}
        )
    CycleEvent.objects.create(cycle=cycle, from_status=cycle.status, to_status=to, by=by)
    cycle.status = to
    cycle.save(update_fields=["status"])
    return cycle


@transaction.atomic
def open_cycle(cycle: ReviewCycle, *, by: User) -> ReviewCycle:
    """Open the cycle for submissions and freeze its matrix."""
    matrix = Matrix.objects.select_for_update().get(pk=cycle.matrix.pk)
    problems = matrix_problems(matrix)
    if problems:
        raise ValidationError(problems)
    cycle = _advance(cycle, CycleStatus.OPEN, by=by)
    matrix.frozen_at = timezone.now()
    matrix.save(update_fields=["frozen_at"])
    return cycle


@transaction.atomic
def close_cycle(cycle: ReviewCycle, *, by: User) -> ReviewCycle:
    return _advance(cycle, CycleStatus.CLOSED, by=by)


@transaction.atomic
def publish_cycle(cycle: ReviewCycle, *, by: User) -> ReviewCycle:
    """Publish the cycle; its approved reviews become published with it (reviews receives
    the hook, in this transaction)."""
    cycle = _advance(cycle, CycleStatus.PUBLISHED, by=by)
    signals.cycle_published.send(sender=ReviewCycle, cycle=cycle, by=by)
    return cycle


def matrix_problems(matrix: Matrix) -> list[str]:
    """Why the matrix cannot be frozen yet (empty when it can)."""
    problems = []
    indicators = Indicator.objects.filter(matrix=matrix).annotate(n=models.Count("options"))
    if not indicators.exists():
        problems.append(_("The matrix has no indicator yet."))
    for indicator in indicators.filter(type=IndicatorType.SINGLE_CHOICE, n__lt=2):
        problems.append(
            _("Indicator %(code)s needs at least two choices.") % {"code": indicator.code}
        )
    return problems


def _editable(matrix: Matrix) -> Matrix:
    """Lock the matrix row (so opening the cycle waits for the edit) and check it is a draft."""
    matrix = Matrix.objects.select_for_update().get(pk=matrix.pk)
    if matrix.is_frozen:
        raise ValidationError(
            _("This matrix is frozen: its cycle is open. Start a new version to change it.")
        )
    return matrix


@transaction.atomic
def save_node(node: Outcome | Area | Indicator | ChoiceOption) -> None:
    """Save an added or edited node of a draft matrix; new nodes go last among their siblings."""
    _editable(node.matrix)
    if node.pk is None:
        siblings = _siblings(node)
        node.order = (siblings.aggregate(m=models.Max("order"))["m"] or 0) + 1
    node.save()


@transaction.atomic
def delete_node(node: MatrixNode) -> None:
    _editable(node.matrix)
    node.delete()


@transaction.atomic
def move_node(node: MatrixNode, *, up: bool) -> None:
    """Swap the node with its previous (or next) sibling."""
    _editable(node.matrix)
    siblings = list(_siblings(node).order_by("order", "pk"))
    index = next(i for i, s in enumerate(siblings) if s.pk == node.pk)
    other = index - 1 if up else index + 1
    if not 0 <= other < len(siblings):
        return
    siblings[index], siblings[other] = siblings[other], siblings[index]
    for order, sibling in enumerate(siblings):
        if sibling.order != order:
            sibling.order = order
            sibling.save(update_fields=["order"])


def _siblings(node):
    model = type(node)
    parent = {Outcome: "matrix", Area: "outcome", Indicator: "area", ChoiceOption: "indicator"}[
        model
    ]
    return model.objects.filter(**{parent: getattr(node, parent)})


class ImportErrors(ValidationError):
    """The rows of an import that could not be read, one message each."""


@transaction.atomic
def import_matrix(matrix: Matrix, upload, *, by: User) -> int:
    """Replace the draft matrix by the CSV or XLSX `upload`: all of it, or nothing."""
    matrix = _editable(matrix)
    outcomes, errors = matrix_io.parse_rows(read_table(upload))
    if errors:
        raise ImportErrors(errors)
    matrix_io.write_tree(matrix, outcomes, apps.get_model)
    return Indicator.objects.filter(matrix=matrix).count()


@transaction.atomic
def new_matrix_version(cycle: ReviewCycle, *, by: User) -> Matrix:
    """A draft copy of the cycle's frozen matrix, to change and adopt later."""
    current = cycle.matrix
    if not current.is_frozen:
        raise ValidationError(_("The current matrix is still a draft: edit it directly."))
    if cycle.matrices.filter(frozen_at__isnull=True).exists():
        raise ValidationError(_("A draft of the next version already exists."))
    draft = Matrix.objects.create(cycle=cycle, version=current.version + 1)
    matrix_io.copy_tree(current, draft, apps.get_model)
    return draft


@transaction.atomic
def adopt_matrix_version(matrix: Matrix, *, by: User) -> Matrix:
    """Freeze a draft version of an open cycle's matrix: new answers use it from now on."""
    matrix = _editable(matrix)
    if matrix.cycle.status == CycleStatus.PLANNING:
        raise ValidationError(_("A cycle in planning adopts its matrix when it opens."))
    problems = matrix_problems(matrix)
    if problems:
        raise ValidationError(problems)
    matrix.frozen_at = timezone.now()
    matrix.save(update_fields=["frozen_at"])
    return matrix
