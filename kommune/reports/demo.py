"""Demo issue reports for `seed_demo`: Open311 services with German categories for every demo municipality,
departments, and a dozen reports in Musterstadt in every state (open, in progress, closed with a note, merged as
a duplicate, one waiting too long for an answer), a few in the neighbours, and a demo Open311 key.

Written through the services, then the dates are moved into the past. Idempotent: services are keyed on their
code, reports on their description in the municipality; nothing is written twice.
"""

from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from kommune.core.demo import neighbour_places
from kommune.core.models import Municipality
from kommune.core.types import User
from kommune.reports import services
from kommune.reports.models import ApiKey, Department, Report, ReportSettings, Service, ServiceAttribute, hash_key

# The Open311 key of Musterstadt's demo (docs/open311.md shows it in a curl example). Demo only.
DEMO_API_KEY = "demo-open311-musterstadt"

DEPARTMENTS = ["Tiefbauamt", "Grünflächenamt", "Abfallwirtschaftsbetrieb", "Ordnungsamt"]

# code, name, description, group, keywords, department, attributes
SERVICES: list[tuple[str, str, str, str, str, str, list[dict]]] = [
    ("strassenbeleuchtung", "Straßenbeleuchtung defekt", "Eine Laterne ist dunkel, flackert oder brennt am Tag.",
     "Straße und Verkehr", "Laterne, Licht, Beleuchtung", "Tiefbauamt",
     [{"code": "mastnummer", "description": "Nummer am Mast (falls lesbar)", "datatype": "string",
       "datatype_description": "Meist ein Schild in Augenhöhe, z. B. 12-0345."},
      {"code": "zustand", "description": "Was ist zu sehen?", "datatype": "singlevaluelist", "required": True,
       "values": [{"key": "dunkel", "name": "Lampe ist dunkel"}, {"key": "flackert", "name": "Lampe flackert"},
                  {"key": "tag", "name": "Lampe brennt am Tag"}, {"key": "beschaedigt", "name": "Mast beschädigt"}]}]),
    ("schlagloch", "Schlagloch", "Ein Loch oder ein gefährlicher Schaden in Fahrbahn, Radweg oder Gehweg.",
     "Straße und Verkehr", "Straßenschaden, Loch, Radweg, Gehweg", "Tiefbauamt",
     [{"code": "flaeche", "description": "Wo ist der Schaden?", "datatype": "singlevaluelist", "required": True,
       "values": [{"key": "fahrbahn", "name": "Fahrbahn"}, {"key": "radweg", "name": "Radweg"},
                  {"key": "gehweg", "name": "Gehweg"}]}]),
    ("wilder-muell", "Wilder Müll", "Abfall, Sperrmüll oder Schutt wurde verbotswidrig abgelegt.",
     "Sauberkeit", "Müll, Sperrmüll, Ablagerung", "Abfallwirtschaftsbetrieb",
     [{"code": "art", "description": "Was liegt dort?", "datatype": "multivaluelist",
       "values": [{"key": "sperrmuell", "name": "Sperrmüll"}, {"key": "hausmuell", "name": "Hausmüll"},
                  {"key": "elektro", "name": "Elektrogeräte"}, {"key": "bauschutt", "name": "Bauschutt"},
                  {"key": "gefaehrlich", "name": "Möglicherweise gefährliche Stoffe"}]}]),
    ("gruenpflege", "Grünpflege", "Hecken ragen in den Weg, Rasen ist ungepflegt, ein Ast droht abzubrechen.",
     "Grün", "Hecke, Baum, Rasen, Ast", "Grünflächenamt", []),
    ("spielplatz", "Spielplatz beschädigt", "Ein Spielgerät ist kaputt oder gefährlich, Scherben im Sand.",
     "Grün", "Spielgerät, Schaukel, Rutsche, Sandkasten", "Grünflächenamt", []),
    ("verkehrszeichen", "Verkehrszeichen beschädigt", "Ein Schild fehlt, ist verdreht, verdeckt oder beschädigt.",
     "Straße und Verkehr", "Schild, Ampel", "Ordnungsamt", []),
    ("graffiti", "Graffiti", "Schmierereien an öffentlichen Gebäuden, Brücken oder Haltestellen.",
     "Sauberkeit", "Schmiererei, Farbe", "Ordnungsamt", []),
]


