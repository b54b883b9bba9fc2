"""The council's part of the accountability trail: staff attach a council paper to a proposal handed to the
council, and the proposal's page shows the paper, its consultations and the decision, merged in date order with
the proposal's own steps, the answer, the updates and what other features (projects) report."""

import re
from datetime import date, datetime, timedelta
from html import unescape

import pytest
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from kommune.core import trail
from kommune.core.models import CouncilReferral
from kommune.core.notifications.models import Notification
from kommune.core.notifications.services import do_follow
from kommune.core.trail import TrailEntry, register_trail_source, trail_for
from kommune.council.models import Consultation, Paper
from kommune.council.trail import council_trail, paper_url
from kommune.council.trail_events import CouncilPaperAttached
from kommune.council.trail_services import do_attach_paper_to_referral
from kommune.proposals import services as proposals
from kommune.proposals.models import Proposal, ProposalUpdate
from tests.factories_trail import answered_proposal, paper_with_decision, referral_of


@pytest.fixture(autouse=True)
def _english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    with translation.override("en"):
        yield


def text_of(response) -> str:
    html = re.sub(r"<(script|style)[^>]*>.*?</\1>", " ", response.content.decode(), flags=re.S)
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", html))).strip()


def login(client, user) -> None:
    user.language = "en"
    user.save(update_fields=["language"])
    client.force_login(user)


def attached(municipality, actor, **paper_options):
    proposal = answered_proposal(municipality, days_ago=90)
    path = paper_with_decision(municipality, **paper_options)
    do_attach_paper_to_referral(referral=referral_of(proposal), paper=path.paper, actor=actor)
    return proposal, path


# --- The trail source -------------------------------------------------------------------------------------------


def test_the_council_source_returns_the_paper_its_consultations_and_the_decision(musterstadt, carol):
    proposal, path = attached(musterstadt, carol)
    entries = council_trail(proposal)
    assert [(e.source, e.status) for e in entries] == [("council", "paper"), ("council", "consulted"),
                                                       ("council", "decided")]
    paper, consulted, decided = entries
    assert paper.title == "Beschlussvorlage VO/2026/014: Radverkehrskonzept 2030"
    assert paper.when == path.paper.date and paper.url == paper_url(path.paper)
    assert consulted.title == "Vorberatung: Ausschuss für Umwelt und Verkehr"
    assert consulted.when == path.committee_meeting.start and consulted.text == "Result: empfohlen"
    assert decided.title == "Decision (Rat der Stadt): einstimmig beschlossen"
    assert decided.text == "Der Rat beschließt das Radverkehrskonzept 2030."
    assert decided.when == path.council_meeting.start
    assert [e.title for e in trail_for(proposal)] == [e.title for e in entries]  # registered in ready()


@pytest.mark.parametrize(("result", "status"), [("abgelehnt", "rejected"), ("vertagt", "postponed"),
                                                ("zur Kenntnis genommen", "noted"), ("mit Änderungen beschlossen",
                                                                                     "decided")])
def test_the_status_of_the_decision_follows_its_result(result, status, musterstadt, carol):
    proposal, _path = attached(musterstadt, carol, result=result)
    assert council_trail(proposal)[-1].status == status


def test_private_results_deleted_consultations_and_future_meetings_are_told_as_they_are(musterstadt, carol):
    proposal, path = attached(musterstadt, carol)
    path.council_item.public = False
    path.council_item.save()
    entries = council_trail(proposal)
    assert entries[-1].status == "consulted" and "beschlossen" not in entries[-1].title + entries[-1].text
    Consultation.objects.filter(meeting=path.committee_meeting).update(deleted=True)
    path.council_meeting.start = timezone.now() + timedelta(days=7)
    path.council_meeting.save()
    entries = council_trail(proposal)
    assert [e.status for e in entries] == ["paper", "scheduled"]
    path.paper.deleted = True
    path.paper.save()
    assert council_trail(proposal) == []


def test_the_source_is_empty_without_a_referral_or_a_council_paper(musterstadt, carol):
    accepted = answered_proposal(musterstadt, outcome=Proposal.Outcome.ACCEPTED)
    referred = answered_proposal(musterstadt)
    assert council_trail(accepted) == [] and council_trail(referred) == []
    # A paper noted by hand has no consultations to show here.
    from kommune.core.services import do_attach_council_paper

    do_attach_council_paper(referral=referral_of(referred), paper_reference="Drucksache 1",
                            paper_url="https://rat.example/1")
    assert council_trail(referred) == []


@pytest.mark.parametrize("consultations", [1, 12])
def test_the_source_costs_three_queries_however_many_consultations(consultations, musterstadt, carol):
    proposal, _path = attached(musterstadt, carol, consultations=consultations)
    ContentType.objects.get_for_model(Paper)  # the content type cache is warm in a running server
    ContentType.objects.get_for_model(Proposal)
    with CaptureQueriesContext(connection) as queries:
        entries = council_trail(proposal)
    assert len(entries) == consultations + 2
    assert len(queries) <= 3, [q["sql"] for q in queries]


# --- Attaching a paper ------------------------------------------------------------------------------------------


