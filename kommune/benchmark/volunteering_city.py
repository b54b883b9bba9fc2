"""Volunteer projects of the generated city (generate_city): in the largest municipality 300 projects (one per 15
proposals at small scales, 10 at least), each with one to five shifts over the last 60 and the next 90 days (a
fifth ongoing, without a date), most with a point on the map, and the residents' sign-ups: each shift filled to a
random share of its capacity, a tenth of the sign-ups cancelled again, the attendance of past shifts confirmed
with its hours. Measured: the list of coming shifts ``/<slug>/mitmachen/`` (bench: "volunteer shifts").

Projects and shifts (hundreds of rows) with bulk_create, the sign-ups through the generator's bulk loader;
``Shift.signed_up_count`` equals the confirmed sign-ups, never more than the capacity, one per person and shift.
"""

import secrets
from datetime import timedelta
from decimal import Decimal
from typing import Any

from kommune.accounts.models import User
from kommune.benchmark.processes_city import index_documents
from kommune.volunteering.models import Accessibility, Project, Shift, SignUp

MAX_PROJECTS = 300
PROPOSALS_PER_PROJECT = 15
ONGOING_SHARE, CANCELLED_SHARE, ABSENT_SHARE = 0.2, 0.1, 0.15
PROJECTS = ["Baumpatenschaften", "Lesepaten an Grundschulen", "Repair-Café", "Tafel", "Stadtputz",
            "Begleitung ins Museum", "Deutsch-Café", "Fahrradwerkstatt", "Seniorenbesuche", "Gemeinschaftsgarten",
            "Hausaufgabenhilfe", "Kältebus", "Digitale Sprechstunde", "Bücherschrank-Pflege", "Sportfest"]
TASKS = [("Aufbau und Ausgabe", ",organising,"), ("Pflanzen und Gießen", ",gardening,"),
         ("Reparieren", ",crafts,"), ("Vorlesen", ",teaching,languages,"), ("Fahrdienst", ",driving,"),
         ("Kochen", ",cooking,"), ("Beraten am Laptop", ",digital,"), ("Gesellschaft leisten", ",care,"),
         ("Mithelfen", ",none,")]
DISTRICTS = ["Altstadt", "Nordstadt", "Südstadt", "Oststadt", "Weststadt", "Bahnhofsviertel"]


def project_count(proposals: int) -> int:
    return min(MAX_PROJECTS, max(10, proposals // PROPOSALS_PER_PROJECT))


def volunteering_tables(table: Any) -> dict[str, Any]:
    """The loader's table of the sign-ups (``table`` is generate_city.Table)."""
    return {"volunteer_sign_up": table(SignUp, [
        "municipality_id", "shift_id", "user_id", "name", "email", "status", "secret", "attendance", "hours",
        "attendance_confirmed_at", "created_at", "cancelled_at"])}


def generate_volunteering(generator: Any) -> int:
    """Called by generate_city's Generator inside its bulk-loading transaction; returns the number of sign-ups."""
    rnd, now, place = generator.random, generator.now, generator.places[0]
    municipality = place.municipality
    projects = Project.objects.bulk_create([
        Project(municipality=municipality, title=f"{rnd.choice(PROJECTS)} {district}",
                summary="Wir suchen Menschen, die mit anpacken.", description="Jede Hilfe zählt, auch eine Stunde.",
                contact_email=f"mitmachen@{municipality.slug}.example",
                created_at=now - timedelta(days=rnd.randint(90, 700)))
        for district in (rnd.choice(DISTRICTS) for _ in range(project_count(generator.scale.proposals)))])
    shifts = []
    for project in projects:
        project.updated_at = project.created_at
        for _ in range(rnd.randint(1, 5)):
            title, skills = rnd.choice(TASKS)
            starts = None if rnd.random() < ONGOING_SHARE else now + timedelta(hours=rnd.randint(-60 * 24, 90 * 24))
            mapped = rnd.random() < 0.8
            shifts.append(Shift(
                municipality=municipality, project=project, title=title, starts_at=starts,
                ends_at=starts + timedelta(hours=rnd.choice([2, 3, 4])) if starts else None,
                place_name=f"Treffpunkt {project.title}", street=f"Marktstraße {rnd.randint(1, 80)}",
                postcode="10000", city=municipality.name, district=rnd.choice(DISTRICTS), skills=skills,
                latitude=Decimal(f"{place.center[0] + rnd.uniform(-0.03, 0.03):.6f}") if mapped else None,
                longitude=Decimal(f"{place.center[1] + rnd.uniform(-0.05, 0.05):.6f}") if mapped else None,
                capacity=rnd.randint(2, 20), accessibility=rnd.choice(list(Accessibility.values)),
                created_at=project.created_at))
    signed = [min(shift.capacity, int(shift.capacity * rnd.random() * 1.2)) for shift in shifts]
    for shift, count in zip(shifts, signed, strict=True):
        shift.signed_up_count = count
    Shift.objects.bulk_create(shifts, batch_size=1000)
    sign_ups = _sign_ups(generator, shifts)
    for project in projects:
        # What project.shifts.all() gives the search document, without a query per project.
        project._prefetched_objects_cache = {"shifts": [s for s in shifts if s.project is project]}  # type: ignore[attr-defined]
    index_documents(generator, projects)
    generator.out(f"  {len(projects):,} volunteer projects, {len(shifts):,} shifts, {sign_ups:,} sign-ups")
    return sign_ups


def _sign_ups(generator: Any, shifts: list[Shift]) -> int:
    rnd, now, table, add = generator.random, generator.now, generator.tables["volunteer_sign_up"], generator.loader.add
    people = generator.places[0].people
    # The names and addresses the accounts give (the people are written already; one query).
    generator.loader.flush(generator.tables["user"])
    accounts = dict(User.objects.filter(pk__gte=people.start, pk__lt=people.stop)
                    .values_list("pk", "display_name").order_by())
    emails = dict(User.objects.filter(pk__gte=people.start, pk__lt=people.stop).values_list("pk", "email").order_by())
    written = 0
    for shift in shifts:
        confirmed = shift.signed_up_count
        cancelled = sum(1 for _ in range(confirmed) if rnd.random() < CANCELLED_SHARE)
        persons = rnd.sample(people, min(len(people), confirmed + cancelled))
        begins = shift.starts_at or shift.created_at
        for index, person in enumerate(persons):
            created = min(now, shift.created_at + (begins - shift.created_at) * rnd.random())
            active = index < confirmed
            attendance, hours, confirmed_at = SignUp.Attendance.OPEN, None, None
            if active and shift.ends_at is not None and shift.ends_at + timedelta(days=1) < now:
                absent = rnd.random() < ABSENT_SHARE
                attendance = SignUp.Attendance.ABSENT if absent else SignUp.Attendance.ATTENDED
                hours = None if absent else shift.hours()
                confirmed_at = shift.ends_at + timedelta(days=1)
            add(table, (shift.municipality.pk, shift.pk, person, accounts[person], emails[person],
                        SignUp.Status.CONFIRMED if active else SignUp.Status.CANCELLED, secrets.token_hex(16),
                        attendance, hours, confirmed_at, created,
                        None if active else min(now, created + timedelta(days=rnd.randint(1, 5)))))
            written += 1
    return written

