"""Who may reach which review page, in which state of the review (SPEC §10: every URL × every
role × every review state).

ACCESS below is the specification: for every URL name of the `reviews` namespace, every
request (GET, and the POSTs that change something), every persona and every state of Kenya's
review, what the person gets. A URL added to reviews/urls.py without a row here fails
`test_every_reviews_url_is_in_the_access_table`.

What a cell means:
- 200, 403, 404, 405: that status code; nothing changes.
- LOGIN: 302 to the sign-in page; nothing changes.
- TO_DETAIL, TO_EDIT, TO_QUEUE, TO_LIST: 302 to the review's page, its editor (for `start`:
  the editor of the person's own country's review), the queue, the list; nothing changes.
- DONE: 302 to a portal page, and the change was made (text saved, comment added, …).
- "→submitted", "→returned", …: 302 to the review's page and the review is now in that state,
  with one more step in its timeline.
- REFUSED: 200, the confirmation page again, saying why the step is refused; nothing changes.

Every POST is made in a savepoint rolled back afterwards, so each cell starts from the same
review; after each one the database is checked (state, timeline, and what the URL changes).
"""

import hashlib
from urllib.parse import urlsplit

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import Client
from django.urls import resolve, reverse
from django.utils.html import escape

from accounts.models import Invitation, User
from indicators import services as cycle_services
from reviews import services
from reviews.models import (
    Attachment,
    Comment,
    CommentThread,
    Contributor,
    GoodPractice,
    PeerAssessment,
    PeerKind,
    Review,
    ReviewStatus,
)
from tests.support.clients import client_for, url_names
from tests.support.factories import EVIDENCE_PDF
from tests.support.reviews import editor_post, fill
from tests.support.word import make_import

LOGIN = "302 to sign in"
TO_DETAIL = "302 to the review"
TO_EDIT = "302 to the editor"
TO_QUEUE = "302 to the queue"
TO_LIST = "302 to the list"
DONE = "302, done"
REFUSED = "200, refused"

STATES = ("draft", "submitted", "returned", "approved", "withdrawn", "published")
PERSONAS = (
    "anonymous",
    "focal_point",
    "other_focal_point",
    "reviewer",
    "secretariat_admin",
    "board_member",
    "contributor",  # of Kenya's drafting team: section 1 and outcome 1
    "peer",  # an expert of a partner organisation, the peer of Kenya's submitted review
)

