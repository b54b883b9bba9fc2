"""The domain of citizen proposals: services, selectors, notifications, expiry, counters under concurrency.

The pages are tested in tests/test_proposals.py; here the services are called directly, as a view, a
management command or the API would call them.
"""

import threading
from datetime import date, datetime, timedelta
from decimal import Decimal
from io import BytesIO, StringIO
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation
from PIL import Image

from kommune.accounts.services import do_delete_account
from kommune.core.comments.registry import commentable_for
from kommune.core.cursor import KeysetPage
from kommune.core.models import AuditLogEntry, CouncilReferral
from kommune.core.notifications.models import Activity, Follow, Notification
from kommune.core.notifications.services import do_follow
from kommune.core.privacy import export_sections
from kommune.core.records import record_set
from kommune.core.search import services as search_services
from kommune.core.search.models import SearchDocument
from kommune.core.selectors import council_referral_for
from kommune.core.services import do_attach_council_paper
from kommune.proposals import selectors, services
from kommune.proposals.models import Proposal, ProposalSettings, SignatureList, Support
from tests.factories import MembershipFactory, UserFactory
from tests.factories_proposals import (
    CategoryFactory,
    ProposalFactory,
    ProposalSettingsFactory,
    add_supports,
    published_proposal,
    verified_resident,
)

State = Proposal.State
BERLIN = ZoneInfo("Europe/Berlin")


def berlin(*args) -> datetime:
    return datetime(*args, tzinfo=BERLIN)


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def png() -> SimpleUploadedFile:
    buffer = BytesIO()
    Image.new("RGB", (4, 3), "green").save(buffer, format="PNG")
    return SimpleUploadedFile("spielplatz.png", buffer.getvalue(), content_type="image/png")


@pytest.fixture
def rules(musterstadt):
    """Musterstadt's settings: every confirmed account may support; 3 supports; 60 days; answer in 30 days."""
    return ProposalSettingsFactory(municipality=musterstadt)


def write(author, municipality, title="Spielplatz an der Schule sanieren",
          text="Die Geräte sind kaputt und der Sand ist schmutzig.", **fields) -> Proposal:
    return services.do_create_proposal(municipality=municipality, author=author, title=title, text=text, **fields)


def publish(proposal: Proposal) -> Proposal:
    return services.do_publish_proposal(proposal=proposal, actor=proposal.author)


def people(count: int, municipality=None) -> list:
    return [verified_resident(municipality) if municipality else UserFactory() for _ in range(count)]


def notified(user, verb: str) -> bool:
    return Notification.objects.filter(user=user, activity__verb=verb).exists()


def snapshot(proposal: Proposal) -> tuple:
    """Everything a refused write must leave as it was."""
    row = Proposal.objects.get(pk=proposal.pk)
    return (row.state, row.title, row.text, row.online_supports, row.paper_supports, row.total_supports,
            row.threshold_reached_at, row.answered_at, row.outcome, row.updated_at,
            sorted(Support.objects.filter(proposal=proposal).values_list("user_id", flat=True)),
            SignatureList.objects.filter(proposal=proposal).count(), AuditLogEntry.objects.count(),
            Activity.objects.count(), Notification.objects.count(), CouncilReferral.objects.count())


def refused(proposal: Proposal, call, message: str, error=ValidationError) -> None:
    before = snapshot(proposal)
    with pytest.raises(error) as raised:
        call()
    if error is ValidationError:
        assert message in " ".join(raised.value.messages)
    assert snapshot(proposal) == before


# --- The journey ------------------------------------------------------------------------------------------------


