"""Newsletters (kommune/newsletters): double opt-in, one-click unsubscribe (RFC 8058) without a login, sending in
batches exactly once even when a batch is retried, bounces, the print version and PDF, assisted entry, privacy,
search, open data, the REST API, and clear refusals of bad input."""

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from kommune.core import privacy
from kommune.core.models import AuditLogEntry, Role
from kommune.core.newsletter_blocks import BlockItem, blocks, register_block
from kommune.core.processes.models import Topic
from kommune.newsletters import records, searchables, sending, services, tokens
from kommune.newsletters.models import Delivery, District, Newsletter, Subscriber
from tests.factories import LabFactory, MembershipFactory, OrganisationFactory, UserFactory
from tests.factories_newsletters import newsletter_world, subscriber

pytestmark = pytest.mark.django_db


def _draft(municipality, author, **extra) -> Newsletter:
    return services.do_save_newsletter(municipality=municipality, actor=author, title="Neues aus Musterstadt",
                                       body="Liebe Leserinnen und Leser,\n\n**viel Neues**.", **extra)


def _link(body: str, word: str) -> str:
    [link] = re.findall(rf"https?://\S+/{word}/\S+", body)
    return link


def _url(name: str, municipality, **kwargs) -> str:
    return reverse(f"newsletters:{name}", kwargs={"municipality_slug": municipality.slug, **kwargs})


# --- Double opt-in ----------------------------------------------------------------------------------------------


def test_subscribing_without_an_account_needs_the_confirmation_link(client, musterstadt, carol):
    response = client.post(_url("subscribe", musterstadt), {"email": "Erna@Example.org", "consent": "on"})

    assert response.status_code == 200
    subscriber = Subscriber.objects.get(municipality=musterstadt)
    assert subscriber.email == "erna@example.org" and subscriber.status == Subscriber.Status.PENDING
    assert subscriber.user is None
    [message] = mail.outbox
    assert message.to == ["erna@example.org"]
    link = _link(message.body, "bestaetigen")
    assert tokens.subscriber_to_confirm(link.rstrip("/").rsplit("/", 1)[-1], musterstadt) == subscriber
    # Not confirmed: the issue does not go there.
    assert services.do_send_newsletter(newsletter=_draft(musterstadt, carol), actor=carol) == 0

    path = link.split("://", 1)[-1].split("/", 1)[1]
    page = client.get("/" + path)  # the GET only shows a button (mail scanners open links)
    assert page.status_code == 200
    subscriber.refresh_from_db()
    assert subscriber.status == Subscriber.Status.PENDING
    client.post("/" + path)
    subscriber.refresh_from_db()
    assert subscriber.status == Subscriber.Status.CONFIRMED and subscriber.confirmed_at is not None


def test_a_forged_or_foreign_confirmation_link_is_a_clear_404(client, musterstadt, anderstadt):
    pending = subscriber(musterstadt, "neu@example.org", status=Subscriber.Status.PENDING)
    assert client.get(_url("confirm", musterstadt, token="kaputt")).status_code == 404
    foreign = client.post(_url("confirm", anderstadt, token=tokens.confirm_token(pending)))
    assert foreign.status_code == 404
    assert "nicht gültig" in foreign.content.decode()
    # An unsubscribe link does not confirm.
    assert client.post(_url("confirm", musterstadt, token=tokens.unsubscribe_token(pending))).status_code == 404
    pending.refresh_from_db()
    assert pending.status == Subscriber.Status.PENDING


def test_subscribing_a_confirmed_address_again_changes_nothing_and_tells_nothing(client, musterstadt):
    confirmed = subscriber(musterstadt, "erna@example.org")
    response = client.post(_url("subscribe", musterstadt), {"email": "erna@example.org", "consent": "on"})

    assert response.status_code == 200  # the same answer as for a new address
    confirmed.refresh_from_db()
    assert confirmed.status == Subscriber.Status.CONFIRMED
    assert mail.outbox == []