# Kenya's review (the focal point's country), complete, in the first cycle:
#   draft      never submitted
#   submitted  submitted once (snapshot v1)
#   returned   submitted, then returned for revision
#   approved   submitted, then approved; the cycle is still open
#   withdrawn  submitted, then withdrawn by the country
#   published  approved, then the cycle closed and published (the review becomes published)
ACCESS = {
    "list": {
        "GET": {
            #                     draft      submitted  returned   approved   withdrawn  published
            "anonymous":         (LOGIN,     LOGIN,     LOGIN,     LOGIN,     LOGIN,     LOGIN),
            "focal_point":       (200,       200,       200,       200,       200,       200),
            "other_focal_point": (200,       200,       200,       200,       200,       200),
            "reviewer":          (TO_QUEUE,  TO_QUEUE,  TO_QUEUE,  TO_QUEUE,  TO_QUEUE,  TO_QUEUE),
            "secretariat_admin": (TO_QUEUE,  TO_QUEUE,  TO_QUEUE,  TO_QUEUE,  TO_QUEUE,  TO_QUEUE),
            "board_member":      (200,       200,       200,       200,       200,       200),
            "contributor":       (200,       200,       200,       200,       200,       200),
            "peer":              (403,       403,       403,       403,       403,       403),
        },
    },
    "queue": {
        "GET": {
            "anonymous":         (LOGIN,     LOGIN,     LOGIN,     LOGIN,     LOGIN,     LOGIN),
            "focal_point":       (403,       403,       403,       403,       403,       403),
            "other_focal_point": (403,       403,       403,       403,       403,       403),
            "reviewer":          (200,       200,       200,       200,       200,       200),
            "secretariat_admin": (200,       200,       200,       200,       200,       200),
            "board_member":      (403,       403,       403,       403,       403,       403),
            "contributor":       (403,       403,       403,       403,       403,       403),
            "peer":              (403,       403,       403,       403,       403,       403),
        },
    },
    "start": {  # /reviews/start/<the review's cycle>/
        "GET": {
            "anonymous":         (LOGIN,     LOGIN,     LOGIN,     LOGIN,     LOGIN,     LOGIN),
            "focal_point":       (405,       405,       405,       405,       405,       405),
            "other_focal_point": (405,       405,       405,       405,       405,       405),
            "reviewer":          (405,       405,       405,       405,       405,       405),
            "secretariat_admin": (405,       405,       405,       405,       405,       405),
            "board_member":      (405,       405,       405,       405,       405,       405),
            "contributor":       (405,       405,       405,       405,       405,       405),
            "peer":              (405,       405,       405,       405,       405,       405),
        },
        "POST": {
            "anonymous":         (LOGIN,     LOGIN,     LOGIN,     LOGIN,     LOGIN,     LOGIN),
            "focal_point":       (TO_EDIT,   TO_EDIT,   TO_EDIT,   TO_EDIT,   TO_EDIT,   TO_LIST),
            "other_focal_point": (TO_EDIT,   TO_EDIT,   TO_EDIT,   TO_EDIT,   TO_EDIT,   TO_LIST),
            "reviewer":          (403,       403,       403,       403,       403,       403),
            "secretariat_admin": (403,       403,       403,       403,       403,       403),
            "board_member":      (403,       403,       403,       403,       403,       403),
            "contributor":       (403,       403,       403,       403,       403,       403),
            "peer":              (403,       403,       403,       403,       403,       403),
        },
    },
    "detail": {
        "GET": {
            "anonymous":         (LOGIN,     LOGIN,     LOGIN,     LOGIN,     LOGIN,     LOGIN),
            "focal_point":       (200,       200,       200,       200,       200,       200),
            "other_focal_point": (404,       404,       404,       404,       404,       404),
            "reviewer":          (200,       200,       200,       200,       200,       200),
            "secretariat_admin": (200,       200,       200,       200,       200,       200),
            "board_member":      (404,       404,       404,       404,       404,       200),
            "contributor":       (200,       200,       200,       200,       200,       404),
            "peer":              (404,       404,       404,       404,       404,       404),
        },
    },
    "changes": {  # a draft never submitted has no submission to compare: 404 for everyone
        "GET": {
            "anonymous":         (LOGIN,     LOGIN,     LOGIN,     LOGIN,     LOGIN,     LOGIN),
            "focal_point":       (404,       200,       200,       200,       200,       200),
            "other_focal_point": (404,       404,       404,       404,       404,       404),
            "reviewer":          (404,       200,       200,       200,       200,       200),
            "secretariat_admin": (404,       200,       200,       200,       200,       200),
            "board_member":      (404,       404,       404,       404,       404,       200),
            "contributor":       (404,       200,       200,       200,       200,       404),
            "peer":              (404,       404,       404,       404,       404,       404),
        },
    },
    "edit": {
        "GET": {
            "anonymous":         (LOGIN,     LOGIN,     LOGIN,     LOGIN,     LOGIN,     LOGIN),
            "focal_point":       (200,       TO_DETAIL, 200,       TO_DETAIL, TO_DETAIL, TO_DETAIL),
            "other_focal_point": (404,       404,       404,       404,       404,       404),
            "reviewer":          (403,       403,       403,       403,       403,       403),
            "secretariat_admin": (403,       403,       403,       403,       403,       403),
            "board_member":      (404,       404,       404,       404,       404,       403),
            "contributor":       (200,       TO_DETAIL, 200,       TO_DETAIL, TO_DETAIL, 404),
            "peer":              (404,       404,       404,       404,       404,       404),
        },
        "POST": {  # the editor's form as the page holds it, with a new executive summary
            "anonymous":         (LOGIN,     LOGIN,     LOGIN,     LOGIN,     LOGIN,     LOGIN),
            "focal_point":       (DONE,      TO_DETAIL, DONE,      TO_DETAIL, TO_DETAIL, TO_DETAIL),
            "other_focal_point": (404,       404,       404,       404,       404,       404),
            "reviewer":          (403,       403,       403,       403,       403,       403),
            "secretariat_admin": (403,       403,       403,       403,       403,       403),
            "board_member":      (404,       404,       404,       404,       404,       403),
            "contributor":       (DONE,      TO_DETAIL, DONE,      TO_DETAIL, TO_DETAIL, 404),
            "peer":              (404,       404,       404,       404,       404,       404),
        },
    },
    "comment_add": {
        "GET": {
            "anonymous":         (LOGIN,     LOGIN,     LOGIN,     LOGIN,     LOGIN,     LOGIN),
            "focal_point":       (405,       405,       405,       405,       405,       405),
            "other_focal_point": (405,       405,       405,       405,       405,       405),
            "reviewer":          (405,       405,       405,       405,       405,       405),
            "secretariat_admin": (405,       405,       405,       405,       405,       405),
            "board_member":      (405,       405,       405,       405,       405,       405),
            "contributor":       (405,       405,       405,       405,       405,       405),
            "peer":              (405,       405,       405,       405,       405,       405),
        },
        "POST": {
            "anonymous":         (LOGIN,     LOGIN,     LOGIN,     LOGIN,     LOGIN,     LOGIN),
            "focal_point":       (DONE,      DONE,      DONE,      DONE,      DONE,      DONE),
            "other_focal_point": (404,       404,       404,       404,       404,       404),
            "reviewer":          (DONE,      DONE,      DONE,      DONE,      DONE,      DONE),
            "secretariat_admin": (DONE,      DONE,      DONE,      DONE,      DONE,      DONE),
            "board_member":      (404,       404,       404,       404,       404,       403),
            "contributor":       (403,       403,       403,       403,       403,       404),
            "peer":              (404,       404,       404,       404,       404,       404),
        },
    },
    "comment_reply": {  # a thread the reviewer opened on the review
        "GET": {
            "anonymous":         (LOGIN,     LOGIN,     LOGIN,     LOGIN,     LOGIN,     LOGIN),
            "focal_point":       (405,       405,       405,       405,       405,       405),
            "other_focal_point": (405,       405,       405,       405,       405,       405),
            "reviewer":          (405,       405,       405,       405,       405,       405),
            "secretariat_admin": (405,       405,       405,       405,       405,       405),
            "board_member":      (405,       405,       405,       405,       405,       405),
            "contributor":       (405,       405,       405,       405,       405,       405),
            "peer":              (405,       405,       405,       405,       405,       405),
        },
        "POST": {
            "anonymous":         (LOGIN,     LOGIN,     LOGIN,     LOGIN,     LOGIN,     LOGIN),
            "focal_point":       (DONE,      DONE,      DONE,      DONE,      DONE,      DONE),
            "other_focal_point": (404,       404,       404,       404,       404,       404),
            "reviewer":          (DONE,      DONE,      DONE,      DONE,      DONE,      DONE),
            "secretariat_admin": (DONE,      DONE,      DONE,      DONE,      DONE,      DONE),
            "board_member":      (404,       404,       404,       404,       404,       403),
            "contributor":       (403,       403,       403,       403,       403,       404),
            "peer":              (404,       404,       404,       404,       404,       404),
        },
    },
    "comment_status": {  # marking that open thread resolved
        "GET": {
            "anonymous":         (LOGIN,     LOGIN,     LOGIN,     LOGIN,     LOGIN,     LOGIN),
            "focal_point":       (405,       405,       405,       405,       405,       405),
            "other_focal_point": (405,       405,       405,       405,       405,       405),
            "reviewer":          (405,       405,       405,       405,       405,       405),
            "secretariat_admin": (405,       405,       405,       405,       405,       405),
            "board_member":      (405,       405,       405,       405,       405,       405),
            "contributor":       (405,       405,       405,       405,       405,       405),
            "peer":              (405,       405,       405,       405,       405,       405),
        },
        "POST": {
            "anonymous":         (LOGIN,     LOGIN,     LOGIN,     LOGIN,     LOGIN,     LOGIN),
            "focal_point":       (403,       403,       403,       403,       403,       403),
            "other_focal_point": (404,       404,       404,       404,       404,       404),
            "reviewer":          (DONE,      DONE,      DONE,      DONE,      DONE,      DONE),
            "secretariat_admin": (DONE,      DONE,      DONE,      DONE,      DONE,      DONE),
            "board_member":      (404,       404,       404,       404,       404,       403),
            "contributor":       (403,       403,       403,       403,       403,       404),
            "peer":              (404,       404,       404,       404,       404,       404),
        },
    },
    # /reviews/<pk>/<action>/: GET shows the confirmation page (also when the step is not
    # available in the review's state); POST takes the step, or is refused with the reason.
    "action": {
        "GET submit": {
            "anonymous":         (LOGIN,     LOGIN,     LOGIN,     LOGIN,     LOGIN,     LOGIN),
            "focal_point":       (200,       200,       200,       200,       200,       200),
            "other_focal_point": (404,       404,       404,       404,       404,       404),
            "reviewer":          (403,       403,       403,       403,       403,       403),
            "secretariat_admin": (403,       403,       403,       403,       403,       403),
            "board_member":      (404,       404,       404,       404,       404,       403),
            "contributor":       (403,       403,       403,       403,       403,       404),
            "peer":              (404,       404,       404,       404,       404,       404),
        },
        "POST submit": {
            "anonymous":         (LOGIN,     LOGIN,     LOGIN,     LOGIN,     LOGIN,     LOGIN),
            "focal_point":       ("→submitted", REFUSED, "→submitted", REFUSED, REFUSED,  REFUSED),
            "other_focal_point": (404,       404,       404,       404,       404,       404),
            "reviewer":          (403,       403,       403,       403,       403,       403),
            "secretariat_admin": (403,       403,       403,       403,       403,       403),
            "board_member":      (404,       404,       404,       404,       404,       403),
            "contributor":       (403,       403,       403,       403,       403,       404),
            "peer":              (404,       404,       404,       404,       404,       404),
        },
        "GET withdraw": {
            "anonymous":         (LOGIN,     LOGIN,     LOGIN,     LOGIN,     LOGIN,     LOGIN),
            "focal_point":       (200,       200,       200,       200,       200,       200),
            "other_focal_point": (404,       404,       404,       404,       404,       404),
            "reviewer":          (403,       403,       403,       403,       403,       403),
            "secretariat_admin": (403,       403,       403,       403,       403,       403),
            "board_member":      (404,       404,       404,       404,       404,       403),
            "contributor":       (403,       403,       403,       403,       403,       404),
            "peer":              (404,       404,       404,       404,       404,       404),
        },
        "POST withdraw": {
            "anonymous":         (LOGIN,     LOGIN,     LOGIN,     LOGIN,     LOGIN,     LOGIN),
            "focal_point":       ("→withdrawn", "→withdrawn", "→withdrawn", REFUSED, REFUSED, REFUSED),
            "other_focal_point": (404,       404,       404,       404,       404,       404),
            "reviewer":          (403,       403,       403,       403,       403,       403),
            "secretariat_admin": (403,       403,       403,       403,       403,       403),
            "board_member":      (404,       404,       404,       404,       404,       403),
            "contributor":       (403,       403,       403,       403,       403,       404),
            "peer":              (404,       404,       404,       404,       404,       404),
        },
        "GET return": {
            "anonymous":         (LOGIN,     LOGIN,     LOGIN,     LOGIN,     LOGIN,     LOGIN),
            "focal_point":       (403,       403,       403,       403,       403,       403),
            "other_focal_point": (404,       404,       404,       404,       404,       404),
            "reviewer":          (200,       200,       200,       200,       200,       200),
            "secretariat_admin": (200,       200,       200,       200,       200,       200),
            "board_member":      (404,       404,       404,       404,       404,       403),
            "contributor":       (403,       403,       403,       403,       403,       404),
            "peer":              (404,       404,       404,       404,       404,       404),
        },
        "POST return": {
            "anonymous":         (LOGIN,     LOGIN,     LOGIN,     LOGIN,     LOGIN,     LOGIN),
            "focal_point":       (403,       403,       403,       403,       403,       403),
            "other_focal_point": (404,       404,       404,       404,       404,       404),
            "reviewer":          (REFUSED,   "→returned", REFUSED, REFUSED,   REFUSED,   REFUSED),
            "secretariat_admin": (REFUSED,   "→returned", REFUSED, REFUSED,   REFUSED,   REFUSED),
            "board_member":      (404,       404,       404,       404,       404,       403),
            "contributor":       (403,       403,       403,       403,       403,       404),
            "peer":              (404,       404,       404,       404,       404,       404),
        },
        "GET approve": {
            "anonymous":         (LOGIN,     LOGIN,     LOGIN,     LOGIN,     LOGIN,     LOGIN),
            "focal_point":       (403,       403,       403,       403,       403,       403),
            "other_focal_point": (404,       404,       404,       404,       404,       404),
            "reviewer":          (200,       200,       200,       200,       200,       200),
            "secretariat_admin": (200,       200,       200,       200,       200,       200),
            "board_member":      (404,       404,       404,       404,       404,       403),
            "contributor":       (403,       403,       403,       403,       403,       404),
            "peer":              (404,       404,       404,       404,       404,       404),
        },
        "POST approve": {
            "anonymous":         (LOGIN,     LOGIN,     LOGIN,     LOGIN,     LOGIN,     LOGIN),
            "focal_point":       (403,       403,       403,       403,       403,       403),
            "other_focal_point": (404,       404,       404,       404,       404,       404),
            "reviewer":          (REFUSED,   "→approved", REFUSED, REFUSED,   REFUSED,   REFUSED),
            "secretariat_admin": (REFUSED,   "→approved", REFUSED, REFUSED,   REFUSED,   REFUSED),
            "board_member":      (404,       404,       404,       404,       404,       403),
            "contributor":       (403,       403,       403,       403,       403,       404),
            "peer":              (404,       404,       404,       404,       404,       404),
        },
        "GET reinstate": {
            "anonymous":         (LOGIN,     LOGIN,     LOGIN,     LOGIN,     LOGIN,     LOGIN),
            "focal_point":       (403,       403,       403,       403,       403,       403),
            "other_focal_point": (404,       404,       404,       404,       404,       404),
            "reviewer":          (200,       200,       200,       200,       200,       200),
            "secretariat_admin": (200,       200,       200,       200,       200,       200),
            "board_member":      (404,       404,       404,       404,       404,       403),
            "contributor":       (403,       403,       403,       403,       403,       404),
            "peer":              (404,       404,       404,       404,       404,       404),
        },
        "POST reinstate": {
            "anonymous":         (LOGIN,     LOGIN,     LOGIN,     LOGIN,     LOGIN,     LOGIN),
            "focal_point":       (403,       403,       403,       403,       403,       403),
            "other_focal_point": (404,       404,       404,       404,       404,       404),
            "reviewer":          (REFUSED,   REFUSED,   REFUSED,   REFUSED,   "→draft",  REFUSED),
            "secretariat_admin": (REFUSED,   REFUSED,   REFUSED,   REFUSED,   "→draft",  REFUSED),
            "board_member":      (404,       404,       404,       404,       404,       403),
            "contributor":       (403,       403,       403,       403,       403,       404),
            "peer":              (404,       404,       404,       404,       404,       404),
        },
        "GET reopen": {
            "anonymous":         (LOGIN,     LOGIN,     LOGIN,     LOGIN,     LOGIN,     LOGIN),
            "focal_point":       (403,       403,       403,       403,       403,       403),
            "other_focal_point": (404,       404,       404,       404,       404,       404),
            "reviewer":          (403,       403,       403,       403,       403,       403),
            "secretariat_admin": (200,       200,       200,       200,       200,       200),
            "board_member":      (404,       404,       404,       404,       404,       403),
            "contributor":       (403,       403,       403,       403,       403,       404),
            "peer":              (404,       404,       404,       404,       404,       404),
        },
        "POST reopen": {
            "anonymous":         (LOGIN,     LOGIN,     LOGIN,     LOGIN,     LOGIN,     LOGIN),
            "focal_point":       (403,       403,       403,       403,       403,       403),
            "other_focal_point": (404,       404,       404,       404,       404,       404),
            "reviewer":          (403,       403,       403,       403,       403,       403),
            "secretariat_admin": (REFUSED,   REFUSED,   REFUSED,   "→returned", REFUSED, REFUSED),
            "board_member":      (404,       404,       404,       404,       404,       403),
            "contributor":       (403,       403,       403,       403,       403,       404),
            "peer":              (404,       404,       404,       404,       404,       404),
        },
        "GET publish": {  # a state, not a step anyone takes on a review
            "anonymous":         (LOGIN,     LOGIN,     LOGIN,     LOGIN,     LOGIN,     LOGIN),
            "focal_point":       (404,       404,       404,       404,       404,       404),
            "other_focal_point": (404,       404,       404,       404,       404,       404),
            "reviewer":          (404,       404,       404,       404,       404,       404),
            "secretariat_admin": (404,       404,       404,       404,       404,       404),
            "board_member":      (404,       404,       404,       404,       404,       404),
            "contributor":       (404,       404,       404,       404,       404,       404),
            "peer":              (404,       404,       404,       404,       404,       404),
        },
    },
    # Evidence: the country's focal points change it while the review is editable; on a
    # read-only review they are sent back to its page with a message, like the editor.
    "attachment_add": {  # the upload form lives in the editor: POST only
        "GET": {
            "anonymous":         (LOGIN,     LOGIN,     LOGIN,     LOGIN,     LOGIN,     LOGIN),
            "focal_point":       (405,       405,       405,       405,       405,       405),
            "other_focal_point": (405,       405,       405,       405,       405,       405),
            "reviewer":          (405,       405,       405,       405,       405,       405),
            "secretariat_admin": (405,       405,       405,       405,       405,       405),
            "board_member":      (405,       405,       405,       405,       405,       405),
            "contributor":       (405,       405,       405,       405,       405,       405),
            "peer":              (405,       405,       405,       405,       405,       405),
        },
        "POST": {
            "anonymous":         (LOGIN,     LOGIN,     LOGIN,     LOGIN,     LOGIN,     LOGIN),
            "focal_point":       (DONE,      TO_DETAIL, DONE,      TO_DETAIL, TO_DETAIL, TO_DETAIL),
            "other_focal_point": (404,       404,       404,       404,       404,       404),
            "reviewer":          (403,       403,       403,       403,       403,       403),
            "secretariat_admin": (403,       403,       403,       403,       403,       403),
            "board_member":      (404,       404,       404,       404,       404,       403),
            "contributor":       (403,       403,       403,       403,       403,       404),
            "peer":              (404,       404,       404,       404,       404,       404),
        },
    },
    "attachment": {  # the download, for everyone who sees the review
        "GET": {
            "anonymous":         (LOGIN,     LOGIN,     LOGIN,     LOGIN,     LOGIN,     LOGIN),
            "focal_point":       (200,       200,       200,       200,       200,       200),
            "other_focal_point": (404,       404,       404,       404,       404,       404),
            "reviewer":          (200,       200,       200,       200,       200,       200),
            "secretariat_admin": (200,       200,       200,       200,       200,       200),
            "board_member":      (404,       404,       404,       404,       404,       200),
            "contributor":       (200,       200,       200,       200,       200,       404),
            "peer":              (404,       404,       404,       404,       404,       404),
        },
    },
    "attachment_delete": {
        "GET": {
            "anonymous":         (LOGIN,     LOGIN,     LOGIN,     LOGIN,     LOGIN,     LOGIN),
            "focal_point":       (405,       405,       405,       405,       405,       405),
            "other_focal_point": (405,       405,       405,       405,       405,       405),
            "reviewer":          (405,       405,       405,       405,       405,       405),
            "secretariat_admin": (405,       405,       405,       405,       405,       405),
            "board_member":      (405,       405,       405,       405,       405,       405),
            "contributor":       (405,       405,       405,       405,       405,       405),
            "peer":              (405,       405,       405,       405,       405,       405),
        },
        "POST": {
            "anonymous":         (LOGIN,     LOGIN,     LOGIN,     LOGIN,     LOGIN,     LOGIN),
            "focal_point":       (DONE,      TO_DETAIL, DONE,      TO_DETAIL, TO_DETAIL, TO_DETAIL),
            "other_focal_point": (404,       404,       404,       404,       404,       404),
            "reviewer":          (403,       403,       403,       403,       403,       403),
            "secretariat_admin": (403,       403,       403,       403,       403,       403),
            "board_member":      (404,       404,       404,       404,       404,       403),
            "contributor":       (403,       403,       403,       403,       403,       404),
            "peer":              (404,       404,       404,       404,       404,       404),
        },
    },
    "practice_add": {
        "GET": {
            "anonymous":         (LOGIN,     LOGIN,     LOGIN,     LOGIN,     LOGIN,     LOGIN),
            "focal_point":       (200,       TO_DETAIL, 200,       TO_DETAIL, TO_DETAIL, TO_DETAIL),
            "other_focal_point": (404,       404,       404,       404,       404,       404),
            "reviewer":          (403,       403,       403,       403,       403,       403),
            "secretariat_admin": (403,       403,       403,       403,       403,       403),
            "board_member":      (404,       404,       404,       404,       404,       403),
            "contributor":       (403,       403,       403,       403,       403,       404),
            "peer":              (404,       404,       404,       404,       404,       404),
        },
        "POST": {
            "anonymous":         (LOGIN,     LOGIN,     LOGIN,     LOGIN,     LOGIN,     LOGIN),
            "focal_point":       (DONE,      TO_DETAIL, DONE,      TO_DETAIL, TO_DETAIL, TO_DETAIL),
            "other_focal_point": (404,       404,       404,       404,       404,       404),
            "reviewer":          (403,       403,       403,       403,       403,       403),
            "secretariat_admin": (403,       403,       403,       403,       403,       403),
            "board_member":      (404,       404,       404,       404,       404,       403),
            "contributor":       (403,       403,       403,       403,       403,       404),
            "peer":              (404,       404,       404,       404,       404,       404),
        },
    },
    "practice_edit": {
        "GET": {
            "anonymous":         (LOGIN,     LOGIN,     LOGIN,     LOGIN,     LOGIN,     LOGIN),
            "focal_point":       (200,       TO_DETAIL, 200,       TO_DETAIL, TO_DETAIL, TO_DETAIL),
            "other_focal_point": (404,       404,       404,       404,       404,       404),
            "reviewer":          (403,       403,       403,       403,       403,       403),
            "secretariat_admin": (403,       403,       403,       403,       403,       403),
            "board_member":      (404,       404,       404,       404,       404,       403),
            "contributor":       (403,       403,       403,       403,       403,       404),
            "peer":              (404,       404,       404,       404,       404,       404),
        },
        "POST": {
            "anonymous":         (LOGIN,     LOGIN,     LOGIN,     LOGIN,     LOGIN,     LOGIN),
            "focal_point":       (DONE,      TO_DETAIL, DONE,      TO_DETAIL, TO_DETAIL, TO_DETAIL),
            "other_focal_point": (404,       404,       404,       404,       404,       404),
            "reviewer":          (403,       403,       403,       403,       403,       403),
            "secretariat_admin": (403,       403,       403,       403,       403,       403),
            "board_member":      (404,       404,       404,       404,       404,       403),
            "contributor":       (403,       403,       403,       403,       403,       404),
            "peer":              (404,       404,       404,       404,       404,       404),
        },
    },
    "practice_delete": {  # GET asks for confirmation
        "GET": {
            "anonymous":         (LOGIN,     LOGIN,     LOGIN,     LOGIN,     LOGIN,     LOGIN),
            "focal_point":       (200,       TO_DETAIL, 200,       TO_DETAIL, TO_DETAIL, TO_DETAIL),
            "other_focal_point": (404,       404,       404,       404,       404,       404),
            "reviewer":          (403,       403,       403,       403,       403,       403),
            "secretariat_admin": (403,       403,       403,       403,       403,       403),
            "board_member":      (404,       404,       404,       404,       404,       403),
            "contributor":       (403,       403,       403,       403,       403,       404),
            "peer":              (404,       404,       404,       404,       404,       404),
        },
        "POST": {
            "anonymous":         (LOGIN,     LOGIN,     LOGIN,     LOGIN,     LOGIN,     LOGIN),
            "focal_point":       (DONE,      TO_DETAIL, DONE,      TO_DETAIL, TO_DETAIL, TO_DETAIL),
            "other_focal_point": (404,       404,       404,       404,       404,       404),
            "reviewer":          (403,       403,       403,       403,       403,       403),
            "secretariat_admin": (403,       403,       403,       403,       403,       403),
            "board_member":      (404,       404,       404,       404,       404,       403),
            "contributor":       (403,       403,       403,       403,       403,       404),
            "peer":              (404,       404,       404,       404,       404,       404),
        },
    },
    # The change history: the secretariat, and the country's focal points (who wrote what).
    "history": {
        "GET": {
            "anonymous":         (LOGIN,     LOGIN,     LOGIN,     LOGIN,     LOGIN,     LOGIN),
            "focal_point":       (200,       200,       200,       200,       200,       200),
            "other_focal_point": (404,       404,       404,       404,       404,       404),
            "reviewer":          (200,       200,       200,       200,       200,       200),
            "secretariat_admin": (200,       200,       200,       200,       200,       200),
            "board_member":      (404,       404,       404,       404,       404,       403),
            "contributor":       (403,       403,       403,       403,       403,       404),
            "peer":              (404,       404,       404,       404,       404,       404),
        },
    },
    # The review in Word (reviews/word/): the download and the upload are the writers'; the
    # document read back (made by Kenya's focal point while the review was a draft) is theirs
    # alone: its preview and its acceptance answer 404 to anyone else who may write.
    "word_export": {
        "GET": {
            #                     draft      submitted  returned   approved   withdrawn  published
            "anonymous":         (LOGIN,     LOGIN,     LOGIN,     LOGIN,     LOGIN,     LOGIN),
            "focal_point":       (200,       TO_DETAIL, 200,       TO_DETAIL, TO_DETAIL, TO_DETAIL),
            "other_focal_point": (404,       404,       404,       404,       404,       404),
            "reviewer":          (403,       403,       403,       403,       403,       403),
            "secretariat_admin": (403,       403,       403,       403,       403,       403),
            "board_member":      (404,       404,       404,       404,       404,       403),
            "contributor":       (200,       TO_DETAIL, 200,       TO_DETAIL, TO_DETAIL, 404),
            "peer":              (404,       404,       404,       404,       404,       404),
        },
        "POST": {
            "anonymous":         (LOGIN,     LOGIN,     LOGIN,     LOGIN,     LOGIN,     LOGIN),
            "focal_point":       (405,       405,       405,       405,       405,       405),
            "other_focal_point": (405,       405,       405,       405,       405,       405),
            "reviewer":          (405,       405,       405,       405,       405,       405),
            "secretariat_admin": (405,       405,       405,       405,       405,       405),
            "board_member":      (405,       405,       405,       405,       405,       405),
            "contributor":       (405,       405,       405,       405,       405,       405),
            "peer":              (405,       405,       405,       405,       405,       405),
        },
    },
    "word_import": {
        "GET": {
            "anonymous":         (LOGIN,     LOGIN,     LOGIN,     LOGIN,     LOGIN,     LOGIN),
            "focal_point":       (200,       TO_DETAIL, 200,       TO_DETAIL, TO_DETAIL, TO_DETAIL),
            "other_focal_point": (404,       404,       404,       404,       404,       404),
            "reviewer":          (403,       403,       403,       403,       403,       403),
            "secretariat_admin": (403,       403,       403,       403,       403,       403),
            "board_member":      (404,       404,       404,       404,       404,       403),
            "contributor":       (200,       TO_DETAIL, 200,       TO_DETAIL, TO_DETAIL, 404),
            "peer":              (404,       404,       404,       404,       404,       404),
        },
        "POST": {  # without a file: the form says one is needed
            "anonymous":         (LOGIN,     LOGIN,     LOGIN,     LOGIN,     LOGIN,     LOGIN),
            "focal_point":       (200,       TO_DETAIL, 200,       TO_DETAIL, TO_DETAIL, TO_DETAIL),
            "other_focal_point": (404,       404,       404,       404,       404,       404),
            "reviewer":          (403,       403,       403,       403,       403,       403),
            "secretariat_admin": (403,       403,       403,       403,       403,       403),
            "board_member":      (404,       404,       404,       404,       404,       403),
            "contributor":       (200,       TO_DETAIL, 200,       TO_DETAIL, TO_DETAIL, 404),
            "peer":              (404,       404,       404,       404,       404,       404),
        },
    },
    "word_preview": {
        "GET": {
            "anonymous":         (LOGIN,     LOGIN,     LOGIN,     LOGIN,     LOGIN,     LOGIN),
            "focal_point":       (200,       TO_DETAIL, 200,       TO_DETAIL, TO_DETAIL, TO_DETAIL),
            "other_focal_point": (404,       404,       404,       404,       404,       404),
            "reviewer":          (403,       403,       403,       403,       403,       403),
            "secretariat_admin": (403,       403,       403,       403,       403,       403),
            "board_member":      (404,       404,       404,       404,       404,       403),
            "contributor":       (404,       404,       404,       404,       404,       404),
            "peer":              (404,       404,       404,       404,       404,       404),
        },
    },
    "word_accept": {
        "GET": {
            "anonymous":         (LOGIN,     LOGIN,     LOGIN,     LOGIN,     LOGIN,     LOGIN),
            "focal_point":       (405,       405,       405,       405,       405,       405),
            "other_focal_point": (405,       405,       405,       405,       405,       405),
            "reviewer":          (405,       405,       405,       405,       405,       405),
            "secretariat_admin": (405,       405,       405,       405,       405,       405),
            "board_member":      (405,       405,       405,       405,       405,       405),
            "contributor":       (405,       405,       405,       405,       405,       405),
            "peer":              (405,       405,       405,       405,       405,       405),
        },
        "POST": {  # the preview's form: the executive summary the document changes
            "anonymous":         (LOGIN,     LOGIN,     LOGIN,     LOGIN,     LOGIN,     LOGIN),
            "focal_point":       (DONE,      TO_DETAIL, DONE,      TO_DETAIL, TO_DETAIL, TO_DETAIL),
            "other_focal_point": (404,       404,       404,       404,       404,       404),
            "reviewer":          (403,       403,       403,       403,       403,       403),
            "secretariat_admin": (403,       403,       403,       403,       403,       403),
            "board_member":      (404,       404,       404,       404,       404,       403),
            "contributor":       (404,       404,       404,       404,       404,       404),
            "peer":              (404,       404,       404,       404,       404,       404),
        },
    },
    # Kenya's national drafting team, kept by its focal point whatever the review's state; the
    # member is the contributor persona. Another country's focal point has a team of their own
    # (the list, the invitation) but Kenya's member is out of their reach.
    "team": {
        "GET": {
            "anonymous":         (LOGIN,     LOGIN,     LOGIN,     LOGIN,     LOGIN,     LOGIN),
            "focal_point":       (200,       200,       200,       200,       200,       200),
            "other_focal_point": (200,       200,       200,       200,       200,       200),
            "reviewer":          (403,       403,       403,       403,       403,       403),
            "secretariat_admin": (403,       403,       403,       403,       403,       403),
            "board_member":      (403,       403,       403,       403,       403,       403),
            "contributor":       (403,       403,       403,       403,       403,       403),
            "peer":              (403,       403,       403,       403,       403,       403),
        },
    },
    "team_invite": {
        "GET": {
            "anonymous":         (LOGIN,     LOGIN,     LOGIN,     LOGIN,     LOGIN,     LOGIN),
            "focal_point":       (200,       200,       200,       200,       200,       200),
            "other_focal_point": (200,       200,       200,       200,       200,       200),
            "reviewer":          (403,       403,       403,       403,       403,       403),
            "secretariat_admin": (403,       403,       403,       403,       403,       403),
            "board_member":      (403,       403,       403,       403,       403,       403),
            "contributor":       (403,       403,       403,       403,       403,       403),
            "peer":              (403,       403,       403,       403,       403,       403),
        },
        "POST": {
            "anonymous":         (LOGIN,     LOGIN,     LOGIN,     LOGIN,     LOGIN,     LOGIN),
            "focal_point":       (DONE,      DONE,      DONE,      DONE,      DONE,      DONE),
            "other_focal_point": (DONE,      DONE,      DONE,      DONE,      DONE,      DONE),
            "reviewer":          (403,       403,       403,       403,       403,       403),
            "secretariat_admin": (403,       403,       403,       403,       403,       403),
            "board_member":      (403,       403,       403,       403,       403,       403),
            "contributor":       (403,       403,       403,       403,       403,       403),
            "peer":              (403,       403,       403,       403,       403,       403),
        },
    },
    "team_edit": {
        "GET": {
            "anonymous":         (LOGIN,     LOGIN,     LOGIN,     LOGIN,     LOGIN,     LOGIN),
            "focal_point":       (200,       200,       200,       200,       200,       200),
            "other_focal_point": (404,       404,       404,       404,       404,       404),
            "reviewer":          (403,       403,       403,       403,       403,       403),
            "secretariat_admin": (403,       403,       403,       403,       403,       403),
            "board_member":      (404,       404,       404,       404,       404,       404),
            "contributor":       (404,       404,       404,       404,       404,       404),
            "peer":              (404,       404,       404,       404,       404,       404),
        },
        "POST": {
            "anonymous":         (LOGIN,     LOGIN,     LOGIN,     LOGIN,     LOGIN,     LOGIN),
            "focal_point":       (DONE,      DONE,      DONE,      DONE,      DONE,      DONE),
            "other_focal_point": (404,       404,       404,       404,       404,       404),
            "reviewer":          (403,       403,       403,       403,       403,       403),
            "secretariat_admin": (403,       403,       403,       403,       403,       403),
            "board_member":      (404,       404,       404,       404,       404,       404),
            "contributor":       (404,       404,       404,       404,       404,       404),
            "peer":              (404,       404,       404,       404,       404,       404),
        },
    },
    "team_remove": {
        "GET": {
            "anonymous":         (LOGIN,     LOGIN,     LOGIN,     LOGIN,     LOGIN,     LOGIN),
            "focal_point":       (405,       405,       405,       405,       405,       405),
            "other_focal_point": (405,       405,       405,       405,       405,       405),
            "reviewer":          (405,       405,       405,       405,       405,       405),
            "secretariat_admin": (405,       405,       405,       405,       405,       405),
            "board_member":      (405,       405,       405,       405,       405,       405),
            "contributor":       (405,       405,       405,       405,       405,       405),
            "peer":              (405,       405,       405,       405,       405,       405),
        },
        "POST": {
            "anonymous":         (LOGIN,     LOGIN,     LOGIN,     LOGIN,     LOGIN,     LOGIN),
            "focal_point":       (DONE,      DONE,      DONE,      DONE,      DONE,      DONE),
            "other_focal_point": (404,       404,       404,       404,       404,       404),
            "reviewer":          (403,       403,       403,       403,       403,       403),
            "secretariat_admin": (403,       403,       403,       403,       403,       403),
            "board_member":      (404,       404,       404,       404,       404,       404),
            "contributor":       (404,       404,       404,       404,       404,       404),
            "peer":              (404,       404,       404,       404,       404,       404),
        },
    },
    "team_reinvite": {
        "GET": {
            "anonymous":         (LOGIN,     LOGIN,     LOGIN,     LOGIN,     LOGIN,     LOGIN),
            "focal_point":       (405,       405,       405,       405,       405,       405),
            "other_focal_point": (405,       405,       405,       405,       405,       405),
            "reviewer":          (405,       405,       405,       405,       405,       405),
            "secretariat_admin": (405,       405,       405,       405,       405,       405),
            "board_member":      (405,       405,       405,       405,       405,       405),
            "contributor":       (405,       405,       405,       405,       405,       405),
            "peer":              (405,       405,       405,       405,       405,       405),
        },
        "POST": {
            "anonymous":         (LOGIN,     LOGIN,     LOGIN,     LOGIN,     LOGIN,     LOGIN),
            "focal_point":       (DONE,      DONE,      DONE,      DONE,      DONE,      DONE),
            "other_focal_point": (404,       404,       404,       404,       404,       404),
            "reviewer":          (403,       403,       403,       403,       403,       403),
            "secretariat_admin": (403,       403,       403,       403,       403,       403),
            "board_member":      (404,       404,       404,       404,       404,       404),
            "contributor":       (404,       404,       404,       404,       404,       404),
            "peer":              (404,       404,       404,       404,       404,       404),
        },
    },
    "assessments": {  # a peer's assignments; every assessment for the secretariat
        "GET": {
            #                     draft      submitted  returned   approved   withdrawn  published
            "anonymous":        (LOGIN,     LOGIN,     LOGIN,     LOGIN,     LOGIN,     LOGIN),
            "focal_point":      (200,       200,       200,       200,       200,       200),
            "other_focal_point":(200,       200,       200,       200,       200,       200),
            "reviewer":         (200,       200,       200,       200,       200,       200),
            "secretariat_admin":(200,       200,       200,       200,       200,       200),
            "board_member":     (403,       403,       403,       403,       403,       403),
            "contributor":      (403,       403,       403,       403,       403,       403),
            "peer":             (200,       200,       200,       200,       200,       200),
        },
    },
    "assessment": {  # the peer's assessment of Kenya's review, being written (none in a draft)
        "GET": {
            #                     draft      submitted  returned   approved   withdrawn  published
            "anonymous":        (LOGIN,     LOGIN,     LOGIN,     LOGIN,     LOGIN,     LOGIN),
            "focal_point":      (404,       404,       404,       404,       404,       404),
            "other_focal_point":(404,       404,       404,       404,       404,       404),
            "reviewer":         (404,       200,       200,       200,       200,       200),
            "secretariat_admin":(404,       200,       200,       200,       200,       200),
            "board_member":     (404,       404,       404,       404,       404,       404),
            "contributor":      (404,       404,       404,       404,       404,       404),
            "peer":             (404,       200,       200,       200,       200,       200),
        },
        "POST": {
            #                     draft      submitted  returned   approved   withdrawn  published
            "anonymous":        (LOGIN,     LOGIN,     LOGIN,     LOGIN,     LOGIN,     LOGIN),
            "focal_point":      (404,       404,       404,       404,       404,       404),
            "other_focal_point":(404,       404,       404,       404,       404,       404),
            "reviewer":         (404,       403,       403,       403,       403,       403),
            "secretariat_admin":(404,       403,       403,       403,       403,       403),
            "board_member":     (404,       404,       404,       404,       404,       404),
            "contributor":      (404,       404,       404,       404,       404,       404),
            "peer":             (404,       DONE,      DONE,      DONE,      DONE,      DONE),
        },
    },
    "assessment_action": {  # return, on an assessment still being written: refused
        "GET": {
            #                     draft      submitted  returned   approved   withdrawn  published
            "anonymous":        (LOGIN,     LOGIN,     LOGIN,     LOGIN,     LOGIN,     LOGIN),
            "focal_point":      (405,       405,       405,       405,       405,       405),
            "other_focal_point":(405,       405,       405,       405,       405,       405),
            "reviewer":         (405,       405,       405,       405,       405,       405),
            "secretariat_admin":(405,       405,       405,       405,       405,       405),
            "board_member":     (405,       405,       405,       405,       405,       405),
            "contributor":      (405,       405,       405,       405,       405,       405),
            "peer":             (405,       405,       405,       405,       405,       405),
        },
        "POST return": {
            #                     draft      submitted  returned   approved   withdrawn  published
            "anonymous":        (LOGIN,     LOGIN,     LOGIN,     LOGIN,     LOGIN,     LOGIN),
            "focal_point":      (404,       404,       404,       404,       404,       404),
            "other_focal_point":(404,       404,       404,       404,       404,       404),
            "reviewer":         (404,       200,       200,       200,       200,       200),
            "secretariat_admin":(404,       200,       200,       200,       200,       200),
            "board_member":     (404,       404,       404,       404,       404,       404),
            "contributor":      (404,       404,       404,       404,       404,       404),
            "peer":             (404,       403,       403,       403,       403,       403),
        },
    },
    "peer_assign": {  # a new expert as a peer: submitted and approved reviews only
        "GET": {
            #                     draft      submitted  returned   approved   withdrawn  published
            "anonymous":        (LOGIN,     LOGIN,     LOGIN,     LOGIN,     LOGIN,     LOGIN),
            "focal_point":      (403,       403,       403,       403,       403,       403),
            "other_focal_point":(404,       404,       404,       404,       404,       404),
            "reviewer":         (200,       200,       200,       200,       200,       200),
            "secretariat_admin":(200,       200,       200,       200,       200,       200),
            "board_member":     (404,       404,       404,       404,       404,       403),
            "contributor":      (403,       403,       403,       403,       403,       404),
            "peer":             (404,       404,       404,       404,       404,       404),
        },
        "POST": {
            #                     draft      submitted  returned   approved   withdrawn  published
            "anonymous":        (LOGIN,     LOGIN,     LOGIN,     LOGIN,     LOGIN,     LOGIN),
            "focal_point":      (403,       403,       403,       403,       403,       403),
            "other_focal_point":(404,       404,       404,       404,       404,       404),
            "reviewer":         (REFUSED,   DONE,      REFUSED,   DONE,      REFUSED,   REFUSED),
            "secretariat_admin":(REFUSED,   DONE,      REFUSED,   DONE,      REFUSED,   REFUSED),
            "board_member":     (404,       404,       404,       404,       404,       403),
            "contributor":      (403,       403,       403,       403,       403,       404),
            "peer":             (404,       404,       404,       404,       404,       404),
        },
    },
}  # fmt: skip

