"""Filters of the PDF templates: the cycle's names in the reader's language, bidi isolation of
what goes into a translated sentence, the direction of text people typed."""

from django import template

from core.text import text_direction
from reports import names

register = template.Library()

register.filter("cycle_name", names.cycle_name)
register.filter("assembly_name", names.assembly_name)
register.filter("isolated", names.isolated)


@register.filter
def text_dir(text, default: str = "ltr") -> str:
    """ "ltr" or "rtl": the direction of a typed text by its first strong letter, else `default`."""
    return text_direction(str(text or ""), default)
