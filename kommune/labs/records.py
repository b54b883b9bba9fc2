"""The record set "lab_subprojects": the public sub-projects a municipality runs with the other members of its
lab, as open data. Nothing internal to a lab, no people."""

from collections.abc import Iterator
from typing import Any

from django.conf import settings
from django.db.models import Prefetch
from django.utils.translation import gettext_lazy as _

from kommune.core.models import Municipality
from kommune.core.records import Column, register_record_set
from kommune.labs import events, selectors

COLUMNS = (
    Column("id", "integer", _("Number of the sub-project on this platform."), required=True),
    Column("lab", "string", _("Name of the lab."), required=True),
    Column("title", "string", _("Title."), required=True),
    Column("goal", "string", _("Goal of the sub-project."), required=True),
    Column("state", "string", _("State: planned, running, paused or completed."), required=True),
    Column("starts_on", "date", _("Start.")),
    Column("ends_on", "date", _("End.")),
    Column("municipalities", "string", _("The municipalities that run the sub-project, separated by semicolons."),
           required=True),
    Column("url", "string", _("Address of the sub-project on this platform."), required=True),
)


def rows(municipality: Municipality) -> Iterator[dict[str, Any]]:
    """Streamed in chunks; the municipalities of each chunk come with one query."""
    site = settings.SITE_URL.rstrip("/")
    subprojects = (selectors.public_subprojects_of(municipality)
                   .prefetch_related(Prefetch("municipalities", queryset=Municipality.objects.order_by("name")))
                   .order_by("pk"))
    for subproject in subprojects.iterator(chunk_size=500):
        yield {
            "id": subproject.pk, "lab": subproject.lab.name, "title": subproject.title, "goal": subproject.goal,
            "state": subproject.state, "starts_on": subproject.starts_on, "ends_on": subproject.ends_on,
            "municipalities": "; ".join(m.name for m in subproject.municipalities.all()),
            "url": site + subproject.get_absolute_url(),
        }


def register() -> None:
    register_record_set(
        key="lab_subprojects", title=_("Sub-projects of the Open Government Labs"),
        description=_("The public sub-projects that the municipality runs together with the other members of its "
                      "Open Government Lab, with their goal and state. Internal work of the lab is not included."),
        columns=COLUMNS, rows=rows, changed_by=(events.SubProjectChanged,),
        keywords=("Open Government Lab", "Innovation", "Zusammenarbeit"))