PDF = EVIDENCE_PDF
NEW_SUMMARY = "Kenya's new executive summary, saved from the access table."


def reviews_url_names() -> set[str]:
    """The names of every URL pattern in the `reviews` namespace, however it is included."""
    return url_names("reviews")


def reviews_url(name: str, *args) -> str:
    return reverse(f"reviews:{name}", args=args)


def test_every_reviews_url_is_in_the_access_table():
    names = reviews_url_names()
    assert sorted(names - set(ACCESS)) == [], "reviews URLs without rows in ACCESS"
    assert sorted(set(ACCESS) - names) == [], "rows of ACCESS for URLs that are gone"


def test_every_row_of_the_access_table_is_complete():
    for name, requests in ACCESS.items():
        for request, rows in requests.items():
            assert set(rows) == set(PERSONAS), (name, request)
            assert all(len(row) == len(STATES) for row in rows.values()), (name, request)


# Kenya's review in each state, with what the URLs act on


@pytest.fixture
def people(
    anonymous, focal_point, other_focal_point, reviewer, secretariat_admin, board_member,
    contributor, peer,
):  # fmt: skip
    users = {
        "anonymous": None,
        "focal_point": focal_point,
        "other_focal_point": other_focal_point,
        "reviewer": reviewer,
        "secretariat_admin": secretariat_admin,
        "board_member": board_member,
        "contributor": contributor,
        "peer": peer,
    }
    clients = {p: client_for(u) if u else anonymous for p, u in users.items()}
    return users, clients


