"""Generate realistic scale data for the benchmark: municipalities, residents, citizen proposals, supports, comments.

    python manage.py generate_city --scale dorf            # 2 municipalities, seconds (used by the tests)
    python manage.py generate_city --scale stadt           # 5 municipalities, 20,000 people, under a minute
    python manage.py generate_city --scale millionenstadt  # 100 municipalities, 1,000,000 people

Deterministic (seeded): the same scale gives the same names, texts and numbers. German names, titles and texts
come from the small word lists below. It fills an empty database only (it refuses one that holds municipalities)
and it is idempotent: a second run of the same scale finds its marker (the lab ``generiert-<scale>``) and stops.

The rows go in with bulk inserts, not through the services: COPY on PostgreSQL (without foreign keys and
secondary indexes, which are created once at the end), executemany on SQLite, in one transaction. What the
services would keep in step is computed here exactly: the support counters equal the Support rows (plus
signature lists), the thread and reply counters equal the visible comment rows, and the search index holds the
documents that the registered searchables make of what was created.

People get unusable passwords, except the bench accounts (``bench@example.invalid`` for the pages and
``bench-supporter-<n>@example.invalid`` for the support benchmark), which share one real password hash:
BENCH_PASSWORD. Never run this on a production database.
"""

import random
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import cast

from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX, make_password
from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.core.management.color import no_style
from django.db import connection, models, transaction
from django.utils import timezone

from kommune.accounts.models import Residency, User
from kommune.benchmark import (
    adoptions_city,
    codesign_city,
    consultations_city,
    council_city,
    methods_city,
    surveys_city,
    volunteering_city,
)
from kommune.benchmark.reports_city import generate_reports
from kommune.core.comments.models import Comment, Thread
from kommune.core.models import RESERVED_SLUGS, Lab, Membership, Municipality, Role
from kommune.core.richtext import render_markdown
from kommune.core.search import backends as search_backends
from kommune.core.search.models import MAX_BODY_LENGTH, SearchDocument
from kommune.core.search.registry import searchable_for
from kommune.core.slugs import german_slug
from kommune.proposals.models import Category, Proposal, ProposalSettings, SignatureList, Support

BENCH_PASSWORD = "bench-password-not-secret"
BENCH_USER_EMAIL = "bench@example.invalid"
BENCH_SUPPORTER_EMAIL = "bench-supporter-{n}@example.invalid"
MARKER_PREFIX = "generiert-"
CHUNK = 50_000
SEED = 20240501


@dataclass(frozen=True)
class Scale:
    name: str
    municipalities: int
    people: int
    proposals: int
    supports: int
    comments: int
    big_thread: int  # comments on the one proposal of the detail-page benchmark
    bench_supporters: int  # verified residents of the bench municipality for the support benchmark


SCALES = {
    "dorf": Scale("dorf", 2, 500, 100, 2_000, 2_000, 1_000, 20),
    "stadt": Scale("stadt", 5, 20_000, 5_000, 100_000, 50_000, 10_000, 1_000),
    "millionenstadt": Scale("millionenstadt", 100, 1_000_000, 200_000, 5_000_000, 2_000_000, 10_000, 1_000),
}

State = Proposal.State
DRAFT_SHARE = 0.03
SIGNATURE_LIST_SHARE = 0.02
TOP_LEVEL_SHARE = 0.6
HIDDEN_SHARE = 0.005
MAPPED_SHARE = 0.6
ENGLISH_SHARE = 0.05
POPULATION_PER_ACCOUNT = 3  # not everybody living in a municipality has an account
THRESHOLD_SHARE = 0.02  # of the accounts of a municipality: the supports a proposal needs
COLLECTION_DAYS, ANSWER_DAYS = 120, 90
HISTORY_DAYS = 730  # proposals were published over the last two years

# --- Word lists -------------------------------------------------------------------------------------------------

NAME_PREFIXES = ["Bad ", "Neu", "Alt", "Ober", "Nieder", "Groß ", "Klein ", "Hohen", "Sankt "]
NAME_STEMS = ["Linden", "Eichen", "Buchen", "Birken", "Rosen", "Mühl", "Stein", "Wolfs", "Hirsch", "Falken",
              "Sonnen", "Kirch", "Brunn", "Erlen", "Tannen", "Wiesen", "Weiden", "Fichten", "Heide", "Mark", "Schön",
              "Frei", "Kalten", "Hoch", "Lauter", "Ahorn", "Eschen", "Hasel", "Kranich", "Adler", "Marien", "Georgs",
              "Wester", "Oster", "Sulz", "Salz", "Gold", "Silber", "Blumen", "Hagen"]
NAME_SUFFIXES = ["dorf", "hausen", "feld", "bach", "heim", "burg", "berg", "stadt", "au", "hagen", "rode", "ingen",
                 "stedt", "furt", "brück", "kirchen", "walde", "see", "tal", "hofen", "beck", "born", "weiler"]
STATES = ["01", "03", "05", "06", "07", "08", "09", "10", "12", "13", "14", "15", "16"]
FIRST_NAMES = ["Anna", "Lena", "Marie", "Sophie", "Emma", "Laura", "Julia", "Hannah", "Lea", "Sarah", "Katharina",
               "Johanna", "Clara", "Ida", "Greta", "Ayşe", "Fatma", "Olga", "Monika", "Sabine", "Petra", "Ursula",
               "Gisela", "Helga", "Birgit", "Jan", "Lukas", "Felix", "Paul", "Jonas", "Leon", "Maximilian", "Tim",
               "Niklas", "Tobias", "David", "Elias", "Ben", "Finn", "Mehmet", "Ali", "Dimitri", "Thomas", "Michael",
               "Andreas", "Stefan", "Peter", "Klaus", "Jürgen", "Wolfgang", "Uwe", "Frank", "Karl", "Hans"]
