"""Time the opinion-map computation on synthetic votes with planted groups (the size of issue #12: 2,000
participants × 200 statements), and report whether the groups and the consensus were recovered.

    python manage.py bench_opinion_map                       # the computation alone (NumPy, scikit-learn)
    python manage.py bench_opinion_map --database            # also store the votes and time loading them
"""

import time

from django.core.management.base import BaseCommand
from django.db import transaction


class Rollback(Exception):
    pass


class Command(BaseCommand):
    help = "Time the opinion-map computation on synthetic votes (2,000 participants × 200 statements)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--participants", type=int, default=2000)
        parser.add_argument("--statements", type=int, default=200)
        parser.add_argument("--groups", type=int, default=3)
        parser.add_argument("--participation", type=float, default=0.6)
        parser.add_argument("--database", action="store_true",
                            help="store the votes (in a transaction that is rolled back) and time the whole task")

    def handle(self, *args, **options) -> None:
        from sklearn.metrics import adjusted_rand_score  # type: ignore[import-untyped]

        from kommune.surveys import opinion

        votes, truth, consensus = opinion.synthetic_votes(
            options["participants"], options["statements"], groups=options["groups"],
            participation=options["participation"], seed=1)
        started = time.perf_counter()
        result = opinion.compute(votes)
        elapsed = time.perf_counter() - started
        if result is None:
            self.stdout.write("no map: too few votes")
            return
        ari = adjusted_rand_score(truth[result.participants], result.labels)
        found = set(consensus) <= {item.statement for item in result.consensus}
        self.stdout.write(f"computation: {votes.shape[0]} participants × {votes.shape[1]} statements, "
                          f"{int((votes == votes).sum())} votes: {elapsed:.2f} s; k={result.k}, "
                          f"adjusted Rand index {ari:.3f}, planted consensus found: {found}")
        if options["database"]:
            self._with_database(votes)

    def _with_database(self, votes) -> None:
        from django.contrib.auth import get_user_model

        from kommune.core.models import Municipality
        from kommune.core.processes.models import Process
        from kommune.surveys import services
        from kommune.surveys.models import OpinionMap, Statement, Vote

        try:
            with transaction.atomic():
                municipality = Municipality.objects.order_by("id").first() or Municipality.objects.create(
                    name="Bench", slug="bench-opinion-map", official_key="05999000", kind="kreisfreie_stadt",
                    federal_state="05")
                process = Process.objects.create(municipality=municipality, title="Bench", slug="bench-opinion-map",
                                                 summary="Bench")
                debate = OpinionMap.objects.create(municipality=municipality, process=process, title="Bench")
                statements = Statement.objects.bulk_create(
                    Statement(municipality=municipality, opinion_map=debate, text=f"Aussage {index}")
                    for index in range(votes.shape[1]))
                users = get_user_model().objects.bulk_create(
                    get_user_model()(email=f"bench-{index}@bench.invalid", display_name=f"Bench {index}")
                    for index in range(votes.shape[0]))
                Vote.objects.bulk_create(
                    (Vote(municipality=municipality, opinion_map=debate, statement=statements[column],
                          participant=users[row], value=int(votes[row, column]))
                     for row in range(votes.shape[0]) for column in range(votes.shape[1])
                     if votes[row, column] == votes[row, column]), batch_size=5000)
                started = time.perf_counter()
                stored = services.do_compute_opinion_map(opinion_map=debate)
                elapsed = time.perf_counter() - started
                self.stdout.write(f"task with loading the votes from the database: {elapsed:.2f} s; "
                                  f"k={stored.get('k')}, placed {stored.get('placed')}")
                raise Rollback
        except Rollback:
            pass
