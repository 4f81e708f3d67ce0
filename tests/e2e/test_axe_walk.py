"""axe-core reports no violations on every page a persona can reach, in English and in Arabic.

For each persona (anonymous visitor, focal point, secretariat reviewer, Executive Board member,
secretariat admin) and each language, a browser picks the language with the switcher at the
foot of the page, as a user does, signs in through the real pages (the secretariat with its
authenticator code), then walks the portal from the home page: it follows every same-origin
link of every page it opens, leaving out signing out, the Django admin, static files and
downloads (PDF, CSV, XLSX, …), and opens one page per URL pattern (the route and the names of
the query parameters: one review stands for all reviews). The creation forms it comes across,
and the sign-in form, are also sent empty once, so that their error state is checked too.

Every page must say lang="ar" dir="rtl" in Arabic (lang="en" dir="ltr" in English) and pass
axe-core. Problems are gathered over the whole walk and reported together at the end.

The walk finds its way by URLs, CSS selectors and form field names, never by the wording of the
pages, so that it keeps working whatever the Arabic translations say. The two languages are
walked at the same time, each in its own browser and by its own user (the language a user
picks becomes their preference). `pytest -v` lists the pages each walk opened.
"""

import datetime
import io
import time
from collections import deque
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from urllib.parse import parse_qsl, urljoin, urlsplit, urlunsplit

import pytest
from django.apps import apps as django_apps
from django.core.management import call_command
from django.urls import Resolver404, resolve
from django.utils import timezone
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import Page, Response, expect, sync_playwright

from accounts import demo
from accounts.models import User
from accounts.roles import SECRETARIAT_ROLES, Role
from countries.models import Country, Partner, PartnerType, SaferCitiesTool, ToolUse, ToolUseKind
from dashboard.management.commands.seed_demo import DEMO_ANSWERS, DEMO_CYCLE
from indicators import matrix_io
from indicators import services as cycle_services
from indicators.models import Indicator, ReviewCycle
from reports import jobs
from reports.models import JobStatus, RenderJob, ReportKind
from reviews import editor, peers, services
from reviews.models import Comment, CommentThread, GoodPractice, PeerKind
from reviews.sections import SECTIONS
from tests.support import factories
from tests.support.browser import CHROMIUM, CHROMIUM_ARGS, assert_no_axe_violations
from tests.support.reviews import quick_render, run_jobs

PERSONAS = ["anonymous", "focal_point", "reviewer", "board_member", "admin", "peer"]
LANGUAGES = {"en": "ltr", "ar": "rtl"}  # language → the direction its pages must have
FIRST_CYCLE = "2021–2023 review cycle"  # seeded by a migration, published by seed_demo
PLANNED_CYCLE = "2027–2029 review cycle"
# Who signs in as each persona. In English, the demo accounts (seed_demo); in Arabic, a
# colleague in the same role, since the language a user picks becomes their preference and the
# two languages are walked at the same time.
EMAILS = {
    "focal_point": "focal.ke@example.org",
    "reviewer": "reviewer@example.org",
    "board_member": "board@example.org",
    "admin": "admin@example.org",
    "peer": "peer@example.org",  # assigned to Fiji's submitted review (seed_demo)
}
ARABIC_READERS = {  # persona → role, e-mail and name of the colleague who reads Arabic
    "focal_point": (Role.FOCAL_POINT, "focal.ke.ar@example.org", "أمينة عثمان"),
    "reviewer": (Role.REVIEWER, "reviewer.ar@example.org", "ليلى حداد"),
    "board_member": (Role.BOARD, "board.ar@example.org", "عمر الفاسي"),
    "admin": (Role.ADMIN, "admin.ar@example.org", "سامي نصر"),
    "peer": (Role.PEER, "peer.ar@example.org", "هدى منصور"),
}

