"""The record set "digital_help_events": every date of the digital-help calendar as open data, with its place
and the number of places taken, without any personal data (no names, no contact data of participants)."""

from collections.abc import Iterator
from typing import Any

from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from kommune.core.models import Municipality
from kommune.core.records import Column, register_record_set
from kommune.inclusion import events
from kommune.inclusion.models import Event, Partner

COLUMNS = (
    Column("id", "integer", _("Number of the date on this platform."), required=True),
    Column("title", "string", _("Title."), required=True),
    Column("description", "string", _("Description.")),
    Column("category", "string", _("Topic key: smartphone, online_banking, online_shopping, security, video_calls, "
                                   "computer, services, consultation or other."), required=True),
    Column("level", "string", _("Level: beginner, advanced or all."), required=True),
    Column("language", "string", _("Language of the event."), required=True),
    Column("starts_at", "datetime", _("Begin."), required=True),
    Column("ends_at", "datetime", _("End."), required=True),
    Column("course_id", "integer", _("Number of the course, if the date is one session of a course.")),
    Column("is_online", "boolean", _("Whether the event takes place online."), required=True),
    Column("place", "string", _("Name of the place, if not online.")),
    Column("address", "string", _("Address of the place.")),
    Column("district", "string", _("Part of town of the place.")),
    Column("latitude", "number", _("Latitude of the place (WGS 84), if known.")),
    Column("longitude", "number", _("Longitude of the place (WGS 84), if known.")),
    Column("step_free", "boolean", _("Whether the place has step-free access.")),
    Column("cost", "string", _("Cost; empty means free of charge.")),
    Column("capacity", "integer", _("Number of places (of the course, for a session); empty: no registration.")),
    Column("places_taken", "integer", _("Places taken."), required=True),
    Column("waiting", "integer", _("People on the waiting list."), required=True),
    Column("is_cancelled", "boolean", _("Whether the date was called off."), required=True),
    Column("url", "string", _("Address of the date on this platform."), required=True),
)

CHANGED_BY = (events.EventPublished, events.EventUpdated, events.EventCancelled, events.PartnerUpdated,
              events.PartnerApproved, events.RegistrationConfirmed, events.RegistrationWaiting,
              events.RegistrationMovedUp, events.RegistrationCancelled)


def rows(municipality: Municipality) -> Iterator[dict[str, Any]]:
    """One query, streamed, in the order of the calendar."""
    dates = (Event.objects.filter(municipality=municipality)
             .exclude(partner__state__in=[Partner.State.PENDING, Partner.State.REJECTED])
             .values("id", "title", "description", "category", "level", "language", "starts_at", "ends_at",
                     "course_id", "is_online", "partner__name", "partner__street", "partner__postcode",
                     "partner__city", "partner__district", "partner__latitude", "partner__longitude",
                     "partner__step_free", "cost", "capacity", "confirmed_count", "waiting_count", "is_cancelled",
                     "course__capacity", "course__confirmed_count", "course__waiting_count")
             .order_by("starts_at", "id"))
    site = settings.SITE_URL.rstrip("/")
    for row in dates.iterator(chunk_size=2000):
        in_course = row["course_id"] is not None
        address = (f"{row['partner__street']}, {row['partner__postcode']} {row['partner__city']}"
                   if row["partner__name"] else "")
        yield {
            "id": row["id"], "title": row["title"], "description": row["description"],
            "category": row["category"], "level": row["level"], "language": row["language"],
            "starts_at": row["starts_at"], "ends_at": row["ends_at"], "course_id": row["course_id"],
            "is_online": row["is_online"], "place": row["partner__name"] or "", "address": address,
            "district": row["partner__district"] or "",
            "latitude": float(row["partner__latitude"]) if row["partner__latitude"] is not None else None,
            "longitude": float(row["partner__longitude"]) if row["partner__longitude"] is not None else None,
            "step_free": row["partner__step_free"], "cost": row["cost"],
            "capacity": row["course__capacity"] if in_course else row["capacity"],
            "places_taken": (row["course__confirmed_count"] if in_course else row["confirmed_count"]) or 0,
            "waiting": (row["course__waiting_count"] if in_course else row["waiting_count"]) or 0,
            "is_cancelled": row["is_cancelled"],
            "url": site + reverse("inclusion:event", kwargs={"municipality_slug": municipality.slug,
                                                             "event_id": row["id"]}),
        }


def register() -> None:
    register_record_set(
        key="digital_help_events", title=_("Digital-help events"),
        description=_("The courses and events of the digital-help network (smartphone, online banking and more) "
                      "with their places and free places. Without personal data: no participants."),
        columns=COLUMNS, rows=rows, changed_by=CHANGED_BY, themes=("EDUC", "SOCI"),
        keywords=("Digitale Teilhabe", "Digitalambulanz", "Senioren", "Kurse", "Veranstaltungen"),
    )
