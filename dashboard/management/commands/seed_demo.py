import datetime

from django.apps import apps
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from accounts import demo
from accounts.roles import Role
from countries.models import Country, Engagement, FocalPoint, FocalPointKind, Municipality
from indicators import matrix_io
from indicators import services as cycle_services
from indicators.models import CycleStatus, ReviewCycle
from meetings.models import Delegate, Meeting, MeetingStatus
from reports import jobs
from reviews import editor, peers
from reviews import services as review_services
from reviews.models import Contributor, PeerKind, Review
from reviews.sections import SECTIONS

DEMO_CYCLE = "2025–2027 review cycle"

# One country per M49 region, with the ministry that designated its focal point.
DEMO_COUNTRIES = {
    "KEN": "Ministry of Lands, Public Works, Housing and Urban Development",
    "MEX": "Secretaría de Desarrollo Agrario, Territorial y Urbano",
    "PHL": "Department of Human Settlements and Urban Development",
    "ESP": "Ministerio de Vivienda y Agenda Urbana",
    "FJI": "Ministry of Housing and Local Government",
}
KENYA_NETWORK = [
    ("Nairobi", "Nairobi City County", 4397073, True),
    ("Mombasa", "Mombasa County", 1208333, True),
    ("Kisumu", "Kisumu County", 1155574, False),
]


DEMO_PARAGRAPH = (
    "The national urban policy names urban safety as a priority. Cities of the National Tool "
    "Network ran local safety audits with women's groups and young people, and shared their "
    "tools with each other through the network."
)
DEMO_ANSWERS = {
    "1.1": {"value": "adopted", "reference_year": "2024", "source": "National policy register"},
    "1.2": {"value": "yes"},
    "1.3": {"value": "12"},
    "1.4": {"value": "11"},
    "1.5": {"value": "3"},
    "1.6": {"value": "250000", "currency": "USD"},
    "1.8": {"value_female": "48.5", "value_male": "61.2", "value_total": "54.7"},
    "2.1": {"value": "yes"},
    "2.2": {"value": "established"},
    "3.1": {"value": "yes"},
    "3.2": {"value": "7"},
    "3.3": {"value": "2"},
}