def test_a_bad_address_or_no_consent_is_a_clear_error_and_stores_nothing(client, musterstadt):
    response = client.post(_url("subscribe", musterstadt), {"email": "keine-adresse", "consent": "on"})
    assert response.status_code == 400
    assert "gültige E-Mail-Adresse" in response.content.decode()
    response = client.post(_url("subscribe", musterstadt), {"email": "erna@example.org"})
    assert response.status_code == 400
    response = client.post(_url("subscribe", musterstadt), {"email": "erna\x00@example.org", "consent": "on"})
    assert response.status_code == 400
    assert not Subscriber.objects.exists() and mail.outbox == []


def test_a_logged_in_person_subscribes_their_account_with_topics_and_districts(client, musterstadt, alice):
    topic = Topic.objects.create(municipality=musterstadt, name="Verkehr", slug="verkehr")
    district = District.objects.create(municipality=musterstadt, name="Altstadt")
    client.force_login(alice)
    client.post(_url("subscribe", musterstadt), {"email": alice.email, "consent": "on", "topics": [topic.pk],
                                                 "districts": [district.pk]})

    subscription = Subscriber.objects.get(user=alice)
    assert [row.topic for row in subscription.topic_rows.all()] == [topic]
    assert [row.district for row in subscription.district_rows.all()] == [district]


def test_a_topic_of_another_municipality_is_refused(musterstadt, anderstadt):
    foreign = Topic.objects.create(municipality=anderstadt, name="Fremd", slug="fremd")
    with pytest.raises(ValidationError):
        services.do_subscribe(municipality=musterstadt, email="erna@example.org", topics=[foreign])
    assert not Subscriber.objects.exists()


# --- Unsubscribe (RFC 8058) -------------------------------------------------------------------------------------


def test_one_click_unsubscribe_works_without_login_and_csrf_token_and_deletes_the_address(musterstadt):
    reader = subscriber(musterstadt, "leserin@example.org")
    client = Client(enforce_csrf_checks=True)
    url = _url("unsubscribe", musterstadt, token=tokens.unsubscribe_token(reader))

    response = client.post(url, "List-Unsubscribe=One-Click",
                           content_type="application/x-www-form-urlencoded")

    assert response.status_code == 200 and response["Content-Type"].startswith("text/plain")
    assert not Subscriber.objects.filter(email="leserin@example.org").exists()
    # A provider's retry (the address is gone) is answered the same.
    again = client.post(url, "List-Unsubscribe=One-Click", content_type="application/x-www-form-urlencoded")
    assert again.status_code == 200


def test_the_unsubscribe_page_shows_a_button_and_the_get_changes_nothing(client, musterstadt):
    reader = subscriber(musterstadt, "leserin@example.org")
    url = _url("unsubscribe", musterstadt, token=tokens.unsubscribe_token(reader))

    page = client.get(url)
    assert page.status_code == 200 and "<button" in page.content.decode()
    assert Subscriber.objects.filter(pk=reader.pk).exists()
    done = client.post(url)
    assert done.status_code == 200 and not Subscriber.objects.filter(pk=reader.pk).exists()
    assert client.get(_url("unsubscribe", musterstadt, token="kaputt")).status_code == 404


def test_every_issue_carries_the_rfc_8058_headers(musterstadt, carol):
    reader = subscriber(musterstadt, "leserin@example.org")
    services.do_send_newsletter(newsletter=_draft(musterstadt, carol), actor=carol)

    [message] = mail.outbox
    link = _link(message.body, "abmelden")
    assert tokens.subscriber_to_unsubscribe(link.rstrip("/").rsplit("/", 1)[-1], musterstadt) == reader
    assert message.extra_headers["List-Unsubscribe"] == f"<{link}>"
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert link.startswith("http") and link in message.body
    assert "List-Unsubscribe: <" + link + ">" in message.message().as_string()  # one line, not RFC 2047 words


# --- Sending in batches, exactly once ---------------------------------------------------------------------------


