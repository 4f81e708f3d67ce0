"""Full-text search over the published reviews (issue 19).

A published review is cut into passages as it was approved (its last snapshot): one per
narrative section written, one per good practice (every field the review page shows of it)
and one per indicator answered with words (its free-text value, source, note and the reason
data is not available). Each passage is indexed with the text search configuration of the
review's language (`CONFIGS`; `simple` where PostgreSQL has none: Chinese) and by trigrams.

A query matches a passage when PostgreSQL's `websearch_to_tsquery` in the passage's own
configuration does (stemmed words: "street lights" finds "street lighting"), or when the
passage holds the query as it was typed, in any case (Chinese, parts of words). Results come
only from `published.reviews()`, whatever the table holds, best first, each with the passage
around the match: the matching words in <mark>, everything else escaped.

`index_review`, `index_cycle` and `forget` keep the table current; opendata/receivers.py calls
them when a cycle is published and when a published review changes, and the command
`index_passages` rebuilds everything.
"""

import re
from collections.abc import Iterable
from dataclasses import dataclass

from django.contrib.postgres.search import (
    SearchHeadline,
    SearchQuery,
    SearchRank,
    SearchVector,
)
from django.db import transaction
from django.db.models import F, Q, QuerySet
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from indicators.models import Indicator, IndicatorType, ReviewCycle
from opendata import published
from opendata.models import Passage, PassageKind
from reviews.models import Review
from reviews.sections import SECTIONS

# The review's language → PostgreSQL's text search configuration (SELECT cfgname FROM
# pg_ts_config). Chinese has none: its passages are found by substring (trigram index).
CONFIGS = {"en": "english", "fr": "french", "es": "spanish", "ru": "russian", "ar": "arabic"}
SIMPLE = "simple"

# What ts_headline puts around a matching word: characters of Unicode's private use area,
# taken out of every passage's text when it is indexed, so only PostgreSQL can write them.
# (ts_headline's own fragments would drop tags and cut entities: `highlight` cuts instead.)
START, STOP = "\ue000", "\ue001"
# What a good practice's passage holds: every field the review page shows of it.
PRACTICE_FIELDS = ("title", "city", "period", "description", "results", "partners", "tools_used")
WINDOW = 100  # characters shown before the first match (twice as many after it)


def config_for(language: str) -> str:
    return CONFIGS.get(language, SIMPLE)


def code_order(code: str) -> list[tuple[int, int, str]]:
    """An indicator code's place in matrix order: 1.2 before 1.10."""
    return [(0, int(p), "") if p.isdecimal() else (1, 0, p) for p in code.split(".")]


# --- Indexing -------------------------------------------------------------------------------


def _clean(text: str) -> str:
    return text.replace(START, "").replace(STOP, "").replace("\x00", "").strip()


def _join(*texts: object) -> str:
    return "\n".join(t for t in (_clean(str(x or "")) for x in texts) if t)


def passages_of(review: Review) -> list[Passage]:
    """What `review` says as it was last submitted (reviews/snapshots.py `capture`), as
    unsaved passages in report order."""
    snapshot = review.snapshots.order_by("-version").first()
    content = snapshot.content if snapshot else {}
    found: list[tuple[str, str, str, str]] = []  # kind, key, title, text
    sections = content.get("sections") or {}
    for section in SECTIONS:
        text = _join(sections.get(section.key))
        if text:
            found.append((PassageKind.SECTION, section.key, "", text))
    for number, practice in enumerate(content.get("practices") or [], start=1):
        text = _join(*(practice.get(field) for field in PRACTICE_FIELDS))
        if text:
            title = _clean(practice.get("title") or "")[:300]
            found.append((PassageKind.PRACTICE, str(number), title, text))
    answers = content.get("answers") or {}
    free_text = set(
        Indicator.objects.filter(
            matrix__cycle_id=review.cycle_id, matrix__version=content.get("matrix_version") or 0,
            type=IndicatorType.FREE_TEXT, code__in=list(answers),
        ).values_list("code", flat=True)
    ) if answers else set()  # fmt: skip
    for code in sorted(answers, key=code_order):
        answer = answers[code] or {}
        values = (answer.get("values") or {}) if code in free_text else {}
        typed = [v for v in values.values() if isinstance(v, str)]
        text = _join(*typed, answer.get("source"), answer.get("note"), answer.get("reason"))
        if text:
            found.append((PassageKind.ANSWER, code, "", text))
    config = config_for(review.language)
    return [
        Passage(review=review, kind=kind, key=key, title=title, language=review.language,
                config=config, text=text)
        for kind, key, title, text in found
    ]  # fmt: skip


