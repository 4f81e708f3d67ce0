"""The table of every URL of the portal × every persona × GET and POST (SPEC §10), and the
objects its URLs name (tests/test_url_walk.py walks it; test_headers.py and
test_bad_input_corpus.py reuse it).

The test walks Django's URL resolver, so a URL added anywhere (an app, allauth, the admin)
without a row in ACCESS fails `test_every_url_is_in_the_table`. Each row names, for GET and
for POST, what each persona gets:

- OK: the page or the action (2xx, or a redirect that is not to a sign-in page);
- LOGIN: a redirect to a sign-in page (the portal's, or the admin's, which is the portal's);
- DENY: 403 or 404, and nothing changes;
- NOPE: 405 (the URL does not take that method);
- GONE: 410 (an invitation link that is not valid).

The objects in the URLs belong to Kenya (the focal point's country); Colombia's focal point is
the "other country". The deactivated person is a second focal point of Kenya whose designation
was ended (sign-in refused, open sessions dropped). The per-app tables
(tests/reviews/test_access_table.py, tests/reports/test_report_access.py,
tests/countries/test_country_access.py, tests/indicators/test_cycle_access.py) go further into
each app's states; this one makes sure nothing anywhere is left out.

Every POST is made in a savepoint rolled back afterwards; a POST that is refused (LOGIN,
DENY, NOPE, GONE) must leave every table of the portal as it was.
"""

import datetime
import re

from django.contrib.auth.models import Group
from django.core.files.base import ContentFile
from django.db import connection, transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from accounts.roles import Role
from countries import services as country_services
from countries.models import FocalPoint, Partner, SaferCitiesTool, ToolUse
from indicators import services as cycle_services
from indicators.models import Area, CycleStatus, Indicator, Matrix, Outcome, ReviewCycle
from meetings.models import DocumentKind, Meeting, MeetingDocument
from reports.models import RenderJob, ReportKind
from reviews import services, snapshots
from reviews.models import (
    Answer,
    Attachment,
    CommentThread,
    GoodPractice,
    PeerAssessment,
    PeerKind,
    Review,
    Snapshot,
)
from tests.support import factories
from tests.support.clients import client_for
from tests.support.reviews import fill
from tests.support.word import make_import

PERSONAS = ("anonymous", "focal_point", "other_focal_point", "reviewer", "admin", "board",
            "deactivated", "contributor", "peer")  # fmt: skip
OK, LOGIN, DENY, NOPE, GONE = "OK", "LOGIN", "DENY", "NOPE", "GONE"

# What each kind of page gives each persona, in the order of PERSONAS (the contributor is a
# member of Kenya's national drafting team: section 1 and outcome 1, reviews/contributors.py;
# the peer an expert of a partner organisation, assigned to assess Kenya's review,
# reviews/peers.py):
#              anon   fp_KEN fp_COL reviewer admin board  deactivated contributor_KEN peer
PUBLIC = (OK, OK, OK, OK, OK, OK, OK, OK, OK)
SIGNED_IN = (LOGIN, OK, OK, OK, OK, OK, LOGIN, OK, OK)
NOT_TEAM = (
    LOGIN,
    OK,
    OK,
    OK,
    OK,
    OK,
    LOGIN,
    DENY,
    DENY,
)  # cycles and exports: not the drafting team
COUNTRY = (LOGIN, OK, DENY, OK, OK, DENY, LOGIN, DENY, DENY)  # Kenya's, and the secretariat
REVIEW_READ = (LOGIN, OK, DENY, OK, OK, DENY, LOGIN, OK, DENY)  # … and Kenya's drafting team
COUNTRY_READ = (LOGIN, OK, DENY, OK, OK, OK, LOGIN, DENY, DENY)  # … and the Board may read it
EDITOR = (
    LOGIN,
    OK,
    DENY,
    DENY,
    DENY,
    DENY,
    LOGIN,
    DENY,
    DENY,
)  # what only Kenya's focal point does
WRITER = (
    LOGIN,
    OK,
    DENY,
    DENY,
    DENY,
    DENY,
    LOGIN,
    OK,
    DENY,
)  # … and Kenya's team writes (its part)
FOCAL_POINTS = (LOGIN, OK, OK, DENY, DENY, DENY, LOGIN, DENY, DENY)  # each for their own country
SECRETARIAT = (LOGIN, DENY, DENY, OK, OK, DENY, LOGIN, DENY, DENY)
HISTORY = (LOGIN, OK, DENY, OK, OK, DENY, LOGIN, DENY, DENY)  # the secretariat, Kenya's focal point
BOARD_READ = (LOGIN, DENY, DENY, OK, OK, OK, LOGIN, DENY, DENY)  # the secretariat and the Board
ADMIN = (LOGIN, DENY, DENY, DENY, OK, DENY, LOGIN, DENY, DENY)
SIGN_IN = (LOGIN,) * 9  # Django's admin site: nobody here is staff
SIGNED_OUT = (LOGIN, DENY, DENY, DENY, DENY, DENY, LOGIN, DENY, DENY)  # the admin's sign-in page
NO_METHOD = (NOPE,) * 9
SIGNED_NO_METHOD = (LOGIN, NOPE, NOPE, NOPE, NOPE, NOPE, LOGIN, NOPE, NOPE)
NETWORK_NO_METHOD = (LOGIN, DENY, DENY, NOPE, NOPE, NOPE, LOGIN, DENY, DENY)
SECRETARIAT_NO_METHOD = (LOGIN, DENY, DENY, NOPE, NOPE, DENY, LOGIN, DENY, DENY)
# Peer review (reviews/peers.py): the peer's assignments, every assessment for the secretariat
PEERS_LIST = (LOGIN, OK, OK, OK, OK, DENY, LOGIN, DENY, OK)  # focal points may be peers
ASSESSMENT = (LOGIN, DENY, DENY, OK, OK, DENY, LOGIN, DENY, OK)  # being written: not shared yet
ASSESSMENT_WRITE = (LOGIN, DENY, DENY, DENY, DENY, DENY, LOGIN, DENY, OK)  # its peer alone
MEETINGS_LIST = (LOGIN, OK, OK, OK, OK, OK, LOGIN, DENY, DENY)  # not the drafting team, not peers
REVIEWS_LIST = (LOGIN, OK, OK, OK, OK, OK, LOGIN, OK, DENY)  # a peer has no reviews of its own
NOT_VALID = (GONE,) * 9  # an invitation link that is not (or no longer) valid
NOT_FOUND = (DENY,) * 9  # a key that is not valid
# fmt: skip