# Views that answer with a file rather than a page: never opened by the walk.
DOWNLOADS = {
    "healthz",
    "countries:focal_point_letter",
    "indicators:export",
    "reviews:attachment",
    "dashboard:answers",
    "reports:download",
    "reports:review_preview",
    "library:download",
    "opendata:answers",
    "opendata:dictionary",
    "mfa_download_recovery_codes",
    "meetings:document",
    "meetings:pack_download",
}
# The API answers JSON; its docs page is Swagger UI's (tests/e2e/test_api_docs.py).
NOT_WALKED = ("/admin/", "/static/", "/media/", "/i18n/", "/api/")
# Forms sent empty once (their error state is checked): creation forms, and signing in.
EMPTY_SUBMIT_ROUTE_ENDINGS = ("add/", "accounts/login/")
MAX_PAGES = 120  # per persona and language: a guard against a walk that never ends


@dataclass
class Walk:
    """One persona's walk in one language: what it opened and what was wrong."""

    base_url: str
    persona: str
    language: str
    pages: list[str] = field(default_factory=list)
    invalid_forms: list[str] = field(default_factory=list)
    seen: set = field(default_factory=set)
    failures: list[str] = field(default_factory=list)

    def check(self, page: Page, response: Response | None, what: str = "") -> None:
        """Check the page the browser shows: language, direction, axe-core."""
        path = urlsplit(page.url)._replace(scheme="", netloc="").geturl()
        label = f"{path}{f' ({what})' if what else ''}"
        self.pages.append(label)
        problems = []
        if response is not None and (response.status >= 500 or response.status >= 400 and not what):
            problems.append(f"HTTP {response.status}")
        lang, direction = page.evaluate(
            "() => [document.documentElement.lang, document.documentElement.dir]"
        )
        if (lang, direction) != (self.language, LANGUAGES[self.language]):
            problems.append(
                f'<html lang="{lang}" dir="{direction}">, expected lang="{self.language}"'
                f' dir="{LANGUAGES[self.language]}"'
            )
        try:
            assert_no_axe_violations(page)
        except AssertionError as violations:
            problems.append(str(violations))
        if problems:
            self.failures.append(
                f"== {label} · {self.persona} · {self.language}\n" + "\n".join(problems)
            )


def page_key(url: str):
    """What stands for a page in the walk: its URL pattern and the names of its parameters."""
    parts = urlsplit(url)
    keys = tuple(sorted({name for name, _ in parse_qsl(parts.query, keep_blank_values=True)}))
    try:
        return resolve(parts.path).route, keys
    except Resolver404:
        return parts.path, keys


def walkable(url: str, base_url: str) -> str | None:
    """The URL to open (without its fragment) if the walk should open it, else None."""
    parts = urlsplit(url)
    base = urlsplit(base_url)
    if (parts.scheme, parts.netloc) != (base.scheme, base.netloc):
        return None  # another site, mailto:, javascript:, …
    if parts.path.startswith(NOT_WALKED) or "logout" in parts.path:
        return None
    try:
        if resolve(parts.path).view_name in DOWNLOADS:
            return None
    except Resolver404:
        pass  # a broken link: opened, so that its 404 is reported
    return urlunsplit(parts._replace(fragment=""))


def switch_language(page: Page, language: str) -> None:
    """Choose the language in the switcher at the foot of the page, as a user does."""
    switcher = page.locator('footer form[action$="/i18n/setlang/"]')
    switcher.locator('select[name="language"]').select_option(language)
    with page.expect_navigation():
        switcher.locator('[type="submit"]').click()


def submit_form(page: Page, form) -> Response | None:
    with page.expect_navigation() as navigation:
        form.locator('[type="submit"]').first.click()
    return navigation.value


def the_form(page: Page):
    """The page's own form (in <main>, sent by POST, with fields a user fills in)."""
    fields = page.locator('input:not([type="hidden"]), textarea, select')
    return page.locator('main form[method="post" i]').filter(has=fields).first


