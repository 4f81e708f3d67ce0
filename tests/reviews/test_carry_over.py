"""Starting a review from the country's last approved one (issue 18): the sections and the
answers the new matrix can take are copied exactly, what it cannot take is listed with the
reason, and each copied answer is marked in the editor until it is edited."""

import re
from html import unescape

import pytest

from indicators import services as cycle_services
from indicators.models import ChoiceOption, Indicator, ReviewCycle
from reviews import carry, services
from reviews.models import Answer, Review
from reviews.sections import SECTIONS
from tests.support.carry import FIRST_ANSWERS, SECTIONS_TEXT, next_cycle, retype_and_remove
from tests.support.clients import client_for
from tests.support.forms import form_values
from tests.support.reviews import fill

# What an answer says, compared field by field.
FIELDS = ("values", "raw", "currency", "reference_year", "source", "note", "not_available",
          "reason", "is_valid")  # fmt: skip


@pytest.fixture
def last_review(open_cycle, focal_point, kenya, reviewer) -> Review:
    """Kenya's approved review of the first cycle."""
    review = services.start_review(kenya, open_cycle, by=focal_point)
    fill(review, focal_point, sections=SECTIONS_TEXT, answers=FIRST_ANSWERS)
    services.submit_review(review, by=focal_point)
    return services.approve_review(review, by=reviewer)


@pytest.fixture
def new_cycle(last_review, secretariat_admin) -> ReviewCycle:
    return next_cycle(last_review.cycle, secretariat_admin, retype_and_remove)


def answers_by_code(review: Review) -> dict[str, Answer]:
    return {a.indicator.code: a for a in review.answers.select_related("indicator")}