@dataclass(frozen=True)
class DemoReport:
    service: str
    description: str
    address: str
    point: tuple[str, str] | None
    days_ago: int
    status: str = Report.Status.OPEN
    note: str = ""
    attributes: dict | None = None
    duplicate_of: str = ""  # the description of the report this one duplicates
    answered: bool = True


MUSTERSTADT = [
    DemoReport("strassenbeleuchtung", "Die Laterne vor dem Eingang der Grundschule ist seit einer Woche dunkel. "
               "Morgens ist der Schulweg dort stockfinster.", "Lindenstraße 14", ("51.961850", "7.624310"), 9,
               Report.Status.CLOSED, "Das Leuchtmittel wurde am Dienstag getauscht. Danke für den Hinweis!",
               {"zustand": "dunkel", "mastnummer": "07-1142"}),
    DemoReport("strassenbeleuchtung", "Laterne an der Bushaltestelle flackert ständig.", "Bushaltestelle Am Kanal",
               ("51.958120", "7.631040"), 3, Report.Status.IN_PROGRESS,
               "Ein Auftrag an die Stadtwerke ist erteilt; die Reparatur folgt in dieser Woche.",
               {"zustand": "flackert"}),
    DemoReport("schlagloch", "Tiefes Schlagloch auf dem Radweg, besonders abends gefährlich.",
               "Radweg Wolbecker Straße, Höhe Nr. 80", ("51.954400", "7.640220"), 12, Report.Status.CLOSED,
               "Das Loch wurde provisorisch mit Kaltasphalt verfüllt; die Sanierung des Radwegs ist für das "
               "Frühjahr geplant.", {"flaeche": "radweg"}),
    DemoReport("schlagloch", "Mehrere Schlaglöcher in der Einfahrt zum Parkplatz am Friedhof.",
               "Friedhofsweg 2", ("51.967730", "7.612880"), 2, attributes={"flaeche": "fahrbahn"}, answered=False),
    DemoReport("schlagloch", "Loch in der Fahrbahn vor der Einfahrt zum Friedhofsparkplatz.",
               "Friedhofsweg", ("51.967760", "7.612900"), 1, attributes={"flaeche": "fahrbahn"},
               duplicate_of="Mehrere Schlaglöcher in der Einfahrt zum Parkplatz am Friedhof."),
    DemoReport("wilder-muell", "Am Glascontainer wurden ein Sofa und mehrere Müllsäcke abgestellt.",
               "Containerplatz Kiefernweg", ("51.972210", "7.603550"), 8, answered=False,
               attributes={"art": ["sperrmuell", "hausmuell"]}),
    DemoReport("wilder-muell", "Alte Farbeimer und ein Kühlschrank am Waldrand.", "Waldweg hinter dem Sportplatz",
               ("51.976580", "7.598020"), 6, Report.Status.IN_PROGRESS,
               "Der Abfallwirtschaftsbetrieb holt die Sachen ab; die Farbeimer werden als Sondermüll entsorgt.",
               {"art": ["elektro", "gefaehrlich"]}),
    DemoReport("gruenpflege", "Die Hecke ragt so weit auf den Gehweg, dass man mit dem Kinderwagen nicht "
               "vorbeikommt.", "Ahornallee 3", ("51.963340", "7.618760"), 20, Report.Status.CLOSED,
               "Die Hecke steht auf einem Privatgrundstück. Wir haben die Eigentümer angeschrieben und um den "
               "Rückschnitt bis Monatsende gebeten."),
    DemoReport("gruenpflege", "Ein großer Ast hängt nach dem Sturm abgebrochen im Baum über dem Spielplatzweg.",
               "Stadtpark, Weg am Teich", ("51.955640", "7.632410"), 1),
    DemoReport("spielplatz", "Die Kette der Schaukel ist gerissen, die Schaukel liegt im Sand.",
               "Spielplatz Am Kanal", ("51.957900", "7.629800"), 4, Report.Status.IN_PROGRESS,
               "Die Schaukel ist gesperrt; das Ersatzteil ist bestellt."),
    DemoReport("verkehrszeichen", "Das Stoppschild an der Kreuzung ist komplett verdreht.",
               "Kreuzung Birkenweg / Eschenstraße", None, 15, Report.Status.CLOSED,
               "Das Schild wurde wieder gerade gestellt und neu befestigt."),
    DemoReport("graffiti", "Großflächige Schmierereien an der Unterführung zum Bahnhof.",
               "Fußgängerunterführung Bahnhof", ("51.956400", "7.635100"), 5),
]


