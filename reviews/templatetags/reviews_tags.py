from django import template
from django.utils.translation import gettext as _

from indicators.answers import SEXES
from reviews import contributors
from reviews.models import Contributor, status_badge

register = template.Library()
register.filter("badge_class", status_badge)


@register.simple_tag
def answer_display(indicator, answer) -> str:
    """An answer as a reader should see it: labels not codes, values by sex, currency, unit."""
    if answer is None or not answer.is_answered:
        return _("Not answered")
    if answer.not_available:
        return _("Data not available: %(reason)s") % {"reason": answer.reason}
    labels = {o.value: o.label for o in indicator.options.all()}
    sex_labels = dict(SEXES)

    def show(value) -> str:
        if value is True:
            return _("Yes")
        if value is False:
            return _("No")
        return str(labels.get(value, value))

    # Values by sex in the form's order (PostgreSQL's jsonb keeps keys ordered by length).
    order = [key for key, _label in SEXES]
    values = sorted(
        answer.values.items(), key=lambda kv: order.index(kv[0]) if kv[0] in order else -1
    )
    parts = []
    for key, value in values:
        if value in (None, ""):
            continue
        text = show(value)
        parts.append(f"{sex_labels[key]}: {text}" if key in sex_labels else text)
    text = "; ".join(parts)
    if answer.currency:
        text = f"{text} {answer.currency}"
    if indicator.unit and answer.values:
        text = f"{text} {indicator.unit}"
    return text


@register.inclusion_tag("reviews/includes/country_team.html", takes_context=True)
def drafting_team(context, country) -> dict:
    """A country's national drafting team, read-only, for its profile (the countries app knows
    nothing of reviews: its template loads this)."""
    user = context["request"].user
    shown = user.has_perm("reviews.view_contributor")
    members = Contributor.objects.visible_to(user).filter(country=country)
    return {
        "shown": shown,
        "rows": contributors.team_rows(members, list(contributors.open_outcomes()))
        if shown
        else [],
        "can_change": False,
    }