def text_of(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def list_items(html: str) -> list[str]:
    return [unescape(re.sub(r"<[^>]+>", "", item)) for item in re.findall(r"<li>(.*?)</li>", html)]


def fieldset(page: str, code: str) -> str:
    start = page.index(f'id="indicator-{code}"')
    return page[start : page.index("</fieldset>", start)]


def test_a_changed_type_and_a_removed_indicator_are_left_and_the_rest_is_copied_exactly(
    last_review, new_cycle, kenya, focal_point
):
    review = services.start_review(kenya, new_cycle, by=focal_point, from_last=True)

    left = carry.not_carried(last_review, review)
    assert [(item.code, item.reason) for item in left] == [
        ("1.4", "its type changed from Whole number to Percentage"),
        ("2.4", "removed from this cycle's matrix"),
    ]
    assert left[0].title == "Local municipalities in the National Tool Network on Safer Cities"

    review = Review.objects.get(pk=review.pk)
    for section in SECTIONS:
        assert review.section_text(section.key) == last_review.section_text(section.key)
    old, new = answers_by_code(last_review), answers_by_code(review)
    assert set(new) == set(FIRST_ANSWERS) - {"1.4", "2.4"}
    for code, answer in new.items():
        assert answer.indicator.matrix_id == new_cycle.matrix.pk
        assert answer.carried_from_id == last_review.pk
        for name in FIELDS:
            assert getattr(answer, name) == getattr(old[code], name), (code, name)
    assert new["1.3"].note == "Counted in June.\nTwo more in preparation."
    assert new["1.7"].values == {"female": "2.5", "male": "9.75", "total": "6.1"}
    assert new["3.1"].not_available and new["3.1"].reason == "Membership is being confirmed."
    # The source is untouched.
    assert answers_by_code(Review.objects.get(pk=last_review.pk)).keys() == set(FIRST_ANSWERS)


def test_the_focal_point_chooses_to_start_from_the_last_review_and_the_editor_says_so(
    last_review, new_cycle, kenya, focal_point
):
    client = client_for(focal_point)
    listing = client.get("/reviews/").content.decode()
    assert 'name="from_last" value="1"' in listing and 'name="from_last" value="0"' in listing
    assert "Start from your review of the <bdi>2021–2023 review cycle</bdi>" in listing
    assert "Good practices and evidence attachments are not copied." in listing
    home = client.get("/").content.decode()
    assert 'name="from_last" value="1"' in home and "Start empty" in home

    response = client.post(f"/reviews/start/{new_cycle.pk}/", {"from_last": "1"})
    review = Review.objects.get(country=kenya, cycle=new_cycle)
    assert response.status_code == 302 and response.url == f"/reviews/{review.pk}/edit/"
    page = client.get(response.url).content.decode()
    start = page.index('id="started-from"')
    box = page[start : page.index("</section>", start)]
    assert "Started from your review of the <bdi>2021–2023 review cycle</bdi>" in box
    assert "Good practices and evidence attachments were not copied" in text_of(box)
    assert list_items(box) == [
        "1.4 Local municipalities in the National Tool Network on Safer Cities: its type changed"
        " from Whole number to Percentage",
        "2.4 Cities that ran a local safety audit or victimisation survey in the last three"
        " years: removed from this cycle's matrix",
    ]
    assert 'href="#indicator-1.4"' in box and 'href="#indicator-2.4"' not in box
    mark = "From your review of the <bdi>2021–2023 review cycle</bdi>"
    assert mark in fieldset(page, "1.3") and mark in fieldset(page, "3.1")
    assert mark not in fieldset(page, "1.4")  # not carried over
    assert mark not in fieldset(page, "1.9")  # not answered last time
    assert page.count(mark) == len(FIRST_ANSWERS) - 2


def test_the_mark_goes_when_an_answer_is_edited_and_stays_after_an_autosave_that_changes_nothing(
    last_review, new_cycle, kenya, focal_point
):
    review = services.start_review(kenya, new_cycle, by=focal_point, from_last=True)
    client = client_for(focal_point)
    url = f"/reviews/{review.pk}/edit/"
    posted = form_values(client.get(url).content.decode())
    # A browser sends a textarea's line ends as CRLF.
    posted = {k: v.replace("\n", "\r\n") for k, v in posted.items()}
    marked = {code for code, a in answers_by_code(review).items() if a.carried_from_id}
    assert marked == set(FIRST_ANSWERS) - {"1.4", "2.4"}

    response = client.post(url, posted, headers={"HX-Request": "true"})
    assert response.status_code == 200 and "Saved at" in response.content.decode()
    assert {c for c, a in answers_by_code(review).items() if a.carried_from_id} == marked

    one_three = Indicator.objects.get(matrix=new_cycle.matrix, code="1.3")
    posted |= {
        "lock_version": str(Review.objects.get(pk=review.pk).lock_version),
        f"ind-{one_three.pk}-value": "15",
        "executive_summary": "A new summary.",
    }
    client.post(url, posted, headers={"HX-Request": "true"})
    answers = answers_by_code(review)
    assert answers["1.3"].values == {"value": 15} and answers["1.3"].carried_from_id is None
    assert {c for c, a in answers.items() if a.carried_from_id} == marked - {"1.3"}
    page = client.get(url).content.decode()
    assert "From your review of the" not in fieldset(page, "1.3")
    assert "From your review of the" in fieldset(page, "1.6")
    assert 'id="started-from"' in page


def test_the_box_goes_when_no_copied_answer_remains(last_review, new_cycle, kenya, focal_point):
    review = services.start_review(kenya, new_cycle, by=focal_point, from_last=True)
    review.answers.update(carried_from=None)
    page = client_for(focal_point).get(f"/reviews/{review.pk}/edit/").content.decode()
    assert 'id="started-from"' not in page and "From your review of the" not in page


def test_starting_empty_copies_nothing(last_review, new_cycle, kenya, focal_point):
    client = client_for(focal_point)
    client.post(f"/reviews/start/{new_cycle.pk}/", {"from_last": "0"})
    review = Review.objects.get(country=kenya, cycle=new_cycle)
    assert not review.answers.exists()
    assert all(review.section_text(s.key) == "" for s in SECTIONS)
    page = client.get(f"/reviews/{review.pk}/edit/").content.decode()
    assert 'id="started-from"' not in page


def test_no_choice_is_offered_without_an_approved_review(
    open_cycle, draft_review, secretariat_admin, focal_point, kenya
):
    # Kenya's review of the first cycle was never approved.
    cycle = next_cycle(open_cycle, secretariat_admin)
    client = client_for(focal_point)
    for page in (client.get("/reviews/"), client.get("/")):
        html = page.content.decode()
        assert f'action="/reviews/start/{cycle.pk}/"' in html
        assert "from_last" not in html and "Start empty" not in html
    client.post(f"/reviews/start/{cycle.pk}/", {"from_last": "1"})
    review = Review.objects.get(country=kenya, cycle=cycle)
    assert not review.answers.exists() and review.executive_summary == ""


def test_a_focal_point_cannot_start_from_another_countrys_review(
    last_review, new_cycle, other_focal_point, colombia
):
    client = client_for(other_focal_point)
    assert "from_last" not in client.get("/reviews/").content.decode()
    client.post(f"/reviews/start/{new_cycle.pk}/", {"from_last": "1"})
    review = Review.objects.get(country=colombia, cycle=new_cycle)
    assert not review.answers.exists() and review.executive_summary == ""
    assert not Review.objects.filter(cycle=new_cycle).exclude(country=colombia).exists()


def test_an_option_no_longer_offered_and_a_change_of_disaggregation_are_left_with_reasons(
    last_review, secretariat_admin, kenya, focal_point
):
    def change(matrix) -> None:
        cycle_services.delete_node(
            ChoiceOption.objects.get(indicator__matrix=matrix, indicator__code="1.1",
                                     value="adopted")
        )  # fmt: skip
        by_sex = Indicator.objects.get(matrix=matrix, code="1.7")
        by_sex.by_sex = False
        cycle_services.save_node(by_sex)

    cycle = next_cycle(last_review.cycle, secretariat_admin, change)
    review = services.start_review(kenya, cycle, by=focal_point, from_last=True)
    assert [(item.code, item.reason) for item in carry.not_carried(last_review, review)] == [
        ("1.1", "the option “Adopted” is no longer offered"),
        ("1.7", "no longer disaggregated by sex"),
    ]
    assert set(answers_by_code(review)) == set(FIRST_ANSWERS) - {"1.1", "1.7"}


def test_a_review_already_started_is_left_as_it_is(last_review, new_cycle, kenya, focal_point):
    review = services.start_review(kenya, new_cycle, by=focal_point)
    again = services.start_review(kenya, new_cycle, by=focal_point, from_last=True)
    assert again.pk == review.pk and not again.answers.exists()
