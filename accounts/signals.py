from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver

from accounts.views import CHOSEN_LANGUAGE


@receiver(user_logged_in, dispatch_uid="accounts.language_chosen_before_sign_in")
def keep_language_chosen_before_sign_in(sender, request, user, **kwargs) -> None:
    """A language picked on the sign-in page becomes the user's preferred language."""
    code = request.session.pop(CHOSEN_LANGUAGE, None) if request is not None else None
    if code and code != user.language:
        user.language = code
        user.save(update_fields=["language"])
