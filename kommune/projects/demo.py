"""Demo projects for `seed_demo`: Musterstadt's Vorhabenliste of twenty projects in every status, with their
history, milestones, costs, funding and places around the town centre, some linked to the demo process, the demo
proposals and council papers (found by their titles, never by ids); and two projects in each neighbour.

Written through the services. Idempotent: a project is keyed on its title in the municipality, and nothing is
written when it exists.
"""

from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from kommune.core.demo import DemoData, neighbour_places
from kommune.core.linkables import linkable_by_kind
from kommune.core.models import Municipality
from kommune.projects import services
from kommune.projects.models import Project

CENTRE = (Decimal("51.962510"), Decimal("7.625570"))  # Musterstadt's market square, as in the demo proposals


@dataclass(frozen=True)
class DemoProject:
    title: str
    summary: str
    department: str
    area: str
    place: str
    offset: tuple[float, float] | None  # from the centre, in degrees (latitude, longitude)
    history: list[tuple[str, int, str]]  # (status, days ago, public note), oldest first
    estimated: int | None = None
    actual: int | None = None
    funding: list[tuple[str, int]] = field(default_factory=list)
    milestones: list[tuple[str, int | None, int | None]] = field(default_factory=list)  # (title, planned, reached)
    links: list[tuple[str, str]] = field(default_factory=list)  # (kind, title of the target)
    description: str = ""


HAUSHALT = "Haushalt der Stadt Musterstadt"
TIEFBAU, HOCHBAU, GRUEN = "Tiefbauamt", "Hochbauamt", "Grünflächenamt"
JUGEND, SCHULE, DIGITAL = "Amt für Kinder, Jugend und Familie", "Schulverwaltungsamt", "Stabsstelle Digitalisierung"
PLANUNG = "Stadtplanungsamt"

