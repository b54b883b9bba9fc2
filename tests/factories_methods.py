"""Methods, their versions and templates for the tests (tests/test_methods*.py, the route walk, the axe walk)."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from kommune.core.models import Lab, Municipality, Role
from kommune.core.processes import services as process_services
from kommune.core.processes.models import Phase, Process
from kommune.methods import services
from kommune.methods.models import Method, Template
from tests.factories import MembershipFactory, UserFactory

METHOD_TEXT = {
    "summary": "Betroffene und Verwaltung entwerfen gemeinsam eine Lösung.",
    "purpose": "Der **Workshop** macht Annahmen sichtbar.",
    "perspectives": ["co_production", "dialogue"],
    "effort": "medium",
    "group_size_min": 8,
    "group_size_max": 30,
    "duration": "3 Stunden",
    "steps": "1. Einladen\n2. Skizzieren\n3. Testen",
    "materials": "- Stellwände",
    "pitfalls": "- Ergebnisse zurückmelden",
}


def staff_of(tenant: Municipality | Lab):
    user = UserFactory()
    if isinstance(tenant, Lab):
        MembershipFactory(user=user, lab=tenant, municipality=None, role=Role.STAFF)
    else:
        MembershipFactory(user=user, municipality=tenant, role=Role.STAFF)
    return user


def method_of(tenant: Municipality | Lab, *, title: str | None = None, versions: int = 2, **fields) -> Method:
    """A method written by ``tenant`` (edited so that it has ``versions`` versions)."""
    actor = staff_of(tenant)
    title = title or f"Co-Design-Workshop {tenant.slug}"
    method = services.do_create_method(author=tenant, actor=actor, title=title, **{**METHOD_TEXT, **fields})
    for number in range(2, versions + 1):
        method = services.do_update_method(method=method, actor=actor, note=f"Überarbeitung {number}",
                                           steps=f"{METHOD_TEXT['steps']}\n{number}. Auswerten")
    return method


def setup_process(municipality: Municipality, actor=None, *, title: str = "Neugestaltung des Marktplatzes") -> Process:
    """A process with three phases: 10:00 local on day 0, 18:00 on day 14, then until day 60 (unpublished)."""
    actor = actor or staff_of(municipality)
    process = process_services.do_create_process(municipality=municipality, actor=actor, title=title,
                                                 summary="Wie soll der Platz aussehen?", description="## Worum es geht")
    first = datetime(2026, 3, 2, 10, 0, tzinfo=ZoneInfo("Europe/Berlin"))
    process_services.do_set_phases(process=process, actor=actor, phases=[
        process_services.PhaseInput(kind=Phase.Kind.INFORMATION, starts_at=first,
                                    ends_at=first + timedelta(days=14, hours=8)),
        process_services.PhaseInput(kind=Phase.Kind.DIALOGUE, starts_at=first + timedelta(days=14, hours=8),
                                    ends_at=first + timedelta(days=40), features=("comments",), title="Dialog"),
        process_services.PhaseInput(kind=Phase.Kind.EVALUATION, starts_at=first + timedelta(days=40),
                                    ends_at=first + timedelta(days=60)),
    ])
    return process


def template_of(municipality: Municipality, *, method: Method | None = None) -> Template:
    actor = staff_of(municipality)
    process = setup_process(municipality, actor)
    return services.do_publish_template(municipality=municipality, actor=actor, kind="process",
                                        source_id=process.pk, method=method)
