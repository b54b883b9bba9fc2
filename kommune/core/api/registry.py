"""How feature apps add their endpoints to the REST API without core importing them.

A feature app builds a ninja ``Router`` in its ``api.py`` and registers it in ``AppConfig.ready()``::

    from kommune.core.api.registry import register_router
    register_router("", router, tags=["Citizen proposals"])

The API (kommune/core/api/api.py) is built on the first request, after every app is ready, from the core routers
and the registered ones, in the order of INSTALLED_APPS. Paths are written in full in the operations
("/municipalities/{municipality_slug}/proposals"), so ``prefix`` is usually empty.
"""

from dataclasses import dataclass

from ninja import Router


@dataclass(frozen=True)
class RouterRegistration:
    prefix: str
    router: Router
    tags: tuple[str, ...]


_registrations: list[RouterRegistration] = []


def register_router(prefix: str, router: Router, *, tags: list[str] | tuple[str, ...]) -> None:
    if any(registration.router is router for registration in _registrations):
        return  # ready() may run twice in tests that reload apps
    _registrations.append(RouterRegistration(prefix, router, tuple(tags)))


def registered_routers() -> list[RouterRegistration]:
    return list(_registrations)
