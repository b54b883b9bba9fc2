"""The council of Musterstadt for `seed_demo`: a legislative term, the council and two committees, parties, twelve
councillors, a year of meetings (every three weeks, the last two still to come) with their agendas, and ten papers
with PDF files (rendered by WeasyPrint from a short German text) and their path through the committees. All names
and numbers are fictional. The text of every file is extracted from its PDF, as the importer does, and the papers
are indexed for the search through their events (delivered by ``deliver_events``).

Idempotent: a municipality that has a legislative term already keeps its council as it is. The rows are written
directly, as staff do in the admin.
"""

import hashlib
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Model
from django.utils import timezone

from kommune.core.events import publish
from kommune.core.models import Municipality
from kommune.council.events import PaperChanged
from kommune.council.models import (
    AgendaItem,
    Consultation,
    File,
    LegislativeTerm,
    Location,
    Meeting,
    Membership,
    Organization,
    Paper,
    Person,
)
from kommune.council.pdf import extract_text, render_pdf, text_pdf

PARTIES = [("Christlich Demokratische Union", "CDU"), ("Sozialdemokratische Partei Deutschlands", "SPD"),
           ("Bündnis 90/Die Grünen", "GRÜNE"), ("Freie Demokratische Partei", "FDP"),
           ("Wählergemeinschaft Musterstadt", "WGM")]

# given name, family name, form of address, title, party, committees beyond the council (with a role)
PEOPLE = [
    ("Katrin", "Albers", "Frau", "", "SPD", {"Rat": "Bürgermeisterin", "Hauptausschuss": "Vorsitzende"}),
    ("Thomas", "Brandt", "Herr", "Dr.", "CDU", {"Hauptausschuss": "Mitglied"}),
    ("Aylin", "Demir", "Frau", "", "GRÜNE", {"Umwelt": "Vorsitzende"}),
    ("Jürgen", "Engelmann", "Herr", "", "CDU", {"Umwelt": "Mitglied"}),
    ("Sabine", "Fuchs", "Frau", "", "SPD", {"Hauptausschuss": "Mitglied", "Umwelt": "Mitglied"}),
    ("Markus", "Groß", "Herr", "", "FDP", {"Hauptausschuss": "Mitglied"}),
    ("Helga", "Hoffmann", "Frau", "Dr.", "CDU", {"Hauptausschuss": "stellvertretende Vorsitzende"}),
    ("Lukas", "Iwanow", "Herr", "", "GRÜNE", {"Hauptausschuss": "Mitglied", "Umwelt": "Mitglied"}),
    ("Petra", "Jansen", "Frau", "", "WGM", {"Umwelt": "stellvertretende Vorsitzende"}),
    ("Stefan", "Kowalski", "Herr", "", "SPD", {"Umwelt": "Mitglied"}),
    ("Miriam", "Lange", "Frau", "", "CDU", {}),
    ("Ole", "Martens", "Herr", "", "GRÜNE", {}),
]


@dataclass(frozen=True)
class DemoPaper:
    reference: str
    name: str
    paper_type: str
    originator: str  # a party's short name or "Verwaltung"
    committee: str | None  # the committee that consults it before the council decides
    text: list[str]
    result: str = "einstimmig beschlossen"


