"""The narrative sections of a country review, in report order (SPEC §5)."""

import re
from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Section:
    key: str
    number: int
    title: str | Promise
    help: str | Promise
    word_limit: int
    required: bool = True


SECTIONS = [
    Section("executive_summary", 1, _("Executive summary"),
            _("The main points of the review in a few paragraphs."), 800),
    Section("national_context", 2, _("National context and approach to urban safety"),
            _("Urbanisation, crime and violence trends, and how the country approaches urban safety."), 1500),
    Section("measures", 3, _("Measures taken to implement the Guidelines"),
            _("Policy, legislation and institutions put in place since the Guidelines were adopted."), 2000),
    Section("local_implementation", 4, _("Local implementation and the National Tool Network"),
            _("How cities implement the Guidelines; the network's municipalities are listed with the review."), 2000),
    Section("good_practices", 5, _("Good practices"),
            _("An introduction; describe each practice in the structured list below."), 800, required=False),
    Section("difficulties", 6, _("Difficulties encountered"),
            _("Obstacles met, and what would help to overcome them."), 1500),
    Section("partnerships", 7, _("Partnerships, joint programming and resources"),
            _("Partners, UN joint programming and the resources allocated."), 1500),
    Section("support_requested", 8, _("Support requested and next steps"),
            _("What support the country asks for, and its next steps."), 1000),
]  # fmt: skip
SECTION_KEYS = [s.key for s in SECTIONS]
BY_KEY = {s.key: s for s in SECTIONS}


# Chinese and Japanese are written without spaces: each of their characters counts as a word.
_CJK = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_WORDS = re.compile(f"[{_CJK}]|[^\\s{_CJK}]+")


def word_count(text: str) -> int:
    """Words as the limits count them (static/js/portal.js counts the same way as one types)."""
    return len(_WORDS.findall(text))
