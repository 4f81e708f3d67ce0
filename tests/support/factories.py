"""Plain factory functions for tests."""

import datetime
import itertools

from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import (
    TOTP,
    format_hotp_value,
    generate_totp_secret,
    hotp_value,
)
from django.conf import settings
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile

from accounts.models import User
from accounts.roles import Role
from countries.models import Country, FocalPoint, Municipality
from indicators import services as cycle_services
from reviews.models import Contributor

PASSWORD = "a-long-test-password-42"
_sequence = itertools.count(1)


def make_user(role: Role | None = None, *, email: str = "", name: str = "", two_factor=None):
    n = next(_sequence)
    user = User.objects.create_user(
        email=email or f"person{n}@example.org", password=PASSWORD, name=name or f"Person {n}"
    )
    if role:
        user.groups.add(Group.objects.get(name=role))
    if two_factor is None:
        two_factor = role in (Role.REVIEWER, Role.ADMIN)
    if two_factor:
        enrol_totp(user)
    return user


def enrol_totp(user: User) -> str:
    """Give `user` an authenticator and recovery codes; return the TOTP secret."""
    secret = generate_totp_secret()
    TOTP.activate(user, secret)
    RecoveryCodes.activate(user)
    user.totp_secret = secret
    return secret


def totp_code(secret: str, at: float | None = None) -> str:
    import time

    return format_hotp_value(hotp_value(secret, int(at or time.time()) // 30))


def make_focal_point(country: Country, **kwargs) -> User:
    user = make_user(Role.FOCAL_POINT, **kwargs)
    FocalPoint.objects.create(
        user=user,
        country=country,
        kind="primary" if not country.focal_points.filter(is_active=True).exists() else "alternate",
        institution="Ministry of Urban Development",
        designated_on=datetime.date(2025, 1, 15),
    )
    return user


def make_contributor(
    country: Country,
    *,
    invited_by=None,
    sections=("executive_summary",),
    outcomes=("1",),
    institution: str = "Ministry of Interior",
    **kwargs,
) -> User:
    """A member of `country`'s national drafting team (reviews.models.Contributor)."""
    user = make_user(Role.CONTRIBUTOR, **kwargs)
    Contributor.objects.create(
        user=user, country=country, institution=institution, sections=list(sections),
        outcomes=list(outcomes), invited_by=invited_by,
    )  # fmt: skip
    return user


def make_municipality(country: Country, **kwargs) -> Municipality:
    n = next(_sequence)
    defaults = {"name": f"Town {n}", "province": "Central", "population": 10_000 + n}
    return Municipality.objects.create(country=country, **(defaults | kwargs))


TEST_PDF = b"%PDF-1.7\n% test file\n%%EOF\n"
# The smallest PDF the upload check accepts: a catalog, a page tree and one blank page.
EVIDENCE_PDF = (
    b"%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n"
    b"2 0 obj << /Type /Pages /Kids [3 0 R] /Count 1 >> endobj\n"
    b"3 0 obj << /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >> endobj\n"
    b"trailer << /Root 1 0 R >>\n%%EOF\n"
)


def make_report_file(
    cycle, kind, *, by, review=None, draft=False, number=None, status=None, subject_id=None
):
    """A render job of `cycle` and, when it is done (the default), its small PDF file."""
    from django.core.files.base import ContentFile

    from reports.models import JobStatus, RenderJob, ReportFile
    from reviews.models import Snapshot

    status = status or JobStatus.DONE
    snapshot = None
    if review:
        snapshot = Snapshot.objects.create(review=review, version=review.snapshots.count() + 1,
                                           content={}, created_by=by)  # fmt: skip
    job = RenderJob.objects.create(kind=kind, cycle=cycle, review=review, snapshot=snapshot,
                                   draft=draft, status=status, subject_id=subject_id)  # fmt: skip
    if status != JobStatus.DONE:
        return job
    report = ReportFile(job=job, kind=kind, cycle=cycle, review=review, snapshot=snapshot,
                        subject_id=subject_id, draft=draft, number=number, pages=1, bytes=len(TEST_PDF),
                        sha256="0" * 64)  # fmt: skip
    report.file.save(f"job-{job.pk}.pdf", ContentFile(TEST_PDF), save=False)
    report.save()
    return report


def make_next_cycle(first, admin):
    """A second cycle after `first`, opened with the seeded first cycle's matrix."""
    second = cycle_services.create_cycle(
        name="2024–2026 review cycle", assembly="Third session", by=admin,
        opens_on=first.deadline.replace(year=first.deadline.year + 1),
        deadline=first.deadline.replace(year=first.deadline.year + 2),
    )  # fmt: skip
    with open(settings.BASE_DIR / "indicators/data/first_cycle_matrix.csv", "rb") as matrix:
        upload = SimpleUploadedFile("matrix.csv", matrix.read())
    cycle_services.import_matrix(second.matrix, upload, by=admin)
    return cycle_services.open_cycle(second, by=admin)