# route (as Django's resolver spells it) → (GET, POST)
ACCESS = {
    "": (PUBLIC, NO_METHOD),  # the public front page, or the person's home
    "healthz": (PUBLIC, PUBLIC),
    "favicon.ico": (PUBLIC, NO_METHOD),  # a redirect to the static icon
    "i18n/setlang/": (NO_METHOD, PUBLIC),
    # Accounts: the portal's own invitation, then allauth's pages and two-factor
    "accounts/invitation/<str:token>/": (NOT_VALID, NOT_VALID),
    "accounts/login/": (PUBLIC, PUBLIC),
    "accounts/logout/": (SIGNED_IN, SIGN_IN),
    "accounts/inactive/": (PUBLIC, NO_METHOD),
    "accounts/signup/": (PUBLIC, PUBLIC),  # closed: a page that says so
    "accounts/reauthenticate/": (SIGNED_IN, SIGNED_IN),
    "accounts/email/": (SIGNED_IN, SIGNED_IN),
    "accounts/confirm-email/": (PUBLIC, NO_METHOD),
    "accounts/password/change/": (SIGNED_IN, SIGNED_IN),
    "accounts/password/set/": (SIGNED_IN, SIGNED_IN),
    "accounts/password/reset/": (PUBLIC, PUBLIC),
    "accounts/login/code/confirm/": (SIGNED_IN, SIGNED_IN),
    "accounts/^confirm-email/(?P<key>[-:\\w]+)/$": (NOT_FOUND, NOT_FOUND),
    "accounts/password/reset/key/done/": (PUBLIC, NO_METHOD),
    "accounts/^password/reset/key/(?P<uidb36>[0-9A-Za-z]+)-(?P<key>.+)/$": (NOT_FOUND, NOT_FOUND),
    "accounts/password/reset/done/": (PUBLIC, NO_METHOD),
    "accounts/2fa/": (SIGNED_IN, SIGNED_NO_METHOD),
    "accounts/2fa/authenticate/": (SIGNED_IN, SIGNED_IN),
    "accounts/2fa/reauthenticate/": (SIGNED_IN, SIGNED_IN),
    "accounts/2fa/totp/activate/": (SIGNED_IN, SIGNED_IN),
    # Only the secretariat has an authenticator and recovery codes (focal points and the
    # Board may enrol, but these have not).
    "accounts/2fa/totp/deactivate/": (SECRETARIAT, SECRETARIAT),
    "accounts/2fa/recovery-codes/": (SECRETARIAT, SIGNED_NO_METHOD),
    "accounts/2fa/recovery-codes/generate/": (SIGNED_IN, SIGNED_IN),
    "accounts/2fa/recovery-codes/download/": (SECRETARIAT, SECRETARIAT),
    # Member states and the Global Network
    "countries/": (SIGNED_IN, SIGNED_IN),
    "countries/observer-states/add/": (ADMIN, ADMIN),
    "countries/network/partners/": (BOARD_READ, NETWORK_NO_METHOD),
    "countries/network/partners/add/": (SECRETARIAT, SECRETARIAT),
    "countries/network/partners/<int:pk>/edit/": (SECRETARIAT, SECRETARIAT),
    "countries/network/partners/<int:pk>/delete/": (SECRETARIAT, SECRETARIAT),
    "countries/network/tools/": (BOARD_READ, NETWORK_NO_METHOD),
    "countries/network/tools/add/": (SECRETARIAT, SECRETARIAT),
    "countries/network/tools/<int:pk>/edit/": (SECRETARIAT, SECRETARIAT),
    "countries/network/tools/<int:pk>/uses/add/": (SECRETARIAT, SECRETARIAT),
    "countries/network/tool-uses/<int:pk>/delete/": (SECRETARIAT_NO_METHOD, SECRETARIAT),
    "countries/<iso3:iso3>/": (COUNTRY_READ, COUNTRY_READ),
    "countries/<iso3:iso3>/status/": (SECRETARIAT, SECRETARIAT),
    "countries/<iso3:iso3>/municipalities/add/": (COUNTRY, COUNTRY),
    "countries/<iso3:iso3>/municipalities/<int:pk>/edit/": (COUNTRY, COUNTRY),
    "countries/<iso3:iso3>/municipalities/<int:pk>/delete/": (COUNTRY, COUNTRY),
    "countries/<iso3:iso3>/focal-points/add/": (ADMIN, ADMIN),
    "countries/<iso3:iso3>/focal-points/<int:pk>/edit/": (ADMIN, ADMIN),
    "countries/<iso3:iso3>/focal-points/<int:pk>/deactivate/": (SIGNED_NO_METHOD, ADMIN),
    "countries/<iso3:iso3>/focal-points/<int:pk>/reinvite/": (SIGNED_NO_METHOD, ADMIN),
    "countries/<iso3:iso3>/focal-points/<int:pk>/letter/": (COUNTRY_READ, SIGNED_NO_METHOD),
    # Cycles and their matrices (a cycle in planning; the export is of the open cycle)
    "cycles/": (SIGNED_IN, SIGNED_IN),
    "cycles/add/": (ADMIN, ADMIN),
    "cycles/<int:pk>/": (BOARD_READ, BOARD_READ),
    "cycles/<int:pk>/edit/": (ADMIN, ADMIN),
    "cycles/<int:pk>/matrix.<str:fmt>": (NOT_TEAM, SIGNED_NO_METHOD),
    "cycles/<int:pk>/matrix/import/": (ADMIN, ADMIN),
    "cycles/<int:pk>/matrix/version/<str:action>/": (SIGNED_NO_METHOD, ADMIN),
    "cycles/<int:pk>/matrix/<str:kind>/add/": (ADMIN, ADMIN),
    "cycles/<int:pk>/matrix/<str:kind>/<int:node>/edit/": (ADMIN, ADMIN),
    "cycles/<int:pk>/matrix/<str:kind>/<int:node>/delete/": (ADMIN, ADMIN),
    "cycles/<int:pk>/matrix/<str:kind>/<int:node>/move/": (SIGNED_NO_METHOD, ADMIN),
    "cycles/<int:pk>/<str:action>/": (ADMIN, ADMIN),
    # Kenya's review, returned to Kenya in the open cycle
    "reviews/": (REVIEWS_LIST, REVIEWS_LIST),
    "reviews/queue/": (SECRETARIAT, SECRETARIAT),
    "reviews/start/<int:cycle>/": (SIGNED_NO_METHOD, FOCAL_POINTS),
    # Kenya's drafting team, and its member (the contributor)
    "reviews/team/": (FOCAL_POINTS, FOCAL_POINTS),
    "reviews/team/invite/": (FOCAL_POINTS, FOCAL_POINTS),
    "reviews/team/<int:pk>/edit/": (EDITOR, EDITOR),
    "reviews/team/<int:pk>/remove/": (SIGNED_NO_METHOD, EDITOR),
    "reviews/team/<int:pk>/reinvite/": (SIGNED_NO_METHOD, EDITOR),
    "reviews/assessments/": (PEERS_LIST, SIGNED_NO_METHOD),
    # Expert Group Meetings (meetings/): one planned in the open cycle, Kenya invited
    "meetings/": (MEETINGS_LIST, SIGNED_NO_METHOD),
    "meetings/add/": (SECRETARIAT, SECRETARIAT),
    "meetings/<int:pk>/": (COUNTRY, SIGNED_NO_METHOD),
    "meetings/<int:pk>/edit/": (SECRETARIAT, SECRETARIAT),
    "meetings/<int:pk>/pack/": (COUNTRY, SIGNED_NO_METHOD),
    "meetings/<int:pk>/pack/pdf/": (SIGNED_NO_METHOD, COUNTRY),
    "meetings/<int:pk>/pack/pdf/<int:report>/": (COUNTRY, SIGNED_NO_METHOD),
    "meetings/<int:pk>/delegation/": (SIGNED_NO_METHOD, EDITOR),
    "meetings/<int:pk>/invitees/add/": (SIGNED_NO_METHOD, SECRETARIAT),
    "meetings/<int:pk>/invitees/<int:invitee>/delete/": (SIGNED_NO_METHOD, SECRETARIAT),
    "meetings/<int:pk>/documents/add/": (SIGNED_NO_METHOD, SECRETARIAT),
    "meetings/<int:pk>/documents/<int:document>/": (COUNTRY, SIGNED_NO_METHOD),
    "meetings/<int:pk>/documents/<int:document>/delete/": (SIGNED_NO_METHOD, SECRETARIAT),
    "reviews/assessments/<int:pk>/": (ASSESSMENT, ASSESSMENT_WRITE),
    "reviews/assessments/<int:pk>/<str:action>/": (SIGNED_NO_METHOD, SECRETARIAT),  # return
    "reviews/<int:pk>/": (REVIEW_READ, REVIEW_READ),
    "reviews/<int:pk>/peers/": (SECRETARIAT, SECRETARIAT),
    "reviews/<int:pk>/edit/": (WRITER, WRITER),
    "reviews/<int:pk>/changes/": (REVIEW_READ, REVIEW_READ),
    "reviews/<int:pk>/history/": (HISTORY, HISTORY),
    "reviews/<int:pk>/comments/": (SIGNED_NO_METHOD, COUNTRY),
    "reviews/<int:pk>/comments/<int:thread>/reply/": (SIGNED_NO_METHOD, COUNTRY),
    "reviews/<int:pk>/comments/<int:thread>/status/": (SIGNED_NO_METHOD, SECRETARIAT),
    "reviews/<int:pk>/attachments/": (SIGNED_NO_METHOD, EDITOR),
    "reviews/<int:pk>/attachments/<int:att>/": (REVIEW_READ, SIGNED_NO_METHOD),
    "reviews/<int:pk>/attachments/<int:att>/delete/": (SIGNED_NO_METHOD, EDITOR),
    "reviews/<int:pk>/practices/add/": (EDITOR, EDITOR),
    "reviews/<int:pk>/practices/<int:practice>/edit/": (EDITOR, EDITOR),
    "reviews/<int:pk>/practices/<int:practice>/delete/": (EDITOR, EDITOR),
    # the review in Word: the document is the focal point's, so only they see its preview
    "reviews/<int:pk>/review.docx": (WRITER, SIGNED_NO_METHOD),
    "reviews/<int:pk>/word/": (WRITER, WRITER),
    "reviews/<int:pk>/word/<int:doc>/": (EDITOR, EDITOR),
    "reviews/<int:pk>/word/<int:doc>/accept/": (SIGNED_NO_METHOD, EDITOR),
    "reviews/<int:pk>/<str:action>/": (EDITOR, EDITOR),  # submit
    # Reports (the published cycle; the job is the DRAFT PDF of Kenya's returned review). The
    # draft PDF preview is the focal point's alone: a contributor is refused it (EDITOR).
    "reports/": (BOARD_READ, BOARD_READ),
    "reports/cycles/<int:cycle>/": (SECRETARIAT, SECRETARIAT),
    "reports/cycles/<int:cycle>/compile/": (SIGNED_NO_METHOD, SECRETARIAT),
    "reports/cycles/<int:cycle>/dashboard/": (BOARD_READ, BOARD_READ),
    "reports/cycles/<int:cycle>/answers.<str:fmt>": (NOT_TEAM, SIGNED_NO_METHOD),
    "reports/jobs/<int:pk>/": (SECRETARIAT, SECRETARIAT),
    "reports/jobs/<int:pk>/retry/": (SIGNED_NO_METHOD, SECRETARIAT),
    "reports/files/<int:pk>/download/": (BOARD_READ, SIGNED_NO_METHOD),
    "reports/downloads/": (SECRETARIAT, SECRETARIAT),
    "reports/reviews/<int:pk>/preview.pdf": (EDITOR, SIGNED_NO_METHOD),
    "library/": (PUBLIC, PUBLIC),
    "library/<int:pk>/download/": (PUBLIC, NO_METHOD),
    # The open-data JSON API (opendata/api.py): anyone, GET only; any other path under it a 404
    "api/v1/": (PUBLIC, NO_METHOD),
    "api/v1/openapi.json": (PUBLIC, NO_METHOD),
    "api/v1/docs": (PUBLIC, NO_METHOD),
    "api/v1/cycles/": (PUBLIC, NO_METHOD),
    "api/v1/cycles/<id>/": (PUBLIC, NO_METHOD),
    "api/v1/cycles/<id>/indicators/": (PUBLIC, NO_METHOD),
    "api/v1/countries/": (PUBLIC, NO_METHOD),
    "api/v1/countries/<iso3>/": (PUBLIC, NO_METHOD),
    "api/v1/reviews/": (PUBLIC, NO_METHOD),
    "api/v1/reviews/<id>/": (PUBLIC, NO_METHOD),
    "api/v1/answers/": (PUBLIC, NO_METHOD),
    "api/v1/<path:rest>": (NOT_FOUND, NO_METHOD),
    # The open data's pages and downloads (opendata/urls.py): anyone, GET only
    "data/": (PUBLIC, NO_METHOD),
    "data/search/": (PUBLIC, NO_METHOD),
    "data/cycles/<int:cycle>/": (PUBLIC, NO_METHOD),
    "data/cycles/<int:cycle>/indicators/<indicator:code>/": (PUBLIC, NO_METHOD),
    "data/cycles/<int:cycle>/answers.<str:fmt>": (PUBLIC, NO_METHOD),
    "data/cycles/<int:cycle>/dictionary-<str:language>.<str:fmt>": (PUBLIC, NO_METHOD),
    "data/reviews/<int:pk>/": (PUBLIC, NO_METHOD),
    "data/countries/<iso3:iso3>/": (PUBLIC, NO_METHOD),
    # Django's admin site: staff only, and nobody of PERSONAS is staff
    "admin/login/": (SIGNED_OUT, SIGNED_OUT),
    "admin/logout/": (SIGNED_IN, SIGNED_IN),
    "admin/": (SIGN_IN, SIGN_IN),
    "admin/password_change/": (SIGN_IN, SIGN_IN),
    "admin/password_change/done/": (SIGN_IN, SIGN_IN),
    "admin/autocomplete/": (SIGN_IN, SIGN_IN),
    "admin/jsi18n/": (SIGN_IN, SIGN_IN),
    "admin/r/<path:content_type_id>/<path:object_id>/": (SIGN_IN, SIGN_IN),
    "admin/auth/group/": (SIGN_IN, SIGN_IN),
    "admin/auth/group/add/": (SIGN_IN, SIGN_IN),
    "admin/auth/group/<path:object_id>/history/": (SIGN_IN, SIGN_IN),
    "admin/auth/group/<path:object_id>/delete/": (SIGN_IN, SIGN_IN),
    "admin/auth/group/<path:object_id>/change/": (SIGN_IN, SIGN_IN),
    "admin/auth/group/<path:object_id>/": (SIGN_IN, SIGN_IN),
    "admin/account/emailaddress/": (SIGN_IN, SIGN_IN),
    "admin/account/emailaddress/add/": (SIGN_IN, SIGN_IN),
    "admin/account/emailaddress/<path:object_id>/history/": (SIGN_IN, SIGN_IN),
    "admin/account/emailaddress/<path:object_id>/delete/": (SIGN_IN, SIGN_IN),
    "admin/account/emailaddress/<path:object_id>/change/": (SIGN_IN, SIGN_IN),
    "admin/account/emailaddress/<path:object_id>/": (SIGN_IN, SIGN_IN),
    "admin/mfa/authenticator/": (SIGN_IN, SIGN_IN),
    "admin/mfa/authenticator/add/": (SIGN_IN, SIGN_IN),
    "admin/mfa/authenticator/<path:object_id>/history/": (SIGN_IN, SIGN_IN),
    "admin/mfa/authenticator/<path:object_id>/delete/": (SIGN_IN, SIGN_IN),
    "admin/mfa/authenticator/<path:object_id>/change/": (SIGN_IN, SIGN_IN),
    "admin/mfa/authenticator/<path:object_id>/": (SIGN_IN, SIGN_IN),
    "admin/axes/accessattempt/": (SIGN_IN, SIGN_IN),
    "admin/axes/accessattempt/add/": (SIGN_IN, SIGN_IN),
    "admin/axes/accessattempt/<path:object_id>/history/": (SIGN_IN, SIGN_IN),
    "admin/axes/accessattempt/<path:object_id>/delete/": (SIGN_IN, SIGN_IN),
    "admin/axes/accessattempt/<path:object_id>/change/": (SIGN_IN, SIGN_IN),
    "admin/axes/accessattempt/<path:object_id>/": (SIGN_IN, SIGN_IN),
    "admin/axes/accesslog/": (SIGN_IN, SIGN_IN),
    "admin/axes/accesslog/add/": (SIGN_IN, SIGN_IN),
    "admin/axes/accesslog/<path:object_id>/history/": (SIGN_IN, SIGN_IN),
    "admin/axes/accesslog/<path:object_id>/delete/": (SIGN_IN, SIGN_IN),
    "admin/axes/accesslog/<path:object_id>/change/": (SIGN_IN, SIGN_IN),
    "admin/axes/accesslog/<path:object_id>/": (SIGN_IN, SIGN_IN),
    "admin/axes/accessfailurelog/": (SIGN_IN, SIGN_IN),
    "admin/axes/accessfailurelog/add/": (SIGN_IN, SIGN_IN),
    "admin/axes/accessfailurelog/<path:object_id>/history/": (SIGN_IN, SIGN_IN),
    "admin/axes/accessfailurelog/<path:object_id>/delete/": (SIGN_IN, SIGN_IN),
    "admin/axes/accessfailurelog/<path:object_id>/change/": (SIGN_IN, SIGN_IN),
    "admin/axes/accessfailurelog/<path:object_id>/": (SIGN_IN, SIGN_IN),
    "admin/^(?P<app_label>auth|account|mfa|axes)/$": (SIGN_IN, SIGN_IN),
    "admin/(?P<url>.*)$": (SIGN_IN, SIGN_IN),
}

