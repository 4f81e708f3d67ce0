"""PDFs from objects: pure functions, no Celery, no storage writes (SPEC §6).

Everything is drawn by WeasyPrint from the templates in `templates/pdf/`. The renderer reaches
nothing but what `LockedFetcher` hands it: the project's own stylesheet and the document's own
images. Text comes from Django templates with autoescaping, so what a country wrote is text,
never markup.
"""

import functools
import hashlib
import io
import json
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files import File
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _
from weasyprint import HTML
from weasyprint.urls import URLFetcher, URLFetcherResponse

from core import uploads
from core.text import text_direction
from reports import names
from reviews import editor, peers, snapshots
from reviews.models import Attachment, Review, ReviewStatus, Snapshot, Transition
from reviews.sections import SECTIONS

logger = logging.getLogger(__name__)

# Bump when the templates or styles change in a way that must re-render cached chapters.
TEMPLATE_VERSION = "2026-12-04.2"


@functools.cache
def version(language: str) -> str:
    """What a cached part's key holds of how it is drawn in `language`: the templates'
    version and the hash of the language's compiled catalogue, so that a new translation
    redraws the parts it changes instead of leaving cached parts in the old words."""
    digest = hashlib.sha256()
    for root in settings.LOCALE_PATHS:
        catalogue = Path(root) / translation.to_locale(language) / "LC_MESSAGES" / "django.mo"
        if catalogue.is_file():
            digest.update(catalogue.read_bytes())
    return f"{TEMPLATE_VERSION}:{digest.hexdigest()[:16]}"


# What `asset:` may hand WeasyPrint from static/: stylesheets and the portal's own SVG images.
ASSET_TYPES = {".css": "text/css; charset=utf-8", ".svg": "image/svg+xml"}
IMAGE_TYPES = {"png": "image/png", "jpeg": "image/jpeg"}
RTL_LANGUAGES = {"ar"}


class DrawError(Exception):
    """The review cannot be drawn as it was submitted; the message says why, for people."""


Readable = IO[bytes] | File  # an open file, or one of the file store's


@dataclass
class Rendered:
    pdf: bytes
    pages: int
    # [{"title": "...", "page": 0-based index, "children": [...]}], from the headings.
    outline: list = field(default_factory=list)
    # What was left out of the pages and why (an image missing from storage), for people.
    notes: list = field(default_factory=list)

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.pdf).hexdigest()

    @property
    def size(self) -> int:
        return len(self.pdf)

    def open(self) -> Readable:
        """The PDF as a file, to store it without another copy in memory."""
        return io.BytesIO(self.pdf)


class Kept(Rendered):
    """A PDF kept in a file, not in memory (a cached part, a joined dossier): its pages and
    outline at hand, its bytes read from the file each time they are asked for, so that a
    join of two hundred parts holds one of them at a time."""

    def __init__(self, opener: Callable[[], Readable], *, sha256: str, size: int, pages: int,
                 outline: list) -> None:  # fmt: skip
        self._opener, self._sha256, self._size = opener, sha256, size
        self.pages, self.outline, self.notes = pages, outline, []

    @property
    def pdf(self) -> bytes:  # type: ignore[override]
        with self.open() as handle:
            return handle.read()

    @property
    def sha256(self) -> str:
        return self._sha256

    @property
    def size(self) -> int:
        return self._size

    def open(self) -> Readable:
        return self._opener()

    def __repr__(self) -> str:
        return f"Kept(sha256={self._sha256[:12]}…, pages={self.pages}, size={self._size})"


def file_digest(handle: Readable) -> tuple[str, int]:
    """The SHA-256 and the size of what `handle` reads, a megabyte at a time."""
    digest, size = hashlib.sha256(), 0
    while chunk := handle.read(1 << 20):
        digest.update(chunk)
        size += len(chunk)
    return digest.hexdigest(), size


