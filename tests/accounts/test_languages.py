"""The portal in six languages: the switcher, the preferred language, pages and e-mails.

What a person sees (the page's language and direction, its heading, the dates, the e-mails
they receive) and what the database keeps (User.language). Expected texts are never written
out in a language: they are computed from the msgids the templates use, with
`translation.override`, so a change of wording in a catalog does not break these tests while a
page or an e-mail in the wrong language does.
"""

import re
from html.parser import HTMLParser

import pytest
from django.conf import settings
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.translation import gettext

from accounts.models import Invitation, User
from indicators import services as cycle_services
from indicators.models import ReviewCycle
from reviews import services as review_services
from tests.support.factories import PASSWORD, make_focal_point
from tests.support.reviews import fill

LANGUAGE_CODES = [code for code, _name in settings.LANGUAGES]
RTL = {"ar"}
SIGN_IN = "/accounts/login/"
SETLANG = "/i18n/setlang/"
COOKIE = settings.LANGUAGE_COOKIE_NAME


# --- What a page shows ----------------------------------------------------------------------


class Page(HTMLParser):
    """The parts of a rendered page these tests look at."""

    def __init__(self, html: str):
        super().__init__(convert_charrefs=True)
        self.html_attrs: dict[str, str] | None = None
        self.h1: str | None = None
        self.stylesheets: list[str] = []
        self.switcher_action: str | None = None
        self.switcher_next: str | None = None
        self.options: list[dict] = []  # the switcher's: value, lang, selected, text
        self.texts: list[str] = []
        self._in_h1 = False
        self._h1_parts: list[str] = []
        self._in_switcher = False
        self._option: dict | None = None
        self.feed(html)
        self.close()

    def handle_starttag(self, tag, attrs):
        a = {k: (v if v is not None else "") for k, v in attrs}
        if tag == "html" and self.html_attrs is None:
            self.html_attrs = a
        elif tag == "h1" and self.h1 is None:
            self._in_h1 = True
        elif tag == "link" and a.get("rel") == "stylesheet":
            self.stylesheets.append(a.get("href", ""))
        elif tag == "form" and "language-switcher" in a.get("class", "").split():
            self._in_switcher = True
            self.switcher_action = a.get("action")
        elif self._in_switcher and tag == "input" and a.get("name") == "next":
            self.switcher_next = a.get("value")
        elif self._in_switcher and tag == "option":
            self._option = {
                "value": a.get("value"),
                "lang": a.get("lang"),
                "selected": "selected" in a,
                "text": "",
            }

    def handle_endtag(self, tag):
        if tag == "h1" and self._in_h1:
            self._in_h1 = False
            self.h1 = " ".join("".join(self._h1_parts).split())
        elif tag == "form" and self._in_switcher:
            self._in_switcher = False
        elif tag == "option" and self._option is not None:
            self._option["text"] = self._option["text"].strip()
            self.options.append(self._option)
            self._option = None

    def handle_data(self, data):
        if self._in_h1:
            self._h1_parts.append(data)
        if self._option is not None:
            self._option["text"] += data
        if data.strip():
            self.texts.append(" ".join(data.split()))

    # The language of the page, as a browser and a screen reader see it.
    @property
    def lang(self) -> str | None:
        return (self.html_attrs or {}).get("lang")

    @property
    def dir(self) -> str | None:
        return (self.html_attrs or {}).get("dir")

    @property
    def selected_language(self) -> str | None:
        return next((o["value"] for o in self.options if o["selected"]), None)

    def shows(self, text: str) -> bool:
        return any(text in chunk for chunk in self.texts)


def page(response) -> Page:
    return Page(response.content.decode())


def tr(language: str, msgid: str, **values) -> str:
    """The text a template shows for `msgid` in `language` (placeholders filled in)."""
    with translation.override(language):
        text = gettext(msgid)
    return text % values if values else text