def test_a_proposal_runs_from_draft_to_answered_and_tells_everyone_at_each_step(rules, musterstadt, alice, bob,
                                                                                carol, erin):
    with time_machine.travel(berlin(2027, 3, 1, 10), tick=False):
        draft = write(alice, musterstadt)
        assert draft.state == State.DRAFT
        assert list(selectors.visible_proposals(musterstadt, bob)) == []
        assert list(selectors.visible_proposals(musterstadt, alice)) == [draft]
        assert not SearchDocument.objects.filter(kind="proposal").exists()

        proposal = publish(draft)
    assert proposal.state == State.COLLECTING
    assert proposal.required_supports == 3
    assert proposal.published_at == berlin(2027, 3, 1, 10)
    assert proposal.collection_ends_at == berlin(2027, 4, 30, 10)  # by the calendar, across summer time
    assert Follow.objects.filter(user=alice, object_id=proposal.pk).exists()  # the author follows it
    assert Activity.objects.filter(verb="proposal.published", target_id=proposal.pk).count() == 1
    assert SearchDocument.objects.filter(kind="proposal", object_id=proposal.pk).exists()
    do_follow(user=bob, target=proposal)

    first, second = people(2)
    with time_machine.travel(berlin(2027, 3, 2, 9), tick=False):
        services.do_support_proposal(proposal=proposal, user=first)
        services.do_support_proposal(proposal=proposal, user=second)
    proposal.refresh_from_db()
    assert (proposal.online_supports, proposal.paper_supports, proposal.total_supports) == (2, 0, 2)
    assert proposal.state == State.COLLECTING
    assert not Activity.objects.filter(verb="proposal.threshold_reached").exists()

    # A paper list pushes it over the threshold: staff and followers hear of it, the answer deadline starts.
    with time_machine.travel(berlin(2027, 3, 5, 11), tick=False):
        scan = SimpleUploadedFile("liste.pdf", b"%PDF-1.4 scan", content_type="application/pdf")
        services.do_add_signature_list(proposal=proposal, actor=carol, count=1, received_on=date(2027, 3, 4),
                                       scan=scan, note="Bürgerbüro")
    proposal.refresh_from_db()
    assert (proposal.online_supports, proposal.paper_supports, proposal.total_supports) == (2, 1, 3)
    assert proposal.state == State.THRESHOLD_REACHED
    assert proposal.threshold_reached_at == berlin(2027, 3, 5, 11)
    assert proposal.answer_due_at == berlin(2027, 4, 4, 11)  # 30 days later, the same time of day
    for person in (alice, bob, erin):
        assert notified(person, "proposal.threshold_reached"), person
    assert not notified(carol, "proposal.threshold_reached")  # she entered the list herself
    assert not notified(first, "proposal.threshold_reached")  # supporters do not follow automatically
    assert AuditLogEntry.objects.filter(action=AuditLogEntry.Action.PROPOSAL_SIGNATURES_ADDED, actor=carol,
                                        details__count=1).exists()

    # Supports keep coming until the collection ends.
    services.do_support_proposal(proposal=proposal, user=people(1)[0])
    proposal.refresh_from_db()
    assert (proposal.total_supports, proposal.state) == (4, State.THRESHOLD_REACHED)

    with time_machine.travel(berlin(2027, 3, 20, 15), tick=False):
        services.do_answer_proposal(proposal=proposal, actor=carol, outcome=Proposal.Outcome.ACCEPTED,
                                    answer="Wir sanieren den Spielplatz im Sommer.", department="Grünflächenamt")
    proposal.refresh_from_db()
    assert proposal.state == State.ANSWERED
    assert proposal.answered_at == berlin(2027, 3, 20, 15)
    assert proposal.answered_by == carol
    assert proposal.answer_department == "Grünflächenamt"
    assert "<p>Wir sanieren" in proposal.answer_html
    assert notified(alice, "proposal.answered") and notified(bob, "proposal.answered")
    assert AuditLogEntry.objects.filter(action=AuditLogEntry.Action.PROPOSAL_ANSWERED, details__in_time=True).exists()
    stats = selectors.answer_statistics(musterstadt, now=berlin(2027, 5, 1))
    assert stats["answered"] == stats["answered_in_time"] == 1
    assert stats["overdue"] == stats["answered_late"] == 0
    assert stats["median_days"] == 15.2
    assert stats["in_time_percent"] == 100

    # Nobody can support an answered proposal any more.
    refused(proposal, lambda: services.do_support_proposal(proposal=proposal, user=people(1)[0]),
            "The municipality has answered this proposal; supporting is no longer possible.")


def test_online_supports_reach_the_threshold_once(rules, musterstadt, alice, erin):
    proposal = publish(write(alice, musterstadt))
    for person in people(5):
        services.do_support_proposal(proposal=proposal, user=person)
    proposal.refresh_from_db()
    assert (proposal.total_supports, proposal.state) == (5, State.THRESHOLD_REACHED)
    assert Activity.objects.filter(verb="proposal.threshold_reached").count() == 1
    assert Notification.objects.filter(user=erin, activity__verb="proposal.threshold_reached").count() == 1


def test_a_withdrawal_below_the_threshold_keeps_the_threshold_reached(rules, musterstadt, alice):
    proposal = publish(write(alice, musterstadt))
    supporters = people(3)
    for person in supporters:
        services.do_support_proposal(proposal=proposal, user=person)
    services.do_withdraw_support(proposal=proposal, user=supporters[0])
    proposal.refresh_from_db()
    assert (proposal.online_supports, proposal.total_supports) == (2, 2)
    assert proposal.state == State.THRESHOLD_REACHED
    assert not Support.objects.filter(proposal=proposal, user=supporters[0]).exists()
    # and the same person may support again while the collection runs
    services.do_support_proposal(proposal=proposal, user=supporters[0])
    proposal.refresh_from_db()
    assert proposal.total_supports == 3


def test_proposals_expire_after_the_period_unless_they_reached_the_threshold(rules, musterstadt, alice, bob):
    with time_machine.travel(berlin(2027, 1, 10, 8), tick=False):
        lonely = publish(write(alice, musterstadt, title="Parkbank am Teich"))
        popular = publish(write(bob, musterstadt, title="Mehr Bäume"))
        for person in people(3):
            services.do_support_proposal(proposal=popular, user=person)
    with time_machine.travel(berlin(2027, 3, 11, 7, 59), tick=False):
        assert services.do_expire_due_proposals() == 0  # a minute before the end
    with time_machine.travel(berlin(2027, 3, 11, 8, 0), tick=False):
        assert services.do_expire_due_proposals() == 1
        assert services.do_expire_due_proposals() == 0  # nothing twice
    lonely.refresh_from_db()
    popular.refresh_from_db()
    assert (lonely.state, lonely.expired_at) == (State.EXPIRED, berlin(2027, 3, 11, 8))
    assert popular.state == State.THRESHOLD_REACHED
    assert notified(alice, "proposal.expired")
    assert Activity.objects.filter(verb="proposal.expired").count() == 1


def test_the_expiry_command_runs_now_or_enqueues_the_task(rules, musterstadt, alice, settings):
    proposal = published_proposal(musterstadt, author=alice, days=1)
    Proposal.objects.filter(pk=proposal.pk).update(collection_ends_at=timezone.now() - timedelta(minutes=1))
    out = StringIO()
    call_command("expire_proposals", "--now", stdout=out)
    assert "Expired 1 proposal(s)." in out.getvalue()
    assert Proposal.objects.get(pk=proposal.pk).state == State.EXPIRED

    other = published_proposal(musterstadt, author=alice, days=1)
    Proposal.objects.filter(pk=other.pk).update(collection_ends_at=timezone.now() - timedelta(minutes=1))
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
    call_command("expire_proposals", stdout=StringIO())
    assert Proposal.objects.get(pk=other.pk).state == State.EXPIRED


