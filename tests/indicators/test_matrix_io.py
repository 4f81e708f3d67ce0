import csv
import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import load_workbook

from indicators import matrix_io, services
from indicators.models import Indicator, Outcome
from tests.support import hostile_files
from tests.support.clients import client_for


def snapshot(matrix) -> list[list[str]]:
    """Everything the matrix holds, in order: codes, titles, guidance, types, options..."""
    return matrix_io.export_rows(matrix)


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_export_then_import_into_a_new_draft_gives_an_identical_matrix(
    fmt, seeded, new_cycle, secretariat_admin
):
    # A title that looks like a formula must survive the trip as text.
    tricky = Indicator.objects.get(matrix=seeded.matrix, code="3.5")
    tricky.title = '=HYPERLINK("http://example.org") meetings; “quotes”, commas\nand lines'
    services.save_node(tricky)
    client = client_for(secretariat_admin)
    exported = client.get(f"/cycles/{seeded.pk}/matrix.{fmt}")
    assert exported.status_code == 200
    upload = SimpleUploadedFile(f"matrix.{fmt}", exported.content)
    response = client.post(f"/cycles/{new_cycle.pk}/matrix/import/", {"file": upload})
    assert response.status_code == 302
    assert snapshot(new_cycle.matrix) == snapshot(seeded.matrix)
    assert Indicator.objects.filter(matrix=new_cycle.matrix).count() == 22


def test_exported_cells_cannot_run_as_formulas(seeded, secretariat_admin):
    indicator = Indicator.objects.get(matrix=seeded.matrix, code="1.2")
    indicator.title = "=1+1"
    services.save_node(indicator)
    client = client_for(secretariat_admin)
    text = client.get(f"/cycles/{seeded.pk}/matrix.csv").content.decode("utf-8-sig")
    titles = [row["indicator_title"] for row in csv.DictReader(io.StringIO(text))]
    assert "'=1+1" in titles and "=1+1" not in titles
    workbook = load_workbook(io.BytesIO(client.get(f"/cycles/{seeded.pk}/matrix.xlsx").content))
    cells = [c for row in workbook.active.iter_rows() for c in row if c.value == "'=1+1"]
    assert cells and all(c.data_type == "s" for c in cells)


BAD_ROWS = """outcome_code,outcome_title,area_code,area_title,indicator_code,indicator_title,guidance,type,unit,required,sdg_code,by_sex,max_length,choices
1,Outcome one,1.A,Area,1.1,Good indicator,,yes_no,,yes,,no,,
1,Outcome one,1.A,Area,1.2,Bad type,,colour,,yes,,no,,
1,Outcome one,1.A,Area,1.1,Duplicate code,,yes_no,,no,,no,,
1,Outcome one,1.A,Area,1.3,Bad flags,,whole_number,,perhaps,SDG eleven,no,,
1,Outcome one,1.A,Area,1.4,One choice,,single_choice,,no,,no,,"only=Only"
1,Outcome one,1.A,Area,1.5,Choice on a number,,decimal,,no,,no,,"a=A"
1,Another title,1.A,Area,1.6,Outcome renamed,,yes_no,,no,,no,,
"""


def test_a_file_with_bad_rows_changes_nothing_and_names_each_bad_row(new_cycle, secretariat_admin):
    Outcome.objects.create(matrix=new_cycle.matrix, code="X", title="Kept as it was")
    upload = SimpleUploadedFile("matrix.csv", BAD_ROWS.encode())
    response = client_for(secretariat_admin).post(
        f"/cycles/{new_cycle.pk}/matrix/import/", {"file": upload}
    )
    assert response.status_code == 200
    errors = response.context["errors"]
    assert [e.split(":")[0] for e in errors] == [
        "Line 3", "Line 4", "Line 5", "Line 6", "Line 7", "Line 8",
    ]  # fmt: skip
    assert "unknown type" in errors[0]
    assert "already on line 2" in errors[1]
    assert "required must be yes or no" in errors[2] and "SDG" in errors[2]
    assert "at least two choices" in errors[3]
    assert "only single-choice indicators have choices" in errors[4]
    assert "another title" in errors[5]
    html = response.content.decode()
    assert "Line 8" in html
    assert list(
        Outcome.objects.filter(matrix=new_cycle.matrix).values_list("title", flat=True)
    ) == ["Kept as it was"]
    assert not Indicator.objects.filter(matrix=new_cycle.matrix).exists()


@pytest.mark.parametrize(
    "name, content",
    [
        ("matrix.csv", b""),
        ("matrix.csv", b"\xff\xfe\x00garbage"),
        ("matrix.xlsx", b"PK\x03\x04 not really a workbook"),
        ("matrix.csv", b"just,some,columns\n1,2,3\n"),
    ],
)
def test_unreadable_files_are_refused_with_a_message(name, content, new_cycle, secretariat_admin):
    upload = SimpleUploadedFile(name, content)
    response = client_for(secretariat_admin).post(
        f"/cycles/{new_cycle.pk}/matrix/import/", {"file": upload}
    )
    assert response.status_code == 200
    assert response.context["errors"] or response.context["form"].errors
    assert not Indicator.objects.filter(matrix=new_cycle.matrix).exists()


def test_importing_into_a_frozen_matrix_is_refused(seeded, secretariat_admin):
    services.open_cycle(seeded, by=secretariat_admin)
    exported = matrix_io.export_rows(seeded.matrix)
    with pytest.raises(ValidationError):
        services.import_matrix(
            seeded.matrix,
            SimpleUploadedFile("m.csv", b"outcome_code\n"),
            by=secretariat_admin,
        )
    assert matrix_io.export_rows(seeded.matrix) == exported
    # Through the page: the frozen cycle has no draft to import into.
    response = client_for(secretariat_admin).get(f"/cycles/{seeded.pk}/matrix/import/")
    assert response.status_code == 404


def test_a_zip_bomb_workbook_is_refused_before_it_is_opened(new_cycle, secretariat_admin):
    upload = SimpleUploadedFile("matrix.xlsx", hostile_files.zip_bomb_xlsx())
    client = client_for(secretariat_admin)
    response = client.post(f"/cycles/{new_cycle.pk}/matrix/import/", {"file": upload})
    assert response.status_code == 200
    assert "expands to more than" in " ".join(response.context["errors"])
    assert "expands to more than" in response.content.decode()
    assert not Indicator.objects.filter(matrix=new_cycle.matrix).exists()
