"""How an answer reads on the review page and in its PDF."""

from django.urls import reverse

from indicators.models import Indicator
from reports import pdf
from reviews import services
from tests.support.clients import client_for
from tests.support.pdfs import pdf_text
from tests.support.reviews import REQUIRED_ANSWERS, fill

BY_SEX = {"value_female": "48.5", "value_male": "61.2", "value_total": "54.7"}


def test_values_by_sex_read_female_male_total_on_the_page_and_in_the_pdf(
    draft_review, focal_point, reviewer, tmp_path
):
    """PostgreSQL's jsonb keeps an object's keys by length ("male", "total", "female"): the
    reader must get them in the order of the form."""
    indicator = Indicator.objects.get(matrix=draft_review.cycle.matrix, code="1.8")
    assert indicator.by_sex
    review = fill(draft_review, focal_point, answers=REQUIRED_ANSWERS | {"1.8": BY_SEX})
    expected = "Female: 48.5; Male: 61.2; Total: 54.7"
    page = client_for(reviewer).get(reverse("reviews:detail", args=[review.pk]))
    assert expected in page.content.decode()
    snapshot = services.submit_review(review, by=focal_point).snapshots.get()
    rendered = pdf.render_review(pdf.review_document(review, snapshot, draft=True))
    assert expected in " ".join(pdf_text(rendered.pdf, tmp_path).split())
