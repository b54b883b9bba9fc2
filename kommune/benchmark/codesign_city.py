"""Co-designed public services of the generated city (generate_city): the largest municipality describes 20 of its
services (one per 250 proposals at small scales, 5 at least) as journeys of four to six steps; 500 residents
(a tenth of the proposals at small scales, 20 at least) rated each service step by step (effort and clarity, a
third with a problem, a sixth with an idea; 5 % by phone, entered by staff), staff grouped the problems into
three themes per service and published one or two changes. Measured: the list of services and the service with
the most ratings (bench: "co-design …").

Services, steps, themes and changes (a few hundred rows) with bulk_create, the ratings through the generator's
bulk loader; ``Service.rating_count`` equals the Rating rows, one rating per person and step.
"""

from datetime import timedelta
from typing import Any

from kommune.codesign.models import Change, Channel, Rating, Service, Step, Theme

MAX_SERVICES, MAX_RATERS = 20, 500
PROBLEM_SHARE, IDEA_SHARE, PHONE_SHARE = 0.33, 0.17, 0.05
SERVICES = [("Personalausweis beantragen", "Bürgeramt"), ("Wohnsitz anmelden", "Bürgeramt"),
            ("Hund anmelden", "Steueramt"), ("Sperrmüll bestellen", "Abfallwirtschaft"),
            ("Bewohnerparkausweis", "Ordnungsamt"), ("Kita-Platz beantragen", "Jugendamt"),
            ("Baugenehmigung", "Bauordnungsamt"), ("Gewerbe anmelden", "Wirtschaftsförderung"),
            ("Wohngeld beantragen", "Sozialamt"), ("Eheschließung anmelden", "Standesamt"),
            ("Führungszeugnis beantragen", "Bürgeramt"), ("Fundsache melden", "Fundbüro"),
            ("Straßensondernutzung", "Tiefbauamt"), ("Schülerfahrkarte", "Schulamt"),
            ("Briefwahl beantragen", "Wahlamt"), ("Geburtsurkunde bestellen", "Standesamt"),
            ("Baumfällung beantragen", "Grünflächenamt"), ("Veranstaltung anmelden", "Ordnungsamt"),
            ("Elterngeld beantragen", "Familienkasse"), ("Zweitwohnungsteuer erklären", "Steueramt")]
STEPS = [("Informieren", Channel.ONLINE), ("Termin buchen", Channel.ONLINE), ("Formular ausfüllen", Channel.ONLINE),
         ("Unterlagen einreichen", Channel.LETTER), ("Vorsprechen", Channel.COUNTER), ("Bescheid erhalten",
                                                                                      Channel.LETTER)]
PROBLEMS = ["Die Seite war nicht zu finden.", "Kein Termin in den nächsten Wochen.", "Das Formular ist unverständlich.",
            "Die Wartezeit war lang.", "Ich musste alles ausdrucken."]
IDEAS = ["Bitte online bezahlen lassen.", "Eine Erinnerung per E-Mail wäre gut.", "Einfache Sprache bitte."]
THEMES = ["Termine", "Verständlichkeit", "Digitaler Weg"]


def service_count(proposals: int) -> int:
    return min(MAX_SERVICES, max(5, proposals // 250))


def rater_count(proposals: int) -> int:
    return min(MAX_RATERS, max(20, proposals // 10))


def codesign_tables(table: Any) -> dict[str, Any]:
    """The loader's table of the ratings (``table`` is generate_city.Table)."""
    return {"codesign_rating": table(Rating, [
        "municipality_id", "service_id", "step_id", "person_id", "channel", "reference", "effort", "clarity",
        "problem", "idea", "used_on", "theme_id", "created_at", "updated_at"])}


def generate_codesign(generator: Any) -> int:
    """Called by generate_city's Generator inside its bulk-loading transaction; returns the number of ratings."""
    rnd, now, place = generator.random, generator.now, generator.places[0]
    municipality, people = place.municipality, place.people
    published = now - timedelta(days=400)
    services = Service.objects.bulk_create([
        Service(municipality=municipality, title=title, department=department, is_published=True,
                published_at=published, description=f"{title}: wie es heute läuft, Schritt für Schritt.")
        for title, department in SERVICES[:service_count(generator.scale.proposals)]])
    steps = Step.objects.bulk_create([
        Step(municipality=municipality, service=service, position=position, title=title, channel=channel)
        for service in services
        for position, (title, channel) in enumerate(STEPS[:rnd.randint(4, 6)], start=1)])
    themes = Theme.objects.bulk_create([Theme(municipality=municipality, service=service, title=title)
                                        for service in services for title in THEMES])
    by_service: dict[int, list[Step]] = {}
    for step in steps:
        by_service.setdefault(step.service_id, []).append(step)
    total, changes = 0, []
    for service in services:
        count = _ratings(generator, service, by_service[service.pk],
                         [theme for theme in themes if theme.service_id == service.pk], people)
        service.rating_count = count
        total += count
        changed = (now - timedelta(days=rnd.randint(60, 200))).date()
        changes.append(Change(municipality=municipality, service=service, step=by_service[service.pk][1],
                              title="Termine jetzt auch online", changed_on=changed,
                              published_at=now - timedelta(days=50)))
    Change.objects.bulk_create(changes)
    Service.objects.bulk_update(services, ["rating_count"])
    generator.out(f"  {len(services)} co-designed services, {len(steps)} steps, {total:,} ratings")
    return total


def _ratings(generator: Any, service: Service, steps: list[Step], themes: list[Theme], people: range) -> int:
    rnd, now, table, add = generator.random, generator.now, generator.tables["codesign_rating"], generator.loader.add
    raters = rnd.sample(people, min(len(people), rater_count(generator.scale.proposals)))
    written = 0
    for person in raters:
        by_phone = rnd.random() < PHONE_SHARE
        used_on = (now - timedelta(days=rnd.randint(1, 400))).date()
        rated = now - timedelta(days=rnd.randint(0, (now.date() - used_on).days))
        for step in steps:
            problem = rnd.choice(PROBLEMS) if rnd.random() < PROBLEM_SHARE else ""
            add(table, (
                service.municipality.pk, service.pk, step.pk, None if by_phone else person,
                Rating.EntryChannel.PHONE if by_phone else Rating.EntryChannel.ONLINE,
                "Anruf im Bürgerbüro" if by_phone else "", rnd.randint(1, 5), rnd.randint(1, 5), problem,
                rnd.choice(IDEAS) if rnd.random() < IDEA_SHARE else "", used_on,
                rnd.choice(themes).pk if problem and rnd.random() < 0.7 else None, rated, rated))
            written += 1
    return written
