from types import SimpleNamespace
from urllib.parse import urlsplit

from allauth.account.adapter import DefaultAccountAdapter
from allauth.core import context as allauth_context
from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext

from accounts import tasks
from accounts.models import User


class PortalAccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request) -> bool:
        # Nobody self-registers: focal points are invited by the secretariat.
        return False

    def send_mail(self, template_prefix: str, email: str, context: dict) -> None:
        # Render here (the context holds the request), in the recipient's language; send from
        # the worker.
        user = User.objects.filter(email__iexact=email).only("language").first()
        with translation.override((user and user.language) or translation.get_language()):
            # What allauth's own send_mail gives its templates; the site is the portal.
            site = SimpleNamespace(
                name=gettext("Safer Cities Review Portal"),
                domain=urlsplit(settings.SITE_URL).netloc,
            )
            ctx = {"request": allauth_context.request, "email": email, "current_site": site}
            message = self.render_mail(template_prefix, email, ctx | context)
        tasks.send_email_message.delay_on_commit(
            {
                "subject": message.subject,
                "body": message.body,
                "from_email": message.from_email,
                "to": list(message.to),
                "alternatives": [tuple(a) for a in getattr(message, "alternatives", [])],
            }
        )
