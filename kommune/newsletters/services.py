"""Writes of the newsletters: keyword-only, typed, one transaction each, permission checked here. Every refusal is
a ValidationError (or PermissionDenied) with a message for the person who acted, and changes nothing.

Sending: ``do_send_newsletter`` locks the draft, computes its audience (confirmed subscribers whose topics and
districts fit), writes one ``Delivery`` per subscriber (unique per issue and subscriber) and, after the commit,
enqueues one task per batch of ``BATCH_SIZE`` deliveries. ``sending.do_send_batch`` (the task's body) claims each
pending delivery with a conditional UPDATE before it mails it, so a retried or duplicated batch task sends nobody
the issue twice; a failed send marks the delivery failed (with the error) and counts it.

Subscribing: double opt-in. ``do_subscribe`` stores the address as pending and, after the commit, a task mails the
confirmation link; only ``do_confirm_subscription`` makes it receive issues. The answer is the same whether the
address was known or not, so the form tells nobody who subscribed. ``do_unsubscribe`` deletes the address.
"""

from collections.abc import Iterable, Sequence
from datetime import date, datetime
from functools import partial
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import Exists, F, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from kommune.core.cleaning import clean_text
from kommune.core.events import publish
from kommune.core.models import AuditLogEntry, Municipality
from kommune.core.newsletter_blocks import block_for, render_block
from kommune.core.processes.models import Topic
from kommune.core.richtext import render_markdown
from kommune.core.services import log_action
from kommune.core.types import User
from kommune.newsletters import rules  # noqa: F401  (declares the permissions)
from kommune.newsletters.events import NewsletterSent
from kommune.newsletters.models import Delivery, District, Newsletter, Subscriber, SubscriberDistrict, SubscriberTopic
from kommune.newsletters.tokens import new_secret

WRITE_PERMISSION = "newsletters.write"
SEND_PERMISSION = "newsletters.send"
BATCH_SIZE = 200
# After this many bounces an address gets no more issues (it stays, disabled, so it is not mailed again).
BOUNCE_LIMIT = 3
MAX_TOPICS = 50


def _require(actor: Any, permission: str, municipality: Municipality) -> None:
    if not getattr(actor, "is_authenticated", False) or not actor.has_perm(permission, municipality):
        raise PermissionDenied(_("You may not do this for the newsletter of %(name)s.") % {"name": municipality.name})


def clean_email(value: str | None) -> str:
    email = clean_text(value, max_length=254, required=_("Please enter an e-mail address.")).lower()
    try:
        validate_email(email)
    except ValidationError as error:
        raise ValidationError(_("Please enter a valid e-mail address, for example name@example.org."),
                              code="invalid") from error
    return email


# --- Issues -----------------------------------------------------------------------------------------------------


def _clean_blocks(kinds: Iterable[str]) -> list[str]:
    chosen = []
    for kind in kinds:
        if block_for(kind) is None:
            raise ValidationError(_("There is no block “%(kind)s”.") % {"kind": kind}, code="unknown_block")
        if kind not in chosen:
            chosen.append(kind)
    return chosen


def _check_tenant(municipality: Municipality, topic: Topic | None, district: District | None) -> None:
    if topic is not None and topic.municipality_id != municipality.pk:
        raise ValidationError(_("Please choose a topic of this municipality."), code="foreign_topic")
    if district is not None and district.municipality_id != municipality.pk:
        raise ValidationError(_("Please choose a district of this municipality."), code="foreign_district")


def do_save_newsletter(*, municipality: Municipality, actor: User, title: str, body: str, intro: str = "",
                       blocks: Sequence[str] = (), topic: Topic | None = None, district: District | None = None,
                       newsletter: Newsletter | None = None) -> Newsletter:
    """Create a draft, or change ``newsletter`` while it is a draft."""
    _require(actor, WRITE_PERMISSION, municipality)
    title = clean_text(title, max_length=150, required=_("Please enter a subject."))
    intro = clean_text(intro, max_length=300)
    body = clean_text(body, max_length=20_000, required=_("Please write the text of the newsletter."))
    kinds = _clean_blocks(blocks)
    _check_tenant(municipality, topic, district)
    with transaction.atomic():
        if newsletter is None:
            newsletter = Newsletter(municipality=municipality, author=actor)
        else:
            newsletter = Newsletter.objects.select_for_update().get(pk=newsletter.pk, municipality=municipality)
            if newsletter.is_sent:
                raise ValidationError(_("This newsletter was sent already; it cannot be changed."), code="sent")
        newsletter.title, newsletter.intro, newsletter.body = title, intro, body
        newsletter.body_html = render_markdown(body)
        newsletter.blocks, newsletter.topic, newsletter.district = kinds, topic, district
        newsletter.updated_at = timezone.now()
        newsletter.save()
    return newsletter


def _json_date(value: datetime | date | None) -> str | None:
    return value.isoformat() if value is not None else None