def translated(language: str, msgid: str, **values) -> str:
    """`tr`, making sure first that the catalog has a translation at all (so that a test in
    a language other than English proves something)."""
    text = tr(language, msgid, **values)
    if language != "en":
        assert text != tr("en", msgid, **values), f"no {language} translation of {msgid!r}"
    return text


def assert_page_language(response, language: str, where: str = "") -> Page:
    """The page is in `language`: <html lang dir>, Content-Language, stylesheet, switcher."""
    where = where or response.request["PATH_INFO"]
    shown = page(response)
    direction = "rtl" if language in RTL else "ltr"
    assert (shown.lang, shown.dir) == (language, direction), (
        f"{where}: <html lang={shown.lang!r} dir={shown.dir!r}>, expected "
        f"lang={language!r} dir={direction!r}"
    )
    assert response.get("Content-Language") == language, (
        f"{where}: Content-Language {response.get('Content-Language')!r}, expected {language!r}"
    )
    rtl_css = any("bootstrap.rtl" in href for href in shown.stylesheets)
    assert rtl_css == (direction == "rtl"), (
        f"{where}: the {'right-to-left' if direction == 'rtl' else 'left-to-right'} Bootstrap "
        f"stylesheet should be linked; linked: {shown.stylesheets}"
    )
    assert shown.selected_language == language, (
        f"{where}: the switcher shows {shown.selected_language!r} as the current language, "
        f"expected {language!r}"
    )
    return shown


def browser(accept_language: str = "en") -> Client:
    """A new browser (no cookie, no session) whose languages are `accept_language`."""
    return Client(HTTP_ACCEPT_LANGUAGE=accept_language)


def signed_in(user, accept_language: str = "en") -> Client:
    client = browser(accept_language)
    client.force_login(user)
    return client


def sign_in(client: Client, user) -> None:
    """Through allauth's sign-in form, as a person does."""
    response = client.post(SIGN_IN, {"login": user.email, "password": PASSWORD})
    assert response.status_code == 302, f"sign-in failed ({response.status_code})"
    assert client.session.get("_auth_user_id") == str(user.pk)


def switch(client: Client, shown_on, language: str):
    """Submit the switcher of a page (a response) as it is, with `language` chosen."""
    form = page(shown_on)
    assert form.switcher_action == reverse("set_language"), "the page has no language switcher"
    return client.post(
        form.switcher_action, {"language": language, "next": form.switcher_next}, follow=True
    )


def set_language(user, language: str) -> None:
    user.language = language
    user.save(update_fields=["language"])


# --- 1. The switcher on the sign-in page ----------------------------------------------------


def test_the_sign_in_page_offers_every_language_named_in_itself(anonymous, db):
    response = anonymous.get(SIGN_IN)
    assert response.status_code == 200
    shown = page(response)
    assert shown.switcher_action == reverse("set_language")
    assert shown.switcher_next == SIGN_IN  # back to the same page
    offered = [(o["value"], o["lang"], o["text"]) for o in shown.options]
    expected = [
        (code, code, translation.get_language_info(code)["name_local"]) for code in LANGUAGE_CODES
    ]
    assert offered == expected, "each language is offered under its own name, with its lang"


@pytest.mark.parametrize("language", ["ar", "zh-hans"])
def test_the_switcher_turns_the_sign_in_page_into_the_chosen_language(language, db):
    client = browser("en")
    english = client.get(SIGN_IN)
    assert_page_language(english, "en")
    assert page(english).h1 == tr("en", "Sign in")

    response = switch(client, english, language)
    assert response.redirect_chain == [(SIGN_IN, 302)]
    shown = assert_page_language(response, language)
    assert shown.h1 == translated(language, "Sign in")
    assert client.cookies[COOKIE].value == language
    # It stays so on the next visit of the same browser.
    assert_page_language(client.get(SIGN_IN), language)


# --- 2. A language chosen before signing in becomes the user's ------------------------------