def make_review_in(state: str, *, open_cycle, kenya, focal_point, reviewer, admin) -> Review:
    review = fill(services.start_review(kenya, open_cycle, by=focal_point), focal_point)
    make_import(review, focal_point, "Kenya's summary, written in Word.")
    thread = CommentThread.objects.create(review=review, section="measures")
    Comment.objects.create(thread=thread, author=reviewer, body="Which law was adopted in 2022?")
    GoodPractice.objects.create(
        review=review, title="Safe market lighting", city="Nairobi", description="Lamps."
    )
    Attachment.objects.create(
        review=review, file=ContentFile(PDF, name="evidence.pdf"), original_name="survey.pdf",
        kind="pdf", size=len(PDF), sha256=hashlib.sha256(PDF).hexdigest(), uploaded_by=focal_point,
    )  # fmt: skip
    if state == "draft":
        return review
    services.submit_review(review, by=focal_point)
    PeerAssessment.objects.create(
        review=review, snapshot=review.snapshots.get(), kind=PeerKind.EXPERT,
        peer=User.objects.get(email="peer@partner.example"), organisation="Safer Cities Network",
        assigned_by=reviewer,
    )  # fmt: skip
    if state == "returned":
        services.return_review(review, by=reviewer, reason="Please check 1.4.")
    elif state in ("approved", "published"):
        services.approve_review(review, by=reviewer)
    elif state == "withdrawn":
        services.withdraw_review(review, by=focal_point, reason="New data is coming.")
    if state == "published":
        cycle_services.close_cycle(open_cycle, by=admin)
        cycle_services.publish_cycle(open_cycle, by=admin)
    review = Review.objects.select_related("cycle").get(pk=review.pk)
    assert review.status == state
    return review


