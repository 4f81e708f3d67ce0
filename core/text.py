"""Text people typed, set in its own direction (any page, any PDF, any language)."""

import re
import unicodedata

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import normalize_newlines


def text_direction(text: str, default: str = "ltr") -> str:
    """The direction of a text by its first strong character (the Unicode bidi rule P2)."""
    for char in text:
        kind = unicodedata.bidirectional(char)
        if kind == "L":
            return "ltr"
        if kind in ("R", "AL"):
            return "rtl"
    return default


def directed_paragraphs(text: str, default: str = "ltr") -> SafeString:
    """Django's `linebreaks`, each paragraph with the direction of its own first strong letter:
    an Arabic paragraph in an English section is set right to left, and the other way round.
    With `default` "auto" the browser decides each paragraph by the same rule (dir="auto");
    WeasyPrint does not, so the PDFs are given the direction itself."""
    html = []
    for paragraph in re.split(r"\n{2,}", normalize_newlines(str(text)).strip()):
        direction = "auto" if default == "auto" else text_direction(paragraph, default)
        body = str(escape(paragraph)).replace("\n", "<br>")
        html.append(f'<p dir="{direction}">{body}</p>')
    return mark_safe("\n\n".join(html))  # each paragraph escaped above
