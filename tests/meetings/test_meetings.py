"""Expert Group Meetings (meetings/): the secretariat plans one and invites Member States, their
focal points register delegations (confirmed by e-mail), the secretariat records it as held;
who sees what at each step."""

import datetime
import io
import zipfile

import lxml.html
import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile

from countries.models import Country
from indicators import services as cycle_services
from meetings import services
from meetings.models import Delegate, DocumentKind, Meeting, MeetingDocument, MeetingStatus
from reviews import services as services_reviews
from tests.support import factories
from tests.support.clients import client_for
from tests.support.factories import EVIDENCE_PDF
from tests.support.reviews import REQUIRED_ANSWERS, fill, make_approved_review

PLAN = {
    "title": "First Expert Group Meeting on the Guidelines",
    "starts_on": "2026-05-04",
    "ends_on": "2026-05-05",
    "place": "Nairobi, Kenya",
    "status": "planned",
    "agenda": "1. Opening\n2. Measures taken\n3. Difficulties met",
}


@pytest.fixture
def france_focal_point(db):  # of a Member State not invited
    return factories.make_focal_point(Country.objects.get(iso3="FRA"), email="focal.fr@example.org")


@pytest.fixture
def meeting(open_cycle, reviewer, kenya, colombia):
    response = client_for(reviewer).post(
        "/meetings/add/", PLAN | {"cycle": open_cycle.pk, "countries": [kenya.pk, colombia.pk]}
    )
    assert response.status_code == 302
    return Meeting.objects.get()


def delegation(*people) -> dict:
    data = {"delegate-TOTAL_FORMS": str(len(people) + 1), "delegate-INITIAL_FORMS": "0"}
    for n, (name, function, institution) in enumerate(people):
        data |= {f"delegate-{n}-name": name, f"delegate-{n}-function": function,
                 f"delegate-{n}-institution": institution}  # fmt: skip
    return data


def test_invited_countries_register_delegations_confirmed_in_their_language(
    meeting, focal_point, other_focal_point, django_capture_on_commit_callbacks
):
    focal_point.language = "fr"
    focal_point.save()
    as_kenya = client_for(focal_point)
    assert PLAN["title"] in as_kenya.get("/meetings/").content.decode()
    page = as_kenya.get(f"/meetings/{meeting.pk}/").content.decode()
    assert "Register your delegation" in page or "délégation" in page
    with django_capture_on_commit_callbacks(execute=True):
        response = as_kenya.post(
            f"/meetings/{meeting.pk}/delegation/",
            delegation(("Wanjiru Kamau", "Head of delegation", "State Department for Housing"),
                       ("Juma Otieno", "Urban safety adviser", "Nairobi City County")),
        )  # fmt: skip
    assert response.status_code == 302
    assert sorted(meeting.delegates.values_list("name", flat=True)) == [
        "Juma Otieno",
        "Wanjiru Kamau",
    ]
    [confirmation] = mail.outbox
    assert confirmation.to == [focal_point.email]
    assert "Juma Otieno, Urban safety adviser, Nairobi City County" in confirmation.body
    assert "Villes plus sûres" in confirmation.subject
    # Registering again replaces the delegation; Colombia does not see Kenya's before it is held.
    as_kenya.post(f"/meetings/{meeting.pk}/delegation/",
                  delegation(("Wanjiru Kamau", "Head of delegation", "Housing")))  # fmt: skip
    assert list(meeting.delegates.values_list("name", flat=True)) == ["Wanjiru Kamau"]
    colombia_page = client_for(other_focal_point).get(f"/meetings/{meeting.pk}/").content.decode()
    assert "Wanjiru Kamau" not in colombia_page


