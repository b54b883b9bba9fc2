"""The demo data of the apps, which ``manage.py seed_demo`` (kommune/demo, above accounts) adds after the base demo
data (the places, the lab, one account per role). The command imports no app that has demo data: each app
registers its seeder in AppConfig.ready() with ``register_demo_seeder``, and the command calls the seeders in their
``order`` with the ``DemoData`` it made. A seeder must be idempotent, like the command: a second run changes nothing.
"""

from collections.abc import Callable
from dataclasses import dataclass

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
