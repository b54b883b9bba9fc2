"""Issue reports of the generated city (generate_city): a few Open311 services and departments per municipality and
one report per ten people, in every status, most with a point, some merged as duplicates. Written with
bulk_create in chunks (no search documents: the benchmark measures the report list and the Open311 requests)."""

import secrets
from datetime import datetime, timedelta
from decimal import Decimal

from django.db.models import Case, DateTimeField, Value, When

from kommune.reports.models import Department, Report, Service

PEOPLE_PER_REPORT = 10
CHUNK = 5_000
SERVICES = [("strassenbeleuchtung", "Straßenbeleuchtung defekt", "Tiefbauamt"),
            ("schlagloch", "Schlagloch", "Tiefbauamt"), ("wilder-muell", "Wilder Müll", "Abfallwirtschaft"),
            ("gruenpflege", "Grünpflege", "Grünflächenamt"), ("spielplatz", "Spielplatz beschädigt", "Grünflächenamt")]
DESCRIPTIONS = ["Die Laterne ist seit Tagen dunkel.", "Tiefes Schlagloch auf dem Radweg.",
                "Sperrmüll am Straßenrand abgestellt.", "Die Hecke ragt weit auf den Gehweg.",
                "Die Schaukel ist kaputt.", "Scherben im Sandkasten.", "Ast droht abzubrechen."]
NOTES = ["Der Auftrag ist erteilt.", "Repariert, danke für den Hinweis!", "Wird in dieser Woche erledigt."]
HISTORY_DAYS = 365


def generate_reports(generator) -> int:
    """``generator``: the running kommune.benchmark generate_city Generator (its places, random and now)."""
    rnd, now, total = generator.random, generator.now, 0
    for place in generator.places:
        municipality = place.municipality
        departments = {name: Department.objects.create(municipality=municipality, name=name)
                       for name in {d for _c, _n, d in SERVICES}}
        services = [Service.objects.create(municipality=municipality, code=code, name=name,
                                           department=departments[department], order=order)
                    for order, (code, name, department) in enumerate(SERVICES)]
        count = max(1, len(place.people) // PEOPLE_PER_REPORT)
        batch: list[Report] = []
        stamps: list[datetime] = []
        for _ in range(count):
            created = now - timedelta(seconds=rnd.randint(600, HISTORY_DAYS * 86400))
            status = rnd.choices([Report.Status.OPEN, Report.Status.IN_PROGRESS, Report.Status.CLOSED],
                                 [3, 2, 5])[0]
            service = rnd.choice(services)
            mapped = rnd.random() < 0.8
            answered = created + timedelta(days=rnd.randint(0, 6)) if status != Report.Status.OPEN else None
            batch.append(Report(
                municipality=municipality, service=service, description=rnd.choice(DESCRIPTIONS),
                address="" if mapped else f"{rnd.choice(['Haupt', 'Schul', 'Kirch', 'Bahnhof'])}straße "
                                          f"{rnd.randint(1, 120)}",
                latitude=Decimal(f"{place.center[0] + rnd.uniform(-0.03, 0.03):.6f}") if mapped else None,
                longitude=Decimal(f"{place.center[1] + rnd.uniform(-0.05, 0.05):.6f}") if mapped else None,
                status=status, status_note=rnd.choice(NOTES) if answered else "", department=service.department,
                source=rnd.choice([Report.Source.WEB, Report.Source.OPEN311]), token=secrets.token_urlsafe(18),
                answered_at=answered, closed_at=answered if status == Report.Status.CLOSED else None))
            stamps.append(created)
            if len(batch) >= CHUNK:
                total += _write(batch, stamps)
                batch, stamps = [], []
        total += _write(batch, stamps)
    generator.out(f"  {total:,} issue reports")
    return total


def _write(batch: list[Report], stamps: list[datetime]) -> int:
    """bulk_create stamps every row with now (auto_now_add): the history goes in afterwards, a CASE per 1000."""
    created = Report.objects.bulk_create(batch, batch_size=1000)
    for start in range(0, len(created), 1000):
        part = list(zip(created[start:start + 1000], stamps[start:start + 1000], strict=True))
        Report.objects.filter(pk__in=[report.pk for report, _stamp in part]).update(
            created_at=Case(*[When(pk=report.pk, then=Value(stamp)) for report, stamp in part],
                            output_field=DateTimeField()))
    return len(created)
