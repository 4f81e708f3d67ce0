"""What the reviews announce, for the apps built on them to act on (reports renders PDFs).

Each is sent by a workflow step (reviews/workflow.py STEPS, `hook`) inside the step's
transaction, with `review`, `snapshot` (the version concerned) and `by`; a receiver that queues
work does so after the commit. Nothing in reviews imports its receivers.
"""

from django.dispatch import Signal

review_submitted = Signal()  # a version was submitted: the secretariat's PDF marked DRAFT
review_approved = Signal()  # a version was approved: its final PDF and a new compiled report
reviews_published = Signal()  # a cycle's approved reviews were published (`cycle`, `by`)
