"""Peer review (reviews/peers.py): the secretariat assigns a peer to a submitted review, the
peer writes an assessment of the submitted version, the secretariat returns or shares it, the
country responds. Each step e-mails whoever acts next, in their language; each person reaches
what their part needs and nothing else (404)."""

import re

import pytest
from django.core import mail
from django.core.files.base import ContentFile
from django.utils import translation
from django.utils.html import escape

from accounts.models import User
from reviews import peers, snapshots
from reviews.models import AssessmentStatus, Attachment, PeerAssessment, PeerKind
from tests.support import factories
from tests.support.clients import client_for

EXPERT = {
    "kind": "expert",
    "name": "Lena Berg",
    "email": "Lena.Berg@partner.example",
    "organisation": "Global Network on Safer Cities",
    "language": "fr",
}


def assign(reviewer, review, capture, **overrides):
    with capture(execute=True):
        return client_for(reviewer).post(f"/reviews/{review.pk}/peers/", EXPERT | overrides)


def outcome_fields(assessment: PeerAssessment) -> dict[str, str]:
    codes = sorted({i.area.outcome.code for i in _indicators(assessment)})
    return {
        f"outcome-{code}-{field}": f"{field} of outcome {code}"
        for code in codes
        for field in peers.FIELDS
    }


def _indicators(assessment):
    return [i for i, _a in snapshots.as_submitted(assessment.review, assessment.snapshot)["rows"]]


