"""Updates under the official answer of a citizen proposal: staff add dated steps (the council's decision, the
start and end of the implementation) without rewriting the answer; the followers hear of each; the updates are on
the page, in the proposal's Atom feed, in the API and in the open data, never with the staff member's name."""

import re
import xml.etree.ElementTree as ET
from datetime import timedelta
from html import unescape

import pytest
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone, translation

from kommune.accounts.services import do_delete_account
from kommune.core.models import OutboxEntry
from kommune.core.notifications.models import Activity, Notification
from kommune.core.notifications.services import do_follow
from kommune.core.privacy import NOT_EXPORTED, covered_foreign_keys, export_sections
from kommune.core.records import record_set
from kommune.proposals import services
from kommune.proposals.events import ProposalUpdateAdded
from kommune.proposals.models import Proposal, ProposalUpdate
from tests.factories import UserFactory
from tests.factories_api import ApiClient, api_token, error_of
from tests.factories_proposals import published_proposal
from tests.factories_trail import answered_proposal

ATOM = "{http://www.w3.org/2005/Atom}"
Kind = ProposalUpdate.Kind


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


def add(proposal, actor, **fields) -> ProposalUpdate:
    values = {"kind": Kind.DECISION, "happened_on": timezone.localdate() - timedelta(days=3),
              "title": "Der Rat hat zugestimmt", "text": "Der Rat hat den Vorschlag **einstimmig** beschlossen."}
    return services.do_add_proposal_update(proposal=proposal, actor=actor, **{**values, **fields})


def snapshot(proposal) -> tuple:
    row = Proposal.objects.get(pk=proposal.pk)
    return (row.answer, row.answer_html, row.answered_at, row.outcome, row.updated_at, ProposalUpdate.objects.count(),
            OutboxEntry.objects.count(), Notification.objects.count(), Activity.objects.count())


# --- The service ------------------------------------------------------------------------------------------------


def test_an_update_keeps_the_answer_tells_the_followers_and_publishes_its_event(musterstadt, alice, bob, carol):
    proposal = answered_proposal(musterstadt, author=alice)
    do_follow(user=alice, target=proposal)
    do_follow(user=carol, target=proposal)
    before = Proposal.objects.get(pk=proposal.pk)

    update = add(proposal, carol)

    proposal.refresh_from_db()
    assert (proposal.answer, proposal.answer_html, proposal.answered_at, proposal.outcome) == (
        before.answer, before.answer_html, before.answered_at, before.outcome)  # the answer is as published
    assert (update.kind, update.title, update.author, update.municipality) == (Kind.DECISION, "Der Rat hat zugestimmt",
                                                                                carol, musterstadt)
    assert update.text_html.strip() == "<p>Der Rat hat den Vorschlag <strong>einstimmig</strong> beschlossen.</p>"
    entry = OutboxEntry.objects.get(event=ProposalUpdateAdded.name)
    assert entry.payload["data"] == {"update": update.pk, "kind": "decision"}
    activity = Activity.objects.get(verb="proposal.update_added")
    assert activity.target_id == proposal.pk and activity.actor is None  # the municipality speaks, not carol
    assert Notification.objects.filter(user=alice, activity=activity).exists()
    assert not Notification.objects.filter(user=carol, activity=activity).exists()  # not who acted
    assert not Notification.objects.filter(user=bob).exists()  # bob does not follow it
    assert "There is news about the citizen proposal" in activity.sentence


def test_updates_make_a_timeline_in_date_order(musterstadt, carol):
    proposal = answered_proposal(musterstadt)
    today = timezone.localdate()
    add(proposal, carol, kind=Kind.IMPLEMENTATION_STARTED, happened_on=today, title="Baubeginn")
    add(proposal, carol, kind=Kind.DECISION, happened_on=today - timedelta(days=10), title="Beschluss")
    add(proposal, carol, kind=Kind.IMPLEMENTATION_DONE, happened_on=today, title="Fertig")
    from kommune.proposals.selectors import updates_of

    assert [u.title for u in updates_of(proposal)] == ["Beschluss", "Baubeginn", "Fertig"]


