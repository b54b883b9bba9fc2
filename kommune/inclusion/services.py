"""Writes of the digital-help network: keyword-only, typed, one transaction each, permission checked here.

Every refusal is a ValidationError (or PermissionDenied for a missing right) with a message for the person who
acted, and leaves the database as it was.

Registrations and the waiting list: every write that looks at or moves the counters of an event or course
(``confirmed_count``, ``waiting_count``) first locks that row (``select_for_update``), so two people registering
for the last place, or a cancellation and a registration at once, are serialised: one gets the place, the other
the waiting list, and a cancelled place goes to the first person waiting in the same transaction.

Events: inclusion.partner_proposed, .partner_approved, .partner_rejected, .partner_updated, .event_published,
.event_updated, .event_cancelled, .registration_confirmed, .registration_waiting, .registration_moved_up,
.registration_cancelled.
"""

import re
import secrets
from datetime import date, datetime, time, timedelta
from functools import partial
from typing import Any, cast
from zoneinfo import ZoneInfo

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from kommune.core.events import publish
from kommune.core.models import AuditLogEntry, Membership, Municipality, Role
from kommune.core.services import log_action
from kommune.core.slugs import german_slug
from kommune.core.types import User
from kommune.inclusion import rules
from kommune.inclusion.events import (
    EventCancelled,
    EventPublished,
    EventUpdated,
    PartnerApproved,
    PartnerProposed,
    PartnerRejected,
    PartnerUpdated,
    RegistrationCancelled,
    RegistrationConfirmed,
    RegistrationMovedUp,
    RegistrationWaiting,
)
from kommune.inclusion.models import Category, Course, Event, Partner, PartnerOffer, Registration

BERLIN = ZoneInfo("Europe/Berlin")
MANAGE_PERMISSION = "inclusion.manage"
PROPOSE_PERMISSION = "inclusion.propose_partner"
ORGANISE_PERMISSION = "inclusion.organise"
MAX_SESSIONS = 26
Status = Registration.Status

PARTNER_FIELDS = ("name", "kind", "description", "street", "postcode", "city", "district", "latitude", "longitude",
                  "opening_hours", "step_free", "hearing_loop", "accessible_toilet", "accessibility_notes",
                  "contact_name", "phone", "email", "website", "organisation")
EVENT_FIELDS = ("title", "description", "category", "level", "language", "partner", "is_online", "online_url",
                "accessibility_notes", "cost", "capacity", "waiting_list")


def _authenticated(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False))


def _now() -> datetime:
    return timezone.now()


# --- Partners ---------------------------------------------------------------------------------------------------


def _unique_partner_slug(municipality: Municipality, name: str, *, exclude: int | None = None) -> str:
    base = german_slug(name, max_length=70, fallback="partner")
    others = Partner.objects.filter(municipality=municipality, slug__startswith=base)
    if exclude is not None:
        others = others.exclude(pk=exclude)
    taken = set(others.values_list("slug", flat=True))
    slug, number = base, 2
    while slug in taken:
        slug, number = f"{base}-{number}", number + 1
    return slug


def _set_offers(partner: Partner, offers: list[str]) -> None:
    unknown = [value for value in offers if value not in Category.values]
    if unknown:
        raise ValidationError({"offers": _("Unknown offer: %(value)s.") % {"value": ", ".join(unknown)}})
    partner.offers = sorted(set(offers))
    PartnerOffer.objects.filter(partner=partner).exclude(category__in=partner.offers).delete()
    existing = set(PartnerOffer.objects.filter(partner=partner).values_list("category", flat=True))
    PartnerOffer.objects.bulk_create([PartnerOffer(municipality_id=partner.municipality_id, partner=partner,
                                                   category=value)
                                      for value in partner.offers if value not in existing])


def _apply_partner_fields(partner: Partner, data: dict[str, Any]) -> None:
    for name in PARTNER_FIELDS:
        if name in data:
            setattr(partner, name, data[name])
    if (partner.latitude is None) != (partner.longitude is None):
        raise ValidationError({"latitude": _("Please give both latitude and longitude, or neither.")})
    partner.full_clean(exclude=["slug", "municipality", "offers"])


