"""Reviews to render: Kenya's review submitted and approved in the open first cycle."""

import subprocess
from pathlib import Path

import pytest

from reviews import services
from reviews.models import Review
from reviews.sections import SECTIONS
from tests.reviews.conftest import (  # noqa: F401  (fixtures shared with the reviews tests)
    REQUIRED_ANSWERS,
    complete_review,
    draft_review,
    fill,
    open_cycle,
    submitted_review,
)


@pytest.fixture
def approved_review(submitted_review, reviewer, django_capture_on_commit_callbacks) -> Review:  # noqa: F811
    with django_capture_on_commit_callbacks(execute=True):
        return services.approve_review(submitted_review, by=reviewer)


def pdf_text(pdf: bytes, tmp_path: Path) -> str:
    """The text of a PDF as pdftotext (poppler) reads it."""
    path = tmp_path / "out.pdf"
    path.write_bytes(pdf)
    return subprocess.run(
        ["pdftotext", "-enc", "UTF-8", str(path), "-"], capture_output=True, check=True, text=True
    ).stdout


def make_approved_review(country, cycle, *, reviewer, sections=None, answers=None) -> Review:
    """A country's review filled in, submitted and approved through the services."""
    from tests import factories

    focal = factories.make_focal_point(country, email=f"focal.{country.iso3.lower()}@example.org")
    review = services.start_review(country, cycle, by=focal)
    fill(review, focal, sections=sections or {
        s.key: f"{s.title}: what {country.name} did." for s in SECTIONS
    }, answers=answers)  # fmt: skip
    review = services.submit_review(review, by=focal)
    return services.approve_review(review, by=reviewer)


def run_jobs(**filters) -> list:
    """Run the queued render jobs matching `filters` in-process, as the worker would."""
    from reviews import jobs
    from reviews.models import JobStatus, RenderJob

    queued = list(RenderJob.objects.filter(status=JobStatus.QUEUED, **filters).order_by("pk"))
    RenderJob.objects.filter(pk__in=[j.pk for j in queued]).update(not_before=None)
    return [jobs.run(job.pk) for job in queued]


@pytest.fixture
def published_cycle(open_cycle, reviewer, secretariat_admin, focal_point):  # noqa: F811
    """The first cycle published with Kenya's and Colombia's reviews approved, their PDFs and
    two versions of the compiled report rendered."""
    from countries.models import Country
    from indicators import services as cycle_services

    make_approved_review(Country.objects.get(iso3="KEN"), open_cycle, reviewer=reviewer)
    make_approved_review(Country.objects.get(iso3="COL"), open_cycle, reviewer=reviewer)
    run_jobs()  # the draft and final PDFs, and one compile
    cycle_services.close_cycle(open_cycle, by=secretariat_admin)
    cycle = cycle_services.publish_cycle(open_cycle, by=secretariat_admin)
    run_jobs()  # the compile that publication asked for
    return cycle
