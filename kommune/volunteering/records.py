"""The record sets "volunteer_projects" and "volunteer_shifts": the projects and their shifts as open data, with
numbers only (people needed, signed up, took part, hours), never a name or contact data of a volunteer."""

from collections.abc import Iterator
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db.models import Count, Q, Sum
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from kommune.core.models import Municipality
from kommune.core.records import Column, register_record_set
from kommune.volunteering import events
from kommune.volunteering.models import Project, Shift, SignUp

PROJECT_COLUMNS = (
    Column("id", "integer", _("Number of the project on this platform."), required=True),
    Column("title", "string", _("Title."), required=True),
    Column("summary", "string", _("Summary.")),
    Column("publisher", "string", _("Who runs the project: the municipality, a lab or a partner organisation."),
           required=True),
    Column("shifts", "integer", _("Number of shifts and tasks."), required=True),
    Column("people_needed", "integer", _("People needed in all shifts together."), required=True),
    Column("signed_up", "integer", _("Places taken in all shifts together."), required=True),
    Column("created_at", "datetime", _("Published."), required=True),
    Column("url", "string", _("Address of the project on this platform."), required=True),
)

SHIFT_COLUMNS = (
    Column("id", "integer", _("Number of the shift on this platform."), required=True),
    Column("project_id", "integer", _("Number of the project."), required=True),
    Column("title", "string", _("Task."), required=True),
    Column("starts_at", "datetime", _("Begin; empty for an ongoing task.")),
    Column("ends_at", "datetime", _("End.")),
    Column("place", "string", _("Name and address of the place."), required=True),
    Column("district", "string", _("Part of town.")),
    Column("latitude", "number", _("Latitude of the place (WGS 84), if known.")),
    Column("longitude", "number", _("Longitude of the place (WGS 84), if known.")),
    Column("skills", "string", _("Skills asked for, as keys separated by spaces: none, gardening, crafts, care, "
                                 "teaching, languages, digital, organising, driving, cooking.")),
    Column("accessibility", "string", _("Accessibility of the task: suitable, partly or not_suitable."),
           required=True),
    Column("people_needed", "integer", _("People needed."), required=True),
    Column("signed_up", "integer", _("Places taken."), required=True),
    Column("took_part", "integer", _("People whose participation the organisers confirmed."), required=True),
    Column("hours", "number", _("Hours of volunteering the organisers confirmed, all people together."),
           required=True),
    Column("is_cancelled", "boolean", _("Whether the shift was called off."), required=True),
)

CHANGED_BY = (events.VolunteerProjectPublished, events.VolunteerProjectUpdated, events.ShiftAdded, events.SignedUp,
              events.SignUpCancelled, events.AttendanceConfirmed)


def _site() -> str:
    return settings.SITE_URL.rstrip("/")


def project_rows(municipality: Municipality) -> Iterator[dict[str, Any]]:
    projects = (Project.objects.filter(municipality=municipality, is_published=True)
                .select_related("organisation", "lab", "municipality")
                .annotate(shift_count=Count("shifts"), needed=Sum("shifts__capacity"),
                          taken=Sum("shifts__signed_up_count"))
                .order_by("created_at", "id"))
    for project in projects.iterator(chunk_size=1000):
        yield {"id": project.pk, "title": project.title, "summary": project.summary, "publisher": project.publisher,
               "shifts": project.shift_count, "people_needed": project.needed or 0,
               "signed_up": project.taken or 0, "created_at": project.created_at,
               "url": _site() + reverse("volunteering:project", kwargs={
                   "municipality_slug": municipality.slug, "volunteer_project_id": project.pk})}


def shift_rows(municipality: Municipality) -> Iterator[dict[str, Any]]:
    attended = Q(sign_ups__status=SignUp.Status.CONFIRMED, sign_ups__attendance=SignUp.Attendance.ATTENDED)
    shifts = (Shift.objects.filter(municipality=municipality, project__is_published=True)
              .annotate(took_part=Count("sign_ups", filter=attended), hours_sum=Sum("sign_ups__hours",
                                                                                    filter=attended))
              .order_by("starts_at", "id"))
    for shift in shifts.iterator(chunk_size=2000):
        yield {"id": shift.pk, "project_id": shift.project_id, "title": shift.title, "starts_at": shift.starts_at,
               "ends_at": shift.ends_at, "place": shift.address_line, "district": shift.district,
               "latitude": float(shift.latitude) if shift.latitude is not None else None,
               "longitude": float(shift.longitude) if shift.longitude is not None else None,
               "skills": " ".join(shift.skill_list), "accessibility": shift.accessibility,
               "people_needed": shift.capacity, "signed_up": shift.signed_up_count, "took_part": shift.took_part,
               "hours": float(shift.hours_sum or Decimal(0)), "is_cancelled": shift.is_cancelled}


def register() -> None:
    keywords = ("Ehrenamt", "Mit-Mach-Stadt", "Freiwilligenarbeit", "Ko-Produktion")
    register_record_set(
        key="volunteer_projects", title=_("Volunteer projects"),
        description=_("The volunteer projects of the municipality, its labs and partners, with the number of "
                      "shifts, people needed and places taken. Without personal data: no volunteers."),
        columns=PROJECT_COLUMNS, rows=project_rows, changed_by=CHANGED_BY, themes=("SOCI", "GOVE"),
        keywords=keywords)
    register_record_set(
        key="volunteer_shifts", title=_("Volunteer shifts"),
        description=_("The shifts and tasks of the volunteer projects: when, where, skills, accessibility, people "
                      "needed, places taken, people who took part and their hours together. Numbers only, never "
                      "names."),
        columns=SHIFT_COLUMNS, rows=shift_rows, changed_by=CHANGED_BY, themes=("SOCI", "GOVE"), keywords=keywords)