PROJECTS = [
    DemoProject("Neubau Kita Lindenhof", "Eine Kindertagesstätte mit sechs Gruppen für 110 Kinder im Neubaugebiet "
                "Lindenhof.", HOCHBAU, "Lindenhof", "Lindenhofstraße 12", (0.012, -0.018),
                [("idea", 900, "Der Bedarf an Kita-Plätzen im Lindenhof übersteigt das Angebot um rund 100 Plätze."),
                 ("planning", 700, "Das Architekturbüro ist beauftragt; der Entwurf sieht einen Holzbau vor."),
                 ("decided", 420, "Der Rat hat den Bau und die Finanzierung beschlossen."),
                 ("in_construction", 150, "Der erste Spatenstich ist gemacht. Die Bodenplatte ist gegossen.")],
                estimated=6_400_000, funding=[(HAUSHALT, 3_900_000), ("Land NRW – Kita-Investitionsprogramm",
                                                                      2_500_000)],
                milestones=[("Baugenehmigung", -400, -380), ("Spatenstich", -160, -150), ("Richtfest", 60, None),
                            ("Eröffnung", 330, None)],
                description="## Was gebaut wird\n\n- sechs Gruppenräume mit Schlafräumen\n- eine Mensa mit "
                            "eigener Küche\n- ein Außengelände mit Sandspielbereich\n\nDas Gebäude wird als "
                            "Holzbau im Passivhausstandard errichtet."),
    DemoProject("Radweg an der Nordstraße", "Ein geschützter Zweirichtungsradweg zwischen Innenstadt und "
                "Nordviertel.", TIEFBAU, "Nordviertel", "Nordstraße", (0.011, -0.004),
                [("idea", 600, "Viele Menschen wünschen sich einen sicheren Radweg ins Nordviertel."),
                 ("planning", 380, "Die Verkehrsplanung prüft zwei Varianten."),
                 ("decided", 90, "Der Ausschuss für Umwelt und Verkehr hat Variante B beschlossen.")],
                estimated=1_850_000, funding=[(HAUSHALT, 650_000), ("Bund – Sonderprogramm Stadt und Land",
                                                                    1_200_000)],
                milestones=[("Ausschreibung", 60, None), ("Baubeginn", 200, None)],
                links=[("paper", "Radverkehrskonzept 2030")]),
    DemoProject("Sanierung der Grundschule Nord", "Neue Fenster, Dämmung, Lüftungsanlage und barrierefreie "
                "Toiletten.", SCHULE, "Nordviertel", "Schulstraße 4", (0.013, -0.006),
                [("planning", 500, "Das Gutachten zum Zustand des Gebäudes liegt vor."),
                 ("decided", 300, "Die Sanierung erfolgt in zwei Bauabschnitten während der Ferien."),
                 ("in_construction", 120, "Der erste Bauabschnitt (Fenster und Dämmung) läuft.")],
                estimated=3_200_000, funding=[(HAUSHALT, 1_600_000), ("Land NRW – Gute Schule 2025", 1_600_000)],
                milestones=[("1. Bauabschnitt", -120, -118), ("2. Bauabschnitt", 200, None)],
                links=[("proposal", "Tempo 30 vor der Grundschule Nord")]),
    DemoProject("Spielplatz im Stadtpark", "Der Spielplatz wird erneuert, mit Wasserspiel und Geräten für Kinder "
                "mit Behinderungen.", GRUEN, "Stadtpark", "Stadtpark, Eingang Parkallee", (-0.007, 0.007),
                [("idea", 400, "Kinder und Eltern haben beim Spielplatzcheck Wünsche gesammelt."),
                 ("planning", 250, "Der Entwurf entsteht gemeinsam mit den Kindern der Grundschule Süd."),
                 ("decided", 120, "Die Bezirksvertretung hat den Entwurf beschlossen."),
                 ("in_construction", 40, "Die alten Geräte sind abgebaut."),
                 ("done", 5, "Der Spielplatz ist eröffnet. Viel Spaß!")],
                estimated=240_000, actual=231_500, funding=[(HAUSHALT, 180_000), ("Bürgerstiftung Musterstadt",
                                                                              60_000)],
                milestones=[("Beteiligung der Kinder", -260, -255), ("Eröffnung", -5, -5)]),
    DemoProject("Trinkbrunnen am Spielplatz Stadtpark", "Ein öffentlicher Trinkbrunnen, wie im Bürgervorschlag "
                "gewünscht.", GRUEN, "Stadtpark", "Stadtpark, am Spielplatz", (-0.0069, 0.0068),
                [("decided", 30, "Umsetzung des Bürgervorschlags: Der Brunnen wird im Frühjahr gebaut.")],
                estimated=18_000, funding=[("Haushalt des Grünflächenamts", 18_000)],
                milestones=[("Bau", 120, None)],
                links=[("proposal", "Trinkbrunnen im Stadtpark"), ("paper", "Trinkwasserbrunnen in der Innenstadt")]),
    DemoProject("Glasfaser für alle Schulen", "Alle zwölf Schulen bekommen einen Glasfaseranschluss und WLAN in "
                "jedem Raum.", DIGITAL, "ganze Stadt", "", None,
                [("planning", 360, "Die Bestandsaufnahme der Netze in den Schulen ist abgeschlossen."),
                 ("decided", 200, "Der Auftrag ist vergeben."),
                 ("in_construction", 60, "Sieben von zwölf Schulen sind angeschlossen.")],
                estimated=2_100_000, funding=[("Bund – DigitalPakt Schule", 1_890_000), (HAUSHALT, 210_000)],
                milestones=[("Erste Schule angeschlossen", -50, -45), ("Alle Schulen angeschlossen", 150, None)]),
    DemoProject("Glasfaserausbau Gewerbegebiet Hafen", "Schnelles Internet für 80 Betriebe im Hafengebiet.",
                DIGITAL, "Hafen", "Hafenweg", (-0.004, 0.021),
                [("idea", 200, "Die Betriebe im Hafen haben eine Umfrage zum Bedarf gemacht."),
                 ("planning", 30, "Die Stadt spricht mit Netzbetreibern über einen eigenwirtschaftlichen Ausbau.")]),
    DemoProject("Neugestaltung des Marktplatzes", "Mehr Grün, Schatten und Sitzplätze auf dem Marktplatz.", PLANUNG,
                "Altstadt", "Marktplatz", (0.0, 0.0),
                [("idea", 300, "Der Marktplatz soll ein Ort zum Verweilen werden."),
                 ("planning", 100, "Die Ergebnisse der Bürgerbeteiligung fließen in den Entwurf ein.")],
                estimated=1_300_000, funding=[("Städtebauförderung Bund und Land", 780_000), (HAUSHALT, 520_000)],
                milestones=[("Beteiligung abgeschlossen", 30, None), ("Ratsbeschluss", 120, None)],
                links=[("process", "Neugestaltung des Marktplatzes"),
                       ("proposal", "Mehr Sitzbänke auf dem Marktplatz")]),
    DemoProject("Sanierung der Sporthalle Westfeld", "Neues Dach, neuer Hallenboden und barrierefreie Umkleiden.",
                HOCHBAU, "Westfeld", "Westfeldstraße 30", (0.002, -0.024),
                [("planning", 260, "Das Dach ist undicht; ein Gutachten empfiehlt die Sanierung."),
                 ("decided", 45, "Der Rat hat die Sanierung beschlossen.")],
                estimated=2_700_000, funding=[(HAUSHALT, 1_350_000), ("Land NRW – Moderne Sportstätte",
                                                                      1_350_000)],
                milestones=[("Ausschreibung", 40, None), ("Wiedereröffnung", 420, None)],
                links=[("paper", "Sanierung der Sporthalle Westfeld")]),
    DemoProject("Barrierefreier Umbau der Bushaltestellen", "25 Haltestellen bekommen hohe Borde und Blindenleit"
                "systeme.", TIEFBAU, "ganze Stadt", "", None,
                [("decided", 500, "Das Programm läuft über fünf Jahre."),
                 ("in_construction", 380, "Zehn Haltestellen sind umgebaut.")],
                estimated=1_250_000, actual=None, funding=[("Land NRW – ÖPNV-Gesetz", 1_000_000), (HAUSHALT,
                                                                                               250_000)],
                milestones=[("10 Haltestellen", -300, -290), ("25 Haltestellen", 400, None)]),
    DemoProject("Bäume für die Südstadt", "100 neue Straßenbäume in der Südstadt.", GRUEN, "Südstadt",
                "Südring", (-0.012, 0.004),
                [("idea", 150, "Die Südstadt hat die wenigsten Bäume der Stadt."),
                 ("planning", 60, "Das Grünflächenamt sucht geeignete Standorte.")],
                estimated=150_000, links=[("paper", "Mehr Bäume für die Südstadt")]),
    DemoProject("Hundewiese am Südpark", "Eine eingezäunte Freilauffläche für Hunde.", GRUEN, "Südstadt",
                "Südpark", (-0.014, 0.009),
                [("idea", 200, "Aus einem Bürgervorschlag."),
                 ("stopped", 60, "Der Vorschlag fand nicht genug Unterstützung; die Fläche wird als Wiese "
                                 "gebraucht.")]),
    DemoProject("Jugendzentrum am Bahnhof", "Ein offener Treff für Jugendliche mit Proberaum.", JUGEND,
                "Bahnhofsviertel", "Bahnhofstraße 7", (0.004, 0.012),
                [("idea", 250, "Jugendliche haben im Jugendforum einen eigenen Treff gefordert."),
                 ("planning", 90, "Das alte Postgebäude wird geprüft.")],
                estimated=850_000),
    DemoProject("Neue Beleuchtung im Stadtpark", "LED-Leuchten an den Hauptwegen, damit der Park abends sicher "
                "ist.", TIEFBAU, "Stadtpark", "Stadtpark, Hauptwege", (-0.008, 0.006),
                [("decided", 200, "Der Auftrag ist vergeben."), ("in_construction", 100, "Die Kabel liegen."),
                 ("done", 50, "Alle 46 Leuchten sind in Betrieb.")],
                estimated=210_000, actual=198_700, funding=[("Bund – Kommunalrichtlinie Klimaschutz", 84_000),
                                                            (HAUSHALT, 126_000)]),
    DemoProject("Bürgerbüro digital", "Anträge rund um die Uhr online stellen: Anwohnerparken, Meldebescheinigung, "
                "Hundesteuer.", DIGITAL, "ganze Stadt", "", None,
                [("planning", 300, "Die ersten zehn Leistungen sind ausgewählt."),
                 ("in_construction", 120, "Die ersten vier Leistungen sind online.")],
                estimated=400_000, funding=[("Land NRW – Onlinezugangsgesetz", 300_000), (HAUSHALT, 100_000)],
                links=[("paper", "Sachstand Digitalisierung der Bürgerdienste")]),
    DemoProject("Wohnen am Mühlenbach", "Ein neues Wohnquartier mit 240 Wohnungen, davon ein Drittel gefördert.",
                PLANUNG, "Mühlenbach", "Am Mühlenbach", (0.017, 0.015),
                [("idea", 700, "Die Fläche der ehemaligen Gärtnerei steht zur Verfügung."),
                 ("planning", 200, "Der Bebauungsplan wird aufgestellt.")],
                links=[("paper", "Bebauungsplan Nr. 112 „Am Mühlenbach“ – Aufstellungsbeschluss")]),
    DemoProject("Ersatzneubau Brücke Kanalstraße", "Die Brücke von 1962 wird durch einen Neubau ersetzt.",
                TIEFBAU, "Hafen", "Kanalstraße", (-0.003, 0.017),
                [("planning", 400, "Die Brückenprüfung hat Schäden gezeigt; die Brücke ist für Lastwagen gesperrt."),
                 ("decided", 150, "Der Rat hat den Neubau beschlossen."),
                 ("in_construction", 20, "Die Behelfsbrücke für Fußgänger und Radfahrer steht.")],
                estimated=4_800_000, funding=[(HAUSHALT, 2_400_000), ("Land NRW – Kommunaler Straßenbau",
                                                                      2_400_000)],
                milestones=[("Abriss der alten Brücke", 40, None), ("Freigabe", 540, None)]),
    DemoProject("Photovoltaik auf städtischen Dächern", "Solaranlagen auf 15 städtischen Gebäuden.", HOCHBAU,
                "ganze Stadt", "", None,
                [("decided", 350, "Der Rat hat das Programm beschlossen."),
                 ("in_construction", 200, "Neun Anlagen liefern Strom."),
                 ("done", 15, "Alle 15 Anlagen sind in Betrieb; sie erzeugen zusammen 1,2 Megawatt.")],
                estimated=1_600_000, actual=1_540_000, funding=[("KfW-Kredit Erneuerbare Energien", 1_600_000)]),
    DemoProject("Seilbahn zum Stadtberg", "Die Idee einer Seilbahn vom Bahnhof zum Stadtberg.", PLANUNG,
                "Bahnhofsviertel", "Bahnhof", (0.005, 0.013),
                [("idea", 800, "Eine Machbarkeitsstudie soll Kosten und Nutzen klären."),
                 ("stopped", 500, "Die Studie zeigt zu hohe Kosten bei zu wenig Fahrgästen.")],
                estimated=28_000_000),
    DemoProject("Familienzentrum Westfeld", "Beratung, Kurse und ein Café für Familien unter einem Dach.", JUGEND,
                "Westfeld", "Westfeldstraße 18", (0.003, -0.022),
                [("idea", 40, "Familien im Westfeld wünschen sich einen Treffpunkt.")]),
]

