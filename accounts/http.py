"""The request the portal's signed-in views receive, as the type checker should see it."""

from django.http import HttpRequest
from django_htmx.middleware import HtmxDetails

from accounts.models import User


class PortalRequest(HttpRequest):
    """A request behind the sign-in (LoginRequiredMiddleware): `user` is the portal's User,
    never anonymous; `htmx` is set by django-htmx's middleware. Views that anonymous visitors
    reach (marked `login_not_required`) take a plain HttpRequest."""

    user: User  # narrower than HttpRequest's: never anonymous here
    htmx: HtmxDetails
