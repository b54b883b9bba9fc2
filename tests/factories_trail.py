"""The accountability trail for the tests: a proposal answered with "handed to the council", its referral, and a
council paper with its consultations in a committee and in the council, and its decision."""

from dataclasses import dataclass
from datetime import timedelta

from django.utils import timezone

from kommune.core.models import CouncilReferral
from kommune.core.services import do_refer_to_council
from kommune.council.models import AgendaItem, Consultation, Meeting, Organization, Paper
from kommune.proposals.models import Proposal, ProposalSettings
from tests.factories import MembershipFactory
from tests.factories_proposals import ProposalSettingsFactory, published_proposal


def answered_proposal(municipality, *, outcome: str = Proposal.Outcome.COUNCIL, days_ago: int = 60,
                      **fields) -> Proposal:
    """A proposal answered ``days_ago`` days ago; with the outcome "council", also referred to the council."""
    if not ProposalSettings.objects.filter(municipality=municipality).exists():
        ProposalSettingsFactory(municipality=municipality)
    now = timezone.now()
    answered_at = now - timedelta(days=days_ago)
    fields.setdefault("author", MembershipFactory(municipality=municipality).user)
    proposal = published_proposal(
        municipality, state=Proposal.State.ANSWERED, outcome=outcome, threshold_reached_at=answered_at
        - timedelta(days=10), answer_due_at=answered_at + timedelta(days=20), answered_at=answered_at,
        answer="Der Rat entscheidet im Herbst.", answer_html="<p>Der Rat entscheidet im Herbst.</p>",
        answer_department="Amt für Mobilität", **fields)
    Proposal.objects.filter(pk=proposal.pk).update(published_at=answered_at - timedelta(days=40))
    proposal.refresh_from_db()
    if outcome == Proposal.Outcome.COUNCIL:
        referral = do_refer_to_council(municipality=municipality, source=proposal, actor=None)
        CouncilReferral.objects.filter(pk=referral.pk).update(referred_at=answered_at)
    return proposal


@dataclass
class PaperPath:
    paper: Paper
    committee: Organization
    council: Organization
    committee_meeting: Meeting
    council_meeting: Meeting
    committee_item: AgendaItem
    council_item: AgendaItem


def paper_with_decision(municipality, *, reference: str = "VO/2026/014", decided_days_ago: int = 20,
                        consultations: int = 1, result: str = "einstimmig beschlossen") -> PaperPath:
    """A paper consulted ``consultations`` times in a committee (a week apart, before the council) and decided in
    the council ``decided_days_ago`` days ago."""
    now = timezone.now()
    committee = Organization.objects.create(municipality=municipality, name="Ausschuss für Umwelt und Verkehr")
    council = Organization.objects.create(municipality=municipality, name="Rat der Stadt")
    paper = Paper.objects.create(municipality=municipality, name="Radverkehrskonzept 2030", reference=reference,
                                 paper_type="Beschlussvorlage",
                                 date=(now - timedelta(days=decided_days_ago + 10 + 7 * consultations)).date())
    council_meeting = Meeting.objects.create(municipality=municipality, name="Sitzung des Rates",
                                             organization=council, start=now - timedelta(days=decided_days_ago),
                                             meeting_state=Meeting.State.DONE)
    council_item = AgendaItem.objects.create(municipality=municipality, meeting=council_meeting, order=3,
                                             name=paper.name, result=result,
                                             resolution_text="Der Rat beschließt das Radverkehrskonzept 2030.")
    committee_meeting = committee_item = None
    for number in range(consultations):
        committee_meeting = Meeting.objects.create(
            municipality=municipality, name=f"Sitzung {number} des Ausschusses", organization=committee,
            start=now - timedelta(days=decided_days_ago + 7 * (consultations - number)),
            meeting_state=Meeting.State.DONE)
        committee_item = AgendaItem.objects.create(municipality=municipality, meeting=committee_meeting, order=2,
                                                   name=paper.name, result="empfohlen")
        Consultation.objects.create(municipality=municipality, paper=paper, meeting=committee_meeting,
                                    agenda_item=committee_item, organization=committee, role="Vorberatung")
    Consultation.objects.create(municipality=municipality, paper=paper, meeting=council_meeting,
                                agenda_item=council_item, organization=council, authoritative=True,
                                role="Entscheidung")
    assert committee_meeting is not None and committee_item is not None
    return PaperPath(paper, committee, council, committee_meeting, council_meeting, committee_item, council_item)


def referral_of(proposal: Proposal) -> CouncilReferral:
    from kommune.core.selectors import council_referral_for

    referral = council_referral_for(proposal)
    assert referral is not None
    return referral
