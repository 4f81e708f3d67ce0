"""Who may reach which report page and PDF (SPEC §2, §10): every URL of the `reports` and
`library` namespaces × every persona × every kind of PDF.

PDFs here are small files made directly (their rendering is tested elsewhere): Kenya's and
Colombia's final PDFs and Kenya's DRAFT in a published cycle, Kenya's final PDF in an open
cycle, and a compiled report of each cycle. A URL added to either namespace without a row
fails `test_every_report_url_is_in_the_table`.
"""

import datetime

import pytest
from django.test import Client
from django.urls import reverse

from countries.models import Country
from indicators.models import CycleStatus, ReviewCycle
from reports.models import Download, JobStatus, RenderJob, ReportKind
from reviews.models import Review
from tests.support import factories
from tests.support.clients import client_for, url_names

PERSONAS = (
    "anonymous",
    "focal_point",
    "other_focal_point",
    "reviewer",
    "secretariat_admin",
    "board_member",
    "contributor",  # of Kenya's drafting team: no report, not even the draft PDF preview
)
LOGIN = "login"
PDFS = ("ken_final", "ken_draft", "col_final", "dossier", "ken_open", "dossier_open")

# file → status per persona, for reports:download (signed-in downloads)
DOWNLOAD = {
    #               anon   fp_KEN fp_COL reviewer admin board team_KEN
    "ken_final":    (LOGIN, 200, 404, 200, 200, 200, 404),
    "ken_draft":    (LOGIN, 404, 404, 200, 200, 404, 404),
    "col_final":    (LOGIN, 404, 200, 200, 200, 200, 404),
    "dossier":      (LOGIN, 404, 404, 200, 200, 200, 404),
    "ken_open":     (LOGIN, 200, 404, 200, 200, 404, 404),
    "dossier_open": (LOGIN, 404, 404, 200, 200, 404, 404),
}  # fmt: skip
# library:download is public: published reviews' final PDFs only, for everyone.
LIBRARY = {"ken_final": 200, "ken_draft": 404, "col_final": 200, "dossier": 404, "ken_open": 404,
           "dossier_open": 404}  # fmt: skip
PAGES = {
    #                          anon   fp_KEN fp_COL reviewer admin board team_KEN
    "reports:centre":          (LOGIN, 403, 403, 200, 200, 200, 403),
    "reports:cycle":           (LOGIN, 403, 403, 200, 200, 403, 403),
    "reports:downloads":       (LOGIN, 403, 403, 200, 200, 403, 403),
    "dashboard:cycle":       (LOGIN, 403, 403, 200, 200, 200, 403),
    "dashboard:answers":         (LOGIN, 200, 200, 200, 200, 200, 404),
    "reports:job ken_final":   (LOGIN, 200, 404, 200, 200, 404, 404),
    "reports:job ken_draft":   (LOGIN, 404, 404, 200, 200, 404, 404),
    "reports:job dossier":     (LOGIN, 404, 404, 200, 200, 404, 404),
    "library:index":           (200, 200, 200, 200, 200, 200, 200),
}  # fmt: skip
POSTS = {
    #                          anon   fp_KEN fp_COL reviewer admin board team_KEN
    "reports:compile":         (LOGIN, 403, 403, 302, 302, 403, 403),
    "reports:job_retry":       (LOGIN, 403, 403, 302, 302, 403, 403),
}  # fmt: skip
GET_ONLY = {"reports:download", "library:download"}
# A review's PDF preview is the editor's (its people are the review's: the URL walk's EDITOR row,
# tests/support/urlwalk.py, and tests/reviews/test_guided_editor.py): the focal point's alone,
# a national contributor is refused it (test_a_contributor_may_not_preview_the_draft_pdf).
EDITOR_PAGES = {"reports:review_preview"}


def test_every_report_url_is_in_the_table():
    covered = {key.split()[0] for key in PAGES} | set(POSTS) | GET_ONLY | EDITOR_PAGES
    # The dashboard's two URLs live under /reports/ too, and share these personas and files.
    names = {f"{ns}:{n}" for ns in ("reports", "library", "dashboard") for n in url_names(ns)}
    assert names == covered


def make_pdf(cycle, kind, **kwargs):
    return factories.make_report_file(cycle, kind, by=make_pdf.by, **kwargs)