def request_for(name: str, request: str, review: Review) -> tuple[str, str, dict]:
    """(method, URL, data) for one request of the table on this review."""
    method, _, action = request.partition(" ")
    thread = review.threads.get()
    practice = review.practices.get()
    attachment = review.attachments.get()
    args = {
        "list": (),
        "queue": (),
        "start": (review.cycle_id,),
        "action": (review.pk, action),
        "comment_reply": (review.pk, thread.pk),
        "comment_status": (review.pk, thread.pk),
        "attachment": (review.pk, attachment.pk),
        "attachment_delete": (review.pk, attachment.pk),
        "practice_edit": (review.pk, practice.pk),
        "practice_delete": (review.pk, practice.pk),
        "team": (),
        "team_invite": (),
        "assessments": (),
    }.get(name, (review.pk,))
    if name in ("team_edit", "team_remove", "team_reinvite"):
        args = (Contributor.objects.get(country=review.country).pk,)
    if name in ("assessment", "assessment_action"):
        assessment = review.peer_assessments.first()
        args = (assessment.pk if assessment else 999_999,)
        if name == "assessment_action":
            args = (*args, action or "return")
    if name in ("word_preview", "word_accept"):
        args = (review.pk, review.word_imports.get().pk)
    url = reviews_url(name, *args)
    data = {}
    if method == "POST":
        data = {
            "edit": lambda: editor_post(review) | {"executive_summary": NEW_SUMMARY},
            "comment_add": lambda: {"target": "", "body": "Is 1.4 up to date?"},
            "comment_reply": lambda: {"body": "Yes: the list of 2023."},
            "comment_status": lambda: {"status": "resolved"},
            "action": lambda: {"reason": "The reason for this step."},
            "attachment_add": lambda: {
                "attachment-file": SimpleUploadedFile("audit.pdf", PDF, "application/pdf"),
                "attachment-description": "Safety audit of Kisumu",
            },
            "practice_add": lambda: {"title": "Women's safety walks", "description": "Walks."},
            "practice_edit": lambda: {"title": "Safe market lighting, 2023", "description": "L."},
            "team_invite": lambda: {
                "name": "Juma Mwangi",
                "email": "juma@interior.go.ke",
                "language": "en",
                "institution": "Ministry of Interior",
                "sections": ["difficulties"],
            },  # fmt: skip
            "team_edit": lambda: {"institution": "Treasury", "sections": ["difficulties"]},
            "word_accept": lambda: {"version": review.lock_version},
            "assessment": lambda: {"overall": "Clear measures; figures to add.", "send": "0"},
            "assessment_action": lambda: {"comment": "Please look at outcome 2 again."},
            "peer_assign": lambda: {
                "kind": "expert",
                "name": "Lena Berg",
                "email": "lena@partner.example",
                "organisation": "Global Network on Safer Cities",
                "language": "en",
            },  # fmt: skip
        }.get(name, dict)()
    return method, url, data