PAPERS = [
    DemoPaper("VO/2026/014", "Radverkehrskonzept 2030", "Beschlussvorlage", "Verwaltung", "Umwelt", [
        "Der Rat beschließt das Radverkehrskonzept 2030 der Stadt Musterstadt.",
        "Bis 2030 sollen 25 Kilometer neue Radwege entstehen, davon 8 Kilometer als geschützte Radfahrstreifen.",
        "Die Kosten von 4,2 Mio. Euro werden zu 60 Prozent aus Landesmitteln gefördert."]),
    DemoPaper("VO/2026/017", "Haushaltssatzung 2027 mit Haushaltsplan", "Beschlussvorlage", "Verwaltung",
              "Hauptausschuss", [
                  "Der Rat beschließt die Haushaltssatzung für das Haushaltsjahr 2027.",
                  "Der Ergebnisplan schließt mit Erträgen von 468,5 Mio. Euro und Aufwendungen von 471,2 Mio. Euro.",
                  "Der Fehlbetrag wird durch Entnahme aus der Ausgleichsrücklage gedeckt."],
              "mehrheitlich beschlossen"),
    DemoPaper("A/2026/003", "Tempo 30 vor allen Grundschulen", "Antrag", "GRÜNE", "Umwelt", [
        "Die Verwaltung wird beauftragt, vor allen Grundschulen Tempo 30 anzuordnen.",
        "Betroffen sind elf Straßenabschnitte; die Beschilderung kostet rund 18.000 Euro."]),
    DemoPaper("VO/2026/021", "Bebauungsplan Nr. 112 „Am Mühlenbach“ – Aufstellungsbeschluss", "Beschlussvorlage",
              "Verwaltung", "Umwelt", [
                  "Für das Gebiet zwischen Mühlenweg und Bachstraße wird ein Bebauungsplan aufgestellt.",
                  "Ziel sind etwa 140 Wohnungen, davon 30 Prozent öffentlich gefördert, und eine Kita."]),
    DemoPaper("A/2026/005", "Trinkwasserbrunnen in der Innenstadt", "Antrag", "SPD", "Umwelt", [
        "Die Verwaltung wird beauftragt, drei weitere Trinkwasserbrunnen in der Innenstadt aufzustellen.",
        "Standorte: Marktplatz, Busbahnhof und Stadtpark."]),
    DemoPaper("MV/2026/009", "Sachstand Digitalisierung der Bürgerdienste", "Mitteilungsvorlage", "Verwaltung",
              None, [
                  "Seit Januar sind 46 Verwaltungsleistungen online beantragbar.",
                  "Die Wartezeit im Bürgerbüro ist von 19 auf 7 Tage gesunken."], "zur Kenntnis genommen"),
    DemoPaper("A/2026/007", "Einführung eines Bürgerhaushalts", "Antrag", "WGM", "Hauptausschuss", [
        "Ab 2028 sollen 500.000 Euro des Haushalts über einen Bürgerhaushalt vergeben werden.",
        "Die Einwohnerinnen und Einwohner schlagen Projekte vor und stimmen online und im Rathaus ab."],
              "abgelehnt"),
    DemoPaper("VO/2026/025", "Sanierung der Sporthalle Westfeld", "Beschlussvorlage", "Verwaltung",
              "Hauptausschuss", [
                  "Die Sporthalle Westfeld wird energetisch saniert; Dach, Fassade und Lüftung werden erneuert.",
                  "Kosten: 3,1 Mio. Euro; Bauzeit voraussichtlich 14 Monate."]),
    DemoPaper("A/2026/009", "Mehr Bäume für die Südstadt", "Antrag", "CDU", "Umwelt", [
        "Die Verwaltung prüft, wo in der Südstadt 200 zusätzliche Straßenbäume gepflanzt werden können.",
        "Dabei sind Leitungen, Parkplätze und Sichtachsen zu berücksichtigen."], "mit Änderungen beschlossen"),
    DemoPaper("VO/2026/030", "Neufassung der Friedhofsgebührensatzung", "Beschlussvorlage", "Verwaltung",
              "Hauptausschuss", [
                  "Die Gebühren werden an die gestiegenen Kosten angepasst und steigen im Mittel um 6 Prozent.",
                  "Die Satzung tritt am 1. Januar 2027 in Kraft."], "mehrheitlich beschlossen"),
]

# Meetings from the oldest: the committee meeting, and the council meeting a week later that decides.
COMMITTEES = {"Rat": "Rat der Stadt Musterstadt", "Hauptausschuss": "Hauptausschuss",
              "Umwelt": "Ausschuss für Umwelt und Verkehr"}
GENITIVE = {"Rat": "des Rates", "Hauptausschuss": "des Hauptausschusses",
            "Umwelt": "des Ausschusses für Umwelt und Verkehr"}
# A year of them: every three weeks, each committee a week before the council meeting that follows it.
MEETINGS = ["Umwelt", "Hauptausschuss", "Rat"] * 6


def seed_council(*, municipality: Municipality) -> None:
    if LegislativeTerm.objects.filter(municipality=municipality).exists():
        return
    with transaction.atomic():
        _Council(municipality).build()


