"""Arabic formats Django leaves to its English defaults (FORMAT_MODULE_PATH in settings)."""

from django.conf.locale.ar.formats import *  # noqa: F403  (the rest of Django's Arabic formats)

DATETIME_FORMAT = "j F، Y، H:i"
SHORT_DATETIME_FORMAT = "d\u200f/m\u200f/Y H:i"