def test_batches_send_each_recipient_exactly_once_even_when_a_batch_is_retried(musterstadt, carol, monkeypatch):
    monkeypatch.setattr(services, "BATCH_SIZE", 2)
    for number in range(5):
        subscriber(musterstadt, f"leser{number}@example.org")
    subscriber(musterstadt, "wartet@example.org", status=Subscriber.Status.PENDING)
    subscriber(musterstadt, "gesperrt@example.org", status=Subscriber.Status.DISABLED)
    issue = _draft(musterstadt, carol)

    assert services.do_send_newsletter(newsletter=issue, actor=carol) == 5

    assert sorted(m.to[0] for m in mail.outbox) == [f"leser{n}@example.org" for n in range(5)]
    batches = [list(Delivery.objects.filter(newsletter=issue).order_by("pk").values_list("pk", flat=True))[i:i + 2]
               for i in (0, 2, 4)]
    # The worker retries every batch (a crash after sending, a second worker): nobody gets it twice.
    for batch in batches:
        assert sending.do_send_batch(newsletter_id=issue.pk, delivery_ids=batch) == 0
    assert len(mail.outbox) == 5
    issue.refresh_from_db()
    assert (issue.recipient_count, issue.sent_count, issue.failed_count, issue.pending_count) == (5, 5, 0, 0)
    assert AuditLogEntry.objects.filter(action=AuditLogEntry.Action.NEWSLETTER_SENT, actor=carol,
                                        municipality=musterstadt).count() == 1


def test_a_retried_batch_after_a_partial_run_sends_only_the_rest(musterstadt, carol, monkeypatch):
    for number in range(3):
        subscriber(musterstadt, f"leser{number}@example.org")
    monkeypatch.setattr(services, "enqueue_batches", lambda newsletter_id: 0)  # the worker has not run yet
    issue = _draft(musterstadt, carol)
    services.do_send_newsletter(newsletter=issue, actor=carol)
    ids = list(Delivery.objects.filter(newsletter=issue).order_by("pk").values_list("pk", flat=True))

    assert sending.do_send_batch(newsletter_id=issue.pk, delivery_ids=ids[:1]) == 1  # the first run died here
    assert sending.do_send_batch(newsletter_id=issue.pk, delivery_ids=ids) == 2  # the retry
    assert sending.do_send_batch(newsletter_id=issue.pk, delivery_ids=ids) == 0
    assert len(mail.outbox) == 3 and len({m.to[0] for m in mail.outbox}) == 3


def test_a_refused_mail_is_counted_as_failed_and_not_retried(musterstadt, carol, monkeypatch):
    subscriber(musterstadt, "gut@example.org")
    subscriber(musterstadt, "kaputt@example.org")
    real = sending.newsletter_message

    def message(newsletter, recipient):
        built = real(newsletter, recipient)
        if recipient.email.startswith("kaputt"):
            built.send = lambda *args, **kwargs: (_ for _ in ()).throw(OSError("550 mailbox unavailable"))
        return built

    monkeypatch.setattr(sending, "newsletter_message", message)
    issue = _draft(musterstadt, carol)
    services.do_send_newsletter(newsletter=issue, actor=carol)

    issue.refresh_from_db()
    assert (issue.sent_count, issue.failed_count) == (1, 1)
    failed = Delivery.objects.get(newsletter=issue, status=Delivery.Status.FAILED)
    assert "550" in failed.error
    assert sending.do_send_batch(newsletter_id=issue.pk, delivery_ids=[failed.pk]) == 0


def test_the_delivery_is_unique_per_issue_and_subscriber(musterstadt, carol):
    from django.db import IntegrityError, transaction

    reader = subscriber(musterstadt, "leserin@example.org")
    issue = _draft(musterstadt, carol)
    services.do_send_newsletter(newsletter=issue, actor=carol)
    with pytest.raises(IntegrityError), transaction.atomic():
        Delivery.objects.create(municipality=musterstadt, newsletter=issue, subscriber=reader)


