"""The seeded first-cycle matrix in the six languages (the language columns of
indicators/data/first_cycle_matrix.csv), where a text is not there yet."""

import csv
from pathlib import Path

from django.db import migrations

from indicators import matrix_io

DATA = Path(__file__).resolve().parent.parent / "data" / "first_cycle_matrix.csv"
TABLES = [
    "indicators_outcome",
    "indicators_area",
    "indicators_indicator",
    "indicators_choiceoption",
]


def _fill(model, matrix, code_field: str, code: str, field_name: str, texts: dict, **scope):
    node = model.objects.filter(matrix=matrix, **scope, **{code_field: code}).first()
    if node is None:
        return
    changed = []
    for lang, text in texts.items():
        column = f"{field_name}_{lang}"
        if text and not getattr(node, column):
            setattr(node, column, text)
            changed.append(column)
    if changed:
        node.save(update_fields=changed)


def translate_first_cycle(apps, schema_editor):
    Matrix = apps.get_model("indicators", "Matrix")
    matrix = Matrix.objects.filter(cycle__name="2021–2023 review cycle", version=1).first()
    if matrix is None:
        return
    with DATA.open(encoding="utf-8", newline="") as f:
        table = [(n, row) for n, row in enumerate(csv.DictReader(f), start=2)]
    outcomes, errors = matrix_io.parse_rows(table)
    if errors:
        raise ValueError(errors)
    Outcome, Area, Indicator, ChoiceOption = (
        apps.get_model("indicators", name)
        for name in ("Outcome", "Area", "Indicator", "ChoiceOption")
    )
    # Adding a language's text is not a change of the matrix: the frozen-matrix guard steps aside.
    for table_name in TABLES:
        schema_editor.execute(f"ALTER TABLE {table_name} DISABLE TRIGGER {table_name}_frozen")
    for o in outcomes:
        _fill(Outcome, matrix, "code", o.code, "title", o.titles)
        for a in o.areas.values():
            _fill(Area, matrix, "code", a.code, "title", a.titles)
            for i in a.indicators:
                for field_name in ("title", "guidance", "unit"):
                    _fill(
                        Indicator,
                        matrix,
                        "code",
                        i.code,
                        field_name,
                        i.translations.get(field_name, {}),
                    )
                for value, _label in i.options:
                    labels = {
                        lang: i.option_labels.get(lang, {}).get(value, "")
                        for lang in matrix_io.LANGUAGES
                    }
                    _fill(
                        ChoiceOption,
                        matrix,
                        "value",
                        value,
                        "label",
                        labels,
                        indicator__code=i.code,
                    )
    schema_editor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # no pending checks: tables may change
    for table_name in TABLES:
        schema_editor.execute(f"ALTER TABLE {table_name} ENABLE TRIGGER {table_name}_frozen")


class Migration(migrations.Migration):
    dependencies = [("indicators", "0006_matrix_texts_in_six_languages")]
    operations = [migrations.RunPython(translate_first_cycle, migrations.RunPython.noop)]
