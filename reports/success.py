"""The concept note's indicators of success, computed from the data (SPEC §1, §7).

Figures from answers come from the approved reviews (their last submitted version); the
others from the country records the secretariat and the focal points keep.
"""

import hashlib
from decimal import Decimal, InvalidOperation

from django.core.cache import cache
from django.db.models import Count
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from countries.models import NETWORK_TARGET, Country, Municipality
from countries.services import network_figures
from reports.charts import number

# Indicator codes of the seeded matrix (SPEC §4.1: the codes are fixed).
TOOLS_PILOTED, MONEY, NETWORK_MEMBER, PARTNERS, TOOLS_SHARED = "1.5", "1.6", "3.1", "3.2", "3.3"
EXPERT_MEETINGS = "3.5"  # Inter-governmental Expert Group Meetings attended
CODES = (TOOLS_PILOTED, MONEY, NETWORK_MEMBER, PARTNERS, TOOLS_SHARED, EXPERT_MEETINGS)


def _answers(contents, code):
    for content in contents:
        answer = content.get("answers", {}).get(code)
        if answer and not answer.get("not_available"):
            values = answer.get("values") or {}
            yield answer, values.get("total", values.get("value"))


def _sum(contents, code) -> tuple[int, Decimal]:
    countries, total = 0, Decimal(0)
    for _answer, value in _answers(contents, code):
        try:
            number = Decimal(str(value))
        except (InvalidOperation, ValueError):
            continue
        if number.is_finite() and number > 0:
            countries += 1
            total += number
    return countries, total


def _by(n: int) -> str:
    return ngettext("by %(n)d country", "by %(n)d countries", n) % {"n": n}


def indicators_of_success(contents: list[dict]) -> list[dict]:
    """Rows of {label, value, detail}, in the concept note's order, from the snapshot contents
    of the approved reviews (`approved_contents`) and the country records."""
    member_states = Country.objects.filter(is_member_state=True)
    networks = member_states.annotate(n=Count("municipalities")).filter(n__gte=NETWORK_TARGET)
    money: dict[str, Decimal] = {}
    for answer, value in _answers(contents, MONEY):
        try:
            money[answer.get("currency", "")] = money.get(
                answer.get("currency", ""), Decimal(0)
            ) + Decimal(str(value))
        except (InvalidOperation, ValueError):
            continue
    piloted = _sum(contents, TOOLS_PILOTED)
    shared = _sum(contents, TOOLS_SHARED)
    partners = _sum(contents, PARTNERS)
    members = sum(1 for _a, value in _answers(contents, NETWORK_MEMBER) if value is True)
    meetings = _sum(contents, EXPERT_MEETINGS)
    network = network_figures()  # the secretariat's records of partners and tools
    return [
        {"label": _("Champion countries"), "value": member_states.filter(is_champion=True).count()},
        {
            "label": _("Countries with a designated focal point"),
            "value": member_states.filter(focal_points__is_active=True).distinct().count(),
        },
        {
            "label": _("Financial resources allocated (reported in approved reviews)"),
            "value": "; ".join(f"{number(round(amount))} {code}" for code, amount in sorted(money.items())) or "—",
        },
        {"label": _("Joint tools shared"), "value": network["tools_shared"],
         "detail": _by(network["countries_sharing"])},
        {"label": _("Joint tools piloted"), "value": network["tools_piloted"],
         "detail": _by(network["countries_piloting"])},
        {"label": _("Partners in the Global Network on Safer Cities"), "value": network["partners"],
         "detail": ", ".join(f"{label}: {n}" for label, n in network["partners_by_type"].items() if n)},
        {"label": _("Municipalities in National Tool Networks"),
         "value": Municipality.objects.filter(country__in=member_states).count()},
        {"label": _("Countries meeting the target of %(n)d municipalities") % {"n": NETWORK_TARGET},
         "value": networks.count()},
        # What the approved reviews themselves report (indicators 3.3, 1.5, 3.1, 3.2).
        {"label": _("Tools shared, as reported in approved reviews"), "value": number(round(shared[1])),
         "detail": _by(shared[0])},
        {"label": _("Tools piloted, as reported in approved reviews"), "value": number(round(piloted[1])),
         "detail": _by(piloted[0])},
        {"label": _("Countries reporting membership of the Global Network"), "value": members},
        {"label": _("Partners engaged in national safer cities networks (reported)"),
         "value": number(round(partners[1]))},
        {"label": _("Expert Group Meeting attendances, as reported in approved reviews"),
         "value": number(round(meetings[1])), "detail": _by(meetings[0])},
    ]  # fmt: skip


def approved_contents(cycle) -> list[dict]:
    """The answers each approved (or published) review of the cycle gave in its last submitted
    version to the indicators read here, as snapshot contents ({"answers": …}).

    Snapshots never change, so what they hold is cached under the ids of the snapshots that
    count (one quick query): an approval, a reopening or a new version changes the ids and
    so the key. Reading the answers out of 193 snapshots is most of the dashboard's time."""
    from reviews.models import ReviewStatus, Snapshot

    latest = (
        Snapshot.objects.filter(
            review__cycle=cycle,
            review__status__in=[ReviewStatus.APPROVED, ReviewStatus.PUBLISHED],
        )
        .order_by("review_id", "-version")
        .distinct("review_id")
    )
    ids = list(latest.values_list("pk", flat=True))
    digest = hashlib.sha256(",".join(map(str, sorted(ids))).encode()).hexdigest()
    key = f"success:answers:{cycle.pk}:{digest}:{','.join(CODES)}"
    contents = cache.get(key)
    if contents is None:
        # Only the answers, of the indicators read here: the narrative is most of a snapshot.
        rows = Snapshot.objects.filter(pk__in=ids).order_by("review_id")
        contents = [
            {"answers": {code: answers[code] for code in CODES if code in (answers or {})}}
            for (answers,) in rows.values_list("content__answers")
        ]
        cache.set(key, contents, timeout=24 * 3600)
    return contents