def test_an_issue_for_a_topic_and_district_reaches_those_who_chose_it_or_chose_none(musterstadt, carol):
    traffic = Topic.objects.create(municipality=musterstadt, name="Verkehr", slug="verkehr")
    culture = Topic.objects.create(municipality=musterstadt, name="Kultur", slug="kultur")
    old_town = District.objects.create(municipality=musterstadt, name="Altstadt")
    north = District.objects.create(municipality=musterstadt, name="Nord")
    for email, topics, districts in (("alles@example.org", [], []), ("verkehr@example.org", [traffic], []),
                                     ("kultur@example.org", [culture], []),
                                     ("altstadt@example.org", [], [old_town]), ("nord@example.org", [], [north])):
        services.do_confirm_subscription(subscriber=services.do_subscribe(
            municipality=musterstadt, email=email, topics=topics, districts=districts))
    issue = _draft(musterstadt, carol, topic=traffic, district=old_town)

    assert sorted(services.audience(issue).values_list("email", flat=True)) == [
        "alles@example.org", "altstadt@example.org", "verkehr@example.org"]


def test_a_sent_issue_cannot_be_sent_or_changed_again(musterstadt, carol):
    issue = _draft(musterstadt, carol)
    services.do_send_newsletter(newsletter=issue, actor=carol)
    with pytest.raises(ValidationError):
        services.do_send_newsletter(newsletter=issue, actor=carol)
    with pytest.raises(ValidationError):
        services.do_save_newsletter(municipality=musterstadt, actor=carol, newsletter=issue, title="Neu", body="x")


def test_bad_input_when_writing_is_refused_with_a_message(musterstadt, carol, anderstadt):
    with pytest.raises(ValidationError, match="Betreff|subject"):
        services.do_save_newsletter(municipality=musterstadt, actor=carol, title=" ", body="Text")
    with pytest.raises(ValidationError):
        services.do_save_newsletter(municipality=musterstadt, actor=carol, title="T", body="Text",
                                    blocks=["gibt-es-nicht"])
    foreign = District.objects.create(municipality=anderstadt, name="Fremd")
    with pytest.raises(ValidationError):
        services.do_save_newsletter(municipality=musterstadt, actor=carol, title="T", body="Text", district=foreign)
    assert not Newsletter.objects.exists()


def test_the_edit_form_shows_errors_and_saves_nothing(client, musterstadt, carol):
    client.force_login(carol)
    response = client.post(_url("create", musterstadt), {"title": "", "body": ""})
    assert response.status_code == 400 and not Newsletter.objects.exists()
    response = client.post(_url("create", musterstadt), {"title": "Herbst", "body": "Text", "blocks": ["events"]})
    issue = Newsletter.objects.get()
    assert response.status_code == 302 and issue.blocks == ["events"]
    assert client.post(_url("send", musterstadt, newsletter_id=issue.pk)).status_code == 302
    issue.refresh_from_db()
    assert issue.is_sent
    page = client.get(_url("edit", musterstadt, newsletter_id=issue.pk))
    assert page.status_code == 200 and "Fehlgeschlagen" in page.content.decode()


# --- Blocks -----------------------------------------------------------------------------------------------------


def test_the_blocks_of_the_other_features_are_registered_and_snapshotted_when_sent(musterstadt, carol):
    assert {"events", "processes", "proposals"} <= {block.kind for block in blocks()}
    register_block("test_block", "Testblock", lambda municipality, now: [
        BlockItem(title=f"Termin in {municipality.name}", url="/termin/", date=now, summary="Kurz")])
    issue = _draft(musterstadt, carol, blocks=["test_block", "events"])
    services.do_send_newsletter(newsletter=issue, actor=carol)

    issue.refresh_from_db()
    section = issue.block_snapshot[0]
    assert section["kind"] == "test_block" and section["items"][0]["title"] == "Termin in Musterstadt"


# --- Bounces ----------------------------------------------------------------------------------------------------


def test_an_address_is_disabled_after_the_bounce_limit(musterstadt, carol):
    reader = subscriber(musterstadt, "voll@example.org")
    for _ in range(services.BOUNCE_LIMIT - 1):
        assert services.do_record_bounce(email="VOLL@example.org") == 0
    reader.refresh_from_db()
    assert reader.status == Subscriber.Status.CONFIRMED and reader.bounce_count == services.BOUNCE_LIMIT - 1

    assert services.do_record_bounce(email="voll@example.org", municipality=musterstadt) == 1
    reader.refresh_from_db()
    assert reader.status == Subscriber.Status.DISABLED and reader.disabled_at is not None
    assert services.do_send_newsletter(newsletter=_draft(musterstadt, carol), actor=carol) == 0