class _Council:
    def __init__(self, municipality: Municipality) -> None:
        self.municipality = municipality
        self.today = timezone.localdate()

    def create[M: Model](self, model: type[M], **fields: Any) -> M:
        return model._default_manager.create(municipality=self.municipality, **fields)

    def build(self) -> None:
        self.create(LegislativeTerm, name="Wahlperiode 2025–2030", start_date=date(2025, 11, 1),
                    end_date=date(2030, 10, 31))
        town_hall = self.create(Location, description="Rathaus, Ratssaal", street_address="Rathausplatz 1",
                                room="Ratssaal (Raum 101)", postal_code="12345", locality=self.municipality.name,
                                geojson={"type": "Point", "coordinates": [7.4651, 51.51362]})
        meeting_room = self.create(Location, description="Rathaus, Sitzungsraum 2", street_address="Rathausplatz 1",
                                   room="Sitzungsraum 2 (Raum 204)", postal_code="12345",
                                   locality=self.municipality.name)
        committees = {key: self.create(Organization, name=name, short_name=key if key != "Umwelt" else "AUV",
                                       organization_type=Organization.Type.COMMITTEE, location=town_hall,
                                       classification="Rat" if key == "Rat" else "Ausschuss",
                                       start_date=date(2025, 11, 1))
                      for key, name in COMMITTEES.items()}
        for committee in (committees["Hauptausschuss"], committees["Umwelt"]):
            committee.sub_organization_of = committees["Rat"]
            committee.save(update_fields=["sub_organization_of"])
        parties = {short: self.create(Organization, name=name, short_name=short,
                                      organization_type=Organization.Type.PARTY)
                   for name, short in PARTIES}
        self._people(committees, parties)
        meetings = self._meetings(committees, {"Rat": town_hall, "Hauptausschuss": meeting_room,
                                               "Umwelt": meeting_room})
        self._papers(committees, parties, meetings)

    def _people(self, committees: dict[str, Organization], parties: dict[str, Organization]) -> None:
        start = date(2025, 11, 1)
        for given, family, address, title, party, roles in PEOPLE:
            person = self.create(Person, name=f"{title} {given} {family}".strip(), given_name=given,
                                 family_name=family, form_of_address=address, title=[title] if title else [],
                                 gender="female" if address == "Frau" else "male",
                                 email=[f"{given}.{family}@rat.musterstadt.example".lower()
                                        .replace("ü", "ue").replace("ß", "ss")],
                                 status=["Bürgermeisterin"] if roles.get("Rat") else ["Ratsmitglied"])
            self.create(Membership, person=person, organization=parties[party], role="Mitglied", start_date=None)
            council_role = roles.get("Rat", "Ratsmitglied")
            self.create(Membership, person=person, organization=committees["Rat"], role=council_role,
                        start_date=start, on_behalf_of=parties[party])
            for key, role in roles.items():
                if key != "Rat":
                    self.create(Membership, person=person, organization=committees[key], role=role,
                                start_date=start, on_behalf_of=parties[party])

    def _meetings(self, committees: dict[str, Organization], rooms: dict[str, Location]) -> list[Meeting]:
        meetings = []
        numbers: dict[str, int] = {}
        count = len(MEETINGS)
        for index, key in enumerate(MEETINGS):
            # Every three weeks, the last two meetings ahead; committees meet a week before the council.
            day = self.today - timedelta(weeks=3 * (count - 3 - index)) - timedelta(weeks=1 if key != "Rat" else 0)
            day -= timedelta(days=(day.weekday() - 1) % 7)  # on the Tuesday of that week (or the one before)
            start = timezone.make_aware(datetime.combine(day, time(17, 0)))
            held = start < timezone.now()
            numbers[key] = numbers.get(key, 0) + 1
            name = f"{numbers[key]}. Sitzung {GENITIVE[key]}"
            meeting = self.create(Meeting, name=name, organization=committees[key], location=rooms[key],
                                  start=start, end=start + timedelta(hours=2, minutes=30) if held else None,
                                  meeting_state=Meeting.State.DONE if held else Meeting.State.INVITED)
            self._file(f"Einladung {meeting.name} am {day:%d.%m.%Y}", [
                f"Sitzung am {day:%d.%m.%Y}, 17:00 Uhr, {rooms[key].description}.",
                "Die Tagesordnung ist beigefügt. Die Sitzung ist öffentlich."],
                       role=File.Role.INVITATION, meeting=meeting, day=day - timedelta(days=10))
            if held:
                self._file(f"Ergebnisniederschrift {meeting.name} am {day:%d.%m.%Y}", [
                    "Die Beschlüsse der Sitzung sind in der Tagesordnung festgehalten."],
                           role=File.Role.RESULTS_PROTOCOL, meeting=meeting, day=day + timedelta(days=5))
            meetings.append(meeting)
        return meetings

    def _agenda_item(self, meeting: Meeting, order: int, name: str, **fields) -> AgendaItem:
        start = meeting.start + timedelta(minutes=10 * order) if meeting.start else None
        return self.create(AgendaItem, meeting=meeting, order=order, number=f"{order}", name=name, public=True,
                           start=start, **fields)

    def _papers(self, committees: dict[str, Organization], parties: dict[str, Organization],
                meetings: list[Meeting]) -> None:
        agendas: dict[int, int] = {}
        for meeting in meetings:
            self._agenda_item(meeting, 1, "Eröffnung und Feststellung der Beschlussfähigkeit")
            self._agenda_item(meeting, 2, "Genehmigung der Niederschrift der letzten Sitzung")
            agendas[meeting.pk] = 3
        for number, paper_data in enumerate(PAPERS):
            # Each paper goes to its committee and, a week later, to the council; spread over the meetings.
            council_meetings = [m for m in meetings if m.organization == committees["Rat"]]
            council_meeting = council_meetings[number % len(council_meetings)]
            paper_day = (min((council_meeting.start - timedelta(weeks=4)).date(), self.today - timedelta(days=3))
                         if council_meeting.start else None)  # a paper is never dated in the future
            originator = parties.get(paper_data.originator)
            paper = self.create(Paper, name=paper_data.name, reference=paper_data.reference, date=paper_day,
                                paper_type=paper_data.paper_type, originator_organization=originator,
                                under_direction_of=committees["Hauptausschuss"] if originator is None else None)
            self._file(f"{paper_data.paper_type} {paper_data.reference}: {paper_data.name}",
                       [f"Datum: {paper_day:%d.%m.%Y}" if paper_day else "", *paper_data.text],
                       role=File.Role.MAIN, paper=paper, day=paper_day, rendered=True)
            if number % 3 == 0:
                self._file(f"Anlage zu {paper_data.reference}: Kostenübersicht", [
                    "Die Kosten verteilen sich auf die Haushaltsjahre 2027 bis 2029.",
                    "Die Verwaltung prüft Fördermittel des Landes und des Bundes."],
                           role=File.Role.AUXILIARY, paper=paper, day=paper_day, rendered=True)
            publish(PaperChanged(municipality=self.municipality, target=paper))
            steps = []
            if paper_data.committee:
                committee_meetings = [m for m in meetings if m.organization == committees[paper_data.committee]
                                      and m.start and council_meeting.start and m.start < council_meeting.start]
                if committee_meetings:
                    steps.append((committee_meetings[-1], "Vorberatung", False))
            steps.append((council_meeting, "Entscheidung", True))
            for meeting, role, decides in steps:
                held = meeting.meeting_state == Meeting.State.DONE
                item = self._agenda_item(meeting, agendas[meeting.pk], paper_data.name,
                                         result=(paper_data.result if decides else "empfohlen") if held else "",
                                         resolution_text=paper_data.text[0] if held and decides else "")
                agendas[meeting.pk] += 1
                self.create(Consultation, paper=paper, agenda_item=item, meeting=meeting,
                            organization=meeting.organization, authoritative=decides, role=role)
        for meeting in meetings:
            self._agenda_item(meeting, agendas[meeting.pk], "Mitteilungen der Verwaltung")
            self._agenda_item(meeting, agendas[meeting.pk] + 1, "Anfragen")

    def _file(self, name: str, lines: list[str], *, role: str, day: date | None, rendered: bool = False,
              **owner) -> File:
        """A PDF file: the papers' documents rendered by WeasyPrint, the meetings' short notes written by hand (a
        year of meetings would make the seed slow); the text is extracted from the PDF as the importer does."""
        lines = [line for line in lines if line]
        if rendered:
            content = render_pdf(title=name, lines=lines, sender=f"Stadt {self.municipality.name}")
        else:
            content = text_pdf(name, lines)
        file_name = f"{name[:60]}.pdf".replace("/", "-").replace(":", "").replace(" ", "_")
        file = File(municipality=self.municipality, name=name, file_name=file_name, mime_type="application/pdf",
                    date=day, size=len(content), sha1_checksum=hashlib.sha1(content).hexdigest(),
                    text=extract_text(content) or "\n".join([name, *lines]), role=role, **owner)
        file.file.save(file_name, ContentFile(content), save=False)
        file.save()
        return file
