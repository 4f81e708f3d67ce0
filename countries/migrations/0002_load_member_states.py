import csv
from pathlib import Path

from django.db import migrations

DATA = Path(__file__).resolve().parent.parent / "data" / "member_states.csv"


def load_member_states(apps, schema_editor):
    Country = apps.get_model("countries", "Country")
    with DATA.open(encoding="utf-8", newline="") as f:
        for row in csv.DictReader(f):
            Country.objects.update_or_create(
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


class Migration(migrations.Migration):
    dependencies = [("countries", "0001_initial")]
    operations = [migrations.RunPython(load_member_states, migrations.RunPython.noop)]
