"""Writes of the volunteer projects: keyword-only, typed, one transaction each, permission checked here.

Every refusal is a ValidationError (or PermissionDenied for a missing right) with a message for the person who
acted, and leaves the database as it was.

Capacity: every write that looks at or moves ``Shift.signed_up_count`` first locks the shift's row
(``select_for_update``; on SQLite the IMMEDIATE write transaction serialises), so two people signing up for the
last place at once are serialised: one gets it, the other is told that the shift is full.

Events: volunteering.project_published, .project_updated, .shift_added, .signed_up, .sign_up_cancelled,
.attendance_confirmed.
"""

import re
import secrets
from datetime import datetime, time, timedelta
from decimal import Decimal
from functools import partial
from typing import Any
from zoneinfo import ZoneInfo

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from kommune.core.cleaning import refuse_control_characters
from kommune.core.events import publish
from kommune.core.models import AuditLogEntry, Lab, Municipality, Organisation
from kommune.core.services import log_action
from kommune.core.types import User
from kommune.volunteering import rules
from kommune.volunteering.events import (
    AttendanceConfirmed,
    ShiftAdded,
    SignedUp,
    SignUpCancelled,
    VolunteerProjectPublished,
    VolunteerProjectUpdated,
)
from kommune.volunteering.models import Project, Shift, SignUp, Skill, VolunteerPreference

BERLIN = ZoneInfo("Europe/Berlin")
MANAGE_PERMISSION = "volunteering.manage"
ORGANISE_PERMISSION = "volunteering.organise"
MAX_HOURS = Decimal("24")
MAX_CAPACITY = 1000
Status = SignUp.Status

PROJECT_FIELDS = ("title", "summary", "description", "contact_email", "contact_phone")
SHIFT_FIELDS = ("title", "description", "starts_at", "ends_at", "place_name", "street", "postcode", "city",
                "district", "latitude", "longitude", "capacity", "accessibility", "accessibility_notes")


def _authenticated(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False))


def _now() -> datetime:
    return timezone.now()


def _clean(value: Any) -> Any:
    return refuse_control_characters(value.strip()) if isinstance(value, str) else value


# --- Projects and shifts ----------------------------------------------------------------------------------------


def _check_publisher(actor: User, municipality: Municipality, organisation: Organisation | None,
                     lab: Lab | None) -> None:
    if not rules.may_publish(actor, municipality):
        raise PermissionDenied
    manages = actor.has_perm(MANAGE_PERMISSION, municipality)
    if organisation is not None:
        if organisation.municipality_id != municipality.pk:
            raise ValidationError({"organisation": _("This organisation belongs to another municipality.")})
        if not manages and not actor.memberships.filter(organisation=organisation).exists():
            raise ValidationError({"organisation": _("You can only publish for your own organisation.")})
    if lab is not None and not (manages and lab.municipalities.filter(pk=municipality.pk).exists()
                                or rules.labs_managed_by(actor, municipality).filter(pk=lab.pk).exists()):
        raise ValidationError({"lab": _("You can only publish for a lab whose team you belong to.")})
    if not manages and organisation is None and lab is None:
        raise ValidationError({"organisation": _("Please choose the organisation or lab that runs the project.")})


def do_create_project(*, actor: User, municipality: Municipality, data: dict[str, Any],
                      organisation: Organisation | None = None, lab: Lab | None = None) -> Project:
    """Publish a volunteer project of the municipality, of a partner organisation or of a lab."""
    _check_publisher(actor, municipality, organisation, lab)
    with transaction.atomic():
        project = Project(municipality=municipality, organisation=organisation, lab=lab, created_by=actor)
        for name in PROJECT_FIELDS:
            if name in data:
                setattr(project, name, _clean(data[name]))
        project.full_clean(exclude=["municipality", "organisation", "lab", "created_by"])
        project.save()
        publish(VolunteerProjectPublished(municipality, project, actor=actor))
    return project


