"""The UN Member States, loaded from data/member_states.csv."""

import csv
from pathlib import Path

DATA = Path(__file__).resolve().parent / "data" / "member_states.csv"


def load_member_states(country_model) -> int:
    """Create or update every Member State; `country_model` may be a migration's model."""
    with DATA.open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    for row in rows:
        country_model.objects.update_or_create(
            iso3=row["iso3"],
            defaults={
                "name": row["name"],
                "iso2": row["iso2"],
                "m49": row["m49"],
                "region": row["region"],
                "subregion": row["subregion"],
                "is_member_state": True,
            },
        )
    return len(rows)
