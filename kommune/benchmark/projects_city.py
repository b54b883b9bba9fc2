"""The municipal projects (Vorhabenliste) of a generated city: one project for every ten proposals (at least 30 per
city), each with one to four steps of status history, spread over the places by their number of proposals.
Called by generate_city (one step); bulk inserts, so a million-inhabitant city takes seconds."""

import random
from collections.abc import Sequence
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from kommune.projects.models import Project, Status, StatusChange

BATCH = 5_000
TITLES = ["Neubau Kita", "Sanierung Grundschule", "Radweg", "Spielplatz", "Glasfaserausbau", "Sanierung Sporthalle",
          "Neue Beleuchtung", "Barrierefreie Bushaltestelle", "Ersatzneubau Brücke", "Photovoltaik auf dem Rathaus",
          "Jugendzentrum", "Feuerwehrgerätehaus", "Stadtbäume", "Wohnquartier", "Familienzentrum"]
DEPARTMENTS = ["Tiefbauamt", "Hochbauamt", "Grünflächenamt", "Schulverwaltungsamt", "Stadtplanungsamt",
               "Amt für Kinder, Jugend und Familie"]
ORDER = [Status.IDEA, Status.PLANNING, Status.DECIDED, Status.IN_CONSTRUCTION, Status.DONE]


def project_count(proposals: int) -> int:
    return max(30, proposals // 10)


def generate_projects(places: Sequence[Any], *, proposals: int, rnd: random.Random, today: date,
                      areas: Sequence[str]) -> int:
    """Projects for ``places`` (objects with ``municipality``, ``proposals`` and ``center``); returns how many."""
    total = project_count(proposals)
    weights = [max(place.proposals, 1) for place in places]
    shares = [total * weight // sum(weights) for weight in weights]
    shares[0] += total - sum(shares)
    written = 0
    for place, count in zip(places, shares, strict=True):
        projects, histories = [], []
        for _ in range(count):
            steps = rnd.randint(1, 4)
            first = rnd.randint(0, 4 - steps) if steps < 5 else 0
            statuses = ORDER[first:first + steps]
            if rnd.random() < 0.05:
                statuses = [*statuses[:-1], Status.STOPPED]
            days = sorted(rnd.sample(range(1, 1500), steps), reverse=True)
            history = [(status, today - timedelta(days=day)) for status, day in zip(statuses, days, strict=True)]
            point: dict[str, Decimal] = {}
            if rnd.random() < 0.7:
                point = {"latitude": Decimal(f"{place.center[0] + rnd.uniform(-0.03, 0.03):.6f}"),
                         "longitude": Decimal(f"{place.center[1] + rnd.uniform(-0.05, 0.05):.6f}")}
            projects.append(Project(
                municipality=place.municipality, title=f"{rnd.choice(TITLES)} {rnd.choice(areas)}",
                summary="Ein Vorhaben der Kommune.", description="Beschreibung des Vorhabens.",
                description_html="<p>Beschreibung des Vorhabens.</p>", status=history[-1][0],
                status_changed_on=history[-1][1], department=rnd.choice(DEPARTMENTS), area=rnd.choice(areas),
                estimated_costs=Decimal(rnd.randint(10, 50_000) * 1000), **point))
            histories.append(history)
        for start in range(0, len(projects), BATCH):
            created = Project.objects.bulk_create(projects[start:start + BATCH])
            StatusChange.objects.bulk_create(
                [StatusChange(municipality=place.municipality, project=project, status=status, changed_on=day,
                              note="Stand des Vorhabens.")
                 for project, history in zip(created, histories[start:start + BATCH], strict=True)
                 for status, day in history], batch_size=BATCH)
        written += count
    return written
