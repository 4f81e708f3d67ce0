"""A database in use when render jobs, report files and downloads belonged to `reviews` (the
previous head: reviews 0006, no `reports` app) migrates to the new head with every row, trigger
and file link intact: reviews in every state with their snapshots, transitions and history
events, render jobs queued, failed and done, report files and cached chapters on disk, and the
download log (still append-only)."""

import datetime
import hashlib
import re

import pytest
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import IntegrityError, InternalError, connection, transaction
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from accounts.roles import Role
from countries.models import Country
from indicators import services as cycle_services
from indicators.models import CycleStatus, ReviewCycle
from reports.models import ChapterCache, Download, RenderJob, ReportFile
from reviews.models import Review, ReviewEvent
from tests.support import factories
from tests.support.reviews import fill

# What moved: the previous head of each app the move touched (None: the app did not exist).
PREVIOUS = {
    "reviews": "0006_render_job_unsent",
    "reports": None,
    "opendata": None,
    "meetings": None,
}
MOVED_TABLES = [
    "reviews_renderjob",
    "reviews_reportfile",
    "reviews_chaptercache",
    "reviews_download",
]
TABLES = ["reviews_review", "reviews_snapshot", "reviews_transition", "reviews_reviewevent",
          "reviews_commentthread", "reviews_comment", *MOVED_TABLES]  # fmt: skip


def migrate(targets: list[tuple[str, str | None]]):
    """Migrate the test database to `targets`; the models of that state."""
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    executor.loader.build_graph()
    return executor.loader.project_state([t for t in targets if t[1] is not None]).apps


def columns(table: str) -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT column_name FROM information_schema.columns WHERE table_name = %s"
            " ORDER BY ordinal_position",
            [table],
        )
        return [name for (name,) in cursor.fetchall()]


def rows(table: str, names: list[str]) -> list[tuple]:
    """The rows of `table`, in the columns `names` (those it had before: a column added since
    is not a change to the rows)."""
    listed = ", ".join(f'"{name}"' for name in names)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {listed} FROM {table} ORDER BY id")  # noqa: S608 (names from above)
        return cursor.fetchall()