def do_update_project(*, actor: User, project: Project, data: dict[str, Any]) -> Project:
    if not rules.organises(actor, project):
        raise PermissionDenied
    with transaction.atomic():
        project = Project.objects.select_for_update().get(pk=project.pk)
        for name in PROJECT_FIELDS:
            if name in data:
                setattr(project, name, _clean(data[name]))
        project.updated_at = _now()
        project.full_clean(exclude=["municipality", "organisation", "lab", "created_by"])
        project.save()
        publish(VolunteerProjectUpdated(project.municipality, project, actor=actor))
    return project


def _skills_value(skills: list[str]) -> str:
    unknown = [value for value in skills if value not in Skill.values]
    if unknown:
        raise ValidationError({"skills": _("Unknown skill: %(value)s.") % {"value": ", ".join(unknown)}})
    chosen = [value for value in Skill.values if value in skills]
    return "," + ",".join(chosen) + "," if chosen else ""


def do_add_shift(*, actor: User, project: Project, data: dict[str, Any], skills: list[str]) -> Shift:
    """Add a task or shift to a project: with a begin (and end) in the future, or ongoing without a date."""
    if not rules.organises(actor, project):
        raise PermissionDenied
    shift = Shift(municipality_id=project.municipality_id, project=project)
    for name in SHIFT_FIELDS:
        if name in data:
            setattr(shift, name, _clean(data[name]))
    shift.skills = _skills_value(skills)
    if (shift.latitude is None) != (shift.longitude is None):
        raise ValidationError({"latitude": _("Please give both latitude and longitude, or neither.")})
    latitude, longitude = shift.latitude, shift.longitude
    if latitude is not None and longitude is not None and not (-90 <= latitude <= 90 and -180 <= longitude <= 180):
        raise ValidationError({"latitude": _("This point is not on the earth.")})
    if shift.starts_at is None and shift.ends_at is not None:
        raise ValidationError({"starts_at": _("A shift with an end needs a begin.")})
    if shift.starts_at is not None:
        if shift.starts_at <= _now():
            raise ValidationError({"starts_at": _("The shift must begin in the future.")})
        if shift.ends_at is not None and shift.ends_at <= shift.starts_at:
            raise ValidationError({"ends_at": _("The end must be after the beginning.")})
    if not shift.capacity or not 1 <= shift.capacity <= MAX_CAPACITY:
        raise ValidationError({"capacity": _("A shift needs between 1 and %(max)d people.") % {"max": MAX_CAPACITY}})
    shift.full_clean(exclude=["municipality", "project", "skills"])
    with transaction.atomic():
        shift.save()
        publish(ShiftAdded(project.municipality, shift, actor=actor, scope=project))
        # The project's search document names its shifts' places and skills.
        publish(VolunteerProjectUpdated(project.municipality, project, actor=actor))
    return shift


# --- Signing up -------------------------------------------------------------------------------------------------

_PHONE_DIGITS = re.compile(r"\D+")


def _phone_key(phone: str) -> str:
    digits = _PHONE_DIGITS.sub("", phone)
    return "0" + digits[2:] if digits.startswith("49") else digits


def _lock(shift: Shift) -> Shift:
    return Shift.objects.select_for_update(of=("self",)).select_related("municipality", "project").get(pk=shift.pk)


def _check_contact(name: str, phone: str, email: str) -> None:
    if not name:
        raise ValidationError({"name": _("Please give the name.")})
    if not phone and not email:
        raise ValidationError({"phone": _("Please give a phone number or an e-mail address, so that the "
                                          "organisers can reach the person if something changes.")})
    if phone and len(_phone_key(phone)) < 5:
        raise ValidationError({"phone": _("Please check the phone number.")})
    if email:
        try:
            validate_email(email)
        except ValidationError:
            raise ValidationError({"email": _("Please check the e-mail address.")}) from None


def sign_up_refusal(shift: Shift, now: datetime | None = None) -> str:
    """Why nobody can sign up for this shift now (empty when they can): the one rule for pages, API and service."""
    if not shift.project.is_published:
        return _("This project is not published.")
    if shift.is_cancelled:
        return _("This shift has been called off.")
    if shift.is_past(now or _now()):
        return _("This shift has already begun or is over; signing up is closed.")
    if shift.is_full:
        return _("This shift is full: all %(num)d places are taken. Please choose another shift.") % {
            "num": shift.capacity}
    return ""


