import datetime

import pytest

from indicators import services
from indicators.models import ReviewCycle


@pytest.fixture
def seeded(db) -> ReviewCycle:
    """The first cycle, in planning, with its seeded matrix."""
    return ReviewCycle.objects.get(name="2021–2023 review cycle")


@pytest.fixture
def new_cycle(secretariat_admin) -> ReviewCycle:
    """Another cycle in planning, its draft matrix empty."""
    return services.create_cycle(
        by=secretariat_admin, name="2024–2026 review cycle", assembly="Third session",
        opens_on=datetime.date(2024, 7, 1), deadline=datetime.date(2026, 3, 31),
    )  # fmt: skip