def test_a_delegation_without_anyone_is_refused_and_what_was_typed_stays(meeting, focal_point):
    url = f"/meetings/{meeting.pk}/delegation/"
    client = client_for(focal_point)
    nameless = client.post(url, delegation(("", "Adviser", "Ministry of Interior")))
    assert nameless.status_code == 200
    form = nameless.context["delegation"].forms[0]
    assert form.errors["name"] == ["This field is required."]
    assert 'value="Ministry of Interior"' in nameless.content.decode()
    nobody = client.post(url, delegation(("", "", "")))
    assert "Name at least one member of the delegation." in nobody.content.decode()
    assert not Delegate.objects.exists()


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"ends_on": "2026-05-01"}, "ends_on", "The last day comes after the first day."),
        ({"place": ""}, "place", "Give the place, or tick “online”."),
        ({"starts_on": "4 May"}, "starts_on", "Enter a valid date."),
    ],
)
def test_a_wrong_meeting_is_refused_next_to_its_field_and_the_form_keeps_it(
    open_cycle, reviewer, kenya, changes, field, message
):
    data = PLAN | {"cycle": open_cycle.pk, "countries": [kenya.pk]} | changes
    response = client_for(reviewer).post("/meetings/add/", data)
    assert response.status_code == 200
    form = response.context["form"]
    assert message in form.errors[field]
    assert f'value="{PLAN["title"]}"' in response.content.decode()
    assert not Meeting.objects.exists()


def test_who_sees_a_meeting_before_and_after_it_is_held(
    meeting, open_cycle, focal_point, other_focal_point, reviewer, secretariat_admin, board_member,
    contributor, peer, france_focal_point,
):  # fmt: skip
    url = f"/meetings/{meeting.pk}/"

    def seen() -> dict:
        people = [focal_point, other_focal_point, reviewer, board_member, contributor, peer,
                  france_focal_point]  # fmt: skip
        return {u.email: client_for(u).get(url).status_code for u in people}

    assert seen() == {
        focal_point.email: 200, other_focal_point.email: 200, reviewer.email: 200,
        board_member.email: 404, contributor.email: 404, peer.email: 404,
        france_focal_point.email: 404,
    }  # fmt: skip
    client_for(focal_point).post(f"{url}delegation/", delegation(("W. Kamau", "Head", "Housing")))
    edit = PLAN | {"cycle": open_cycle.pk, "countries": [meeting.countries.first().pk,
                   meeting.countries.last().pk], "status": "held",
                   "summary": "Kenya shared its safety audits; Colombia its difficulties."}  # fmt: skip
    assert client_for(reviewer).post(f"{url}edit/", edit).status_code == 302
    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.HELD
    # Held: delegations can no longer change; the Board sees it once the cycle is published.
    refused = client_for(focal_point).post(f"{url}delegation/", delegation(("X", "Y", "Z")))
    assert "can no longer change" in refused.content.decode()
    assert client_for(board_member).get(url).status_code == 404
    cycle_services.close_cycle(open_cycle, by=secretariat_admin)
    cycle_services.publish_cycle(open_cycle, by=secretariat_admin)
    board_page = client_for(board_member).get(url).content.decode()
    assert "Kenya shared its safety audits" in board_page and "W. Kamau" in board_page
    assert services.attendance(open_cycle) == (1, {focal_point.focal_point.country_id: 1})


def test_partners_and_experts_are_invited_and_removed(meeting, reviewer, focal_point):
    client = client_for(reviewer)
    empty = client.post(f"/meetings/{meeting.pk}/invitees/add/", {"name": "Dr Ochieng"})
    assert empty.status_code == 200 and 'value="Dr Ochieng"' in empty.content.decode()
    client.post(f"/meetings/{meeting.pk}/invitees/add/",
                {"name": "Dr Ochieng", "organisation": "Nairobi Safety Forum"})  # fmt: skip
    invitee = meeting.invitees.get()
    assert (
        "Nairobi Safety Forum"
        in client_for(focal_point).get(f"/meetings/{meeting.pk}/").content.decode()
    )
    assert (
        client_for(focal_point)
        .post(f"/meetings/{meeting.pk}/invitees/{invitee.pk}/delete/")
        .status_code
        == 403
    )
    client.post(f"/meetings/{meeting.pk}/invitees/{invitee.pk}/delete/")
    assert not meeting.invitees.exists()


def test_a_meeting_cannot_be_held_before_it_starts(meeting, reviewer, open_cycle):
    later = (datetime.date.today() + datetime.timedelta(days=30)).isoformat()
    data = PLAN | {"cycle": open_cycle.pk, "starts_on": later, "ends_on": later, "status": "held"}
    response = client_for(reviewer).post(f"/meetings/{meeting.pk}/edit/", data)
    assert "A meeting that has not started cannot be held yet." in response.content.decode()


