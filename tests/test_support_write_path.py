"""The support write path (kommune.proposals.services.do_support_proposal): what runs while the proposal's row is
locked, and that nothing that follows a support is lost when the app process dies right after the commit.

The lock is taken by the counter update, so "the locked span" is every statement from that update to the commit.
"""

import os
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from kommune.core import pagecache
from kommune.core.models import OutboxDelivery, OutboxEntry, Role
from kommune.core.notifications.models import Activity, Notification
from kommune.proposals import services
from kommune.proposals.models import Proposal, Support
from tests.factories import MembershipFactory, UserFactory
from tests.factories_proposals import ProposalSettingsFactory, published_proposal

ROOT = Path(__file__).resolve().parent.parent
State = Proposal.State
PROPOSAL_TABLE = Proposal._meta.db_table


def _transaction_of(queries: list[dict]) -> list[str]:
    """The statements of the service's own transaction (a savepoint inside the test's transaction here)."""
    sqls = [query["sql"] for query in queries]
    start = max(i for i, sql in enumerate(sqls) if sql.startswith("SAVEPOINT"))
    end = max(i for i, sql in enumerate(sqls) if sql.startswith("RELEASE SAVEPOINT"))
    return sqls[start + 1:end]


def _locked_span(statements: list[str]) -> list[str]:
    """From the statement that locks the proposal's row (the counter update) to the end of the transaction."""
    first = next(i for i, sql in enumerate(statements)
                 if sql.startswith(f'UPDATE "{PROPOSAL_TABLE}"') or "FOR UPDATE" in sql)
    return statements[first:]


@pytest.mark.django_db
def test_a_support_holds_the_row_lock_only_for_the_counter_update(musterstadt, django_capture_on_commit_callbacks):
    ProposalSettingsFactory(municipality=musterstadt, supporters="registered")
    proposal = published_proposal(musterstadt, required=100)
    person = UserFactory()
    ContentType.objects.get_for_model(Proposal)  # as in a running process, where the content types are cached
    with django_capture_on_commit_callbacks() as hooks, CaptureQueriesContext(connection) as counted:
        services.do_support_proposal(proposal=proposal, user=person)
    statements = _transaction_of(counted.captured_queries)
    locked = _locked_span(statements)
    assert len(locked) == 1 and "RETURNING" in locked[0]  # the update, nothing after it but the commit
    # Before it, and outside the lock: the support row and the outbox entry.
    assert [sql.split()[2].strip('"') for sql in statements[:-1]] == [Support._meta.db_table,
                                                                     OutboxEntry._meta.db_table]
    assert not any("FOR UPDATE" in sql for sql in counted.captured_queries)
    # After the commit: the person's kept supports (proposals.selectors.SUPPORTED), the page cache, then the
    # delivery of the outbox entry.
    assert len(hooks) == 3
    proposal.refresh_from_db()
    assert (proposal.online_supports, proposal.total_supports, proposal.state) == (1, 1, State.COLLECTING)


@pytest.mark.django_db
def test_the_support_that_reaches_the_threshold_moves_the_state_under_the_lock_and_nothing_else(
        musterstadt, django_capture_on_commit_callbacks):
    ProposalSettingsFactory(municipality=musterstadt, supporters="registered")
    proposal = published_proposal(musterstadt, required=1)
    person = UserFactory()
    ContentType.objects.get_for_model(Proposal)
    with django_capture_on_commit_callbacks(), CaptureQueriesContext(connection) as counted:
        services.do_support_proposal(proposal=proposal, user=person)
    locked = _locked_span(_transaction_of(counted.captured_queries))
    # The counter update, the conditional state change (once under any concurrency), the threshold's outbox entry;
    # the staff to notify are looked up at delivery, not here.
    assert len(locked) == 3
    assert locked[1].startswith(f'UPDATE "{PROPOSAL_TABLE}"') and locked[2].startswith(
        f'INSERT INTO "{OutboxEntry._meta.db_table}"')
    proposal.refresh_from_db()
    assert proposal.state == State.THRESHOLD_REACHED


