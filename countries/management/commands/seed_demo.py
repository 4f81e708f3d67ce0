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

        board = demo.ensure_user("board@example.org", "Board Delegate", Role.BOARD)
        admin = demo.ensure_user("admin@example.org", "Secretariat Admin", Role.ADMIN)
        cycle = self.ensure_open_cycle(admin)
        rows.append((board.email, "Executive Board member"))
        self.stdout.write(self.style.SUCCESS("Demo data is loaded.\n"))
        self.stdout.write(
            f"Open cycle for the demo: {cycle.name} (deadline {cycle.deadline:%d %B %Y})."
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
