"""Building blocks the routers share (core's and the feature apps'): typed path parameters, the tenant lookup,
absolute links, input strings and times that the database can store."""

from datetime import datetime
from typing import Annotated

from django.http import HttpRequest
from ninja import P, PathEx, QueryEx
from pydantic import AfterValidator, AwareDatetime
from pydantic_core import PydanticCustomError

from kommune.core.cleaning import first_control_character
from kommune.core.models import Municipality
from kommune.core.tenants import tenant_or_404

MAX_ID = 2**63 - 1
SLUG_PATTERN = r"^[-a-zA-Z0-9_]+$"

MunicipalitySlug = PathEx[str, P(pattern=SLUG_PATTERN, max_length=60, description="The municipality's address, "
                                                                               "e.g. `musterstadt`.")]
ObjectId = PathEx[int, P(ge=1, le=MAX_ID)]
SlugFilter = QueryEx[str | None, P(pattern=SLUG_PATTERN, max_length=80)]


def _no_control_characters(value: str) -> str:
    # As in every web form (kommune.core.cleaning): PostgreSQL cannot store NUL, XML feeds cannot carry C0, and
    # refusing them here keeps bad input a 422 with the same message instead of a 500.
    found = first_control_character(value)
    if found:
        raise PydanticCustomError("control_character", "control character {code}", {"code": found})
    return value


Text = Annotated[str, AfterValidator(_no_control_characters)]


def _storable(value: datetime) -> datetime:
    # Far-off years overflow when the database converts them to UTC; refusing them keeps them a 422, not a 500.
    if not 1900 <= value.year <= 2999:
        raise ValueError("year")
    return value


Moment = Annotated[AwareDatetime, AfterValidator(_storable)]


def municipality_or_404(slug: str) -> Municipality:
    return tenant_or_404(Municipality, slug)


def absolute(request: HttpRequest, path: str) -> str:
    return request.build_absolute_uri(path)