def do_sign_up(*, shift: Shift, user: User | None = None, assisted_by: User | None = None, name: str = "",
               phone: str = "", email: str = "") -> SignUp:
    """Sign a person up for a shift. Either ``user`` (the logged-in person, signing up themself: name and e-mail
    from the account) or ``assisted_by`` (an organiser entering a person who phoned: name and phone or e-mail;
    marked and written to the audit log)."""
    if assisted_by is not None:
        if not rules.organises(assisted_by, shift.project):
            raise PermissionDenied
        name, phone, email = (_clean(value) for value in (name, phone, email))
        _check_contact(name, phone, email)
        account = None
    else:
        if user is None or not _authenticated(user):
            raise PermissionDenied(_("Please log in to sign up."))
        account = user
        name, email = user.display_name, user.email
        phone = _clean(phone)
        if phone and len(_phone_key(phone)) < 5:
            raise ValidationError({"phone": _("Please check the phone number.")})
    with transaction.atomic():
        shift = _lock(shift)
        active = SignUp.objects.filter(shift=shift, status=Status.CONFIRMED)
        same = Q(user=account) if account is not None else Q(pk__in=[])
        if email:
            same |= Q(email__iexact=email)
        duplicate = active.filter(same).exists()
        if not duplicate and phone:
            key = _phone_key(phone)
            duplicate = any(_phone_key(row) == key for row in active.exclude(phone="").values_list("phone", flat=True))
        if duplicate:
            raise ValidationError(_("This person is already signed up for this shift."), code="duplicate")
        refusal = sign_up_refusal(shift)
        if refusal:
            raise ValidationError(refusal, code="full" if shift.is_full else "closed")
        sign_up = SignUp.objects.create(municipality_id=shift.municipality_id, shift=shift, user=account, name=name,
                                        phone=phone, email=email, secret=secrets.token_hex(16),
                                        assisted_by=assisted_by)
        Shift.objects.filter(pk=shift.pk).update(signed_up_count=F("signed_up_count") + 1)
        if assisted_by is not None:
            log_action(tenant=shift.municipality, actor=assisted_by,
                       action=AuditLogEntry.Action.VOLUNTEER_ASSISTED_SIGNUP, sign_up=sign_up.pk,
                       shift=shift.title, project=shift.project.title, person=name)
        publish(SignedUp(shift.municipality, sign_up, actor=assisted_by or account, scope=shift))
    return sign_up


def do_cancel_sign_up(*, sign_up: SignUp, actor: User | None = None, assisted: bool = False) -> SignUp:
    """Cancel a sign-up: by the signed link, by the person's account, or by an organiser for a person
    (``assisted``, audited). The place is free again at once."""
    if assisted and (actor is None or not rules.organises(actor, sign_up.shift.project)):
        raise PermissionDenied
    with transaction.atomic():
        shift = _lock(sign_up.shift)
        sign_up = SignUp.objects.select_for_update().get(pk=sign_up.pk)
        if sign_up.status == Status.CANCELLED:
            raise ValidationError(_("This sign-up was already cancelled."), code="cancelled")
        if shift.is_past() and not assisted:
            raise ValidationError(_("This shift has already begun; please call the organisers."), code="past")
        sign_up.status, sign_up.cancelled_at = Status.CANCELLED, _now()
        sign_up.save(update_fields=["status", "cancelled_at"])
        Shift.objects.filter(pk=shift.pk).update(signed_up_count=F("signed_up_count") - 1)
        if assisted:
            log_action(tenant=shift.municipality, actor=actor,  # type: ignore[arg-type]
                       action=AuditLogEntry.Action.VOLUNTEER_ASSISTED_CANCELLATION, sign_up=sign_up.pk,
                       shift=shift.title, project=shift.project.title, person=sign_up.name)
        publish(SignUpCancelled(shift.municipality, sign_up, actor=actor, scope=shift))
    return sign_up