def block_sections(municipality: Municipality, kinds: Sequence[str], now: datetime) -> list[dict[str, Any]]:
    """What the blocks give now: [{"kind", "label", "items": [{title, url, date, summary}]}] (JSON-ready)."""
    sections = []
    for kind in kinds:
        block = block_for(kind)
        if block is None:
            continue
        items = [{"title": item.title, "url": item.url, "date": _json_date(item.date), "summary": item.summary}
                 for item in render_block(kind, municipality, now)]
        sections.append({"kind": kind, "label": str(block.label), "items": items})
    return sections


def audience(newsletter: Newsletter) -> QuerySet[Subscriber]:
    """Confirmed subscribers whose choice fits: no topic chosen (everything) or the issue's topic; likewise the
    district. An issue without a topic or district goes to every confirmed subscriber."""
    subscribers = Subscriber.objects.filter(municipality=newsletter.municipality_id,
                                            status=Subscriber.Status.CONFIRMED)
    if newsletter.topic_id is not None:
        topics = SubscriberTopic.objects.filter(subscriber=OuterRef("pk"))
        subscribers = subscribers.filter(~Exists(topics) | Exists(topics.filter(topic=newsletter.topic_id)))
    if newsletter.district_id is not None:
        districts = SubscriberDistrict.objects.filter(subscriber=OuterRef("pk"))
        subscribers = subscribers.filter(~Exists(districts) | Exists(districts.filter(district=newsletter.district_id)))
    return subscribers


def do_send_newsletter(*, newsletter: Newsletter, actor: User, now: datetime | None = None) -> int:
    """Send a draft to its audience. Returns the number of recipients (0 is allowed: the issue is archived)."""
    municipality = newsletter.municipality
    _require(actor, SEND_PERMISSION, municipality)
    now = now or timezone.now()
    with transaction.atomic():
        newsletter = Newsletter.objects.select_for_update().get(pk=newsletter.pk, municipality=municipality)
        if newsletter.is_sent:
            raise ValidationError(_("This newsletter was sent already."), code="sent")
        newsletter.block_snapshot = block_sections(municipality, newsletter.blocks, now)
        subscriber_ids = list(audience(newsletter).order_by("pk").values_list("pk", flat=True))
        Delivery.objects.bulk_create([Delivery(municipality=municipality, newsletter=newsletter, subscriber_id=pk)
                                      for pk in subscriber_ids], batch_size=2000, ignore_conflicts=True)
        newsletter.status, newsletter.sent_at, newsletter.sent_by = Newsletter.Status.SENT, now, actor
        newsletter.recipient_count = len(subscriber_ids)
        newsletter.save(update_fields=["status", "sent_at", "sent_by", "recipient_count", "block_snapshot"])
        log_action(tenant=municipality, actor=actor, action=AuditLogEntry.Action.NEWSLETTER_SENT,
                   newsletter=newsletter.title, recipients=len(subscriber_ids))
        publish(NewsletterSent(municipality, newsletter, actor=actor, data={"recipients": len(subscriber_ids)}))
        transaction.on_commit(partial(enqueue_batches, newsletter.pk), robust=True)
    return len(subscriber_ids)


def pending_batches(newsletter_id: int) -> list[list[int]]:
    ids = list(Delivery.objects.filter(newsletter_id=newsletter_id, status=Delivery.Status.PENDING)
               .order_by("pk").values_list("pk", flat=True))
    return [ids[start:start + BATCH_SIZE] for start in range(0, len(ids), BATCH_SIZE)]


def enqueue_batches(newsletter_id: int) -> int:
    """One task per batch of pending deliveries (also what `manage.py newsletter_resume` calls after a crash)."""
    from kommune.newsletters.tasks import send_batch

    batches = pending_batches(newsletter_id)
    for batch in batches:
        send_batch.enqueue(newsletter_id, batch)
    return len(batches)


# --- Districts --------------------------------------------------------------------------------------------------


def do_add_district(*, municipality: Municipality, actor: User, name: str) -> District:
    _require(actor, SEND_PERMISSION, municipality)
    name = clean_text(name, max_length=100, required=_("Please enter the name of the district."))
    if District.objects.filter(municipality=municipality, name__iexact=name).exists():
        raise ValidationError(_("The district “%(name)s” exists already.") % {"name": name}, code="duplicate")
    return District.objects.create(municipality=municipality, name=name)


# --- Subscribers ------------------------------------------------------------------------------------------------


def _set_interests(subscriber: Subscriber, topics: Sequence[Topic], districts: Sequence[District]) -> None:
    municipality = subscriber.municipality
    for topic in topics:
        _check_tenant(municipality, topic, None)
    for district in districts:
        _check_tenant(municipality, None, district)
    if len(topics) > MAX_TOPICS or len(districts) > MAX_TOPICS:
        raise ValidationError(_("Please choose fewer topics or districts."), code="too_many")
    SubscriberTopic.objects.filter(subscriber=subscriber).delete()
    SubscriberDistrict.objects.filter(subscriber=subscriber).delete()
    SubscriberTopic.objects.bulk_create([SubscriberTopic(municipality=municipality, subscriber=subscriber, topic=t)
                                         for t in dict.fromkeys(topics)])
    SubscriberDistrict.objects.bulk_create([
        SubscriberDistrict(municipality=municipality, subscriber=subscriber, district=d)
        for d in dict.fromkeys(districts)])