def test_staff_attach_a_paper_and_the_followers_hear_of_it(musterstadt, alice, carol):
    proposal = answered_proposal(musterstadt, author=alice)
    do_follow(user=alice, target=proposal)
    path = paper_with_decision(musterstadt)
    referral = do_attach_paper_to_referral(referral=referral_of(proposal), paper=path.paper, actor=carol)
    assert referral.paper_id == path.paper.pk and referral.paper_reference == "VO/2026/014"
    assert referral.paper_url.endswith(paper_url(path.paper))
    assert Notification.objects.filter(user=alice, activity__verb=CouncilPaperAttached.name,
                                       activity__target_id=proposal.pk).exists()


@pytest.mark.parametrize("who", ["alice", "bob", "dave"])
def test_only_staff_of_the_municipality_attach_a_paper(who, musterstadt, alice, bob, dave):
    proposal = answered_proposal(musterstadt)
    path = paper_with_decision(musterstadt)
    with pytest.raises(PermissionDenied):
        do_attach_paper_to_referral(referral=referral_of(proposal), paper=path.paper,
                                    actor={"alice": alice, "bob": bob, "dave": dave}[who])
    assert referral_of(proposal).paper_id is None


def test_a_foreign_or_deleted_paper_is_refused(musterstadt, anderstadt, carol):
    proposal = answered_proposal(musterstadt)
    foreign = paper_with_decision(anderstadt).paper
    with pytest.raises(ValidationError, match="another municipality"):
        do_attach_paper_to_referral(referral=referral_of(proposal), paper=foreign, actor=carol)
    deleted = paper_with_decision(musterstadt, reference="A/1").paper
    Paper.objects.filter(pk=deleted.pk).update(deleted=True)
    deleted.refresh_from_db()
    with pytest.raises(ValidationError, match="was deleted"):
        do_attach_paper_to_referral(referral=referral_of(proposal), paper=deleted, actor=carol)
    assert referral_of(proposal).paper_id is None


def referrals_url(municipality) -> str:
    return reverse("council_trail:referrals", kwargs={"municipality_slug": municipality.slug})


def attach_url(referral) -> str:
    return reverse("council_trail:attach_paper", kwargs={"municipality_slug": referral.municipality.slug,
                                                         "referral_id": referral.pk})


def test_staff_attach_a_paper_by_its_reference_on_the_referral_page(client, musterstadt, carol):
    proposal = answered_proposal(musterstadt, title="Geschützte Radwege")
    path = paper_with_decision(musterstadt)
    referral = referral_of(proposal)
    login(client, carol)
    listing = text_of(client.get(referrals_url(musterstadt)))
    assert "Geschützte Radwege" in listing and "none yet" in listing
    unknown = client.post(attach_url(referral), {"reference": "VO/1999/001"})
    assert unknown.status_code == 200
    assert "Musterstadt has no council paper with the reference “VO/1999/001”" in text_of(unknown)
    empty = client.post(attach_url(referral), {"reference": ""})
    assert empty.status_code == 200 and "Please check your input" in text_of(empty)
    assert referral_of(proposal).paper_id is None
    response = client.post(attach_url(referral), {"reference": "vo/2026/014"})
    assert response.status_code == 302 and response["Location"] == referrals_url(musterstadt)
    assert referral_of(proposal).paper_id == path.paper.pk
    assert "VO/2026/014" in text_of(client.get(referrals_url(musterstadt)))
    assert "Radverkehrskonzept 2030" in text_of(client.get(attach_url(referral)))


def test_the_referral_pages_are_for_staff_of_the_municipality(client, musterstadt, anderstadt, alice, dave):
    referral = referral_of(answered_proposal(musterstadt))
    assert client.get(referrals_url(musterstadt)).status_code == 302  # to the login
    login(client, alice)
    assert client.get(referrals_url(musterstadt)).status_code == 403
    assert client.post(attach_url(referral), {"reference": "VO/2026/014"}).status_code == 403
    login(client, dave)  # staff of Anderstadt: Musterstadt's referral is not found under Anderstadt
    assert client.get(reverse("council_trail:attach_paper", kwargs={
        "municipality_slug": anderstadt.slug, "referral_id": referral.pk})).status_code == 404


# --- The proposal's page: the whole trail -----------------------------------------------------------------------


@pytest.fixture
def projects_source():
    """What a projects app would report: registered for the test, removed afterwards."""
    def source(matter):
        if not isinstance(matter, Proposal):
            return []
        return [TrailEntry(when=timezone.localdate() - timedelta(days=5), source="projects", title="Bau begonnen",
                           text="Status: in construction", url="/musterstadt/vorhaben/1/", status="in_construction")]

    register_trail_source("projects_in_this_test", source)
    yield
    trail._sources.pop("projects_in_this_test", None)


