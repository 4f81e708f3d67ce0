from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch, prefetch_related_objects
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from countries.models import Country, Region
from indicators.answers import AnswerForm
from indicators.models import CycleStatus, ReviewCycle
from reviews import evidence, services, snapshots
from reviews.forms import CommentForm, ReasonForm, ReplyForm, SectionsForm, field_html
from reviews.models import (
    Comment,
    CommentThread,
    JobStatus,
    RenderJob,
    ReportFile,
    Review,
    ReviewStatus,
    ThreadStatus,
    status_badge,
)
from reviews.sections import BY_KEY, SECTIONS

# action → (service, permission, whether a reason is asked for)
ACTIONS = {
    "submit": (services.submit_review, "reviews.submit_review", False),
    "withdraw": (services.withdraw_review, "reviews.submit_review", True),
    "return": (services.return_review, "reviews.decide_review", True),
    "approve": (services.approve_review, "reviews.decide_review", False),
    "reinstate": (services.reinstate_review, "reviews.decide_review", False),
    "reopen": (services.reopen_review, "reviews.reopen_review", True),
}
AVAILABLE = {
    ReviewStatus.DRAFT: ["submit", "withdraw"],
    ReviewStatus.RETURNED: ["submit", "withdraw"],
    ReviewStatus.SUBMITTED: ["approve", "return", "withdraw"],
    ReviewStatus.APPROVED: ["reopen"],
    ReviewStatus.WITHDRAWN: ["reinstate"],
}


def _review(request: HttpRequest, pk: int) -> Review:
    queryset = Review.objects.visible_to(request.user).select_related("country", "cycle")
    return get_object_or_404(queryset, pk=pk)


def review_list(request: HttpRequest) -> HttpResponse:
    """A focal point's reviews, and the open cycles their country can start a review for."""
    user = request.user
    if user.has_perm("reviews.view_all_reviews"):
        return redirect("reviews:queue")
    reviews = Review.objects.visible_to(user).select_related("country", "cycle")
    context = {"reviews": reviews}
    if user.focal_point and user.has_perm("reviews.add_review"):
        started = reviews.values_list("cycle_id", flat=True)
        context["startable"] = ReviewCycle.objects.filter(status=CycleStatus.OPEN).exclude(
            pk__in=started
        )
    return render(request, "reviews/review_list.html", context)


