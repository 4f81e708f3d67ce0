"""The cycle dashboard: status × region, deadline, overdue countries, indicators of success."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from countries.models import Country, Partner, SaferCitiesTool, ToolUse
from reports import success
from reviews import services
from reviews.models import Review, ReviewStatus
from tests.support import factories
from tests.support.clients import client_for
from tests.support.reviews import REQUIRED_ANSWERS, fill, make_approved_review

KENYA = REQUIRED_ANSWERS | {"1.5": {"value": "3"}, "3.1": {"value": "yes"}, "3.2": {"value": "7"},
                            "3.3": {"value": "2"}}  # fmt: skip
COLOMBIA = REQUIRED_ANSWERS | {
    "1.5": {"value": "4"}, "1.6": {"value": "1000000", "currency": "COP"},
    "3.1": {"value": "no"}, "3.2": {"value": "5"}, "3.3": {"value": "0"},
}  # fmt: skip
FRANCE = REQUIRED_ANSWERS | {"1.6": {"value": "50000", "currency": "KES"}, "3.3": {"value": "1"}}


@pytest.fixture
def known_data(open_cycle, reviewer):
    """Kenya, Colombia and France approved; Brazil submitted; Japan a draft; others nothing.
    Kenya and France champions; Kenya with 10 municipalities, Colombia with 3."""
    get = Country.objects.get
    make_approved_review(get(iso3="KEN"), open_cycle, reviewer=reviewer, answers=KENYA)
    make_approved_review(get(iso3="COL"), open_cycle, reviewer=reviewer, answers=COLOMBIA)
    make_approved_review(get(iso3="FRA"), open_cycle, reviewer=reviewer, answers=FRANCE)
    brazil = factories.make_focal_point(get(iso3="BRA"), email="focal.br@example.org")
    services.submit_review(fill(services.start_review(get(iso3="BRA"), open_cycle, by=brazil), brazil),
                           by=brazil)  # fmt: skip
    japan = factories.make_focal_point(get(iso3="JPN"), email="focal.jp@example.org")
    services.start_review(get(iso3="JPN"), open_cycle, by=japan)
    Country.objects.filter(iso3__in=["KEN", "FRA"]).update(is_champion=True)
    for i in range(10):
        factories.make_municipality(get(iso3="KEN"), name=f"Kenyan town {i}")
    for i in range(3):
        factories.make_municipality(get(iso3="COL"), name=f"Colombian town {i}")
    # The secretariat's records: 3 partners (1 no longer active), 2 tools and their uses.
    day = datetime.date(2025, 5, 1)
    Partner.objects.create(
        organisation="UN Women", type="un_entity", region="Africa", joined_on=day
    )
    Partner.objects.create(organisation="City of Medellín", type="local_government", country=get(iso3="COL"),
                           joined_on=day)  # fmt: skip
    Partner.objects.create(organisation="Old Foundation", type="other", region="Europe", joined_on=day,
                           is_active=False)  # fmt: skip
    audit = SaferCitiesTool.objects.create(
        name="Safety audit", description="A walk.", owner="UN-Habitat"
    )
    survey = SaferCitiesTool.objects.create(
        name="Victimisation survey", description="A survey.", owner="UNODC"
    )
    for tool, iso3, kind, on in [(audit, "KEN", "shared", day), (audit, "KEN", "shared", day.replace(month=6)),
                                 (audit, "COL", "shared", day), (survey, "KEN", "shared", day),
                                 (audit, "FRA", "piloted", day)]:  # fmt: skip
        ToolUse.objects.create(tool=tool, country=get(iso3=iso3), kind=kind, on=on)
    return open_cycle


def test_indicators_of_success_from_known_data(known_data):
    rows = {
        row["label"]: row
        for row in success.indicators_of_success(success.approved_contents(known_data))
    }
    assert rows["Champion countries"]["value"] == 2
    # Focal points: KEN, COL, FRA (made with their reviews), BRA, JPN.
    assert rows["Countries with a designated focal point"]["value"] == 5
    assert rows["Financial resources allocated (reported in approved reviews)"]["value"] == (
        "1,000,000 COP; 300,000 KES"
    )
    # From the records: (audit, KEN) counts once though shared twice; (audit, COL); (survey, KEN).
    assert (rows["Joint tools shared"]["value"], rows["Joint tools shared"]["detail"]) == (
        3,
        "by 2 countries",
    )
    assert (rows["Joint tools piloted"]["value"], rows["Joint tools piloted"]["detail"]) == (
        1,
        "by 1 country",
    )
    assert rows["Partners in the Global Network on Safer Cities"]["value"] == 2
    assert (
        rows["Partners in the Global Network on Safer Cities"]["detail"]
        == "UN entity: 1, Local government: 1"
    )
    # As the approved reviews report them.
    shared = rows["Tools shared, as reported in approved reviews"]
    assert (shared["value"], shared["detail"]) == ("3", "by 2 countries")  # KEN 2, FRA 1
    assert rows["Tools piloted, as reported in approved reviews"]["value"] == "10"  # 3 + 4 + 3
    assert rows["Countries reporting membership of the Global Network"]["value"] == 1
    assert rows["Partners engaged in national safer cities networks (reported)"]["value"] == "12"
    assert rows["Municipalities in National Tool Networks"]["value"] == 13
    assert rows["Countries meeting the target of 10 municipalities"]["value"] == 1


def test_the_figures_reported_follow_reopenings_and_new_approvals(
    known_data, reviewer, secretariat_admin
):
    """The answers behind the figures are cached: each change of the approved set shows."""
    dashboard = client_for(reviewer)
    url = reverse("dashboard:cycle", args=[known_data.pk])

    def reported():
        rows = {row["label"]: row["value"] for row in dashboard.get(url).context["success"]}
        return (
            rows["Tools piloted, as reported in approved reviews"],
            rows["Financial resources allocated (reported in approved reviews)"],
        )

    assert reported() == ("10", "1,000,000 COP; 300,000 KES")
    colombia = Review.objects.get(cycle=known_data, country__iso3="COL")
    colombia = services.reopen_review(colombia, by=secretariat_admin, reason="Check 1.5 and 1.6.")
    assert reported() == ("6", "300,000 KES")  # Kenya and France alone
    focal = colombia.country.focal_points.get(is_active=True).user
    corrected = COLOMBIA | {"1.5": {"value": "9"}, "1.6": {"value": "2000000", "currency": "COP"}}
    colombia = services.submit_review(fill(colombia, focal, answers=corrected), by=focal)
    assert reported() == ("6", "300,000 KES")  # submitted, not approved yet
    services.approve_review(colombia, by=reviewer)
    assert reported() == ("15", "2,000,000 COP; 300,000 KES")


def test_status_by_region_table_from_known_data(known_data, reviewer):
    page = client_for(reviewer).get(reverse("dashboard:cycle", args=[known_data.pk]))
    assert page.status_code == 200
    table = page.context["participation"]
    keys = [key for key, _label in table["statuses"]]
    rows = {str(region): dict(zip(keys, values, strict=True)) for region, values in table["rows"]}
    assert rows["Africa"]["approved"] == 1 and rows["Africa"]["not_started"] == 53
    assert (rows["Americas"]["approved"], rows["Americas"]["submitted"]) == (1, 1)  # COL, BRA
    assert (rows["Asia"]["draft"], rows["Asia"]["not_started"]) == (1, 46)  # JPN
    assert rows["Europe"]["approved"] == 1
    assert dict(zip(keys, table["totals"], strict=True)) == {
        "not_started": 188, "draft": 1, "submitted": 1, "returned": 0, "approved": 3,
        "published": 0, "withdrawn": 0,
    }  # fmt: skip
    assert sum(table["totals"]) == 193


def test_days_to_the_deadline_and_the_overdue_list(known_data, reviewer):
    client = client_for(reviewer)
    known_data.deadline = datetime.date.today() + datetime.timedelta(days=12)
    known_data.save()
    page = client.get(reverse("dashboard:cycle", args=[known_data.pk]))
    assert page.context["days_left"] == 12 and page.context["overdue"] == []
    assert "The deadline has not passed yet." in page.text

    known_data.opens_on = datetime.date.today() - datetime.timedelta(days=100)
    known_data.deadline = datetime.date.today() - datetime.timedelta(days=3)
    known_data.save()
    page = client.get(reverse("dashboard:cycle", args=[known_data.pk]))
    overdue = {country.iso3: review for country, review in page.context["overdue"]}
    assert len(overdue) == 189  # 193 less the submitted BRA and approved KEN, COL, FRA
    assert overdue["JPN"].status == ReviewStatus.DRAFT and overdue["NOR"] is None
    assert "BRA" not in overdue and "KEN" not in overdue
    assert '3</p><p class="mb-0">days since the deadline' in page.text.replace("\n    ", "")
    assert "focal.jp@example.org" in page.text
    assert reverse("reviews:detail", args=[overdue["JPN"].pk]) in page.text


@pytest.mark.parametrize(
    "persona, status",
    [("focal_point", 403), ("board_member", 404), ("reviewer", 200), ("secretariat_admin", 200)],
)
def test_who_sees_the_dashboard_of_an_open_cycle(open_cycle, persona, status, request):
    response = client_for(request.getfixturevalue(persona)).get(
        reverse("dashboard:cycle", args=[open_cycle.pk])
    )
    assert response.status_code == status


def test_board_members_see_the_dashboard_of_published_cycles(
    known_data, board_member, secretariat_admin
):
    from indicators import services as cycle_services

    cycle_services.close_cycle(known_data, by=secretariat_admin)
    cycle_services.publish_cycle(known_data, by=secretariat_admin)
    page = client_for(board_member).get(reverse("dashboard:cycle", args=[known_data.pk]))
    assert page.status_code == 200
    assert "Overdue countries" not in page.text  # who is late is the secretariat's business


def test_the_dashboard_needs_a_bounded_number_of_queries(open_cycle, reviewer):
    client = client_for(reviewer)
    url = reverse("dashboard:cycle", args=[open_cycle.pk])
    open_cycle.opens_on = datetime.date.today() - datetime.timedelta(days=100)
    open_cycle.deadline = datetime.date.today() - datetime.timedelta(days=1)  # overdue list shown
    open_cycle.save()

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    make_approved_review(Country.objects.get(iso3="KEN"), open_cycle, reviewer=reviewer)
    few = queries()
    for country in Country.objects.exclude(iso3="KEN").order_by("name")[:30]:
        make_approved_review(country, open_cycle, reviewer=reviewer)
        factories.make_municipality(country, name=f"{country.name} town")
    many = queries()
    assert many == few, (few, many)
    assert many <= 26  # one of them reads the Expert Group Meetings recorded (meetings/)
