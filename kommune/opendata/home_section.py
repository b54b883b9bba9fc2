"""The open-data section of a municipality's home page: the newest published datasets and a link to all."""

from django.utils.translation import gettext_lazy as _

from kommune.core.home_sections import HomeSection, register_home_section
from kommune.core.models import Municipality
from kommune.opendata.selectors import newest_datasets


def _context(municipality: Municipality) -> dict | None:
    datasets = newest_datasets(municipality, limit=3)
    if not datasets:
        return None
    return {"municipality": municipality, "datasets": datasets}


def register() -> None:
    register_home_section(HomeSection("opendata", "opendata/home_section.html", _context, order=60,
                                      title=_("Open data"), anchor="opendata-heading"))