def do_propose_partner(*, actor: User, municipality: Municipality, data: dict[str, Any],
                       offers: list[str]) -> Partner:
    """A new place for the network. Proposed by anyone with a confirmed account and approved by the team; the
    team's own entries are approved at once."""
    if not _authenticated(actor) or not actor.has_perm(PROPOSE_PERMISSION, municipality):
        raise PermissionDenied
    approve = actor.has_perm(MANAGE_PERMISSION, municipality)
    with transaction.atomic():
        partner = Partner(municipality=municipality, submitted_by=actor)
        _apply_partner_fields(partner, data)
        partner.slug = _unique_partner_slug(municipality, partner.name)
        if approve:
            partner.state, partner.decided_by, partner.decided_at = Partner.State.APPROVED, actor, _now()
        partner.save()
        _set_offers(partner, offers)
        partner.save(update_fields=["offers"])
        if approve:
            publish(PartnerApproved(municipality, partner, actor=actor))
        else:
            team = list(Membership.objects.filter(municipality=municipality, role__in=[Role.ADMIN, Role.STAFF])
                        .values_list("user_id", flat=True).distinct())
            publish(PartnerProposed(municipality, partner, actor=actor, data={"notify_users": team}))
    return partner


def do_update_partner(*, actor: User, partner: Partner, data: dict[str, Any], offers: list[str]) -> Partner:
    if not rules.manages_partner(actor, partner):
        raise PermissionDenied
    with transaction.atomic():
        partner = Partner.objects.select_for_update().get(pk=partner.pk)
        if "organisation" in data and not actor.has_perm(MANAGE_PERMISSION, partner.municipality):
            data = {key: value for key, value in data.items() if key != "organisation"}
        _apply_partner_fields(partner, data)
        partner.updated_at = _now()
        _set_offers(partner, offers)
        partner.save()
        if partner.is_approved:
            publish(PartnerUpdated(partner.municipality, partner, actor=actor))
    return partner


def do_decide_partner(*, actor: User, partner: Partner, approve: bool) -> Partner:
    """The team of the municipality (or an administrator of its lab) approves or rejects a proposed partner."""
    if not rules.decides_partner(actor, partner):
        raise PermissionDenied
    with transaction.atomic():
        partner = Partner.objects.select_for_update().select_related("municipality").get(pk=partner.pk)
        wanted = Partner.State.APPROVED if approve else Partner.State.REJECTED
        if partner.state == wanted:
            raise ValidationError(_("This partner is already %(state)s.") % {"state": partner.get_state_display()})
        partner.state, partner.decided_by, partner.decided_at = wanted, actor, _now()
        partner.save(update_fields=["state", "decided_by", "decided_at"])
        log_action(tenant=partner.municipality, actor=actor, action=AuditLogEntry.Action.INCLUSION_PARTNER_DECIDED,
                   partner=partner.name, approved=approve)
        data = {"notify_users": [partner.submitted_by_id] if partner.submitted_by_id else []}
        publish((PartnerApproved if approve else PartnerRejected)(partner.municipality, partner, actor=actor,
                                                                  data=data))
    return partner


# --- Events and courses -----------------------------------------------------------------------------------------


def _check_event_rights(actor: User, municipality: Municipality, partner: Partner | None) -> None:
    if not _authenticated(actor):
        raise PermissionDenied
    if actor.has_perm(MANAGE_PERMISSION, municipality):
        return
    if partner is None or not rules.manages_partner(actor, partner):
        raise PermissionDenied


def _apply_event_fields(target: Course | Event, data: dict[str, Any]) -> None:
    for name in EVENT_FIELDS:
        if name in data:
            setattr(target, name, data[name])
    if not target.is_online and target.partner is None:
        raise ValidationError({"partner": _("Please choose the place, or mark the event as online.")})
    if target.is_online and not target.online_url and target.partner is None:
        raise ValidationError({"online_url": _("Please give the address of the online meeting.")})
    if target.partner is not None and not target.partner.is_approved:
        raise ValidationError({"partner": _("This place is not approved yet.")})
    if target.partner is not None and target.partner.municipality_id != target.municipality_id:
        raise ValidationError({"partner": _("This place belongs to another municipality.")})


def session_times(first_day: date, starts: time, ends: time, count: int) -> list[tuple[datetime, datetime]]:
    """The begin and end of ``count`` weekly sessions at the same local time (Europe/Berlin), also across the
    change to and from summer time."""
    if ends <= starts:
        raise ValidationError({"ends": _("The end must be after the beginning.")})
    return [(datetime.combine(first_day + timedelta(weeks=week), starts, BERLIN),
             datetime.combine(first_day + timedelta(weeks=week), ends, BERLIN)) for week in range(count)]


