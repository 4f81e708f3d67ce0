"""The public library: approved reviews of published cycles, for anyone, searchable."""

from django.test import Client
from django.urls import reverse

from reports.models import Download, ReportFile, ReportKind


def test_anonymous_visitor_finds_and_downloads_a_published_review(published_cycle):
    client = Client()
    page = client.get(reverse("library:index"))
    assert page.status_code == 200
    assert "Kenya" in page.text and "Colombia" in page.text and "2 reviews found." in page.text
    kenya = ReportFile.objects.get(review__country__iso3="KEN", kind=ReportKind.REVIEW, draft=False)
    response = client.get(reverse("library:download", args=[kenya.pk]))
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"%PDF-")
    entry = Download.objects.get()
    assert entry.user is None and entry.public and entry.report == kenya


def test_search_by_country_region_and_cycle(published_cycle):
    client = Client()
    assert "1 review found." in client.get(reverse("library:index"), {"q": "keny"}).text
    assert "1 review found." in client.get(reverse("library:index"), {"q": "COL"}).text
    americas = client.get(reverse("library:index"), {"region": "Americas"}).text
    assert "Colombia" in americas and "Kenya" not in americas
    assert (
        "2 reviews found."
        in client.get(reverse("library:index"), {"cycle": published_cycle.pk}).text
    )
    assert "0 reviews found." in client.get(reverse("library:index"), {"cycle": 99999}).text


def test_odd_search_input_is_answered_not_crashed(published_cycle):
    client = Client()
    for params in ({"q": "x" * 5000}, {"q": "\x00"}, {"region": "<script>"}, {"cycle": "1e309"},
                   {"page": "-1"}, {"page": "abc"}, {"q": "%' OR 1=1 --"}):  # fmt: skip
        response = client.get(reverse("library:index"), params)
        assert response.status_code == 200, params
        assert "<script>" not in response.text.split("</header>", 1)[1]


def test_drafts_and_compiled_reports_are_not_in_the_library(published_cycle):
    client = Client()
    draft = ReportFile.objects.filter(draft=True).first()
    dossier = ReportFile.objects.filter(kind=ReportKind.DOSSIER).first()
    assert client.get(reverse("library:download", args=[draft.pk])).status_code == 404
    assert client.get(reverse("library:download", args=[dossier.pk])).status_code == 404
    assert client.get(reverse("reports:download", args=[dossier.pk])).status_code == 302  # sign in
    assert not Download.objects.exists()