LAST_NAMES = ["Müller", "Schmidt", "Schneider", "Fischer", "Weber", "Meyer", "Wagner", "Becker", "Schulz", "Hoffmann",
              "Schäfer", "Koch", "Bauer", "Richter", "Klein", "Wolf", "Schröder", "Neumann", "Schwarz", "Zimmermann",
              "Braun", "Krüger", "Hofmann", "Hartmann", "Lange", "Schmitt", "Werner", "Schmitz", "Krause", "Meier",
              "Lehmann", "Schmid", "Schulze", "Maier", "Köhler", "Herrmann", "König", "Walter", "Mayer", "Huber",
              "Kaiser", "Fuchs", "Peters", "Lang", "Scholz", "Möller", "Weiß", "Jung", "Hahn", "Yılmaz", "Kaya",
              "Nowak", "Kowalski", "Schubert", "Vogel", "Friedrich", "Keller", "Günther", "Frank", "Berger"]
AREAS = ["Altstadt", "Nordstadt", "Südstadt", "Oststadt", "Weststadt", "Bahnhofsviertel", "Neubaugebiet Lindenhof",
         "Am Mühlbach", "Gewerbegebiet Nord", "Ortsteil Oberdorf", "Ortsteil Niederfeld", "Innenstadt",
         "Siedlung Am Hang"]
CATEGORIES = ["Verkehr und Mobilität", "Umwelt und Klima", "Spielplätze und Freizeit", "Bildung und Schule",
              "Kultur", "Sport", "Soziales und Gesundheit", "Digitales", "Stadtbild und Sauberkeit"]
# (wish, the category it belongs to): a title is a wish and a place.
WISHES = [
    ("Mehr Sitzbänke", 8), ("Neue Fahrradbügel", 0), ("Sichere Radwege", 0), ("Tempo 30", 0), ("Ein Zebrastreifen", 0),
    ("Bessere Beleuchtung", 8), ("Mehr Mülleimer", 8), ("Ein Trinkbrunnen", 1), ("Mehr Bäume", 1),
    ("Eine Blühwiese", 1), ("Ein neuer Spielplatz", 2), ("Ein Bolzplatz", 5), ("Eine Skateanlage", 2),
    ("Öffentliches WLAN", 7), ("Eine öffentliche Toilette", 6), ("Ein Bücherschrank", 4), ("Eine Ladesäule", 0),
    ("Ein Carsharing-Stellplatz", 0), ("Eine Bushaltestelle mit Dach", 0), ("Ein Hundeauslaufplatz", 2),
    ("Eine Calisthenics-Anlage", 5), ("Ein Gemeinschaftsgarten", 1), ("Längere Öffnungszeiten der Bibliothek", 4),
    ("Ein Jugendtreff", 6), ("Barrierefreie Gehwege", 6), ("Schulstraße mit Durchfahrtsverbot", 3),
    ("Digitale Bürgerdienste", 7), ("Ein Wochenmarkt", 4), ("Fotovoltaik auf Schuldächern", 1),
    ("Mehr Kita-Plätze", 3), ("Ein Fahrradparkhaus", 0), ("Weniger Lärm durch Laubbläser", 1)]
PLACES = ["im Stadtpark", "am Marktplatz", "an der Hauptstraße", "vor der Grundschule", "am Bahnhof",
          "im Neubaugebiet", "an der Bushaltestelle Rathaus", "in der Altstadt", "am Friedhof", "an der Mühlenstraße",
          "am Sportplatz", "vor dem Seniorenheim", "am Badesee", "an der Lindenallee", "in der Fußgängerzone",
          "am Kirchplatz", "an der Gesamtschule", "im Gewerbegebiet", "am Rathaus", "an der Kreuzung Bergstraße",
          "für alle Ortsteile", "entlang des Mühlbachs", "am Waldfriedhof", "an der Stadthalle"]
PROBLEMS = ["Viele Menschen kommen hier täglich vorbei, aber es fehlt an {thing}.",
            "Seit Jahren wird über {thing} gesprochen, passiert ist nichts.",
            "Gerade ältere Menschen und Familien mit Kindern vermissen {thing}.",
            "Im Vergleich zu den Nachbargemeinden sind wir bei {thing} weit zurück.",
            "Bei der letzten Einwohnerversammlung wurde {thing} von vielen gewünscht."]
REASONS = ["Das würde die Aufenthaltsqualität deutlich verbessern.",
           "Die Kosten wären überschaubar, der Nutzen groß.",
           "Andere Städte haben damit sehr gute Erfahrungen gemacht.",
           "Es würde die Sicherheit für Kinder auf dem Schulweg erhöhen.",
           "So könnten wir gemeinsam etwas für das Klima tun.",
           "Vereine aus dem Ort haben schon angeboten, bei der Pflege zu helfen.",
           "Das stärkt den Zusammenhalt in der Nachbarschaft.",
           "Fördermittel des Landes könnten einen Teil der Kosten tragen."]
STEPS = ["Standort gemeinsam mit den Anwohnenden festlegen", "Kosten schätzen und Fördermittel prüfen",
         "Umsetzung im nächsten Haushalt einplanen", "Nach einem Jahr prüfen, ob es angenommen wird",
         "Schulen und Vereine einbeziehen"]
COMMENT_SENTENCES = ["Gute Idee, das unterstütze ich!", "Das wäre auch für ältere Menschen eine große Hilfe.",
                     "Wer soll das bezahlen?", "Im Haushalt ist dafür sicher kein Geld.",
                     "Ich wohne direkt daneben und sehe das Problem jeden Tag.",
                     "Bitte auch an die Menschen mit Rollator denken.", "Endlich schlägt das mal jemand vor.",
                     "In unserer Partnerstadt gibt es das schon lange.", "Ich bin skeptisch, ob das angenommen wird.",
                     "Der Standort ist gut gewählt.", "Vielleicht wäre der Platz hinter der Schule besser geeignet.",
                     "Unser Verein würde sich gerne beteiligen.", "Danke für die Initiative!",
                     "Die Kinder im Viertel würden sich sehr freuen.", "Das Thema kam schon im Ortsbeirat auf.",
                     "Wichtig wäre eine gute Pflege danach.", "Ich habe unterschrieben und meine Nachbarn auch.",
                     "Bitte die Anwohnenden frühzeitig einbeziehen.", "Das löst das eigentliche Problem nicht.",
                     "Können wir das mit dem Radweg verbinden?"]
