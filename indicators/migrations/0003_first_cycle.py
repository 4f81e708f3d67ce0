"""The first review cycle and its matrix of 22 indicators (indicators/data/first_cycle_matrix.csv)."""

import csv
import datetime
from pathlib import Path

from django.db import migrations

from indicators import matrix_io

DATA = Path(__file__).resolve().parent.parent / "data" / "first_cycle_matrix.csv"


def seed_first_cycle(apps, schema_editor):
    ReviewCycle = apps.get_model("indicators", "ReviewCycle")
    Matrix = apps.get_model("indicators", "Matrix")
    cycle, created = ReviewCycle.objects.get_or_create(
        name="2021–2023 review cycle",
        defaults={
            "assembly": "Second session of the UN-Habitat Assembly",
            "opens_on": datetime.date(2021, 7, 1),
            "deadline": datetime.date(2023, 3, 31),
            "status": "planning",
        },
    )
    if not created:
        return
    matrix = Matrix.objects.create(cycle=cycle, version=1)
    with DATA.open(encoding="utf-8", newline="") as f:
        table = [(n, row) for n, row in enumerate(csv.DictReader(f), start=2)]
    outcomes, errors = matrix_io.parse_rows(table)
    if errors:
        raise ValueError(errors)
    matrix_io.write_tree(matrix, outcomes, apps.get_model)


class Migration(migrations.Migration):
    dependencies = [("indicators", "0002_freeze_triggers")]
    operations = [migrations.RunPython(seed_first_cycle, migrations.RunPython.noop)]