# The sample value of every URL parameter, by route.
ARGUMENTS: dict[str, dict] = {}


def walk(patterns=None, prefix: str = "") -> list[tuple[str, URLPattern]]:
    """Every URL pattern of the portal with its full route."""
    found = []
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(pattern, URLResolver):
            found += walk(pattern.url_patterns, prefix + str(pattern.pattern))
        else:
            found.append((prefix + str(pattern.pattern), pattern))
    return found


def fill_route(route: str, values: dict) -> str:
    """The URL of `route` with each parameter replaced by its sample value."""

    def value(match):
        return str(values[match.group("name")])

    url = re.sub(r"<(?:\w+:)?(?P<name>\w+)>", value, route)
    url = re.sub(r"\(\?P<(?P<name>\w+)>[^)]*\)", value, url)
    return "/" + url.replace("^", "").replace("$", "")


PDF = factories.TEST_PDF


def build_world(kenya, colombia, focal_point, other_focal_point, reviewer, secretariat_admin,
                board_member) -> dict:  # fmt: skip
    """Kenya's things in every kind of cycle, and the people of PERSONAS (the `world`
    fixture of tests/conftest.py)."""
    admin = secretariat_admin
    deactivated = factories.make_focal_point(kenya, email="former.ke@example.org")
    country_services.deactivate_focal_point(
        FocalPoint.objects.get(user=deactivated, is_active=True), by=admin
    )
    # A cycle in planning with one outcome in its draft matrix.
    planning = cycle_services.create_cycle(
        by=admin, name="2024–2026 review cycle", assembly="Third session",
        opens_on=datetime.date(2024, 7, 1), deadline=datetime.date(2026, 3, 31),
    )  # fmt: skip
    outcome = Outcome(matrix=planning.matrix, code="1", title="Safer public spaces")
    cycle_services.save_node(outcome)
    # The seeded first cycle, open, with Kenya's draft and its evidence and comments.
    open_ = cycle_services.open_cycle(
        ReviewCycle.objects.get(name="2021–2023 review cycle"), by=admin
    )
    review = fill(services.start_review(kenya, open_, by=focal_point), focal_point)
    review = services.submit_review(review, by=focal_point)  # its DRAFT PDF is queued
    review = services.return_review(review, by=reviewer, reason="Please add the 2023 figures.")
    draft_pdf = RenderJob.objects.get(review=review)
    thread = CommentThread.objects.create(review=review, section="measures")
    practice = GoodPractice.objects.create(review=review, title="Lit markets", description="L.")
    attachment = Attachment.objects.create(
        review=review, file=ContentFile(PDF, name="evidence.pdf"), original_name="survey.pdf",
        kind="pdf", size=len(PDF), sha256="0" * 64, uploaded_by=focal_point,
    )  # fmt: skip
    # A published cycle: Kenya's final PDF (in the public library) and the compiled report.
    day = datetime.date(2020, 1, 1)
    published = ReviewCycle.objects.create(
        name="Published cycle", assembly="A", opens_on=day, deadline=day.replace(month=6),
        status=CycleStatus.PUBLISHED,
    )  # fmt: skip
    ken_published = Review.objects.create(country=kenya, cycle=published, status="published")
    final = factories.make_report_file(published, ReportKind.REVIEW, review=ken_published, by=admin)
    publish_answer(ken_published, by=focal_point)  # its last version, as the public page shows
    dossier = factories.make_report_file(published, ReportKind.DOSSIER, number=1, by=admin)
    # The Global Network.
    partner = Partner.objects.create(organisation="Nairobi Safety Forum", type="civil_society",
                                     country=kenya, joined_on=day)  # fmt: skip
    tool = SaferCitiesTool.objects.create(name="Safety audit", description="D.", owner="UN-Habitat")
    use = ToolUse.objects.create(tool=tool, country=kenya, kind="piloted", on=day)
    municipality = factories.make_municipality(kenya)
    kenya_fp = FocalPoint.objects.get(user=focal_point)
    kenya_fp.letter.save("letter.pdf", ContentFile(PDF))
    group = Group.objects.order_by("pk").first()
    contributor = factories.make_contributor(kenya, invited_by=focal_point,
                                             email="expert.ke@example.org")  # fmt: skip
    member = contributor.contributions.get()
    document = make_import(review, focal_point)
    # A peer: an expert of a partner organisation assigned to Kenya's review (its submitted
    # version), writing the assessment (reviews/peers.py).
    peer = factories.make_user(Role.PEER, email="peer@partner.example", name="Ana Peer")
    assessment = PeerAssessment.objects.create(
        review=review, snapshot=review.snapshots.get(), peer=peer, kind=PeerKind.EXPERT,
        organisation="Nairobi Safety Forum", assigned_by=reviewer,
    )  # fmt: skip
    meeting = Meeting.objects.create(
        cycle=open_, title="First Expert Group Meeting", starts_on=datetime.date(2026, 5, 4),
        ends_on=datetime.date(2026, 5, 5), place="Nairobi", created_by=admin,
    )  # fmt: skip
    meeting.countries.set([kenya])
    invitee = meeting.invitees.create(name="Dr Ochieng", organisation="Nairobi Safety Forum")
    agenda = MeetingDocument(meeting=meeting, kind=DocumentKind.AGENDA, original_name="agenda.pdf",
                             content="pdf", size=len(PDF), sha256="0" * 64, uploaded_by=admin)  # fmt: skip
    agenda.file.save("agenda.pdf", ContentFile(PDF))
    pack = factories.make_report_file(open_, ReportKind.PACK, by=admin, subject_id=meeting.pk)
    people = {
        "anonymous": None, "focal_point": focal_point, "other_focal_point": other_focal_point,
        "reviewer": reviewer, "admin": admin, "board": board_member, "deactivated": deactivated,
        "contributor": contributor, "peer": peer,
    }  # fmt: skip
    r, c = review.pk, published.pk
    arguments = {
        "accounts/invitation/<str:token>/": {"token": "not-an-invitation"},
        "accounts/^confirm-email/(?P<key>[-:\\w]+)/$": {"key": "not-a-key"},
        "accounts/^password/reset/key/(?P<uidb36>[0-9A-Za-z]+)-(?P<key>.+)/$": {
            "uidb36": "1",
            "key": "not-a-key",
        },
        "countries/network/partners/<int:pk>/edit/": {"pk": partner.pk},
        "countries/network/partners/<int:pk>/delete/": {"pk": partner.pk},
        "countries/network/tools/<int:pk>/edit/": {"pk": tool.pk},
        "countries/network/tools/<int:pk>/uses/add/": {"pk": tool.pk},
        "countries/network/tool-uses/<int:pk>/delete/": {"pk": use.pk},
        "countries/<iso3:iso3>/municipalities/<int:pk>/edit/": {"pk": municipality.pk},
        "countries/<iso3:iso3>/municipalities/<int:pk>/delete/": {"pk": municipality.pk},
        "cycles/<int:pk>/matrix.<str:fmt>": {"pk": open_.pk, "fmt": "csv"},
        "cycles/<int:pk>/matrix/import/": {"pk": planning.pk},
        "cycles/<int:pk>/matrix/version/<str:action>/": {"pk": open_.pk, "action": "new"},
        "cycles/<int:pk>/matrix/<str:kind>/add/": {"pk": planning.pk, "kind": "outcome"},
        "cycles/<int:pk>/<str:action>/": {"pk": planning.pk, "action": "open"},
        "reviews/start/<int:cycle>/": {"cycle": open_.pk},
        "reviews/<int:pk>/<str:action>/": {"pk": r, "action": "submit"},
        "reviews/assessments/<int:pk>/": {"pk": assessment.pk},
        "reviews/assessments/<int:pk>/<str:action>/": {"pk": assessment.pk, "action": "return"},
        "reports/cycles/<int:cycle>/answers.<str:fmt>": {"cycle": c, "fmt": "csv"},
        "reports/jobs/<int:pk>/": {"pk": draft_pdf.pk},
        "reports/jobs/<int:pk>/retry/": {"pk": draft_pdf.pk},
        "reports/files/<int:pk>/download/": {"pk": dossier.pk},
        "library/<int:pk>/download/": {"pk": final.pk},
        "reports/reviews/<int:pk>/preview.pdf": {"pk": r},
        "api/v1/cycles/<id>/": {"id": c},
        "api/v1/cycles/<id>/indicators/": {"id": c},
        "api/v1/reviews/<id>/": {"id": ken_published.pk},
        "api/v1/<path:rest>": {"rest": "no-such-thing/"},
        "data/cycles/<int:cycle>/indicators/<indicator:code>/": {"cycle": c, "code": "1.1"},
        "data/cycles/<int:cycle>/answers.<str:fmt>": {"cycle": c, "fmt": "csv"},
        "data/cycles/<int:cycle>/dictionary-<str:language>.<str:fmt>": {
            "cycle": c,
            "language": "fr",
            "fmt": "csv",
        },
        "data/reviews/<int:pk>/": {"pk": ken_published.pk},
    }
    defaults = {
        "iso3": kenya.iso3, "token": "x", "thread": thread.pk, "att": attachment.pk,
        "practice": practice.pk, "doc": document.pk, "node": outcome.pk, "kind": "outcome", "cycle": c,
        "object_id": group.pk, "invitee": invitee.pk, "document": agenda.pk, "report": pack.pk,
        "content_type_id": 1, "app_label": "auth", "url": "nothing/",
    }  # fmt: skip
    for route, _pattern in walk():
        values = dict(defaults)
        if route.startswith("countries/<iso3:iso3>/focal-points/<int:pk>"):
            values["pk"] = kenya_fp.pk
        elif route.startswith("cycles/<int:pk>"):
            values["pk"] = planning.pk
        elif route.startswith("reviews/<int:pk>"):
            values["pk"] = r
        elif route.startswith("meetings/<int:pk>"):
            values["pk"] = meeting.pk
        elif route.startswith("reviews/team/<int:pk>"):
            values["pk"] = member.pk
        values |= arguments.get(route, {})
        arguments[route] = values
    return {"people": people, "arguments": arguments}