@pytest.mark.parametrize("who", ["anonymous", "alice", "bob", "dave"])
def test_only_staff_of_the_municipality_add_updates(who, musterstadt, alice, bob, dave):
    proposal = answered_proposal(musterstadt)
    actor = {"anonymous": None, "alice": alice, "bob": bob, "dave": dave}[who]
    from django.contrib.auth.models import AnonymousUser

    before = snapshot(proposal)
    with pytest.raises(PermissionDenied):
        add(proposal, actor or AnonymousUser())
    assert snapshot(proposal) == before
    assert not services.can_add_update(proposal, actor or AnonymousUser())


@pytest.mark.parametrize(("fields", "field", "message"), [
    ({"kind": "rumour"}, "kind", "Please choose the kind of update."),
    ({"happened_on": "2026-01-01"}, "happened_on", "Please enter the day it happened."),
    ({"happened_on": timezone.now()}, "happened_on", "Please enter the day it happened."),
    ({"happened_on": timezone.localdate() + timedelta(days=2)}, "happened_on", "cannot be in the future"),
    ({"title": "   "}, "title", "Please enter a short title"),
    ({"title": "T" * 151}, "title", "at most 150 characters; it has 151"),
    ({"title": "Beschluss\x00"}, "title", "character"),
    ({"text": "x" * 5001}, "text", "at most 5000 characters; it has 5001"),
])
def test_bad_input_is_refused_with_a_clear_message_and_changes_nothing(fields, field, message, musterstadt, carol):
    proposal = answered_proposal(musterstadt)
    before = snapshot(proposal)
    with pytest.raises(ValidationError) as raised:
        add(proposal, carol, **fields)
    assert field in raised.value.message_dict
    assert message in " ".join(raised.value.message_dict[field])
    assert snapshot(proposal) == before


def test_an_update_needs_the_answer_and_cannot_be_dated_before_it(musterstadt, carol):
    collecting = published_proposal(musterstadt)
    before = snapshot(collecting)
    with pytest.raises(ValidationError, match="please answer the proposal first"):
        add(collecting, carol)
    assert snapshot(collecting) == before
    proposal = answered_proposal(musterstadt, days_ago=5)
    before = snapshot(proposal)
    with pytest.raises(ValidationError) as raised:
        add(proposal, carol, happened_on=timezone.localdate() - timedelta(days=6))
    assert "cannot be before the official answer" in raised.value.message_dict["happened_on"][0]
    assert snapshot(proposal) == before
    assert add(proposal, carol, happened_on=timezone.localdate() - timedelta(days=5)).pk


def test_the_number_of_updates_is_limited(musterstadt, carol, monkeypatch):
    proposal = answered_proposal(musterstadt)
    monkeypatch.setattr(services, "MAX_UPDATES", 2)
    add(proposal, carol)
    add(proposal, carol)
    with pytest.raises(ValidationError, match="the most updates possible"):
        add(proposal, carol)
    assert proposal.updates.count() == 2


# --- The pages --------------------------------------------------------------------------------------------------


def manage_url(proposal) -> str:
    return reverse("proposals:manage_updates", kwargs={"municipality_slug": proposal.municipality.slug,
                                                       "proposal_id": proposal.pk})


def test_staff_add_an_update_on_the_management_page(client, musterstadt, carol):
    proposal = answered_proposal(musterstadt)
    login(client, carol)
    page = client.get(manage_url(proposal))
    assert page.status_code == 200 and "Add an update" in text_of(page)
    response = client.post(manage_url(proposal), {"kind": "implementation_started", "title": "Baubeginn",
                                                  "happened_on": timezone.localdate().isoformat(),
                                                  "text": "Die Bagger rollen."})
    assert response.status_code == 302 and response["Location"] == manage_url(proposal)
    assert proposal.updates.get().title == "Baubeginn"
    listed = text_of(client.get(manage_url(proposal)))
    assert "Baubeginn" in listed and "Carol" in listed  # staff see who entered it