def _enqueue_confirmation(subscriber_id: int) -> None:
    from kommune.newsletters.tasks import send_confirmation

    send_confirmation.enqueue(subscriber_id)


def _subscribe(*, municipality: Municipality, email: str, topics: Sequence[Topic], districts: Sequence[District],
               user: User | None, name: str, entered_by: User | None) -> Subscriber:
    with transaction.atomic():
        subscriber = (Subscriber.objects.select_for_update().filter(municipality=municipality, email=email)
                      .first())
        if subscriber is not None and subscriber.is_confirmed:
            # Known and confirmed: only its owner (logged in with this address) changes the choice; for
            # everybody else nothing happens, and the answer does not tell them so.
            if user is not None and getattr(user, "email", "").lower() == email:
                subscriber.user = user
                subscriber.save(update_fields=["user"])
                _set_interests(subscriber, topics, districts)
            return subscriber
        if subscriber is None:
            subscriber = Subscriber(municipality=municipality, email=email)
        subscriber.status, subscriber.secret = Subscriber.Status.PENDING, new_secret()
        subscriber.name = name or subscriber.name
        subscriber.bounce_count, subscriber.disabled_at = 0, None
        if user is not None and getattr(user, "email", "").lower() == email:
            subscriber.user = user
        if entered_by is not None:
            subscriber.entered_by = entered_by
        subscriber.save()
        _set_interests(subscriber, topics, districts)
        transaction.on_commit(partial(_enqueue_confirmation, subscriber.pk), robust=True)
    return subscriber


def do_subscribe(*, municipality: Municipality, email: str, topics: Sequence[Topic] = (),
                 districts: Sequence[District] = (), user: User | None = None) -> Subscriber:
    """Subscribe an address (double opt-in): stored as pending, confirmed by the link in the e-mail."""
    email = clean_email(email)
    account = user if getattr(user, "is_authenticated", False) else None
    return _subscribe(municipality=municipality, email=email, topics=topics, districts=districts, user=account,
                      name="", entered_by=None)


def do_enter_subscriber(*, municipality: Municipality, actor: User, email: str, name: str = "",
                        topics: Sequence[Topic] = (), districts: Sequence[District] = ()) -> Subscriber:
    """Staff enter a person who phoned. Audited; the person still confirms by the link in the e-mail."""
    _require(actor, WRITE_PERMISSION, municipality)
    email = clean_email(email)
    name = clean_text(name, max_length=200)
    with transaction.atomic():
        subscriber = _subscribe(municipality=municipality, email=email, topics=topics, districts=districts,
                                user=None, name=name, entered_by=actor)
        log_action(tenant=municipality, actor=actor, action=AuditLogEntry.Action.NEWSLETTER_SUBSCRIBER_ENTERED,
                   subscriber=subscriber.pk, person=name or email.split("@")[0])
    return subscriber


def do_confirm_subscription(*, subscriber: Subscriber) -> Subscriber:
    with transaction.atomic():
        subscriber = Subscriber.objects.select_for_update().get(pk=subscriber.pk)
        if subscriber.status == Subscriber.Status.PENDING:
            subscriber.status, subscriber.confirmed_at = Subscriber.Status.CONFIRMED, timezone.now()
            subscriber.save(update_fields=["status", "confirmed_at"])
    return subscriber


def do_unsubscribe(*, subscriber: Subscriber) -> None:
    """Delete the address and its choices (its deliveries stay, without it, so the counts stay true)."""
    Subscriber.objects.filter(pk=subscriber.pk).delete()


def do_record_bounce(*, email: str, municipality: Municipality | None = None, now: datetime | None = None) -> int:
    """Count a hard bounce for an address (in one municipality or in all); an address that bounced BOUNCE_LIMIT
    times is disabled and gets no more issues. Returns the number of subscriptions disabled by this bounce."""
    email = clean_email(email)
    now = now or timezone.now()
    subscribers = Subscriber.objects.filter(email=email)
    if municipality is not None:
        subscribers = subscribers.filter(municipality=municipality)
    with transaction.atomic():
        subscribers.update(bounce_count=F("bounce_count") + 1)
        return subscribers.filter(bounce_count__gte=BOUNCE_LIMIT).exclude(status=Subscriber.Status.DISABLED).update(
            status=Subscriber.Status.DISABLED, disabled_at=now)


# --- Privacy ----------------------------------------------------------------------------------------------------


def delete_subscriptions_of(user: User) -> None:
    """Account deletion: the subscriptions of the account and of its address go (anonymiser)."""
    Subscriber.objects.filter(Q(user=user) | Q(email__iexact=user.email or "-")).delete()