def test_the_whole_round_from_assignment_to_the_countrys_response(
    submitted_review, reviewer, focal_point, anonymous, django_capture_on_commit_callbacks
):
    capture = django_capture_on_commit_callbacks
    mail.outbox.clear()
    response = assign(reviewer, submitted_review, capture)
    assert response.status_code == 302
    assessment = PeerAssessment.objects.get(review=submitted_review)
    peer = assessment.peer
    assert (peer.email, peer.role, peer.language) == (
        "lena.berg@partner.example",
        "peer_reviewer",
        "fr",
    )
    assert (assessment.kind, assessment.status) == (PeerKind.EXPERT, AssessmentStatus.WRITING)
    # Two e-mails to the new expert, in French: the invitation and the assignment.
    assert sorted(m.to[0] for m in mail.outbox) == [peer.email, peer.email]
    assigned = next(m for m in mail.outbox if "/reviews/assessments/" in m.body)
    assert "Kenya" in assigned.subject and "Villes plus sûres" in assigned.subject
    invitation = next(m for m in mail.outbox if m is not assigned)
    link = re.search(r"http://\S+(/accounts/invitation/\S+/)", invitation.body).group(1)
    password = "blue-lake-sunrise-2031"
    anonymous.post(link, {"password1": password, "password2": password})
    peer.refresh_from_db()  # its new password: a session opened now is valid
    assert peer.check_password(password)

    # The peer writes, saves, then sends without the overall note: refused, nothing lost.
    as_peer = client_for(peer)
    page = as_peer.get(f"/reviews/assessments/{assessment.pk}/")
    assert page.status_code == 200
    assert "Lit markets" not in page.content.decode()  # not a field of the review sent
    written = outcome_fields(assessment)
    refused = as_peer.post(f"/reviews/assessments/{assessment.pk}/", written | {"send": "1"})
    assert refused.status_code == 200
    html = refused.content.decode()
    with translation.override("fr"):  # the peer reads the portal in French, their language
        message = translation.gettext("Write the overall note before sending the assessment.")
    assert message != "Write the overall note before sending the assessment."
    assert escape(message) in html
    assert all(value in html for value in written.values())
    assert PeerAssessment.objects.get(pk=assessment.pk).status == AssessmentStatus.WRITING

    mail.outbox.clear()
    with capture(execute=True):
        sent = as_peer.post(
            f"/reviews/assessments/{assessment.pk}/",
            written | {"overall": "A clear, candid review.", "send": "1"},
        )
    assert sent.status_code == 302
    assessment.refresh_from_db()
    assert assessment.status == AssessmentStatus.SENT
    assert assessment.outcomes["1"]["gaps"] == "gaps of outcome 1"
    assert {m.to[0] for m in mail.outbox} == {reviewer.email} | {
        u.email for u in User.objects.filter(groups__name="secretariat_admin")
    }
    # The peer can no longer change it.
    assert as_peer.post(f"/reviews/assessments/{assessment.pk}/", written).status_code == 403

    # The secretariat returns it with a comment; the peer is told; a comment is required.
    as_reviewer = client_for(reviewer)
    action = f"/reviews/assessments/{assessment.pk}"
    empty = as_reviewer.post(f"{action}/return/", {"comment": ""})
    assert empty.status_code == 200 and "This field is required." in empty.content.decode()
    mail.outbox.clear()
    with capture(execute=True):
        as_reviewer.post(f"{action}/return/", {"comment": "Say more on outcome 2."})
    assessment.refresh_from_db()
    assert assessment.status == AssessmentStatus.RETURNED
    [returned] = mail.outbox
    assert returned.to == [peer.email] and "Say more on outcome 2." in returned.body
    assert "Say more on outcome 2." in as_peer.get(f"{action}/").content.decode()

    # Sent again, then shared with the country for the compiled report.
    with capture(execute=True):
        as_peer.post(f"{action}/", written | {"overall": "Better now.", "send": "1"})
    mail.outbox.clear()
    # Before it is shared the country does not know it exists.
    as_country = client_for(focal_point)
    assert as_country.get(f"{action}/").status_code == 404
    with capture(execute=True):
        as_reviewer.post(f"{action}/share/", {"in_report": "on"})
    assessment.refresh_from_db()
    assert (assessment.status, assessment.in_report) == (AssessmentStatus.SHARED, True)
    assert [m.to for m in mail.outbox] == [[focal_point.email]]

    # The country reads it from its review's page and responds.
    review_page = as_country.get(f"/reviews/{submitted_review.pk}/").content.decode()
    assert f'href="/reviews/assessments/{assessment.pk}/"' in review_page
    shared = as_country.get(f"{action}/").content.decode()
    assert "Better now." in shared and "gaps of outcome 1" in shared
    assert (
        as_country.post(f"{action}/respond/", {"response": "Thank you: noted."}).status_code == 302
    )
    assessment.refresh_from_db()
    assert assessment.response == "Thank you: noted." and assessment.responded_by == focal_point
    assert peers.in_report(submitted_review)[0]["response"] == "Thank you: noted."
    # The peer reads the response too; the country cannot return or share.
    assert "Thank you: noted." in as_peer.get(f"{action}/").content.decode()
    assert as_country.post(f"{action}/share/", {}).status_code == 403


def test_a_focal_point_of_another_member_state_can_be_the_peer(
    submitted_review, reviewer, other_focal_point, focal_point, django_capture_on_commit_callbacks
):
    response = assign(
        reviewer, submitted_review, django_capture_on_commit_callbacks,
        kind="member_state", email=other_focal_point.email, name="", organisation="",
    )  # fmt: skip
    assert response.status_code == 302
    assessment = PeerAssessment.objects.get(peer=other_focal_point)
    assert assessment.organisation == "Colombia"
    as_peer = client_for(other_focal_point)
    assert as_peer.get(f"/reviews/assessments/{assessment.pk}/").status_code == 200
    assert b"Assess the review of" in as_peer.get("/").content
    # The review's own pages stay out of reach, and the peer cannot respond for Kenya.
    assert as_peer.get(f"/reviews/{submitted_review.pk}/").status_code == 404
    assert as_peer.post(
        f"/reviews/assessments/{assessment.pk}/respond/", {"response": "x"}
    ).status_code in (403, 404)


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"kind": "member_state", "email": "focal.ke@example.org"}, None,
         "A peer comes from another Member State than the one reviewed."),
        ({"kind": "member_state", "email": "nobody@example.org"}, None,
         "No active focal point has this e-mail address."),
        ({"email": "reviewer@unhabitat.example"}, None, "This person has another role"),
        ({"organisation": ""}, None, "Name the expert&#x27;s organisation."),
        ({"name": ""}, "name", "Give the expert&#x27;s full name."),
        ({"email": "not an address"}, "email", "Enter a valid email address."),
    ],
)  # fmt: skip
def test_a_wrong_peer_is_refused_with_a_message_and_the_form_keeps_what_was_typed(
    submitted_review, reviewer, focal_point, overrides, field, message,
    django_capture_on_commit_callbacks,
):  # fmt: skip
    reviewer.email = "reviewer@unhabitat.example"
    reviewer.save()
    response = assign(reviewer, submitted_review, django_capture_on_commit_callbacks, **overrides)
    assert response.status_code == 200
    html = response.content.decode()
    assert message in html
    assert not PeerAssessment.objects.exists()
    typed = (EXPERT | overrides)["organisation"]
    if typed:
        assert f'value="{typed}"' in html