def test_the_management_page_shows_errors_and_changes_nothing(client, musterstadt, carol):
    proposal = answered_proposal(musterstadt)
    login(client, carol)
    tomorrow = (timezone.localdate() + timedelta(days=1)).isoformat()
    response = client.post(manage_url(proposal), {"kind": "decision", "title": "Beschluss", "happened_on": tomorrow})
    assert response.status_code == 200
    assert "The day cannot be in the future" in text_of(response)
    bad_date = client.post(manage_url(proposal), {"kind": "decision", "title": "", "happened_on": "31.02.2026"})
    assert bad_date.status_code == 200 and "Please check your input" in text_of(bad_date)
    assert not proposal.updates.exists()


def test_the_management_page_of_a_proposal_without_answer_offers_no_form(client, musterstadt, carol):
    proposal = published_proposal(musterstadt)
    login(client, carol)
    page = client.get(manage_url(proposal))
    assert "please answer the proposal first" in text_of(page) and 'name="title"' not in page.content.decode()


def test_residents_and_foreign_staff_cannot_open_the_management_page(client, musterstadt, alice, dave):
    proposal = answered_proposal(musterstadt)
    login(client, alice)
    assert client.get(manage_url(proposal)).status_code == 403
    login(client, dave)
    assert client.get(manage_url(proposal)).status_code == 403


def test_the_page_shows_the_updates_under_the_answer_as_a_timeline_without_the_staff_name(client, musterstadt, carol):
    proposal = answered_proposal(musterstadt)
    today = timezone.localdate()
    started = add(proposal, carol, kind=Kind.IMPLEMENTATION_STARTED, happened_on=today, title="Baubeginn",
                  text="Die Bagger rollen.")
    decided = add(proposal, carol, happened_on=today - timedelta(days=7), title="Der Rat hat zugestimmt")
    response = client.get(proposal.get_absolute_url())
    html = response.content.decode()
    text = text_of(response)
    assert text.index("Official answer of Musterstadt") < text.index("Der Rat hat zugestimmt") < text.index(
        "Baubeginn")
    assert f'id="update-{decided.pk}"' in html and f'id="update-{started.pk}"' in html
    assert f'<time datetime="{today.isoformat()}">' in html
    assert "Implementation started" in text and "Die Bagger rollen." in text
    assert "Carol" not in text  # the municipality speaks
    assert reverse("proposals:updates_feed", kwargs={"municipality_slug": "musterstadt",
                                                     "proposal_id": proposal.pk}) in html
    login(client, carol)
    assert manage_url(proposal) in client.get(proposal.get_absolute_url()).content.decode()


def test_the_proposal_feed_has_the_answer_and_the_updates(client, musterstadt, carol):
    proposal = answered_proposal(musterstadt)
    add(proposal, carol, title="Der Rat hat zugestimmt", text="<script>x</script> **ja**")
    feed = client.get(reverse("proposals:updates_feed", kwargs={"municipality_slug": "musterstadt",
                                                                "proposal_id": proposal.pk}))
    assert feed.status_code == 200 and feed["Content-Type"].startswith("application/atom+xml")
    root = ET.fromstring(feed.content)
    titles = [entry.findtext(f"{ATOM}title") for entry in root.iter(f"{ATOM}entry")]
    assert titles == ["Der Rat hat zugestimmt", "Official answer: handed to the council"]
    summary = root.find(f"{ATOM}entry/{ATOM}summary")
    assert summary is not None and summary.get("type") == "html" and "<script>" not in (summary.text or "")
    assert "Carol" not in feed.content.decode()


