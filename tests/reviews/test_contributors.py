"""A country's national drafting team (reviews/contributors.py): a focal point invites,
reassigns and removes contributors; a contributor writes only their part and never submits."""

import re

import pytest
from django.core import mail

from accounts.models import Invitation, User
from reviews import services
from reviews.models import Contributor, Review
from tests.support import factories
from tests.support.clients import client_for
from tests.support.reviews import editor_post, fill

NEW_PASSWORD = "blue-lake-sunrise-2031"
INVITE = {
    "name": "Juma Mwangi",
    "email": "Juma.Mwangi@interior.go.ke",
    "language": "fr",
    "institution": "Ministry of Interior",
    "sections": ["national_context", "measures"],
    "outcomes": ["2"],
}


def invite(focal_point, django_capture_on_commit_callbacks, **overrides):
    with django_capture_on_commit_callbacks(execute=True):
        return client_for(focal_point).post("/reviews/team/invite/", INVITE | overrides)


def invitation_link() -> str:
    (message,) = mail.outbox
    return re.search(r"http://\S+(/accounts/invitation/\S+/)", message.body).group(1)


def test_a_focal_point_invites_a_contributor_whose_link_works_once(
    focal_point, open_cycle, anonymous, django_capture_on_commit_callbacks
):
    response = invite(focal_point, django_capture_on_commit_callbacks)
    assert response.status_code == 302
    member = Contributor.objects.get(user__email="juma.mwangi@interior.go.ke")
    assert (member.country.iso3, member.sections, member.outcomes) == (
        "KEN", ["national_context", "measures"], ["2"],
    )  # fmt: skip
    assert member.user.role == "contributor" and member.user.language == "fr"
    (message,) = mail.outbox
    # In the contributor's language, saying who invited them and for which country.
    assert "Wanjiru Kamau" in message.body and "Kenya" in message.body
    assert "Villes plus sûres" in message.subject
    link = invitation_link()
    form = {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD}
    assert anonymous.post(link, form).status_code == 302
    assert anonymous.get(link).status_code == 410
    assert User.objects.get(pk=member.user_id).check_password(NEW_PASSWORD)


def test_the_invitation_is_written_in_the_contributors_language(
    focal_point, open_cycle, django_capture_on_commit_callbacks
):
    invite(focal_point, django_capture_on_commit_callbacks, language="fr")
    (message,) = mail.outbox
    assert "Kenya" in message.body
    assert "Dear Juma" not in message.body  # the French salutation, not the English one


def test_an_e_mail_of_someone_with_another_role_is_refused_next_to_the_field(
    focal_point, other_focal_point, open_cycle, django_capture_on_commit_callbacks
):
    response = invite(
        focal_point, django_capture_on_commit_callbacks, email=other_focal_point.email
    )
    assert response.status_code == 200
    assert response.context["form"].errors["email"] == [
        "This person has another role in the portal."
    ]
    assert not Contributor.objects.exists() and not mail.outbox


def test_a_contributor_of_another_countrys_team_cannot_be_invited(
    focal_point, colombia, open_cycle, django_capture_on_commit_callbacks
):
    theirs = factories.make_contributor(colombia, email="experto@gov.co")
    response = invite(focal_point, django_capture_on_commit_callbacks, email=theirs.email)
    assert "email" in response.context["form"].errors
    assert Contributor.objects.get(user=theirs).country == colombia


def test_a_focal_point_reassigns_a_contributor(focal_point, contributor, open_cycle):
    member = contributor.contributions.get()
    response = client_for(focal_point).post(
        f"/reviews/team/{member.pk}/edit/",
        {"institution": "Ministry of Finance", "sections": ["difficulties"], "outcomes": ["3"]},
    )
    assert response.status_code == 302
    member.refresh_from_db()
    assert (member.institution, member.sections, member.outcomes) == (
        "Ministry of Finance", ["difficulties"], ["3"],
    )  # fmt: skip


def test_removal_ends_access_at_the_next_request(focal_point, contributor, draft_review):
    client = client_for(contributor)
    assert client.get(f"/reviews/{draft_review.pk}/edit/").status_code == 200
    member = contributor.contributions.get()
    response = client_for(focal_point).post(f"/reviews/team/{member.pk}/remove/")
    assert response.status_code == 302
    member.refresh_from_db()
    assert not member.is_active and member.removed_at is not None
    # The same session: the next request is signed out.
    response = client.get(f"/reviews/{draft_review.pk}/edit/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_removal_revokes_the_open_invitation(
    focal_point, open_cycle, anonymous, django_capture_on_commit_callbacks
):
    invite(focal_point, django_capture_on_commit_callbacks)
    link = invitation_link()
    member = Contributor.objects.get()
    client_for(focal_point).post(f"/reviews/team/{member.pk}/remove/")
    assert anonymous.get(link).status_code == 410
    assert Invitation.objects.get().revoked_at is not None


def test_a_removed_contributor_invited_again_comes_back_with_the_new_assignment(
    focal_point, open_cycle, django_capture_on_commit_callbacks
):
    invite(focal_point, django_capture_on_commit_callbacks)
    member = Contributor.objects.get()
    client_for(focal_point).post(f"/reviews/team/{member.pk}/remove/")
    invite(focal_point, django_capture_on_commit_callbacks, sections=["difficulties"])
    member.refresh_from_db()
    assert member.is_active and member.removed_at is None and member.sections == ["difficulties"]
    assert member.user.is_active and Contributor.objects.count() == 1