@pytest.mark.django_db
def test_a_support_refused_by_the_update_leaves_nothing_behind(musterstadt):
    ProposalSettingsFactory(municipality=musterstadt, supporters="registered")
    proposal = published_proposal(musterstadt)
    stale = Proposal.objects.get(pk=proposal.pk)  # read while it collected
    Proposal.objects.filter(pk=proposal.pk).update(state=State.WITHDRAWN)
    with pytest.raises(services.ValidationError) as refused:
        services.do_support_proposal(proposal=stale, user=UserFactory())
    assert refused.value.code == "withdrawn"
    assert not Support.objects.exists() and not OutboxEntry.objects.exists()
    proposal.refresh_from_db()
    assert proposal.total_supports == 0


# --- The app process dies right after the commit ------------------------------------------------------------------

SUPPORT_AND_DIE = """
import os, sys
import django

django.setup()
from django.db.backends.base.base import BaseDatabaseWrapper


def die_right_after_the_commit(self):  # Django runs the after-commit hooks here; the process dies instead
    os._exit(17)


BaseDatabaseWrapper.run_and_clear_commit_hooks = die_right_after_the_commit
from kommune.accounts.models import User
from kommune.proposals.models import Proposal
from kommune.proposals.services import do_support_proposal

do_support_proposal(proposal=Proposal.objects.get(pk=int(sys.argv[1])), user=User.objects.get(pk=int(sys.argv[2])))
print("still alive")
"""


def _database_url() -> str:
    database = connection.settings_dict
    user = database["USER"] or ""
    password = f":{database['PASSWORD']}" if database["PASSWORD"] else ""
    return (f"postgres://{user}{password}@{database['HOST'] or '127.0.0.1'}:{database['PORT'] or 5432}/"
            f"{database['NAME']}")


@pytest.mark.django_db(transaction=True)
def test_a_support_whose_process_dies_right_after_the_commit_has_its_follow_up_once(musterstadt):
    if connection.vendor != "postgresql":
        pytest.skip("the dying process needs a database server that a second process shares (PostgreSQL)")
    ProposalSettingsFactory(municipality=musterstadt, supporters="registered")
    proposal = published_proposal(musterstadt, required=1)  # this support reaches the threshold
    staff = MembershipFactory(municipality=musterstadt, role=Role.STAFF).user
    supporter = UserFactory()
    generation = pagecache._tag_key(musterstadt.slug, f"proposal:{proposal.pk}")
    pagecache._generations([generation], {})
    page_before = pagecache.cache.get(generation)

    environment = {**os.environ, "DATABASE_URL": _database_url(), "DEBUG": "true", "TASKS_BACKEND": "database",
                   "DJANGO_SETTINGS_MODULE": "config.settings"}
    died = subprocess.run([sys.executable, "-c", SUPPORT_AND_DIE, str(proposal.pk), str(supporter.pk)],
                          cwd=ROOT, env=environment, capture_output=True, text=True, timeout=120)
    assert died.returncode == 17, died.stderr
    assert "still alive" not in died.stdout

    # Committed: the support, the counters, the state, the two outbox entries; nothing followed yet.
    proposal.refresh_from_db()
    assert (proposal.online_supports, proposal.total_supports, proposal.state) == (1, 1, State.THRESHOLD_REACHED)
    assert Support.objects.filter(proposal=proposal, user=supporter).count() == 1
    pending = OutboxEntry.objects.filter(delivered_at__isnull=True)
    assert sorted(pending.values_list("event", flat=True)) == ["proposal.supported", "proposal.threshold_reached"]
    assert not Activity.objects.filter(verb="proposal.threshold_reached").exists()
    assert not OutboxDelivery.objects.exists()

    for _ in range(2):  # cron, and someone running it by hand as well: once is once
        call_command("deliver_events", stdout=StringIO())
    assert not OutboxEntry.objects.filter(delivered_at__isnull=True).exists()
    assert Activity.objects.filter(verb="proposal.threshold_reached").count() == 1
    assert Notification.objects.filter(user=staff, activity__verb="proposal.threshold_reached").count() == 1
    assert not Notification.objects.filter(user=supporter).exists()
    assert OutboxDelivery.objects.count() == len(set(OutboxDelivery.objects.values_list("entry", "consumer")))
    assert pagecache.cache.get(generation) != page_before  # the proposal's cached pages are stale again
    proposal.refresh_from_db()
    assert (proposal.online_supports, proposal.total_supports) == (1, 1)