def do_confirm_attendance(*, actor: User, sign_up: SignUp, attended: bool, hours: Decimal | None) -> SignUp:
    """The organisers confirm that a person took part (and for how many hours), or that they did not come."""
    if not rules.organises(actor, sign_up.shift.project):
        raise PermissionDenied
    with transaction.atomic():
        sign_up = SignUp.objects.select_for_update().select_related("shift__project", "municipality").get(
            pk=sign_up.pk)
        if attended:
            hours = hours if hours is not None else sign_up.shift.hours()
            if hours is None or not Decimal("0.25") <= hours <= MAX_HOURS:
                raise ValidationError({"hours": _("Please give the hours, between 0.25 and 24.")})
            hours = hours.quantize(Decimal("0.01"))
        if sign_up.status != Status.CONFIRMED:
            raise ValidationError(_("This sign-up was cancelled."), code="cancelled")
        if sign_up.shift.starts_at is not None and sign_up.shift.starts_at > _now():
            raise ValidationError(_("The shift has not begun yet."), code="future")
        sign_up.attendance = SignUp.Attendance.ATTENDED if attended else SignUp.Attendance.ABSENT
        sign_up.hours = hours if attended else None
        sign_up.attendance_confirmed_by, sign_up.attendance_confirmed_at = actor, _now()
        sign_up.save(update_fields=["attendance", "hours", "attendance_confirmed_by", "attendance_confirmed_at"])
        log_action(tenant=sign_up.municipality, actor=actor,
                   action=AuditLogEntry.Action.VOLUNTEER_ATTENDANCE_CONFIRMED, sign_up=sign_up.pk,
                   shift=sign_up.shift.title, person=sign_up.name, attended=attended,
                   hours=str(sign_up.hours) if sign_up.hours is not None else "")
        publish(AttendanceConfirmed(sign_up.municipality, sign_up, actor=actor, scope=sign_up.shift))
    return sign_up


def do_set_preference(*, user: User, municipality: Municipality, show_on_profile: bool) -> VolunteerPreference:
    if not _authenticated(user):
        raise PermissionDenied
    with transaction.atomic():
        preference, _created = VolunteerPreference.objects.update_or_create(
            municipality=municipality, user=user,
            defaults={"show_on_profile": show_on_profile, "updated_at": _now()})
    return preference


# --- Reminders --------------------------------------------------------------------------------------------------


def due_reminders(now: datetime | None = None) -> list[SignUp]:
    """Sign-ups with an e-mail address for a shift that begins tomorrow (local time), not reminded yet."""
    now = now or _now()
    tomorrow = now.astimezone(BERLIN).date() + timedelta(days=1)
    begin = datetime.combine(tomorrow, time.min, BERLIN)
    return list(SignUp.objects.filter(status=Status.CONFIRMED, reminded_at__isnull=True, shift__is_cancelled=False,
                                      shift__starts_at__gte=begin, shift__starts_at__lt=begin + timedelta(days=1))
                .exclude(email="").select_related("shift__project", "municipality"))


def do_send_reminders(*, now: datetime | None = None) -> int:
    """Send the reminder e-mails for tomorrow's shifts; run daily (``manage.py send_volunteer_reminders``). A
    sign-up is claimed with a conditional update, so two runs never send twice."""
    from kommune.volunteering import mails

    sent = 0
    now = now or _now()
    for sign_up in due_reminders(now):
        with transaction.atomic():
            if SignUp.objects.filter(pk=sign_up.pk, reminded_at__isnull=True).update(reminded_at=now):
                transaction.on_commit(partial(mails.send_reminder, sign_up))
                sent += 1
    return sent


# --- Privacy ----------------------------------------------------------------------------------------------------


def delete_sign_ups_of(user: User) -> None:
    """On account deletion: future sign-ups are cancelled (freeing the places), every sign-up loses the name and
    contact data (the hours stay counted, without a name), the preferences go."""
    for sign_up in SignUp.objects.filter(user=user, status=Status.CONFIRMED).select_related("shift"):
        if not sign_up.shift.is_past():
            do_cancel_sign_up(sign_up=sign_up)
    SignUp.objects.filter(user=user).update(user=None, name="–", phone="", email="")
    VolunteerPreference.objects.filter(user=user).delete()
