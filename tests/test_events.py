"""Events: the declarations (who reacts to what), the outbox (after the commit, at least once, once in effect),
and a process that dies between a commit and the delivery of its effects."""

import os
import sqlite3
import subprocess
import sys
from dataclasses import dataclass
from datetime import timedelta
from io import StringIO
from pathlib import Path

import pytest
import time_machine
from django.conf import settings
from django.core.management import call_command
from django.db import connection, transaction
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from kommune.core import event_catalogue, events
from kommune.core.comments.events import CommentPosted
from kommune.core.comments.models import Comment
from kommune.core.comments.services import do_post_comment
from kommune.core.models import OutboxDelivery, OutboxEntry
from kommune.core.moderation.events import UserUnblocked
from kommune.core.moderation.services import do_hide
from kommune.core.notifications.models import Activity, Notification
from kommune.core.notifications.services import do_follow
from kommune.core.search.models import SearchDocument
from kommune.opendata.records.models import RecordSetState
from kommune.proposals import services as proposals
from kommune.proposals.events import (
    ProposalAnswered,
    ProposalPublished,
    ProposalReferred,
    ProposalSupported,
    ProposalSupportWithdrawn,
    ProposalThresholdReached,
)
from kommune.proposals.models import Proposal
from tests.factories import UserFactory
from tests.factories_processes import published_process
from tests.factories_proposals import ProposalSettingsFactory
from tests.test_notifications import run_worker

ROOT = Path(settings.BASE_DIR)


# --- The declarations -------------------------------------------------------------------------------------------


def test_every_event_is_published_handled_and_has_the_consumers_it_requires():
    assert event_catalogue.problems() == []


def test_who_reacts_to_what():
    def reacting(event_type):
        return {consumer.name for consumer in events.consumers_of(event_type)}

    assert reacting(ProposalSupported) == {"opendata_records", "pagecache"}  # no activity, no index
    assert reacting(CommentPosted) == {"notifications", "search", "opendata_records", "pagecache"}
    assert reacting(UserUnblocked) >= {"opendata_records"}
    published = event_catalogue.publishers()
    assert published["UserUnblocked"] == ["kommune/core/moderation/services.py"]
    assert {row.event.name for row in event_catalogue.reactions()} >= {"proposal.supported", "user.unblocked"}


@pytest.fixture
def declared():
    """Event types declared by a test, forgotten afterwards."""
    before, consumers_before = events.event_types(), dict(events._consumers)
    yield
    events._events.clear()
    events._events.update(before)
    events._consumers.clear()
    events._consumers.update(consumers_before)


def test_an_event_that_nobody_publishes_is_found(declared):
    @dataclass(frozen=True)
    class NeverHappens(events.Event):
        name = "test.never_happens"

    events.register_consumer(events.Consumer("test", lambda: {NeverHappens: print}))
    assert "NeverHappens (test.never_happens) is declared or handled but nobody publishes it" in \
        event_catalogue.problems()


def test_a_missing_required_consumer_is_found(declared):
    @dataclass(frozen=True)
    class Unheard(events.Event):
        name = "comment.posted_again"
        requires = ("search",)

    found = event_catalogue.problems()
    assert "Unheard (comment.posted_again) requires the consumer 'search', which does not handle it" in found


def test_two_event_types_cannot_share_a_stored_name(declared):
    with pytest.raises(ValueError, match="proposal.supported"):
        @dataclass(frozen=True)
        class Impostor(events.Event):
            name = "proposal.supported"


def test_the_table_in_the_docs_is_generated_from_the_declarations():
    document = event_catalogue.DOC.read_text(encoding="utf-8")
    assert event_catalogue.BEGIN in document and event_catalogue.END in document
    assert document == event_catalogue.document_with_table(document), \
        "docs/events.md is out of date: run `python manage.py event_table --write`"


# --- The outbox -------------------------------------------------------------------------------------------------


@pytest.fixture
def process(musterstadt):
    return published_process(musterstadt, title="Spielplatz Nord")


