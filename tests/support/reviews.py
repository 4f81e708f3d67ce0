"""Reviews filled in, submitted and approved through the services, and render jobs run as the
worker would run them."""

from reports import jobs, pdf
from reports.models import JobStatus, RenderJob, ReportKind
from reviews import editor, services
from reviews.models import Review
from reviews.sections import SECTIONS
from tests.support import factories

REQUIRED_ANSWERS = {
    "1.1": {"value": "adopted"},
    "1.2": {"value": "yes"},
    "1.3": {"value": "12"},
    "1.4": {"value": "14"},
    "1.5": {"value": "3"},
    "1.6": {"value": "250000", "currency": "KES"},
    "2.1": {"value": "yes"},
    "2.2": {"value": "established"},
    "3.1": {"not_available": "on", "reason": "Membership is being confirmed."},
}


def fill(review: Review, user, *, sections=None, answers=None) -> Review:
    """Save sections and answers through the service, as the editor does."""
    sections = sections if sections is not None else {
        s.key: f"{s.title}: the measures and results of Kenya." for s in SECTIONS
    }  # fmt: skip
    answers = REQUIRED_ANSWERS if answers is None else answers
    return editor.save_draft(
        review, by=user, base_version=review.lock_version, sections=sections,
        answer_forms=editor.answer_forms_for(review, answers),
    )  # fmt: skip


def editor_post(review: Review, **changes) -> dict:
    """What the editor's form sends: every field as the page shows it, with `changes`."""
    data = {"lock_version": review.lock_version, "language": review.language}
    data |= {section.key: review.section_text(section.key) for section in SECTIONS}
    for answer in review.answers.all():
        for field, value in answer.raw.items():
            if value not in ("", None):
                data[f"ind-{answer.indicator_id}-{field}"] = value
    return data | changes


def make_approved_review(country, cycle, *, reviewer, sections=None, answers=None) -> Review:
    """A country's review filled in, submitted and approved through the services."""
    focal = factories.make_focal_point(country, email=f"focal.{country.iso3.lower()}@example.org")
    review = services.start_review(country, cycle, by=focal)
    fill(review, focal, sections=sections or {
        s.key: f"{s.title}: what {country.name} did." for s in SECTIONS
    }, answers=answers)  # fmt: skip
    review = services.submit_review(review, by=focal)
    return services.approve_review(review, by=reviewer)


def run_jobs(**filters) -> list:
    """Run the queued render jobs matching `filters` in-process, as the worker would."""
    queued = list(RenderJob.objects.filter(status=JobStatus.QUEUED, **filters).order_by("pk"))
    RenderJob.objects.filter(pk__in=[j.pk for j in queued]).update(not_before=None)
    return [jobs.run(job.pk) for job in queued]


def quick_render(job: RenderJob) -> tuple[pdf.Rendered, dict]:
    """Stands for WeasyPrint (seconds a PDF) in browser tests whose pages list the PDFs but
    never open them: `monkeypatch.setattr(jobs, "render", quick_render)`."""
    placeholder = pdf.Rendered(pdf=b"%PDF-1.7\n%placeholder\n%%EOF\n", pages=12)
    if job.kind == ReportKind.DOSSIER:
        return placeholder, {"chapters": 7, "rendered": 7, "reused": 0, "seconds": 0.1}
    return placeholder, {}