def test_late_paper_lists_can_still_lift_an_expired_proposal(rules, musterstadt, alice, carol):
    with time_machine.travel(berlin(2027, 1, 10, 8), tick=False):
        proposal = publish(write(alice, musterstadt))
    with time_machine.travel(berlin(2027, 3, 12, 9), tick=False):
        services.do_expire_due_proposals()
        services.do_add_signature_list(proposal=proposal, actor=carol, count=5, received_on=date(2027, 3, 11))
        proposal.refresh_from_db()
        assert (proposal.state, proposal.expired_at, proposal.paper_supports) == (State.THRESHOLD_REACHED, None, 5)
        refused(proposal, lambda: services.do_add_signature_list(proposal=proposal, actor=carol, count=2,
                                                                 received_on=date(2027, 3, 12)),
                "lists received later do not count")


def test_answering_council_refers_the_proposal_to_the_council(rules, musterstadt, alice, carol):
    proposal = published_proposal(musterstadt, author=alice, state=State.THRESHOLD_REACHED,
                                  threshold_reached_at=timezone.now(), answer_due_at=timezone.now() + timedelta(days=3))
    do_follow(user=alice, target=proposal)
    services.do_answer_proposal(proposal=proposal, actor=carol, outcome=Proposal.Outcome.COUNCIL,
                                answer="Der Rat entscheidet im Mai.", department="Hauptamt")
    referral = council_referral_for(proposal)
    assert referral is not None and referral.referred_by == carol and referral.municipality == musterstadt
    assert notified(alice, "proposal.referred")
    do_attach_council_paper(referral=referral, paper_reference="Drucksache 2027/0815",
                            paper_url="https://rat.example/vorlage/815")
    referral.refresh_from_db()
    assert (referral.paper_reference, referral.paper_url) == ("Drucksache 2027/0815", "https://rat.example/vorlage/815")
    with pytest.raises(ValidationError):
        do_attach_council_paper(referral=referral, paper_url="javascript:alert(1)")


def test_the_answer_hands_a_proposal_to_the_council_with_its_paper(rules, musterstadt, alice, carol):
    proposal = published_proposal(musterstadt, author=alice, state=State.THRESHOLD_REACHED,
                                  threshold_reached_at=timezone.now(), answer_due_at=timezone.now() + timedelta(days=3))
    services.do_answer_proposal(proposal=proposal, actor=carol, outcome=Proposal.Outcome.COUNCIL,
                                answer="Der Rat entscheidet.", department="Hauptamt",
                                paper_reference=" Drucksache 2027/0815 ", paper_url="https://rat.example/vorlage/815")
    referral = council_referral_for(proposal)
    assert (referral.paper_reference, referral.paper_url) == ("Drucksache 2027/0815", "https://rat.example/vorlage/815")


@pytest.mark.parametrize(("outcome", "papers", "message"), [
    (Proposal.Outcome.ACCEPTED, {"paper_reference": "Drucksache 1"},
     "A council paper belongs only to the outcome “handed to the council”."),
    (Proposal.Outcome.REJECTED, {"paper_url": "https://rat.example/1"},
     "A council paper belongs only to the outcome “handed to the council”."),
    (Proposal.Outcome.COUNCIL, {"paper_url": "javascript:alert(1)"}, "Please enter a complete web address"),
    (Proposal.Outcome.COUNCIL, {"paper_reference": "D" * 101}, "Please shorten the reference"),
])
def test_a_bad_council_paper_refuses_the_whole_answer(outcome, papers, message, rules, musterstadt, alice, carol):
    proposal = published_proposal(musterstadt, author=alice, state=State.THRESHOLD_REACHED,
                                  threshold_reached_at=timezone.now(), answer_due_at=timezone.now() + timedelta(days=3))
    activities = Activity.objects.count()

    refused(proposal, lambda: services.do_answer_proposal(proposal=proposal, actor=carol, outcome=outcome,
                                                          answer="Ja.", department="Bauamt", **papers), message)

    assert not CouncilReferral.objects.exists() and Activity.objects.count() == activities
    assert not AuditLogEntry.objects.filter(action=AuditLogEntry.Action.PROPOSAL_ANSWERED).exists()


def test_editing_is_allowed_until_the_first_support(rules, musterstadt, alice):
    proposal = publish(write(alice, musterstadt))
    category = CategoryFactory(municipality=musterstadt)
    services.do_update_proposal(proposal=proposal, actor=alice, title="Spielplatz sanieren", category=category,
                                latitude="52.520008", longitude=13.404954)
    proposal.refresh_from_db()
    assert (proposal.title, proposal.category, proposal.latitude) == ("Spielplatz sanieren", category,
                                                                      Decimal("52.520008"))
    assert SearchDocument.objects.get(kind="proposal", object_id=proposal.pk).title == "Spielplatz sanieren"
    services.do_add_attachment(proposal=proposal, actor=alice, title="Foto",
                               file=SimpleUploadedFile("plan.pdf", b"%PDF-1.4 plan"))
    services.do_update_proposal(proposal=proposal, actor=alice, image=png(), image_alt="Der kaputte Spielplatz")
    services.do_update_proposal(proposal=proposal, actor=alice, image=None, title="Spielplatz sanieren!")
    proposal.refresh_from_db()
    assert proposal.image.name.startswith("proposals/images/spielplatz") and proposal.title.endswith("!")
    refused(proposal, lambda: services.do_update_proposal(
        proposal=proposal, actor=alice, image=SimpleUploadedFile("kaputt.png", b"not an image")),
        "The image could not be read.")
    services.do_support_proposal(proposal=proposal, user=people(1)[0])
    refused(proposal, lambda: services.do_update_proposal(proposal=proposal, actor=alice, title="Anders"),
            "can no longer be changed")
    refused(proposal, lambda: services.do_add_attachment(proposal=proposal, actor=alice, title="Noch eins",
                                                         file=SimpleUploadedFile("b.pdf", b"%PDF-1.4")),
            "can no longer be changed")