@pytest.mark.django_db
def test_the_write_commits_the_outbox_entry_and_the_effects_follow_the_commit(
        process, alice, bob, django_capture_on_commit_callbacks):
    do_follow(user=alice, target=process)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        comment = do_post_comment(actor=bob, target=process, text="Mehr Schatten am Spielplatz")
    [entry] = OutboxEntry.objects.all()
    assert (entry.event, entry.municipality, entry.delivered_at) == ("comment.posted", process.municipality, None)
    assert not Activity.objects.exists() and not SearchDocument.objects.filter(kind="comment").exists()

    for callback in callbacks:
        callback()
    entry.refresh_from_db()
    assert entry.delivered_at is not None and entry.last_error == ""
    assert set(entry.deliveries.values_list("consumer", flat=True)) == {"notifications", "search", "opendata_records"}
    assert Activity.objects.get().target_id == comment.pk
    assert Notification.objects.get().user == alice
    assert SearchDocument.objects.filter(kind="comment", object_id=comment.pk).exists()


@pytest.mark.django_db
def test_a_rolled_back_write_leaves_no_entry_and_no_effect(process, bob):
    with pytest.raises(RuntimeError), transaction.atomic():
        do_post_comment(actor=bob, target=process, text="Gleich wieder weg")
        raise RuntimeError
    assert not OutboxEntry.objects.exists() and not Activity.objects.exists()


@pytest.mark.django_db
def test_delivering_again_has_the_effect_once(process, alice, bob):
    do_follow(user=alice, target=process)
    do_post_comment(actor=bob, target=process, text="Mehr Schatten am Spielplatz")
    assert OutboxEntry.objects.filter(delivered_at__isnull=True).count() == 0
    OutboxEntry.objects.update(delivered_at=None)  # as if the worker died before noting it
    call_command("deliver_events", stdout=StringIO())
    assert events.deliver(OutboxEntry.objects.values_list("pk", flat=True)) == 0  # nothing left to deliver
    assert Activity.objects.count() == 1 and Notification.objects.count() == 1
    assert SearchDocument.objects.filter(kind="comment").count() == 1
    assert OutboxDelivery.objects.count() == 3


@pytest.mark.django_db
def test_a_failing_consumer_neither_undoes_the_write_nor_stops_the_others_and_is_retried(declared, process, bob):
    failures = ["the index is down"]

    def flaky(event):
        if failures:
            raise ConnectionError(failures.pop())
        Comment.objects.filter(pk=event.target.pk).update(text="seen by the flaky consumer")

    events.register_consumer(events.Consumer("test-flaky", lambda: {CommentPosted: flaky}, durable=True))
    comment = do_post_comment(actor=bob, target=process, text="Mehr Schatten am Spielplatz")
    assert Comment.objects.filter(pk=comment.pk).exists()  # the write stands
    entry = OutboxEntry.objects.get()
    assert entry.delivered_at is None and "test-flaky: ConnectionError('the index is down')" in entry.last_error
    assert Activity.objects.count() == 1  # the notifications went ahead

    call_command("deliver_events", stdout=StringIO())
    entry.refresh_from_db()
    assert entry.delivered_at is not None
    assert Comment.objects.get(pk=comment.pk).text == "seen by the flaky consumer"
    assert Activity.objects.count() == 1


@pytest.mark.django_db
def test_consumers_run_outside_the_transaction_of_the_service(declared, process, bob):
    depths = []

    def depth(event):
        depths.append(sum(1 for block in connection.atomic_blocks if not block._from_testcase))

    everything = lambda: dict.fromkeys(events.event_types().values(), depth)  # noqa: E731
    events.register_consumer(events.Consumer("test-durable", everything, durable=True))
    events.register_consumer(events.Consumer("test-after-commit", everything))
    do_post_comment(actor=bob, target=process, text="Mehr Schatten am Spielplatz")
    # The durable consumer in the transaction of its own delivery, the other in none: never in the service's.
    assert sorted(depths) == [0, 1]