ANSWER_TEXTS = ["Vielen Dank für Ihren Vorschlag. Die Verwaltung hat ihn geprüft und wird ihn im kommenden Jahr "
                "umsetzen. Die Kosten sind im Haushalt eingeplant.",
                "Vielen Dank für Ihr Engagement. Leider ist der Vorschlag an dieser Stelle nicht umsetzbar, weil die "
                "Fläche nicht der Kommune gehört. Wir prüfen einen anderen Standort.",
                "Der Vorschlag wurde dem Rat zur Entscheidung vorgelegt. Über das Ergebnis informieren wir hier.",
                "Der Vorschlag ist umgesetzt. Vielen Dank an alle, die ihn unterstützt haben."]
DEPARTMENTS = ["Amt für Verkehr und Mobilität", "Grünflächenamt", "Schulamt", "Kulturamt", "Sportamt",
               "Sozialamt", "Amt für Digitalisierung", "Ordnungsamt", "Bauamt"]
HIDDEN_REASONS = ["Beleidigung einer anderen Person", "Werbung", "Nicht zum Thema", "Persönliche Daten Dritter"]
OUTCOMES = [Proposal.Outcome.ACCEPTED, Proposal.Outcome.REJECTED, Proposal.Outcome.COUNCIL,
            Proposal.Outcome.IMPLEMENTED]


def ascii_slug(text: str) -> str:
    return german_slug(text.replace("ı", "i"))


# --- Bulk loading -----------------------------------------------------------------------------------------------


class Table:
    """The columns one kind of row is written with; the model's other fields get their (constant) default."""

    def __init__(self, model: type[models.Model], fields: Sequence[str]) -> None:
        self.model = model
        self.name = model._meta.db_table
        given = [cast(models.Field, model._meta.get_field(name)) for name in fields]
        # The primary key, when not given, comes from the database's sequence.
        rest = [f for f in model._meta.concrete_fields if f not in given and f is not model._meta.pk]
        for f in rest:
            if not f.null and not f.has_default() and not f.blank:
                raise ValueError(f"{model.__name__}.{f.name} has no default; give it a value.")
        self.fields = given + rest
        self.constants = tuple(None if f.null and not f.has_default() else f.get_default() for f in rest)
        self.columns = ", ".join(connection.ops.quote_name(cast(str, f.column)) for f in self.fields)
        self.rows: list[tuple] = []
        self.written = 0
        self.seconds = 0.0  # spent in the database

    def adapters(self) -> list[Callable | None]:
        """SQLite takes strings for dates and decimals; PostgreSQL's COPY adapts Python values itself."""
        if connection.vendor == "postgresql":
            return [None] * len(self.fields)
        return [_sqlite_datetime if isinstance(f, models.DateTimeField)
                else (lambda value, f=f: f.get_db_prep_save(value, connection))
                if isinstance(f, (models.DateField, models.DecimalField, models.JSONField)) else None
                for f in self.fields]


def _sqlite_datetime(value: datetime | None) -> str | None:
    # What Django's SQLite backend stores for an aware datetime (UTC, no offset), without its per-value overhead.
    return None if value is None else str(value.astimezone(UTC).replace(tzinfo=None))


class Loader:
    """Collects rows per table and writes them in chunks, parents before children (for the foreign keys)."""

    def __init__(self, order: Sequence[Table]) -> None:
        self.order = list(order)

    def add(self, table: Table, row: tuple) -> None:
        table.rows.append(row + table.constants)
        if len(table.rows) >= CHUNK:
            self.flush(table)

    def flush(self, table: Table) -> None:
        # Everything a child may point to goes first: the tables before it in the order.
        for parent in self.order[: self.order.index(table)]:
            if parent.rows:
                self._write(parent)
        if table.rows:
            self._write(table)

    def flush_all(self) -> None:
        for table in self.order:
            if table.rows:
                self._write(table)

    def _write(self, table: Table) -> None:
        rows, table.rows = table.rows, []
        started = time.perf_counter()
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                with cursor.copy(f"COPY {table.name} ({table.columns}) FROM STDIN") as copy:
                    for row in rows:
                        copy.write_row(row)
            else:
                adapters = table.adapters()
                if any(adapters):
                    rows = [tuple(value if adapt is None else adapt(value)
                                  for value, adapt in zip(row, adapters, strict=True))
                            for row in rows]
                marks = ", ".join(["%s"] * len(table.fields))
                cursor.executemany(f"INSERT INTO {table.name} ({table.columns}) VALUES ({marks})", rows)
        table.written += len(rows)
        table.seconds += time.perf_counter() - started