def _seed_services(municipality: Municipality) -> dict[str, Service]:
    departments = {}
    for name in DEPARTMENTS:
        departments[name], _created = Department.objects.get_or_create(municipality=municipality, name=name)
    found = {}
    for order, (code, name, description, group, keywords, department, attributes) in enumerate(SERVICES):
        service, created = Service.objects.get_or_create(
            municipality=municipality, code=code,
            defaults={"name": name, "description": description, "group": group, "keywords": keywords,
                      "department": departments[department], "order": order})
        if created:
            for position, attribute in enumerate(attributes):
                ServiceAttribute.objects.create(municipality=municipality, service=service, order=position,
                                                **{"datatype": "string", **attribute})
        found[code] = service
    return found


def _seed_reports(municipality: Municipality, staff: User, resident: User, demo_reports: list[DemoReport]) -> None:
    service_rows = _seed_services(municipality)
    now = timezone.now()
    for demo in demo_reports:
        if Report.objects.filter(municipality=municipality, description=demo.description).exists():
            continue
        latitude, longitude = demo.point or (None, None)
        report = services.do_create_report(
            municipality=municipality, service=service_rows[demo.service], description=demo.description,
            address=demo.address, latitude=Decimal(latitude) if latitude else None,
            longitude=Decimal(longitude) if longitude else None, attributes=demo.attributes or {},
            reporter=resident, actor=resident)
        created_at = now - timedelta(days=demo.days_ago, hours=3)
        Report.objects.filter(pk=report.pk).update(created_at=created_at)
        if demo.duplicate_of:
            original = Report.objects.get(municipality=municipality, description=demo.duplicate_of)
            services.do_merge_report(report=report, actor=staff, into=original)
        elif demo.status != Report.Status.OPEN or (demo.note and demo.answered):
            services.do_change_status(report=report, actor=staff, status=demo.status, note=demo.note)
            Report.objects.filter(pk=report.pk).update(
                answered_at=created_at + timedelta(days=1),
                closed_at=created_at + timedelta(days=2) if demo.status == Report.Status.CLOSED else None)


def seed_reports(*, municipality: Municipality, staff: User, resident: User) -> None:
    ReportSettings.objects.get_or_create(municipality=municipality, defaults={
        "answer_days": 5, "contact": "Bürgerbüro Musterstadt, meldungen@musterstadt.example"})
    _seed_reports(municipality, staff, resident, MUSTERSTADT)
    if not ApiKey.objects.filter(municipality=municipality, key_hash=hash_key(DEMO_API_KEY)).exists():
        ApiKey.objects.create(municipality=municipality, name="Demo-App (Mängelmelder)", prefix=DEMO_API_KEY[:6],
                              key_hash=hash_key(DEMO_API_KEY), created_by=staff)
    for place in neighbour_places():
        town = place.municipality.name
        _seed_reports(place.municipality, place.staff, place.resident, [
            DemoReport("strassenbeleuchtung", f"Zwei Laternen an der Hauptstraße in {town} sind dunkel.",
                       f"Hauptstraße, {town}", None, 4, Report.Status.IN_PROGRESS,
                       "Die Reparatur ist beauftragt.", {"zustand": "dunkel"}),
            DemoReport("wilder-muell", f"Sperrmüll am Parkplatz des Dorfgemeinschaftshauses in {town}.",
                       f"Dorfgemeinschaftshaus, {town}", None, 2, attributes={"art": ["sperrmuell"]}),
        ])
