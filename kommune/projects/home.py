"""The Vorhabenliste's section of a municipality's home page (see kommune.core.home_sections)."""

from django.utils.translation import gettext_lazy as _

from kommune.core.home_sections import HomeSection, register_home_section
from kommune.core.models import Municipality
from kommune.projects import selectors
from kommune.projects.models import Project

HOME_LIMIT = 3


def home_context(municipality: Municipality) -> dict | None:
    """The projects whose status changed last, and the counts per status; two queries. None without projects."""
    counts = selectors.status_counts(municipality)
    if not any(counts.values()):
        return None
    recent = list(Project.objects.filter(municipality=municipality).select_related("municipality")
                  .order_by("-status_changed_on", "-id")[:HOME_LIMIT])
    return {"municipality": municipality, "projects": recent, "counts": counts,
            "in_construction": counts.get("in_construction", 0), "total": sum(counts.values())}


def register() -> None:
    register_home_section(HomeSection("projects", "projects/home_section.html", home_context, order=25,
                                      title=_("Municipal projects"), anchor="home-projects-heading"))
