"""Writes of issue reports: create (web, REST API, Open311, staff for a resident), change the status, route,
merge duplicates, settings and Open311 keys, and flagging reports that waited too long for an answer.
Keyword-only, typed, one transaction each; each publishes its event from events.py."""

import secrets
from datetime import datetime, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from kommune.core.events import publish
from kommune.core.models import AuditLogEntry, Membership, Municipality, Role
from kommune.core.notifications.models import Follow
from kommune.core.notifications.selectors import FOLLOWS
from kommune.core.notifications.services import do_follow
from kommune.core.photos import clean_photo
from kommune.core.services import log_action
from kommune.core.types import User
from kommune.reports import selectors
from kommune.reports.events import ReportCreated, ReportMerged, ReportRouted, ReportsOverdue, ReportStatusChanged
from kommune.reports.models import (
    ApiKey,
    Department,
    PendingPhoto,
    Report,
    ReportSettings,
    Service,
    ServiceAttribute,
    hash_key,
)

MANAGE_PERMISSION = "reports.manage"
CREATE_PERMISSION = "reports.create_report"
Status = Report.Status
# Photos of reports that were never sent are deleted after this time.
PENDING_PHOTO_AGE = timedelta(days=1)
MAX_ATTRIBUTE_LENGTH = 1000


# --- Creating a report ------------------------------------------------------------------------------------------


def _plain(value: str) -> str:
    """Text as stored: without NUL characters, which PostgreSQL refuses in text and JSON."""
    return (value or "").replace("\x00", "")


def clean_attributes(service: Service, raw: dict[str, Any]) -> dict[str, Any]:
    """The answers to the service's questions, checked against its definition; unknown codes are dropped."""
    cleaned: dict[str, Any] = {}
    errors: list[str] = []
    for attribute in list(service.attributes.all()):
        value = raw.get(attribute.code)
        values = [str(v) for v in value] if isinstance(value, list | tuple) else (
            [] if value in (None, "") else [str(value)])
        values = [_plain(v).strip()[:MAX_ATTRIBUTE_LENGTH] for v in values if _plain(v).strip()]
        if not values:
            if attribute.required:
                errors.append(_("Please answer: %(question)s") % {"question": attribute.description})
            continue
        datatype = attribute.datatype
        if datatype in (ServiceAttribute.Datatype.SINGLEVALUELIST, ServiceAttribute.Datatype.MULTIVALUELIST):
            if any(v not in attribute.choice_keys for v in values) or (
                    datatype == ServiceAttribute.Datatype.SINGLEVALUELIST and len(values) > 1):
                errors.append(_("Please choose one of the given answers: %(question)s")
                              % {"question": attribute.description})
                continue
            cleaned[attribute.code] = values if datatype == ServiceAttribute.Datatype.MULTIVALUELIST else values[0]
        elif datatype == ServiceAttribute.Datatype.NUMBER:
            try:
                number = Decimal(values[0])
                if not number.is_finite() or abs(number) > 10**12:
                    raise InvalidOperation
            except InvalidOperation:
                errors.append(_("Please enter a number: %(question)s") % {"question": attribute.description})
                continue
            cleaned[attribute.code] = str(number)
        elif datatype == ServiceAttribute.Datatype.DATETIME:
            try:
                parsed = parse_datetime(values[0])
            except ValueError:
                parsed = None
            if parsed is None:
                errors.append(_("Please enter a date and time: %(question)s") % {"question": attribute.description})
                continue
            cleaned[attribute.code] = parsed.isoformat()
        else:
            cleaned[attribute.code] = values[0]
    if errors:
        raise ValidationError({"attributes": errors})
    return cleaned


