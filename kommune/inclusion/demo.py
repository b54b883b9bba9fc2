"""Demo data of the digital-help network for `seed_demo`: about a dozen places across the municipalities of the
demo lab (Musterstadt and the members of the Landkreis Beispielkreis), each with a month of upcoming courses and
events, and one course that is full and has a waiting list.

Written through the services (places by the municipality's editor, so they are approved at once; events by the
same editor). Idempotent: a place is keyed on its name in its municipality, and its events are only written when
the place is new.
"""

from dataclasses import dataclass
from datetime import datetime, time, timedelta

from kommune.core.demo import DemoData, neighbour_places
from kommune.core.models import Municipality, Organisation
from kommune.core.types import User
from kommune.inclusion import services
from kommune.inclusion.models import Category, Partner
from kommune.inclusion.selectors import BERLIN


@dataclass(frozen=True)
class Place:
    name: str
    kind: str
    street: str
    district: str
    point: tuple[str, str]
    offers: tuple[str, ...]
    step_free: bool = True
    hearing_loop: bool = False
    accessible_toilet: bool = False
    phone: str = ""
    hours: str = ""
    organisation: str = ""


MUSTERSTADT = [
    Place("Stadtbibliothek Musterstadt", Partner.Kind.LIBRARY, "Am Markt 4", "Altstadt", ("51.962900", "7.626100"),
          ("smartphone", "services", "consultation"), hearing_loop=True, accessible_toilet=True,
          phone="0251 492-4242", hours="Di–Fr 10–18 Uhr\nSa 10–14 Uhr"),
    Place("Seniorentreff Nordviertel", Partner.Kind.SENIOR_CENTRE, "Lindenweg 12", "Nordviertel",
          ("51.975100", "7.620400"), ("smartphone", "video_calls"), accessible_toilet=True, phone="0251 31 77 20",
          hours="Mo–Do 9–16 Uhr"),
    Place("Digitalcafé der Bürgerstiftung", Partner.Kind.ASSOCIATION, "Kirchplatz 3", "Altstadt",
          ("51.961200", "7.628300"), ("online_banking", "online_shopping", "security"), hearing_loop=True,
          phone="0251 55 66 77", hours="Mi 14–17 Uhr", organisation="buergerstiftung-musterstadt"),
    Place("Nachbarschaftshaus Südpark", Partner.Kind.MEETING_PLACE, "Parkallee 40", "Südpark",
          ("51.949800", "7.621700"), ("smartphone", "computer", "consultation"), phone="0251 20 30 40",
          hours="Mo–Fr 10–19 Uhr"),
    Place("Volkshochschule Musterstadt", Partner.Kind.OTHER, "Schulstraße 8", "Nordviertel",
          ("51.971900", "7.618200"), ("computer", "security", "services"), accessible_toilet=True,
          phone="0251 49 24 300", hours="Mo–Fr 8–20 Uhr"),
    Place("Stadtteiltreff Hafen", Partner.Kind.MEETING_PLACE, "Am Kanal 2", "Hafen", ("51.953400", "7.640100"),
          ("smartphone", "online_shopping"), step_free=False, phone="0251 80 90 10", hours="Di und Do 15–18 Uhr"),
]
NEIGHBOURS = [
    Place("Gemeindebücherei {town}", Partner.Kind.LIBRARY, "Dorfstraße 1", "Ortsmitte", ("0", "0"),
          ("smartphone", "services"), accessible_toilet=True, phone="05999 12 34", hours="Di 15–18 Uhr\nSa 10–12 Uhr"),
    Place("Seniorenbegegnungsstätte {town}", Partner.Kind.SENIOR_CENTRE, "Kirchweg 5", "Ortsmitte", ("0", "0"),
          ("video_calls", "online_banking", "security"), hearing_loop=True, phone="05999 56 78",
          hours="Mo–Mi 10–16 Uhr"),
]

# (title, description, topic, level, cost, weekday offset, start hour, sessions, capacity)
OFFERS = {
    "smartphone": ("Smartphone-Grundkurs für Einsteiger",
                   "In vier Terminen lernen Sie Ihr Smartphone kennen: anrufen, Fotos machen, Nachrichten schreiben. "
                   "Bringen Sie Ihr eigenes Gerät mit. Geräte zum Ausleihen sind da."),
    "online_banking": ("Online-Banking sicher nutzen",
                       "Wie überweise ich Geld im Internet? Worauf muss ich achten? Wir zeigen es Schritt für "
                       "Schritt, mit einer Übungs-Bank."),
    "online_shopping": ("Sicher einkaufen im Internet",
                        "Bestellen, bezahlen, zurückschicken: So kaufen Sie im Internet ein, ohne auf Betrüger "
                        "hereinzufallen."),
    "security": ("Betrug am Telefon und im Internet erkennen",
                 "Falsche Enkel, falsche Polizisten, falsche Paket-Nachrichten: Die Polizei erklärt, wie Sie "
                 "Betrug erkennen und was Sie tun können."),
    "video_calls": ("Videotelefonie mit der Familie",
                    "Mit den Enkeln sprechen und sie dabei sehen: Wir richten gemeinsam eine Video-App ein und "
                    "üben das Telefonieren."),
    "computer": ("Computer-Grundlagen: Maus, Tastatur, Internet",
                 "Für alle, die noch nie am Computer gesessen haben. In Ruhe und ohne Fachwörter."),
    "services": ("Online-Dienste der Verwaltung nutzen",
                 "Personalausweis mit Online-Funktion, Termine im Bürgerbüro, Anträge im Internet: Wir zeigen, "
                 "wie es geht."),
    "consultation": ("Offene Digital-Sprechstunde",
                     "Sie haben eine Frage zu Ihrem Handy, Tablet oder Computer? Kommen Sie vorbei, ohne "
                     "Anmeldung. Ehrenamtliche helfen Ihnen."),
}


