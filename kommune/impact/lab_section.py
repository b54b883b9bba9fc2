"""The impact models of a lab on the lab's page (kommune/core/lab_sections.py): the public models measured over
the lab or describing one of its sub-projects, each indicator's latest value against its target."""

from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kommune.core.lab_sections import LabPage, LabSection, register_lab_section
from kommune.impact import selectors

ANCHOR = "lab-impact-heading"


def lab_section_context(page: LabPage) -> dict[str, Any] | None:
    """Two queries (the models, the indicators with their latest values); None when the lab has no public model."""
    subproject_type = (ContentType.objects.get_for_model(page.subproject_model, for_concrete_model=False)
                       if page.subproject_model is not None else None)
    rows, more = selectors.lab_overview(page.lab, subproject_type=subproject_type,
                                        subproject_ids=[item.pk for item in page.subprojects],
                                        today=timezone.localdate())
    if not rows:
        return None
    for row in rows:
        if subproject_type is not None and row.model.link_type_id == subproject_type.pk:
            row.subproject = page.subproject(row.model.link_id)
    # Where the rest is listed: one more query, only when there is more.
    municipalities = list(page.lab.municipalities.order_by("name", "pk")) if more else []
    return {"lab": page.lab, "rows": rows, "more": more, "municipalities": municipalities,
            "format_value": selectors.format_value}


def register() -> None:
    register_lab_section(LabSection("impact", "impact/lab_section.html", lab_section_context, order=50,
                                    title=_("Impact of the lab"), anchor=ANCHOR))