# --- A process that dies between the commit and the delivery ----------------------------------------------------

WRITE_AND_DIE = """
import os
from django.db import transaction
from kommune.core.comments.services import do_post_comment
from kommune.core.notifications.services import do_follow
from tests.factories import MunicipalityFactory, UserFactory
from tests.factories_processes import published_process
from tests.factories_proposals import ProposalSettingsFactory

municipality = MunicipalityFactory(slug="musterstadt")
process = published_process(municipality, title="Spielplatz Nord")
alice, bob = UserFactory(email="alice@example.org"), UserFactory(email="bob@example.org")
do_follow(user=alice, target=process)
with transaction.atomic():
    transaction.on_commit(lambda: os._exit(17))  # the first thing after the commit: the process dies
    do_post_comment(actor=bob, target=process, text="Mehr Schatten am Spielplatz")
print("still alive")
"""


def _manage(database: Path, *arguments: str) -> subprocess.CompletedProcess:
    environment = {**os.environ, "DATABASE_URL": f"sqlite:///{database}", "TASKS_BACKEND": "database",
                   "DEBUG": "true", "PAGE_CACHE_SECONDS": "0"}
    environment.pop("REDIS_URL", None)
    return subprocess.run([sys.executable, "manage.py", *arguments], cwd=ROOT, env=environment,
                          capture_output=True, text=True, timeout=300)


def _counts(database: Path) -> dict[str, int]:
    tables = {
        "comments": Comment._meta.db_table, "pending": OutboxEntry._meta.db_table,
        "deliveries": OutboxDelivery._meta.db_table, "activities": Activity._meta.db_table,
        "notifications": Notification._meta.db_table, "documents": SearchDocument._meta.db_table,
        "stale_sets": RecordSetState._meta.db_table,
    }
    conditions = {"pending": " WHERE delivered_at IS NULL", "stale_sets": " WHERE changed_at IS NOT NULL"}
    with sqlite3.connect(database) as db:
        return {name: db.execute(f"SELECT COUNT(*) FROM {table}{conditions.get(name, '')}").fetchone()[0]
                for name, table in tables.items()}


def test_effects_lost_by_a_dying_process_are_delivered_once_by_the_drain_and_the_worker(tmp_path):
    database = tmp_path / "kommune.sqlite3"
    assert _manage(database, "migrate", "--verbosity", "0").returncode == 0

    died = _manage(database, "shell", "--command", WRITE_AND_DIE)
    assert died.returncode == 17, died.stderr
    assert "still alive" not in died.stdout
    before = _counts(database)
    assert before == {"comments": 1, "pending": 1, "deliveries": 0, "activities": 0, "notifications": 0,
                      "documents": 0, "stale_sets": 0}

    for _ in range(2):  # cron, and someone running it by hand as well
        drained = _manage(database, "deliver_events")
        assert drained.returncode == 0, drained.stderr
    assert "Delivered 1 event(s)." not in drained.stdout  # the second run found nothing
    enqueued = _manage(database, "deliver_events", "--enqueue")
    worked = _manage(database, "db_worker", "--batch", "--no-startup-delay", "--no-reload")
    assert enqueued.returncode == 0 and worked.returncode == 0, enqueued.stderr + worked.stderr

    after = _counts(database)
    assert after["comments"] == 1 and after["pending"] == 0
    assert after["deliveries"] == 3  # notifications, search, open-data records: once each
    assert after["activities"] == 1 and after["notifications"] == 1 and after["documents"] == 1
    assert after["stale_sets"] >= 2  # comments, processes (the comment counts)


@pytest.mark.django_db
def test_the_drain_forgets_what_was_delivered_a_week_ago(process, bob):
    do_post_comment(actor=bob, target=process, text="Mehr Schatten am Spielplatz")
    with time_machine.travel(timezone.now() + timedelta(days=6)):
        call_command("deliver_events", stdout=StringIO())
    assert OutboxEntry.objects.count() == 1
    with time_machine.travel(timezone.now() + timedelta(days=7, minutes=1)):
        call_command("deliver_events", stdout=StringIO())
    assert not OutboxEntry.objects.exists() and not OutboxDelivery.objects.exists()