def test_a_language_chosen_on_the_sign_in_page_is_kept_after_signing_in(focal_point):
    assert focal_point.language == ""
    visitor = browser("en")
    response = switch(visitor, visitor.get(SIGN_IN), "fr")
    assert page(response).h1 == translated("fr", "Sign in")
    sign_in(visitor, focal_point)

    focal_point.refresh_from_db()
    assert focal_point.language == "fr", "the language chosen before signing in was not saved"

    # Another day, another browser (English, no cookie): the portal is in French after signing in.
    other = browser("en")
    assert_page_language(other.get(SIGN_IN), "en")
    sign_in(other, focal_point)
    home = other.get("/")
    assert home.status_code == 200
    shown = assert_page_language(home, "fr")
    assert shown.h1 == translated("fr", "Welcome, %(name)s", name=focal_point.get_short_name())


def test_signing_in_without_choosing_keeps_the_saved_language(focal_point):
    set_language(focal_point, "es")
    visitor = browser("fr")  # a French browser, nothing chosen on the sign-in page
    assert_page_language(visitor.get(SIGN_IN), "fr")
    sign_in(visitor, focal_point)
    focal_point.refresh_from_db()
    assert focal_point.language == "es"
    assert_page_language(visitor.get("/"), "es")


# --- 3. A signed-in user's choice is their preferred language -------------------------------


def test_a_signed_in_users_switch_is_saved_and_beats_the_browser(focal_point):
    client = signed_in(focal_point, "en")
    cycles = client.get("/cycles/")
    assert_page_language(cycles, "en")

    response = switch(client, cycles, "ru")
    assert response.redirect_chain == [("/cycles/", 302)]
    shown = assert_page_language(response, "ru")
    assert shown.h1 == translated("ru", "Review cycles")
    focal_point.refresh_from_db()
    assert focal_point.language == "ru"

    # The next page: still Russian, though the browser asks for English and even a stale
    # language cookie says English.
    client.cookies[COOKIE] = "en"
    assert_page_language(client.get("/reviews/"), "ru")
    # On another device with an English browser too.
    assert_page_language(signed_in(focal_point, "en").get("/cycles/"), "ru")


def test_a_user_whose_language_is_arabic_reads_arabic_pages_without_any_cookie(focal_point):
    set_language(focal_point, "ar")
    client = signed_in(focal_point, "en")
    assert COOKIE not in client.cookies
    response = client.get("/")
    assert response.status_code == 200
    assert response["Content-Language"] == "ar"
    shown = assert_page_language(response, "ar")
    assert shown.dir == "rtl"
    assert shown.h1 == translated("ar", "Welcome, %(name)s", name=focal_point.get_short_name())


# --- 4. Bad language codes ------------------------------------------------------------------

GARBAGE = ["", "xx", "x" * 300, "<script>alert(1)</script>", "../../etc/passwd", "fr\x00", "ar'"]
# Real languages (Django has catalogs for them) that the portal does not offer.
NOT_OFFERED = ["de", "zh-hant"]


def test_garbage_language_codes_change_nothing_for_a_visitor(db, focal_point):
    visitor = browser("en")
    switch(visitor, visitor.get(SIGN_IN), "fr")
    for code in GARBAGE:
        response = visitor.post(SETLANG, {"language": code, "next": SIGN_IN})
        assert response.status_code < 500, f"{code!r}: {response.status_code}"
        assert visitor.cookies[COOKIE].value == "fr", f"{code!r} replaced the language cookie"
        assert_page_language(visitor.get(SIGN_IN), "fr", f"after posting {code!r}")
    response = visitor.post(SETLANG, {"next": SIGN_IN})  # no language at all
    assert response.status_code < 500
    response = visitor.get(SETLANG, {"language": "ar", "next": SIGN_IN})  # not a POST
    assert response.status_code < 500
    assert_page_language(visitor.get(SIGN_IN), "fr")
    # The choice made before them still becomes the user's language.
    sign_in(visitor, focal_point)
    focal_point.refresh_from_db()
    assert focal_point.language == "fr"