def _point(latitude: Decimal | float | str | None, longitude: Decimal | float | str | None
           ) -> tuple[Decimal | None, Decimal | None]:
    if latitude in (None, "") and longitude in (None, ""):
        return None, None
    try:
        lat, lng = Decimal(str(latitude)), Decimal(str(longitude))
    except (InvalidOperation, ValueError):
        raise ValidationError({"latitude": _("Please give the point as two numbers: latitude and longitude.")},
                              code="invalid_point") from None
    if not (lat.is_finite() and lng.is_finite() and -90 <= lat <= 90 and -180 <= lng <= 180):
        raise ValidationError({"latitude": _("This point is not on the earth. Latitude goes from −90 to 90, "
                                             "longitude from −180 to 180.")}, code="invalid_point")
    return lat.quantize(Decimal("0.000001")), lng.quantize(Decimal("0.000001"))


def do_store_pending_photo(*, municipality: Municipality, user: User, upload: Any) -> PendingPhoto:
    """Clean a photo (core.photos.clean_photo; raises ValidationError) and keep it until the report is sent."""
    photo = clean_photo(upload)
    with transaction.atomic():
        return PendingPhoto.objects.create(municipality=municipality, user=user, file=photo.file,
                                           latitude=photo.latitude, longitude=photo.longitude)


def do_create_report(*, municipality: Municipality, service: Service, description: str, address: str = "",
                     latitude: Decimal | float | str | None = None, longitude: Decimal | float | str | None = None,
                     attributes: dict[str, Any] | None = None, photo: Any = None,
                     pending_photo: PendingPhoto | None = None, media_url: str = "",
                     reporter: User | None = None, actor: User | None = None,
                     source: str = Report.Source.WEB, contact_name: str = "", contact_email: str = "",
                     contact_phone: str = "", api_key: ApiKey | None = None) -> Report:
    """A new open report. ``photo`` is an uploaded file (cleaned here), ``pending_photo`` one cleaned before.
    A reporter with an account follows the report, so that they hear about each change of its status. Staff
    entering a report for a resident (source "assisted") need the manage permission; it is audited."""
    if service.municipality_id != municipality.pk or not service.is_active:
        raise ValidationError({"service": _("Please choose one of the categories of this municipality.")},
                              code="unknown_service")
    if source == Report.Source.ASSISTED and (actor is None or not actor.has_perm(MANAGE_PERMISSION, municipality)):
        raise PermissionDenied
    description = _plain(description).strip()
    if not description:
        raise ValidationError({"description": _("Please describe the problem.")}, code="required")
    if len(description) > 4000:
        raise ValidationError({"description": _("Please describe the problem in at most 4000 characters.")},
                              code="too_long")
    address = _plain(address).strip()[:300]
    lat, lng = _point(latitude, longitude)
    if lat is None and not address:
        raise ValidationError({"latitude": _("Please set the point on the map, enter its coordinates or give an "
                                             "address.")}, code="no_location")
    cleaned_attributes = clean_attributes(service, attributes or {})
    file = clean_photo(photo).file if photo is not None else None
    if pending_photo is not None and (reporter is None or pending_photo.user_id != reporter.pk):
        pending_photo = None
    with transaction.atomic():
        report = Report(municipality=municipality, service=service, description=description, address=address,
                        latitude=lat, longitude=lng, attributes=cleaned_attributes,
                        media_url=_plain(media_url)[:500], department=service.department, source=source,
                        reporter=reporter, contact_name=_plain(contact_name)[:200],
                        contact_email=_plain(contact_email)[:254], contact_phone=_plain(contact_phone)[:50],
                        api_key=api_key)
        if file is not None:
            report.photo.save(file.name or "photo.jpg", file, save=False)
        elif pending_photo is not None:
            report.photo.name = pending_photo.file.name
        report.save()
        if pending_photo is not None:
            PendingPhoto.objects.filter(pk=pending_photo.pk).delete()  # the file now belongs to the report
        if api_key is not None:
            ApiKey.objects.filter(pk=api_key.pk).update(last_used_at=timezone.now())
        if source == Report.Source.ASSISTED and actor is not None:
            log_action(tenant=municipality, actor=actor, subject=None, action=AuditLogEntry.Action.REPORT_ENTERED,
                       report=report.pk)
        if reporter is not None:
            do_follow(user=reporter, target=report)
        publish(ReportCreated(municipality=municipality, target=report, actor=actor or reporter))
    return report