def observed(name: str, review: Review) -> object:
    """What the URL `name` changes, as it is in the database now."""
    thread = CommentThread.objects.filter(review=review).order_by("pk").first()
    return {
        "edit": lambda: Review.objects.get(pk=review.pk).executive_summary,
        "word_accept": lambda: Review.objects.get(pk=review.pk).executive_summary,
        "comment_add": lambda: Comment.objects.filter(thread__review=review).count(),
        "comment_reply": lambda: thread.comments.count(),
        "comment_status": lambda: CommentThread.objects.get(pk=thread.pk).status,
        "start": lambda: Review.objects.count(),
        "attachment_add": lambda: review.attachments.count(),
        "attachment_delete": lambda: review.attachments.count(),
        "practice_add": lambda: review.practices.count(),
        "practice_edit": lambda: list(review.practices.values_list("title", flat=True)),
        "practice_delete": lambda: review.practices.count(),
        "team_invite": lambda: Contributor.objects.count(),
        "team_edit": lambda: list(Contributor.objects.values_list("sections", flat=True)),
        "team_remove": lambda: list(Contributor.objects.values_list("is_active", flat=True)),
        "team_reinvite": lambda: Invitation.objects.count(),
        "assessment": lambda: list(review.peer_assessments.values_list("overall", flat=True)),
        "assessment_action": lambda: list(review.peer_assessments.values_list("status", flat=True)),
        "peer_assign": lambda: review.peer_assessments.count(),
    }.get(name, lambda: None)()