class LockedFetcher(URLFetcher):
    """Hands WeasyPrint two kinds of URL and refuses every other one.

    - `asset:css/pdf.css`, `asset:img/wordmark.svg`: a stylesheet or an SVG image of the
      project's static files (no `..`, CSS and SVG only);
    - `image:<sha256>`: one of this document's own images, given when the fetcher is made.

    No network, no `file://`, no `data:`, no other path. Refusals are kept in `refused`.
    """

    def __init__(self, images: dict[str, tuple[bytes, str]] | None = None):
        super().__init__(timeout=1, allowed_protocols=(), allow_redirects=False)
        self.images = images or {}
        self.refused: list[str] = []

    def fetch(self, url, headers=None):
        scheme, _sep, rest = url.partition(":")
        if scheme == "asset":
            body = self._asset(rest)
            if body is not None:
                content_type = ASSET_TYPES[Path(rest).suffix]
                return URLFetcherResponse(url, body, {"Content-Type": content_type})
        elif scheme == "image" and rest in self.images:
            body, mime_type = self.images[rest]
            return URLFetcherResponse(url, body, {"Content-Type": mime_type})
        self.refused.append(url)
        logger.warning("PDF renderer refused to fetch %r", url[:200])
        raise ValueError("refused by the portal's URL fetcher")

    @staticmethod
    def _asset(path: str) -> bytes | None:
        """A stylesheet or SVG image from the project's own `static/` folder, or None."""
        root = (Path(settings.BASE_DIR) / "static").resolve()
        if not path or path.startswith("/") or ".." in Path(path).parts:
            return None
        if Path(path).suffix not in ASSET_TYPES:
            return None
        found = (root / path).resolve()
        if not found.is_relative_to(root) or not found.is_file():
            return None
        return found.read_bytes()


def render_html(html: str, *, images=None, tagged: bool = True, fetcher=None) -> Rendered:
    """HTML → PDF bytes, page count and outline. Tagged PDF/UA-1 unless `tagged` is False."""
    fetcher = fetcher or LockedFetcher(images)
    document = HTML(string=html, base_url=None, url_fetcher=fetcher).render(pdf_tags=tagged)
    options = {"pdf_variant": "pdf/ua-1"} if tagged else {}
    pdf = document.write_pdf(**options)
    return Rendered(pdf, len(document.pages), _outline(document.make_bookmark_tree()))


def _outline(tree) -> list:
    return [
        {"title": label, "page": target[0], "children": _outline(children)}
        for label, target, children, _state in tree
    ]


def direction(language: str) -> str:
    return "rtl" if language in RTL_LANGUAGES else "ltr"


# --- The country review ------------------------------------------------------------------


@dataclass
class ReviewDocument:
    """What a review PDF shows: a submitted version of the review, and how it stands."""

    review: Review
    snapshot: Snapshot
    draft: bool
    approval: Transition | None
    language: str
    _images: dict | None = field(default=None, init=False, repr=False)
    # Images left out of the pages: [(attachment as submitted, why)], known once images() ran.
    left_out: list = field(default_factory=list, init=False, repr=False)

    def content_key(self, mode: str) -> str:
        """The hash of everything the rendered pages depend on (the chapter cache's key)."""
        approval = (
            {"by": str(self.approval.by), "at": self.approval.at.isoformat()}
            if self.approval
            else None
        )
        payload = {
            "template": version(self.language),
            "mode": mode,
            "language": self.language,
            "country": [self.review.country.name, self.review.country.iso3],
            "cycle": [self.review.cycle.name, self.review.cycle.assembly],
            "names": self.shown_names(),  # as the catalog of the language words them today
            "version": self.snapshot.version,
            "content": self.snapshot.content,  # with the images' hashes (attachments)
            "draft": self.draft,
            "approval": approval,
        }
        if mode == "chapter":  # the agreed peer assessments the chapter carries
            payload["peers"] = peers.in_report(self.review)
        return hashlib.sha256(json.dumps(payload, sort_keys=True).encode()).hexdigest()

    def peer_assessments(self, outcomes: list) -> list[dict]:
        """The agreed peer assessments the secretariat put in the compiled report, each with
        its rows per outcome of the matrix answered and the country's response."""
        return [
            assessment | {"rows": [(o, assessment["outcomes"].get(o.code, {})) for o in outcomes]}
            for assessment in peers.in_report(self.review)
        ]

    def shown_names(self) -> list[str]:
        """The cycle's and its Assembly session's names as this document shows them."""
        with translation.override(self.language):
            return [names.cycle_name(self.review.cycle), names.assembly_name(self.review.cycle)]

    def images(self) -> dict[str, tuple[bytes, str]]:
        """The review's own PNG and JPEG evidence, by content hash, as submitted.

        An image gone from storage, or changed there since it was submitted, is left out
        (`left_out` says which and why). An image that the upload check refuses today (too
        many pixels, data that lies about its size) raises DrawError: the review cannot be
        drawn as submitted until the secretariat deals with that file.
        """
        if self._images is None:
            self._images, self.left_out = {}, []
            wanted = [
                a for a in self.snapshot.content.get("attachments", []) if a["kind"] in IMAGE_TYPES
            ]
            stored = {
                a.sha256: a
                for a in Attachment.objects.filter(
                    review=self.review, sha256__in=[a["sha256"] for a in wanted]
                )
            }
            for submitted in wanted:
                body, why = _stored_body(stored.get(submitted["sha256"]))
                if body is None:
                    self.left_out.append((submitted, why))
                    continue
                try:
                    self._images[submitted["sha256"]] = _without_metadata(body, submitted["kind"])
                except ValidationError as error:
                    raise DrawError(
                        _("the image %(name)s cannot be drawn: %(reason)s")
                        % {"name": submitted["name"], "reason": " ".join(error.messages)}
                    ) from None
        return self._images

    def notes(self) -> list[str]:
        """What the pages leave out, in words (after images() has run)."""
        return [
            _("The image %(name)s was left out: %(why)s") % {"name": a["name"], "why": why}
            for a, why in self.left_out
        ]

    def context(self) -> dict:
        content = self.snapshot.content
        shown = snapshots.as_submitted(self.review, self.snapshot)
        images = self.images()
        return {
            "review": self.review,
            "country": self.review.country,
            "cycle": self.review.cycle,
            "snapshot": self.snapshot,
            "draft": self.draft,
            "approval": self.approval,
            "language": self.language,
            "dir": direction(self.language),
            "written_in": dict(settings.LANGUAGES).get(content.get("language"), ""),
            "written_language": content.get("language") or self.review.language,
            "sections": [
                (s, text, text_direction(text, direction(self.language)))
                for s in SECTIONS
                for text in [shown["sections"][s.key]]
            ],
            "outcomes": editor.by_outcome(shown["rows"], lambda row: row[0]),
            "practices": shown["practices"],
            "municipalities": shown["municipalities"],
            "attachments": shown["attachments"],
            "figures": [a for a in shown["attachments"] if a["sha256"] in images],
            "left_out": self.left_out,
        }


