"""The PDFs in a browser: the secretariat compiles and follows a render live, a Board member
downloads the latest and an earlier compiled report, anyone finds a review in the library."""

import importlib
import re

import pytest
from django.apps import apps as django_apps
from playwright.sync_api import Page, expect

from accounts.roles import Role
from countries.models import Country
from indicators import services as cycle_services
from indicators.models import ReviewCycle
from reports import jobs
from reports.models import Download, JobStatus, RenderJob, ReportKind
from tests.support import factories
from tests.support.browser import assert_no_axe_violations, sign_in, sign_in_secretariat
from tests.support.reviews import make_approved_review

CYCLE = "2021–2023 review cycle"


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_compile_follow_download_and_find_in_the_library(
    base_data, live_server, page: Page, browser
):
    importlib.import_module("indicators.migrations.0003_first_cycle").seed_first_cycle(
        django_apps, None
    )
    admin = factories.make_user(Role.ADMIN, email="admin@unhabitat.example", name="Amina Admin")
    board = factories.make_user(Role.BOARD, email="board@example.org", name="Bo Board")
    cycle = cycle_services.open_cycle(ReviewCycle.objects.get(name=CYCLE), by=admin)
    for iso3 in ("KEN", "COL"):  # approvals render the country PDFs (tasks run in-process)
        make_approved_review(Country.objects.get(iso3=iso3), cycle, reviewer=admin)
    cycle_services.close_cycle(cycle, by=admin)
    cycle = cycle_services.publish_cycle(cycle, by=admin)  # … and a first compile
    assert RenderJob.objects.filter(kind=ReportKind.DOSSIER, status=JobStatus.DONE).count() == 1

    # ---- The secretariat compiles a new version and watches its state change live. ----
    sign_in_secretariat(page, live_server.url, admin)
    page.goto(f"{live_server.url}/cycles/{cycle.pk}/")
    page.get_by_role("link", name="Reports and compiled PDF").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Reports of the {CYCLE}")
    expect(page.get_by_role("heading", name="Compiled versions")).to_be_visible()
    assert_no_axe_violations(page)
    page.get_by_label("Introduction to the compiled report").fill("Welcome to the Assembly.")
    page.get_by_role("button", name="Save the introduction").click()
    expect(page.get_by_text("The introduction is saved.")).to_be_visible()

    # A compile waiting for the worker: the page polls, then shows it done with its file.
    job = RenderJob.objects.create(
        kind=ReportKind.DOSSIER, cycle=cycle, language="en", requested_by=admin
    )
    page.goto(f"{live_server.url}/reports/jobs/{job.pk}/")
    status = page.locator("#job-status")
    expect(status).to_contain_text("Queued")
    assert_no_axe_violations(page)
    assert jobs.run(job.pk) == "done"  # what the worker does
    expect(status).to_contain_text("Done", timeout=10_000)
    expect(status.get_by_role("link", name=re.compile(r"compiled-report-v2\.pdf"))).to_be_visible()
    assert_no_axe_violations(page)

    # ---- A Board member downloads the latest and the earlier version. ----
    board_page = browser.new_page()
    board_page.goto(f"{live_server.url}/accounts/login/")
    sign_in(board_page, board.email, factories.PASSWORD)
    board_page.get_by_role("navigation", name="Main").get_by_role("link", name="Reports").click()
    expect(board_page.get_by_role("heading", level=1)).to_have_text("Reports")
    english = board_page.get_by_role("row").filter(has_text="English")
    expect(english).to_contain_text("Version 2")
    expect(english).to_contain_text("Version 1")
    assert_no_axe_violations(board_page)
    slug = "2021-2023-review-cycle"
    with board_page.expect_download() as latest:
        board_page.get_by_role("link", name=f"{slug}-compiled-report-v2.pdf").click()
    assert latest.value.suggested_filename == f"{slug}-compiled-report-v2.pdf"
    with board_page.expect_download() as earlier:
        board_page.get_by_role("link", name=f"{slug}-compiled-report-v1.pdf").click()
    assert open(earlier.value.path(), "rb").read(5) == b"%PDF-"
    assert Download.objects.filter(user=board).count() == 2
    board_page.close()

    # ---- The secretariat reads the download log. ----
    page.goto(f"{live_server.url}/reports/downloads/")
    expect(page.get_by_role("table")).to_contain_text("board@example.org")
    assert_no_axe_violations(page)

    # ---- Anyone finds Kenya's review in the public library. ----
    public = browser.new_page()
    public.goto(f"{live_server.url}/library/")
    expect(public.get_by_role("heading", level=1)).to_have_text("Public library of country reviews")
    assert_no_axe_violations(public)
    public.get_by_label("Country").fill("Kenya")
    public.get_by_role("button", name="Search").click()
    expect(public.get_by_text("1 review found.")).to_be_visible()
    with public.expect_download() as review_pdf:
        public.get_by_role("link", name="Download the PDF").click()
    assert review_pdf.value.suggested_filename == f"KEN-{slug}-review-v1.pdf"
    assert_no_axe_violations(public)
    public.close()
