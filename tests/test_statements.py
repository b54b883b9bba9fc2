"""Statements compiled once (kommune.core.statements): the same rows as the ORM, on either database, for every
later value; the shapes compiled apart; a value the statement drops is an error, not a silent constant."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db.models import F
from django.utils import timezone
from django.utils.functional import SimpleLazyObject

from kommune.core.statements import MAX_SHAPES, Change, Lookup, Update
from kommune.proposals.models import Proposal
from kommune.proposals.selectors import proposal_to_act_on, visible_proposals
from tests.factories_proposals import ProposalFactory, published_proposal


def _counted(build):
    """``build``, counting how often it is called (once per compiled shape)."""
    calls = []

    def counting(**values):
        calls.append(values)
        return build(**values)

    return counting, calls


def test_a_lookup_finds_what_the_orm_finds_for_every_value_and_compiles_once(musterstadt, anderstadt, alice,
                                                                             dave):
    public = [published_proposal(musterstadt) for _ in range(3)]
    alices_draft = ProposalFactory(municipality=musterstadt, author=alice)
    foreign = published_proposal(anderstadt)
    build, calls = _counted(lambda municipality, user, proposal_id: visible_proposals(municipality, user)
                            .select_related(None).filter(pk=proposal_id))
    lookup = Lookup(Proposal, build)

    for user in (alice, dave):
        for proposal in [*public, alices_draft, foreign]:
            found = lookup.first(municipality=musterstadt, user=user, proposal_id=proposal.pk)
            expected = visible_proposals(musterstadt, user).filter(pk=proposal.pk).first()
            assert (found and found.pk) == (expected and expected.pk), (user, proposal)

    assert len(calls) == 1
    assert lookup.first(municipality=musterstadt, user=alice, proposal_id=alices_draft.pk).title == alices_draft.title


def test_an_anonymous_visitor_is_a_shape_of_its_own(musterstadt, alice):
    draft = ProposalFactory(municipality=musterstadt, author=alice)
    public = published_proposal(musterstadt, author=alice)
    build, calls = _counted(lambda municipality, user, proposal_id: visible_proposals(municipality, user)
                            .select_related(None).filter(pk=proposal_id))
    lookup = Lookup(Proposal, build)

    assert lookup.first(municipality=musterstadt, user=alice, proposal_id=draft.pk) is not None
    assert lookup.first(municipality=musterstadt, user=AnonymousUser(), proposal_id=draft.pk) is None
    assert lookup.first(municipality=musterstadt, user=AnonymousUser(), proposal_id=public.pk).pk == public.pk
    assert lookup.first(municipality=musterstadt, user=alice, proposal_id=public.pk).pk == public.pk
    # As the request gives them: lazily.
    assert lookup.first(municipality=musterstadt, user=SimpleLazyObject(lambda: alice), proposal_id=draft.pk)
    assert not lookup.first(municipality=musterstadt, user=SimpleLazyObject(AnonymousUser), proposal_id=draft.pk)

    assert len(calls) == 2


def test_the_support_lookup_keeps_the_tenant_and_leaves_the_texts_unread(musterstadt, anderstadt, alice,
                                                                         django_assert_num_queries):
    proposal = published_proposal(musterstadt)
    foreign = published_proposal(anderstadt)

    with django_assert_num_queries(1):
        found = proposal_to_act_on(musterstadt, alice, proposal.pk)
        assert found.municipality == musterstadt and found.title == proposal.title

    assert found.get_deferred_fields() == {"text", "text_html"}
    # Read as the ORM reads them: times aware (SQLite gives text), the counters as numbers.
    assert found.collection_ends_at == proposal.collection_ends_at and found.collection_ends_at.tzinfo
    assert (found.required_supports, found.state) == (proposal.required_supports, Proposal.State.COLLECTING)
    assert proposal_to_act_on(musterstadt, alice, foreign.pk) is None
    assert proposal_to_act_on(anderstadt, alice, proposal.pk) is None


def test_a_change_puts_each_call_s_time_and_amount_in_place(musterstadt):
    open_proposal = published_proposal(musterstadt, days=10)
    build, calls = _counted(lambda proposal_pk, now, change: Update(
        Proposal.objects.filter(Proposal.collecting_q(now), pk=proposal_pk),
        {"online_supports": F("online_supports") + change, "total_supports": F("total_supports") + change},
        ("online_supports", "state")))
    change = Change(Proposal, build)
    now = timezone.now()

    assert change.returning(proposal_pk=open_proposal.pk, now=now, change=2) == (2, Proposal.State.COLLECTING)
    assert change.returning(proposal_pk=open_proposal.pk, now=now, change=-1) == (1, Proposal.State.COLLECTING)
    # Ten days and a minute later the proposal no longer collects: the new time took the stand-in's place.
    assert change.returning(proposal_pk=open_proposal.pk, now=now + timedelta(days=10, minutes=1), change=5) is None
    assert change.returning(proposal_pk=open_proposal.pk + 1000, now=now, change=5) is None

    open_proposal.refresh_from_db()
    assert open_proposal.online_supports == 1
    assert len(calls) == 1


def test_a_value_the_statement_drops_is_an_error(musterstadt):
    proposal = published_proposal(musterstadt)
    lookup = Lookup(Proposal, lambda proposal_id: Proposal.objects.filter(pk=proposal.pk))

    with pytest.raises(ValueError, match="proposal_id"):
        lookup.first(proposal_id=proposal.pk)


def test_a_lookup_reads_its_own_model_only(musterstadt):
    proposal = published_proposal(musterstadt)

    with pytest.raises(ValueError, match="select_related"):
        Lookup(Proposal, lambda proposal_id: Proposal.objects.select_related("author")
               .filter(pk=proposal_id)).first(proposal_id=proposal.pk)
    with pytest.raises(ValueError, match="annotations"):
        Lookup(Proposal, lambda proposal_id: Proposal.objects.annotate(twice=F("total_supports") * 2)
               .filter(pk=proposal_id)).first(proposal_id=proposal.pk)


def test_a_value_of_another_type_is_refused_before_it_fills_the_memory(musterstadt):
    proposal = published_proposal(musterstadt)
    lookup = Lookup(Proposal, lambda proposal_id, title: Proposal.objects.filter(pk=proposal_id, title=title))

    assert lookup.first(proposal_id=proposal.pk, title=proposal.title).pk == proposal.pk
    with pytest.raises(ValueError, match="shapes"):
        for number in range(MAX_SHAPES + 1):
            lookup.first(proposal_id=proposal.pk, title=f"Titel {number}")
