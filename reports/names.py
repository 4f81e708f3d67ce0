"""The cycle's and its Assembly session's names in the reader's language, and the bidi
isolation of what a translated sentence of the PDFs carries (numbers, year ranges, names).

The secretariat types a cycle's name and the session it reports to once, in English (the
portal's default language): "2025–2027 review cycle", "Third session of the UN-Habitat
Assembly". Both follow a convention that says all there is to say (the cycle's years, the
session's number), so another language's edition composes them from the catalog's patterns
("%(years)s review cycle", "Third session of the UN-Habitat Assembly") instead of keeping
the English words inside its sentences. A name that does not follow the convention is shown
as typed. The English edition always shows the names as typed.

Why not a column per language (django-modeltranslation, as the matrix texts have)? The name
is how a cycle is found (`name` is unique and looked up by name), and modeltranslation turns
every lookup, ordering and form save on a translated field into one on the active language's
column: the cycle form read in Arabic would write and check the Arabic column. The patterns
need nothing typed in six languages and give every cycle, past or future, its name at once.

Bidi: the Unicode bidi algorithm sets "2021–2023" inside an Arabic sentence as "2023–2021"
(the en dash between two numbers takes the sentence's direction), and English words inside an
Arabic sentence pull its punctuation along. The isolates (U+2066 LEFT-TO-RIGHT ISOLATE, U+2068
FIRST STRONG ISOLATE, closed by U+2069) make each a unit of its own. They are characters, not
markup, so they also hold in the running header: WeasyPrint's `string-set` copies the text of
an element into the page margin and drops its markup (a `<bdi>` there is lost). In a
left-to-right language only right-to-left text is isolated: an English PDF's text and
metadata carry no control characters it does not need.
"""

import re

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.text import text_direction

LRI, FSI, PDI = "\u2066", "\u2068", "\u2069"

_YEARS = r"(\d{4})(?:\s*[-\u2010-\u2015]\s*(\d{4}))?"  # 2025, 2025–2027, 2025-2027
_CYCLE_NAMES = [
    re.compile(rf"(?:the\s+)?{_YEARS}\s+review\s+cycle\.?", re.IGNORECASE),
    re.compile(rf"(?:the\s+)?review\s+cycle\s+{_YEARS}\.?", re.IGNORECASE),
]
_ORDINALS = ["first", "second", "third", "fourth", "fifth",
             "sixth", "seventh", "eighth", "ninth", "tenth"]  # fmt: skip
_SESSION = re.compile(
    rf"(?:the\s+)?(?:({'|'.join(_ORDINALS)})|(\d{{1,2}})(?:st|nd|rd|th))\s+session"
    r"(?:\s+of\s+the\s+UN-Habitat\s+Assembly)?\.?",
    re.IGNORECASE,
)
# Whole phrases, not an ordinal word in a pattern: in Arabic, French or Russian the ordinal
# agrees with "session".
SESSIONS = {
    1: gettext_lazy("First session of the UN-Habitat Assembly"),
    2: gettext_lazy("Second session of the UN-Habitat Assembly"),
    3: gettext_lazy("Third session of the UN-Habitat Assembly"),
    4: gettext_lazy("Fourth session of the UN-Habitat Assembly"),
    5: gettext_lazy("Fifth session of the UN-Habitat Assembly"),
    6: gettext_lazy("Sixth session of the UN-Habitat Assembly"),
    7: gettext_lazy("Seventh session of the UN-Habitat Assembly"),
    8: gettext_lazy("Eighth session of the UN-Habitat Assembly"),
    9: gettext_lazy("Ninth session of the UN-Habitat Assembly"),
    10: gettext_lazy("Tenth session of the UN-Habitat Assembly"),
}


def ltr(text) -> str:
    """`text` set left to right as one unit, whatever the sentence around it: a number, a year
    range ("2021–2023" stays so in Arabic), a code. Nothing for no text; the text alone in a
    left-to-right language, where nothing can turn it round."""
    if text in (None, ""):
        return ""
    return f"{LRI}{text}{PDI}" if translation.get_language_bidi() else str(text)


def isolated(text) -> str:
    """Text people typed (a name), in the direction of its own first letter, without pulling
    the sentence around it into its direction. Nothing for no text; the text alone when it and
    the language are both left to right (an English name in an English sentence)."""
    if text in (None, ""):
        return ""
    if not translation.get_language_bidi() and text_direction(str(text)) == "ltr":
        return str(text)
    return f"{FSI}{text}{PDI}"


def _typed_language() -> bool:
    """Is the active language the one names are typed in (English)?"""
    return (translation.get_language() or "") == settings.MODELTRANSLATION_DEFAULT_LANGUAGE


def cycle_years(name: str) -> str | None:
    """ "2025–2027" from a name of the convention ("2025-2027 review cycle", "Review cycle
    2025–2027"), with an en dash; None for a name of another form."""
    for pattern in _CYCLE_NAMES:
        match = pattern.fullmatch(name.strip())
        if match:
            start, end = match.groups()
            return f"{start}–{end}" if end else start
    return None


def session_number(assembly: str) -> int | None:
    """3 from "Third session of the UN-Habitat Assembly" (or "the 3rd session", "Third
    session"); None for any other text or a session past the tenth."""
    match = _SESSION.fullmatch(assembly.strip())
    if not match:
        return None
    word, digits = match.groups()
    number = _ORDINALS.index(word.lower()) + 1 if word else int(digits)
    return number if number in SESSIONS else None


def cycle_name(cycle) -> str:
    """The cycle's name in the active language, isolated for any sentence it goes into."""
    years = cycle_years(cycle.name)
    if years is None or _typed_language():
        return isolated(cycle.name)
    # Translators: the name of a review cycle, from its years ("2025–2027 review cycle").
    return isolated(_("%(years)s review cycle") % {"years": ltr(years)})


def assembly_name(cycle) -> str:
    """The Assembly session the cycle reports to, in the active language, isolated."""
    number = session_number(cycle.assembly)
    if number is None or _typed_language():
        return isolated(cycle.assembly)
    return isolated(str(SESSIONS[number]))