def test_a_draft_or_hidden_proposal_has_no_feed(client, musterstadt):
    from tests.factories_proposals import ProposalFactory

    draft = ProposalFactory(municipality=musterstadt)
    hidden = answered_proposal(musterstadt, hidden_at=timezone.now(), hidden_reason="Werbung")
    for proposal in (draft, hidden):
        assert client.get(reverse("proposals:updates_feed", kwargs={
            "municipality_slug": "musterstadt", "proposal_id": proposal.pk})).status_code == 404


# --- API, open data, privacy ------------------------------------------------------------------------------------


def test_the_api_read_of_a_proposal_has_its_updates_and_staff_write_them(musterstadt, alice, carol):
    proposal = answered_proposal(musterstadt)
    path = f"municipalities/musterstadt/proposals/{proposal.pk}"
    created = ApiClient(api_token(carol)).post(f"{path}/updates", {
        "kind": "decision", "happened_on": timezone.localdate().isoformat(), "title": "Beschluss", "text": "Ja."})
    assert created.status_code == 201, created.content
    assert created.json()["title"] == "Beschluss" and created.json()["url"].endswith(f"#update-{created.json()['id']}")
    body = ApiClient().get(path).json()
    assert [(u["kind"], u["title"], u["text_html"].strip()) for u in body["updates"]] == [
        ("decision", "Beschluss", "<p>Ja.</p>")]
    assert "author" not in body["updates"][0] and body["trail"] == []
    refused = ApiClient(api_token(alice)).post(f"{path}/updates", {
        "kind": "decision", "happened_on": timezone.localdate().isoformat(), "title": "Falsch"})
    assert refused.status_code == 403
    future = ApiClient(api_token(carol)).post(f"{path}/updates", {
        "kind": "decision", "happened_on": (timezone.localdate() + timedelta(days=9)).isoformat(), "title": "Bald"})
    assert future.status_code == 422 and "happened_on" in error_of(future)["fields"]
    assert proposal.updates.count() == 1


def test_the_open_data_record_set_lists_the_updates_without_personal_data(musterstadt, carol,
                                                                          django_assert_num_queries):
    proposal = answered_proposal(musterstadt)
    hidden = answered_proposal(musterstadt)
    update = add(proposal, carol)
    add(hidden, carol)
    Proposal.objects.filter(pk=hidden.pk).update(hidden_at=timezone.now())
    records = record_set("proposal_updates")
    assert records is not None and ProposalUpdateAdded in records.changed_by
    with django_assert_num_queries(1):
        rows = list(records.rows(musterstadt))
    assert rows == [{"id": update.pk, "proposal_id": proposal.pk, "happened_on": update.happened_on,
                     "kind": "decision", "title": update.title, "text": update.text,
                     "url": f"{settings.SITE_URL.rstrip('/')}{proposal.get_absolute_url()}#update-{update.pk}"}]
    assert set(rows[0]) == {column.name for column in records.columns}


def test_the_staff_author_is_a_staff_act_and_survives_the_deletion_of_the_account(musterstadt, carol):
    assert "proposals.ProposalUpdate.author" in NOT_EXPORTED
    assert "proposals.ProposalUpdate.author" not in covered_foreign_keys()
    proposal = answered_proposal(musterstadt)
    update = add(proposal, carol)
    assert "Der Rat hat zugestimmt" not in str(export_sections(carol))  # the municipality's record, not carol's
    do_delete_account(user=carol)
    update.refresh_from_db()
    assert update.author is None or update.author.is_deleted
    assert update.title == "Der Rat hat zugestimmt"


def test_a_deleted_proposal_takes_its_updates_along(musterstadt, carol):
    proposal = answered_proposal(musterstadt)
    add(proposal, carol)
    proposal.delete()
    assert not ProposalUpdate.objects.exists()
    assert UserFactory  # the factory module stays importable for the walk