def do_publish_event(*, actor: User, municipality: Municipality, data: dict[str, Any], first_day: date,
                     starts: time, ends: time, sessions: int = 1) -> Event | Course:
    """Publish one event, or (``sessions`` > 1) a weekly course: a Course, which people register for, with one
    Event per session. Returns the event, or the course."""
    partner = data.get("partner")
    _check_event_rights(actor, municipality, partner)
    if not 1 <= sessions <= MAX_SESSIONS:
        raise ValidationError({"sessions": _("A course has between 1 and %(max)d sessions.") % {"max": MAX_SESSIONS}})
    times = session_times(first_day, starts, ends, sessions)
    if times[0][0] <= _now():
        raise ValidationError({"first_day": _("The first date must be in the future.")})
    with transaction.atomic():
        course: Course | None = None
        if sessions > 1:
            course = Course(municipality=municipality, created_by=actor)
            _apply_event_fields(course, data)
            course.full_clean(exclude=["municipality", "partner", "created_by"])
            course.save()
        created = []
        for begin, end in times:
            event = Event(municipality=municipality, created_by=actor, course=course, starts_at=begin, ends_at=end)
            _apply_event_fields(event, data)
            if course is not None:  # people register for the course, not for a session
                event.capacity, event.waiting_list = None, False
            event.full_clean(exclude=["municipality", "partner", "created_by", "course"])
            created.append(event)
        Event.objects.bulk_create(created)
        target: Event | Course = course if course is not None else created[0]
        publish(EventPublished(municipality, target, actor=actor, scope=partner))
    return target


def do_update_event(*, actor: User, event: Event, data: dict[str, Any], starts_at: datetime | None = None,
                    ends_at: datetime | None = None) -> Event:
    """Change one date (a session of a course keeps the course's registration settings)."""
    if not rules.manages_event(actor, event):
        raise PermissionDenied
    with transaction.atomic():
        event = Event.objects.select_for_update().get(pk=event.pk)
        capacity_before = event.capacity
        _apply_event_fields(event, {key: value for key, value in data.items() if key in EVENT_FIELDS})
        if event.course_id:
            event.capacity, event.waiting_list = None, False
        elif event.capacity is not None and event.capacity < event.confirmed_count:
            raise ValidationError({"capacity": _("%(num)d people are registered already; there cannot be fewer "
                                                 "places.") % {"num": event.confirmed_count}})
        if starts_at is not None and ends_at is not None:
            event.starts_at, event.ends_at = starts_at, ends_at
        if event.ends_at < event.starts_at:
            raise ValidationError({"ends": _("The end must be after the beginning.")})
        event.updated_at = _now()
        event.full_clean(exclude=["municipality", "partner", "created_by", "course"])
        event.save()
        if capacity_before is not None and event.capacity is not None and event.capacity > capacity_before:
            _fill_from_waiting_list(event, actor)
        publish(EventUpdated(event.municipality, event, actor=actor, scope=event.partner))
    return event


def do_cancel_event(*, actor: User, target: Event | Course) -> None:
    """Call off an event or a whole course; the people registered are told by e-mail."""
    if not rules.manages_event(actor, target):
        raise PermissionDenied
    model = type(target)
    with transaction.atomic():
        target = model.objects.select_for_update().get(pk=target.pk)
        if target.is_cancelled:
            raise ValidationError(_("This event is already cancelled."))
        target.is_cancelled, target.updated_at = True, _now()
        target.save(update_fields=["is_cancelled", "updated_at"])
        if isinstance(target, Course):
            target.sessions.update(is_cancelled=True, updated_at=_now())
        publish(EventCancelled(target.municipality, target, actor=actor, scope=target.partner))


# --- Registrations ----------------------------------------------------------------------------------------------

_PHONE_DIGITS = re.compile(r"\D+")


def _phone_key(phone: str) -> str:
    digits = _PHONE_DIGITS.sub("", phone)
    return "0" + digits[2:] if digits.startswith("49") else digits


def _first_begin(target: Event | Course) -> datetime | None:
    if isinstance(target, Event):
        return target.starts_at
    return target.sessions.order_by("starts_at").values_list("starts_at", flat=True).first()