def check(expected, response, *, name, review, before, user) -> str | None:
    """Why the response and the database do not match the cell, or None when they do."""
    status = response.status_code
    location = urlsplit(response.get("Location", "")).path
    target = resolve(location) if status == 302 and location.startswith("/reviews/") else None
    fresh = Review.objects.get(pk=review.pk)
    effect_changed = observed(name, review) != before["effect"]
    steps = fresh.transitions.count() - before["steps"]
    if str(expected).startswith("→"):  # a workflow step: its effect is the new state
        wanted_status, wanted_steps, wanted_effect = expected[1:], 1, False
    else:
        wanted_status, wanted_steps, wanted_effect = before["status"], 0, expected == DONE
    if name == "start" and expected == TO_EDIT and user.focal_point.country_id != review.country_id:
        wanted_effect = True  # the other country's review is started
    if fresh.status != wanted_status or steps != wanted_steps:
        return f"the review is {fresh.status} with {steps} new step(s)"
    if effect_changed != wanted_effect:
        return f"what {name} changes {'changed' if effect_changed else 'did not change'}"
    if expected == LOGIN:
        ok = status == 302 and location.startswith("/accounts/login/")
    elif expected in (TO_DETAIL, TO_EDIT, TO_QUEUE, TO_LIST) or str(expected).startswith("→"):
        url_name = {TO_EDIT: "edit", TO_QUEUE: "queue", TO_LIST: "list"}.get(expected, "detail")
        ok = target is not None and target.namespace == "reviews" and target.url_name == url_name
        if ok and url_name in ("detail", "edit"):
            shown = Review.objects.get(pk=target.kwargs["pk"])
            if name == "start":
                ok = shown.country_id == user.focal_point.country_id
            else:
                ok = shown.pk == review.pk
    elif expected == DONE:
        ok = status == 302 and not location.startswith("/accounts/")
    elif expected == REFUSED:
        form = response.context["form"] if status == 200 and response.context else None
        errors = form.non_field_errors() if form is not None else []
        ok = bool(errors) and any(escape(e) in response.content.decode() for e in errors)
    else:
        ok = status == expected
    if not ok:
        return f"got {status} {location}".rstrip()
    return None


