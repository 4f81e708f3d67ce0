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