def registration_target(event: Event) -> Event | Course:
    return event.course if event.course_id else event  # type: ignore[return-value]


def _target_filter(target: Event | Course) -> dict[str, Any]:
    return {"event": target} if isinstance(target, Event) else {"course": target}


def _lock(target: Event | Course) -> Event | Course:
    return type(target).objects.select_for_update(of=("self",)).select_related("municipality", "partner").get(
        pk=target.pk)


def do_register(*, target: Event | Course, name: str, phone: str = "", email: str = "", note: str = "",
                user: User | AnonymousUser | None = None, assisted_by: User | None = None,
                accept_waiting_list: bool = True) -> Registration:
    """Register a person for an event or a whole course: a place while there is one, else the waiting list (if
    the event keeps one and the person accepts it). ``user``: the account of the person registering themself;
    ``assisted_by``: the staff member or partner who enters the registration for a person who phoned or came by
    (marked and written to the audit log)."""
    name, phone, email, note = (value.strip() for value in (name, phone, email, note))
    if isinstance(target, Event) and target.course_id:
        raise ValidationError(_("This date belongs to a course; please register for the whole course."))
    if not name:
        raise ValidationError({"name": _("Please give your name.")})
    if not phone and not email:
        raise ValidationError({"phone": _("Please give a phone number or an e-mail address, so that the "
                                          "organisers can reach you if something changes.")})
    if phone and len(_phone_key(phone)) < 5:
        raise ValidationError({"phone": _("Please check the phone number.")})
    if email:
        from django.core.validators import validate_email

        try:
            validate_email(email)
        except ValidationError:
            raise ValidationError({"email": _("Please check the e-mail address.")}) from None
    if assisted_by is not None and not (assisted_by.has_perm(ORGANISE_PERMISSION, target.municipality)
                                        and rules.manages_event(assisted_by, target)):
        raise PermissionDenied
    account = cast(User, user) if user is not None and _authenticated(user) and assisted_by is None else None
    with transaction.atomic():
        target = _lock(target)
        if target.is_cancelled:
            raise ValidationError(_("This event has been cancelled."))
        if not target.takes_registrations:
            raise ValidationError(_("No registration is needed for this event: just come along."))
        begin = _first_begin(target)
        if begin is None or begin <= _now():
            raise ValidationError(_("This event has already begun or is over; registration is closed."))
        active = Registration.objects.filter(**_target_filter(target)).exclude(status=Status.CANCELLED)
        same = Q(user=account) if account is not None else Q(pk__in=[])
        if email:
            same |= Q(email__iexact=email)
        duplicate = active.filter(same).first()
        if duplicate is None and phone:
            key = _phone_key(phone)
            duplicate = next((row for row in active.exclude(phone="").only("phone", "status")
                              if _phone_key(row.phone) == key), None)
        if duplicate is not None:
            raise ValidationError(_("You are already registered for this event (%(status)s).")
                                  % {"status": duplicate.get_status_display()}, code="duplicate")
        if not target.is_full:
            status = Status.CONFIRMED
        elif target.waiting_list and accept_waiting_list:
            status = Status.WAITING
        elif target.waiting_list:
            raise ValidationError(_("All places are taken. You can put yourself on the waiting list."), code="full")
        else:
            raise ValidationError(_("All places are taken, and this event keeps no waiting list."), code="full")
        registration = Registration.objects.create(
            municipality=target.municipality, user=account, name=name, phone=phone, email=email, note=note,
            status=status, secret=secrets.token_hex(16), assisted_by=assisted_by, **_target_filter(target))
        counter = "confirmed_count" if status == Status.CONFIRMED else "waiting_count"
        type(target).objects.filter(pk=target.pk).update(**{counter: F(counter) + 1})
        if assisted_by is not None:
            log_action(tenant=target.municipality, actor=assisted_by,
                       action=AuditLogEntry.Action.INCLUSION_ASSISTED_REGISTRATION,
                       registration=registration.pk, event=target.title, person=name, status=status)
        publish((RegistrationConfirmed if status == Status.CONFIRMED else RegistrationWaiting)(
            target.municipality, registration, actor=assisted_by or account, scope=target))
    return registration


