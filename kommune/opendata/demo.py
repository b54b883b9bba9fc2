"""Demo datasets of Musterstadt for `seed_demo`: small generated files, written through the services.

Idempotent: a dataset whose address exists already is left as it is. All numbers and places are fictional.
"""

import json
from dataclasses import dataclass, field, replace
from datetime import date

from django.core.files.base import ContentFile

from kommune.core.demo import neighbour_places
from kommune.core.models import Municipality
from kommune.opendata import services
from kommune.opendata.models import Dataset, Frequency, License


@dataclass(frozen=True)
class DemoResource:
    title: str
    format: str
    content: bytes = b""
    filename: str = ""
    url: str = ""
    description: str = ""


@dataclass(frozen=True)
class DemoDataset:
    slug: str
    title: str
    description: str
    contact_name: str
    keywords: list[str]
    themes: list[str]
    frequency: str
    resources: list[DemoResource] = field(default_factory=list)
    temporal: tuple[date, date] | None = None
    license: str = License.DL_BY_DE_2_0


BUDGET = [
    ("01", "Innere Verwaltung", 18_420_000, 61_275_500),
    ("02", "Sicherheit und Ordnung", 9_812_300, 24_908_750),
    ("03", "Schulträgeraufgaben", 4_105_000, 38_612_400),
    ("04", "Kultur und Wissenschaft", 2_318_900, 14_207_300),
    ("05", "Soziale Leistungen", 71_940_200, 142_366_800),
    ("06", "Kinder-, Jugend- und Familienhilfe", 38_221_600, 97_451_200),
    ("08", "Sportförderung", 612_000, 6_930_100),
    ("09", "Räumliche Planung und Entwicklung", 1_204_500, 7_118_400),
    ("10", "Bauen und Wohnen", 6_880_300, 11_406_900),
    ("12", "Verkehrsflächen und -anlagen, ÖPNV", 8_745_700, 31_260_500),
    ("13", "Natur- und Landschaftspflege", 512_800, 5_984_600),
    ("16", "Allgemeine Finanzwirtschaft", 412_560_000, 28_117_000),
]

DISTRICTS = [
    ("Altstadt", 12_034, 6_211, 5_823, 3.5),
    ("Nordviertel", 28_450, 14_402, 14_048, 9.25),
    ("Südstadt", 41_210, 21_015, 20_195, 12.1),
    ("Hafen", 9_870, 4_760, 5_110, 6.8),
    ("Westfeld", 35_602, 18_220, 17_382, 15.4),
    ("Ostheide", 22_918, 11_690, 11_228, 21.7),
    ("Kirchdorf", 7_431, 3_802, 3_629, 18.9),
]

FOUNTAINS = [
    ("Marktplatz", "Rathausplatz 1", 51.51362, 7.46510, "ganzjährig"),
    ("Stadtpark, Eingang Nord", "Parkallee 2", 51.50714, 7.48020, "April bis Oktober"),
    ("Hauptbahnhof", "Bahnhofsplatz", 51.51780, 7.45930, "April bis Oktober"),
    ("Hafenpromenade", "Kaistraße 14", 51.52640, 7.44110, "April bis Oktober"),
    ("Schulzentrum Südstadt", "Lindenweg 30", 51.49810, 7.47240, "ganzjährig"),
    ("Spielplatz Westfeld", "Ahornring 5", 51.50950, 7.42880, "Mai bis September"),
    ("Friedhof Ostheide", "Am Friedhof 1", 51.51120, 7.50630, "April bis Oktober"),
]


def _german_number(value: float, decimals: int = 2) -> str:
    text = f"{value:,.{decimals}f}"
    return text.replace(",", " ").replace(".", ",").replace(" ", ".")


def budget_csv() -> bytes:
    lines = ["Produktbereich;Bezeichnung;Erträge 2026 (EUR);Aufwendungen 2026 (EUR);Saldo (EUR)"]
    for number, name, income, expense in BUDGET:
        lines.append(f"{number};{name};{_german_number(income)};{_german_number(expense)};"
                     f"{_german_number(income - expense)}")
    return ("\n".join(lines) + "\n").encode()


def districts_csv() -> bytes:
    lines = ["Stadtteil;Einwohner;davon weiblich;davon männlich;Fläche (km²);Stichtag"]
    for name, total, female, male, area in DISTRICTS:
        lines.append(f"{name};{total};{female};{male};{_german_number(area, 2)};31.12.2025")
    return ("\n".join(lines) + "\n").encode()


