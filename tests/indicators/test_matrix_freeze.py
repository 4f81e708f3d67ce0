"""A frozen matrix cannot change: the service refuses, and so does PostgreSQL itself."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from indicators import services
from indicators.models import Area, ChoiceOption, CycleStatus, Indicator, Outcome, ReviewCycle


@pytest.fixture
def open_cycle(secretariat_admin) -> ReviewCycle:
    cycle = ReviewCycle.objects.get(name="2021–2023 review cycle")
    return services.open_cycle(cycle, by=secretariat_admin)


def test_opening_a_cycle_freezes_its_matrix(open_cycle, secretariat_admin):
    assert open_cycle.status == CycleStatus.OPEN
    assert open_cycle.matrix.is_frozen
    event = open_cycle.events.get()
    assert (event.from_status, event.to_status, event.by) == ("planning", "open", secretariat_admin)


def test_the_service_refuses_to_edit_a_frozen_matrix(open_cycle):
    indicator = Indicator.objects.get(matrix=open_cycle.matrix, code="1.4")
    indicator.title = "Changed"
    with pytest.raises(ValidationError):
        services.save_node(indicator)
    with pytest.raises(ValidationError):
        services.delete_node(indicator)
    with pytest.raises(ValidationError):
        services.move_node(indicator, up=True)
    with pytest.raises(ValidationError):
        services.save_node(Outcome(matrix=open_cycle.matrix, code="9", title="New"))
    indicator.refresh_from_db()
    assert indicator.title != "Changed"


@pytest.mark.parametrize("model", [Outcome, Area, Indicator, ChoiceOption])
def test_the_database_refuses_updates_to_a_frozen_matrix(open_cycle, model):
    node = model.objects.filter(matrix=open_cycle.matrix).first()
    with pytest.raises(IntegrityError, match="frozen"), transaction.atomic():
        model.objects.filter(pk=node.pk).update(order=99)
    with pytest.raises(IntegrityError, match="frozen"), transaction.atomic():
        node.delete()
    assert model.objects.filter(pk=node.pk, order=node.order).exists()


def test_the_database_refuses_new_nodes_in_a_frozen_matrix(open_cycle):
    area = Area.objects.filter(matrix=open_cycle.matrix).first()
    with pytest.raises(IntegrityError, match="frozen"), transaction.atomic():
        Indicator.objects.create(
            matrix=open_cycle.matrix, area=area, code="9.9", title="Sneaked in", type="yes_no"
        )
    assert not Indicator.objects.filter(code="9.9").exists()


def test_the_database_refuses_to_unfreeze_a_matrix(open_cycle):
    matrix = open_cycle.matrix
    with pytest.raises(IntegrityError, match="frozen"), transaction.atomic():
        type(matrix).objects.filter(pk=matrix.pk).update(frozen_at=None)
    matrix.refresh_from_db()
    assert matrix.is_frozen


def test_a_draft_matrix_can_be_edited(db, secretariat_admin):
    cycle = ReviewCycle.objects.get(name="2021–2023 review cycle")
    indicator = Indicator.objects.get(matrix=cycle.matrix, code="3.5")
    indicator.title = "Expert group meetings attended"
    services.save_node(indicator)
    indicator.refresh_from_db()
    assert indicator.title == "Expert group meetings attended"


def test_a_new_version_copies_the_frozen_matrix_and_answers_keep_the_old_one(
    open_cycle, secretariat_admin
):
    old = open_cycle.matrix
    draft = services.new_matrix_version(open_cycle, by=secretariat_admin)
    assert draft.version == 2 and not draft.is_frozen
    assert Indicator.objects.filter(matrix=draft).count() == 22
    assert ChoiceOption.objects.filter(matrix=draft).count() == 6
    assert open_cycle.matrix == old  # the frozen version stays in force until adopted
    indicator = Indicator.objects.get(matrix=draft, code="1.5")
    indicator.title = "Safer Cities tools piloted"
    services.save_node(indicator)
    services.adopt_matrix_version(draft, by=secretariat_admin)
    assert ReviewCycle.objects.get(pk=open_cycle.pk).matrix == draft
    assert Indicator.objects.get(matrix=old, code="1.5").title != "Safer Cities tools piloted"


def test_an_empty_matrix_or_a_choice_without_options_cannot_open(db, secretariat_admin):
    import datetime

    cycle = services.create_cycle(
        by=secretariat_admin, name="Empty", assembly="Third session",
        opens_on=datetime.date(2026, 1, 1), deadline=datetime.date(2027, 1, 1),
    )  # fmt: skip
    with pytest.raises(ValidationError, match="no indicator"):
        services.open_cycle(cycle, by=secretariat_admin)
    outcome = Outcome.objects.create(matrix=cycle.matrix, code="1", title="O")
    area = Area.objects.create(matrix=cycle.matrix, outcome=outcome, code="1.A", title="A")
    Indicator.objects.create(
        matrix=cycle.matrix, area=area, code="1.1", title="C", type="single_choice"
    )
    with pytest.raises(ValidationError, match="two choices"):
        services.open_cycle(cycle, by=secretariat_admin)
    assert ReviewCycle.objects.get(pk=cycle.pk).status == CycleStatus.PLANNING


def test_the_cycle_moves_only_forward_one_step_at_a_time(open_cycle, secretariat_admin):
    with pytest.raises(ValidationError):
        services.publish_cycle(open_cycle, by=secretariat_admin)
    services.close_cycle(open_cycle, by=secretariat_admin)
    with pytest.raises(ValidationError):
        services.open_cycle(open_cycle, by=secretariat_admin)
    services.publish_cycle(open_cycle, by=secretariat_admin)
    assert ReviewCycle.objects.get(pk=open_cycle.pk).status == CycleStatus.PUBLISHED