def test_garbage_language_codes_change_nothing_for_a_signed_in_user(focal_point):
    set_language(focal_point, "es")
    client = signed_in(focal_point, "en")
    for code in GARBAGE + NOT_OFFERED:
        response = client.post(SETLANG, {"language": code, "next": "/cycles/"})
        assert response.status_code < 500, f"{code!r}: {response.status_code}"
        focal_point.refresh_from_db()
        assert focal_point.language == "es", f"{code!r} was saved as the preferred language"
        assert_page_language(client.get("/cycles/"), "es", f"after posting {code!r}")


@pytest.mark.parametrize("code", NOT_OFFERED)
def test_a_language_the_portal_does_not_offer_changes_nothing_for_a_visitor(code, db):
    visitor = browser("en")
    switch(visitor, visitor.get(SIGN_IN), "fr")
    response = visitor.post(SETLANG, {"language": code, "next": SIGN_IN})
    assert response.status_code < 500
    cookie = visitor.cookies[COOKIE].value
    shown = page(visitor.get(SIGN_IN))
    assert (cookie, shown.lang) == ("fr", "fr"), (
        f"posting {code!r} (not one of settings.LANGUAGES) to the switcher set the language "
        f"cookie to {cookie!r} and the page is now in {shown.lang!r}; the visitor had chosen "
        "French (and the session still holds 'fr'). accounts.views.set_language must not let "
        "Django's set_language store a code the portal does not offer."
    )


# --- 5. Every page sets its language and direction, for every persona -----------------------

PAGES = {
    "anonymous": [(SIGN_IN, 200), ("/accounts/password/reset/", 200), ("/library/", 200)],
    "focal_point": [("/", 200), ("/reviews/", 200), ("/cycles/", 200), ("/countries/", 200),
                    ("/countries/KEN/", 200), ("/reports/", 403), ("/no-such-page/", 404)],
    "reviewer": [("/", 200), ("/reviews/", 200), ("/cycles/", 200), ("/countries/", 200),
                 ("/reports/", 200)],
    "secretariat_admin": [("/", 200), ("/reviews/", 200), ("/cycles/", 200),
                          ("/countries/", 200), ("/reports/", 200)],
    "board_member": [("/", 200), ("/reviews/", 200), ("/cycles/", 200), ("/countries/", 200),
                     ("/reports/", 200)],
}  # fmt: skip


@pytest.mark.parametrize("language", ["ar", "zh-hans"])
@pytest.mark.parametrize("persona", PAGES)
def test_every_page_has_the_language_and_direction_of_its_reader(persona, language, request, db):
    if persona == "anonymous":
        client = browser("en")
        switch(client, client.get(SIGN_IN), language)
    else:
        user = request.getfixturevalue(persona)
        set_language(user, language)
        client = signed_in(user, "en")
    for url, status in PAGES[persona]:
        response = client.get(url, follow=True)
        assert response.status_code == status, f"{persona} {url}: {response.status_code}"
        assert_page_language(response, language, f"{persona} {url}")


# --- 6. E-mails in the recipient's language -------------------------------------------------

RESET_PARAGRAPH = (
    "You're receiving this email because you or someone else has requested a password reset "
    "for your user account.\nIt can be safely ignored if you did not request a password reset. "
    "Click the link below to reset your password."
)


def request_password_reset(client, email, capture):
    form = client.get("/accounts/password/reset/")
    with capture(execute=True):
        response = client.post("/accounts/password/reset/", {"email": email}, follow=True)
    assert response.status_code == 200
    return form, response


def test_a_password_reset_asked_for_on_an_english_page_arrives_in_the_users_spanish(
    focal_point, django_capture_on_commit_callbacks
):
    set_language(focal_point, "es")
    client = browser("en")
    form, done = request_password_reset(
        client, focal_point.email, django_capture_on_commit_callbacks
    )
    assert_page_language(form, "en")
    assert_page_language(done, "en")  # the person asking keeps reading their page's language

    (message,) = mail.outbox
    assert message.to == [focal_point.email]
    assert message.subject == (
        settings.ACCOUNT_EMAIL_SUBJECT_PREFIX + translated("es", "Password Reset Email")
    )
    assert translated("es", RESET_PARAGRAPH) in message.body
    assert tr("en", RESET_PARAGRAPH) not in message.body
    assert "/accounts/password/reset/key/" in message.body


