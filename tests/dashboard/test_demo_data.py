import pytest
from django.core.management import CommandError, call_command

from accounts.models import User
from countries.models import FocalPoint, Municipality
from indicators.models import Indicator, ReviewCycle
from meetings.models import Meeting
from reports.models import RenderJob
from reviews.models import Answer, PeerAssessment, Review


def test_seed_demo_is_idempotent_and_covers_every_role(db, settings, capsys):
    settings.DEBUG = True
    call_command("seed_demo")
    call_command("seed_demo")
    roles = {user.role for user in User.objects.all()}
    assert roles == {"focal_point", "secretariat_reviewer", "secretariat_admin", "board_member",
                     "contributor", "peer_reviewer"}  # fmt: skip
    regions = set(FocalPoint.objects.values_list("country__region", flat=True))
    assert regions == {"Africa", "Americas", "Asia", "Europe", "Oceania"}
    assert Municipality.objects.filter(country__iso3="KEN").count() == 3
    demo_cycle = ReviewCycle.objects.get(name="2025–2027 review cycle")
    assert demo_cycle.status == "open" and demo_cycle.matrix.is_frozen
    assert Indicator.objects.filter(matrix=demo_cycle.matrix).count() == 22
    published = ReviewCycle.objects.get(name="2021–2023 review cycle")
    assert published.status == "published"
    reviews = Review.objects.filter(cycle=published)
    assert sorted(reviews.values_list("status", flat=True)) == ["published"] * 5
    assert not Answer.objects.filter(review__cycle=published, is_valid=False).exists()
    # Their PDFs and the compiled report in each of the six languages wait for the worker.
    assert RenderJob.objects.filter(kind="review", draft=False).count() == 5
    # … and the draft PDF of Fiji's review of the open cycle, submitted, which a peer assesses
    assert RenderJob.objects.filter(kind="review", draft=True).count() == 6
    [assessment] = PeerAssessment.objects.all()
    assert (assessment.review.country.iso3, assessment.review.status) == ("FJI", "submitted")
    assert (assessment.peer.email, assessment.status) == ("peer@example.org", "writing")
    # An Expert Group Meeting held in the published cycle, with five delegations, and one planned.
    held = Meeting.objects.get(cycle=published)
    assert (held.status, held.delegates.count(), held.countries.count()) == ("held", 5, 5)
    assert Meeting.objects.get(cycle=demo_cycle).status == "planned"
    compiles = RenderJob.objects.filter(kind="dossier", status="queued", cycle=published)
    assert sorted(compiles.values_list("language", flat=True)) == sorted(
        code for code, _name in settings.LANGUAGES
    )
    output = capsys.readouterr().out
    assert "recovery codes" in output and "admin@example.org" in output
    assert "/library/" in output


def test_seed_demo_refuses_without_debug(db, settings):
    settings.DEBUG = False
    with pytest.raises(CommandError):
        call_command("seed_demo")
    assert not User.objects.exists()
