"""Enqueue the computation of every published opinion map that got votes since its last computation."""

from django.core.management.base import BaseCommand
from django.db.models import Exists, OuterRef, Q

from kommune.surveys.models import OpinionMap, Vote
from kommune.surveys.tasks import compute_opinion_map


class Command(BaseCommand):
    help = "Enqueue the computation of the opinion maps with new votes (run from cron)."

    def handle(self, *args, **options) -> None:
        newer = Vote.objects.filter(opinion_map=OuterRef("pk"), created_at__gt=OuterRef("computed_at"))
        due = OpinionMap.objects.filter(is_published=True).filter(Q(computed_at__isnull=True) | Exists(newer))
        count = 0
        for pk in due.values_list("pk", flat=True):
            compute_opinion_map.enqueue(pk)
            count += 1
        self.stdout.write(f"{count} opinion map(s) enqueued")