def test_the_password_reset_mail_greets_with_the_sites_name(
    focal_point, django_capture_on_commit_callbacks
):
    set_language(focal_point, "es")
    request_password_reset(browser("en"), focal_point.email, django_capture_on_commit_callbacks)
    (message,) = mail.outbox
    for msgid in [
        "Hello from %(site_name)s!",
        "Thank you for using %(site_name)s!\n%(site_domain)s",
    ]:
        text = translated("es", msgid, site_name="\0", site_domain="")
        before, after = text.split("\0")
        after = after.split("\n")[0]
        found = re.search(re.escape(before) + "(.*?)" + re.escape(after), message.body)
        assert found, f"{msgid!r} (es) not in the reset mail:\n{message.body}"
        assert found.group(1).strip(), (
            f"the reset mail reads {found.group(0)!r}: the site's name is missing. "
            "accounts.adapter.PortalAccountAdapter.send_mail renders allauth's templates "
            "without the `current_site` (and `request`, `email`) that allauth's own send_mail "
            "adds to the context."
        )


def test_a_password_reset_for_a_user_without_a_preference_is_in_the_pages_language(
    focal_point, django_capture_on_commit_callbacks
):
    client = browser("en")
    switch(client, client.get(SIGN_IN), "fr")
    request_password_reset(client, focal_point.email, django_capture_on_commit_callbacks)
    (message,) = mail.outbox
    assert translated("fr", "Password Reset Email") in message.subject
    assert translated("fr", RESET_PARAGRAPH) in message.body


def test_an_invitation_to_a_chinese_speaking_focal_point_is_in_chinese(
    secretariat_admin, kenya, django_capture_on_commit_callbacks
):
    data = {
        "name": "Li Wei",
        "email": "li.wei@example.org",
        "language": "zh-hans",
        "kind": "primary",
        "institution": "Ministry of Housing",
        "designated_on": "2025-09-01",
    }
    client = signed_in(secretariat_admin, "en")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/countries/KEN/focal-points/add/", data, follow=True)
    assert response.status_code == 200
    assert_page_language(response, "en")  # the admin's page stays in the admin's language

    invitee = User.objects.get(email="li.wei@example.org")
    assert invitee.language == "zh-hans"
    invitation = Invitation.objects.get(user=invitee)
    (message,) = mail.outbox
    assert message.to == [invitee.email]
    assert message.subject == translated(
        "zh-hans", "[Safer Cities] You are invited to the Safer Cities Review Portal"
    )
    with translation.override("zh-hans"):
        expires = formats.date_format(timezone.localtime(invitation.expires_at), "DATE_FORMAT")
    for expected in [
        translated("zh-hans", "Dear %(name)s,", name="Li Wei"),
        translated("zh-hans", "Open this link to choose your password. It works once:"),
        translated("zh-hans", "The link expires on %(date)s.", date=expires),
        translated("zh-hans", "UN-Habitat Safer Cities secretariat"),
    ]:
        assert expected in message.body, f"{expected!r} not in the invitation:\n{message.body}"
    assert tr("en", "Open this link to choose your password. It works once:") not in message.body


@pytest.fixture
def kenyan_review(secretariat_admin, focal_point, kenya):
    """Kenya's complete draft in the open first cycle."""
    cycle = ReviewCycle.objects.get(name="2021–2023 review cycle")
    cycle = cycle_services.open_cycle(cycle, by=secretariat_admin)
    review = review_services.start_review(kenya, cycle, by=focal_point)
    return fill(review, focal_point)


def confirm(client: Client, url: str):
    """Open a confirmation page and press its button (the form posts its CSRF token only)."""
    shown = client.get(url)
    assert shown.status_code == 200, f"{url}: {shown.status_code}"
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', shown.content.decode())
    response = client.post(url, {"csrfmiddlewaretoken": token.group(1)}, follow=True)
    assert response.redirect_chain, f"{url}: not done, the page was shown again"
    return response