class Command(BaseCommand):
    help = "Load demo countries, focal points and secretariat accounts (development only)."

    def handle(self, *args, **options):
        if not settings.DEBUG:
            raise CommandError("seed_demo only runs with DEBUG on: it creates known passwords.")
        rows = []
        for iso3, ministry in DEMO_COUNTRIES.items():
            country = Country.objects.get(iso3=iso3)
            email = f"focal.{country.iso2.lower()}@example.org"
            user = demo.ensure_user(email, f"{country.name} focal point", Role.FOCAL_POINT)
            FocalPoint.objects.get_or_create(
                user=user,
                country=country,
                defaults={
                    "kind": FocalPointKind.PRIMARY,
                    "institution": ministry,
                    "designated_on": datetime.date(2025, 3, 1),
                    "letter_reference": f"NV/{country.iso3}/2025/017",
                },
            )
            rows.append((email, f"focal point of {country.name}"))
        kenya = Country.objects.get(iso3="KEN")
        if kenya.engagement == Engagement.NOT_ENGAGED:
            kenya.engagement = Engagement.COMMITTED
            kenya.is_champion = True
            kenya.champion_since = datetime.date(2021, 6, 1)
            kenya.save()
        for name, province, population, strategy in KENYA_NETWORK:
            Municipality.objects.get_or_create(
                country=kenya,
                name=name,
                province=province,
                defaults={"population": population, "has_safety_strategy": strategy},
            )

        # A member of Kenya's national drafting team, who writes sections 3 and 6 and outcome 2.
        expert = demo.ensure_user(
            "expert.ke@example.org", "Kenya Interior expert", Role.CONTRIBUTOR
        )
        Contributor.objects.get_or_create(
            user=expert, country=kenya, is_active=True,
            defaults={"institution": "Ministry of Interior", "sections": ["measures", "difficulties"],
                      "outcomes": ["2"]},
        )  # fmt: skip
        rows.append((expert.email, "national contributor of Kenya (sections 3 and 6, outcome 2)"))
        board = demo.ensure_user("board@example.org", "Board Delegate", Role.BOARD)
        admin = demo.ensure_user("admin@example.org", "Secretariat Admin", Role.ADMIN)
        published = self.ensure_published_cycle(admin)
        cycle = self.ensure_open_cycle(admin)
        rows.append((board.email, "Executive Board member"))
        peer = self.ensure_peer_review(cycle, admin)
        self.ensure_meetings(published, cycle, admin)
        rows.append((peer.email, "peer reviewer (a partner's expert), assessing Fiji's review"))
        self.stdout.write(self.style.SUCCESS("Demo data is loaded.\n"))
        self.stdout.write(
            f"Open cycle for the demo: {cycle.name} (deadline {cycle.deadline:%d %B %Y})."
        )
        self.stdout.write(
            f"Published cycle: {published.name}, its approved reviews in the public library"
            " (/library/) and the Board's reports (/reports/); the worker renders their PDFs."
        )
        self.stdout.write(f"Every demo account's password: {demo.DEMO_PASSWORD}\n")
        for email, what in rows:
            self.stdout.write(f"  {email:<28} {what}")
        self.stdout.write("\nSecretariat accounts also need a two-factor code at sign-in:")
        for email, name, role in [
            ("reviewer@example.org", "Secretariat Reviewer", Role.REVIEWER),
            ("admin@example.org", "Secretariat Admin", Role.ADMIN),
        ]:
            user = demo.ensure_user(email, name, role)
            secret, codes = demo.ensure_two_factor(user)
            self.stdout.write(f"  {email:<28} {role.label}")
            self.stdout.write(f"      authenticator app secret: {secret}")
            self.stdout.write(f'      current code:   make manage ARGS="totp_code {email}"')
            self.stdout.write(f"      recovery codes (each works once): {' '.join(codes)}")

    def ensure_open_cycle(self, admin):
        """An open cycle with the first cycle's matrix and a deadline ahead, to try the workflow."""
        cycle = ReviewCycle.objects.filter(name=DEMO_CYCLE).first()
        if cycle is None:
            today = datetime.date.today()
            cycle = cycle_services.create_cycle(
                by=admin,
                name=DEMO_CYCLE,
                assembly="Third session of the UN-Habitat Assembly",
                opens_on=today - datetime.timedelta(days=30),
                deadline=today + datetime.timedelta(days=60),
            )
            first = ReviewCycle.objects.get(name="2021–2023 review cycle")
            matrix_io.copy_tree(first.matrix, cycle.matrix, apps.get_model)
        if cycle.status == CycleStatus.PLANNING:
            cycle = cycle_services.open_cycle(cycle, by=admin)
        return cycle

    def ensure_meetings(self, published, cycle, admin):
        """An Expert Group Meeting held in the published cycle (the five demo countries'
        delegations, what they exchanged) and one planned in the open cycle."""
        countries = list(Country.objects.filter(iso3__in=DEMO_COUNTRIES))
        held, created = Meeting.objects.get_or_create(
            cycle=published, title="Benchmarking Expert Group Meeting, Nairobi",
            defaults={
                "starts_on": datetime.date(2022, 11, 8), "ends_on": datetime.date(2022, 11, 9),
                "place": "Nairobi, Kenya", "status": MeetingStatus.HELD, "created_by": admin,
                "agenda": "1. Opening\n2. Measures taken since the Guidelines were adopted\n"
                          "3. Difficulties met\n4. Peer learning and next steps",
                "summary": "Kenya and Mexico presented their women's safety audits; Spain and "
                           "the Philippines their national urban policies. Every delegation "
                           "named the lack of disaggregated crime data as its main difficulty.",
            },
        )  # fmt: skip
        if created:
            held.countries.set(countries)
            for country in countries:
                Delegate.objects.create(
                    meeting=held, country=country, name=f"{country.name} delegate",
                    function="Head of delegation", institution="Ministry of Urban Development",
                    registered_by=FocalPoint.objects.get(country=country, is_active=True).user,
                )  # fmt: skip
        planned, created = Meeting.objects.get_or_create(
            cycle=cycle, title="First Expert Group Meeting of the cycle",
            defaults={
                "starts_on": cycle.deadline + datetime.timedelta(days=30),
                "ends_on": cycle.deadline + datetime.timedelta(days=31), "online": True,
                "created_by": admin, "agenda": "1. Measures taken\n2. Difficulties met",
            },
        )  # fmt: skip
        if created:
            planned.countries.set(countries)

    def ensure_peer_review(self, cycle, admin):
        """Fiji's review of the open cycle, submitted, and a peer of a partner organisation
        assigned to it, writing the assessment (reviews/peers.py)."""
        peer = demo.ensure_user("peer@example.org", "Partner Expert", Role.PEER)
        fiji = Country.objects.get(iso3="FJI")
        review = Review.objects.filter(country=fiji, cycle=cycle).first()
        if review is None:
            focal = FocalPoint.objects.get(country=fiji, is_active=True).user
            review = review_services.start_review(fiji, cycle, by=focal)
            sections = {s.key: f"{fiji.name}: {s.help}\n\n{DEMO_PARAGRAPH}" for s in SECTIONS}
            review = editor.save_draft(
                review, by=focal, base_version=review.lock_version, sections=sections,
                answer_forms=editor.answer_forms_for(review, DEMO_ANSWERS),
            )  # fmt: skip
            review = review_services.submit_review(review, by=focal)
        if not review.peer_assessments.filter(peer=peer).exists():
            peers.assign_peer(
                review, by=admin, kind=PeerKind.EXPERT, email=peer.email,
                organisation="Global Network on Safer Cities",
            )  # fmt: skip
        return peer

    def ensure_published_cycle(self, admin):
        """The seeded first cycle, published with an approved review from each demo country, so
        the Board's download centre and the public library have something in them."""
        cycle = ReviewCycle.objects.get(name="2021–2023 review cycle")
        if cycle.status != CycleStatus.PLANNING:
            return cycle
        cycle = cycle_services.open_cycle(cycle, by=admin)
        for iso3 in DEMO_COUNTRIES:
            country = Country.objects.get(iso3=iso3)
            focal_point = FocalPoint.objects.filter(country=country).first()
            if focal_point is None:
                raise CommandError(f"{country.name} has no focal point.")
            focal = focal_point.user
            review = review_services.start_review(country, cycle, by=focal)
            sections = {s.key: f"{country.name}: {s.help}\n\n{DEMO_PARAGRAPH}" for s in SECTIONS}
            review = editor.save_draft(
                review, by=focal, base_version=review.lock_version, sections=sections,
                answer_forms=editor.answer_forms_for(review, DEMO_ANSWERS),
            )  # fmt: skip
            review = review_services.submit_review(review, by=focal)
            review_services.approve_review(review, by=admin)
        cycle_services.close_cycle(cycle, by=admin)
        cycle = cycle_services.publish_cycle(cycle, by=admin)  # compiles the English report
        for code, _name in settings.LANGUAGES:  # and the worker compiles it in the other five
            if code != "en":
                jobs.request_compile(cycle, by=admin, language=code)
        return cycle