def test_the_benchmarking_pack_sets_the_invited_countries_side_by_side(
    meeting, open_cycle, reviewer, focal_point, other_focal_point, kenya, colombia
):
    """Kenya's review approved, Colombia's submitted (marked so), France not invited."""
    make_approved_review(kenya, open_cycle, reviewer=reviewer, answers=REQUIRED_ANSWERS)
    submitted = fill(services_reviews.start_review(colombia, open_cycle, by=other_focal_point),
                     other_focal_point, answers=REQUIRED_ANSWERS | {"1.3": {"value": "4"}})  # fmt: skip
    services_reviews.submit_review(submitted, by=other_focal_point)
    make_approved_review(Country.objects.get(iso3="FRA"), open_cycle, reviewer=reviewer)
    page = client_for(focal_point).get(f"/meetings/{meeting.pk}/pack/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "Kenya</bdi>: approved version 1" in html
    assert "Colombia</bdi>: submitted version 1, not yet approved" in html
    assert "France" not in html
    tree = lxml.html.fromstring(html)
    [figure] = [f for f in tree.xpath("//figure") if "1.3" in f.findtext("figcaption/strong")]
    rows = {r.xpath("string(th)"): r.xpath("string(td)") for r in figure.xpath(".//tbody/tr")}
    assert rows == {"Colombia": "4 local governments", "Kenya": "12 local governments"}
    assert figure.xpath(".//svg")  # the dossier's bar chart, one bar per country
    assert "Measures taken to implement the Guidelines: what Kenya did." in html


def bomb() -> bytes:
    """A .docx whose one member expands far past the bound core/uploads.py sets."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<?xml version='1.0'?><x/>")
        archive.writestr("word/document.xml", b"0" * (120 * 1024 * 1024))
    return buffer.getvalue()


def add_document(client, meeting, name: str, content: bytes, kind: str = "agenda", title=""):
    return client.post(
        f"/meetings/{meeting.pk}/documents/add/",
        {"document-kind": kind, "document-title": title,
         "document-file": SimpleUploadedFile(name, content)},
    )  # fmt: skip


def test_documents_are_checked_as_attachments_and_read_by_those_who_see_the_meeting(
    meeting, reviewer, focal_point, france_focal_point, django_capture_on_commit_callbacks
):
    as_secretariat = client_for(reviewer)
    response = add_document(as_secretariat, meeting, "Agenda EGM 1.pdf", EVIDENCE_PDF,
                            title="Provisional agenda")  # fmt: skip
    assert response.status_code == 302 and response["Location"].endswith("#documents")
    agenda = MeetingDocument.objects.get()
    assert (agenda.kind, agenda.content, agenda.original_name) == (
        DocumentKind.AGENDA,
        "pdf",
        "Agenda EGM 1.pdf",
    )
    assert agenda.file.name.startswith("meetings/") and agenda.file.name.endswith(".pdf")

    # Refused by what they contain or expand to, the reason beside the field, the title kept.
    for name, content, reason in [
        ("outcome.pdf", b"<html><script>alert(1)</script></html>", "not a valid"),
        ("outcome.exe", EVIDENCE_PDF, "Only these file types are accepted"),
        ("outcome.docx", bomb(), "expands"),
        ("outcome.pdf", b"", "The file is empty."),
    ]:
        response = add_document(as_secretariat, meeting, name, content, "outcome", "Outcome 2026")
        assert response.status_code == 200, name
        page = lxml.html.fromstring(response.content)
        error = page.get_element_by_id("error_1_id_document-file").text_content()
        assert reason in error, (name, error)
        assert page.get_element_by_id("id_document-title").value == "Outcome 2026"
    assert MeetingDocument.objects.count() == 1

    # The invited country downloads it; a country not invited gets 404; so does a wrong pk.
    url = f"/meetings/{meeting.pk}/documents/{agenda.pk}/"
    download = client_for(focal_point).get(url)
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == EVIDENCE_PDF
    assert 'filename="Agenda EGM 1.pdf"' in download["Content-Disposition"]
    assert client_for(france_focal_point).get(url).status_code == 404
    assert client_for(focal_point).post(f"{url}delete/").status_code in (403, 404)
    # The secretariat removes it; its file goes once the deletion is committed.
    storage, name = agenda.file.storage, agenda.file.name
    with django_capture_on_commit_callbacks(execute=True):
        response = as_secretariat.post(f"{url}delete/")
    assert response.status_code == 302
    assert not storage.exists(name)
    assert not MeetingDocument.objects.exists()
    assert client_for(focal_point).get(url).status_code == 404
