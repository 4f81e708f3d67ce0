"""Pages for the PDFs: the secretariat's cycle reports and render jobs, the Board download
centre, the download log, and the public library of published reviews (SPEC §6, §8)."""

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST, require_safe

from accounts.access import any_permission_required, permission_required
from accounts.http import PortalRequest
from countries.models import Region
from indicators.models import CycleStatus, ReviewCycle
from reports import compiling, jobs
from reports.models import Download, RenderJob, ReportFile, ReportKind


class IntroductionForm(forms.ModelForm):
    class Meta:
        model = ReviewCycle
        fields = ["report_introduction"]
        widgets = {"report_introduction": forms.Textarea(attrs={"rows": 6})}


class CompileForm(forms.Form):
    language = forms.ChoiceField(
        label=gettext_lazy("Language of the report"), choices=settings.LANGUAGES, initial="en"
    )


@any_permission_required("accounts.read_board_documents", "reports.compile_reports")
def report_centre(request: PortalRequest) -> HttpResponse:
    """The Board's download centre: per published cycle, the compiled report in each language
    it was built in (latest and earlier versions; the reader's language first) and the
    approved country PDFs."""
    files = ReportFile.objects.visible_to(request.user).filter(
        cycle__status=CycleStatus.PUBLISHED, draft=False
    )
    reader = translation.get_language()
    order = sorted(settings.LANGUAGES, key=lambda lang: lang[0] != reader)
    cycles = []
    for cycle in ReviewCycle.objects.filter(status=CycleStatus.PUBLISHED):
        versions = list(
            files.filter(cycle=cycle, kind=ReportKind.DOSSIER)
            .order_by("-number")
            .select_related("built_by")
        )
        languages = []
        for code, _name in order:
            built = [v for v in versions if v.language == code]
            if built:
                name = translation.get_language_info(code)["name_local"]  # in its own language
                languages.append(
                    {"code": code, "name": name, "latest": built[0], "earlier": built[1:]}
                )
        reviews = (
            files.filter(cycle=cycle, kind=ReportKind.REVIEW)
            .latest_per_review()
            .select_related("review__country", "snapshot", "cycle")
        )
        reviews = sorted(reviews, key=lambda r: r.review.country.name)
        cycles.append({"cycle": cycle, "languages": languages, "reviews": reviews})
    return render(request, "reports/centre.html", {"cycles": cycles})


@permission_required("reports.compile_reports")
def cycle_reports(request: PortalRequest, cycle: int) -> HttpResponse:
    """The secretariat's page for a cycle's PDFs: introduction, compile, versions, jobs."""
    cycle_obj = get_object_or_404(ReviewCycle.objects.visible_to(request.user), pk=cycle)
    form = IntroductionForm(request.POST or None, instance=cycle_obj, prefix="intro")
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("The introduction is saved. It appears in the next compile."))
        return redirect("reports:cycle", cycle_obj.pk)
    reports = ReportFile.objects.filter(cycle=cycle_obj).select_related(
        "review__country", "built_by", "snapshot", "cycle"
    )
    context = {
        "cycle": cycle_obj,
        "form": form,
        "compile_form": CompileForm(),
        "versions": reports.filter(kind=ReportKind.DOSSIER).order_by("-built_at", "-pk"),
        "review_pdfs": reports.filter(kind=ReportKind.REVIEW).order_by(
            "review__country__name", "-built_at"
        ),
        "jobs": RenderJob.objects.filter(cycle=cycle_obj).select_related(
            "review__country", "requested_by"
        )[:20],
    }
    return render(request, "reports/cycle.html", context, status=400 if form.errors else 200)


@require_POST
@permission_required("reports.compile_reports")
def compile_now(request: PortalRequest, cycle: int) -> HttpResponse:
    cycle_obj = get_object_or_404(ReviewCycle.objects.visible_to(request.user), pk=cycle)
    form = CompileForm(request.POST)
    language = form.cleaned_data["language"] if form.is_valid() else settings.LANGUAGE_CODE
    job = jobs.request_compile(cycle_obj, by=request.user, language=language)
    messages.success(request, _("The compile is queued. This page follows it."))
    return redirect("reports:job", job.pk)