@contextmanager
def bulk_mode(tables: Sequence[str], step: Callable) -> Iterator[None]:
    """PostgreSQL's advice for populating a database: load without foreign keys and secondary indexes, then
    create them once, which is much faster than checking and maintaining them row by row. Indexes that back a
    constraint (primary keys, unique constraints) stay. Run inside a transaction: DDL is transactional there, so
    a failure restores them. SQLite needs nothing of this."""
    if connection.vendor != "postgresql":
        yield
        return
    with connection.cursor() as cursor:
        # Foreign-key checks still pending from earlier in the transaction run now: ALTER TABLE refuses a table
        # with pending trigger events. (Django's foreign keys are deferred again at the end.)
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute("SET LOCAL maintenance_work_mem = '256MB'")
        cursor.execute("SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) FROM pg_constraint "
                       "WHERE contype = 'f' AND conrelid::regclass::text = ANY(%s)", [list(tables)])
        foreign_keys = cursor.fetchall()
        cursor.execute("SELECT i.indexname, i.indexdef FROM pg_indexes i WHERE i.schemaname = current_schema() "
                       "AND i.tablename = ANY(%s) AND NOT EXISTS (SELECT 1 FROM pg_constraint c "
                       "WHERE c.conindid = (quote_ident(i.schemaname) || '.' || quote_ident(i.indexname))::regclass)",
                       [list(tables)])
        indexes = cursor.fetchall()
        for table, name, _definition in foreign_keys:
            cursor.execute(f"ALTER TABLE {table} DROP CONSTRAINT {connection.ops.quote_name(name)}")
        for name, _definition in indexes:
            cursor.execute(f"DROP INDEX {connection.ops.quote_name(name)}")
    yield

    def rebuild() -> None:
        with connection.cursor() as cursor:
            for _name, definition in indexes:
                cursor.execute(definition)
            for table, name, definition in foreign_keys:
                cursor.execute(f"ALTER TABLE {table} ADD CONSTRAINT {connection.ops.quote_name(name)} {definition}")
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")

    step(f"{len(indexes)} indexes and {len(foreign_keys)} foreign keys", rebuild)


def next_id(model: type[models.Model]) -> int:
    return (model._default_manager.aggregate(top=models.Max("pk"))["top"] or 0) + 1


# --- Distributions ----------------------------------------------------------------------------------------------


