"""The concept note's indicators of success, computed from the data (SPEC §1, §7).

Figures from answers come from the approved reviews (their last submitted version); the
others from the country records the secretariat and the focal points keep.
"""

from decimal import Decimal, InvalidOperation

from django.db.models import Count
from django.utils.translation import gettext as _

from countries.models import NETWORK_TARGET, Country, Municipality

# Indicator codes of the seeded matrix (SPEC §4.1: the codes are fixed).
TOOLS_PILOTED, MONEY, NETWORK_MEMBER, PARTNERS, TOOLS_SHARED = "1.5", "1.6", "3.1", "3.2", "3.3"


def _answers(documents, code):
    for document in documents:
        answer = document.snapshot.content["answers"].get(code)
        if answer and not answer.get("not_available"):
            values = answer.get("values") or {}
            yield answer, values.get("total", values.get("value"))


def _sum(documents, code) -> tuple[int, Decimal]:
    countries, total = 0, Decimal(0)
    for _answer, value in _answers(documents, code):
        try:
            number = Decimal(str(value))
        except (InvalidOperation, ValueError):
            continue
        if number.is_finite() and number > 0:
            countries += 1
            total += number
    return countries, total


def indicators_of_success(cycle, documents) -> list[dict]:
    """Rows of {label, value, detail}, in the concept note's order."""
    member_states = Country.objects.filter(is_member_state=True)
    networks = member_states.annotate(n=Count("municipalities")).filter(n__gte=NETWORK_TARGET)
    money: dict[str, Decimal] = {}
    for answer, value in _answers(documents, MONEY):
        try:
            money[answer.get("currency", "")] = money.get(
                answer.get("currency", ""), Decimal(0)
            ) + Decimal(str(value))
        except (InvalidOperation, ValueError):
            continue
    piloted = _sum(documents, TOOLS_PILOTED)
    shared = _sum(documents, TOOLS_SHARED)
    partners = _sum(documents, PARTNERS)
    members = sum(1 for _a, value in _answers(documents, NETWORK_MEMBER) if value is True)
    return [
        {"label": _("Champion countries"), "value": member_states.filter(is_champion=True).count()},
        {
            "label": _("Countries with a designated focal point"),
            "value": member_states.filter(focal_points__is_active=True).distinct().count(),
        },
        {
            "label": _("Financial resources allocated (reported in approved reviews)"),
            "value": "; ".join(f"{amount:,.0f} {code}" for code, amount in sorted(money.items())) or "—",
        },
        {"label": _("Joint tools shared"), "value": f"{shared[1]:,.0f}",
         "detail": _("by %(n)d countries") % {"n": shared[0]}},
        {"label": _("Joint tools piloted"), "value": f"{piloted[1]:,.0f}",
         "detail": _("by %(n)d countries") % {"n": piloted[0]}},
        {"label": _("Countries in the Global Network on Safer Cities"), "value": members},
        {"label": _("Partners engaged in national safer cities networks"), "value": f"{partners[1]:,.0f}"},
        {"label": _("Municipalities in National Tool Networks"),
         "value": Municipality.objects.filter(country__in=member_states).count()},
        {"label": _("Countries meeting the target of %(n)d municipalities") % {"n": NETWORK_TARGET},
         "value": networks.count()},
    ]  # fmt: skip
