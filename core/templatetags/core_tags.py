from django import template

from core import text

register = template.Library()
register.filter("directed_paragraphs", text.directed_paragraphs)
