"""The focal point's editor of a review: sections and indicator answers, saved on demand and
automatically (htmx), refused with the other person's text kept when someone saved first.
A national contributor edits the same page with only their part as fields
(reviews/contributors.py): the rest is shown as text, and only their part is saved."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import prefetch_related_objects
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils.html import format_html
from django.utils.translation import gettext as _

from accounts.access import any_permission_required
from accounts.http import PortalRequest
from reviews import carry, contributors, editor, evidence
from reviews.forms import SectionsForm, field_html
from reviews.models import Review, ThreadStatus
from reviews.sections import SECTIONS
from reviews.views.pages import REVIEW


@any_permission_required("reviews.change_review", "reviews.contribute_review", reach=REVIEW)
def review_edit(request: PortalRequest, review: Review) -> HttpResponse:
    """The focal point's editor: sections, indicator answers, autosave; a contributor's part."""
    if not review.is_editable:
        messages.info(
            request,
            _("This review is %(status)s: it is read-only.")
            % {"status": review.get_status_display().lower()},
        )
        return redirect("reviews:detail", review.pk)
    # The answers are read once, here, for the forms and for the progress and missing lists.
    prefetch_related_objects([review], "answers")
    indicators = list(editor.matrix_indicators(review))
    data = request.POST if request.method == "POST" else None
    part = contributors.part_of(request.user)
    sections_form = SectionsForm(data, instance=review, part=part)
    answer_forms = editor.editor_forms(review, indicators, data)
    conflict = None
    if request.method == "POST" and sections_form.is_valid():
        cleaned = sections_form.cleaned_data
        try:
            review = editor.save_draft(
                review, by=request.user, base_version=cleaned["lock_version"],
                sections={s.key: cleaned[s.key] for s in SECTIONS if s.key in cleaned},
                language=cleaned.get("language"), answer_forms=answer_forms, part=part,
            )  # fmt: skip
        except editor.StaleEdit as stale:
            conflict = stale.review
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect("reviews:detail", review.pk)
        else:
            return _saved(request, review, indicators, answer_forms) or editor_page(
                request, review, sections_form, answer_forms, None, indicators
            )
    if request.htmx and request.method == "POST":
        return _save_status(
            request, review, indicators, conflict=conflict, sections_form=sections_form
        )
    return editor_page(request, review, sections_form, answer_forms, conflict, indicators)


def _saved(request: PortalRequest, review: Review, indicators, answer_forms) -> HttpResponse | None:
    """After a save: the status bar (autosave), or back to the editor; None when some answers
    need correcting, so that the page shows their errors with exactly what was typed."""
    if request.htmx:
        return _save_status(request, review, indicators, saved=True)
    part = contributors.part_of(request.user)
    invalid = [
        f.indicator.code
        for f in answer_forms
        if part.has_indicator(f.indicator) and not f.is_valid()
    ]
    if not invalid:
        messages.success(request, _("Saved."))
        return redirect("reviews:edit", review.pk)
    messages.warning(
        request,
        _("Saved. Some answers need correcting: %(codes)s.") % {"codes": ", ".join(invalid)},
    )
    return None


def editor_page(
    request: PortalRequest, review: Review, sections_form=None, answer_forms=None, conflict=None,
    indicators=None, *, comment=None,
) -> HttpResponse:  # fmt: skip
    """The editor as it is stored, or with the forms of a refused save; `comment`: a refused
    comment or reply ({"key", "text", "errors"}) shown where it was written."""
    if indicators is None:
        prefetch_related_objects([review], "answers")
        indicators = list(editor.matrix_indicators(review))
    part = contributors.part_of(request.user)
    sections_form = sections_form or SectionsForm(instance=review, part=part)
    answer_forms = answer_forms or editor.editor_forms(review, indicators)
    context = _editor_context(review, sections_form, answer_forms, conflict, indicators, part)
    context |= evidence.evidence_context(review, request.user)
    context["comment"] = comment
    return render(request, "reviews/review_edit.html", context)


def _save_status(request: PortalRequest, review: Review, indicators, **context) -> HttpResponse:
    """The save-status bar, and (out of band) the up-to-date navigator and "ready to submit"
    section."""
    context["review"] = review
    status = render_to_string("reviews/review_edit.html#save-status", context, request)
    readiness = _readiness(review, indicators, editor.threads_of(review))
    oob = {"review": review, "oob": True, **readiness}
    ready = render_to_string("reviews/review_edit.html#ready", oob, request)
    nav = render_to_string("reviews/review_edit.html#navigator", oob, request)
    return HttpResponse(status + ready + nav)


# The answer fields shown in the second row of an indicator, after the others.
SECOND_ROW = ("source", "note", "reason")


def _editor_context(review, sections_form, answer_forms, conflict, indicators, part) -> dict:
    # Each field's markup is built in Python (reviews.forms.field_html), not by a template per
    # field: the editor has about 150 of them.
    threads = editor.threads_of(review)
    placed = editor.by_anchor(threads)
    by_section, by_outcome = contributors.assignees(review.country)
    _mark_read_only(review, answer_forms, part, by_outcome)
    rows = [
        (
            form,
            []
            if form.read_only
            else [field_html(form[name]) for name in form.fields if name not in SECOND_ROW],
            [] if form.read_only else [field_html(form[name]) for name in SECOND_ROW],
            placed.get(f"indicator-{form.indicator.code}", []),
        )
        for form in answer_forms
    ]
    # Seen next to the label; heard through the field's aria-required (reviews.forms).
    required = format_html(
        ' <span class="badge text-bg-light border" aria-hidden="true">{}</span>', _("required")
    )
    sections = [
        {
            "section": s,
            # a contributor's editor shows the sections not assigned to them as text
            "field": sections_form[s.key] if s.key in sections_form.fields else None,
            "html": field_html(sections_form[s.key], required if s.required else "")
            if s.key in sections_form.fields
            else "",
            "text": review.section_text(s.key),
            "assigned": by_section.get(s.key, []),
            "anchor": f"section-{s.key}",
            "threads": placed.get(f"section-{s.key}", []),
        }
        for s in SECTIONS
    ]
    return {
        "review": review,
        "sections_form": sections_form,
        "language_field": field_html(sections_form["language"])
        if "language" in sections_form.fields
        else "",
        "part": part,
        "section_fields": sections,
        "outcomes": editor.by_outcome(rows, lambda row: row[0].indicator),
        "conflict": conflict,
        "general_threads": placed.get("", []),
        "returned": editor.last_return(review),
        "started_from": carry.started_from(review, indicators),
        **_readiness(review, indicators, threads),
    }


def _mark_read_only(review: Review, answer_forms, part, by_outcome: dict) -> None:
    """Mark the answers outside `part` read-only, each with its stored answer to show and who
    writes it."""
    answers = {a.indicator_id: a for a in review.answers.all()}
    for form in answer_forms:
        form.read_only = not part.has_indicator(form.indicator)
        form.answer = answers.get(form.indicator.pk)
        form.assigned = by_outcome.get(form.indicator.area.outcome.code, [])


def _readiness(review: Review, indicators, threads) -> dict:
    """The "ready to submit" section's lists and the navigator, from the matrix and the
    threads the editor has already read."""
    missing = editor.missing_for_submission(review, indicators)
    progress = editor.progress_of(review, indicators)
    return {
        "missing": missing,
        "progress": progress,
        "navigator": editor.navigator(progress, missing, threads, indicators),
        "open_comments": sum(t.status == ThreadStatus.OPEN for t in threads),
    }