# --- Refusals: a message and no change --------------------------------------------------------------------------


def test_supporting_after_the_period_is_refused(rules, musterstadt, alice):
    proposal = publish(write(alice, musterstadt))
    with time_machine.travel(proposal.collection_ends_at, tick=False):
        refused(proposal, lambda: services.do_support_proposal(proposal=proposal, user=people(1)[0]),
                "supporting is no longer possible")


def test_supporting_twice_is_refused(rules, musterstadt, alice):
    proposal = publish(write(alice, musterstadt))
    person = people(1)[0]
    services.do_support_proposal(proposal=proposal, user=person)
    refused(proposal, lambda: services.do_support_proposal(proposal=proposal, user=person),
            "You already support this proposal.")


def test_supporting_needs_verified_residency_when_the_municipality_says_so(rules, musterstadt, anderstadt, alice):
    rules.supporters = ProposalSettings.Supporters.VERIFIED
    rules.save()
    proposal = publish(write(alice, musterstadt))
    registered = UserFactory()
    elsewhere = verified_resident(anderstadt)
    for person in (registered, elsewhere):
        refused(proposal, lambda person=person: services.do_support_proposal(proposal=proposal, user=person),
                "Only verified residents of Musterstadt can support proposals.")
    services.do_support_proposal(proposal=proposal, user=verified_resident(musterstadt))


def test_supporting_respects_the_minimum_age(rules, musterstadt, alice):
    rules.minimum_age = 16
    rules.save()
    with time_machine.travel(berlin(2027, 3, 1, 12), tick=False):
        proposal = published_proposal(musterstadt, author=alice)
        refused(proposal, lambda: services.do_support_proposal(proposal=proposal, user=UserFactory()),
                "Please enter your date of birth in your profile first.")
        too_young = UserFactory(birth_date=date(2011, 3, 2))  # 16 tomorrow
        refused(proposal, lambda: services.do_support_proposal(proposal=proposal, user=too_young),
                "Only people aged 16 or older can support proposals in Musterstadt.")
        services.do_support_proposal(proposal=proposal, user=UserFactory(birth_date=date(2011, 3, 1)))  # 16 today


def test_authors_support_their_own_proposal_only_when_allowed(rules, musterstadt, alice):
    proposal = publish(write(alice, musterstadt))
    refused(proposal, lambda: services.do_support_proposal(proposal=proposal, user=alice),
            "You cannot support your own proposal in Musterstadt.")
    rules.authors_may_support = True
    rules.save()
    services.do_support_proposal(proposal=proposal, user=alice)
    assert Support.objects.filter(proposal=proposal, user=alice).exists()


def test_a_draft_cannot_be_supported(rules, musterstadt, alice):
    draft = write(alice, musterstadt)
    refused(draft, lambda: services.do_support_proposal(proposal=draft, user=people(1)[0]),
            "has not been published yet")


def test_nothing_works_where_proposals_are_switched_off(rules, musterstadt, alice):
    proposal = publish(write(alice, musterstadt))
    draft = write(alice, musterstadt, title="Noch ein Entwurf")
    rules.is_enabled = False
    rules.save()
    message = "Citizen proposals are switched off in Musterstadt."
    refused(proposal, lambda: services.do_support_proposal(proposal=proposal, user=people(1)[0]), message)
    refused(draft, lambda: publish(draft), message)
    count = Proposal.objects.count()
    with pytest.raises(ValidationError, match="switched off"):
        write(alice, musterstadt, title="Neu")
    assert Proposal.objects.count() == count


def test_withdrawing_without_a_support_or_after_the_period_is_refused(rules, musterstadt, alice):
    proposal = publish(write(alice, musterstadt))
    person = people(1)[0]
    refused(proposal, lambda: services.do_withdraw_support(proposal=proposal, user=person),
            "You do not support this proposal, so there is nothing to withdraw.")
    services.do_support_proposal(proposal=proposal, user=person)
    with time_machine.travel(proposal.collection_ends_at + timedelta(seconds=1), tick=False):
        refused(proposal, lambda: services.do_withdraw_support(proposal=proposal, user=person),
                "a support can no longer be withdrawn")


def test_editing_after_paper_signatures_is_refused(rules, musterstadt, alice, carol):
    proposal = publish(write(alice, musterstadt))
    services.do_add_signature_list(proposal=proposal, actor=carol, count=1, received_on=timezone.localdate())
    refused(proposal, lambda: services.do_update_proposal(proposal=proposal, actor=alice, text="Neu"),
            "can no longer be changed")


