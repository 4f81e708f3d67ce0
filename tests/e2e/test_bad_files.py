"""A refused file and a compile with a bad part, as people see them in English and in Arabic:
the reason beside the file field with the description kept, and the job's page naming the
review that could not be drawn. Screenshots: test-artifacts/test_bad_files-*."""

import hashlib
import importlib

import pytest
from django.apps import apps as django_apps
from django.core.files.base import ContentFile
from django.utils import translation
from playwright.sync_api import Page, expect

from accounts.roles import Role
from countries.models import Country
from indicators import services as cycle_services
from indicators.models import ReviewCycle
from reports import jobs
from reports.models import JobStatus, ReportKind
from reviews import services
from reviews.models import Attachment
from reviews.sections import SECTIONS
from tests.support import factories, hostile_files
from tests.support.browser import assert_no_axe_violations, sign_in, sign_in_secretariat
from tests.support.reviews import fill, make_approved_review

CYCLE = "2021–2023 review cycle"


def tr(language: str, msgid: str, **values) -> str:
    with translation.override(language):
        return translation.gettext(msgid) % values if values else translation.gettext(msgid)


def open_first_cycle() -> ReviewCycle:
    importlib.import_module("indicators.migrations.0003_first_cycle").seed_first_cycle(
        django_apps, None
    )
    admin = factories.make_user(Role.ADMIN, email="admin@unhabitat.example")
    return cycle_services.open_cycle(ReviewCycle.objects.get(name=CYCLE), by=admin)


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("language", ["en", "ar"])
def test_a_refused_file_comes_back_with_its_reason_beside_the_field(
    base_data, live_server, page: Page, language
):
    cycle = open_first_cycle()
    kenya = Country.objects.get(iso3="KEN")
    focal = factories.make_focal_point(kenya, email="focal.ke@example.org", name="Wanjiru Kamau")
    focal.language = language
    focal.save(update_fields=["language"])
    review = services.start_review(kenya, cycle, by=focal)
    flood = hostile_files.pixel_flood_png()

    page.goto(f"{live_server.url}/accounts/login/")
    sign_in(page, focal.email, factories.PASSWORD)
    page.goto(f"{live_server.url}/reviews/{review.pk}/edit/#evidence")
    page.locator("#id_attachment-file").set_input_files(
        {"name": "flood.png", "mimeType": "image/png", "buffer": flood}
    )
    description = "خريطة المدينة" if language == "ar" else "City map"
    page.locator("#id_attachment-description").fill(description)
    page.locator("#evidence form[enctype] button[type=submit]").click()

    expect(page.get_by_role("heading", level=1)).to_have_text(tr(language, "Add an attachment"))
    expect(page.locator("html")).to_have_attribute("dir", "rtl" if language == "ar" else "ltr")
    reason = tr(language, "The image is larger than the limit of %(limit)d megapixels.", limit=40)
    expect(page.locator("#div_id_attachment-file")).to_contain_text(reason)
    expect(page.locator("#id_attachment-file")).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#id_attachment-description")).to_have_value(description)
    assert_no_axe_violations(page)
    assert not Attachment.objects.exists()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("language", ["en", "ar"])
def test_the_secretariat_reads_which_review_could_not_be_drawn(
    base_data, live_server, page: Page, language
):
    cycle = open_first_cycle()
    reviewer = factories.make_user(Role.REVIEWER, email="reviewer@unhabitat.example",
                                   name="Nia Reviewer")  # fmt: skip
    kenya = Country.objects.get(iso3="KEN")
    focal = factories.make_focal_point(kenya, email="focal.ke@example.org")
    review = services.start_review(kenya, cycle, by=focal)
    fill(review, focal, sections={s.key: f"{s.title}: Kenya." for s in SECTIONS})
    content = hostile_files.pixel_flood_png()
    Attachment.objects.create(
        review=review, file=ContentFile(content, name="evidence.png"), original_name="flood.png",
        kind="png", size=len(content), sha256=hashlib.sha256(content).hexdigest(),
        uploaded_by=focal,
    )  # fmt: skip
    services.approve_review(services.submit_review(review, by=focal), by=reviewer)
    make_approved_review(Country.objects.get(iso3="COL"), cycle, reviewer=reviewer)
    compile_job = jobs.request_compile(cycle, by=reviewer, language=language)
    jobs.run(compile_job.pk)
    compile_job.refresh_from_db()
    assert compile_job.status == JobStatus.DONE and compile_job.kind == ReportKind.DOSSIER

    # Signed in (in English), then reading the portal in `language` (the account's choice).
    sign_in_secretariat(page, live_server.url, reviewer)
    reviewer.language = language
    reviewer.save(update_fields=["language"])
    page.goto(f"{live_server.url}/reports/jobs/{compile_job.pk}/")
    expect(page.locator("html")).to_have_attribute("lang", language)
    warning = page.locator(".alert-warning")
    expect(warning).to_contain_text(compile_job.stats["problems"][0]["reason"])
    expect(warning.get_by_role("link")).to_have_attribute("href", f"/reviews/{review.pk}/")
    expect(warning.get_by_role("link")).to_have_text(kenya.name)
    assert_no_axe_violations(page)