def test_bounces_through_the_command_and_the_form(client, musterstadt, carol):
    reader = subscriber(musterstadt, "voll@example.org")
    call_command("newsletter_bounces", "voll@example.org", "--municipality", musterstadt.slug)
    with pytest.raises(CommandError):
        call_command("newsletter_bounces", "voll@example.org", "keine-adresse")
    reader.refresh_from_db()
    assert reader.bounce_count == 1  # the bad line stopped the whole run

    client.force_login(carol)
    response = client.post(_url("bounces", musterstadt), {"addresses": "voll@example.org\nkaputt"})
    assert response.status_code == 400
    reader.refresh_from_db()
    assert reader.bounce_count == 1
    client.post(_url("bounces", musterstadt), {"addresses": "voll@example.org\nvoll@example.org"})
    reader.refresh_from_db()
    assert reader.status == Subscriber.Status.DISABLED


# --- Assisted entry ---------------------------------------------------------------------------------------------


def test_staff_enter_a_person_who_phoned_who_still_confirms(client, musterstadt, carol):
    client.force_login(carol)
    response = client.post(_url("enter_subscriber", musterstadt),
                           {"name": "Erna Albers", "email": "erna@example.org", "consent": "on"})

    assert response.status_code == 302
    entered = Subscriber.objects.get(email="erna@example.org")
    assert entered.status == Subscriber.Status.PENDING and entered.entered_by == carol
    entry = AuditLogEntry.objects.get(action=AuditLogEntry.Action.NEWSLETTER_SUBSCRIBER_ENTERED)
    assert entry.actor == carol and entry.details["subscriber"] == entered.pk
    [message] = mail.outbox
    link = _link(message.body, "bestaetigen")
    assert tokens.subscriber_to_confirm(link.rstrip("/").rsplit("/", 1)[-1], musterstadt) == entered


def test_assisted_entry_without_consent_or_with_a_bad_address_stores_nothing(client, musterstadt, carol):
    client.force_login(carol)
    assert client.post(_url("enter_subscriber", musterstadt), {"email": "erna@example.org"}).status_code == 400
    assert client.post(_url("enter_subscriber", musterstadt),
                       {"email": "erna", "consent": "on"}).status_code == 400
    assert not Subscriber.objects.exists() and not AuditLogEntry.objects.filter(
        action=AuditLogEntry.Action.NEWSLETTER_SUBSCRIBER_ENTERED).exists()


# --- Permissions ------------------------------------------------------------------------------------------------


def test_partners_write_drafts_but_staff_send_them(musterstadt, carol, alice):
    partner = UserFactory()
    MembershipFactory(user=partner, municipality=musterstadt, role=Role.PARTNER,
                      organisation=OrganisationFactory(municipality=musterstadt))
    issue = _draft(musterstadt, partner)
    with pytest.raises(PermissionDenied):
        services.do_send_newsletter(newsletter=issue, actor=partner)
    with pytest.raises(PermissionDenied):
        _draft(musterstadt, alice)
    services.do_send_newsletter(newsletter=issue, actor=carol)


def test_a_lab_role_gives_no_newsletter_rights_in_the_labs_municipalities(musterstadt):
    lab = LabFactory()
    lab.municipalities.add(musterstadt)
    lab_staff = UserFactory()
    MembershipFactory(user=lab_staff, lab=lab, municipality=None, role=Role.STAFF)

    assert lab_staff.has_perm("newsletters.send", lab)
    assert not lab_staff.has_perm("newsletters.write", musterstadt)
    with pytest.raises(PermissionDenied):
        _draft(musterstadt, lab_staff)


def test_drafts_are_hidden_from_the_public_and_staff_pages_need_the_permission(client, musterstadt, alice, carol):
    world = newsletter_world(musterstadt)
    assert client.get(_url("issue", musterstadt, newsletter_id=world.draft_id)).status_code == 404
    assert client.get(_url("print", musterstadt, newsletter_id=world.draft_id)).status_code == 404
    client.force_login(alice)
    assert client.get(_url("manage", musterstadt)).status_code == 403
    client.force_login(carol)
    assert client.get(_url("issue", musterstadt, newsletter_id=world.draft_id)).status_code == 200
    assert client.get(_url("manage", musterstadt)).status_code == 200