@transaction.atomic
def index_review(review: Review) -> int:
    """Rebuild the passages of `review` from its last snapshot if it is published, drop them
    otherwise; how many it has now."""
    found = published.reviews().filter(pk=review.pk).first()
    forget(review)
    if found is None:
        return 0
    made = Passage.objects.bulk_create(passages_of(found))
    Passage.objects.filter(review=found).update(vector=SearchVector("text", config=F("config")))
    return len(made)


def index_cycle(cycle: ReviewCycle) -> int:
    """Index every published review of `cycle`; how many passages they have."""
    return sum(index_review(r) for r in published.reviews().filter(cycle=cycle))


def index_all() -> int:
    """Rebuild the whole index: every published review, nothing else."""
    Passage.objects.exclude(review__in=published.reviews()).delete()
    return sum(index_cycle(cycle) for cycle in published.cycles())


def forget(review: Review) -> None:
    Passage.objects.filter(review_id=review.pk).delete()


# --- Searching ------------------------------------------------------------------------------


def search(
    query: str,
    *,
    cycle: ReviewCycle | int | None = None,
    region: str | None = None,
    indicator: str | None = None,
) -> QuerySet[Passage]:
    """The published passages matching `query`, best first, each annotated with `rank` and
    `marked` (its text with the matching words marked, for `highlight`). `indicator` (a code) keeps the answers
    to that indicator; `region` is a countries.models.Region value."""
    query = _clean(query)
    if not query:
        return Passage.objects.none()
    # One query per configuration, each a constant the GIN indexes can use (a query taking
    # each row's own configuration could only be checked row by row).
    matches = Q(text__iregex=re.escape(query))
    for config in sorted({*CONFIGS.values(), SIMPLE}):
        words = SearchQuery(query, config=config, search_type="websearch")
        matches |= Q(config=config, vector=words)
    found = (
        Passage.objects.filter(review__in=published.reviews().values("pk"))
        .filter(matches)
        .select_related("review__country", "review__cycle")
    )
    if cycle:
        found = found.filter(review__cycle=cycle)
    if region:
        found = found.filter(review__country__region=region)
    if indicator:
        found = found.filter(kind=PassageKind.ANSWER, key=indicator)
    words = SearchQuery(query, config=F("config"), search_type="websearch")  # the passage's
    return found.annotate(
        rank=SearchRank(F("vector"), words),
        # The whole text, every matching word between START and STOP: `highlight` cuts it.
        marked=SearchHeadline("text", words, config=F("config"), start_sel=START,
                              stop_sel=STOP, highlight_all=True),
    ).order_by("-rank", "review__country__name", "review__cycle__opens_on", "pk")  # fmt: skip


@dataclass(frozen=True)
class Piece:
    text: str
    marked: bool


def highlight(passage: Passage, query: str) -> SafeString:
    """The part of `passage` around what matched `query`, as HTML: the words PostgreSQL
    matched (`search` annotates them) or else, for Chinese and parts of words, the places
    holding `query` as typed, in <mark>; everything else escaped."""
    text, spans = _unmark(getattr(passage, "marked", None) or passage.text)
    if not spans:
        text = passage.text
        query = _clean(query)
        if query:
            pattern = re.compile(re.escape(query), re.IGNORECASE)
            spans = [(m.start(), m.end()) for m in pattern.finditer(text)]
    return _html(excerpt(text, spans))


def _unmark(headline: str) -> tuple[str, list[tuple[int, int]]]:
    """ts_headline's text without its markers, and where the marked words are."""
    text, spans, at = [], [], 0
    for i, part in enumerate(re.split(f"[{START}{STOP}]", headline)):
        if i % 2 == 1:
            spans.append((at, at + len(part)))
        text.append(part)
        at += len(part)
    return "".join(text), spans


def excerpt(text: str, spans: list[tuple[int, int]]) -> list[Piece]:
    """The text around the first span (the beginning when there is none), the spans inside
    marked, "…" where it is cut."""
    first = spans[0] if spans else (0, 0)
    start, end = max(0, first[0] - WINDOW), min(len(text), first[1] + 2 * WINDOW)
    # Cut at a space where there is one near the edges (Chinese has none).
    if start > 0 and (space := text.find(" ", start, first[0])) != -1:
        start = space + 1
    if end < len(text) and (space := text.rfind(" ", first[1], end)) != -1:
        end = space
    pieces = [Piece("…", marked=False)] if start > 0 else []
    at = start
    for left, right in spans:
        if left >= at and right <= end:
            pieces += [Piece(text[at:left], False), Piece(text[left:right], True)]
            at = right
    pieces.append(Piece(text[at:end], False))
    if end < len(text):
        pieces.append(Piece("…", marked=False))
    return [p for p in pieces if p.text]


def _html(pieces: Iterable[Piece]) -> SafeString:
    return mark_safe(  # noqa: S308 (every piece is escaped)
        "".join(f"<mark>{escape(p.text)}</mark>" if p.marked else escape(p.text) for p in pieces)
    )