# --- Staff: status, routing, merging ----------------------------------------------------------------------------


def _check_staff(actor: User, municipality: Municipality) -> None:
    if not actor.has_perm(MANAGE_PERMISSION, municipality):
        raise PermissionDenied


def do_change_status(*, report: Report, actor: User, status: str, note: str = "") -> Report:
    """Open, in progress or closed, with a public note (required when closing). Any change counts as the
    municipality's answer."""
    _check_staff(actor, report.municipality)
    if status not in Status.values:
        raise ValidationError({"status": _("Please choose a status.")}, code="invalid")
    note = (note or "").strip()
    if status == Status.CLOSED and not note:
        raise ValidationError({"note": _("Please write a public note that says what was done.")},
                              code="note_required")
    if len(note) > 2000:
        raise ValidationError({"note": _("Please keep the note to at most 2000 characters.")}, code="too_long")
    if report.duplicate_of_id:
        raise ValidationError(_("This report was merged into another one; change that one instead."),
                              code="merged")
    previous = report.status
    if previous == status and note == report.status_note:
        return report
    now = timezone.now()
    with transaction.atomic():
        report = Report.objects.select_for_update().get(pk=report.pk)
        report.status, report.status_note = status, note
        report.answered_at = report.answered_at or now
        report.closed_at = now if status == Status.CLOSED else None
        report.save(update_fields=["status", "status_note", "answered_at", "closed_at", "updated_at"])
        publish(ReportStatusChanged(municipality=report.municipality, target=report, actor=actor,
                                    data={"status": status, "previous": previous, "note": note}))
    return report


def do_route_report(*, report: Report, actor: User, department: Department | None) -> Report:
    _check_staff(actor, report.municipality)
    if department is not None and department.municipality_id != report.municipality_id:
        raise ValidationError({"department": _("Please choose a department of this municipality.")})
    with transaction.atomic():
        Report.objects.filter(pk=report.pk).update(department=department, updated_at=timezone.now())
        report.department = department
        publish(ReportRouted(municipality=report.municipality, target=report, actor=actor,
                             data={"department": department.name if department else ""}))
    return report


def do_merge_report(*, report: Report, actor: User, into: Report, note: str = "") -> Report:
    """Close ``report`` as a duplicate of ``into`` (same municipality, still open); its followers (its reporter
    among them) follow ``into`` from now on."""
    _check_staff(actor, report.municipality)
    while into.duplicate_of_id:  # merging into a merged report means into what that one was merged into
        into = Report.objects.get(pk=into.duplicate_of_id)
    if into.municipality_id != report.municipality_id or into.pk == report.pk:
        raise ValidationError({"into": _("Please choose another report of this municipality.")}, code="invalid")
    if report.duplicate_of_id:
        raise ValidationError(_("This report was already merged."), code="merged")
    note = (note or "").strip()[:2000] or _("This is the same problem as report no. %(id)s; please follow that "
                                            "one.") % {"id": into.pk}
    now = timezone.now()
    with transaction.atomic():
        report = Report.objects.select_for_update().get(pk=report.pk)
        report.status, report.status_note, report.duplicate_of = Status.CLOSED, note, into
        report.answered_at = report.answered_at or now
        report.closed_at = now
        report.save(update_fields=["status", "status_note", "duplicate_of", "answered_at", "closed_at",
                                   "updated_at"])
        followers = list(Follow.objects.filter(content_type_id=_ct(Report), object_id=report.pk)
                         .values_list("user_id", flat=True))
        Follow.objects.bulk_create([Follow(user_id=user_id, content_type_id=_ct(Report), object_id=into.pk)
                                    for user_id in followers], ignore_conflicts=True)
        for user_id in followers:  # bulk_create sends no signal: the follow buttons learn of it here
            FOLLOWS.changed_with_this_transaction(user_id)
        publish(ReportMerged(municipality=report.municipality, target=report, actor=actor,
                             data={"into": into.pk}))
        publish(ReportStatusChanged(municipality=into.municipality, target=into, actor=actor,
                                    data={"status": into.status, "previous": into.status, "merged": report.pk}))
    return report


