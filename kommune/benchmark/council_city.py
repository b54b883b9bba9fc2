"""The council information of the generated city (generate_city): the largest municipality gets a council with
committees and parties, meetings over ten years with their agendas, and papers (a quarter of the city's proposals:
50,000 in the Millionenstadt), each with its main file and one or two consultations, so that the council's paper
list and the OParl paper list are measured on a full council information system (bench: "council paper list",
"OParl paper list").

Rows go in through the generator's bulk loader (COPY on PostgreSQL), the committees and parties through the ORM.
Files are rows only (the benchmark reads no document), with a short text as extracted from a PDF.
"""

from datetime import timedelta
from typing import Any

from django.db import connection, models

from kommune.council.models import AgendaItem, Consultation, File, Meeting, Organization, Paper

PAPERS_PER_PROPOSAL = 0.25
PAPERS_PER_MEETING = 10
COUNCIL_YEARS = 10
MODELS_WITH_IDS: list[type[models.Model]] = [Meeting, AgendaItem, Paper]

COMMITTEES = ["Rat der Stadt", "Hauptausschuss", "Finanzausschuss", "Ausschuss für Umwelt und Klimaschutz",
              "Ausschuss für Stadtentwicklung und Bauen", "Verkehrsausschuss", "Schulausschuss",
              "Ausschuss für Soziales und Gesundheit", "Kulturausschuss"]
PARTIES = [("Christlich Demokratische Union", "CDU"), ("Sozialdemokratische Partei Deutschlands", "SPD"),
           ("Bündnis 90/Die Grünen", "GRÜNE"), ("Freie Demokratische Partei", "FDP"), ("Die Linke", "LINKE"),
           ("Freie Wähler", "FW")]
PAPER_TYPES = [("Beschlussvorlage", "VO", 0.45), ("Antrag", "A", 0.25), ("Mitteilungsvorlage", "MV", 0.15),
               ("Anfrage", "AF", 0.15)]
SUBJECTS = ["Sanierung der Grundschule", "Neubau einer Kindertagesstätte", "Radweg", "Bebauungsplan",
            "Haushaltssatzung", "Gebührensatzung für die Abfallentsorgung", "Stellplatzsatzung", "Straßenbeleuchtung",
            "Klimaschutzkonzept", "Förderung der Sportvereine", "Parkraumbewirtschaftung", "Spielplatzkonzept",
            "Digitalisierung der Schulen", "Sanierung des Hallenbades", "Busliniennetz", "Friedhofssatzung"]
WHERE = ["Nord", "Süd", "Ost", "West", "Mitte", "Altstadt", "am Bahnhof", "an der Hauptstraße", "im Gewerbegebiet",
         "am Stadtpark"]
RESULTS = ["einstimmig beschlossen", "mehrheitlich beschlossen", "abgelehnt", "vertagt", "zur Kenntnis genommen",
           "mit Änderungen beschlossen"]
SENTENCES = ["Die Verwaltung wird beauftragt, die Maßnahme umzusetzen.",
             "Die Kosten sind im Haushaltsplan veranschlagt.",
             "Fördermittel des Landes wurden beantragt.",
             "Die Bürgerinnen und Bürger wurden im Rahmen einer Versammlung beteiligt.",
             "Die Maßnahme trägt zu den Klimaschutzzielen der Stadt bei.",
             "Der Ausschuss empfiehlt dem Rat die Zustimmung."]


def council_tables(table: Any) -> dict[str, Any]:
    """The loader's tables of the council, in the order of their foreign keys (``table`` is generate_city.Table)."""
    common = ["municipality_id", "created", "modified", "keyword"]
    return {
        "council_meeting": table(Meeting, ["id", *common, "name", "meeting_state", "start", "end", "organization_id"]),
        "council_agenda_item": table(AgendaItem, ["id", *common, "meeting_id", "number", "order", "name", "result"]),
        "council_paper": table(Paper, ["id", *common, "name", "reference", "date", "paper_type",
                                       "originator_organization_id", "under_direction_of_id"]),
        "council_consultation": table(Consultation, [*common, "paper_id", "agenda_item_id", "meeting_id",
                                                     "organization_id", "authoritative", "role"]),
        "council_file": table(File, [*common, "name", "file", "file_name", "mime_type", "date", "size", "text",
                                     "role", "paper_id"]),
    }