@pytest.fixture
def pdfs(secretariat_admin):
    make_pdf.by = secretariat_admin
    kenya, colombia = Country.objects.get(iso3="KEN"), Country.objects.get(iso3="COL")
    day = datetime.date(2026, 1, 1)
    published = ReviewCycle.objects.create(name="Published cycle", assembly="A", opens_on=day,
                                           deadline=day.replace(month=6), status=CycleStatus.PUBLISHED)  # fmt: skip
    open_ = ReviewCycle.objects.create(name="Open cycle", assembly="A", opens_on=day.replace(year=2027),
                                       deadline=day.replace(year=2027, month=6), status=CycleStatus.OPEN)  # fmt: skip
    ken_pub = Review.objects.create(country=kenya, cycle=published, status="published")
    col_pub = Review.objects.create(country=colombia, cycle=published, status="published")
    ken_open = Review.objects.create(country=kenya, cycle=open_, status="approved")
    files = {
        "ken_final": make_pdf(published, ReportKind.REVIEW, review=ken_pub),
        "ken_draft": make_pdf(published, ReportKind.REVIEW, review=ken_pub, draft=True),
        "col_final": make_pdf(published, ReportKind.REVIEW, review=col_pub),
        "dossier": make_pdf(published, ReportKind.DOSSIER, number=1),
        "ken_open": make_pdf(open_, ReportKind.REVIEW, review=ken_open),
        "dossier_open": make_pdf(open_, ReportKind.DOSSIER, number=1),
    }
    files["failed_job"] = make_pdf(published, ReportKind.DOSSIER, status=JobStatus.FAILED)
    files["published"] = published
    return files


@pytest.fixture
def clients(
    anonymous, focal_point, other_focal_point, reviewer, secretariat_admin, board_member,
    contributor,
):  # fmt: skip
    users = [None, focal_point, other_focal_point, reviewer, secretariat_admin, board_member,
             contributor]  # fmt: skip
    return [Client() if user is None else client_for(user) for user in users]


def check(response, expected, label):
    if expected == LOGIN:
        assert response.status_code == 302 and "/accounts/login/" in response.url, label
    else:
        assert response.status_code == expected, (label, response.status_code)


@pytest.mark.parametrize("name", PDFS)
def test_downloads_by_persona(pdfs, clients, name):
    report = pdfs[name]
    for persona, client, expected in zip(PERSONAS, clients, DOWNLOAD[name], strict=True):
        before = Download.objects.count()
        check(client.get(reverse("reports:download", args=[report.pk])), expected, (name, persona))
        assert Download.objects.count() == before + (expected == 200), (name, persona)
        response = client.get(reverse("library:download", args=[report.pk]))
        check(response, LIBRARY[name], (name, persona, "library"))


def test_pages_by_persona(pdfs, clients):
    jobs = {key: pdfs[key].job_id for key in ("ken_final", "ken_draft", "dossier")}
    for key, row in PAGES.items():
        name, _sep, target = key.partition(" ")
        args = {
            "reports:cycle": [pdfs["published"].pk],
            "dashboard:cycle": [pdfs["published"].pk],
            "dashboard:answers": [pdfs["published"].pk, "csv"],
            "reports:job": [jobs.get(target)],
        }.get(name, [])
        for persona, client, expected in zip(PERSONAS, clients, row, strict=True):
            check(client.get(reverse(name, args=args)), expected, (key, persona))


def test_posts_by_persona(pdfs, clients):
    args = {"reports:compile": [pdfs["published"].pk], "reports:job_retry": [pdfs["failed_job"].pk]}
    for name, row in POSTS.items():
        for persona, client, expected in zip(PERSONAS, clients, row, strict=True):
            before = RenderJob.objects.filter(status=JobStatus.QUEUED).count()
            check(
                client.post(reverse(name, args=args[name]), {"language": "en"}),
                expected,
                (name, persona),
            )
            queued = RenderJob.objects.filter(status=JobStatus.QUEUED).count()
            assert queued == before + (1 if expected == 302 and before == 0 else 0), (name, persona)


@pytest.mark.parametrize("name", ["reports:compile", "reports:job_retry"])
def test_changes_refuse_get(pdfs, reviewer, name):
    args = [pdfs["published"].pk] if name == "reports:compile" else [pdfs["failed_job"].pk]
    assert client_for(reviewer).get(reverse(name, args=args)).status_code == 405


def test_a_contributor_may_not_preview_the_draft_pdf(contributor, draft_review, focal_point):
    url = reverse("reports:review_preview", args=[draft_review.pk])
    assert client_for(contributor).get(url).status_code == 403
