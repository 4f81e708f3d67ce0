"""The public pages of the open data (issue 19): a published cycle, an indicator across
countries, a published review, a country across cycles; cached until what is published changes."""

import pytest
from django.urls import reverse

from countries.models import Country
from indicators import services as cycle_services
from indicators.models import Indicator, ReviewCycle
from reviews.models import Review
from tests.support.reviews import make_approved_review


@pytest.fixture
def published(open_cycle, reviewer, secretariat_admin) -> ReviewCycle:
    for iso3 in ("KEN", "COL"):
        make_approved_review(Country.objects.get(iso3=iso3), open_cycle, reviewer=reviewer)
    cycle_services.close_cycle(open_cycle, by=secretariat_admin)
    return cycle_services.publish_cycle(open_cycle, by=secretariat_admin)


def test_every_page_of_a_published_cycle(published, anonymous):
    kenya = Review.objects.get(cycle=published, country__iso3="KEN")
    urls = [reverse("opendata:index"), reverse("opendata:cycle", args=[published.pk]),
            reverse("opendata:review", args=[kenya.pk]), reverse("opendata:country", args=["KEN"])]  # fmt: skip
    urls += [
        reverse("opendata:indicator", args=[published.pk, i.code])
        for i in Indicator.objects.filter(matrix=published.matrix)
    ]
    for url in urls:
        response = anonymous.get(url)
        assert response.status_code == 200, url
        assert "Kenya" in response.content.decode() or "indicators" in url, url


def urls_of(cycle: ReviewCycle) -> list[str]:
    kenya = Review.objects.get(cycle=cycle, country__iso3="KEN")
    return [reverse("opendata:index"), reverse("opendata:cycle", args=[cycle.pk]),
            reverse("opendata:indicator", args=[cycle.pk, "1.3"]) + "?sort=value",
            reverse("opendata:review", args=[kenya.pk]), reverse("opendata:country", args=["KEN"]),
            reverse("opendata:review", args=[999999]), reverse("opendata:country", args=["XXX"])]  # fmt: skip


def test_a_page_read_again_costs_no_query_until_what_is_published_changes(
    published, anonymous, django_assert_num_queries
):
    urls = urls_of(published)
    first = [anonymous.get(url) for url in urls]
    assert [r.status_code for r in first] == [200] * 5 + [404] * 2
    with django_assert_num_queries(0):
        again = [anonymous.get(url) for url in urls]
    assert [r.status_code for r in again] == [r.status_code for r in first]
    # What a page shows changes (a country's name, in the admin): the pages are drawn again.
    kenya = Country.objects.get(iso3="KEN")
    kenya.name = "Republic of Kenya"
    kenya.save()
    review = Review.objects.get(cycle=published, country=kenya)
    page = anonymous.get(reverse("opendata:review", args=[review.pk])).content.decode()
    assert "Republic of Kenya" in page


def test_an_indicator_across_countries_sorts_and_maps_every_answer(published, anonymous):
    url = reverse("opendata:indicator", args=[published.pk, "1.3"])
    by_country = anonymous.get(url).content.decode()
    assert by_country.index("Colombia") < by_country.index("Kenya")
    assert 'aria-label="Kenya: 12 local governments"' in by_country  # the map names each value
    assert 'aria-label="Norway: no answer"' in by_country
    assert 'aria-sort="ascending"' in by_country
    by_region = anonymous.get(url, {"sort": "region"}).content.decode()
    table = by_region[by_region.index('id="answers"') :]
    assert table.index("Kenya") < table.index("Colombia")  # Africa before the Americas
    assert anonymous.get(url, {"sort": "<script>"}).status_code == 200
    assert (
        anonymous.get(reverse("opendata:indicator", args=[published.pk, "9.9"])).status_code == 404
    )


def test_a_published_review_is_shown_in_its_own_language_inside_the_readers(published, anonymous):
    kenya = Review.objects.get(cycle=published, country__iso3="KEN")
    Review.objects.filter(pk=kenya.pk).update(language="fr")
    page = anonymous.get(
        reverse("opendata:review", args=[kenya.pk]), HTTP_ACCEPT_LANGUAGE="ar"
    ).content.decode()
    assert '<html lang="ar" dir="rtl">' in page
    assert '<article lang="fr" dir="ltr"' in page
    assert "Résumé" in page or "Synthèse" in page  # a section title in French
