"""The hidden, tamper-evident markers a review's Word document carries.

- The document as a whole: a custom document property (`PROPERTY`) holding, signed with the
  portal's secret (django.core.signing), the export's key, the review, its country, cycle and
  matrix version. Word and LibreOffice keep custom properties when they save.
- Each section and each indicator answer: a bookmark on its heading or its table row, named
  `scr_` + a keyed hash of (export, section key or indicator code). A name cannot be moved to
  another section or made up: only the portal can compute it. Bookmarks are kept by both
  office suites and never shown.
"""

import hashlib
import hmac

from django.conf import settings
from django.core import signing

PROPERTY = "SaferCitiesReview"
SALT = "reviews.word.document"
PREFIX = "scr_"


def sign(export) -> str:
    review = export.review
    return signing.dumps(
        {
            "export": str(export.key),
            "review": review.pk,
            "country": review.country.iso3,
            "cycle": review.cycle_id,
            "matrix": export.matrix_id,
        },
        salt=SALT,
        compress=True,
    )


def unsign(value: str) -> dict | None:
    """The marker's fields, or None when it was changed or is not the portal's."""
    try:
        data = signing.loads(value, salt=SALT)
    except (signing.BadSignature, ValueError, TypeError):
        return None
    return data if isinstance(data, dict) else None


def bookmark(export_key, kind: str, ident: str) -> str:
    """The bookmark name of a section ("s", key) or an answer ("i", code) in one export."""
    digest = hmac.new(
        settings.SECRET_KEY.encode(), f"{export_key}:{kind}:{ident}".encode(), hashlib.sha256
    ).hexdigest()
    return f"{PREFIX}{kind}{digest[:20]}"


def bookmarks_of(export) -> dict[str, tuple[str, str]]:
    """Bookmark name → ("s", section key) or ("i", indicator code), for one export."""
    names = {}
    for key in export.content["sections"]:
        names[bookmark(export.key, "s", key)] = ("s", key)
    for code in export.content["answers"]:
        names[bookmark(export.key, "i", code)] = ("i", code)
    return names
