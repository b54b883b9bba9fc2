"""Demo data for `make run`: a city, a Landkreis with three Gemeinden, a lab joining them, and one account per role.

Idempotent: every object is keyed on its slug or e-mail address, and writes happen only where something differs,
so a second run changes nothing (also no new audit-log entries). All places and people are fictional.
"""

from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django.utils import timezone

from kommune.accounts.models import Residency, User
from kommune.accounts.services import do_verify_at_counter
from kommune.core.demo import DemoData, seeders
from kommune.core.models import Lab, Membership, Municipality, Organisation, Page, PageKind, Role
from kommune.core.services import do_grant_role, do_update_page

Kind = Municipality.Kind


@dataclass(frozen=True)
class Place:
    slug: str
    name: str
    official_key: str
    kind: str
    federal_state: str
    population: int
    authority: str  # with its article, as in "die Stadt Musterstadt"
    head: str
    street: str
    postcode: str
    town: str
    phone: str
    parent: str | None = None

    @property
    def email(self) -> str:
        return f"info@{self.slug}.example"

    @property
    def website(self) -> str:
        return f"https://www.{self.slug}.example"

    @property
    def title(self) -> str:
        """The authority without its article: "Stadt Musterstadt"."""
        return self.authority.split(" ", 1)[1]

    @property
    def subject(self) -> str:
        """The authority at the start of a sentence: "Die Stadt Musterstadt"."""
        return self.authority[0].upper() + self.authority[1:]


@dataclass(frozen=True)
class StateBodies:
    accessibility_law: str
    enforcement: str
    privacy_authority: str


STATE_BODIES = {
    "03": StateBodies(
        accessibility_law="Niedersächsischen Behindertengleichstellungsgesetz (NBGG)",
        enforcement="Schlichtungsstelle bei der Landesbeauftragten für Menschen mit Behinderungen in Niedersachsen",
        privacy_authority="die Landesbeauftragte für den Datenschutz Niedersachsen",
    ),
    "05": StateBodies(
        accessibility_law="Behindertengleichstellungsgesetz Nordrhein-Westfalen (BGG NRW) und der "
                          "Barrierefreie-Informationstechnik-Verordnung NRW (BITV NRW)",
        enforcement="Ombudsstelle für barrierefreie Informationstechnik des Landes Nordrhein-Westfalen",
        privacy_authority="die Landesbeauftragte für Datenschutz und Informationsfreiheit Nordrhein-Westfalen",
    ),
}

# Parents come before their members: they are saved in this order.
PLACES = [
    Place(slug="musterstadt", name="Musterstadt", official_key="05999000", kind=Kind.KREISFREIE_STADT,
          federal_state="05", population=248_300, authority="die Stadt Musterstadt",
          head="Oberbürgermeisterin Dr. Hanna Vogt", street="Rathausplatz 1", postcode="59990", town="Musterstadt",
          phone="0599 123-0"),
    Place(slug="landkreis-beispielkreis", name="Landkreis Beispielkreis", official_key="03999000", kind=Kind.LANDKREIS,
          federal_state="03", population=142_700, authority="der Landkreis Beispielkreis", head="Landrat Thomas Brandt",
          street="Kreishausweg 4", postcode="39990", town="Birkenhagen", phone="03999 77-0"),
    Place(slug="ahornfeld", name="Ahornfeld", official_key="03999001", kind=Kind.GEMEINDE, federal_state="03",
          population=6_800, authority="die Gemeinde Ahornfeld", head="Bürgermeister Lukas Meyer",
          street="Dorfstraße 12", postcode="39991", town="Ahornfeld", phone="03999 41-0",
          parent="landkreis-beispielkreis"),
    Place(slug="birkenhagen", name="Birkenhagen", official_key="03999002", kind=Kind.STADT, federal_state="03",
          population=21_400, authority="die Stadt Birkenhagen", head="Bürgermeisterin Sabine Krüger",
          street="Markt 3", postcode="39990", town="Birkenhagen", phone="03999 52-0", parent="landkreis-beispielkreis"),
    Place(slug="erlenbrueck", name="Erlenbrück", official_key="03999003", kind=Kind.GEMEINDE, federal_state="03",
          population=4_100, authority="die Gemeinde Erlenbrück", head="Bürgermeister Ole Petersen",
          street="Am Anger 7", postcode="39993", town="Erlenbrück", phone="03999 63-0",
          parent="landkreis-beispielkreis"),
]