def _keywords() -> Any:
    """An empty keyword list as the JSON column takes it: COPY on PostgreSQL needs it wrapped."""
    if connection.vendor == "postgresql":
        from psycopg.types.json import Jsonb

        return Jsonb([])
    return []


def paper_count(proposals: int) -> int:
    return max(50, int(proposals * PAPERS_PER_PROPOSAL))


def generate_council(generator: Any) -> None:
    """Called by generate_city's Generator (which imports this module) inside its bulk-loading transaction."""
    rnd, now, tables, add = generator.random, generator.now, generator.tables, generator.loader.add
    municipality = generator.places[0].municipality
    keywords = _keywords()
    committees = Organization.objects.bulk_create([
        Organization(municipality=municipality, name=name if index else f"{name} {municipality.name}",
                     organization_type=Organization.Type.COMMITTEE) for index, name in enumerate(COMMITTEES)])
    parties = Organization.objects.bulk_create([
        Organization(municipality=municipality, name=name, short_name=short, organization_type=Organization.Type.GROUP)
        for name, short in PARTIES])
    papers = paper_count(generator.scale.proposals)
    meetings = max(10, papers // PAPERS_PER_MEETING)
    span = timedelta(days=365 * COUNCIL_YEARS)
    ahead = timedelta(days=30)  # the last meetings are still to come
    first_meeting, first_item, first_paper = (_next_id(Meeting), _next_id(AgendaItem), _next_id(Paper))
    starts = []
    numbers: dict[int, int] = {}
    for index in range(meetings):
        committee = committees[index % len(committees)]
        start = (now + ahead - span * (meetings - 1 - index) / meetings).replace(hour=17, minute=0, second=0)
        starts.append(start)
        numbers[committee.pk] = numbers.get(committee.pk, 0) + 1
        held = start < now
        add(tables["council_meeting"], (
            first_meeting + index, municipality.pk, start - timedelta(days=21), start if held else now, keywords,
            f"{numbers[committee.pk]}. Sitzung: {committee.name}",
            Meeting.State.DONE if held else Meeting.State.INVITED, start, start + timedelta(hours=3),
            committee.pk))
    orders = [0] * meetings
    next_item = first_item
    for index in range(papers):
        kind, prefix, _share = rnd.choices(PAPER_TYPES, weights=[share for *_rest, share in PAPER_TYPES])[0]
        meeting = min(meetings - 1, index * meetings // papers)
        dated = starts[meeting] - timedelta(days=rnd.randint(14, 40))
        year = dated.year
        paper_id = first_paper + index
        name = f"{rnd.choice(SUBJECTS)} {rnd.choice(WHERE)}"
        originator = rnd.choice(parties).pk if kind in ("Antrag", "Anfrage") else None
        add(tables["council_paper"], (
            paper_id, municipality.pk, dated, dated, keywords, name, f"{prefix}/{year}/{index:05d}", dated.date(),
            kind, originator, committees[1].pk if originator is None else None))
        text = " ".join(rnd.sample(SENTENCES, 3))
        add(tables["council_file"], (
            municipality.pk, dated, dated, keywords, f"{kind} {prefix}/{year}/{index:05d}", "council/bench.pdf",
            f"{prefix}-{year}-{index:05d}.pdf", "application/pdf", dated.date(), rnd.randint(40_000, 900_000),
            f"{kind}\n{name}\n{text}", File.Role.MAIN, paper_id))
        # A committee consults it, and half of the papers then go on to a later meeting that decides.
        steps = [(meeting, "Vorberatung" if index % 2 else "Entscheidung", not index % 2)]
        if index % 2:
            steps.append((min(meetings - 1, meeting + rnd.randint(1, 9)), "Entscheidung", True))
        for step, role, decides in steps:
            orders[step] += 1
            held = starts[step] < now
            add(tables["council_agenda_item"], (
                next_item, municipality.pk, dated, dated, keywords, first_meeting + step, str(orders[step]),
                orders[step], name, rnd.choice(RESULTS) if held and decides else ("empfohlen" if held else "")))
            add(tables["council_consultation"], (
                municipality.pk, dated, dated, keywords, paper_id, next_item, first_meeting + step,
                committees[step % len(committees)].pk, decides, role))
            next_item += 1
    generator.out(f"  council of {municipality.name}: {meetings:,} meetings, {papers:,} papers, "
                  f"{next_item - first_item:,} agenda items and consultations")


def _next_id(model: type[models.Model]) -> int:
    return (model._default_manager.aggregate(top=models.Max("pk"))["top"] or 0) + 1