def _fill_from_waiting_list(target: Event | Course, actor: User | None) -> list[Registration]:
    """Give free places to the people waiting longest; the caller holds the lock on ``target``."""
    target.refresh_from_db(fields=["confirmed_count", "waiting_count", "capacity"])
    free = (target.capacity or 0) - target.confirmed_count
    if free <= 0:
        return []
    moved = list(Registration.objects.select_for_update().filter(**_target_filter(target), status=Status.WAITING)
                 .order_by("created_at", "pk")[:free])
    now = _now()
    for registration in moved:
        registration.status, registration.moved_up_at = Status.CONFIRMED, now
        registration.save(update_fields=["status", "moved_up_at"])
        publish(RegistrationMovedUp(target.municipality, registration, actor=actor, scope=target))
    if moved:
        type(target).objects.filter(pk=target.pk).update(confirmed_count=F("confirmed_count") + len(moved),
                                                         waiting_count=F("waiting_count") - len(moved))
    return moved


def do_cancel_registration(*, registration: Registration, actor: User | None = None,
                           assisted: bool = False) -> list[Registration]:
    """Cancel a registration (by its link, by the person's account, or by staff for a person: ``assisted``);
    a freed place goes to the first person on the waiting list. Returns the registrations that moved up."""
    target = registration.target
    if assisted and (actor is None or not rules.manages_event(actor, target)):
        raise PermissionDenied
    with transaction.atomic():
        target = _lock(target)
        registration = Registration.objects.select_for_update().get(pk=registration.pk)
        if registration.status == Status.CANCELLED:
            raise ValidationError(_("This registration was already cancelled."), code="cancelled")
        was = registration.status
        registration.status, registration.cancelled_at = Status.CANCELLED, _now()
        registration.save(update_fields=["status", "cancelled_at"])
        counter = "confirmed_count" if was == Status.CONFIRMED else "waiting_count"
        type(target).objects.filter(pk=target.pk).update(**{counter: F(counter) - 1})
        if assisted:
            log_action(tenant=target.municipality, actor=actor,  # type: ignore[arg-type]
                       action=AuditLogEntry.Action.INCLUSION_ASSISTED_CANCELLATION,
                       registration=registration.pk, event=target.title, person=registration.name)
        publish(RegistrationCancelled(target.municipality, registration, actor=actor, scope=target))
        moved = _fill_from_waiting_list(target, actor) if was == Status.CONFIRMED else []
    return moved


# --- Reminders --------------------------------------------------------------------------------------------------


def due_reminders(now: datetime | None = None) -> list[tuple[Registration, Event]]:
    """The registrations with an e-mail address whose event (or course session) takes place tomorrow (local
    time) and who were not reminded for it yet."""
    now = now or _now()
    tomorrow = now.astimezone(BERLIN).date() + timedelta(days=1)
    begin = datetime.combine(tomorrow, time.min, BERLIN)
    end = begin + timedelta(days=1)
    events = Event.objects.filter(starts_at__gte=begin, starts_at__lt=end, is_cancelled=False) \
        .select_related("partner", "municipality")
    found = []
    for event in events:
        rows = Registration.objects.filter(status=Status.CONFIRMED).exclude(email="").filter(
            Q(reminded_at__isnull=True) | Q(reminded_at__lt=now - timedelta(hours=20)))
        rows = rows.filter(course_id=event.course_id) if event.course_id else rows.filter(event=event)
        found += [(registration, event) for registration in rows]
    return found


def do_send_reminders(*, now: datetime | None = None) -> int:
    """Send the reminder e-mails for tomorrow's events; run daily (``manage.py send_event_reminders``)."""
    from kommune.inclusion import mails

    sent = 0
    now = now or _now()
    for registration, event in due_reminders(now):
        with transaction.atomic():
            claimed = Registration.objects.filter(pk=registration.pk).filter(
                Q(reminded_at__isnull=True) | Q(reminded_at__lt=now - timedelta(hours=20))).update(reminded_at=now)
            if claimed:
                transaction.on_commit(partial(mails.send_reminder, registration, event))
                sent += 1
    return sent


# --- Privacy ----------------------------------------------------------------------------------------------------


def delete_registrations_of(user: User) -> None:
    """On account deletion: future registrations are cancelled (freeing the places), past ones lose the name and
    contact data."""
    for registration in Registration.objects.filter(user=user).exclude(status=Status.CANCELLED):
        begin = _first_begin(registration.target)
        if begin is not None and begin > _now():
            do_cancel_registration(registration=registration)
    Registration.objects.filter(user=user).update(user=None, name="–", phone="", email="", note="")
