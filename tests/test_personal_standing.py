"""What every page asks of the person looking and keeps in the cache like their roles (kommune/core/personal.py):
whether they are blocked from taking part (the comment form), where they are a verified resident (the support
box), which proposals they support and where they have drafts. A page reads none of it from the database once kept,
and every change reaches the next page."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from kommune.accounts.services import do_verify_at_counter
from kommune.core.moderation import services as moderation
from kommune.proposals import services as proposals
from kommune.proposals.models import ProposalSettings
from tests.factories import UserFactory
from tests.factories_proposals import ProposalSettingsFactory, published_proposal

pytestmark = pytest.mark.django_db

BLOCKED = "You are blocked from taking part in Musterstadt"
NOT_RESIDENT = "Only verified residents of Musterstadt can support proposals."


@pytest.fixture
def proposal(musterstadt, carol):
    ProposalSettingsFactory(municipality=musterstadt, supporters=ProposalSettings.Supporters.VERIFIED)
    return published_proposal(musterstadt, author=carol, title="Trinkbrunnen am Bahnhof")


@pytest.fixture
def frank(musterstadt):
    return UserFactory(email="frank@example.org", display_name="Frank", language="en")


def page_of(person, proposal) -> tuple[str, list[str]]:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(person)
    path = reverse("proposals:detail", kwargs={"municipality_slug": proposal.municipality.slug,
                                               "proposal_id": proposal.pk})
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    assert response.status_code == 200
    return response.content.decode(), [query["sql"] for query in queries.captured_queries]


def test_a_block_and_its_end_reach_the_next_page_and_a_kept_answer_costs_no_query(frank, bob, proposal,
                                                                                  musterstadt):
    page, _ = page_of(frank, proposal)
    assert BLOCKED not in page and 'id="comment-form"' in page
    block = moderation.do_block(moderator=bob, municipality=musterstadt, user=frank,
                                until=timezone.now() + timedelta(days=2), reason="Beleidigungen")
    page, _ = page_of(frank, proposal)
    assert BLOCKED in page and "Beleidigungen" in page and 'id="comment-form"' not in page
    page, queries = page_of(frank, proposal)
    assert BLOCKED in page and not [sql for sql in queries if "moderation_block" in sql]
    moderation.do_unblock(moderator=bob, block=block)  # an update of the row: no signal of its own
    page, _ = page_of(frank, proposal)
    assert BLOCKED not in page and 'id="comment-form"' in page


def test_a_kept_block_ends_on_time_without_a_write(frank, bob, proposal, musterstadt, time_machine):
    until = timezone.now() + timedelta(hours=1)
    moderation.do_block(moderator=bob, municipality=musterstadt, user=frank, until=until, reason="Spam")
    assert BLOCKED in page_of(frank, proposal)[0]
    time_machine.move_to(until + timedelta(seconds=1))
    assert BLOCKED not in page_of(frank, proposal)[0]


def test_a_block_elsewhere_does_not_count_here(frank, dave, proposal, anderstadt):
    moderation.do_block(moderator=dave, municipality=anderstadt, user=frank,
                        until=timezone.now() + timedelta(days=1), reason="Spam")
    assert BLOCKED not in page_of(frank, proposal)[0]


def test_a_verified_residency_reaches_the_support_box_and_a_kept_answer_costs_no_query(frank, carol, proposal,
                                                                                      musterstadt):
    page, _ = page_of(frank, proposal)
    assert NOT_RESIDENT in page
    do_verify_at_counter(municipality=musterstadt, actor=carol, user=frank)
    page, _ = page_of(frank, proposal)
    assert NOT_RESIDENT not in page and "Support this proposal" in page
    page, queries = page_of(frank, proposal)
    assert "Support this proposal" in page and not [sql for sql in queries if "accounts_residency" in sql]
    frank.residencies.all().delete()
    assert NOT_RESIDENT in page_of(frank, proposal)[0]


def test_a_page_reads_all_of_a_persons_caches_in_one_round_trip(frank, proposal):
    from unittest import mock

    from django.core.cache import cache

    page_of(frank, proposal)  # every personal cache of Frank holds a value now
    with mock.patch.object(cache, "get_many", wraps=cache.get_many) as get_many:
        page, _ = page_of(frank, proposal)
    personal = [call for call in get_many.call_args_list if any(":version" in key for key in call.args[0])]
    assert "Support this proposal" in page or NOT_RESIDENT in page
    # The roles, the follows, the blocks, the residencies and the reactions of one person: one read.
    assert len(personal) == 1 and len(personal[0].args[0]) >= 10


def list_of(person, municipality) -> tuple[str, list[str]]:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(person)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("proposals:list", kwargs={"municipality_slug": municipality.slug}))
    assert response.status_code == 200
    return response.content.decode(), [query["sql"] for query in queries.captured_queries]


def test_a_support_and_its_withdrawal_reach_the_list_and_the_page_and_kept_supports_cost_no_query(
        frank, carol, proposal, musterstadt):
    do_verify_at_counter(municipality=musterstadt, actor=carol, user=frank)
    assert "Support this proposal" in page_of(frank, proposal)[0]
    assert "You support this" not in list_of(frank, musterstadt)[0]

    proposals.do_support_proposal(proposal=proposal, user=frank)
    assert "Withdraw my support" in page_of(frank, proposal)[0]  # read again once, after the change
    page, queries = page_of(frank, proposal)
    assert "Withdraw my support" in page and not [sql for sql in queries if "proposals_support" in sql]
    listed, queries = list_of(frank, musterstadt)
    assert "You support this" in listed and not [sql for sql in queries if "proposals_support" in sql]

    proposals.do_withdraw_support(proposal=proposal, user=frank)
    assert "Support this proposal" in page_of(frank, proposal)[0]
    assert "You support this" not in list_of(frank, musterstadt)[0]


def test_a_new_draft_reaches_the_list_and_nobody_without_drafts_costs_a_query(frank, carol, proposal, musterstadt):
    list_of(carol, musterstadt)  # keeps where Carol has drafts: nowhere
    listed, queries = list_of(carol, musterstadt)
    assert 'id="drafts-heading"' not in listed
    assert not [sql for sql in queries if "'draft'" in sql and '"created_at" DESC' in sql]  # drafts_of()
    draft = proposals.do_create_proposal(municipality=musterstadt, author=carol, title="Bänke am Teich",
                                         text="Am Teich fehlen Bänke für ältere Spaziergänger.")
    listed, _ = list_of(carol, musterstadt)
    assert 'id="drafts-heading"' in listed and "Bänke am Teich" in listed
    assert "Bänke am Teich" not in list_of(frank, musterstadt)[0]
    proposals.do_delete_draft(proposal=draft, actor=carol)
    assert 'id="drafts-heading"' not in list_of(carol, musterstadt)[0]
