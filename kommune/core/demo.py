"""The demo data of the apps, which ``manage.py seed_demo`` (kommune/demo, above accounts) adds after the base demo
data (the places, the lab, one account per role). The command imports no app that has demo data: each app
registers its seeder in AppConfig.ready() with ``register_demo_seeder``, and the command calls the seeders in their
``order`` with the ``DemoData`` it made. A seeder must be idempotent, like the command: a second run changes nothing.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.utils import timezone

from kommune.core.models import Municipality
from kommune.core.types import User


@dataclass(frozen=True)
class DemoData:
    """What the core's demo data offers the seeders: Musterstadt and its demo accounts."""

    municipality: Municipality
    staff: User
    resident: User  # verified at the counter
    partner: User  # of the Bürgerstiftung Musterstadt


Seeder = Callable[[DemoData], None]


@dataclass(frozen=True)
class DemoSeeder:
    key: str
    function: Seeder
    order: int


_seeders: dict[str, DemoSeeder] = {}


def register_demo_seeder(key: str, function: Seeder, order: int = 100) -> None:
    """Register (or replace) the seeder ``key``; lower ``order`` runs first."""
    _seeders[key] = DemoSeeder(key, function, order)


def seeders() -> list[DemoSeeder]:
    return sorted(_seeders.values(), key=lambda seeder: (seeder.order, seeder.key))


# --- The other demo municipalities ------------------------------------------------------------------------------

# Musterstadt shows everything; the district and its three members get a little of each feature, so that every
# demo municipality's pages have something to show. Their content is written by a demo editor and a demo
# resident per place: accounts without a password (nobody logs in with them), appointed by the operator.
NEIGHBOUR_SLUGS = ("landkreis-beispielkreis", "birkenhagen", "ahornfeld", "erlenbrueck")


@dataclass(frozen=True)
class DemoPlace:
    municipality: Municipality
    staff: User
    resident: User


def neighbour_places() -> list[DemoPlace]:
    """The demo municipalities besides Musterstadt that exist, each with its demo editor and resident."""
    from django.contrib.auth import get_user_model

    from kommune.core.models import Membership, Role
    from kommune.core.services import do_grant_role, do_join_municipality

    user_model = get_user_model()
    operator = user_model.objects.filter(is_superuser=True).order_by("pk").first()
    places = []
    for municipality in Municipality.objects.filter(slug__in=NEIGHBOUR_SLUGS).order_by("name"):
        staff = _demo_person(user_model, f"redaktion.{municipality.slug}@example.org",
                             f"Redaktion {municipality.name}")
        if operator and not Membership.objects.filter(user=staff, municipality=municipality,
                                                      role=Role.STAFF).exists():
            do_grant_role(tenant=municipality, actor=operator, user=staff, role=Role.STAFF)
        resident = _demo_person(user_model, f"einwohner.{municipality.slug}@example.org",
                                f"Nachbarin aus {municipality.name}")
        do_join_municipality(user=resident, municipality=municipality)
        places.append(DemoPlace(municipality, staff, resident))
    return places


def _demo_person(user_model, email: str, display_name: str):
    person = user_model.objects.filter(email=email).first()
    if person is None:
        person = user_model.objects.create_user(email, None, display_name=display_name,
                                                email_confirmed_at=timezone.now())
    return person
