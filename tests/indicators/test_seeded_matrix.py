from indicators.models import ChoiceOption, CycleStatus, Indicator, ReviewCycle

EXPECTED = {
    "1.1": ("single_choice", "", False),
    "1.2": ("yes_no", "", False),
    "1.3": ("whole_number", "", False),
    "1.4": ("whole_number", "", False),
    "1.5": ("whole_number", "", False),
    "1.6": ("money", "", False),
    "1.7": ("decimal", "SDG 16.1.1", True),
    "1.8": ("percentage", "SDG 16.1.4", True),
    "1.9": ("percentage", "SDG 11.7.2", True),
    "1.10": ("percentage", "SDG 16.1.3", False),
    "1.11": ("percentage", "SDG 11.7.1", False),
    "2.1": ("yes_no", "", False),
    "2.2": ("single_choice", "", False),
    "2.3": ("percentage", "SDG 11.3.2", False),
    "2.4": ("whole_number", "", False),
    "2.5": ("yes_no", "", False),
    "2.6": ("whole_number", "", False),
    "3.1": ("yes_no", "", False),
    "3.2": ("whole_number", "", False),
    "3.3": ("whole_number", "", False),
    "3.4": ("yes_no", "", False),
    "3.5": ("whole_number", "", False),
}


def seeded_cycle() -> ReviewCycle:
    return ReviewCycle.objects.get(name="2021–2023 review cycle")


def test_the_first_cycle_reports_to_the_second_assembly_and_waits_in_planning(db):
    cycle = seeded_cycle()
    assert cycle.assembly == "Second session of the UN-Habitat Assembly"
    assert cycle.status == CycleStatus.PLANNING
    assert cycle.matrix.version == 1


def test_the_seeded_matrix_has_exactly_the_22_indicators_with_their_types(db):
    indicators = Indicator.objects.filter(matrix=seeded_cycle().matrix)
    found = {i.code: (i.type, i.sdg_code, i.by_sex) for i in indicators}
    assert found == EXPECTED


def test_the_seeded_matrix_is_ordered_by_outcome_and_area(db):
    indicators = Indicator.objects.filter(matrix=seeded_cycle().matrix).order_by(
        "area__outcome__order", "area__order", "order"
    )
    assert [i.code for i in indicators] == list(EXPECTED)
    outcomes = {i.area.outcome.code for i in indicators}
    assert outcomes == {"1", "2", "3"}


def test_choice_indicators_have_their_options(db):
    matrix = seeded_cycle().matrix
    options = {
        code: list(
            ChoiceOption.objects.filter(matrix=matrix, indicator__code=code).values_list(
                "label", flat=True
            )
        )
        for code in ("1.1", "2.2")
    }
    assert options == {
        "1.1": ["Adopted", "In preparation", "None"],
        "2.2": ["Established and meeting", "Established", "None"],
    }


def test_every_seeded_indicator_has_guidance_for_focal_points(db):
    for indicator in Indicator.objects.filter(matrix=seeded_cycle().matrix):
        assert len(indicator.guidance) > 80, indicator.code
    network = Indicator.objects.get(matrix=seeded_cycle().matrix, code="1.4")
    assert "10" in network.guidance
