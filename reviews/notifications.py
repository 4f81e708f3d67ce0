"""E-mails about reviews, sent by the worker: each goes out once (a Notification row)."""

import datetime

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from accounts.models import User
from accounts.roles import Role
from countries.models import FocalPoint
from indicators.models import CycleStatus, ReviewCycle
from reviews.models import (
    Notification,
    PeerAssessment,
    Review,
    ReviewStatus,
    ThreadStatus,
    Transition,
)
from reviews.workflow import EMAILED, SECRETARIAT

REMINDER_DAYS = (30, 7, 1)
NOT_SUBMITTED = (ReviewStatus.DRAFT, ReviewStatus.RETURNED, ReviewStatus.WITHDRAWN)


def focal_points_of(country) -> list[User]:
    return [
        fp.user for fp in FocalPoint.objects.active().filter(country=country).select_related("user")
    ]


def secretariat() -> list[User]:
    return list(
        User.objects.filter(is_active=True, groups__name__in=[Role.REVIEWER, Role.ADMIN]).distinct()
    )


def send_once(key: str, recipients: list[User], template: str, context: dict) -> bool:
    """Send `template` (<app>/email/<name>, with _subject.txt and _body.txt) to each recipient
    in their language, unless `key` was sent before."""
    with transaction.atomic():
        notification, created = Notification.objects.select_for_update().get_or_create(key=key)
        if not created or not recipients:
            return False
        for user in recipients:
            with translation.override(user.language or settings.LANGUAGE_CODE):
                ctx = context | {"user": user, "site_url": settings.SITE_URL}
                subject = render_to_string(f"{template}_subject.txt", ctx).strip()
                body = render_to_string(f"{template}_body.txt", ctx)
            send_mail(subject, body, None, [user.email])
        notification.recipients = [u.email for u in recipients]
        notification.save(update_fields=["recipients"])
        return True


def notify_transition(transition_id: int) -> int:
    step = Transition.objects.select_related("review__country", "review__cycle", "by").get(
        pk=transition_id
    )
    review = step.review
    context = {
        "review": review,
        "step": step,
        "link": settings.SITE_URL + reverse("reviews:detail", args=[review.pk]),
    }
    emailed = EMAILED.get(step.to_status)
    if not emailed:
        return 0  # internal steps nobody needs to act on
    if emailed == SECRETARIAT:
        recipients = secretariat()
    else:
        recipients = focal_points_of(review.country)
    if step.to_status == ReviewStatus.RETURNED:
        context["open_threads"] = review.threads.filter(status=ThreadStatus.OPEN).prefetch_related(
            "comments"
        )
    template = step.to_status
    return (
        len(recipients)
        if send_once(f"transition:{step.pk}", recipients, f"reviews/email/{template}", context)
        else 0
    )


# Who hears of each step of a peer assessment (reviews/peers.py), and on which page they act.
PEER_EVENTS = {
    "assigned": "peer",  # the peer: an assessment to write
    "returned": "peer",  # the peer: the secretariat asks for another look
    "sent": "secretariat",  # the secretariat: an assessment ready to examine
    "shared": "country",  # the country's focal points: an assessment to read and answer
}


def notify_peer_event(assessment_id: int, event: str, stamp: int) -> int:
    assessment = PeerAssessment.objects.select_related(
        "review__country", "review__cycle", "peer"
    ).get(pk=assessment_id)
    who = PEER_EVENTS[event]
    recipients = {
        "peer": lambda: [assessment.peer] if assessment.peer.is_active else [],
        "secretariat": secretariat,
        "country": lambda: focal_points_of(assessment.review.country),
    }[who]()
    context = {
        "assessment": assessment,
        "review": assessment.review,
        "link": settings.SITE_URL + reverse("reviews:assessment", args=[assessment.pk]),
    }
    key = f"peer:{assessment.pk}:{event}:{stamp}"
    template = f"reviews/email/peer_{event}"
    return len(recipients) if send_once(key, recipients, template, context) else 0


def send_deadline_reminders(today: datetime.date | None = None) -> int:
    """Remind countries that have not submitted, 30, 7 and 1 days before each open deadline."""
    today = today or timezone.localdate()
    sent = 0
    for cycle in ReviewCycle.objects.filter(status=CycleStatus.OPEN, deadline__gte=today):
        days_left = (cycle.deadline - today).days
        due = [d for d in REMINDER_DAYS if days_left <= d]
        if not due:
            continue
        threshold = min(due)  # the most urgent reminder that applies; earlier ones are moot
        submitted = set(
            Review.objects.filter(cycle=cycle)
            .exclude(status__in=NOT_SUBMITTED)
            .values_list("country_id", flat=True)
        )
        countries = {fp.country for fp in FocalPoint.objects.active().select_related("country")}
        for country in sorted(countries, key=lambda c: c.name):
            if country.pk in submitted:
                continue
            context = {"cycle": cycle, "country": country, "days_left": days_left,
                       "link": settings.SITE_URL + reverse("reviews:list")}  # fmt: skip
            key = f"reminder:{cycle.pk}:{country.pk}:{threshold}"
            sent += send_once(key, focal_points_of(country), "reviews/email/reminder", context)
    return sent


MISSED_WINDOW = datetime.timedelta(days=2)


def send_missed() -> int:
    """Send the e-mails of workflow steps of the last two days whose task never reached a
    worker (the broker was down when the step committed)."""
    since = timezone.now() - MISSED_WINDOW
    steps = Transition.objects.filter(at__gte=since, to_status__in=EMAILED)
    return send_missing({f"transition:{pk}": (notify_transition, pk)
                         for pk in steps.values_list("pk", flat=True)})  # fmt: skip


def send_missing(due: dict) -> int:
    """Call the notifier of each {key: (notify, pk)} whose key has not gone out yet. Sending
    twice is harmless: each key goes out once."""
    done = set(Notification.objects.filter(key__in=due).values_list("key", flat=True))
    missed = [due[key] for key in due.keys() - done]
    for notify, pk in missed:
        notify(pk)
    return len(missed)
