"""Render jobs: queued by the workflow, run by the worker's task, one artifact each."""

import pytest
from django.core.files.storage import default_storage

from reports import jobs
from reports.models import JobStatus, RenderJob, ReportFile, ReportKind
from reviews import services
from tests.support.clients import client_for
from tests.support.reviews import run_jobs


def test_submission_renders_a_draft_pdf_for_the_secretariat(
    complete_review, focal_point, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.submit_review(complete_review, by=focal_point)
    job = RenderJob.objects.get(review=complete_review)
    assert (job.kind, job.draft, job.status, job.attempts) == ("review", True, "done", 1)
    report = ReportFile.objects.get(job=job)
    assert report.draft and report.pages >= 3 and report.bytes == report.file.size
    assert default_storage.open(report.file.name).read(5) == b"%PDF-"


def test_approval_renders_the_final_pdf_and_queues_one_debounced_compile(
    submitted_review, reviewer, django_capture_on_commit_callbacks, settings
):
    settings.DOSSIER_DEBOUNCE_SECONDS = 60
    with django_capture_on_commit_callbacks(execute=True):
        services.approve_review(submitted_review, by=reviewer)
    final = ReportFile.objects.get(review=submitted_review, draft=False)
    assert final.job.status == JobStatus.DONE
    compile_job = RenderJob.objects.get(kind=ReportKind.DOSSIER)
    # The task ran at once (eager) but the job waits for the quiet minute to pass.
    assert compile_job.status == JobStatus.QUEUED and compile_job.attempts == 0
    assert compile_job.not_before is not None


def test_approvals_in_a_burst_share_one_queued_compile(open_cycle, reviewer):
    first = jobs.request_compile(open_cycle, by=reviewer, delay=60)
    second = jobs.request_compile(open_cycle, by=reviewer, delay=60)
    assert first.pk == second.pk
    assert second.not_before >= first.not_before
    assert RenderJob.objects.filter(kind=ReportKind.DOSSIER).count() == 1


def test_a_job_run_twice_leaves_one_artifact(submitted_review):
    job = RenderJob.objects.get(review=submitted_review, draft=True)
    assert job.status == JobStatus.DONE
    assert jobs.run(job.pk) == "skipped"
    # A second delivery that raced past the claim finds the job done when it stores.
    rendered, stats = jobs.render(job)
    assert jobs.finish(job, rendered, stats) == "already done"
    assert ReportFile.objects.filter(job=job).count() == 1
    assert len(default_storage.listdir("reports/review")[1]) == 1


def test_compiled_versions_are_numbered_with_size_pages_and_hash(open_cycle, reviewer):
    for _ in range(2):
        jobs.request_compile(open_cycle, by=reviewer)
        run_jobs(kind=ReportKind.DOSSIER)
    versions = list(ReportFile.objects.filter(kind=ReportKind.DOSSIER).order_by("number"))
    assert [v.number for v in versions] == [1, 2]
    for version in versions:
        body = default_storage.open(version.file.name).read()
        assert version.bytes == len(body) and len(version.sha256) == 64 and version.pages > 3
        assert version.built_by == reviewer


def test_a_failing_render_is_retried_then_failed_and_the_page_offers_a_retry(
    submitted_review, reviewer, monkeypatch, settings, django_capture_on_commit_callbacks
):
    settings.RENDER_RETRY_DELAY = 0
    job = jobs.request_compile(submitted_review.cycle, by=reviewer)

    def broken(job):
        raise RuntimeError("the fonts are missing")

    monkeypatch.setattr(jobs, "render", broken)
    with django_capture_on_commit_callbacks(execute=True):
        jobs.run(job.pk)  # eager: the retries follow at once, up to the cap
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED
    assert job.attempts == jobs.MAX_ATTEMPTS
    assert "the fonts are missing" in job.error
    page = client_for(reviewer).get(f"/reports/jobs/{job.pk}/")
    assert "the fonts are missing" in page.text and "Try again" in page.text

    monkeypatch.undo()
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(reviewer).post(f"/reports/jobs/{job.pk}/retry/")
    assert response.url == f"/reports/jobs/{job.pk}/"
    job.refresh_from_db()
    report = ReportFile.objects.get(job=job)
    assert job.status == JobStatus.DONE and job.attempts == 1
    assert f"/reports/files/{report.pk}/download/" in client_for(reviewer).get(response.url).text


def test_the_job_page_polls_while_the_job_is_unfinished_and_stops_after(open_cycle, reviewer):
    job = jobs.request_compile(open_cycle, by=reviewer, delay=600)
    client = client_for(reviewer)
    page = client.get(f"/reports/jobs/{job.pk}/")
    assert 'hx-trigger="every 2s"' in page.text and "Queued" in page.text
    partial = client.get(f"/reports/jobs/{job.pk}/", headers={"HX-Request": "true"})
    assert partial.text.lstrip().startswith('<section id="job-status"')
    run_jobs(kind=ReportKind.DOSSIER)
    done = client.get(f"/reports/jobs/{job.pk}/", headers={"HX-Request": "true"})
    assert "hx-trigger" not in done.text and "Done" in done.text


def test_secretariat_compiles_on_demand_from_the_cycle_page(open_cycle, reviewer):
    client = client_for(reviewer)
    assert client.get(f"/reports/cycles/{open_cycle.pk}/").status_code == 200
    response = client.post(f"/reports/cycles/{open_cycle.pk}/compile/", {"language": "fr"})
    job = RenderJob.objects.get(kind=ReportKind.DOSSIER)
    assert response.status_code == 302 and response.url == f"/reports/jobs/{job.pk}/"
    assert job.language == "fr" and job.requested_by == reviewer


@pytest.mark.parametrize("language", ["", "xx", "<script>"])
def test_an_unknown_compile_language_falls_back_to_english(open_cycle, reviewer, language):
    client_for(reviewer).post(f"/reports/cycles/{open_cycle.pk}/compile/", {"language": language})
    assert RenderJob.objects.get(kind=ReportKind.DOSSIER).language == "en"


def test_the_introduction_is_saved_and_opens_the_compiled_report(open_cycle, reviewer, tmp_path):
    from tests.support.pdfs import pdf_text

    client_for(reviewer).post(
        f"/reports/cycles/{open_cycle.pk}/",
        {"intro-report_introduction": "Forty words of welcome."},
    )
    open_cycle.refresh_from_db()
    assert open_cycle.report_introduction == "Forty words of welcome."
    jobs.request_compile(open_cycle, by=reviewer)
    run_jobs(kind=ReportKind.DOSSIER)
    report = ReportFile.objects.get(kind=ReportKind.DOSSIER)
    assert "Forty words of welcome." in pdf_text(
        default_storage.open(report.file.name).read(), tmp_path
    )


def test_a_failing_compile_gives_way_to_a_newer_queued_compile(open_cycle, reviewer):
    running = jobs.request_compile(open_cycle, by=reviewer)
    assert jobs.claim(running.pk).status == JobStatus.RUNNING
    waiting = jobs.request_compile(open_cycle, by=reviewer, delay=60)  # an approval meanwhile
    assert waiting.pk != running.pk

    jobs.fail(running, "OSError: disk full")
    running.refresh_from_db()
    assert running.status == JobStatus.FAILED
    assert f"compile #{waiting.pk} is queued" in running.error
    waiting.refresh_from_db()
    assert waiting.status == JobStatus.QUEUED
    # Trying the failed one again joins the waiting compile instead of making a second.
    assert jobs.retry(running, by=reviewer).pk == waiting.pk
    assert RenderJob.objects.filter(status=JobStatus.QUEUED).count() == 1