# Two projects in each neighbour demo municipality: (title, summary, department, history, estimated costs).
NEIGHBOUR_PROJECTS = [
    ("Neues Feuerwehrgerätehaus", "Ein Gerätehaus mit zwei Stellplätzen für die Freiwillige Feuerwehr.",
     "Bauamt", [("planning", 200, "Das Grundstück ist gefunden."), ("decided", 60, "Der Rat hat den Bau beschlossen.")],
     1_900_000),
    ("Breitbandausbau in den Ortsteilen", "Glasfaser bis ins Haus für alle Ortsteile.", "Wirtschaftsförderung",
     [("idea", 300, "Viele Haushalte haben weniger als 16 Mbit/s."),
      ("in_construction", 50, "Die Tiefbauarbeiten haben begonnen.")], 3_400_000),
]


def seed_projects(demo: DemoData) -> None:
    _seed(demo.municipality, demo.staff, PROJECTS)
    for place in neighbour_places():
        existing = set(Project.objects.filter(municipality=place.municipality).values_list("title", flat=True))
        for title, summary, department, history, estimated in NEIGHBOUR_PROJECTS:
            if title not in existing:
                _project(place.municipality, place.staff, DemoProject(
                    title, summary, department, "", "", None, history, estimated=estimated))


def _seed(municipality: Municipality, staff, projects: list[DemoProject]) -> None:
    existing = set(Project.objects.filter(municipality=municipality).values_list("title", flat=True))
    for demo in projects:
        if demo.title not in existing:
            _project(municipality, staff, demo)


