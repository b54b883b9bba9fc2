"""The rules of citizen proposals, each tested once at its home (the model, or services.support_refusal), and
that the page, the API and the services use that home rather than a copy of their own.

The behaviour of whole journeys is tested in tests/test_proposals_services.py and tests/test_proposals_web.py."""

import re
from datetime import timedelta
from io import BytesIO

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone, translation
from PIL import Image

from kommune.core.models import AuditLogEntry
from kommune.proposals import services
from kommune.proposals.models import Proposal, ProposalSettings, Support
from tests.factories import UserFactory
from tests.factories_api import ApiClient, api_token, error_of
from tests.factories_proposals import ProposalFactory, ProposalSettingsFactory, published_proposal, verified_resident

State = Proposal.State
DAY = timedelta(days=1)


@pytest.fixture(autouse=True)
def _english(client):
    with translation.override("en"):
        yield


@pytest.fixture
def rules(musterstadt):
    return ProposalSettingsFactory(municipality=musterstadt)


def png(name: str = "platz.png") -> SimpleUploadedFile:
    buffer = BytesIO()
    Image.new("RGB", (4, 3), "green").save(buffer, format="PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


# --- The model's rules, and their queries agree with them -------------------------------------------------------

def _agrees(rule, condition, proposals: dict[str, Proposal]) -> set[str]:
    """The names of the proposals the rule holds for, after checking that the query selects the same ones."""
    by_rule = {name for name, proposal in proposals.items() if rule(proposal)}
    by_query = set(Proposal.objects.filter(condition, pk__in=[p.pk for p in proposals.values()])
                   .values_list("title", flat=True))
    assert by_query == by_rule
    return by_rule


def test_a_proposal_collects_while_open_and_before_the_end_of_its_period(musterstadt):
    now = timezone.now()
    proposals = {name: ProposalFactory(municipality=musterstadt, title=name, state=state,
                                       outcome="accepted" if state == State.ANSWERED else "",
                                       collection_ends_at=None if ends is None else now + ends)
                 for name, state, ends in [
                     ("collecting", State.COLLECTING, DAY),
                     ("reached, still collecting", State.THRESHOLD_REACHED, DAY),
                     ("ends this very moment", State.COLLECTING, timedelta(0)),
                     ("past its end, not yet expired", State.COLLECTING, -DAY),
                     ("expired", State.EXPIRED, DAY),
                     ("answered", State.ANSWERED, DAY),
                     ("draft", State.DRAFT, None)]}

    collecting = _agrees(lambda p: p.is_collecting(now), Proposal.collecting_q(now), proposals)

    assert collecting == {"collecting", "reached, still collecting"}


def test_an_answer_is_in_time_up_to_its_deadline_and_overdue_after_it(musterstadt):
    now = timezone.now()
    due = now - DAY
    proposals = {name: published_proposal(musterstadt, title=name, state=state, threshold_reached_at=due - 30 * DAY,
                                          answer_due_at=deadline, answered_at=answered_at,
                                          outcome="accepted" if answered_at else "")
                 for name, state, deadline, answered_at in [
                     ("early", State.ANSWERED, due, due - DAY),
                     ("on the deadline", State.ANSWERED, due, due),
                     ("late", State.ANSWERED, due, due + timedelta(seconds=1)),
                     ("without a deadline", State.ANSWERED, None, now),
                     ("waiting, overdue", State.THRESHOLD_REACHED, due, None),
                     ("waiting, in time", State.THRESHOLD_REACHED, now + DAY, None),
                     ("waiting, due this moment", State.THRESHOLD_REACHED, now, None)]}

    in_time = _agrees(lambda p: p.answered_in_time, Proposal.answered_in_time_q(), proposals)
    overdue = _agrees(lambda p: p.is_answer_overdue(now), Proposal.answer_overdue_q(now), proposals)

    assert in_time == {"early", "on the deadline", "without a deadline"}
    assert overdue == {"waiting, overdue"}


@pytest.mark.parametrize(("state", "supports", "editable", "takes_lists"), [
    (State.DRAFT, 0, True, False),
    (State.COLLECTING, 0, True, True),
    (State.COLLECTING, 1, False, True),
    (State.THRESHOLD_REACHED, 0, False, True),
    (State.EXPIRED, 0, False, True),
    (State.ANSWERED, 0, False, False),
])
def test_editing_and_paper_lists_follow_the_state(state, supports, editable, takes_lists):
    proposal = Proposal(state=state, online_supports=supports, total_supports=supports)

    assert proposal.is_editable is editable
    assert proposal.accepts_signature_lists is takes_lists


@pytest.mark.parametrize(("image", "alt", "lacks"), [
    ("", "", False), ("", "Ein Platz", False), ("platz.png", "Der Marktplatz", False),
    ("platz.png", "", True), ("platz.png", "   ", True),
])
def test_an_image_needs_a_description(image, alt, lacks):
    assert Proposal(image=image, image_alt=alt).lacks_image_description is lacks


# --- Who may support: one function, a reason code for each refusal ----------------------------------------------

def _situation(case: str, musterstadt, rules):
    """A proposal and a person for ``case``, the code support_refusal should give (None: may support)."""
    author = UserFactory()
    proposal = published_proposal(musterstadt, author=author)
    person = UserFactory()
    if case == "disabled":
        rules.is_enabled = False
    elif case == "draft":
        proposal = ProposalFactory(municipality=musterstadt, author=author)
    elif case == "answered":
        Proposal.objects.filter(pk=proposal.pk).update(state=State.ANSWERED, outcome="accepted")
    elif case == "closed":
        Proposal.objects.filter(pk=proposal.pk).update(collection_ends_at=timezone.now() - DAY)
    elif case == "login":
        from django.contrib.auth.models import AnonymousUser

        person = AnonymousUser()
    elif case == "duplicate":
        Support.objects.create(municipality=musterstadt, proposal=proposal, user=person)
    elif case == "unconfirmed":
        person.email_confirmed_at = None
    elif case == "own":
        person = author
    elif case == "not_resident":
        rules.supporters = ProposalSettings.Supporters.VERIFIED
    elif case in ("no_birth_date", "too_young"):
        rules.minimum_age = 16
        person.birth_date = None if case == "no_birth_date" else timezone.localdate() - timedelta(days=365 * 14)
    elif case == "resident":
        rules.supporters = ProposalSettings.Supporters.VERIFIED
        person = verified_resident(musterstadt)
    rules.save()
    if getattr(person, "pk", None):
        person.save()
    proposal.refresh_from_db()
    return proposal, person


REFUSALS = ["disabled", "draft", "answered", "closed", "login", "duplicate", "unconfirmed", "own", "not_resident",
            "no_birth_date", "too_young"]


@pytest.mark.parametrize("case", [*REFUSALS, "anyone", "resident"])
def test_support_refusal_names_the_reason_with_its_code(case, musterstadt, rules):
    proposal, person = _situation(case, musterstadt, rules)

    refusal = services.support_refusal(proposal, person)

    if case in REFUSALS:
        assert refusal is not None and refusal.code == case and refusal.message
    else:
        assert refusal is None


@pytest.mark.parametrize("case", [code for code in REFUSALS if code != "login"])
def test_the_service_refuses_with_the_same_code_and_changes_nothing(case, musterstadt, rules):
    proposal, person = _situation(case, musterstadt, rules)
    expected = services.support_refusal(proposal, person)
    supports = Support.objects.count()

    with pytest.raises(ValidationError) as raised:
        services.do_support_proposal(proposal=proposal, user=person)

    assert raised.value.code == expected.code == case
    assert raised.value.messages == [expected.message]
    assert Support.objects.count() == supports


def test_the_page_offers_no_remedy_when_the_collection_is_closed_anyway(client, musterstadt, rules):
    proposal, person = _situation("closed", musterstadt, rules)
    person.email_confirmed_at = None
    person.language = "en"
    person.save()
    client.force_login(person)

    html = client.get(proposal.get_absolute_url()).content.decode()

    assert "supporting is no longer possible" in html
    assert reverse("accounts:resend_confirmation") not in html


def test_a_supporter_sees_their_support_not_a_refusal(client, musterstadt, rules):
    proposal, person = _situation("duplicate", musterstadt, rules)
    person.language = "en"
    person.save()
    client.force_login(person)

    page = re.sub(r"\s+", " ", client.get(proposal.get_absolute_url()).content.decode())

    assert "You support this proposal." in page and "Withdraw my support" in page
    assert "You already support this proposal." not in page


def test_the_api_answers_a_refused_support_with_the_reason_code(musterstadt, rules):
    proposal, person = _situation("not_resident", musterstadt, rules)

    response = ApiClient(api_token(person)).post(f"municipalities/musterstadt/proposals/{proposal.pk}/support")

    assert response.status_code == 422
    assert error_of(response)["code"] == "not_resident"
    assert not Support.objects.exists()


# --- Who may write: one function, a reason code for each refusal ------------------------------------------------

@pytest.mark.parametrize("case", ["login", "disabled", "unconfirmed", "not_member", "resident"])
def test_write_refusal_names_the_reason_and_the_service_refuses_alike(case, musterstadt, anderstadt, rules, alice):
    from django.contrib.auth.models import AnonymousUser
    from django.core.exceptions import PermissionDenied

    person = {"login": AnonymousUser(), "not_member": UserFactory()}.get(case, alice)
    if case == "disabled":
        rules.is_enabled = False
        rules.save()
    elif case == "unconfirmed":
        alice.email_confirmed_at = None
        alice.save()

    refusal = services.write_refusal(musterstadt, person)

    assert (refusal and refusal.code) == (None if case == "resident" else case)
    expected = {"resident": None, "disabled": ValidationError}.get(case, PermissionDenied)
    if expected is None:
        services.do_create_proposal(municipality=musterstadt, author=person, title="Bänke", text="Bitte.")
    else:
        with pytest.raises(expected) as raised:
            services.do_create_proposal(municipality=musterstadt, author=person, title="Bänke", text="Bitte.")
        assert expected is PermissionDenied or raised.value.code == "disabled"
    assert Proposal.objects.count() == (1 if expected is None else 0)


def test_the_writing_page_offers_the_remedy_for_the_code(client, musterstadt, rules):
    person = UserFactory(language="en")
    client.force_login(person)

    html = client.get(reverse("proposals:create", kwargs={"municipality_slug": "musterstadt"})).content.decode()

    assert "add Musterstadt as your municipality" in html and reverse("accounts:join_municipality") in html


# --- Collection, answer and image rules as the services use them ------------------------------------------------

def test_comments_close_with_the_collection_even_before_the_expiry_job(musterstadt, rules):
    from kommune.core.comments.registry import commentable_for

    proposal = published_proposal(musterstadt, state=State.THRESHOLD_REACHED)
    commentable = commentable_for(Proposal)

    assert commentable.is_open(proposal, proposal.collection_ends_at - timedelta(seconds=1))
    assert not commentable.is_open(proposal, proposal.collection_ends_at)


def test_withdrawing_ends_with_the_collection_even_before_the_expiry_job(musterstadt, rules):
    proposal, person = _situation("duplicate", musterstadt, rules)
    Proposal.objects.filter(pk=proposal.pk).update(collection_ends_at=timezone.now())

    with pytest.raises(ValidationError) as raised:
        services.do_withdraw_support(proposal=proposal, user=person)

    assert raised.value.code == "closed" and Support.objects.filter(proposal=proposal).exists()


def test_a_late_answer_is_logged_as_late(musterstadt, rules, carol):
    proposal = published_proposal(musterstadt, state=State.THRESHOLD_REACHED,
                                  threshold_reached_at=timezone.now() - 40 * DAY,
                                  answer_due_at=timezone.now() - 10 * DAY)

    services.do_answer_proposal(proposal=proposal, actor=carol, outcome="accepted", answer="Ja.",
                                department="Bauamt")

    entry = AuditLogEntry.objects.get(action=AuditLogEntry.Action.PROPOSAL_ANSWERED)
    assert entry.details["in_time"] is False


def test_the_service_refuses_an_image_without_a_description(musterstadt, rules, alice):
    with pytest.raises(ValidationError) as raised:
        services.do_create_proposal(municipality=musterstadt, author=alice, title="Bänke am Markt",
                                    text="Es fehlen Bänke.", image=png(), image_alt=" ")

    assert list(raised.value.message_dict) == ["image_alt"]
    assert not Proposal.objects.exists()


def test_an_update_cannot_leave_an_image_without_a_description(musterstadt, rules, alice):
    proposal = services.do_create_proposal(municipality=musterstadt, author=alice, title="Bänke am Markt",
                                           text="Es fehlen Bänke.", image=png(), image_alt="Der leere Markt")
    image = proposal.image.name

    with pytest.raises(ValidationError) as raised:
        services.do_update_proposal(proposal=proposal, actor=alice, image_alt="")
    with pytest.raises(ValidationError):
        services.do_update_proposal(proposal=proposal, actor=alice, image=png("neu.png"), image_alt="")

    assert "image_alt" in raised.value.message_dict
    proposal.refresh_from_db()
    assert proposal.image_alt == "Der leere Markt" and proposal.image.name == image
    services.do_update_proposal(proposal=proposal, actor=alice, image=False, image_alt="")  # removing it is fine
    proposal.refresh_from_db()
    assert not proposal.image

