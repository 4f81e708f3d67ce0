"""What the cycles announce, for the apps built on them (reviews publishes a cycle's reviews).

Sent inside the transaction of the step, with `cycle` and `by`. Nothing in indicators imports
its receivers.
"""

from django.dispatch import Signal

cycle_published = Signal()