def test_only_the_author_edits_and_publishes(rules, musterstadt, alice, bob, carol):
    draft = write(alice, musterstadt)
    for person in (bob, carol):
        refused(draft, lambda person=person: services.do_update_proposal(proposal=draft, actor=person, title="X"),
                "", PermissionDenied)
        refused(draft, lambda person=person: services.do_publish_proposal(proposal=draft, actor=person), "",
                PermissionDenied)


def test_answering_twice_or_too_early_is_refused(rules, musterstadt, alice, carol):
    collecting = publish(write(alice, musterstadt))
    refused(collecting, lambda: services.do_answer_proposal(proposal=collecting, actor=carol, outcome="accepted",
                                                            answer="Ja.", department="Bauamt"),
            "Only a proposal that reached its threshold can be answered.")
    reached = published_proposal(musterstadt, author=alice, state=State.THRESHOLD_REACHED,
                                 threshold_reached_at=timezone.now(), answer_due_at=timezone.now())
    services.do_answer_proposal(proposal=reached, actor=carol, outcome=Proposal.Outcome.REJECTED,
                                answer="Dafür fehlt das Geld, weil …", department="Kämmerei")
    refused(reached, lambda: services.do_answer_proposal(proposal=reached, actor=carol, outcome="accepted",
                                                         answer="Doch ja.", department="Bauamt"),
            "This proposal has already been answered.")


def test_an_answer_needs_outcome_reasons_and_department(rules, musterstadt, alice, carol):
    reached = published_proposal(musterstadt, author=alice, state=State.THRESHOLD_REACHED,
                                 threshold_reached_at=timezone.now(), answer_due_at=timezone.now())
    before = snapshot(reached)
    with pytest.raises(ValidationError) as raised:
        services.do_answer_proposal(proposal=reached, actor=carol, outcome="maybe", answer=" ", department="")
    assert set(raised.value.message_dict) == {"outcome", "answer", "department"}
    assert snapshot(reached) == before


def test_only_staff_answer_and_enter_signature_lists(rules, musterstadt, alice, bob, dave):
    reached = published_proposal(musterstadt, author=UserFactory(), state=State.THRESHOLD_REACHED,
                                 threshold_reached_at=timezone.now(), answer_due_at=timezone.now())
    for person in (alice, bob, dave):
        refused(reached, lambda person=person: services.do_answer_proposal(
            proposal=reached, actor=person, outcome="accepted", answer="Ja.", department="Bauamt"),
            "", PermissionDenied)
        refused(reached, lambda person=person: services.do_add_signature_list(
            proposal=reached, actor=person, count=10, received_on=timezone.localdate()), "", PermissionDenied)
        with pytest.raises(PermissionDenied):
            services.do_update_proposal_settings(municipality=musterstadt, actor=person, threshold_absolute=1)
        with pytest.raises(PermissionDenied):
            services.do_create_category(municipality=musterstadt, actor=person, name="Verkehr")
    assert ProposalSettings.objects.get(municipality=musterstadt).threshold_absolute == 3


def test_bad_signature_lists_are_refused(rules, musterstadt, alice, carol):
    proposal = publish(write(alice, musterstadt))
    tomorrow = timezone.localdate() + timedelta(days=1)
    for count, received_on, message in ((0, timezone.localdate(), "at least 1"),
                                        (5, tomorrow, "cannot be in the future")):
        refused(proposal, lambda count=count, received_on=received_on: services.do_add_signature_list(
            proposal=proposal, actor=carol, count=count, received_on=received_on), message)
    refused(proposal, lambda: services.do_add_signature_list(
        proposal=proposal, actor=carol, count=5, received_on=timezone.localdate(),
        scan=SimpleUploadedFile("liste.exe", b"MZ")), "Please upload a file of one of these types")


def test_bad_input_of_a_proposal_is_refused_field_by_field(rules, musterstadt, anderstadt, alice):
    foreign = CategoryFactory(municipality=anderstadt)
    with pytest.raises(ValidationError) as raised:
        write(alice, musterstadt, title=" ", text="x" * 10_001, category=foreign, latitude="52.5")
    assert set(raised.value.message_dict) == {"title", "text", "category", "latitude"}
    assert not Proposal.objects.exists()


def test_creating_needs_a_confirmed_account_in_the_municipality(rules, musterstadt, alice, dave):
    unconfirmed = UserFactory(email_confirmed_at=None)
    MembershipFactory(user=unconfirmed, municipality=musterstadt)
    for person in (unconfirmed, dave, UserFactory()):
        with pytest.raises(PermissionDenied):
            write(person, musterstadt)
    assert not Proposal.objects.exists()


# --- Settings and the threshold ---------------------------------------------------------------------------------


def test_settings_have_defaults_without_a_row(musterstadt):
    defaults = services.get_settings(musterstadt)
    assert defaults.pk is None
    assert defaults.is_enabled is True
    assert defaults.supporters == ProposalSettings.Supporters.VERIFIED
    assert (defaults.threshold_kind, defaults.threshold_absolute) == (ProposalSettings.ThresholdKind.ABSOLUTE, 500)
    assert (defaults.collection_days, defaults.answer_days, defaults.minimum_age) == (120, 90, 0)
    assert not ProposalSettings.objects.exists()


@pytest.mark.parametrize(("population", "share", "expected"), [
    (12_345, "1.00", 124),  # 123.45 rounded up
    (10_000, "1.00", 100),  # exact
    (12_345, "0.50", 62),  # 61.725
    (50, "0.01", 1),  # never below one
])
def test_a_share_of_the_population_is_rounded_up(musterstadt, population, share, expected):
    musterstadt.population = population
    settings_row = ProposalSettings(municipality=musterstadt, threshold_kind=ProposalSettings.ThresholdKind.SHARE,
                                    threshold_share=Decimal(share))
    assert services.required_supports(settings_row, musterstadt) == expected