def messages_to(user) -> list:
    return [m for m in mail.outbox if m.to == [user.email]]


def test_a_submission_reaches_each_secretariat_member_in_their_own_language(
    kenyan_review, focal_point, reviewer, secretariat_admin, django_capture_on_commit_callbacks
):
    set_language(focal_point, "ar")  # submits from an Arabic page
    set_language(reviewer, "en")
    set_language(secretariat_admin, "ar")
    review = kenyan_review
    client = signed_in(focal_point, "en")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = confirm(client, f"/reviews/{review.pk}/submit/")
    assert response.status_code == 200
    assert_page_language(response, "ar")

    values = {
        "country": review.country.name,
        "cycle": review.cycle.name,
        "by": focal_point.name,
    }
    body = (
        "%(country)s submitted its review for the %(cycle)s (%(by)s). "
        "It is waiting for the secretariat's examination."
    )
    for user, language in [(reviewer, "en"), (secretariat_admin, "ar")]:
        (message,) = messages_to(user)
        assert message.subject == translated(
            language, "[Safer Cities] %(country)s submitted its review", country=values["country"]
        ), f"{user.email} ({language}): {message.subject!r}"
        assert translated(language, "Dear %(name)s,", name=user.name) in message.body
        assert translated(language, body, **values) in message.body, message.body
    assert not messages_to(focal_point)


def test_an_approval_reaches_an_arabic_focal_point_in_arabic_and_an_english_one_in_english(
    kenyan_review, focal_point, kenya, reviewer, django_capture_on_commit_callbacks
):
    alternate = make_focal_point(kenya, email="alternate.ke@example.org", name="Otieno Were")
    set_language(focal_point, "ar")
    set_language(alternate, "en")
    set_language(reviewer, "fr")  # approves from a French page
    review = kenyan_review
    with django_capture_on_commit_callbacks(execute=True):
        review_services.submit_review(review, by=focal_point)
    mail.outbox.clear()
    client = signed_in(reviewer, "en")
    with django_capture_on_commit_callbacks(execute=True):
        response = confirm(client, f"/reviews/{review.pk}/approve/")
    assert response.status_code == 200
    assert_page_language(response, "fr")

    body = (
        "The review of %(country)s was approved by the UN-Habitat secretariat (%(by)s). "
        "It will be part of the compiled report for the Assembly."
    )
    for user, language in [(focal_point, "ar"), (alternate, "en")]:
        (message,) = messages_to(user)
        assert message.subject == translated(
            language,
            "[Safer Cities] Your review for the %(cycle)s was approved",
            cycle=review.cycle.name,
        ), f"{user.email} ({language}): {message.subject!r}"
        assert translated(language, "Dear %(name)s,", name=user.name) in message.body
        expected = translated(language, body, country=review.country.name, by=reviewer.name)
        assert expected in message.body, message.body


# --- 7. Dates in the reader's language ------------------------------------------------------


@pytest.mark.parametrize("language", LANGUAGE_CODES)
def test_the_cycle_list_shows_dates_in_the_readers_language(language, board_member):
    set_language(board_member, language)
    cycle = ReviewCycle.objects.get(name="2021–2023 review cycle")
    shown = assert_page_language(signed_in(board_member, "en").get("/cycles/"), language)
    with translation.override(language):
        deadline = formats.date_format(cycle.deadline, "DATE_FORMAT")
        opens_on = formats.date_format(cycle.opens_on, "DATE_FORMAT")
    assert shown.shows(deadline), f"deadline {deadline!r} not on the page: {shown.texts}"
    assert shown.shows(opens_on), f"opening date {opens_on!r} not on the page"
    if language != "en":
        with translation.override("en"):
            english = formats.date_format(cycle.deadline, "DATE_FORMAT")
        assert english != deadline and not shown.shows(english)