def _stored_body(attachment: Attachment | None) -> tuple[bytes | None, str]:
    """The attachment's bytes as submitted, or None and why not."""
    if attachment is None:
        return None, _("the attachment is no longer in the review.")
    try:
        with attachment.file.open("rb") as handle:
            body = handle.read(settings.UPLOAD_MAX_BYTES + 1)
    except OSError:
        return None, _("the file is missing from storage.")
    if hashlib.sha256(body).hexdigest() != attachment.sha256:
        return None, _("the stored file differs from the one submitted.")
    return body, ""


def _without_metadata(body: bytes, kind: str) -> tuple[bytes, str]:
    """The image's pixels only: comments, EXIF (a photo's GPS position) and text chunks of
    an uploaded image do not travel into a published PDF. Decoded within the upload limits."""
    with uploads.decode_image(io.BytesIO(body), kind) as image:
        clean = image.copy()
    clean.info = {k: v for k, v in clean.info.items() if k == "transparency"}
    out = io.BytesIO()
    clean.save(out, format="PNG" if kind == "png" else "JPEG", quality=90)
    return out.getvalue(), IMAGE_TYPES[kind]


def review_document(
    review: Review, snapshot: Snapshot, *, draft: bool, language: str = ""
) -> ReviewDocument:
    approval = None
    if not draft:
        approval = (
            review.transitions.filter(to_status=ReviewStatus.APPROVED)
            .select_related("by")
            .order_by("-at")
            .first()
        )
    return ReviewDocument(review, snapshot, draft, approval, language or review.language)


def render_review(document: ReviewDocument, *, chapter: bool = False) -> Rendered:
    """The country review PDF (cover, contents, sections, answers, …) or, with `chapter`,
    the same pages as a chapter of the compiled report (no cover, no page numbers: the
    dossier numbers its pages as a whole)."""
    with translation.override(document.language):
        context = document.context() | {"chapter": chapter}
        if chapter:
            context["peer_assessments"] = document.peer_assessments(context["outcomes"])
        html = render_to_string("pdf/review.html", context)
        rendered = render_html(html, images=document.images(), tagged=True)
        rendered.notes = document.notes()
    return rendered


def render_placeholder(document: ReviewDocument, reason: str) -> Rendered:
    """A short chapter in place of a review that cannot be drawn, naming the country and why."""
    context = {
        "country": document.review.country,
        "cycle": document.review.cycle,
        "snapshot": document.snapshot,
        "reason": reason,
        "language": document.language,
        "dir": direction(document.language),
    }
    with translation.override(document.language):
        return render_html(render_to_string("pdf/chapter_placeholder.html", context))


def latest_snapshot(review: Review) -> Snapshot | None:
    return review.snapshots.order_by("-version").first()