def test_a_published_proposal_keeps_its_threshold_when_the_settings_change(musterstadt, alice, erin):
    musterstadt.population = 20_000
    musterstadt.save()
    services.do_update_proposal_settings(municipality=musterstadt, actor=erin, supporters="registered",
                                         threshold_kind="share", threshold_share=Decimal("2.5"))
    proposal = publish(write(alice, musterstadt))
    assert proposal.required_supports == 500
    services.do_update_proposal_settings(municipality=musterstadt, actor=erin, threshold_kind="absolute",
                                         threshold_absolute=10)
    proposal.refresh_from_db()
    assert proposal.required_supports == 500
    entry = AuditLogEntry.objects.filter(action=AuditLogEntry.Action.PROPOSAL_SETTINGS_CHANGED).first()
    assert entry.actor == erin and entry.details["changed"]["threshold_absolute"] == [500, 10]


def test_settings_refuse_a_share_without_population_and_bad_values(musterstadt, erin):
    with pytest.raises(ValidationError, match="population of Musterstadt, which is not recorded"):
        services.do_update_proposal_settings(municipality=musterstadt, actor=erin, threshold_kind="share")
    with pytest.raises(ValidationError) as raised:
        services.do_update_proposal_settings(municipality=musterstadt, actor=erin, minimum_age=30,
                                             collection_days=0, supporters="everybody")
    assert set(raised.value.message_dict) == {"minimum_age", "collection_days", "supporters"}
    assert not ProposalSettings.objects.exists()
    assert not AuditLogEntry.objects.exists()


def test_categories_get_unique_addresses(musterstadt, carol):
    category = services.do_create_category(municipality=musterstadt, actor=carol, name="Straßen und Wege")
    assert category.slug == "strassen-und-wege"
    with pytest.raises(ValidationError, match="already exists"):
        services.do_create_category(municipality=musterstadt, actor=carol, name="Straßen und Wege")


# --- Similarity, search, comments, open data, privacy -----------------------------------------------------------


def test_similar_proposals_are_found_by_german_word_stems(rules, musterstadt, anderstadt, alice, dave):
    playground = publish(write(alice, musterstadt, title="Spielplatz an der Schule sanieren"))
    publish(write(alice, musterstadt, title="Busverbindung am Sonntag", text="Der Bus fährt sonntags nicht."))
    write(alice, musterstadt, title="Spielplatz im Park sanieren")  # a draft is never suggested
    ProposalSettingsFactory(municipality=anderstadt)
    publish(write(dave, anderstadt, title="Spielplätze sanieren"))  # another municipality
    found = selectors.similar_proposals(musterstadt, title="Spielplätze sanieren")
    assert found == [playground]
    assert selectors.similar_proposals(musterstadt, title="Spielplätze sanieren", exclude=playground) == []
    assert selectors.similar_proposals(musterstadt, title="und oder die") == []  # only stop words


def test_comments_are_open_while_the_proposal_collects(rules, musterstadt, alice):
    commentable = commentable_for(Proposal)
    proposal = published_proposal(musterstadt, author=alice)
    now = timezone.now()
    assert commentable.is_open(proposal, now)
    proposal.state = State.THRESHOLD_REACHED
    assert commentable.is_open(proposal, now)
    for state in (State.DRAFT, State.ANSWERED, State.EXPIRED):
        proposal.state = state
        assert not commentable.is_open(proposal, now)
    assert not commentable.is_visible(ProposalFactory(municipality=musterstadt), None)


def test_the_record_set_has_no_personal_data(rules, musterstadt, alice):
    proposal = publish(write(alice, musterstadt, latitude="52.5", longitude="13.4"))
    services.do_support_proposal(proposal=proposal, user=people(1)[0])
    write(alice, musterstadt, title="Entwurf")
    records = record_set("proposals")
    rows = list(records.rows(musterstadt))
    assert len(rows) == 1
    assert set(rows[0]) == {column.name for column in records.columns}
    assert rows[0]["total_supports"] == 1 and rows[0]["comment_count"] == 0
    assert rows[0]["latitude"] == 52.5
    assert rows[0]["url"].endswith(f"/musterstadt/vorschlaege/{proposal.pk}/")
    assert "alice" not in str(rows).lower()


def test_the_export_lists_proposals_and_supports_and_deletion_keeps_counted_supports(rules, musterstadt, alice,
                                                                                     bob):
    proposal = publish(write(alice, musterstadt))
    draft = write(alice, musterstadt, title="Nur ein Entwurf")
    services.do_support_proposal(proposal=proposal, user=bob)
    exported = export_sections(alice)
    assert [p["title"] for p in exported["proposals"]] == ["Spielplatz an der Schule sanieren", "Nur ein Entwurf"]
    assert export_sections(bob)["proposal_supports"][0]["proposal"] == "Spielplatz an der Schule sanieren"

    bob.birth_date = date(1990, 1, 1)
    bob.save()
    do_delete_account(user=bob)
    do_delete_account(user=alice)
    proposal.refresh_from_db()
    bob.refresh_from_db()
    assert bob.birth_date is None
    assert proposal.author_id == alice.pk and proposal.total_supports == 1  # stays, under the deleted account
    assert Support.objects.filter(proposal=proposal, user=bob).exists()
    assert not Proposal.objects.filter(pk=draft.pk).exists()


