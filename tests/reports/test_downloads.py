"""Who may download which PDF; every download is logged and the secretariat reads the log."""

import pytest
from django.urls import reverse

from reports.models import Download, ReportFile, ReportKind
from tests.support.clients import client_for


def versions(cycle):
    return list(ReportFile.objects.filter(cycle=cycle, kind=ReportKind.DOSSIER).order_by("number"))


def get_pdf(client, report):
    response = client.get(reverse("reports:download", args=[report.pk]))
    body = b"".join(response.streaming_content) if response.status_code == 200 else b""
    return response, body


def test_board_member_downloads_the_latest_and_an_earlier_compiled_version(
    published_cycle, board_member
):
    earlier, latest = versions(published_cycle)[-2:]
    client = client_for(board_member)
    centre = client.get(reverse("reports:centre"))
    assert centre.status_code == 200
    assert f"Version {latest.number}" in centre.text
    assert reverse("reports:download", args=[earlier.pk]) in centre.text
    for report in (latest, earlier):
        response, body = get_pdf(client, report)
        assert response.status_code == 200
        assert response["Content-Type"] == "application/pdf"
        assert f'filename="{report.filename}"' in response["Content-Disposition"]
        assert response["X-Content-Type-Options"] == "nosniff"
        assert body.startswith(b"%PDF-") and len(body) == report.bytes
    log = list(Download.objects.order_by("at").values_list("user", "report", "public"))
    assert log == [(board_member.pk, latest.pk, False), (board_member.pk, earlier.pk, False)]


def test_board_member_downloads_approved_country_pdfs_but_not_drafts(published_cycle, board_member):
    client = client_for(board_member)
    final = ReportFile.objects.get(review__country__iso3="KEN", kind=ReportKind.REVIEW, draft=False)
    draft = ReportFile.objects.get(review__country__iso3="KEN", kind=ReportKind.REVIEW, draft=True)
    assert get_pdf(client, final)[0].status_code == 200
    assert get_pdf(client, draft)[0].status_code == 404
    assert "Kenya" in client.get(reverse("reports:centre")).text


def test_other_countrys_focal_point_gets_404_on_a_country_pdf_that_is_not_theirs(
    published_cycle, other_focal_point, focal_point
):
    kenya = ReportFile.objects.get(review__country__iso3="KEN", kind=ReportKind.REVIEW, draft=False)
    colombia_final = ReportFile.objects.filter(
        review__country__iso3="COL", kind=ReportKind.REVIEW, draft=False
    ).first()
    response, _body = get_pdf(client_for(other_focal_point), kenya)
    assert response.status_code == 404
    assert get_pdf(client_for(focal_point), kenya)[0].status_code == 200
    # A focal point is not a Board member: no compiled report, not even their own cycle's.
    assert get_pdf(client_for(focal_point), versions(published_cycle)[-1])[0].status_code == 404
    assert colombia_final is not None
    assert not Download.objects.filter(user=other_focal_point).exists()


def test_unpublished_cycles_are_not_for_the_board(
    open_cycle, approved_review, board_member, reviewer
):
    from tests.support.reviews import run_jobs

    run_jobs()
    final = ReportFile.objects.get(review=approved_review, draft=False)
    assert get_pdf(client_for(board_member), final)[0].status_code == 404
    assert get_pdf(client_for(reviewer), final)[0].status_code == 200


def test_every_download_appears_in_the_log_the_secretariat_reads(
    published_cycle, board_member, focal_point, reviewer
):
    latest = versions(published_cycle)[-1]
    kenya = ReportFile.objects.get(review__country__iso3="KEN", kind=ReportKind.REVIEW, draft=False)
    get_pdf(client_for(board_member), latest)
    get_pdf(client_for(focal_point), kenya)
    client_for(reviewer).get(reverse("library:download", args=[kenya.pk]))  # signed in, public page
    from django.test import Client

    Client().get(reverse("library:download", args=[kenya.pk]))
    assert Download.objects.count() == 4
    page = client_for(reviewer).get(reverse("reports:downloads"))
    assert page.status_code == 200
    assert page.text.count(latest.filename) == 1
    assert page.text.count(kenya.filename) == 3
    assert board_member.email in page.text and focal_point.email in page.text
    assert "Public library (not signed in)" in page.text


@pytest.mark.parametrize("persona", ["board_member", "focal_point"])
def test_only_the_secretariat_reads_the_download_log(db, persona, request):
    user = request.getfixturevalue(persona)
    assert client_for(user).get(reverse("reports:downloads")).status_code == 403


def test_the_download_log_cannot_be_rewritten(published_cycle, board_member):
    from django.db import InternalError, ProgrammingError, transaction

    get_pdf(client_for(board_member), versions(published_cycle)[-1])
    entry = Download.objects.get()
    with pytest.raises((InternalError, ProgrammingError)), transaction.atomic():
        Download.objects.filter(pk=entry.pk).delete()
    assert Download.objects.filter(pk=entry.pk).exists()
