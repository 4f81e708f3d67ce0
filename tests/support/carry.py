"""A country's last approved review and the next cycle, for starting a review from the last
one (reviews/carry.py)."""

import datetime

from django.apps import apps as django_apps

from indicators import matrix_io
from indicators import services as cycle_services
from indicators.models import Indicator, IndicatorType, ReviewCycle
from reviews.sections import SECTIONS
from tests.support.reviews import REQUIRED_ANSWERS

# Kenya's answers in the first cycle: the required ones and a few more, with their details
# (a note over two lines, a source, a reference year, values by sex).
FIRST_ANSWERS = REQUIRED_ANSWERS | {
    "1.3": {"value": "12", "source": "Ministry of Interior", "reference_year": "2022",
            "note": "Counted in June.\nTwo more in preparation."},
    "1.7": {"value_female": "2.5", "value_male": "9.75", "value_total": "6.1"},
    "1.8": {"value_female": "41", "value_male": "58", "value_total": "49.5"},
    "2.3": {"value": "30", "note": "Estimate."},
    "2.4": {"value": "5"},
}  # fmt: skip
SECTIONS_TEXT = {s.key: f"{s.title}: what Kenya did in 2021–2023, نص عربي." for s in SECTIONS}


def next_cycle(first: ReviewCycle, admin, change=None) -> ReviewCycle:
    """A second cycle whose matrix is a copy of the first's, changed by `change(matrix)`
    while it is a draft; the first cycle is closed and the second opened."""
    cycle = cycle_services.create_cycle(
        by=admin, name="2024–2026 review cycle", assembly="Third session",
        opens_on=datetime.date(2024, 7, 1), deadline=datetime.date(2026, 3, 31),
    )  # fmt: skip
    matrix_io.copy_tree(first.matrix, cycle.matrix, django_apps.get_model)
    if change:
        change(cycle.matrix)
    cycle_services.close_cycle(first, by=admin)
    return cycle_services.open_cycle(cycle, by=admin)


def retype_and_remove(matrix) -> None:
    """1.4 (a whole number) becomes a percentage; 2.4 leaves the matrix."""
    retyped = Indicator.objects.get(matrix=matrix, code="1.4")
    retyped.type = IndicatorType.PERCENTAGE
    cycle_services.save_node(retyped)
    cycle_services.delete_node(Indicator.objects.get(matrix=matrix, code="2.4"))
