"""One changed review re-renders one chapter of the compiled report, not the dossier."""

import pytest

from countries.models import Country
from reports import dossier, pdf
from reports.models import ChapterCache
from reviews import services
from tests.support.reviews import fill, make_approved_review


@pytest.fixture
def three_approved(open_cycle, reviewer):
    return [
        make_approved_review(Country.objects.get(iso3=iso3), open_cycle, reviewer=reviewer)
        for iso3 in ("KEN", "COL", "FRA")
    ]


def count_renders(monkeypatch) -> list[str]:
    """The countries whose chapter is drawn, in order (wraps the real renderer)."""
    drawn = []
    real = pdf.render_review

    def counting(document, *, chapter=False):
        drawn.append(document.review.country.iso3)
        return real(document, chapter=chapter)

    monkeypatch.setattr(pdf, "render_review", counting)
    return drawn


def test_one_changed_review_redraws_one_chapter(
    open_cycle, three_approved, secretariat_admin, reviewer, monkeypatch
):
    drawn = count_renders(monkeypatch)
    first, stats = dossier.compile_report(open_cycle)
    assert sorted(drawn) == ["COL", "FRA", "KEN"]
    assert (stats.chapters, stats.rendered, stats.reused) == (3, 3, 0)

    drawn.clear()
    again, stats = dossier.compile_report(open_cycle)
    assert drawn == [] and (stats.rendered, stats.reused) == (0, 3)

    kenya = three_approved[0]
    kenya = services.reopen_review(kenya, by=secretariat_admin, reason="Update 1.4.")
    focal = kenya.country.focal_points.first().user
    fill(kenya, focal, sections={"executive_summary": "A new summary for the Assembly."})
    services.approve_review(services.submit_review(kenya, by=focal), by=reviewer)

    drawn.clear()
    changed, stats = dossier.compile_report(open_cycle)
    assert drawn == ["KEN"]
    assert (stats.chapters, stats.rendered, stats.reused) == (3, 1, 2)
    assert changed.sha256 != first.sha256
    assert ChapterCache.objects.count() >= 4  # three chapters, Kenya's new one, and the rest


def test_the_chapter_key_changes_with_content_language_and_approval(approved_review):
    snapshot = pdf.latest_snapshot(approved_review)
    english = pdf.review_document(approved_review, snapshot, draft=False, language="en")
    french = pdf.review_document(approved_review, snapshot, draft=False, language="fr")
    draft = pdf.review_document(approved_review, snapshot, draft=True, language="en")
    keys = {
        english.content_key("chapter"),
        french.content_key("chapter"),
        draft.content_key("chapter"),
    }
    assert len(keys) == 3
    assert english.content_key("chapter") == pdf.review_document(
        approved_review, snapshot, draft=False, language="en"
    ).content_key("chapter")