def _project(municipality: Municipality, staff, demo: DemoProject) -> None:
    today = timezone.localdate()
    point: dict = {}
    if demo.offset is not None:
        point = {"latitude": (CENTRE[0] + Decimal(str(demo.offset[0]))).quantize(Decimal("0.000001")),
                 "longitude": (CENTRE[1] + Decimal(str(demo.offset[1]))).quantize(Decimal("0.000001"))}
    (first_status, first_days, first_note), *later = demo.history
    project = services.do_create_project(
        municipality=municipality, actor=staff, title=demo.title, summary=demo.summary,
        description=demo.description or demo.summary, department=demo.department, area=demo.area,
        location_name=demo.place, estimated_costs=demo.estimated, actual_costs=demo.actual,
        status=first_status, status_changed_on=today - timedelta(days=first_days), status_note=first_note, **point)
    for status, days, note in later:
        services.do_change_status(project=project, actor=staff, status=status,
                                  changed_on=today - timedelta(days=days), note=note)
    for source, amount in demo.funding:
        services.do_add_funding(project=project, actor=staff, source=source, amount=amount)
    for title, planned, reached in demo.milestones:
        services.do_save_milestone(project=project, actor=staff, title=title,
                                   planned_on=today + timedelta(days=planned) if planned is not None else None,
                                   reached_on=today + timedelta(days=reached) if reached is not None else None)
    for kind, title in demo.links:
        linkable = linkable_by_kind(kind)
        if linkable is None:  # the app of that kind is not installed
            continue
        name = "name" if "name" in linkable.search_fields else "title"
        target = linkable.queryset(municipality).filter(**{name: title}).first()
        if target is not None:
            services.do_link(project=project, actor=staff, kind=kind, object_id=target.pk)