@pytest.mark.parametrize("state", STATES)
@pytest.mark.parametrize("name", list(ACCESS))
def test_access_table(
    name, state, people, open_cycle, kenya, focal_point, reviewer, secretariat_admin
):
    review = make_review_in(
        state, open_cycle=open_cycle, kenya=kenya, focal_point=focal_point,
        reviewer=reviewer, admin=secretariat_admin,
    )  # fmt: skip
    users, clients = people
    column = STATES.index(state)
    wrong = []
    for request, rows in ACCESS[name].items():
        for persona in PERSONAS:
            expected = rows[persona][column]
            with transaction.atomic():
                method, url, data = request_for(name, request, review)
                before = {
                    "status": review.status,
                    "steps": review.transitions.count(),
                    "effect": observed(name, review),
                }
                client: Client = clients[persona]
                if method == "GET":
                    response = client.get(url)
                else:
                    response = client.post(url, data)
                problem = check(
                    expected, response, name=name, review=review, before=before,
                    user=users[persona],
                )  # fmt: skip
                if response.streaming:  # read the download; the test client then closes it
                    b"".join(response.streaming_content)
                transaction.set_rollback(True)
            if problem:
                wrong.append(f"{persona:17} {request} {url} expected {expected!r}: {problem}")
    assert not wrong, f"{name} on a {state} review:\n" + "\n".join(wrong)


def test_board_gets_404_on_a_review_never_approved_in_a_published_cycle(
    open_cycle, kenya, focal_point, board_member, secretariat_admin
):
    review = services.submit_review(
        fill(services.start_review(kenya, open_cycle, by=focal_point), focal_point),
        by=focal_point,
    )
    cycle_services.close_cycle(open_cycle, by=secretariat_admin)
    cycle_services.publish_cycle(open_cycle, by=secretariat_admin)
    assert Review.objects.get(pk=review.pk).status == ReviewStatus.SUBMITTED
    client = client_for(board_member)
    for url in [f"/reviews/{review.pk}/", f"/reviews/{review.pk}/changes/"]:
        assert client.get(url).status_code == 404, url
    assert review not in client.get("/reviews/").context["reviews"]


def test_threads_of_another_review_answer_404_through_ones_own_review(
    open_cycle, kenya, colombia, focal_point, other_focal_point, reviewer
):
    own = services.start_review(kenya, open_cycle, by=focal_point)
    other = services.start_review(colombia, open_cycle, by=other_focal_point)
    thread = CommentThread.objects.create(review=other, section="measures")
    Comment.objects.create(thread=thread, author=reviewer, body="Which law?")
    response = client_for(focal_point).post(
        f"/reviews/{own.pk}/comments/{thread.pk}/reply/", {"body": "Not yours"}
    )
    assert response.status_code == 404
    response = client_for(reviewer).post(
        f"/reviews/{own.pk}/comments/{thread.pk}/status/", {"status": "resolved"}
    )
    assert response.status_code == 404
    assert thread.comments.count() == 1
    assert CommentThread.objects.get(pk=thread.pk).status == "open"


@pytest.mark.parametrize("name", ["attachment", "attachment_delete", "practice_edit"])
def test_evidence_of_another_review_answers_404_through_ones_own_review(
    name, open_cycle, kenya, colombia, focal_point, other_focal_point
):
    own = services.start_review(kenya, open_cycle, by=focal_point)
    other = services.start_review(colombia, open_cycle, by=other_focal_point)
    practice = GoodPractice.objects.create(review=other, title="Theirs", description="D.")
    attachment = Attachment.objects.create(
        review=other, file=ContentFile(PDF, name="e.pdf"), original_name="theirs.pdf",
        kind="pdf", size=len(PDF), sha256="0" * 64, uploaded_by=other_focal_point,
    )  # fmt: skip
    target = practice if name.startswith("practice") else attachment
    client = client_for(focal_point)
    url = reviews_url(name, own.pk, target.pk)
    response = client.get(url) if name == "attachment" else client.post(url, {"title": "Mine"})
    assert response.status_code == 404
    assert GoodPractice.objects.get(pk=practice.pk).title == "Theirs"
    assert Attachment.objects.filter(pk=attachment.pk).exists()
