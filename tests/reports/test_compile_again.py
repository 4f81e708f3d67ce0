"""A compile asked for again while one runs (issue 21).

The second compile plans its parts against the chapter cache: what the first has drawn is done
at once, and a part both still need is drawn once, by whichever job's task gets to it first;
the other finds it drawn. No worker runs here: the part tasks go to a Redis of the test's own,
and the test draws the parts itself, in the order it chooses, as workers would.
"""

import pytest

from countries.models import Country
from reports import compiling, jobs
from reports.models import CompilePart, JobStatus, PartStatus, ReportFile, ReportKind
from tests.support.reviews import make_approved_review


@pytest.mark.django_db
def test_a_compile_asked_for_again_while_one_runs_reuses_the_parts_already_drawn(
    open_cycle, reviewer, secretariat_admin, broker
):
    for iso3 in ("KEN", "COL", "FRA"):
        make_approved_review(Country.objects.get(iso3=iso3), open_cycle, reviewer=reviewer)
    first = jobs.request_compile(open_cycle, by=secretariat_admin)
    assert jobs.run(first.pk) == "running"  # planned, its parts sent to the compile queue
    ahead = list(first.parts.filter(kind="chapter").order_by("order")[:2])
    for part in ahead:
        assert compiling.draw_part(part.pk) == "drawn"

    second = jobs.request_compile(open_cycle, by=secretariat_admin)
    assert second.pk != first.pk  # the first is running: a new compile is queued
    assert jobs.run(second.pk) == "running"
    again = {part.key: part for part in second.parts.all()}
    planned = set(first.parts.values_list("key", flat=True))
    # The same parts; page-number sheets as many as the pages known at each plan needed.
    assert set(again) <= planned
    assert {k for k, p in again.items() if p.kind != "folio"} == set(
        first.parts.exclude(kind="folio").values_list("key", flat=True)
    )
    for part in ahead:  # drawn by the first compile: done in the second from the start
        assert again[part.key].status == PartStatus.DONE and not again[part.key].drawn
    left = second.parts.exclude(status=PartStatus.DONE)
    assert left.filter(kind="chapter").count() == 1 and left.filter(kind="front").exists()

    # The second compile's tasks get to the rest first; the first's then find them drawn.
    for part in left:
        assert compiling.draw_part(part.pk) == "drawn"
    for part in first.parts.exclude(status=PartStatus.DONE):
        assert compiling.draw_part(part.pk) == "drawn"
        if part.key in again:  # (not a page-number sheet only the first planned)
            assert not CompilePart.objects.get(pk=part.pk).drawn

    both = CompilePart.objects.filter(job__in=(first, second))
    assert both.exclude(status=PartStatus.DONE).count() == 0
    drawn = sorted(both.filter(drawn=True).values_list("key", flat=True))
    assert drawn == sorted(planned)  # every part drawn once, across the two compiles
    assert [jobs.join(job.pk) for job in (first, second)] == ["done", "done"]
    reports = ReportFile.objects.filter(kind=ReportKind.DOSSIER).order_by("number")
    assert [r.number for r in reports] == [1, 2]
    assert reports[0].pages == reports[1].pages > 3
    for job in (first, second):
        job.refresh_from_db()
        assert job.status == JobStatus.DONE
    second.refresh_from_db()
    assert (second.stats["rendered"], second.stats["reused"]) == (1, 2)