def triggers() -> dict[str, set[str]]:
    """The portal's own triggers (pgtrigger's and pghistory's), by table, by name (without the
    suffix pgtrigger derives from the owning app: the download log's changes with the move)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.relname, t.tgname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid"
            " WHERE NOT t.tgisinternal AND t.tgname LIKE 'pgtrigger_%'"
        )
        found: dict[str, set[str]] = {}
        for table, name in cursor.fetchall():
            found.setdefault(table, set()).add(re.sub(r"_[0-9a-f]{5}$", "", name))
        return found


def stored(name: str) -> str:
    with default_storage.open(name) as handle:
        return hashlib.sha256(handle.read()).hexdigest()


def old_reports(apps, cycle, reviews: dict, reviewer) -> None:
    """Render jobs, report files, a cached chapter and downloads, written through the models of
    the previous head (where they are `reviews` models)."""
    RenderJob = apps.get_model("reviews", "RenderJob")
    ReportFile = apps.get_model("reviews", "ReportFile")
    ChapterCache = apps.get_model("reviews", "ChapterCache")
    Download = apps.get_model("reviews", "Download")
    approved = reviews["approved"]
    snapshot = approved.snapshots.order_by("version").last()
    RenderJob.objects.create(kind="dossier", cycle_id=cycle.pk, status="queued", unsent=True,
                             language="ar")  # fmt: skip
    RenderJob.objects.create(kind="dossier", cycle_id=cycle.pk, status="failed", attempts=3,
                             error="The worker was lost.", language="fr")  # fmt: skip
    for number, kind in ((None, "review"), (1, "dossier")):
        job = RenderJob.objects.create(
            kind=kind, cycle_id=cycle.pk, status="done", finished_at=timezone.now(),
            review_id=approved.pk if kind == "review" else None,
            snapshot_id=snapshot.pk if kind == "review" else None,
        )  # fmt: skip
        report = ReportFile(
            job=job, kind=kind, cycle_id=cycle.pk, number=number, pages=1,
            review_id=job.review_id, snapshot_id=job.snapshot_id, built_by_id=reviewer.pk,
            bytes=len(factories.TEST_PDF), sha256=hashlib.sha256(factories.TEST_PDF).hexdigest(),
        )  # fmt: skip
        report.file.save(f"old-{kind}-{job.pk}.pdf", ContentFile(factories.TEST_PDF), save=False)
        report.save()
        Download.objects.create(report=report, user_id=reviewer.pk, public=False)
        Download.objects.create(report=report, user=None, public=True)
    chapter = ChapterCache(key="a" * 64, pages=3, outline=[["Kenya", 0]], used_at=timezone.now())
    chapter.file.save("chapter.pdf", ContentFile(factories.TEST_PDF), save=False)
    chapter.save()


def reviews_in_every_state(apps, cycle, reviewer) -> dict:
    """Reviews of six countries, one per state, with answers, snapshots, transitions and
    comments, written through the models of the previous head (today's services write columns
    and tables added since); the history events come from that head's triggers."""
    models = {name: apps.get_model("reviews", name) for name in (
        "Review", "Answer", "Snapshot", "Transition", "CommentThread", "Comment")}  # fmt: skip
    indicator = apps.get_model("indicators", "Indicator").objects.get(
        matrix__cycle_id=cycle.pk, matrix__frozen_at__isnull=False, code="1.4"
    )
    made = {}
    for state, iso3 in [("draft", "KEN"), ("submitted", "COL"), ("returned", "FRA"),
                        ("approved", "BRA"), ("withdrawn", "IND")]:  # fmt: skip
        country = Country.objects.get(iso3=iso3)
        focal = factories.make_focal_point(country, email=f"focal.{iso3.lower()}@example.org")
        review = models["Review"].objects.create(
            country_id=country.pk, cycle_id=cycle.pk, updated_by_id=focal.pk,
            executive_summary=f"What {country.name} did.",
        )  # fmt: skip
        models["Answer"].objects.create(
            review=review, indicator_id=indicator.pk, values={"value": 14}, raw={"value": "14"}
        )
        if state != "draft":
            snapshot = models["Snapshot"].objects.create(
                review=review, version=1, content={"sections": {"executive_summary": "…"}},
                created_by_id=focal.pk,
            )  # fmt: skip
            step = {"by_id": focal.pk, "review": review}
            models["Transition"].objects.create(
                from_status="draft", to_status="submitted", snapshot=snapshot, **step
            )
            if state == "returned":
                thread = models["CommentThread"].objects.create(review=review, section="measures")
                models["Comment"].objects.create(thread=thread, author_id=reviewer.pk,
                                                 body="Which year?")  # fmt: skip
                models["Comment"].objects.create(thread=thread, author_id=focal.pk, body="2023.")
            if state != "submitted":
                step["by_id"] = focal.pk if state == "withdrawn" else reviewer.pk
                models["Transition"].objects.create(
                    from_status="submitted", to_status=state, reason="A reason.", **step
                )
            models["Review"].objects.filter(pk=review.pk).update(status=state)
        made[state] = Review.objects.get(pk=review.pk)
    return made


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_a_database_at_the_previous_head_keeps_every_row_trigger_and_file(base_data, settings):
    executor = MigrationExecutor(connection)
    head = executor.loader.graph.leaf_nodes()
    previous = [(app, PREVIOUS.get(app, name)) for app, name in head]
    old_apps = migrate(previous)
    assert "renderjob" in old_apps.all_models["reviews"] and not old_apps.all_models["reports"]
    ContentType.objects.clear_cache()

    admin = factories.make_user(Role.ADMIN, email="admin@unhabitat.example")
    reviewer = factories.make_user(Role.REVIEWER, email="reviewer@unhabitat.example")
    cycle = ReviewCycle.objects.get(name="2021–2023 review cycle")
    cycle = cycle_services.open_cycle(cycle, by=admin)
    made = reviews_in_every_state(old_apps, cycle, reviewer)
    day = datetime.date(2020, 1, 1)
    published = ReviewCycle.objects.create(
        name="Published cycle", assembly="A", opens_on=day, deadline=day.replace(month=12),
        status=CycleStatus.PUBLISHED,
    )  # fmt: skip
    # As publishing a cycle leaves its reviews (a cycle of 2020, before the portal).
    made["published"] = Review.objects.create(
        country=Country.objects.get(iso3="JPN"), cycle=published, status="published"
    )
    old_reports(old_apps, cycle, made, reviewer)

    names = {table: columns(table) for table in TABLES}
    before = {table: rows(table, names[table]) for table in TABLES}
    triggers_before = triggers()
    files_before = {name: stored(name) for (name,) in _file_names()}
    assert set(Review.objects.values_list("status", flat=True)) == {
        "draft", "submitted", "returned", "approved", "withdrawn", "published",
    }  # fmt: skip
    assert len(before["reviews_snapshot"]) >= 4 and len(before["reviews_reviewevent"]) >= 6
    assert len(before["reviews_download"]) == 4 and len(before["reviews_renderjob"]) >= 4

    migrate(head)
    ContentType.objects.clear_cache()

    # Every row, as it was (in the columns it had; those added since hold their defaults).
    for table in TABLES:
        assert rows(table, names[table]) == before[table], table
    # Every trigger, on the same tables.
    assert triggers() == triggers_before
    # Every file link: the file each row names is there, with the same bytes.
    assert {name: stored(name) for (name,) in _file_names()} == files_before
    # The models of the new head read the old rows.
    assert RenderJob.objects.count() == len(before["reviews_renderjob"])
    for report in ReportFile.objects.all():
        with report.file.open("rb") as handle:
            assert hashlib.sha256(handle.read()).hexdigest() == report.sha256
    assert ChapterCache.objects.get().file.read() == factories.TEST_PDF
    # The download log is still append-only, and the history still records.
    download = Download.objects.first()
    with pytest.raises((InternalError, IntegrityError)), transaction.atomic():
        Download.objects.filter(pk=download.pk).update(public=not download.public)
    events = ReviewEvent.objects.count()
    fill(made["draft"], made["draft"].updated_by, answers={"1.4": {"value": "15"}})
    assert ReviewEvent.objects.count() > events
    # Permissions moved with their models: the roles hold them under `reports`.
    moved = Permission.objects.filter(codename="compile_reports")
    assert list(moved.values_list("content_type__app_label", flat=True)) == ["reports"]
    assert (
        Group.objects.get(name=Role.REVIEWER.value)
        .permissions.filter(content_type__app_label="reports", codename="compile_reports")
        .exists()
    )
    assert not Permission.objects.filter(
        content_type__app_label="reviews", content_type__model__in=[t[8:] for t in MOVED_TABLES]
    ).exists()


def _file_names() -> list[tuple[str]]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT file FROM reviews_reportfile UNION ALL SELECT file FROM reviews_chaptercache"
            " UNION ALL SELECT file FROM reviews_attachment ORDER BY 1"
        )
        return cursor.fetchall()