def _today():
    return datetime.now(BERLIN).date()


def _place(municipality: Municipality, editor: User, place: Place, *, town: str = "",
           point: tuple[str, str] | None = None) -> tuple[Partner, bool]:
    name = place.name.format(town=town)
    found = Partner.objects.filter(municipality=municipality, name=name).first()
    if found is not None:
        return found, False
    organisation = Organisation.objects.filter(slug=place.organisation).first() if place.organisation else None
    latitude, longitude = point or place.point
    partner = services.do_propose_partner(actor=editor, municipality=municipality, offers=list(place.offers), data={
        "name": name, "kind": place.kind, "street": place.street, "postcode": "59999",
        "city": town or municipality.name, "district": place.district, "latitude": latitude, "longitude": longitude,
        "opening_hours": place.hours, "step_free": place.step_free, "hearing_loop": place.hearing_loop,
        "accessible_toilet": place.accessible_toilet, "phone": place.phone, "organisation": organisation,
        "description": "Wir helfen bei Fragen rund um Smartphone, Tablet und Internet – geduldig und kostenlos.",
        "contact_name": "Team Digitalhilfe"})
    return partner, True


def _events(municipality: Municipality, editor: User, partner: Partner, number: int) -> list:
    """A weekly course of four sessions and two single events in the next four weeks."""
    created = []
    topics = [offer for offer in partner.offers if offer != "consultation"] or ["smartphone"]
    course_topic = topics[number % len(topics)]
    title, text = OFFERS[course_topic]
    first = _today() + timedelta(days=2 + number % 5)
    created.append(services.do_publish_event(
        actor=editor, municipality=municipality, first_day=first, starts=time(10 + number % 4),
        ends=time(12 + number % 4), sessions=4,
        data={"title": title, "description": text, "category": course_topic, "partner": partner,
              "level": "beginner", "capacity": 8, "waiting_list": True,
              "cost": "" if number % 3 else "10 € für alle vier Termine"}))
    for offset, topic in ((5 + number % 7, partner.offers[-1]), (12 + number % 9, "consultation")):
        title, text = OFFERS[topic]
        takes_registration = topic != "consultation"
        created.append(services.do_publish_event(
            actor=editor, municipality=municipality, first_day=_today() + timedelta(days=offset),
            starts=time(14), ends=time(16), sessions=1,
            data={"title": title, "description": text, "category": topic, "partner": partner, "level": "all",
                  "capacity": 12 if takes_registration else None, "waiting_list": True}))
    return created


WAITING_LIST = [("Erna Schulte", "0251 11 22 01", ""), ("Heinz Pohlmann", "0251 11 22 02", ""),
                ("Gisela Brandt", "", "gisela.brandt@example.org"), ("Werner Kaya", "0251 11 22 04", ""),
                ("Ursula Lange", "", "ursula.lange@example.org"), ("Friedrich Osei", "0251 11 22 06", ""),
                ("Ilse Nowak", "0251 11 22 07", ""), ("Hans-Jürgen Becker", "", "hj.becker@example.org")]


def seed_inclusion(data: DemoData) -> None:
    municipality, staff = data.municipality, data.staff
    for number, place in enumerate(MUSTERSTADT):
        partner, new = _place(municipality, staff, place)
        if not new:
            continue
        created = _events(municipality, staff, partner, number)
        if number == 1:  # the senior centre's smartphone course is full and has a waiting list
            course = created[0]
            course.capacity = 6
            course.save(update_fields=["capacity"])
            for name, phone, email in WAITING_LIST:
                services.do_register(target=course, name=name, phone=phone, email=email,
                                     assisted_by=staff if not email else None)
    for index, place_data in enumerate(neighbour_places()):
        base = (52.05 + index * 0.04, 7.55 + index * 0.05)
        for number, place in enumerate(NEIGHBOURS):
            point = (f"{base[0] + number * 0.004:.6f}", f"{base[1] + number * 0.004:.6f}")
            partner, new = _place(place_data.municipality, place_data.staff, place,
                                  town=place_data.municipality.name, point=point)
            if new:
                _events(place_data.municipality, place_data.staff, partner, index * 2 + number)


__all__ = ["Category", "seed_inclusion"]
