"""What reviews does when the cycles announce a step (indicators/signals.py), inside the
step's transaction."""

from django.dispatch import receiver

from indicators import signals
from reviews import services


@receiver(signals.cycle_published)
def publish_the_approved_reviews(sender, cycle, by, **kwargs) -> None:
    services.publish_reviews(cycle, by=by)