def outcome(response) -> str:
    code = response.status_code
    if code >= 500:
        return f"SERVER ERROR {code}"
    if code in (301, 302, 303, 307, 308):
        target = response["Location"]
        if target.startswith(("/accounts/login/", "/admin/login/")):
            return LOGIN
        return OK
    if code in (403, 404):
        return DENY
    return {405: NOPE, 410: GONE}.get(code, OK if code < 400 else f"HTTP {code}")


def fingerprint() -> list:
    """How many rows each table of the portal holds, and its largest key."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT string_agg(format('SELECT %L, count(*) FROM %I', table_name, table_name),"
            " ' UNION ALL ') FROM information_schema.tables WHERE table_schema = 'public'"
            " AND table_type = 'BASE TABLE' AND table_name NOT LIKE 'django_session'"
        )
        cursor.execute(cursor.fetchone()[0] + " ORDER BY 1")
        return cursor.fetchall()


def browser(person) -> Client:
    """A client as the persona, which answers a server error with a 500 page."""
    client = Client() if person is None else client_for(person)
    client.raise_request_exception = False
    return client


def observe(world, route: str, method: str, persona: str) -> tuple[str, bool]:
    """What the persona gets from the route, and whether the database changed."""
    url = fill_route(route, world["arguments"][route])
    with transaction.atomic():
        client = browser(world["people"][persona])
        before = fingerprint() if method == "post" else None
        response = getattr(client, method)(url, {})
        changed = method == "post" and fingerprint() != before
        transaction.set_rollback(True)
    return outcome(response), changed


def publish_answer(review: Review, *, by) -> None:
    """A matrix for the published cycle (made without one), an answer, and the version the
    public pages show (its snapshot)."""
    matrix, _created = Matrix.objects.get_or_create(cycle=review.cycle, version=1)
    outcome = Outcome.objects.create(matrix=matrix, code="1", title="Safer public spaces")
    area = Area.objects.create(matrix=matrix, outcome=outcome, code="1.1", title="Policies")
    indicator = Indicator.objects.create(
        matrix=matrix, area=area, code="1.1", title="Urban safety policy", type="yes_no"
    )
    Matrix.objects.filter(pk=matrix.pk).update(frozen_at=review.cycle.created_at)
    Answer.objects.create(review=review, indicator=indicator, values={"value": True})
    Snapshot.objects.create(
        review=review, version=review.snapshots.count() + 1, content=snapshots.capture(review),
        created_by=by,
    )  # fmt: skip