def fountains_geojson() -> bytes:
    features = [{"type": "Feature", "geometry": {"type": "Point", "coordinates": [lon, lat]},
                 "properties": {"name": f"Trinkbrunnen {name}", "adresse": address, "betrieb": season}}
                for name, address, lat, lon, season in FOUNTAINS]
    return json.dumps({"type": "FeatureCollection", "features": features}, ensure_ascii=False, indent=1).encode()


def demo_datasets() -> list[DemoDataset]:
    return [
        DemoDataset(
            slug="haushaltsplan-2026", title="Haushaltsplan 2026 – Ergebnisplan nach Produktbereichen",
            description="Die geplanten Erträge und Aufwendungen der Stadt Musterstadt im Haushaltsjahr 2026, "
                        "zusammengefasst nach Produktbereichen. Beträge in Euro, vom Rat am 12.12.2025 "
                        "beschlossen.",
            contact_name="Stadtkämmerei Musterstadt", keywords=["Haushalt", "Finanzen", "Haushaltsplan"],
            themes=["ECON", "GOVE"], frequency=Frequency.ANNUAL, temporal=(date(2026, 1, 1), date(2026, 12, 31)),
            resources=[DemoResource("Ergebnisplan 2026", "CSV", budget_csv(), "ergebnisplan-2026.csv",
                                    description="Eine Zeile je Produktbereich; Trennzeichen Semikolon.")]),
        DemoDataset(
            slug="trinkbrunnen", title="Standorte der öffentlichen Trinkbrunnen",
            description="Wo in Musterstadt öffentliche Trinkbrunnen stehen und in welchen Monaten sie Wasser "
                        "geben. Die Brunnen gehören zum Hitzeaktionsplan der Stadt.",
            contact_name="Umweltamt, Abteilung Klimaanpassung", keywords=["Wasser", "Trinkbrunnen", "Klimaanpassung"],
            themes=["ENVI", "HEAL"], frequency=Frequency.IRREG,
            resources=[DemoResource("Trinkbrunnen", "GEOJSON", fountains_geojson(), "trinkbrunnen.geojson",
                                    description="Punkte in WGS 84 mit Name, Adresse und Betriebszeit.")]),
        DemoDataset(
            slug="ratsbeschluesse-2025", title="Beschlüsse des Rates 2025",
            description="Die Beschlüsse aus den öffentlichen Sitzungen des Rates der Stadt Musterstadt im Jahr "
                        "2025, wie sie im Ratsinformationssystem veröffentlicht sind.",
            contact_name="Büro des Rates", keywords=["Rat", "Beschlüsse", "Politik"], themes=["GOVE"],
            frequency=Frequency.MONTHLY, temporal=(date(2025, 1, 1), date(2025, 12, 31)),
            resources=[DemoResource("Beschlussübersicht 2025", "PDF",
                                    url="https://www.musterstadt.example/rat/beschluesse-2025.pdf")]),
        DemoDataset(
            slug="einwohner-nach-stadtteil", title="Einwohnerzahlen nach Stadtteil",
            description="Die Zahl der Einwohnerinnen und Einwohner mit Hauptwohnsitz in den Stadtteilen von "
                        "Musterstadt zum Stichtag 31.12.2025, nach Geschlecht, mit der Fläche der Stadtteile.",
            contact_name="Amt für Statistik und Wahlen", keywords=["Bevölkerung", "Statistik", "Stadtteile"],
            themes=["SOCI", "REGI"], frequency=Frequency.ANNUAL, temporal=(date(2025, 12, 31), date(2025, 12, 31)),
            license=License.DL_ZERO_DE_2_0,
            resources=[DemoResource("Einwohner 2025", "CSV", districts_csv(), "einwohner-2025.csv")]),
    ]