def test_a_contributor_saves_their_section_and_a_crafted_post_changes_nothing_else(
    contributor, draft_review, focal_point
):
    review = fill(draft_review, focal_point)
    before = Review.objects.get(pk=review.pk)
    answers = {a.indicator.code: a.raw for a in review.answers.select_related("indicator")}
    indicator_11 = review.answers.get(indicator__code="1.1").indicator_id
    indicator_21 = review.answers.get(indicator__code="2.1").indicator_id
    data = editor_post(
        review,
        executive_summary="Written by the Ministry of Interior.",
        national_context="Crafted: not assigned.",
        language="fr",
        **{f"ind-{indicator_11}-value": "in_preparation", f"ind-{indicator_21}-value": "no"},
    )
    response = client_for(contributor).post(f"/reviews/{review.pk}/edit/", data)
    assert response.status_code == 302
    after = Review.objects.get(pk=review.pk)
    assert after.executive_summary == "Written by the Ministry of Interior."
    assert after.national_context == before.national_context
    assert after.language == before.language
    assert after.updated_by == contributor
    stored = {a.indicator.code: a.raw for a in after.answers.select_related("indicator")}
    assert stored["1.1"]["value"] == "in_preparation"  # outcome 1 is theirs
    assert stored["2.1"] == answers["2.1"]  # outcome 2 is not


def test_a_contributors_editor_shows_other_parts_as_text_and_offers_no_submit(
    contributor, draft_review, focal_point
):
    review = fill(draft_review, focal_point)
    page = client_for(contributor).get(f"/reviews/{review.pk}/edit/").content.decode()
    assert 'id="id_executive_summary"' in page
    assert 'id="id_national_context"' not in page and 'id="id_language"' not in page
    assert "National context and approach to urban safety: the measures" in page  # as text
    assert "Written by the focal point" in page
    assert f"/reviews/{review.pk}/submit/" not in page
    assert "preview.pdf" not in page and "Add a good practice" not in page


@pytest.mark.parametrize("action", ["submit", "withdraw"])
def test_a_contributor_cannot_submit_or_withdraw(contributor, complete_review, action):
    client = client_for(contributor)
    assert client.get(f"/reviews/{complete_review.pk}/{action}/").status_code == 403
    response = client.post(f"/reviews/{complete_review.pk}/{action}/", {"reason": "Mine"})
    assert response.status_code == 403
    assert Review.objects.get(pk=complete_review.pk).status == "draft"


def test_a_contributor_gets_404_on_another_countrys_review(
    contributor, open_cycle, colombia, other_focal_point
):
    theirs = services.start_review(colombia, open_cycle, by=other_focal_point)
    client = client_for(contributor)
    for url in [f"/reviews/{theirs.pk}/", f"/reviews/{theirs.pk}/edit/",
                f"/reviews/{theirs.pk}/submit/"]:  # fmt: skip
        assert client.get(url).status_code == 404, url
    assert list(client.get("/reviews/").context["reviews"]) == []


def test_a_contributor_has_no_team_pages(contributor, focal_point, open_cycle):
    member = contributor.contributions.get()
    client = client_for(contributor)
    assert client.get("/reviews/team/").status_code == 403
    assert client.get(f"/reviews/team/{member.pk}/edit/").status_code == 404


def test_another_countrys_focal_point_gets_404_on_the_team_member(
    contributor, other_focal_point, open_cycle
):
    member = contributor.contributions.get()
    client = client_for(other_focal_point)
    assert client.get(f"/reviews/team/{member.pk}/edit/").status_code == 404
    assert client.post(f"/reviews/team/{member.pk}/remove/").status_code == 404
    assert Contributor.objects.get(pk=member.pk).is_active
    assert "Amina Odhiambo" not in client.get("/reviews/team/").content.decode()


def test_the_secretariat_sees_the_contributors_on_the_country_profile(
    reviewer, contributor, board_member
):
    page = client_for(reviewer).get("/countries/KEN/").content.decode()
    assert "National drafting team" in page and "Amina Odhiambo" in page
    assert "Ministry of Interior" in page and "Executive summary" in page
    assert "/reviews/team/" not in page  # read-only
    assert "Amina Odhiambo" not in client_for(board_member).get("/countries/KEN/").content.decode()


def test_the_focal_point_sees_the_contributors_name_in_the_history(
    focal_point, contributor, draft_review
):
    data = editor_post(draft_review, executive_summary="From the ministry.")
    client_for(contributor).post(f"/reviews/{draft_review.pk}/edit/", data)
    response = client_for(focal_point).get(f"/reviews/{draft_review.pk}/history/")
    assert response.status_code == 200
    rows = [row for row in response.context["rows"] if row["who"] == contributor]
    assert rows and any(field == "executive_summary" for field, *_ in rows[0]["changes"])
    assert "Amina Odhiambo" in response.content.decode()
    assert client_for(contributor).get(f"/reviews/{draft_review.pk}/history/").status_code == 403


def test_the_contributors_home_shows_their_part_and_one_button(contributor, draft_review):
    page = client_for(contributor).get("/").content.decode()
    assert "Member of the national drafting team of <bdi>Kenya</bdi>" in page
    assert "Continue writing your part" in page and f"/reviews/{draft_review.pk}/edit/" in page
    assert "1. Executive summary" in page and "Outcome 1" in page
    assert "2. National context" not in page