def test_peers_are_assigned_to_submitted_or_approved_reviews_only(
    complete_review, reviewer, django_capture_on_commit_callbacks
):
    response = assign(reviewer, complete_review, django_capture_on_commit_callbacks)
    assert "Peers are assigned to submitted or approved reviews only." in response.content.decode()
    assert not PeerAssessment.objects.exists()


STATES = [AssessmentStatus.WRITING, AssessmentStatus.SENT, AssessmentStatus.RETURNED,
          AssessmentStatus.SHARED]  # fmt: skip


@pytest.mark.parametrize("status", STATES)
def test_who_reaches_an_assessment_in_each_state(
    status, submitted_review, reviewer, peer, focal_point, other_focal_point, board_member,
    contributor,
):  # fmt: skip
    assessment = PeerAssessment.objects.create(
        review=submitted_review, snapshot=submitted_review.snapshots.get(), peer=peer,
        kind=PeerKind.EXPERT, organisation="Safer Cities Network", assigned_by=reviewer,
        status=status, overall="Candid.",
    )  # fmt: skip
    another_peer = factories.make_user("peer_reviewer", email="other.peer@partner.example")
    shared = status == AssessmentStatus.SHARED
    expected = {
        peer: 200, reviewer: 200, focal_point: 200 if shared else 404,
        other_focal_point: 404, board_member: 404, contributor: 404, another_peer: 404,
    }  # fmt: skip
    url = f"/reviews/assessments/{assessment.pk}/"
    got = {user: client_for(user).get(url).status_code for user in expected}
    assert got == expected
    # The peer reaches nothing of the review itself, whatever the assessment's state.
    as_peer = client_for(peer)
    review = f"/reviews/{submitted_review.pk}"
    thread = submitted_review.threads.create(section="measures")
    evidence = Attachment.objects.create(
        review=submitted_review, file=ContentFile(b"%PDF-1.4", name="survey.pdf"),
        original_name="survey.pdf", kind="pdf", size=8, sha256="0" * 64, uploaded_by=reviewer,
    )  # fmt: skip
    for path in ("/", "/changes/", "/history/", "/edit/", f"/comments/{thread.pk}/reply/",
                 f"/attachments/{evidence.pk}/"):  # fmt: skip
        assert as_peer.get(review + path).status_code in (404, 405), path
    assert as_peer.get(f"/reports/reviews/{submitted_review.pk}/preview.pdf").status_code == 404
    # Another peer's list does not name it.
    assert b"Kenya" not in client_for(another_peer).get("/reviews/assessments/").content


def test_the_peer_role_grants_nothing_but_its_assignments(peer, submitted_review):
    client = client_for(peer)
    assert client.get("/reviews/").status_code == 403
    assert client.get("/reviews/queue/").status_code == 403
    assert client.get(f"/reviews/{submitted_review.pk}/peers/").status_code == 404
    home = client.get("/").content.decode()
    assert "Your account has no role" not in home  # a peer's home, even with nothing to do
