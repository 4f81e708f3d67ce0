from celery import shared_task
from django.core.mail import EmailMultiAlternatives


@shared_task
def send_invitation(invitation_id: int) -> bool:
    from accounts import services

    return services.send_invitation(invitation_id)


@shared_task
def send_email_message(message: dict) -> None:
    """Send an e-mail rendered in the request (allauth's password reset, for instance)."""
    email = EmailMultiAlternatives(
        subject=message["subject"],
        body=message["body"],
        from_email=message["from_email"],
        to=message["to"],
    )
    for content, mimetype in message.get("alternatives", []):
        email.attach_alternative(content, mimetype)
    email.send()
