"""Measure the first page of a large comment thread: server time and number of queries.

Builds, in the configured database, a throwaway municipality with a published process whose running phase
opens comments, and a thread of N comments (a fifth top-level, each with four replies) inserted in bulk.
Then it renders the thread's first page through Django's test client (the whole stack: middleware, view,
templates) ``--runs`` times, writes the percentiles to bench/comment-thread.json and deletes everything it
created.

    BENCHMARK=true python manage.py bench_comment_thread                 # 10,000 comments, 50 runs
    BENCHMARK=true python manage.py bench_comment_thread --comments 100000 --runs 20
"""

import json
import statistics
import time
import uuid
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.test import Client, override_settings
from django.utils import timezone

from kommune.core.comments.models import Comment, Thread
from kommune.core.comments.registry import commentable_for
from kommune.core.comments.selectors import thread_url
from kommune.core.models import Municipality
from kommune.core.processes.models import Phase, Process

REPLIES_PER_COMMENT = 4


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(fraction * (len(ordered) - 1))))
    return ordered[index]


class Command(BaseCommand):
    help = "Render the first page of a comment thread with N comments and report server time and queries."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--comments", type=int, default=10_000, help="comments in the thread (default 10000)")
        parser.add_argument("--runs", type=int, default=50, help="page renders to measure (default 50)")
        parser.add_argument("--output", default=str(Path(settings.BASE_DIR) / "bench" / "comment-thread.json"))

    def handle(self, *args, comments: int, runs: int, output: str, **options) -> None:
        if comments < 1 or runs < 1:
            raise CommandError("--comments and --runs must be at least 1.")
        if commentable_for(Process) is None:
            raise CommandError("Process is not registered as commentable (ProcessesConfig.ready()).")
        tag = uuid.uuid4().hex[:8]
        municipality, users = self._build(tag, comments)
        try:
            result = self._measure(municipality, comments, runs)
        finally:
            self._clean_up(municipality, users)
        path = Path(output)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(result, indent=2) + "\n")
        self._print(result, path)

    # --- Data ---------------------------------------------------------------------------------------------------

    def _build(self, tag: str, total: int) -> tuple[Municipality, list]:
        started = time.perf_counter()
        now = timezone.now()
        with transaction.atomic():
            municipality = Municipality.objects.create(
                name=f"Benchmark {tag}", slug=f"bench-{tag}", official_key=f"99{int(tag, 16) % 10**6:06d}",
                kind=Municipality.Kind.STADT, federal_state="05")
            process = Process.objects.create(
                municipality=municipality, title="Benchmark-Verfahren", slug="benchmark", summary="Viele Kommentare",
                is_published=True, starts_at=now - timedelta(days=1), ends_at=now + timedelta(days=30),
                **({"published_at": now} if hasattr(Process, "published_at") else {}))
            Phase.objects.create(municipality=municipality, process=process, kind=Phase.Kind.DIALOGUE,
                                 starts_at=now - timedelta(days=1), ends_at=now + timedelta(days=30),
                                 features=["comments"])
            User = get_user_model()
            users = User.objects.bulk_create([
                User(email=f"bench-{tag}-{i}@example.invalid", display_name=f"Person {i}", password="!")
                for i in range(20)])
            thread = Thread.objects.create(municipality=municipality, object_id=process.pk,
                                           content_type=ContentType.objects.get_for_model(Process))
            top_level = max(1, total // (1 + REPLIES_PER_COMMENT))
            replies = total - top_level
            tops = Comment.objects.bulk_create([
                Comment(municipality=municipality, thread=thread, author=users[i % len(users)],
                        text=f"Beitrag {i}", text_html=f"<p>Beitrag {i} mit <strong>etwas</strong> Text.</p>")
                for i in range(top_level)], batch_size=2000)
            reply_rows: list[Comment] = []
            counts: dict[int, int] = {}
            for j in range(replies):
                parent = tops[j % top_level]
                counts[parent.pk] = counts.get(parent.pk, 0) + 1
                reply_rows.append(Comment(municipality=municipality, thread=thread, parent=parent,
                                          author=users[j % len(users)], text=f"Antwort {j}",
                                          text_html=f"<p>Antwort {j}</p>"))
            Comment.objects.bulk_create(reply_rows, batch_size=2000)
            for top in tops:
                top.reply_count = counts.get(top.pk, 0)
            Comment.objects.bulk_update(tops, ["reply_count"], batch_size=2000)
            Thread.objects.filter(pk=thread.pk).update(comment_count=total, top_level_count=top_level)
        self.url = thread_url(municipality, process)
        self.stdout.write(f"Built {total:,} comments ({top_level:,} top-level) in "
                          f"{time.perf_counter() - started:.1f} s.")
        return municipality, users

    def _clean_up(self, municipality: Municipality, users: list) -> None:
        with transaction.atomic():
            Thread.objects.filter(municipality=municipality).delete()
            municipality.delete()
            get_user_model().objects.filter(pk__in=[u.pk for u in users]).delete()

    # --- Measuring ----------------------------------------------------------------------------------------------

    def _measure(self, municipality: Municipality, total: int, runs: int) -> dict:
        client = Client()
        timings = []
        with override_settings(ALLOWED_HOSTS=["testserver"]):
            response = client.get(self.url)  # warm up: templates compiled, content types cached
            if response.status_code != 200:
                raise CommandError(f"{self.url} answered {response.status_code}.")
            queries: list[str] = []

            def record(execute, sql, *rest):
                queries.append(sql)
                return execute(sql, *rest)

            with connection.execute_wrapper(record):
                client.get(self.url)
            for _run in range(runs):
                started = time.perf_counter()
                response = client.get(self.url)
                timings.append((time.perf_counter() - started) * 1000)
                assert response.status_code == 200
        return {
            "page": "comment thread, first page (anonymous)",
            "comments": total,
            "runs": runs,
            "database": connection.vendor,
            "queries": len(queries),
            "p50_ms": round(percentile(timings, 0.50), 2),
            "p95_ms": round(percentile(timings, 0.95), 2),
            "max_ms": round(max(timings), 2),
            "mean_ms": round(statistics.fmean(timings), 2),
            "measured_at": timezone.now().isoformat(timespec="seconds"),
        }

    def _print(self, result: dict, path: Path) -> None:
        rows = [("comments", f"{result['comments']:,}"), ("database", result["database"]),
                ("queries", str(result["queries"])), ("p50", f"{result['p50_ms']} ms"),
                ("p95", f"{result['p95_ms']} ms"), ("max", f"{result['max_ms']} ms"), ("runs", str(result["runs"]))]
        width = max(len(name) for name, _value in rows)
        for name, value in rows:
            self.stdout.write(f"{name.ljust(width)}  {value}")
        self.stdout.write(self.style.SUCCESS(f"Written to {path}"))