def send_empty(page: Page, walk: Walk) -> None:
    """Send the page's form as it was opened (browser validation off: the server's errors are
    what is checked), then check the page with its errors."""
    form = the_form(page)
    if not form.count():
        return
    form.evaluate("form => { form.noValidate = true; }")
    url = page.url
    response = submit_form(page, form)
    errors = page.locator('[aria-invalid="true"], .invalid-feedback, .errorlist, .alert-danger')
    if errors.count():
        walk.invalid_forms.append(urlsplit(url).path)
        walk.check(page, response, "sent empty")
    else:  # accepted as it was: the page it led to is checked like any other
        walk.seen.add(page_key(url) + ("sent empty",))
        walk.check(page, response, "sent as opened")


@dataclass
class Account:
    email: str
    password: str
    totp_secret: str | None  # the secretariat's authenticator


def sign_in(page: Page, walk: Walk, account: Account) -> None:
    """Sign in through the real pages (password, then the authenticator code for the
    secretariat), checking each page on the way."""
    response = page.goto(f"{walk.base_url}/accounts/login/")
    walk.seen.add(page_key(page.url))
    walk.check(page, response)
    form = page.locator('main form[method="post" i]').filter(has=page.locator('[name="login"]'))
    form.locator('[name="login"]').fill(account.email)
    form.locator('[name="password"]').fill(account.password)
    response = submit_form(page, form)
    if account.totp_secret:
        expect(page).to_have_url(f"{walk.base_url}/accounts/2fa/authenticate/")
        walk.seen.add(page_key(page.url))
        walk.check(page, response)
        form = page.locator("form").filter(has=page.locator('[name="code"]'))
        form.locator('[name="code"]').fill(factories.totp_code(account.totp_secret))
        submit_form(page, form)
    expect(page).to_have_url(f"{walk.base_url}/")


def walk_from(page: Page, walk: Walk, starts: list[str]) -> None:
    """Breadth first from `starts`, one page per URL pattern."""
    queue = deque(f"{walk.base_url}{start}" for start in starts)
    while queue:
        if len(walk.pages) >= MAX_PAGES:
            walk.failures.append(f"== the walk stopped after {MAX_PAGES} pages: {list(queue)}")
            return
        url = queue.popleft()
        key = page_key(url)
        if key in walk.seen:
            continue
        walk.seen.add(key)
        try:
            response = page.goto(url)
        except PlaywrightError as error:  # a download the patterns did not know about
            if "Download is starting" in str(error) or "ERR_ABORTED" in str(error):
                continue
            raise
        content_type = (response.header_value("content-type") or "") if response else ""
        if response is not None and not content_type.startswith("text/html"):
            continue  # a file shown in the browser (text, JSON): not a page
        landed = page_key(page.url)  # where a redirect led
        if landed != key and landed in walk.seen:
            continue
        walk.seen.add(landed)
        walk.check(page, response)
        links = page.eval_on_selector_all("a[href]", "links => links.map(a => a.href)")
        for link in links:
            target = walkable(urljoin(page.url, link), walk.base_url)
            if target and page_key(target) not in walk.seen:
                queue.append(target)
        if key[0].endswith(EMPTY_SUBMIT_ROUTE_ENDINGS) and key + ("sent empty",) not in walk.seen:
            walk.seen.add(key + ("sent empty",))
            send_empty(page, walk)


# ---- The portal's data ----------------------------------------------------------------------


@dataclass
class Portal:
    accounts: dict[tuple[str, str], Account]  # (persona, language) → who signs in
    # Where each persona's walk starts after the home page: the pages whose state gives the
    # most to check (the walk opens one review, one country, one cycle: these come first).
    starts: dict[str, list[str]]


