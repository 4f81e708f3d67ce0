"""E-mails about meetings, sent by the worker, each recipient in their language."""

from django.conf import settings
from django.urls import reverse

from countries.models import Country
from meetings.models import Meeting
from reviews.notifications import focal_points_of, send_once


def confirm_delegation(meeting_id: int, country_id: int, stamp: int) -> int:
    meeting = Meeting.objects.select_related("cycle").get(pk=meeting_id)
    country = Country.objects.get(pk=country_id)
    recipients = focal_points_of(country)
    context = {
        "meeting": meeting,
        "country": country,
        "delegates": list(meeting.delegates.filter(country=country)),
        "link": settings.SITE_URL + reverse("meetings:detail", args=[meeting.pk]),
    }
    key = f"meeting:{meeting.pk}:delegation:{country.pk}:{stamp}"
    sent = send_once(key, recipients, "meetings/email/delegation", context)
    return len(recipients) if sent else 0
