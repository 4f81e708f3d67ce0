from django.core.management.base import BaseCommand
from django.db import transaction

from opendata import cache, search
from opendata.models import Passage


class Command(BaseCommand):
    help = (
        "Rebuild the search index of the published reviews (opendata/search.py): for reviews "
        "published before it was kept, or after a change made behind Django's back."
    )

    def handle(self, *args, **options):
        with transaction.atomic():
            passages = search.index_all()
            cache.changed()
        reviews = Passage.objects.values("review").distinct().count()
        self.stdout.write(f"Indexed {passages} passages of {reviews} published reviews.")