LAB = {
    "slug": "og-lab-beispielregion",
    "name": "Open Government Lab Beispielregion",
    "description": "Im Lab erproben der Landkreis Beispielkreis, seine Gemeinden und die Stadt Musterstadt mit "
                   "Vereinen aus der Region neue Wege der Beteiligung und lernen voneinander.",
    "contact_email": "lab@beispielregion.example",
    "website": "https://lab.beispielregion.example",
}

ORGANISATIONS = [
    {"slug": "digitalambulanz-beispielkreis", "name": "Digitalambulanz Beispielkreis e. V.",
     "municipality": "landkreis-beispielkreis",
     "description": "Smartphone- und Online-Banking-Kurse für Seniorinnen und Senioren in allen Gemeinden des Kreises.",
     "website": "https://digitalambulanz.beispielkreis.example"},
    {"slug": "buergerstiftung-musterstadt", "name": "Bürgerstiftung Musterstadt", "municipality": "musterstadt",
     "description": "Fördert Nachbarschaftsprojekte und begleitet Ehrenamtliche in Musterstadt.",
     "website": "https://www.buergerstiftung-musterstadt.example"},
]


@dataclass(frozen=True)
class DemoAccount:
    email: str
    password: str
    display_name: str
    real_name: str
    role: str  # a Role value, or "superuser"
    where: str  # slug of the municipality or lab, "" for the superuser
    organisation: str = ""

    @property
    def role_label(self) -> str:
        # Plain role values, not their translated labels: the table must read the same in every language.
        if self.role == "superuser":
            return "Django superuser (/admin/)"
        if self.role == Role.PARTNER:
            names = {org["slug"]: org["name"] for org in ORGANISATIONS}
            return f"partner of {names[self.organisation]}"
        if self.role == Role.RESIDENT:
            return "resident, verified at the counter"
        return str(Role(self.role).value)


# Published on purpose (README, docs/demo-accounts.md): never run this command on a real installation.
ACCOUNTS = [
    DemoAccount("admin@example.org", "Rathaus-Admin-2025", "Petra Schulte (Verwaltung)", "Petra Schulte",
                Role.ADMIN, "musterstadt"),
    DemoAccount("staff@example.org", "Buergerbuero-2025", "Jonas Becker (Bürgerbüro)", "Jonas Becker",
                Role.STAFF, "musterstadt"),
    DemoAccount("moderator@example.org", "Moderation-2025", "Aylin Demir (Moderation)", "Aylin Demir",
                Role.MODERATOR, "musterstadt"),
    DemoAccount("partner@example.org", "Stiftung-Partner-2025", "Karl Wendt (Bürgerstiftung)", "Karl Wendt",
                Role.PARTNER, "musterstadt", organisation="buergerstiftung-musterstadt"),
    DemoAccount("resident@example.org", "Einwohnerin-2025", "Erika M.", "Erika Mustermann",
                Role.RESIDENT, "musterstadt"),
    DemoAccount("lab-admin@example.org", "Labor-Admin-2025", "Sven Hansen (Lab)", "Sven Hansen",
                Role.ADMIN, LAB["slug"]),
    DemoAccount("superuser@example.org", "Betrieb-Demo-2025", "Betrieb", "", "superuser", ""),
]