def build_portal(settings, monkeypatch) -> Portal:
    """The demo data (seed_demo: an open cycle with the seeded matrix, the first cycle
    published with five approved reviews, Kenya's municipalities, every role) with their PDFs
    and two versions of the compiled report, plus a draft, a submitted review with comments,
    a good practice, partners and tools."""
    monkeypatch.setattr(jobs, "render", quick_render)  # the render jobs run in-process
    settings.DEBUG = True  # seed_demo refuses to run without it (known passwords)
    call_command("seed_demo", stdout=io.StringIO())
    settings.DEBUG = False
    users = {persona: User.objects.get(email=email) for persona, email in EMAILS.items()}
    accounts = {}
    for persona, user in users.items():
        secret = demo.ensure_two_factor(user)[0] if user.role in SECRETARIAT_ROLES else None
        accounts[persona, "en"] = Account(user.email, demo.DEMO_PASSWORD, secret)
        role, email, name = ARABIC_READERS[persona]
        if role == Role.FOCAL_POINT:
            colleague = factories.make_focal_point(user.country, email=email, name=name)
        else:
            colleague = factories.make_user(role, email=email, name=name)
        secret = getattr(colleague, "totp_secret", None)
        accounts[persona, "ar"] = Account(email, factories.PASSWORD, secret)
        if role == Role.PEER:  # the same review as the demo's peer: an assessment sent
            fiji = user.peer_assessments.get().review
            assessment = peers.assign_peer(
                fiji, by=users["admin"], kind=PeerKind.EXPERT, email=email,
                organisation="شبكة المدن الأكثر أمانا",
            )  # fmt: skip
            peers.save_assessment(
                assessment, by=colleague, outcomes={"1": {"strengths": "تدقيقات السلامة."}},
                overall="استعراض واضح.", send=True,
            )  # fmt: skip
    published = ReviewCycle.objects.get(name=FIRST_CYCLE)
    run_jobs()  # the compile that waits after a burst of approvals
    jobs.request_compile(published, by=users["admin"])  # a second version
    run_jobs()

    cycle = ReviewCycle.objects.get(name=DEMO_CYCLE)
    kenya, mexico = Country.objects.get(iso3="KEN"), Country.objects.get(iso3="MEX")
    # Kenya's draft, half written, with a good practice.
    draft = services.start_review(kenya, cycle, by=users["focal_point"])
    draft = editor.save_draft(
        draft, by=users["focal_point"], base_version=draft.lock_version,
        sections={s.key: f"{s.title}: what Kenya did." for s in SECTIONS[:3]},
        answer_forms=editor.answer_forms_for(draft, {"1.1": DEMO_ANSWERS["1.1"]}),
    )  # fmt: skip
    GoodPractice.objects.create(
        review=draft, title="Safety audits with women's groups", city="Nairobi",
        period="2023–2024", description="Night walks and audits of 40 public spaces.",
    )  # fmt: skip
    # Mexico's review, submitted, with the secretariat's comments on it.
    focal_mx = User.objects.get(email="focal.mx@example.org")
    submitted = services.start_review(mexico, cycle, by=focal_mx)
    submitted = editor.save_draft(
        submitted, by=focal_mx, base_version=submitted.lock_version,
        sections={s.key: f"{s.title}: what Mexico did." for s in SECTIONS},
        answer_forms=editor.answer_forms_for(submitted, DEMO_ANSWERS),
    )  # fmt: skip
    submitted = services.submit_review(submitted, by=focal_mx)
    indicator = Indicator.objects.get(matrix=cycle.matrix, code="1.4")
    for target in ({"indicator": indicator}, {"section": SECTIONS[0].key}):
        thread = CommentThread.objects.create(review=submitted, **target)
        Comment.objects.create(
            thread=thread, author=users["reviewer"], body="Please give the source."
        )
        Comment.objects.create(thread=thread, author=focal_mx, body="The 2024 census.")
    # The Global Network's partners and tools.
    Partner.objects.create(
        organisation="UNODC", type=PartnerType.UN_ENTITY, region="Africa",
        joined_on="2020-01-15", note="Crime prevention.",
    )  # fmt: skip
    Partner.objects.create(
        organisation="Nairobi Safer Cities Forum", type=PartnerType.CIVIL_SOCIETY,
        country=kenya, joined_on="2022-05-01",
    )  # fmt: skip
    tool = SaferCitiesTool.objects.create(
        name="Women's safety audit", description="A walk through a neighbourhood at night.",
        owner="UN-Habitat", url="https://unhabitat.org/",
    )  # fmt: skip
    ToolUse.objects.create(tool=tool, country=kenya, kind=ToolUseKind.PILOTED, on="2023-03-01")
    run_jobs()  # the draft PDF of Mexico's submission
    RenderJob.objects.create(  # and a compile that failed, waiting for a retry
        kind=ReportKind.DOSSIER, cycle=published, language="fr", requested_by=users["admin"],
        status=JobStatus.FAILED, attempts=3, error="WeasyPrint: the fonts were missing.",
        finished_at=timezone.now(),
    )  # fmt: skip
    # The next cycle, being planned: its matrix (a copy of the first one) is still a draft.
    planned = cycle_services.create_cycle(
        by=users["admin"], name=PLANNED_CYCLE, assembly="Fourth session of the UN-Habitat Assembly",
        opens_on=datetime.date(2027, 9, 1), deadline=datetime.date(2028, 3, 31),
    )  # fmt: skip
    matrix_io.copy_tree(published.matrix, planned.matrix, django_apps.get_model)

    mine, to_examine = f"/reviews/{draft.pk}/", f"/reviews/{submitted.pk}/"
    starts = {
        "anonymous": ["/library/", "/accounts/login/"],
        "focal_point": [mine, f"{mine}edit/"],
        "reviewer": [to_examine, "/countries/KEN/"],
        "board_member": [],
        "admin": [to_examine, "/countries/KEN/", f"/cycles/{planned.pk}/", "/reviews/assessments/"],
        "peer": ["/reviews/assessments/"],
    }
    return Portal(accounts=accounts, starts=starts)