def job_detail(request: PortalRequest, pk: int) -> HttpResponse:
    """A render job's state; htmx polls the status part until the job has finished."""
    job = get_object_or_404(
        RenderJob.objects.visible_to(request.user).select_related(
            "cycle", "review__country", "requested_by"
        ),
        pk=pk,
    )
    template = "reports/job.html#job-status" if request.htmx else "reports/job.html"
    report = ReportFile.objects.filter(job=job).first()
    done, needed = compiling.progress(job)
    context = {"job": job, "report": report, "max_attempts": jobs.MAX_ATTEMPTS,
               "parts_done": done, "parts_needed": needed}  # fmt: skip
    return render(request, template, context)


@require_POST
@permission_required("reports.compile_reports")
def job_retry(request: PortalRequest, pk: int) -> HttpResponse:
    job = get_object_or_404(RenderJob.objects.visible_to(request.user), pk=pk)
    if job.status != "failed":
        messages.error(request, _("Only a failed render can be tried again."))
    else:
        job = jobs.retry(job, by=request.user)
        messages.success(request, _("The render is queued again."))
    return redirect("reports:job", job.pk)


def send_report(request: HttpRequest, report: ReportFile, *, public: bool) -> FileResponse:
    """Stream the PDF from storage as a download, after logging who took it."""
    user = request.user if request.user.is_authenticated else None
    Download.objects.create(report=report, user=user, public=public)
    response = FileResponse(report.file.open("rb"), as_attachment=True, filename=report.filename,
                            content_type="application/pdf")  # fmt: skip
    response["X-Content-Type-Options"] = "nosniff"
    return response


@require_safe
def download(request: PortalRequest, pk: int) -> FileResponse:
    queryset = ReportFile.objects.visible_to(request.user).select_related(
        "cycle", "review__country", "snapshot"
    )
    return send_report(request, get_object_or_404(queryset, pk=pk), public=False)


@permission_required("reports.view_download_log")
def download_log(request: PortalRequest) -> HttpResponse:
    log = Download.objects.select_related(
        "user", "report__cycle", "report__review__country", "report__snapshot"
    )
    cycle = request.GET.get("cycle", "")
    if cycle.isdecimal():
        log = log.filter(report__cycle_id=int(cycle))
    page = Paginator(log, 100).get_page(request.GET.get("page"))
    return render(
        request,
        "reports/downloads.html",
        {
            "page": page,
            "cycles": ReviewCycle.objects.exclude(status=CycleStatus.PLANNING),
            "cycle": cycle,
        },
    )


@login_not_required
def library(request: HttpRequest) -> HttpResponse:
    """The public library: approved reviews of published cycles, searchable, with their PDFs."""
    files = ReportFile.objects.published().select_related("review__country", "cycle", "snapshot")
    query = request.GET.get("q", "").replace("\x00", "").strip()[:100]
    region = request.GET.get("region", "")
    cycle = request.GET.get("cycle", "")
    if query:
        files = files.filter(
            Q(review__country__name__icontains=query)
            | Q(review__country__iso3__iexact=query)
            | Q(review__country__iso2__iexact=query)
        )
    if region in Region.values:
        files = files.filter(review__country__region=region)
    if cycle.isdecimal():
        files = files.filter(cycle_id=cycle)
    latest = sorted(files.latest_per_review(), key=lambda f: (f.cycle.name, f.review.country.name))
    page = Paginator(latest, 50).get_page(request.GET.get("page"))
    context = {
        "page": page, "q": query, "region": region, "cycle": cycle, "regions": Region.choices,
        "cycles": ReviewCycle.objects.filter(status=CycleStatus.PUBLISHED),
    }  # fmt: skip
    return render(request, "reports/library.html", context)


@login_not_required
@require_safe
def library_download(request: HttpRequest, pk: int) -> FileResponse:
    queryset = ReportFile.objects.published().select_related("cycle", "review__country", "snapshot")
    return send_report(request, get_object_or_404(queryset, pk=pk), public=True)