def accounts_table() -> str:
    """The demo accounts as a Markdown table: printed by the command and kept in docs/demo-accounts.md."""
    where = {p.slug: p.name for p in PLACES} | {LAB["slug"]: LAB["name"], "": "all (Django admin)"}
    rows = [("E-mail", "Password", "Role", "Municipality or lab")]
    rows += [(a.email, a.password, a.role_label, where[a.where]) for a in ACCOUNTS]
    widths = [max(len(row[i]) for row in rows) for i in range(4)]
    lines = ["| " + " | ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)) + " |" for row in rows]
    lines.insert(1, "| " + " | ".join("-" * w for w in widths) + " |")
    return "\n".join(lines)


# --- Page texts (Markdown) ----------------------------------------------------------------------------------

DEMO_NOTE = ("*Dies ist eine erfundene Kommune. Sie dient nur der Vorführung der Plattform Offene Kommune; "
             "alle Namen, Anschriften und Nummern sind fiktiv.*")


def imprint(place: Place) -> str:
    return f"""**{place.title}**\\
{place.street}\\
{place.postcode} {place.town}

Telefon: {place.phone}\\
E-Mail: [{place.email}](mailto:{place.email})

{place.subject} ist eine Körperschaft des öffentlichen Rechts. Vertreten wird sie durch {place.head}.

## Verantwortlich für den Inhalt

{place.head}, Anschrift wie oben (§ 18 Abs. 2 Medienstaatsvertrag).

## Hinweis

{DEMO_NOTE}
"""


def privacy(place: Place) -> str:
    bodies = STATE_BODIES[place.federal_state]
    return f"""Hier erfahren Sie, welche Daten diese Beteiligungsplattform verarbeitet und welche Rechte Sie haben.

## Verantwortliche Stelle

{place.title}, {place.street}, {place.postcode} {place.town},
E-Mail: [{place.email}](mailto:{place.email})

Unsere Datenschutzbeauftragte Person erreichen Sie unter
[datenschutz@{place.slug}.example](mailto:datenschutz@{place.slug}.example).

## Welche Daten wir verarbeiten

- **Konto:** E-Mail-Adresse, öffentlicher Name (ein Pseudonym ist erlaubt), auf Wunsch Ihr echter Name und Ihre
  Sprache. Rechtsgrundlage ist Art. 6 Abs. 1 Buchst. e DSGVO.
- **Beiträge:** Vorschläge, Kommentare und Unterstützungen erscheinen unter Ihrem öffentlichen Namen.
- **Wohnsitz:** Bestätigt die Verwaltung Ihren Wohnsitz, speichern wir nur Datum und Verfahren, keine Meldedaten.
- **Technik:** ein Sitzungs-Cookie für die Anmeldung und eines für die Sprache. Wir setzen keine Analyse- oder
  Werbe-Cookies ein.

## Ihre Rechte

Sie haben das Recht auf Auskunft, Berichtigung, Löschung, Einschränkung der Verarbeitung und Widerspruch
(Art. 15 bis 21 DSGVO). Unter „Mein Konto“ können Sie Ihre Daten jederzeit herunterladen und Ihr Konto löschen.

Sie können sich außerdem bei der Aufsichtsbehörde beschweren; zuständig ist {bodies.privacy_authority}.

{DEMO_NOTE}
"""


def accessibility(place: Place) -> str:
    # Only what the platform really does and really lacks: no audit that never happened, no feature it lacks.
    bodies = STATE_BODIES[place.federal_state]
    return f"""{place.subject} möchte, dass alle Menschen diese Beteiligungsplattform nutzen können, und richtet
sich dabei nach dem {bodies.accessibility_law}.

## Stand der Vereinbarkeit mit den Anforderungen

Die Plattform ist **teilweise** mit den Anforderungen der BITV 2.0 und der EN 301 549 vereinbar. Eine Prüfung durch
eine unabhängige Prüfstelle hat noch nicht stattgefunden.

Was die Plattform tut:

- Alle Seiten lassen sich mit der Tastatur bedienen und funktionieren ohne JavaScript.
- Die Seiten werden bei jeder Änderung der Software automatisch mit dem Prüfwerkzeug axe-core geprüft.
- Texte lassen sich auf 200 % vergrößern, und die Seiten passen sich schmalen Bildschirmen an.
- Es gibt eine Seite in Leichter Sprache. Die Bedienung (Menüs, Formulare, Hinweise) gibt es auf Deutsch und
  auf Englisch; die Inhalte schreiben Verwaltung und Einwohnerschaft auf Deutsch.

## Nicht barrierefreie Inhalte

- **Karten:** Die Karten (Bürgervorschläge, Vorschau von Geodaten) sind mit Bildschirmlesern nur eingeschränkt
  nutzbar. Alles, was eine Karte zeigt, steht auch als Liste auf der Seite. Einen Ort geben Sie ohne Karte als
  Breiten- und Längengrad in zwei Zahlenfelder ein.
- **Dateien im Datenkatalog:** Tabellen, PDF-Dateien und Geodaten, die die Verwaltung im offenen Datenkatalog
  veröffentlicht, sind nicht alle barrierefrei. Auf Wunsch senden wir Ihnen die Inhalte in einer zugänglichen
  Form.
- **Beiträge von Einwohnerinnen und Einwohnern:** Vorschläge, Bilder und Kommentare stammen von den Menschen,
  die sie schreiben. Bilder haben nicht immer eine Beschreibung.

Diese Erklärung wurde am 5. Dezember 2026 erstellt. Sie beruht auf einer Selbstbewertung.

## Barrieren melden

Ist Ihnen eine Barriere aufgefallen? Schreiben Sie uns mit dem Formular auf dieser Seite, per E-Mail an
[{place.email}](mailto:{place.email}) oder rufen Sie an: {place.phone}.

## Schlichtungsverfahren

Erhalten Sie innerhalb von sechs Wochen keine zufriedenstellende Antwort, können Sie sich an die
{bodies.enforcement} wenden. Das Verfahren ist kostenlos.

{DEMO_NOTE}
"""


def easy_language(place: Place) -> str:
    return f"""## Willkommen bei {place.name}

Das ist eine Internet-Seite zum Mit-Machen.

Hier können Sie bei Themen von {place.name} mit-reden.

## Was können Sie hier machen?

- Sie können lesen: Zu welchen Plänen fragt die Verwaltung die Menschen im Ort?
- Sie können zu diesen Plänen Kommentare schreiben.
- Sie können eigene Vorschläge machen.
- Sie können Vorschläge von anderen Menschen unterstützen.
- Die Verwaltung antwortet auf Vorschläge mit vielen Unterstützungen.
- Sie können Zahlen und Listen von {place.name} herunter-laden.
  Das heißt: Offene Daten.

Lesen können Sie alles ohne Konto.

## Wie machen Sie mit?

1. Sie brauchen ein Konto. Dafür brauchen Sie eine E-Mail-Adresse.
2. Sie bekommen dann eine E-Mail. In der E-Mail ist ein Link. Klicken Sie auf den Link.
3. Jetzt können Sie Kommentare und Vorschläge schreiben.

Manchmal müssen Sie zeigen: Ich wohne in {place.name}.
Zum Beispiel, wenn Sie einen Vorschlag unterstützen wollen.
Das geht so:

- Sie gehen mit Ihrem Ausweis ins Bürger-Büro.
- Oder Sie bekommen einen Brief mit einem Code. Den Code geben Sie auf der Internet-Seite ein.

## Sie brauchen Hilfe?

Rufen Sie uns an: {place.phone}

Oder schreiben Sie eine E-Mail an: [{place.email}](mailto:{place.email})

Nur diese Seite ist in Leichter Sprache.
Die anderen Seiten sind in Alltags-Sprache.
"""


def netiquette(place: Place) -> str:
    return f"""## So diskutieren wir in {place.name}

Hier sprechen Menschen mit unterschiedlichen Meinungen über ihre Stadt. Damit das gelingt, bitten wir Sie:

- **Bleiben Sie beim Thema** des Verfahrens oder Vorschlags.
- **Bleiben Sie respektvoll.** Kritisieren Sie Ideen, nicht Menschen. Beleidigungen, Drohungen und Hetze löschen wir.
- **Schützen Sie Daten.** Nennen Sie keine Namen, Adressen oder Telefonnummern anderer Menschen.
- **Keine Werbung** und keine Inhalte, die gegen Gesetze verstoßen.

Die Moderation blendet Beiträge aus, die gegen diese Regeln verstoßen, und nennt dabei immer den Grund.
Jede Entscheidung steht im öffentlichen Moderationsprotokoll. Wenn Sie einen Beitrag für unpassend halten,
melden Sie ihn über „Melden“ unter dem Beitrag.

{DEMO_NOTE}
"""


PAGE_TEXTS = {
    PageKind.IMPRINT: imprint,
    PageKind.PRIVACY: privacy,
    PageKind.ACCESSIBILITY: accessibility,
    PageKind.EASY_LANGUAGE: easy_language,
    PageKind.NETIQUETTE: netiquette,
}


# --- Writers ------------------------------------------------------------------------------------------------


def upsert_municipality(place: Place) -> Municipality:
    municipality = Municipality.objects.filter(slug=place.slug).first() or Municipality(slug=place.slug)
    values = {
        "name": place.name, "official_key": place.official_key, "kind": place.kind,
        "federal_state": place.federal_state, "population": place.population, "contact_email": place.email,
        "contact_phone": place.phone, "contact_address": f"{place.street}\n{place.postcode} {place.town}",
        "website": place.website,
        "parent": Municipality.objects.get(slug=place.parent) if place.parent else None,
    }
    if municipality.pk and all(getattr(municipality, field) == value for field, value in values.items()):
        return municipality
    for field, value in values.items():
        setattr(municipality, field, value)
    municipality.full_clean()
    municipality.save()
    return municipality


def upsert_account(account: DemoAccount) -> User:
    is_superuser = account.role == "superuser"
    user, _created = User.objects.update_or_create(
        email=account.email,
        defaults={"display_name": account.display_name, "real_name": account.real_name, "is_active": True,
                  "deleted_at": None, "is_staff": is_superuser, "is_superuser": is_superuser},
        create_defaults={"display_name": account.display_name, "real_name": account.real_name,
                         "is_staff": is_superuser, "is_superuser": is_superuser,
                         "email_confirmed_at": timezone.now()},
    )
    validate_password(account.password, user)
    if user.email_confirmed_at is None or not user.check_password(account.password):
        user.email_confirmed_at = user.email_confirmed_at or timezone.now()
        user.set_password(account.password)
        user.save(update_fields=["email_confirmed_at", "password"])
    return user


def grant(*, tenant: Municipality | Lab, actor: User, user: User, role: str,
          organisation: Organisation | None = None) -> None:
    field = "municipality" if isinstance(tenant, Municipality) else "lab"
    if not Membership.objects.filter(user=user, role=role, **{field: tenant}).exists():
        do_grant_role(tenant=tenant, actor=actor, user=user, role=role, organisation=organisation)


class Command(BaseCommand):
    help = "Create or refresh the demo municipalities, lab, pages and one account per role (idempotent)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--force", action="store_true",
                            help="Run although DEBUG is off, for an installation meant as a public demo.")

    def handle(self, *args, force: bool = False, **options) -> None:
        if not settings.DEBUG and not force:
            raise CommandError("seed_demo creates accounts with published passwords, a superuser among them. It runs "
                               "with DEBUG=true, or with --force on an installation meant as a public demo.")
        with transaction.atomic():
            self.seed()
        self.stdout.write(accounts_table())

    def seed(self) -> None:
        municipalities = {place.slug: upsert_municipality(place) for place in PLACES}
        organisations = {
            org["slug"]: Organisation.objects.update_or_create(
                slug=org["slug"],
                defaults={**org, "kind": Organisation.Kind.CIVIL_SOCIETY,
                          "municipality": municipalities[org["municipality"]]},
            )[0]
            for org in ORGANISATIONS
        }
        lab, _created = Lab.objects.update_or_create(slug=LAB["slug"], defaults=LAB)
        lab.municipalities.set(municipalities.values())
        lab.organisations.set(organisations.values())

        users = {account.email: upsert_account(account) for account in ACCOUNTS}
        operator = users["superuser@example.org"]
        tenants = municipalities | {lab.slug: lab}
        # The operator appoints the administrators; they appoint their team, and staff verify the resident.
        admins = {a.where: users[a.email] for a in ACCOUNTS if a.role == Role.ADMIN}
        for account in ACCOUNTS:
            if account.role == Role.ADMIN:
                grant(tenant=tenants[account.where], actor=operator, user=users[account.email], role=Role.ADMIN)
        for account in ACCOUNTS:
            if account.role in (Role.STAFF, Role.MODERATOR, Role.PARTNER):
                grant(tenant=tenants[account.where], actor=admins[account.where], user=users[account.email],
                      role=account.role, organisation=organisations.get(account.organisation))
        staff = {a.where: users[a.email] for a in ACCOUNTS if a.role == Role.STAFF}
        for account in ACCOUNTS:
            if account.role == Role.RESIDENT:
                municipality = municipalities[account.where]
                resident = users[account.email]
                if not Residency.objects.filter(user=resident, municipality=municipality).exists():
                    do_verify_at_counter(municipality=municipality, actor=staff[account.where], user=resident)

        for place in PLACES:
            municipality = municipalities[place.slug]
            current = dict(Page.objects.filter(municipality=municipality).values_list("kind", "body"))
            for kind, text in PAGE_TEXTS.items():
                body = text(place)
                if current.get(kind) != body:
                    do_update_page(municipality=municipality, actor=operator, kind=kind, body=body)

        # The feature apps' demo data (kommune/opendata/demo.py, kommune/proposals/demo.py, ...), registered in their
        # AppConfig.ready(): core does not import them.
        demo = DemoData(municipality=municipalities["musterstadt"], staff=staff["musterstadt"],
                        resident=users["resident@example.org"], partner=users["partner@example.org"])
        for seeder in seeders():
            seeder.function(demo)