# --- Query counts -----------------------------------------------------------------------------------------------


def _bulk_proposals(municipality, count: int, category) -> None:
    now = timezone.now()
    Proposal.objects.bulk_create([
        Proposal(municipality=municipality, title=f"Spielplatz Nummer {i} sanieren", text="Text",
                 text_html="<p>Text</p>",
                 category=category, area="Nord", state=State.COLLECTING if i % 3 else State.ANSWERED,
                 outcome="" if i % 3 else "accepted", required_supports=10, online_supports=i, total_supports=i,
                 published_at=now - timedelta(minutes=i), collection_ends_at=now + timedelta(days=i),
                 threshold_reached_at=now if i % 3 == 0 else None, answer_due_at=now if i % 3 == 0 else None,
                 answered_at=now + timedelta(minutes=i) if i % 3 == 0 else None)
        for i in range(count)])
    search_services.do_rebuild_index()


def _queries(municipality, user, category) -> list[int]:
    counts = []
    calls = [
        lambda: selectors.proposal_page(municipality, user),
        lambda: selectors.proposal_page(municipality, user, sort="newest", category=category.slug, area="Nord"),
        lambda: selectors.proposal_page(municipality, user, sort="answered", state="answered"),
        lambda: selectors.proposal_page(municipality, user, sort="deadline"),
        lambda: selectors.similar_proposals(municipality, title="Spielplätze sanieren"),
        lambda: selectors.answer_statistics(municipality),
        lambda: selectors.state_counts(municipality),
        lambda: selectors.comment_counts(selectors.feed_proposals(municipality)),
        lambda: selectors.mapped_proposals(municipality),
    ]
    for call in calls:
        with CaptureQueriesContext(connection) as queries:
            result = call()
            rows = result.items if isinstance(result, KeysetPage) else result if isinstance(result, list) else []
            for proposal in rows:
                str(proposal.category), str(proposal.municipality), getattr(proposal, "user_supports", None)
        counts.append(len(queries))
    return counts


def test_query_counts_do_not_grow_with_the_number_of_proposals(musterstadt, anderstadt, alice, dave):
    small_category = CategoryFactory(municipality=musterstadt)
    large_category = CategoryFactory(municipality=anderstadt)
    _bulk_proposals(musterstadt, 10, small_category)
    _bulk_proposals(anderstadt, 200, large_category)
    for user in (alice, dave):
        small, large = _queries(musterstadt, user, small_category), _queries(anderstadt, user, large_category)
        assert small == large


def test_the_list_pages_through_every_sort_without_gaps(musterstadt, alice):
    category = CategoryFactory(municipality=musterstadt)
    _bulk_proposals(musterstadt, 45, category)
    for sort, state, expected in (("supports", None, 45), ("newest", None, 45), ("answered", None, 15),
                                  ("deadline", None, 30)):
        seen, cursor = [], None
        while True:
            page = selectors.proposal_page(musterstadt, alice, sort=sort, state=state, cursor=cursor)
            seen += [proposal.pk for proposal in page.items]
            if not page.next_cursor:
                break
            cursor = page.next_cursor
        assert len(seen) == len(set(seen)) == expected == selectors.proposal_count(musterstadt, sort=sort,
                                                                                   state=state), sort
        if page.prev_cursor:
            back = selectors.proposal_page(musterstadt, alice, sort=sort, cursor=page.prev_cursor)
            assert [p.pk for p in back.items] == seen[-len(page.items) - selectors.PAGE_SIZE:-len(page.items)], sort
        else:
            assert expected <= selectors.PAGE_SIZE
    page = selectors.proposal_page(musterstadt, alice, sort="deadline")
    ends = [proposal.collection_ends_at for proposal in page.items]
    assert ends == sorted(ends)


def test_the_count_of_the_list_matches_its_pages_for_every_filter(musterstadt, alice):
    category = CategoryFactory(municipality=musterstadt)
    _bulk_proposals(musterstadt, 30, category)
    ProposalFactory(municipality=musterstadt, author=alice, category=category)  # a draft: never listed or counted
    filters = [{}, {"state": State.COLLECTING}, {"state": State.ANSWERED, "sort": "answered"},
               {"category": category}, {"category": category.slug, "sort": "newest"}, {"area": "Nord"},
               {"state": State.THRESHOLD_REACHED, "sort": "deadline"}, {"state": State.EXPIRED, "sort": "deadline"},
               {"state": State.DRAFT}, {"state": "unbekannt"}, {"category": "gibt-es-nicht"}]
    for chosen in filters:
        seen, cursor = 0, None
        while True:
            page = selectors.proposal_page(musterstadt, alice, cursor=cursor, **chosen)
            seen += len(page.items)
            if not (cursor := page.next_cursor):
                break
        with CaptureQueriesContext(connection) as counting:
            assert selectors.proposal_count(musterstadt, **chosen) == seen, chosen
        assert len(counting.captured_queries) <= 2, chosen  # the count, and the category of a slug


# --- Concurrency (PostgreSQL: real parallel connections) --------------------------------------------------------


def _in_parallel(count: int, work) -> list:
    barrier = threading.Barrier(count)
    errors: list = []

    def run(index: int) -> None:
        try:
            barrier.wait()
            work(index)
        except Exception as error:  # noqa: BLE001 - reported by the test
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return errors


def _needs_postgresql() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("needs real row locks and parallel connections (PostgreSQL)")