def split(total: int, weights: Sequence[float], caps: Sequence[int] | None = None) -> list[int]:
    """``total`` split in proportion to ``weights``, each part at most its cap; the parts add up exactly."""
    caps = caps or [total] * len(weights)
    weight_sum = sum(weights) or 1.0
    counts = [min(cap, int(total * w / weight_sum)) for w, cap in zip(weights, caps, strict=True)]
    left = total - sum(counts)
    order = sorted(range(len(weights)), key=lambda i: -weights[i])
    while left > 0:
        room = [i for i in order if counts[i] < caps[i]]
        if not room:
            raise CommandError(f"Cannot place {total:,} items: the caps are too small.")
        share = max(1, left // len(room))
        for i in room:
            add = min(share, caps[i] - counts[i], left)
            counts[i] += add
            left -= add
            if not left:
                break
    return counts


def zipf_weights(n: int, exponent: float = 0.9) -> list[float]:
    return [1 / (rank + 1) ** exponent for rank in range(n)]


# --- The plan ---------------------------------------------------------------------------------------------------


@dataclass
class Place:
    municipality: Municipality
    people: range  # user ids of the people living here
    proposals: int = 0
    settings: ProposalSettings = field(default_factory=ProposalSettings)
    categories: list[Category] = field(default_factory=list)
    center: tuple[float, float] = (51.0, 10.0)


class Generator:
    def __init__(self, scale: Scale, out: Callable[[str], None], seed: int = SEED) -> None:
        self.scale = scale
        self.out = out
        self.random = random.Random(f"{seed}-{scale.name}")
        self.now = timezone.now().replace(microsecond=0)
        self.timings: dict[str, float] = {}
        self.proposal_type = ContentType.objects.get_for_model(Proposal)
        self.comment_type = ContentType.objects.get_for_model(Comment)
        self.proposal_search = searchable_for(Proposal)
        self.comment_search = searchable_for(Comment)
        self.texts = self._text_pool()
        self.comment_texts = self._comment_pool()
        self.answers = [(text, render_markdown(text)) for text in ANSWER_TEXTS]
        self.tables = {
            "user": Table(User, ["id", "password", "email", "display_name", "real_name", "language", "birth_date",
                                 "email_confirmed_at", "date_joined"]),
            "membership": Table(Membership, ["user_id", "municipality_id", "role", "created_at"]),
            "residency": Table(Residency, ["user_id", "municipality_id", "method", "verified_at"]),
            "proposal": Table(Proposal, [
                "id", "municipality_id", "author_id", "title", "text", "text_html", "category_id", "area", "latitude",
                "longitude", "state", "required_supports", "published_at", "collection_ends_at", "online_supports",
                "paper_supports", "total_supports", "threshold_reached_at", "answer_due_at", "answered_at",
                "outcome", "answer", "answer_html", "answer_department", "expired_at", "created_at", "updated_at"]),
            "signatures": Table(SignatureList, ["municipality_id", "proposal_id", "count", "received_on", "note",
                                                "created_at"]),
            "support": Table(Support, ["municipality_id", "proposal_id", "user_id", "created_at"]),
            "thread": Table(Thread, ["id", "municipality_id", "content_type_id", "object_id", "comment_count",
                                     "top_level_count"]),
            "comment": Table(Comment, ["id", "municipality_id", "thread_id", "parent_id", "author_id", "text",
                                       "text_html", "created_at", "hidden_at", "hidden_reason", "reply_count"]),
            "document": Table(SearchDocument, ["municipality_id", "content_type_id", "object_id", "kind", "title",
                                               "body", "url", "context", "updated_at"]),
        }
        self.tables.update(council_city.council_tables(Table))
        self.tables.update(consultations_city.consultation_tables(Table))
        self.tables.update(surveys_city.survey_tables(Table))
        self.tables.update(methods_city.methods_tables(Table))
        self.tables.update(volunteering_city.volunteering_tables(Table))
        self.tables.update(adoptions_city.adoption_tables(Table))
        self.tables.update(codesign_city.codesign_tables(Table))
        self.loader = Loader(list(self.tables.values()))

    # --- Steps ---

    def run(self) -> dict[str, int]:
        # One transaction: a run that fails leaves the database as it was.
        with transaction.atomic(), bulk_mode([table.name for table in self.tables.values()], self._step):
            self.places = self._step("municipalities", self._municipalities)
            self._step("people", self._people)
            self._step("proposals, supports and comments", self._participation)
            self._step("council information", lambda: council_city.generate_council(self))
            self._step("issue reports", lambda: generate_reports(self))  # kommune/benchmark/reports_city.py
            # kommune/benchmark/<feature>_city.py
            self._step("consultation with comments", lambda: consultations_city.generate_consultation(self))
            self._step("survey with responses", lambda: surveys_city.generate_survey(self))
            self._step("methods library", lambda: methods_city.generate_methods(self))
            self._step("volunteer projects and sign-ups", lambda: volunteering_city.generate_volunteering(self))
            self._step("adoptions of public green", lambda: adoptions_city.generate_adoptions(self))
            self._step("co-designed services and ratings", lambda: codesign_city.generate_codesign(self))
            self._step("writing the rest", self.loader.flush_all)
            self._step("municipal projects", self._projects)
            self._step("digital help: places and coming dates", self._digital_help)
        with transaction.atomic():
            self._step("search index", self._search_index)
            self._step("marker", self._marker)
        self._step("database statistics", self._finish_database)
        for name, table in self.tables.items():
            self.out(f"  {name:<11} {table.written:>10,} rows, {table.seconds:6.1f} s in the database")
        return {name: table.written for name, table in self.tables.items()}

    def _projects(self) -> None:
        from kommune.benchmark.projects_city import generate_projects

        count = generate_projects(self.places, proposals=self.scale.proposals, rnd=self.random,
                                  today=timezone.localdate(), areas=AREAS)
        self.out(f"  {count:,} municipal projects")

    def _step(self, title: str, work: Callable):
        self.out(f"{title} …")
        started = time.perf_counter()
        result = work()
        self.timings[title] = time.perf_counter() - started
        self.out(f"  {title}: {self.timings[title]:.1f} s")
        return result

    def _municipalities(self) -> list[Place]:
        names: dict[str, str] = {}  # slug: name
        while len(names) < self.scale.municipalities:
            name = self._place_name()
            if ascii_slug(name) not in names and ascii_slug(name) not in RESERVED_SLUGS:
                names[ascii_slug(name)] = name
        counts = split(self.scale.people, zipf_weights(self.scale.municipalities))
        places, first_person = [], next_id(User) + 1 + self.scale.bench_supporters
        for index, (name, people) in enumerate(zip(names.values(), counts, strict=True)):
            state = STATES[index % len(STATES)]
            key = f"{state}8{index // 1000:02d}{index % 1000:03d}"
            kind = (Municipality.Kind.KREISFREIE_STADT if index == 0 else
                    Municipality.Kind.STADT if people > 5_000 else Municipality.Kind.GEMEINDE)
            slug = ascii_slug(name)
            municipality = Municipality(
                name=name, slug=slug, official_key=key, regional_key=f"{key[:5]}0000{key[5:]}", kind=kind,
                federal_state=state, population=people * POPULATION_PER_ACCOUNT,
                contact_email=f"buergerbuero@{slug}.example", contact_phone=f"0{self.random.randint(2000, 9999)} 12345",
                contact_address=f"Rathausplatz 1\n{self.random.randint(10000, 99999)} {name}",
                website=f"https://www.{slug}.example")
            places.append(Place(municipality, range(first_person, first_person + people),
                                center=(self.random.uniform(47.6, 54.6), self.random.uniform(6.2, 14.8))))
            first_person += people
        with transaction.atomic():
            Municipality.objects.bulk_create([p.municipality for p in places])
            for index, place in enumerate(places):
                place.settings = ProposalSettings(
                    municipality=place.municipality, supporters=ProposalSettings.Supporters.VERIFIED,
                    minimum_age=16 if index % 4 == 1 else 0,
                    threshold_absolute=max(10, round(len(place.people) * THRESHOLD_SHARE)),
                    collection_days=COLLECTION_DAYS, answer_days=ANSWER_DAYS)
                place.categories = [Category(municipality=place.municipality, name=name, slug=ascii_slug(name))
                                    for name in CATEGORIES]
            ProposalSettings.objects.bulk_create([p.settings for p in places])
            Category.objects.bulk_create([c for p in places for c in p.categories])
        for place, proposals in zip(places, split(self.scale.proposals, [len(p.people) for p in places]), strict=True):
            place.proposals = proposals
        self.out(f"  {len(places)} municipalities, the largest {places[0].municipality.name} "
                 f"(/{places[0].municipality.slug}/) with {len(places[0].people):,} people")
        return places

    def _place_name(self) -> str:
        stem = self.random.choice(NAME_STEMS) + self.random.choice(NAME_SUFFIXES)
        if self.random.random() < 0.3:
            prefix = self.random.choice(NAME_PREFIXES)
            return prefix + (stem if prefix.endswith(" ") else stem.lower())
        return stem

    def _people(self) -> None:
        users, memberships, residencies = self.tables["user"], self.tables["membership"], self.tables["residency"]
        bench_hash = make_password(BENCH_PASSWORD)  # hashed once (Argon2 is slow on purpose), copied to all
        unusable = UNUSABLE_PASSWORD_PREFIX + "generated-by-generate-city"
        home = self.places[0].municipality
        first = self.places[0].people.start - 1 - self.scale.bench_supporters
        bench = [(first, BENCH_USER_EMAIL, "Bench")] + [(first + 1 + n, BENCH_SUPPORTER_EMAIL.format(n=n), f"Bench {n}")
                                                         for n in range(self.scale.bench_supporters)]
        for user_id, email, name in bench:
            self._person(user_id, home, email=email, name=name, password=bench_hash, language="de")
        rnd = self.random
        slugs = {name: ascii_slug(name) for name in FIRST_NAMES + LAST_NAMES}
        for place in self.places:
            for user_id in place.people:
                first_name, last_name = rnd.choice(FIRST_NAMES), rnd.choice(LAST_NAMES)
                email = f"{slugs[first_name]}.{slugs[last_name]}.{user_id}@example.invalid"
                self._person(user_id, place.municipality, email=email, name=f"{first_name} {last_name[0]}.",
                             real_name=f"{first_name} {last_name}", password=unusable,
                             language="en" if rnd.random() < ENGLISH_SHARE else "de")
        self.out(f"  {users.written + len(users.rows):,} people, each a verified resident "
                 f"({memberships.written + len(memberships.rows):,} memberships, "
                 f"{residencies.written + len(residencies.rows):,} residencies)")

    def _person(self, user_id: int, municipality: Municipality, *, email: str, name: str, password: str,
                language: str, real_name: str = "") -> None:
        rnd = self.random
        joined = self.now - timedelta(seconds=rnd.randint(3600, 3 * 365 * 86400))
        birth = date(rnd.randint(1940, 2006), rnd.randint(1, 12), rnd.randint(1, 28))
        self.loader.add(self.tables["user"], (user_id, password, email, name, real_name, language, birth,
                                              joined + timedelta(minutes=rnd.randint(1, 600)), joined))
        self.loader.add(self.tables["membership"], (user_id, municipality.pk, Role.RESIDENT, joined))
        method = Residency.Method.LETTER_CODE if rnd.random() < 0.7 else Residency.Method.COUNTER
        self.loader.add(self.tables["residency"], (user_id, municipality.pk, method,
                                                   joined + timedelta(days=rnd.randint(0, 30))))

    # --- Proposals ---

    def _participation(self) -> None:
        supports = split(self.scale.supports, [p.proposals for p in self.places])
        comments = split(self.scale.comments - self.scale.big_thread, [p.proposals for p in self.places])
        self.next_proposal, self.next_thread, self.next_comment = next_id(Proposal), next_id(Thread), next_id(Comment)
        self.big_proposal_id: int | None = None
        for index, place in enumerate(self.places):
            self._place_participation(place, supports[index], comments[index], big_thread=index == 0)
        self.out(f"  {self.tables['proposal'].written + len(self.tables['proposal'].rows):,} proposals, "
                 f"{self.tables['support'].written + len(self.tables['support'].rows):,} supports, "
                 f"{self.tables['comment'].written + len(self.tables['comment'].rows):,} comments; "
                 f"the proposal with {self.scale.big_thread:,} comments is #{self.big_proposal_id}")

    def _place_participation(self, place: Place, supports: int, comments: int, *, big_thread: bool) -> None:
        rnd = self.random
        proposals = [self._proposal(place) for _ in range(place.proposals)]
        published = [p for p in proposals if p.state != State.DRAFT]
        # Supports: heavy-tailed, each person at most once per proposal (and never the author).
        weights = [rnd.lognormvariate(0, 1.3) for _ in published]
        counts = split(supports, weights, [len(place.people) - 1] * len(published))
        for proposal, count in zip(published, counts, strict=True):
            self._decide_state(place, proposal, count)
        # The detail-page benchmark reads a proposal that is open and has exactly big_thread comments.
        big = next((p for p in published if p.state == State.COLLECTING), None) if big_thread else None
        others = [p for p in published if p is not big]
        comment_counts = split(comments, [rnd.lognormvariate(0, 1.5) for _ in others])
        for proposal in proposals:
            self._write_proposal(place, proposal)
        for proposal, count in zip(published, counts, strict=True):
            self._supports(place, proposal, count)
        if big is not None:
            self.big_proposal_id = big.pk
            self._thread(place, big, self.scale.big_thread)
        for proposal, count in zip(others, comment_counts, strict=True):
            if count:
                self._thread(place, proposal, count)

    def _proposal(self, place: Place) -> Proposal:
        rnd = self.random
        wish, category = rnd.choice(WISHES)
        text, text_html = rnd.choice(self.texts)
        proposal = Proposal(
            id=self.next_proposal, municipality=place.municipality,
            author_id=rnd.randrange(place.people.start, place.people.stop),
            title=f"{wish} {rnd.choice(PLACES)}", text=text.format(wish=wish), text_html=text_html.format(wish=wish),
            category=place.categories[category] if rnd.random() < 0.85 else None,
            area=rnd.choice(AREAS) if rnd.random() < 0.7 else "")
        self.next_proposal += 1
        if rnd.random() < MAPPED_SHARE:
            proposal.latitude = Decimal(f"{place.center[0] + rnd.uniform(-0.03, 0.03):.6f}")
            proposal.longitude = Decimal(f"{place.center[1] + rnd.uniform(-0.05, 0.05):.6f}")
        proposal.created_at = self.now - timedelta(seconds=rnd.randint(600, HISTORY_DAYS * 86400))
        if rnd.random() < DRAFT_SHARE:
            proposal.state = State.DRAFT
        else:
            published = min(self.now, proposal.created_at + timedelta(hours=rnd.randint(1, 72)))
            proposal.state = State.COLLECTING
            proposal.published_at = published
            proposal.collection_ends_at = published + timedelta(days=COLLECTION_DAYS)
            proposal.required_supports = place.settings.threshold_absolute
        proposal.updated_at = proposal.published_at or proposal.created_at
        return proposal

    def _decide_state(self, place: Place, proposal: Proposal, online: int) -> None:
        """The state that the services would have reached with these supports by now."""
        rnd = self.random
        proposal.online_supports = online
        if rnd.random() < SIGNATURE_LIST_SHARE:
            proposal.paper_supports = rnd.randint(5, max(6, proposal.required_supports // 2))
        proposal.total_supports = proposal.online_supports + proposal.paper_supports
        published, ends = proposal.published_at, proposal.collection_ends_at
        assert published is not None and ends is not None  # only published proposals get supports
        if proposal.total_supports >= proposal.required_supports:
            span = (min(self.now, ends) - published).total_seconds()
            reached = published + timedelta(seconds=span * rnd.uniform(0.2, 0.95))
            due = reached + timedelta(days=ANSWER_DAYS)
            proposal.threshold_reached_at, proposal.answer_due_at = reached, due
            overdue = due < self.now
            if (overdue and rnd.random() < 0.85) or (not overdue and rnd.random() < 0.3):
                span = (min(self.now, due + timedelta(days=30)) - reached).total_seconds()
                answered = reached + timedelta(seconds=span * rnd.uniform(0.1, 1))
                proposal.answered_at = answered
                proposal.state = State.ANSWERED
                proposal.outcome = rnd.choice(OUTCOMES)
                proposal.answer, proposal.answer_html = self.answers[OUTCOMES.index(proposal.outcome)]
                proposal.answer_department = rnd.choice(DEPARTMENTS)
                proposal.updated_at = answered
            else:
                proposal.state = State.THRESHOLD_REACHED
                proposal.updated_at = reached
        elif ends <= self.now:
            expired = ends + timedelta(minutes=rnd.randint(1, 60))
            proposal.state = State.EXPIRED
            proposal.expired_at = expired
            proposal.updated_at = expired

    def _write_proposal(self, place: Place, p: Proposal) -> None:
        self.loader.add(self.tables["proposal"], (
            p.pk, place.municipality.pk, p.author_id, p.title, p.text, p.text_html, p.category_id, p.area,
            p.latitude, p.longitude, p.state, p.required_supports, p.published_at, p.collection_ends_at,
            p.online_supports, p.paper_supports, p.total_supports, p.threshold_reached_at, p.answer_due_at,
            p.answered_at, p.outcome, p.answer, p.answer_html, p.answer_department, p.expired_at, p.created_at,
            p.updated_at))
        self._document(self.proposal_search, self.proposal_type, p)
        if p.paper_supports:
            assert p.published_at is not None and p.collection_ends_at is not None
            received = p.published_at + (min(self.now, p.collection_ends_at) - p.published_at) / 2
            self.loader.add(self.tables["signatures"], (
                place.municipality.pk, p.pk, p.paper_supports, timezone.localdate(received),
                "Unterschriftenlisten aus dem Bürgerbüro", received))

    def _supports(self, place: Place, proposal: Proposal, count: int) -> None:
        if not count:
            return
        rnd, table, municipality_id = self.random, self.tables["support"], place.municipality.pk
        candidates = rnd.sample(place.people, min(len(place.people), count + 1))
        supporters = [user_id for user_id in candidates if user_id != proposal.author_id][:count]
        start, ends = proposal.published_at, proposal.threshold_reached_at or proposal.collection_ends_at
        assert start is not None and ends is not None
        span = max(60, int((min(self.now, ends) - start).total_seconds()))
        for user_id in supporters:
            self.loader.add(table, (municipality_id, proposal.pk, user_id,
                                    start + timedelta(seconds=rnd.randrange(span))))

    # --- Comments ---

    def _thread(self, place: Place, proposal: Proposal, count: int) -> None:
        rnd = self.random
        top_level = max(1, round(count * TOP_LEVEL_SHARE))
        thread = Thread(id=self.next_thread, municipality=place.municipality, content_type=self.proposal_type,
                        object_id=proposal.pk)
        thread.target = proposal
        url = proposal.get_absolute_url()
        proposal.get_absolute_url = lambda: url  # type: ignore[method-assign]  # asked once per comment; reverse() is slow
        self.next_thread += 1
        start = proposal.published_at
        assert start is not None
        span = max(60, int((self.now - start).total_seconds()))
        tops = sorted(start + timedelta(seconds=rnd.randrange(span)) for _ in range(top_level))
        rows: list[list] = []  # id, parent index, author, created, hidden
        for moment in tops:
            rows.append([self.next_comment, None, moment, rnd.random() < HIDDEN_SHARE, 0])
            self.next_comment += 1
        replies = []
        for _ in range(count - top_level):
            parent = rnd.randrange(top_level)
            parent_time = rows[parent][2]
            moment = parent_time + timedelta(seconds=rnd.randrange(max(60, int((self.now - parent_time)
                                                                                 .total_seconds()))))
            replies.append((moment, parent))
        replies.sort()
        for moment, parent in replies:
            hidden = rnd.random() < HIDDEN_SHARE
            if not hidden:
                rows[parent][4] += 1
            rows.append([self.next_comment, parent, moment, hidden, 0])
            self.next_comment += 1
        visible = sum(1 for row in rows if not row[3])
        visible_top = sum(1 for row in rows[:top_level] if not row[3])
        self.loader.add(self.tables["thread"], (thread.pk, place.municipality.pk, self.proposal_type.pk, proposal.pk,
                                                visible, visible_top))
        table = self.tables["comment"]
        # One instance, refilled per comment, is what the searchable's document() reads (instances are slow to make).
        comment = Comment(municipality=place.municipality, thread=thread)
        for comment_id, parent, moment, hidden, reply_count in rows:
            text, text_html = rnd.choice(self.comment_texts)
            hidden_at = min(self.now, moment + timedelta(hours=2)) if hidden else None
            author = rnd.randrange(place.people.start, place.people.stop)
            parent_id = rows[parent][0] if parent is not None else None
            self.loader.add(table, (comment_id, place.municipality.pk, thread.pk, parent_id, author, text, text_html,
                                    moment, hidden_at, rnd.choice(HIDDEN_REASONS) if hidden else "", reply_count))
            comment.pk, comment.parent_id, comment.author_id = comment_id, parent_id, author
            comment.text, comment.text_html, comment.hidden_at, comment.created_at = text, text_html, hidden_at, moment
            self._document(self.comment_search, self.comment_type, comment)

    # --- Search ---

    def _document(self, searchable, content_type: ContentType, obj: models.Model) -> None:
        """The document the registered searchable makes of ``obj`` (built in memory, so no query per row)."""
        if searchable is None:
            return
        data = searchable.document(obj)
        if data is None:
            return
        self.loader.add(self.tables["document"], (
            data.municipality.pk, content_type.pk, obj.pk, searchable.kind, data.title[:300],
            data.body[:MAX_BODY_LENGTH], data.url[:500], data.context[:300], self.now))

    def _digital_help(self) -> None:
        """Places of the digital-help network (one per 5,000 people, 2 to 200) and their coming dates (a quarter
        as many as proposals, 20 at least), over the next 60 days, for the calendar's list page."""
        from kommune.inclusion.models import Category as Topic
        from kommune.inclusion.models import Event as CalendarEvent
        from kommune.inclusion.models import Partner

        topics = list(Topic.values)
        partners = events = 0
        for place in self.places:
            count = min(200, max(2, len(place.people) // 5000))
            rows = Partner.objects.bulk_create([Partner(
                municipality=place.municipality, name=f"Treffpunkt {n + 1}", slug=f"treffpunkt-{n + 1}",
                street=f"Marktstraße {n + 1}", postcode="10000", city=place.municipality.name,
                district=f"Stadtteil {n % 12 + 1}", state=Partner.State.APPROVED, step_free=n % 2 == 0,
                offers=[topics[n % len(topics)]]) for n in range(count)], batch_size=1000)
            dates = []
            for n in range(max(20, place.proposals // 4)):
                begin = self.now + timedelta(hours=2 + self.random.randrange(60 * 24))
                dates.append(CalendarEvent(
                    municipality=place.municipality, partner=rows[n % len(rows)], title=f"Digitalhilfe {n + 1}",
                    category=topics[n % len(topics)], starts_at=begin, ends_at=begin + timedelta(hours=2),
                    capacity=12 if n % 3 else None, confirmed_count=n % 13 if n % 3 else 0))
            CalendarEvent.objects.bulk_create(dates, batch_size=5000)
            partners, events = partners + len(rows), events + len(dates)
        self.out(f"  {partners:,} places, {events:,} dates")

    def _search_index(self) -> None:
        # PostgreSQL computed the vectors while the rows went in; SQLite's FTS table is filled from the rows.
        search_backends.rebuild()
        self.out(f"  {self.tables['document'].written:,} search documents")

    def _finish_database(self) -> None:
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                models_with_ids: list[type[models.Model]] = [User, Proposal, Thread, Comment,
                                                             *council_city.MODELS_WITH_IDS,
                                                             *consultations_city.MODELS_WITH_IDS,
                                                             *surveys_city.MODELS_WITH_IDS,
                                                             *adoptions_city.MODELS_WITH_IDS]
                for sql in connection.ops.sequence_reset_sql(no_style(), models_with_ids):
                    cursor.execute(sql)
            # Fresh statistics (and, outside a transaction, the visibility map) as a maintained database has.
            cursor.execute("ANALYZE" if connection.in_atomic_block or connection.vendor != "postgresql"
                           else "VACUUM ANALYZE")

    def _marker(self) -> None:
        counts = ", ".join(f"{name} {table.written:,}" for name, table in self.tables.items())
        lab = Lab.objects.create(
            name=f"Open Government Labor ({self.scale.name})", slug=MARKER_PREFIX + self.scale.name,
            description=f"Erzeugt von generate_city, Maßstab „{self.scale.name}“: {counts}.")
        lab.municipalities.set([p.municipality for p in self.places])

    # --- Text pools ---

    def _text_pool(self) -> list[tuple[str, str]]:
        """Proposal texts in Markdown with their HTML, rendered once; ``{wish}`` is filled in per proposal."""
        rnd, pool = self.random, []
        for _ in range(400):
            problem = rnd.choice(PROBLEMS).format(thing="„{wish}“")
            reasons = " ".join(rnd.sample(REASONS, 3))
            steps = "\n".join(f"- {step}" for step in rnd.sample(STEPS, 3))
            text = f"{problem} {reasons}\n\n## Was wir vorschlagen\n\n{steps}\n\n{rnd.choice(REASONS)}"
            # Braces of the Markdown stay literal in .format(): the wish is the only placeholder.
            pool.append((text, render_markdown(text)))
        return pool

    def _comment_pool(self) -> list[tuple[str, str]]:
        rnd, pool = self.random, []
        for _ in range(2_000):
            text = " ".join(rnd.sample(COMMENT_SENTENCES, rnd.randint(1, 3)))
            pool.append((text, render_markdown(text)))
        return pool


def generated_scale() -> str | None:
    """The scale of the city generated in this database, or None."""
    slug = Lab.objects.filter(slug__startswith=MARKER_PREFIX).values_list("slug", flat=True).first()
    return slug[len(MARKER_PREFIX):] if slug else None


def generate(scale: Scale, out: Callable[[str], None] = lambda line: None) -> Generator:
    generator = Generator(scale, out)
    generator.run()
    return generator


class Command(BaseCommand):
    help = "Generate a city of realistic data for the benchmark (dorf, stadt or millionenstadt) in an empty database."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--scale", choices=sorted(SCALES), default="stadt")

    def handle(self, *args, scale: str, **options) -> None:
        existing = generated_scale()
        if existing == scale:
            self.stdout.write(f"The {scale} city is already generated in this database; nothing to do.")
            return
        if existing:
            raise CommandError(f"This database already holds the generated city of scale “{existing}”. "
                               "Generate into an empty database (see docs/benchmark.md).")
        if Municipality.objects.exists():
            raise CommandError(f"This database already holds {Municipality.objects.count()} municipalities. "
                               "generate_city fills an empty, migrated database only (see docs/benchmark.md).")
        started = time.perf_counter()
        self.stdout.write(f"Generating the {scale} city into the {connection.vendor} database …")
        generate(SCALES[scale], self.stdout.write)
        cache.clear()  # the new people have the ids of an earlier city's: nothing cached about those may be read
        self.stdout.write(self.style.SUCCESS(f"Done in {time.perf_counter() - started:.1f} s."))