# ---- The test -------------------------------------------------------------------------------


def walk_in(language: str, persona: str, base_url: str, portal: Portal) -> Walk:
    """One persona's walk in one language, in a browser of its own (the two languages are
    walked side by side, each in its thread: Playwright's sync API wants one per thread)."""
    walk = Walk(base_url, persona, language)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        try:
            page = browser.new_context(locale="en-US").new_page()
            page.goto(f"{base_url}/")
            switch_language(page, language)
            if persona != "anonymous":
                sign_in(page, walk, portal.accounts[persona, language])
            walk_from(page, walk, ["/", *portal.starts[persona]])
        finally:
            browser.close()
    return walk


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("persona", PERSONAS)
def test_axe_finds_no_violation_on_any_page_a_persona_reaches(
    persona, base_data, live_server, settings, monkeypatch, capsys, request
):
    started = time.monotonic()
    portal = build_portal(settings, monkeypatch)
    built = time.monotonic() - started
    with ThreadPoolExecutor(max_workers=len(LANGUAGES)) as pool:
        running = [
            pool.submit(walk_in, language, persona, live_server.url, portal)
            for language in LANGUAGES
        ]
        walks = [future.result() for future in running]

    with capsys.disabled():
        print(
            f"\n{persona}: data built in {built:.1f}s, whole test {time.monotonic() - started:.1f}s"
        )
        for walk in walks:
            print(
                f"  {walk.language}: {len(walk.pages)} pages visited"
                f" ({len(walk.invalid_forms)} of them forms sent empty)"
            )
            if request.config.get_verbosity() > 0:
                for label in walk.pages:
                    print(f"    {label}")
    failures = [failure for walk in walks for failure in walk.failures]
    if failures:
        pytest.fail(
            f"{len(failures)} page(s) failed for {persona}:\n\n" + "\n\n".join(failures),
            pytrace=False,
        )