# --- Print version, PDF, archive --------------------------------------------------------------------------------


def test_the_print_page_and_the_pdf_render(client, musterstadt):
    world = newsletter_world(musterstadt)
    page = client.get(_url("print", musterstadt, newsletter_id=world.newsletter_id))
    assert page.status_code == 200
    text = page.content.decode()
    assert "Neues aus der Stadt" in text and "Smartphone-Sprechstunde" in text and "http" in text

    pdf = client.get(_url("pdf", musterstadt, newsletter_id=world.newsletter_id))
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")


def test_the_archive_lists_sent_issues_only_and_refuses_a_bad_cursor(client, musterstadt):
    newsletter_world(musterstadt)
    page = client.get(_url("archive", musterstadt))
    text = page.content.decode()
    assert page.status_code == 200 and "Neues aus der Stadt" in text and "Entwurf Winter" not in text
    assert client.get(_url("archive", musterstadt) + "?cursor=kaputt").status_code == 400
    assert client.get(_url("issue", musterstadt, newsletter_id=99999999)).status_code == 404


# --- Privacy, search, open data, API ----------------------------------------------------------------------------


def test_the_subscriptions_of_an_account_are_exported_and_deleted_with_it(musterstadt, alice):
    services.do_subscribe(municipality=musterstadt, email=alice.email, user=alice)
    subscriber(musterstadt, alice.email.replace("@", "+x@"))

    assert privacy.export_sections(alice)["newsletter_subscriptions"][0]["email"] == alice.email
    privacy.run_anonymisers(alice)
    assert not Subscriber.objects.filter(email=alice.email).exists()
    assert Subscriber.objects.count() == 1


def test_search_open_data_and_the_api_show_sent_issues_without_addresses(client, musterstadt):
    world = newsletter_world(musterstadt)
    sent = Newsletter.objects.get(pk=world.newsletter_id)
    draft = Newsletter.objects.get(pk=world.draft_id)
    assert searchables.newsletter_document(draft) is None
    assert searchables.newsletter_document(sent).title == "Neues aus der Stadt"

    rows = list(records.rows(musterstadt))
    assert [row["id"] for row in rows] == [sent.pk] and rows[0]["recipients"] == 1
    assert "@" not in repr(rows)
    assert len("newsletters") < 40

    listing = client.get(f"/api/v1/municipalities/{musterstadt.slug}/newsletters")
    assert listing.status_code == 200
    assert [item["id"] for item in listing.json()["items"]] == [sent.pk]
    assert "@" not in listing.content.decode()
    assert client.get(f"/api/v1/municipalities/{musterstadt.slug}/newsletters/{draft.pk}").status_code == 404


def test_the_demo_is_idempotent(musterstadt, carol, alice):
    from kommune.core.demo import DemoData
    from kommune.newsletters.demo import seed_newsletters

    data = DemoData(municipality=musterstadt, staff=carol, resident=alice, partner=alice)
    seed_newsletters(data)
    state = (Subscriber.objects.count(), Newsletter.objects.count(), Delivery.objects.count())
    seed_newsletters(data)

    assert state == (Subscriber.objects.count(), Newsletter.objects.count(), Delivery.objects.count())
    assert state[0] == 5 and state[1] == 2
    assert Newsletter.objects.filter(status="sent").get().recipient_count == 5
    assert Subscriber.objects.filter(status="confirmed").count() == 5


def test_a_confirmation_link_expires(musterstadt):
    pending = subscriber(musterstadt, "neu@example.org", status=Subscriber.Status.PENDING)
    token = tokens.confirm_token(pending)
    import time_machine

    with time_machine.travel(timezone.now() + tokens.CONFIRM_MAX_AGE + timedelta(hours=1)):
        assert tokens.subscriber_to_confirm(token, musterstadt) is None
    assert tokens.subscriber_to_confirm(token, musterstadt) == pending