def test_the_proposal_page_shows_the_whole_trail_in_date_order(client, musterstadt, carol, projects_source):
    proposal, path = attached(musterstadt, carol)
    proposals.do_add_proposal_update(proposal=proposal, actor=carol, kind=ProposalUpdate.Kind.IMPLEMENTATION_STARTED,
                                     happened_on=timezone.localdate() - timedelta(days=2), title="Baubeginn")
    proposals.do_add_proposal_update(
        proposal=proposal, actor=carol, kind=ProposalUpdate.Kind.DECISION,
        happened_on=timezone.localdate(path.council_meeting.start), title="Der Rat hat zugestimmt")
    response = client.get(proposal.get_absolute_url())
    assert response.status_code == 200
    text = text_of(response)
    timeline = text[text.index("Progress of this proposal"):]
    order = ["Published, collecting supports", "Threshold reached", "Answered by the municipality",
             "Handed to the council", "Beschlussvorlage VO/2026/014: Radverkehrskonzept 2030",
             "Vorberatung: Ausschuss für Umwelt und Verkehr",
             "Decision (Rat der Stadt): einstimmig beschlossen", "Der Rat hat zugestimmt", "Bau begonnen",
             "Baubeginn"]
    positions = [timeline.index(step) for step in order]
    assert positions == sorted(positions), list(zip(order, positions, strict=True))
    html = response.content.decode()
    assert f'href="{paper_url(path.paper)}"' in html and 'href="/musterstadt/vorhaben/1/"' in html
    assert "Official answer of Musterstadt" in text and "supports" in text  # answer and support box on one page
    assert html.count("<time datetime=") >= len(order)
    steps = re.findall(r'<li class="proposal-timeline__step', html)
    assert len(steps) == len(order)


def test_the_proposal_page_costs_the_same_queries_however_long_the_trail(client, musterstadt, carol,
                                                                         django_assert_max_num_queries):
    short, _path = attached(musterstadt, carol, consultations=1)
    long = answered_proposal(musterstadt, days_ago=90)
    path = paper_with_decision(musterstadt, reference="VO/2", consultations=10)
    do_attach_paper_to_referral(referral=referral_of(long), paper=path.paper, actor=carol)
    for number in range(6):
        proposals.do_add_proposal_update(proposal=long, actor=carol, kind=ProposalUpdate.Kind.NEWS,
                                         happened_on=timezone.localdate(), title=f"Neuigkeit {number}")
    client.get(short.get_absolute_url())  # warm the caches (content types, settings)
    with CaptureQueriesContext(connection) as first:
        client.get(short.get_absolute_url())
    with django_assert_max_num_queries(len(first)):
        assert "Neuigkeit 5" in text_of(client.get(long.get_absolute_url()))


# --- The demo ---------------------------------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_the_demo_has_a_proposal_whose_trail_runs_to_a_decision_and_a_second_run_changes_nothing(settings):
    settings.DEBUG = True
    call_command("seed_demo", verbosity=0)
    proposal = Proposal.objects.get(municipality__slug="musterstadt", title="Geschützte Radwege auf dem Wallring")
    referral = CouncilReferral.objects.get(source_id=proposal.pk,
                                           source_type=ContentType.objects.get_for_model(Proposal))
    assert referral.paper_id is not None and referral.paper_reference == "VO/2026/014"
    entries = trail_for(proposal)
    assert {"paper", "consulted", "decided"} <= {entry.status for entry in entries}
    kinds = list(proposal.updates.values_list("kind", flat=True))
    assert kinds == [ProposalUpdate.Kind.DECISION, ProposalUpdate.Kind.IMPLEMENTATION_STARTED]
    decided = next(entry for entry in entries if entry.status == "decided")
    assert proposal.updates.first().happened_on == timezone.localdate(decided.when)
    proposal.refresh_from_db()
    first_step = min(entry.when if isinstance(entry.when, date) and not isinstance(entry.when, datetime)
                     else timezone.localdate(entry.when) for entry in entries)
    assert timezone.localdate(proposal.answered_at) < first_step  # answered, then handed on, then decided
    counts = (ProposalUpdate.objects.count(), CouncilReferral.objects.count(), Proposal.objects.count())
    call_command("seed_demo", verbosity=0)
    assert (ProposalUpdate.objects.count(), CouncilReferral.objects.count(), Proposal.objects.count()) == counts


# --- The page cache ---------------------------------------------------------------------------------------------


def test_the_cached_proposal_page_is_renewed_by_an_update_and_by_an_attached_paper(client, musterstadt, carol,
                                                                                  settings):
    settings.PAGE_CACHE_SECONDS = 300
    proposal = answered_proposal(musterstadt, days_ago=90)
    path = paper_with_decision(musterstadt)
    first = client.get(proposal.get_absolute_url())
    assert "einstimmig beschlossen" not in text_of(first)
    assert client.get(proposal.get_absolute_url())["X-Page-Cache"] == "hit"
    do_attach_paper_to_referral(referral=referral_of(proposal), paper=path.paper, actor=carol)
    renewed = client.get(proposal.get_absolute_url())
    assert renewed.get("X-Page-Cache") != "hit" and "einstimmig beschlossen" in text_of(renewed)
    proposals.do_add_proposal_update(proposal=proposal, actor=carol, kind=ProposalUpdate.Kind.NEWS,
                                     happened_on=timezone.localdate(), title="Planung läuft")
    assert "Planung läuft" in text_of(client.get(proposal.get_absolute_url()))