# One dataset for each of the other demo municipalities: (dataset, file name, header, rows of a small CSV).
NEIGHBOUR_DATASETS: dict[str, tuple[DemoDataset, str, str, list[tuple[str, ...]]]] = {
    "landkreis-beispielkreis": (DemoDataset(
        slug="haltestellen-kreisbus", title="Haltestellen des Kreisbusverkehrs",
        description="Die Haltestellen der Kreisbuslinien und des Rufbusses im Landkreis Beispielkreis mit "
                    "Gemeinde und Linien.",
        contact_name="Fachstelle Nahverkehr", keywords=["Nahverkehr", "Bus", "Haltestellen"], themes=["TRAN"],
        frequency=Frequency.ANNUAL), "haltestellen.csv", "Haltestelle;Gemeinde;Linien;Rufbus",
        [("Birkenhagen Markt", "Birkenhagen", "510, 512, 530", "ja"),
         ("Birkenhagen Bahnhof", "Birkenhagen", "510, 530", "ja"),
         ("Ahornfeld Dorfstraße", "Ahornfeld", "512", "ja"),
         ("Erlenbrück Am Anger", "Erlenbrück", "530", "ja"),
         ("Erlenbrück Schule", "Erlenbrück", "530", "nein")]),
    "birkenhagen": (DemoDataset(
        slug="spielplaetze", title="Spielplätze in Birkenhagen",
        description="Die öffentlichen Spielplätze der Stadt Birkenhagen mit Altersgruppe und Jahr der letzten "
                    "Erneuerung.",
        contact_name="Fachbereich Grün und Umwelt", keywords=["Spielplätze", "Kinder", "Freizeit"],
        themes=["SOCI", "EDUC"], frequency=Frequency.ANNUAL), "spielplaetze.csv",
        "Spielplatz;Adresse;Altersgruppe;Erneuert",
        [("Am Mühlenteich", "Mühlenweg 2", "0 bis 6 Jahre", "2009"),
         ("Wiesengrund", "Wiesengrund 14", "3 bis 12 Jahre", "2014"),
         ("Schulstraße", "Schulstraße 8", "6 bis 14 Jahre", "2011"),
         ("Am Stadtwald", "Waldweg 1", "alle", "2019")]),
    "ahornfeld": (DemoDataset(
        slug="vereine", title="Vereine in Ahornfeld",
        description="Die eingetragenen Vereine der Gemeinde Ahornfeld mit Treffpunkt und Ansprechstelle.",
        contact_name="Gemeindebüro Ahornfeld", keywords=["Vereine", "Ehrenamt"], themes=["SOCI"],
        frequency=Frequency.IRREG), "vereine.csv", "Verein;Treffpunkt;Kontakt",
        [("Freiwillige Feuerwehr Ahornfeld", "Feuerwehrhaus, Dorfstraße 20", "Gemeindebüro"),
         ("SV Ahornfeld 1921 e. V.", "Sportplatz am Kirchweg", "Vereinsheim"),
         ("Heimatverein Ahornfeld e. V.", "Gemeindehaus", "Gemeindebüro")]),
    "erlenbrueck": (DemoDataset(
        slug="gemeindehaushalt-2026", title="Gemeindehaushalt 2026 in Zahlen",
        description="Die wichtigsten Summen des Haushalts 2026 der Gemeinde Erlenbrück in Euro, wie sie der "
                    "Gemeinderat beschlossen hat.",
        contact_name="Kämmerei der Samtgemeinde", keywords=["Haushalt", "Finanzen"], themes=["ECON", "GOVE"],
        frequency=Frequency.ANNUAL, temporal=(date(2026, 1, 1), date(2026, 12, 31))),
        "haushalt-2026.csv", "Posten;Betrag (EUR)",
        [("Erträge", "6.412.300,00"), ("Aufwendungen", "6.387.900,00"), ("Investitionen", "1.204.000,00"),
         ("davon Schulhaus Am Anger", "310.000,00")]),
}


def seed_neighbour_datasets() -> None:
    for place in neighbour_places():
        demo, filename, header, rows = NEIGHBOUR_DATASETS[place.municipality.slug]
        content = ("\n".join([header, *(";".join(row) for row in rows)]) + "\n").encode()
        resource = DemoResource(demo.title, "CSV", content, filename,
                                description="Eine Zeile je Eintrag; Trennzeichen Semikolon.")
        _seed_dataset(place.municipality, place.staff, replace(demo, resources=[resource]))


def seed_datasets(*, municipality: Municipality, actor) -> None:
    """Create the demo datasets that do not exist yet, with their files, and publish them."""
    seed_neighbour_datasets()
    for demo in demo_datasets():
        _seed_dataset(municipality, actor, demo)


def _seed_dataset(municipality: Municipality, actor, demo: DemoDataset) -> None:
    if Dataset.objects.filter(municipality=municipality, slug=demo.slug).exists():
        return
    start, end = demo.temporal or (None, None)
    dataset = services.do_create_dataset(
        municipality=municipality, actor=actor, slug=demo.slug, title=demo.title, description=demo.description,
        contact_name=demo.contact_name, contact_email=municipality.contact_email or "info@example.org",
        keywords=demo.keywords, themes=demo.themes, license=demo.license, temporal_start=start,
        temporal_end=end, accrual_periodicity=demo.frequency)
    for resource in demo.resources:
        file = ContentFile(resource.content, name=resource.filename) if resource.content else None
        services.do_add_resource(dataset=dataset, actor=actor, title=resource.title, format=resource.format,
                                 file=file, url=resource.url, description=resource.description)
    services.do_publish_dataset(dataset=dataset, actor=actor)
