"""The public front page: what the portal and the review mechanism are, the published cycles
and their reviews in the public library, and the way to sign in (issue 17).

`views.home` shows it to visitors who are not signed in. It makes one query, however many
cycles are published and reviews are in the library.
"""

from django.contrib.auth.decorators import login_not_required
from django.db.models import Count, IntegerField, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from indicators.models import CycleStatus, ReviewCycle
from reports.models import ReportFile


def published_cycles():
    """The published cycles, newest first, each with `in_library`: how many country reviews
    the public library holds for it (counted as the library lists them: one per review)."""
    in_library = (
        ReportFile.objects.published()
        .filter(cycle=OuterRef("pk"))
        .order_by()
        .values("cycle")
        .annotate(n=Count("review", distinct=True))
        .values("n")
    )
    return ReviewCycle.objects.filter(status=CycleStatus.PUBLISHED).annotate(
        in_library=Coalesce(Subquery(in_library, output_field=IntegerField()), 0)
    )


@login_not_required
def front_page(request: HttpRequest) -> HttpResponse:
    """The portal explained to anonymous visitors, with sign-in one click away."""
    return render(request, "dashboard/front.html", {"cycles": published_cycles()})
