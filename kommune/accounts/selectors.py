"""Reads of a person's standing that many pages ask for."""

from kommune.accounts.models import Residency, User
from kommune.core.models import Municipality
from kommune.core.personal import PersonalCache

RESIDENCIES_SECONDS = 600


def _residencies_of(user_id: int) -> frozenset[int]:
    return frozenset(Residency.objects.filter(user_id=user_id).values_list("municipality_id", flat=True))


# The municipalities where a person is a verified resident, asked by every support box and survey: kept like their
# roles (a residency's save or delete counts the person's version on; AccountsConfig.ready() watches them).
RESIDENCIES = PersonalCache("residencies", _residencies_of, RESIDENCIES_SECONDS)


def is_resident(user: User, municipality: Municipality) -> bool:
    return municipality.pk in RESIDENCIES.get(user.pk)