def _ct(model: type[Report]) -> int:
    from kommune.core.notifications.followables import content_type_id

    return content_type_id(model)


# --- Settings and Open311 keys ----------------------------------------------------------------------------------


def do_update_settings(*, municipality: Municipality, actor: User, answer_days: int, duplicate_radius: int,
                       contact: str) -> ReportSettings:
    _check_staff(actor, municipality)
    row = selectors.get_settings(municipality)
    row.answer_days, row.duplicate_radius, row.contact = answer_days, duplicate_radius, contact.strip()[:300]
    row.full_clean()
    with transaction.atomic():
        row.save()
    return row


def do_create_api_key(*, municipality: Municipality, actor: User, name: str) -> tuple[ApiKey, str]:
    """A new key; the raw key is returned once (only its hash is stored)."""
    _check_staff(actor, municipality)
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": _("Please name who uses the key.")}, code="required")
    raw = "o311_" + secrets.token_urlsafe(24)
    with transaction.atomic():
        key = ApiKey.objects.create(municipality=municipality, name=name[:150], prefix=raw[5:11],
                                    key_hash=hash_key(raw), created_by=actor)
        log_action(tenant=municipality, actor=actor, subject=None, action=AuditLogEntry.Action.OPEN311_KEY_CREATED,
                   key=key.name)
    return key, raw


def do_revoke_api_key(*, key: ApiKey, actor: User) -> ApiKey:
    _check_staff(actor, key.municipality)
    with transaction.atomic():
        if ApiKey.objects.filter(pk=key.pk, revoked_at__isnull=True).update(revoked_at=timezone.now()):
            log_action(tenant=key.municipality, actor=actor, subject=None,
                       action=AuditLogEntry.Action.OPEN311_KEY_REVOKED, key=key.name)
    key.refresh_from_db()
    return key


# --- Overdue reports --------------------------------------------------------------------------------------------


def staff_ids(municipality: Municipality) -> list[int]:
    return list(Membership.objects.filter(municipality=municipality, role__in=[Role.ADMIN, Role.STAFF],
                                          user__is_active=True).values_list("user_id", flat=True).distinct())


def flag_overdue_reports(*, now: datetime | None = None) -> int:
    """Flag the reports that waited longer than their municipality's set time without an answer, and tell the
    staff once per municipality and run. Idempotent: a flagged report is not flagged again. Returns how many."""
    now = now or timezone.now()
    flagged = 0
    PendingPhoto.objects.filter(created_at__lt=now - PENDING_PHOTO_AGE).delete()
    municipality_ids = (Report.objects.filter(Report.unanswered_q(), overdue_flagged_at__isnull=True)
                        .values_list("municipality_id", flat=True).distinct())
    for municipality in Municipality.objects.filter(pk__in=list(municipality_ids)):
        with transaction.atomic():
            due = Report.objects.filter(selectors.overdue_q(municipality, now), overdue_flagged_at__isnull=True)
            ids = list(due.order_by("created_at", "id").values_list("pk", flat=True)[:10_000])
            if not ids:
                continue
            Report.objects.filter(pk__in=ids).update(overdue_flagged_at=now)
            oldest = Report.objects.get(pk=ids[0])
            publish(ReportsOverdue(municipality=municipality, target=oldest,
                                   data={"count": len(ids), "notify_users": staff_ids(municipality)}))
            flagged += len(ids)
    return flagged


# --- Account deletion -------------------------------------------------------------------------------------------


def anonymise_reports(user: User) -> None:
    """On account deletion: the reports stay (the problem is still real), without any trace of the person."""
    Report.objects.filter(reporter=user).update(reporter=None, contact_name="", contact_email="", contact_phone="")
    PendingPhoto.objects.filter(user=user).delete()
