"""Demo data of the volunteer projects for `seed_demo`: the Mit-Mach-Stadt project "Gemeinschaftsgarten
Südpark" of Musterstadt with five shifts in the coming weeks (one already full, signed up by phone through the
town hall), an ongoing task, and a shift last month in which the demo resident took part for three hours (so that
"My volunteering" and the PDF confirmation show something); and a second project run by the Bürgerstiftung.

Written through the services where they allow it (the past shift and its sign-up cannot be entered through them,
since nobody signs up for the past: they are written directly, with the counter). Idempotent: a project is keyed
on its title in its municipality, and its shifts are only written when the project is new.
"""

import secrets
from datetime import datetime, time, timedelta
from decimal import Decimal

from kommune.core.demo import DemoData
from kommune.core.models import Organisation
from kommune.volunteering import services
from kommune.volunteering.models import Accessibility, Project, Shift, SignUp
from kommune.volunteering.selectors import BERLIN, local_today

GARDEN = "Mit-Mach-Stadt: Gemeinschaftsgarten Südpark"
READING = "Lesepatenschaften in der Stadtbibliothek"
PLACE = {"place_name": "Gemeinschaftsgarten Südpark", "street": "Parkallee 40", "postcode": "59999",
         "district": "Südpark", "latitude": Decimal("51.949300"), "longitude": Decimal("7.622400")}


def _at(days: int, hour: int) -> datetime:
    return datetime.combine(local_today() + timedelta(days=days), time(hour), BERLIN)


def _garden_shifts(data: DemoData, project: Project) -> None:
    staff, city = data.staff, data.municipality.name
    plan = [
        ("Beete anlegen und Kompost verteilen", "Wir legen vier neue Hochbeete an und verteilen den Kompost. "
         "Handschuhe und Werkzeug sind da.", 6, 10, 13, 8, ["gardening", "none"], Accessibility.NOT_SUITABLE),
        ("Pflanzaktion mit der Grundschule", "Gemeinsam mit der 3b der Grundschule Südpark setzen wir Kräuter und "
         "Erdbeeren. Wir suchen Menschen, die gern mit Kindern arbeiten.", 9, 9, 12, 2, ["gardening", "teaching"],
         Accessibility.SUITABLE),
        ("Werkstatt: Sitzbänke aus Paletten bauen", "Wir bauen zwei Sitzbänke. Wer mit Akkuschrauber und Säge "
         "umgehen kann, ist herzlich willkommen.", 13, 14, 18, 5, ["crafts"], Accessibility.PARTLY),
        ("Gartenfest: Kuchen, Aufbau und Abbau", "Zum Gartenfest brauchen wir Hilfe beim Aufbau, am Kuchenbuffet "
         "und beim Abbau.", 20, 13, 19, 10, ["cooking", "organising", "none"], Accessibility.SUITABLE),
    ]
    shifts = []
    for title, text, day, begin, end, needed, skills, access in plan:
        shifts.append(services.do_add_shift(actor=staff, project=project, skills=skills, data={
            **PLACE, "city": city, "title": title, "description": text, "starts_at": _at(day, begin),
            "ends_at": _at(day, end), "capacity": needed, "accessibility": access,
            "accessibility_notes": "Ebenerdiger Zugang über den Parkweg, Toilette im Nachbarschaftshaus."}))
    services.do_add_shift(actor=staff, project=project, skills=["gardening", "none"], data={
        **PLACE, "city": city, "title": "Gießdienst im Sommer (laufend)", "capacity": 12,
        "description": "Zweimal pro Woche gießen, wann es Ihnen passt. Wir stimmen uns in einer Gruppe ab.",
        "accessibility": Accessibility.PARTLY, "accessibility_notes": "Gießkannen sind schwer; ein Schlauch ist da."})
    # The school shift is full: two people who phoned the town hall.
    full = shifts[1]
    for name, phone in (("Renate Hoffmann", "0251 44 55 01"), ("Mehmet Yılmaz", "0251 44 55 02")):
        services.do_sign_up(shift=full, assisted_by=staff, name=name, phone=phone)
    services.do_sign_up(shift=shifts[0], user=data.resident)
    _past_shift(data, project)


def _past_shift(data: DemoData, project: Project) -> None:
    """Last month's clean-up, in which the demo resident took part (entered directly: the services sign nobody up
    for the past)."""
    shift = Shift.objects.create(
        municipality=data.municipality, project=project, title="Frühjahrsputz im Garten", capacity=10,
        description="Laub rechen, Wege freischneiden, Geräteschuppen aufräumen.", starts_at=_at(-30, 10),
        ends_at=_at(-30, 13), city=data.municipality.name, skills=",gardening,none,",
        accessibility=Accessibility.PARTLY, signed_up_count=1, **PLACE)
    sign_up = SignUp.objects.create(municipality=data.municipality, shift=shift, user=data.resident,
                                    name=data.resident.display_name, email=data.resident.email,
                                    secret=secrets.token_hex(16), created_at=_at(-40, 12))
    services.do_confirm_attendance(actor=data.staff, sign_up=sign_up, attended=True, hours=Decimal("3"))


def _reading_project(data: DemoData) -> None:
    foundation = Organisation.objects.filter(slug="buergerstiftung-musterstadt",
                                             municipality=data.municipality).first()
    project = services.do_create_project(actor=data.staff, municipality=data.municipality,
                                         organisation=foundation, data={
        "title": READING, "summary": "Kindern einmal pro Woche vorlesen – in der Stadtbibliothek am Markt.",
        "description": "Die Bürgerstiftung sucht Lesepatinnen und Lesepaten für Kinder von 5 bis 9 Jahren. "
                       "Eine Stunde pro Woche, nach einer kurzen Einführung.",
        "contact_email": "lesepaten@example.org", "contact_phone": "0251 55 66 77"})
    services.do_add_shift(actor=data.staff, project=project, skills=["teaching", "languages"], data={
        "title": "Einführungsabend für neue Lesepatinnen und Lesepaten", "starts_at": _at(11, 18),
        "ends_at": _at(11, 20), "capacity": 15, "place_name": "Stadtbibliothek Musterstadt", "street": "Am Markt 4",
        "postcode": "59999", "city": data.municipality.name, "district": "Altstadt",
        "latitude": Decimal("51.962900"), "longitude": Decimal("7.626100"), "accessibility": Accessibility.SUITABLE,
        "accessibility_notes": "Aufzug, Induktionsschleife, barrierefreie Toilette."})


def seed_volunteering(data: DemoData) -> None:
    municipality = data.municipality
    if not Project.objects.filter(municipality=municipality, title=GARDEN).exists():
        project = services.do_create_project(actor=data.staff, municipality=municipality, data={
            "title": GARDEN,
            "summary": "Aus der Brachfläche am Südpark wird ein Garten für alle. Packen Sie mit an – "
                       "eine Schicht reicht.",
            "description": "Die Stadt stellt die Fläche, das Grünflächenamt Erde und Werkzeug, die Nachbarschaft "
                           "die Hände. Kommen Sie zu einer Schicht, ganz ohne Vorkenntnisse. Für Kinder gibt es "
                           "eigene Beete.",
            "contact_email": "mitmachen@example.org", "contact_phone": "0251 492-1000"})
        _garden_shifts(data, project)
    if not Project.objects.filter(municipality=municipality, title=READING).exists():
        _reading_project(data)
