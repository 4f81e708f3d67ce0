from allauth.account.adapter import DefaultAccountAdapter
from django.utils import translation

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
            message = self.render_mail(template_prefix, email, context)
        tasks.send_email_message.delay_on_commit(
            {
                "subject": message.subject,
                "body": message.body,
                "from_email": message.from_email,
                "to": list(message.to),
                "alternatives": [tuple(a) for a in getattr(message, "alternatives", [])],
            }
        )
