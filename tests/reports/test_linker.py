"""The join written part by part (reports/linker.py): a sound PDF by qpdf's own check, the same
bytes from the same parts, and a part made linkable once and kept."""

import io

import pikepdf
import pytest
from django.core.files.storage import default_storage

from countries.models import Country
from reports import dossier, linker
from tests.support.reviews import make_approved_review


@pytest.fixture
def parts(open_cycle, reviewer):
    for iso3 in ("KEN", "COL"):
        make_approved_review(Country.objects.get(iso3=iso3), open_cycle, reviewer=reviewer)
    planned = dossier.plan(open_cycle, "en")
    stats = dossier.CompileStats()
    return [dossier.draw(open_cycle, "en", p, stats) for p in planned.parts if p.kind != "folio"]


def join(parts):
    return dossier.merge(parts, chapters_from=1, chapter_count=2, language="en", title="T")


def test_the_joined_pdf_passes_qpdfs_check_and_is_the_same_from_the_same_parts(parts):
    first, second = join(parts), join(parts)
    assert first.pdf == second.pdf
    with pikepdf.open(io.BytesIO(first.pdf)) as document:
        assert document.check_pdf_syntax() == []
        assert len(document.pages) == first.pages == sum(p.pages for p in parts)
        # every page of every part, in order, with its page number laid over as an artifact
        assert all("/Folio0" in page.Resources.XObject for page in document.pages[1:])
        assert str(document.Root.StructTreeRoot.K[0].S) == "/Document"
        assert [str(k.S) for k in document.Root.StructTreeRoot.K[0].K] == ["/Part"] * len(parts)


def test_a_part_is_made_linkable_once_and_kept_by_its_hash(parts):
    part = parts[1]
    made = dossier.linkable(part)
    name = f"links/{part.sha256}.v{linker.VERSION}.link"
    assert default_storage.exists(name)
    assert linker.loads(default_storage.open(name).read()) == made
    assert dossier.linkable(part) == made