@require_POST
def review_start(request: HttpRequest, cycle: int) -> HttpResponse:
    if not (request.user.has_perm("reviews.add_review") and request.user.focal_point):
        raise PermissionDenied
    cycle_obj = get_object_or_404(ReviewCycle.objects.visible_to(request.user), pk=cycle)
    try:
        review = services.start_review(request.user.country, cycle_obj, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("reviews:list")
    return redirect("reviews:edit", review.pk)


def review_queue(request: HttpRequest) -> HttpResponse:
    """Every country's review for a cycle, with those not started, filterable."""
    if not request.user.has_perm("reviews.view_all_reviews"):
        raise PermissionDenied
    cycles = ReviewCycle.objects.exclude(status=CycleStatus.PLANNING)
    cycle_id = request.GET.get("cycle", "")
    cycle = cycles.filter(pk=cycle_id).first() if cycle_id.isdecimal() else cycles.first()
    status, region = request.GET.get("status", ""), request.GET.get("region", "")
    # Only what the rows show: the narrative sections are most of a review's row.
    fields = ("pk", "country_id", "status", "updated_at")
    reviews = (
        {r.country_id: r for r in Review.objects.filter(cycle=cycle).order_by().only(*fields)}
        if cycle
        else {}
    )
    statuses = [("not_started", _("Not started")), *ReviewStatus.choices]
    # Labels, badges and links are worked out once per page, not once per row in the template.
    labels = {value: str(label) for value, label in statuses}
    regions = {value: str(label) for value, label in Region.choices}
    only_region = region if region in regions else None
    rows = []
    for country in Country.objects.only("pk", "name", "region"):
        if only_region and country.region != only_region:
            continue
        review = reviews.get(country.pk)
        row_status = review.status if review else "not_started"
        rows.append(
            (
                country,
                review,
                row_status,
                reverse("reviews:detail", args=[review.pk]) if review else "",
                regions.get(country.region, country.region),
                labels.get(row_status, row_status),
                status_badge(row_status),
            )
        )
    counts = {
        key: sum(1 for r in rows if r[2] == key) for key in ["not_started", *ReviewStatus.values]
    }
    if status:
        rows = [r for r in rows if r[2] == status]
    context = {
        "cycles": cycles, "cycle": cycle, "rows": rows, "status": status, "statuses": statuses,
        "status_counts": [(value, label, counts[value]) for value, label in statuses],
        "region": region, "regions": Region.choices,
    }  # fmt: skip
    return render(request, "reviews/review_queue.html", context)


def _answer_forms(request: HttpRequest, review: Review, indicators, data=None) -> list[AnswerForm]:
    answers = {a.indicator_id: a for a in review.answers.all()}
    forms = []
    for indicator in indicators:
        prefix = f"ind-{indicator.pk}"
        initial = {}
        answer = answers.get(indicator.pk)
        if answer and answer.raw:
            initial = {k: v for k, v in answer.raw.items()}
        options = [(o.value, o.label) for o in indicator.options.all()]
        form = AnswerForm(
            indicator, data, prefix=prefix, initial=initial, options=options, require=False
        )
        if data is None and answer and not answer.is_valid:
            # Show the error of what was typed last time as soon as the editor opens.
            form = AnswerForm(
                indicator,
                {f"{prefix}-{k}": v for k, v in answer.raw.items()},
                prefix=prefix,
                options=options,
                require=False,
            )
        forms.append(form)
    return forms


def review_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """The focal point's editor: sections, indicator answers, autosave."""
    review = _review(request, pk)
    if not request.user.has_perm("reviews.change_review"):
        raise PermissionDenied
    if not review.is_editable:
        messages.info(
            request,
            _("This review is %(status)s: it is read-only.")
            % {"status": review.get_status_display().lower()},
        )
        return redirect("reviews:detail", review.pk)
    # The answers are read once, here, for the forms and for the progress and missing lists.
    prefetch_related_objects([review], "answers")
    indicators = list(services.matrix_indicators(review))
    data = request.POST if request.method == "POST" else None
    sections_form = SectionsForm(data, instance=review)
    answer_forms = _answer_forms(request, review, indicators, data)
    conflict = None
    if request.method == "POST" and sections_form.is_valid():
        try:
            review = services.save_draft(
                review, by=request.user, base_version=sections_form.cleaned_data["lock_version"],
                sections={s.key: sections_form.cleaned_data[s.key] for s in SECTIONS},
                language=sections_form.cleaned_data["language"], answer_forms=answer_forms,
            )  # fmt: skip
        except services.StaleEdit as stale:
            conflict = stale.review
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect("reviews:detail", review.pk)
        else:
            if request.htmx:
                return _save_status(request, review, indicators, saved=True)
            invalid = [f.indicator.code for f in answer_forms if not f.is_valid()]
            if not invalid:
                messages.success(request, _("Saved."))
                return redirect("reviews:edit", review.pk)
            # Show the errors next to their fields, with exactly what was typed.
            messages.warning(
                request,
                _("Saved. Some answers need correcting: %(codes)s.")
                % {"codes": ", ".join(invalid)},
            )
    if request.htmx and request.method == "POST":
        return _save_status(
            request, review, indicators, conflict=conflict, sections_form=sections_form
        )
    context = _editor_context(review, sections_form, answer_forms, conflict, indicators)
    context |= evidence.evidence_context(review, request.user)
    return render(request, "reviews/review_edit.html", context)


def _save_status(request: HttpRequest, review: Review, indicators, **context) -> HttpResponse:
    """The save-status bar, and (out of band) the up-to-date "ready to submit" section."""
    context["review"] = review
    status = render_to_string("reviews/review_edit.html#save-status", context, request)
    ready = render_to_string(
        "reviews/review_edit.html#ready",
        {"review": review, "oob": True, **_readiness(review, indicators)},
        request,
    )
    return HttpResponse(status + ready)


# The answer fields shown in the second row of an indicator, after the others.
SECOND_ROW = ("source", "note", "reason")


def _editor_context(review, sections_form, answer_forms, conflict, indicators) -> dict:
    # Each field's markup is built in Python (reviews.forms.field_html), not by a template per
    # field: the editor has about 150 of them.
    rows = [
        (
            form,
            [field_html(form[name]) for name in form.fields if name not in SECOND_ROW],
            [field_html(form[name]) for name in SECOND_ROW],
        )
        for form in answer_forms
    ]
    outcomes = services.by_outcome(rows, lambda row: row[0].indicator)
    threads = (
        review.threads.filter(status=ThreadStatus.OPEN)
        .select_related("indicator")
        .prefetch_related(Prefetch("comments", queryset=Comment.objects.select_related("author")))
    )
    return {
        "review": review,
        "sections_form": sections_form,
        "language_field": field_html(sections_form["language"]),
        "section_fields": [
            (s, sections_form[s.key], field_html(sections_form[s.key])) for s in SECTIONS
        ],
        "outcomes": outcomes,
        "conflict": conflict,
        "open_threads": threads,
        **_readiness(review, indicators),
    }


def _readiness(review: Review, indicators) -> dict:
    """The "ready to submit" section's lists, from the matrix the editor has already read."""
    return {
        "missing": services.missing_for_submission(review, indicators),
        "progress": services.progress_of(review, indicators),
    }


def review_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _render_detail(request, _review(request, pk))


def _render_detail(
    request: HttpRequest, review: Review, *, comment_form=None, reply=None, status=200
):
    """The review page; a refused comment or reply comes back with its text and message."""
    user = request.user
    indicators = list(services.matrix_indicators(review))
    shown = _as_shown(review, indicators)
    outcomes = services.by_outcome(shown["rows"], lambda row: row[0])
    threads = review.threads.select_related("indicator", "resolved_by").prefetch_related(
        Prefetch("comments", queryset=Comment.objects.select_related("author"))
    )
    actions = [a for a in AVAILABLE.get(review.status, []) if user.has_perm(ACTIONS[a][1])]
    if review.cycle.status != CycleStatus.OPEN:
        actions = [a for a in actions if a in ("reinstate", "reopen", "approve", "return")]
    context = {
        "review": review,
        "sections": [(s, shown["sections"][s.key]) for s in SECTIONS],
        "frozen": shown["frozen"],
        "outcomes": outcomes,
        "threads": threads,
        "transitions": review.transitions.select_related("by"),
        "actions": actions,
        "can_comment": user.has_perm("reviews.comment_review"),
        "can_edit": review.is_editable and user.has_perm("reviews.change_review"),
        "comment_form": comment_form or CommentForm(review=review, indicators=indicators),
        "reply": reply,
        "practices": shown["practices"],
        "municipalities": shown["municipalities"],
        "attachments": shown["attachments"],
        "has_versions": review.snapshots.count() > 1,
        "can_see_history": user.has_perm("reviews.view_all_reviews"),
        "review_pdfs": ReportFile.objects.visible_to(user)
        .filter(review=review)
        .select_related("snapshot", "cycle", "review__country"),
        "pending_jobs": RenderJob.objects.visible_to(user).filter(
            review=review, status__in=[JobStatus.QUEUED, JobStatus.RUNNING, JobStatus.FAILED]
        ),
    }
    return render(request, "reviews/review_detail.html", context)


# What the secretariat examines, approves and publishes is a submitted version: once a review
# is in one of these states its page shows that version, as its PDF does, not today's data
# (the country's municipalities go on changing after it was submitted).
FROZEN = (ReviewStatus.SUBMITTED, ReviewStatus.APPROVED, ReviewStatus.PUBLISHED)


def _as_shown(review: Review, indicators: list) -> dict:
    """The review's content as its page shows it: its last submitted version when frozen,
    else what is being written."""
    snapshot = review.snapshots.order_by("-version").first()
    if review.status in FROZEN and snapshot:
        shown = snapshots.as_submitted(review, snapshot)
        stored = {a.sha256: a for a in review.attachments.all()}
        shown["attachments"] = [
            stored[a["sha256"]] for a in shown["attachments"] if a["sha256"] in stored
        ]
        return shown | {"frozen": snapshot}
    answers = {a.indicator_id: a for a in review.answers.all()}
    return {
        "frozen": None,
        "sections": {s.key: review.section_text(s.key) for s in SECTIONS},
        "rows": [(indicator, answers.get(indicator.pk)) for indicator in indicators],
        "practices": review.practices.all(),
        "municipalities": review.country.municipalities.all(),
        "attachments": review.attachments.all(),
    }


def review_changes(request: HttpRequest, pk: int) -> HttpResponse:
    """The latest submission against the one before, section by section."""
    review = _review(request, pk)
    versions = list(review.snapshots.order_by("-version")[:2])
    if not versions:
        raise Http404
    newer, older = versions[0], (versions[1] if len(versions) > 1 else None)
    titles = {i.code: f"{i.code} {i.title}" for i in services.matrix_indicators(review)}
    changes = snapshots.diff(older.content if older else None, newer.content, titles)
    context = {"review": review, "newer": newer, "older": older, "changes": changes}
    return render(request, "reviews/review_changes.html", context)


def review_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    if action not in ACTIONS:
        raise Http404
    review = _review(request, pk)
    service, permission, needs_reason = ACTIONS[action]
    if not request.user.has_perm(permission):
        raise PermissionDenied
    form = ReasonForm(request.POST or None, required=needs_reason)
    missing = services.missing_for_submission(review) if action == "submit" else []
    if request.method == "POST" and form.is_valid():
        kwargs = {"reason": form.cleaned_data["reason"]} if needs_reason else {}
        try:
            service(review, by=request.user, **kwargs)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                _("Done: the review is now %(status)s.")
                % {"status": Review.objects.get(pk=pk).get_status_display().lower()},
            )
            return redirect("reviews:detail", review.pk)
    open_threads = (
        review.threads.filter(status=ThreadStatus.OPEN).count() if action == "return" else 0
    )
    context = {
        "review": review,
        "action": action,
        "form": form,
        "missing": missing,
        "open_threads": open_threads,
    }
    return render(request, "reviews/review_action.html", context)