def _exact(proposal: Proposal) -> Proposal:
    proposal.refresh_from_db()
    assert proposal.online_supports == Support.objects.filter(proposal=proposal).count()
    assert proposal.total_supports == proposal.online_supports + proposal.paper_supports
    return proposal


# Fifty connections at a time (the server allows 100), so 200 people come in four waves of 50 at once.
CONNECTIONS = 50


@pytest.mark.django_db(transaction=True)
def test_two_hundred_people_supporting_at_once_are_counted_exactly_on_postgresql(musterstadt):
    _needs_postgresql()
    ProposalSettingsFactory(municipality=musterstadt)
    proposal = published_proposal(musterstadt, required=150)
    supporters = [UserFactory() for _ in range(200)]
    errors = _in_parallel(CONNECTIONS, lambda i: [
        services.do_support_proposal(proposal=Proposal.objects.get(pk=proposal.pk), user=supporters[j])
        for j in range(i, 200, CONNECTIONS)])
    assert not errors
    proposal = _exact(proposal)
    assert proposal.total_supports == 200
    assert Support.objects.filter(proposal=proposal).count() == 200
    assert proposal.state == State.THRESHOLD_REACHED
    assert Activity.objects.filter(verb="proposal.threshold_reached").count() == 1


@pytest.mark.django_db(transaction=True)
def test_fifty_supports_of_one_person_at_once_count_once_on_postgresql(musterstadt):
    _needs_postgresql()
    ProposalSettingsFactory(municipality=musterstadt)
    proposal = published_proposal(musterstadt)
    person = UserFactory()
    errors = _in_parallel(50, lambda i: services.do_support_proposal(
        proposal=Proposal.objects.get(pk=proposal.pk), user=person))
    assert len(errors) == 49
    assert all(isinstance(error, ValidationError) and error.code == "duplicate" for error in errors)
    proposal = _exact(proposal)
    assert proposal.total_supports == 1
    assert Support.objects.filter(proposal=proposal, user=person).count() == 1


@pytest.mark.django_db(transaction=True)
def test_withdrawals_and_supports_at_once_keep_the_counter_exact_on_postgresql(musterstadt):
    _needs_postgresql()
    ProposalSettingsFactory(municipality=musterstadt)
    proposal = published_proposal(musterstadt, required=1000)
    leaving = [UserFactory() for _ in range(20)]
    coming = [UserFactory() for _ in range(20)]
    add_supports(proposal, leaving)
    one = UserFactory()

    def work(i: int) -> None:
        fresh = Proposal.objects.get(pk=proposal.pk)
        if i < 20:
            services.do_withdraw_support(proposal=fresh, user=leaving[i])
        elif i < 40:
            services.do_support_proposal(proposal=fresh, user=coming[i - 20])
        else:  # one person supporting and withdrawing at once, back and forth
            try:
                if i % 2:
                    services.do_support_proposal(proposal=fresh, user=one)
                else:
                    services.do_withdraw_support(proposal=fresh, user=one)
            except ValidationError:
                pass

    errors = _in_parallel(CONNECTIONS, work)
    assert not errors
    proposal = _exact(proposal)
    assert not Support.objects.filter(proposal=proposal, user__in=leaving).exists()
    assert Support.objects.filter(proposal=proposal, user__in=coming).count() == 20
    assert proposal.total_supports in (20, 21)


# --- The date of birth (for the minimum age) --------------------------------------------------------------------


def test_people_enter_their_date_of_birth_in_the_profile(client, alice):
    alice.language = "en"  # the English message is read below
    alice.save(update_fields=["language"])
    client.force_login(alice, backend="kommune.accounts.backends.EmailBackend")
    data = {"display_name": "Alice", "real_name": "", "language": "en"}
    response = client.post(reverse("accounts:profile"), {**data, "birth_date": "2099-01-01"})
    assert response.status_code == 200
    assert "The date of birth cannot be in the future." in response.content.decode()
    alice.refresh_from_db()
    assert alice.birth_date is None

    assert client.post(reverse("accounts:profile"), {**data, "birth_date": "2008-05-17"}).status_code == 302
    alice.refresh_from_db()
    assert alice.birth_date == date(2008, 5, 17)
    assert 'value="2008-05-17"' in client.get(reverse("accounts:profile")).content.decode()
    assert export_sections(alice)["profile"]["birth_date"] == "2008-05-17"


def test_staff_may_note_the_date_of_birth_at_the_counter(client, musterstadt, carol):
    person = UserFactory()
    client.force_login(carol, backend="kommune.accounts.backends.EmailBackend")
    url = reverse("manage_accounts:verify_resident", kwargs={"municipality_slug": musterstadt.slug})
    response = client.post(url, {"person": person.email, "identity_checked": "on", "birth_date": "1970-02-03"})
    assert response.status_code == 302
    person.refresh_from_db()
    assert person.birth_date == date(1970, 2, 3)
    assert AuditLogEntry.objects.get(subject=person).details["birth_date_recorded"] is True


def test_the_median_answer_time_reads_the_middle_rows(musterstadt):
    reached = timezone.now() - timedelta(days=40)
    for days in (3, 10, 30, 12):
        ProposalFactory(municipality=musterstadt, state=Proposal.State.ANSWERED, outcome=Proposal.Outcome.ACCEPTED,
                        threshold_reached_at=reached, answer_due_at=reached + timedelta(days=20),
                        answered_at=reached + timedelta(days=days))

    statistics = selectors.answer_statistics(musterstadt)

    assert statistics["median_days"] == 11.0  # between 10 and 12
    assert statistics["answered"] == 4 and statistics["answered_in_time"] == 3