@pytest.mark.django_db
def test_a_hide_delivered_before_the_post_it_hides_still_hides_the_activity(
        process, bob, carol, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks():  # nothing delivered yet
        comment = do_post_comment(actor=carol, target=process, text="Mehr Schatten am Spielplatz")
        do_hide(moderator=bob, comment=comment, reason="Werbung")
    posted, hidden = OutboxEntry.objects.filter(event__startswith="comment.").order_by("pk")
    events.deliver([hidden.pk])  # two workers: the later entry first
    events.deliver([posted.pk])
    assert Activity.objects.get(target_id=comment.pk).is_hidden
    assert not SearchDocument.objects.filter(kind="comment", object_id=comment.pk).exists()


# --- The services publish ---------------------------------------------------------------------------------------


@pytest.fixture
def published(declared):
    """The events published (and committed) while the test runs."""
    seen: list[events.Event] = []
    events.register_consumer(events.Consumer(
        "test-recorder", lambda: dict.fromkeys(events.event_types().values(), seen.append)))
    return seen


@pytest.mark.django_db
def test_the_proposal_services_publish_what_they_did(musterstadt, alice, carol, published):
    ProposalSettingsFactory(municipality=musterstadt, threshold_absolute=2)
    draft = proposals.do_create_proposal(municipality=musterstadt, author=alice, title="Trinkbrunnen am Bahnhof",
                                         text="Im Sommer fehlt am Bahnhof Wasser.")
    assert published == []  # a draft is nobody's business
    proposal = proposals.do_publish_proposal(proposal=draft, actor=alice)
    first, second = UserFactory(), UserFactory()
    proposals.do_support_proposal(proposal=proposal, user=first)
    proposals.do_withdraw_support(proposal=proposal, user=first)
    proposals.do_support_proposal(proposal=proposal, user=first)
    proposals.do_support_proposal(proposal=proposal, user=second)
    proposals.do_answer_proposal(proposal=proposal, actor=carol, outcome=Proposal.Outcome.COUNCIL,
                                 answer="Der Rat entscheidet im Mai.", department="Hauptamt")
    assert [(type(event), event.target.pk, event.actor) for event in published] == [
        (ProposalPublished, proposal.pk, alice),
        (ProposalSupported, proposal.pk, first),
        (ProposalSupportWithdrawn, proposal.pk, first),
        (ProposalSupported, proposal.pk, first),
        (ProposalSupported, proposal.pk, second),
        (ProposalThresholdReached, proposal.pk, second),
        (ProposalAnswered, proposal.pk, carol),
        (ProposalReferred, proposal.pk, carol),
    ]
    assert published[5].data == {"notify_staff": True}  # carol and the other staff, looked up at delivery
    assert published[6].data == {"outcome": "council"}


@pytest.mark.django_db
def test_with_a_deferring_queue_the_writes_of_one_window_share_one_drain(process, bob, settings):
    """The database queue of production: no task per write, one drain of the outbox after the window closes."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    for text in ("Mehr Schatten", "Mehr Bänke", "Mehr Bäume"):
        do_post_comment(actor=bob, target=process, text=text)
    drains = DBTaskResult.objects.filter(task_path__endswith="deliver_pending_events")
    assert drains.count() == 1 and drains.get().run_after > timezone.now()
    assert not DBTaskResult.objects.filter(task_path__endswith=".deliver_events").exists()
    assert OutboxEntry.objects.filter(delivered_at__isnull=True).count() == 3

    with time_machine.travel(timezone.now() + timedelta(seconds=events.DELIVERY_WINDOW_SECONDS + 1)):
        run_worker()
    assert not OutboxEntry.objects.filter(delivered_at__isnull=True).exists()
    assert Activity.objects.filter(verb="comment.posted").count() == 3