@require_POST
def comment_add(request: HttpRequest, pk: int) -> HttpResponse:
    review = _review(request, pk)
    if not request.user.has_perm("reviews.comment_review"):
        raise PermissionDenied
    indicators = list(services.matrix_indicators(review))
    form = CommentForm(request.POST, review=review, indicators=indicators)
    if not form.is_valid():
        return _render_detail(request, review, comment_form=form)
    target = form.cleaned_data["target"]
    thread = CommentThread.objects.create(
        review=review,
        section=target if target in BY_KEY else "",
        indicator=form.indicator_for(target),
    )
    Comment.objects.create(thread=thread, author=request.user, body=form.cleaned_data["body"])
    messages.success(request, _("Your comment was added."))
    return redirect(reverse("reviews:detail", args=[review.pk]) + f"#thread-{thread.pk}")


@require_POST
def comment_reply(request: HttpRequest, pk: int, thread: int) -> HttpResponse:
    review = _review(request, pk)
    if not request.user.has_perm("reviews.comment_review"):
        raise PermissionDenied
    thread_obj = get_object_or_404(review.threads, pk=thread)
    form = ReplyForm(request.POST)
    if not form.is_valid():
        reply = {
            "thread": thread_obj.pk,
            "text": request.POST.get("body", ""),
            "errors": form.errors["body"],
        }
        return _render_detail(request, review, reply=reply)
    Comment.objects.create(thread=thread_obj, author=request.user, body=form.cleaned_data["body"])
    return redirect(reverse("reviews:detail", args=[review.pk]) + f"#thread-{thread_obj.pk}")


@require_POST
def comment_status(request: HttpRequest, pk: int, thread: int) -> HttpResponse:
    review = _review(request, pk)
    if not request.user.has_perm("reviews.decide_review"):
        raise PermissionDenied
    thread_obj = get_object_or_404(review.threads, pk=thread)
    _set_thread(
        thread_obj, request.user, resolved=request.POST.get("status") == ThreadStatus.RESOLVED
    )
    return redirect(reverse("reviews:detail", args=[review.pk]) + f"#thread-{thread_obj.pk}")


def _set_thread(thread: CommentThread, user, *, resolved: bool) -> None:
    thread.status = ThreadStatus.RESOLVED if resolved else ThreadStatus.OPEN
    thread.resolved_at, thread.resolved_by = (timezone.now(), user) if resolved else (None, None)
    thread.save(update_fields=["status", "resolved_at", "resolved_by"])
