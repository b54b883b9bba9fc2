"""The page benchmark on a generated city (``make bench``; see docs/benchmark.md).

Starts the production server (gunicorn, with the settings of this process's environment) against the database
that ``generate_city`` filled, and measures with wrk, one page at a time, throughput and latency percentiles for
an anonymous visitor and a logged-in resident: the floor (a fixed short answer through the whole middleware),
then every page of PAGES, then the support action (each request another verified resident supporting another
proposal). Writes bench/results.json and bench/results.md and prints the table.

A page's ratio is its throughput divided by the floor's for the same kind of visitor. The targets of the issue:
a logged-in page at least TARGET_RATIO of the floor, an anonymous page served from the page cache at least
TARGET_CACHED_RATIO, and at least TARGET_SUPPORTS supports per second with SUPPORT_CONNECTIONS clients (on
PostgreSQL). They are reported, never asserted: timings depend on the machine.

To add a page, add a BenchPage to PAGES.
"""

import http.client
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.contenttypes.models import ContentType
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection
from django.db.models import Count, F
from django.middleware.csrf import get_token
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone
from django.utils.module_loading import import_string

from kommune.accounts.models import User
from kommune.benchmark.management.commands.generate_city import (
    BENCH_PASSWORD,
    BENCH_SUPPORTER_EMAIL,
    BENCH_USER_EMAIL,
    MARKER_PREFIX,
    generated_scale,
)
from kommune.codesign.models import Service as CodesignService
from kommune.consultations.models import Consultation, Paragraph
from kommune.core import pagecache
from kommune.core.comments.models import Thread
from kommune.core.models import Lab, Municipality
from kommune.proposals.models import Proposal, Support
from kommune.surveys.models import Survey

TARGET_RATIO = 0.25
TARGET_CACHED_RATIO = 0.8
TARGET_SUPPORTS = 1000
SUPPORT_CONNECTIONS = 64
SEARCH_WORD = "Spielplatz"
# A word of about a tenth of the generated documents (14 % of the millionenstadt's largest municipality), searched
# with another address per request, so that neither the page cache nor the shared results answer (issue 16).
COMMON_WORD = "Schule"
TARGET_SEARCH_P95_MS = 50
UNCACHED_REQUESTS_PER_SECOND = 3_000  # addresses written per second of measuring: more than any page reaches
ANONYMOUS, RESIDENT = "anonymous", "logged in"
WRK_SCRIPT = Path(settings.BASE_DIR) / "bench" / "wrk.lua"
# What browsers, requests (ckanapi, the Open311 clients) and curl --compressed send with every request; wrk sends
# nothing of the kind unless told, and would measure the large JSON lists as only a client without it gets them.
CLIENT_ACCEPT_ENCODING = "gzip, deflate"
SUPPORT_BACKEND = "kommune.accounts.backends.EmailBackend"


@dataclass(frozen=True)
class City:
    """What the pages are measured on: the largest municipality of the generated city and its busiest proposal."""

    scale: str
    municipality: Municipality
    proposal_id: int  # the proposal with the longest comment thread
    comments: int
    # The features of kommune/benchmark/<feature>_city.py measured below (None in a city generated before them).
    consultation_id: int | None = None
    paragraph_id: int | None = None  # the consultation's paragraph with the most comments
    survey_id: int | None = None
    service_id: int | None = None  # the co-designed service with the most ratings


@dataclass(frozen=True)
class BenchPage:
    name: str
    path: Callable[[City], str]
    # Anonymous answers of this page come from the page cache (kommune/core/pagecache.py): target 0.8 of the floor.
    cached: bool = False
    visitors: tuple[str, ...] = (ANONYMOUS, RESIDENT)
    # The City field the path needs: a city generated before that data existed skips the page.
    needs: str = ""
    # Each request another address (a counter in the query), so that nothing cached answers.
    uncached: bool = False


def generated_city() -> City:
    scale = generated_scale()
    if scale is None:
        raise CommandError("No generated city in this database: run `python manage.py generate_city` first.")
    lab = Lab.objects.get(slug=MARKER_PREFIX + scale)
    municipality = lab.municipalities.order_by("-population", "pk").first()
    thread = (Thread.objects.filter(municipality=municipality, content_type=ContentType.objects.get_for_model(Proposal))
              .order_by("-comment_count", "pk").first())
    if municipality is None or thread is None:
        raise CommandError("The generated city has no proposal with comments.")
    consultation = Consultation.objects.filter(municipality=municipality).order_by("pk").first()
    paragraph = (Thread.objects.filter(municipality=municipality,
                                       content_type=ContentType.objects.get_for_model(Paragraph))
                 .order_by("-comment_count", "pk").values_list("object_id", flat=True).first())
    survey = Survey.objects.filter(municipality=municipality).order_by("-response_count", "pk").first()
    service = CodesignService.objects.filter(municipality=municipality).order_by("-rating_count", "pk").first()
    return City(scale, municipality, thread.object_id, thread.comment_count,
                consultation_id=consultation.pk if consultation else None, paragraph_id=paragraph,
                survey_id=survey.pk if survey else None, service_id=service.pk if service else None)


def _in(city: City, name: str, query: dict | None = None, **kwargs) -> str:
    path = reverse(name, kwargs={"municipality_slug": city.municipality.slug, **kwargs})
    return path + ("?" + urlencode(query) if query else "")


FLOOR = BenchPage("floor (fixed answer, full middleware)", lambda city: reverse("benchmark:floor"))
# The floor once more after the pages: the second row says how far the machine's speed drifted within the run (by
# up to 40 % on a shared machine). So a page is not compared with these two but with its own visitor's floor measured
# just before it and just after it (a short measurement before every page; FLOOR_AGAIN after the last).
FLOOR_AGAIN = BenchPage("floor again, after the pages", FLOOR.path)
FLOORS = (FLOOR.name, FLOOR_AGAIN.name)
DRIFT_WARNING = 0.15
PAGES = [
    BenchPage("municipality home", lambda city: _in(city, "core:municipality_home"), cached=True),
    BenchPage("proposal list (collecting, most supports)",
              lambda city: _in(city, "proposals:list", {"state": "collecting", "sort": "supports"}), cached=True),
    BenchPage("proposal detail ({comments} comments)",
              lambda city: _in(city, "proposals:detail", proposal_id=city.proposal_id), cached=True),
    BenchPage(f"search „{SEARCH_WORD}“", lambda city: _in(city, "search:municipality_search", {"q": SEARCH_WORD})),
    BenchPage(f"search „{COMMON_WORD}“ (a tenth of the documents), nothing cached",
              lambda city: _in(city, "search:municipality_search", {"q": COMMON_WORD}), uncached=True),
    BenchPage("council paper list", lambda city: _in(city, "council_pages:papers"), cached=True),
    BenchPage("OParl paper list (JSON)", lambda city: _in(city, "council:paper_list"), cached=True),
    BenchPage("project list (in construction)", lambda city: _in(city, "projects:list", {"status": "in_construction"}),
              cached=True),
    BenchPage("digital-help calendar (coming dates)", lambda city: _in(city, "inclusion:list"), cached=True),
]


# Issue reports (kommune/reports): the public list and the Open311 GeoReport v2 request list (the last 90 days, at
# most 1,000 requests).
PAGES += [
    BenchPage("issue report list", lambda city: _in(city, "reports:list"), cached=True),
    BenchPage("Open311 requests (JSON)", lambda city: reverse("open311:requests_json") + "?" + urlencode(
        {"jurisdiction_id": city.municipality.slug}), visitors=(ANONYMOUS,)),
]

# Participation features (kommune/benchmark/consultations_city.py, surveys_city.py, methods_city.py,
# volunteering_city.py, adoptions_city.py, codesign_city.py): the consultation's reading view, its published
# consideration table (every comment with its answer, first page) and its most commented paragraph; the survey's
# results (aggregating every answer); the methods library; the coming volunteer shifts; the assets to adopt (first
# page); the co-designed services and the one with the most ratings.
PAGES += [
    BenchPage("consultation (reading view)",
              lambda city: _in(city, "consultations:detail", consultation_id=city.consultation_id), cached=True,
              needs="consultation_id"),
    BenchPage("consultation: consideration table",
              lambda city: _in(city, "consultations:considerations", consultation_id=city.consultation_id),
              cached=True, needs="consultation_id"),
    BenchPage("consultation: most commented paragraph",
              lambda city: _in(city, "consultations:paragraph", consultation_id=city.consultation_id,
                               paragraph_id=city.paragraph_id), needs="paragraph_id"),
    BenchPage("survey results", lambda city: _in(city, "surveys:results", survey_id=city.survey_id), cached=True,
              needs="survey_id"),
    BenchPage("methods library", lambda city: reverse("methods:library")),
    BenchPage("volunteer shifts (coming)", lambda city: _in(city, "volunteering:list"), cached=True),
    BenchPage("adoptions: assets", lambda city: _in(city, "adoptions:list"), cached=True),
    BenchPage("co-design: services", lambda city: _in(city, "codesign:list"), cached=True),
    BenchPage("co-design: most rated service",
              lambda city: _in(city, "codesign:detail", service_id=city.service_id), cached=True,
              needs="service_id"),
]

@dataclass
class Row:
    page: str
    visitor: str
    path: str
    uncached: bool = False  # each request another address (BenchPage.uncached)
    cache: str = "off"  # "hit" when the page cache answered the check request
    requests_per_second: float = 0.0
    latency_ms: dict = field(default_factory=dict)
    requests: int = 0
    errors: dict = field(default_factory=dict)
    cpu_ms_per_request: float | None = None  # of the app server's workers (not the database's)
    floor_before: float | None = None  # req/s of the visitor's floor, measured just before this page
    floor_requests_per_second: float | None = None  # what the page is compared with (see _adjacent_floors)
    ratio_to_floor: float | None = None
    target: str = ""
    met: bool | None = None
    note: str = ""


# --- The server -------------------------------------------------------------------------------------------------


class Server:
    """gunicorn as in production (sync workers, 2 × CPUs + 1), this process's environment, logs to a file."""

    def __init__(self, port: int, workers: int, threads: int, log: Path) -> None:
        self.port, self.workers, self.threads, self.log = port, workers, threads, log
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        command = [sys.executable, "-m", "gunicorn", "config.wsgi", "--bind", f"127.0.0.1:{self.port}",
                   "--workers", str(self.workers), "--backlog", "2048", "--log-level", "warning",
                   "--error-logfile", "-"]
        if self.threads > 1:
            command += ["--worker-class", "gthread", "--threads", str(self.threads)]
        self.log.parent.mkdir(parents=True, exist_ok=True)
        with self.log.open("w") as log:
            self.process = subprocess.Popen(command, cwd=settings.BASE_DIR, stdout=log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise CommandError(f"The server stopped at its start; see {self.log}.")
            try:
                if self.request("GET", "/healthz/")[0] == 200:
                    return
            except OSError:
                pass
            time.sleep(0.3)
        self.stop()
        raise CommandError(f"The server did not answer /healthz/ within a minute; see {self.log}.")

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()

    def request(self, method: str, path: str, *, cookies: str = "", body: str = "") -> tuple[int, dict, str]:
        client = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        headers = {"Cookie": cookies} if cookies else {}
        if body:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        client.request(method, path, body=body or None, headers=headers)
        response = client.getresponse()
        text = response.read().decode(errors="replace")
        headers_in: dict[str, str | list[str]] = {k.lower(): v for k, v in response.getheaders()}
        # Set-Cookie may come more than once.
        headers_in["set-cookie"] = [v for k, v in response.getheaders() if k.lower() == "set-cookie"]
        result = response.status, headers_in, text
        client.close()
        return result

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def cpu_seconds(self) -> float | None:
        """CPU time the workers have used so far (Linux /proc), to tell the cost of a request apart from the
        machine's load: on a busy machine the throughput falls, the CPU per request hardly moves."""
        if self.process is None:
            return None
        total, tick = 0.0, os.sysconf("SC_CLK_TCK")
        try:
            children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children").read_text().split()
            for pid in [self.process.pid, *children]:
                fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
                total += (int(fields[11]) + int(fields[12])) / tick  # utime, stime
        except (OSError, ValueError, IndexError):
            return None
        return total


def _cookies(set_cookie: list[str]) -> dict[str, str]:
    return dict(line.split(";", 1)[0].split("=", 1) for line in set_cookie)


def log_in(server: Server, email: str, password: str) -> str:
    """Log in once through the login form, as a browser does; returns the Cookie header of the session."""
    path = reverse("accounts:login")
    status, headers, text = server.request("GET", path)
    jar = _cookies(headers["set-cookie"])
    match = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', text)
    if status != 200 or not match:
        raise CommandError(f"The login page answered {status} without a form.")
    cookie = "; ".join(f"{k}={v}" for k, v in jar.items())
    body = urlencode({"csrfmiddlewaretoken": match.group(1), "username": email, "password": password})
    status, headers, _text = server.request("POST", path, cookies=cookie, body=body)
    jar.update(_cookies(headers["set-cookie"]))
    if status != 302 or settings.SESSION_COOKIE_NAME not in jar:
        raise CommandError(f"Logging in as {email} failed ({status}); was the city generated by generate_city?")
    return "; ".join(f"{k}={v}" for k, v in jar.items())


# --- wrk --------------------------------------------------------------------------------------------------------


def run_wrk(url: str, *, connections: int, seconds: float, cookies: str = "", requests_file: Path | None = None
            ) -> dict:
    command = ["wrk", "-t1", f"-c{connections}", f"-d{max(1, round(seconds))}s", "--timeout", "10s",
               "-s", str(WRK_SCRIPT), "-H", f"Accept-Encoding: {CLIENT_ACCEPT_ENCODING}"]
    if cookies:
        command += ["-H", f"Cookie: {cookies}"]
    command += [url, "--", str(requests_file) if requests_file else "-", "1"]
    output = subprocess.run(command, capture_output=True, text=True, check=False)
    for line in output.stdout.splitlines():
        if line.startswith("BENCH_RESULT "):
            return json.loads(line.removeprefix("BENCH_RESULT "))
    raise CommandError(f"wrk failed: {output.stderr or output.stdout}")


def run_wrk_requests(url: str, requests: Iterable[tuple[str, str, str, str]], *, connections: int, seconds: float,
                     folder: Path) -> dict:
    """``run_wrk`` where each request is the next of ``requests``: (method, path, cookie, body), written to the
    requests file that bench/wrk.lua reads, which is removed afterwards."""
    folder.mkdir(parents=True, exist_ok=True)
    requests_file = folder / f"requests-{os.getpid()}.tsv"
    with requests_file.open("w") as lines:
        for fields in requests:
            lines.write("\t".join(fields) + "\n")
    try:
        return run_wrk(url, connections=connections, seconds=seconds, requests_file=requests_file)
    finally:
        requests_file.unlink()


@dataclass(frozen=True)
class SupportCount:
    """The support benchmark's figures, exact: wrk stops at the end of its duration with up to one request per
    connection still on its way; the server handles those after wrk stopped and wrk never counts their answers.
    So the rows are counted after the server drained, against the requests wrk *sent* (each line of the requests
    file is another person and proposal, so each sent request inserts one row unless it is refused), and the rate
    counts only answers wrk received within its duration. An earlier version counted the rows at once against the
    answered requests and reported "1,393 supports inserted of 1,383 requests"."""

    sent: int  # requests of the file that wrk sent
    answered: int  # answers wrk received before it stopped
    inserted: int  # support rows after the server drained
    seconds: float
    wrapped: bool = False  # wrk used up the requests file and began again (those repeats are refused)

    @property
    def refused(self) -> int:
        return max(0, self.sent - self.inserted)

    @property
    def in_flight(self) -> int:
        return max(0, self.sent - self.answered)

    @property
    def per_second(self) -> float:
        """Supports answered within wrk's duration per second; requests sent but not inserted are assumed among the
        answered, so the figure is exact when every request sent inserted its row and a lower bound otherwise."""
        return round(max(0, self.answered - self.refused) / self.seconds, 1) if self.seconds else 0.0

    def note(self) -> str:
        text = (f"{self.inserted:,} supports inserted by the {self.sent:,} requests sent: {self.answered:,} answered "
                f"within the {self.seconds:.1f} s, {self.in_flight:,} in flight when wrk stopped (handled after)")
        if self.inserted > self.sent:
            text += "; MORE ROWS THAN REQUESTS SENT"
        elif self.refused:
            text += f"; {self.refused:,} sent but not inserted (refused, or cut off when wrk closed its connections)"
        if self.wrapped:
            text += "; the requests file was used up and began again"
        return text


def drained_count(count: Callable[[], int], *, expected: int, quiet: float = 1.0, timeout: float = 30) -> int:
    """``count()`` once the server has finished what was in flight: when it reaches ``expected``, or when it has
    not moved for ``quiet`` seconds (some requests were refused), at the latest after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    value, since = count(), time.monotonic()
    while value < expected and time.monotonic() < deadline and time.monotonic() - since < quiet:
        time.sleep(0.05)
        current = count()
        if current != value:
            value, since = current, time.monotonic()
    return value


def _cpu(row: Row, before: float | None, after: float | None) -> None:
    if before is not None and after is not None and row.requests:
        row.cpu_ms_per_request = round((after - before) * 1000 / row.requests, 2)


def _requests_per_second(result: dict) -> float:
    """Answers per second of a wrk run, those with an error status left out."""
    return round((result["requests"] - result["errors"].get("status", 0)) / (result["duration_us"] / 1e6), 1)


def _fill(row: Row, result: dict) -> None:
    failures = {k: v for k, v in result["errors"].items() if v}
    row.requests = result["requests"]
    row.requests_per_second = _requests_per_second(result)
    row.latency_ms = {name: round(value / 1000, 1) for name, value in result["latency_us"].items()}
    row.errors = failures


# --- The command ------------------------------------------------------------------------------------------------


class Command(BaseCommand):
    help = "Measure the pages on the generated city with the production server and wrk (see docs/benchmark.md)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--seconds", type=float, default=10, help="measuring time per page and visitor")
        parser.add_argument("--warmup", type=float, default=2, help="warm-up time per page and visitor")
        parser.add_argument("--connections", type=int, default=16, help="concurrent clients for the pages")
        parser.add_argument("--floor-seconds", type=float, default=3,
                            help="measuring time of the floor before each page (see docs/benchmark.md)")
        parser.add_argument("--workers", type=int, default=2 * (os.cpu_count() or 1) + 1)
        parser.add_argument("--threads", type=int, default=1, help="threads per worker (gthread when above 1)")
        parser.add_argument("--port", type=int, default=8765)
        parser.add_argument("--output", default=str(Path(settings.BASE_DIR) / "bench"))
        parser.add_argument("--no-supports", action="store_true", help="leave out the support benchmark")

    def handle(self, *args, **options) -> None:
        if shutil.which("wrk") is None:
            raise CommandError("wrk is not installed (Debian: apt-get install wrk); `make bench` installs it.")
        if settings.DEBUG:
            self.stderr.write(self.style.WARNING("DEBUG is on: the numbers will not be those of production."))
        city = generated_city()
        self.options = options
        out = Path(options["output"])
        server = Server(options["port"], options["workers"], options["threads"], out / "server.log")
        self.stdout.write(f"Benchmark on the {city.scale} city, {connection.vendor}, cache "
                          f"{settings.CACHES['default']['BACKEND'].rsplit('.', 1)[-1]}, page cache "
                          f"{settings.PAGE_CACHE_SECONDS} s; server: {options['workers']} workers × "
                          f"{options['threads']} threads on {os.cpu_count()} CPUs")
        pagecache.invalidate_all()  # pages cached by an earlier run may show other data
        started = time.perf_counter()
        server.start()
        try:
            resident = log_in(server, BENCH_USER_EMAIL, BENCH_PASSWORD)
            rows = self._pages(server, city, resident)
            if not options["no_supports"]:
                rows.append(self._supports(server, city))
        finally:
            server.stop()
        self._judge(rows)
        result = self._result(city, rows, time.perf_counter() - started)
        out.mkdir(parents=True, exist_ok=True)
        (out / "results.json").write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n")
        table = markdown_table(result)
        (out / "results.md").write_text(table)
        self.stdout.write("\n" + table)
        self.stdout.write(self.style.SUCCESS(f"Written to {out / 'results.json'} and {out / 'results.md'}."))

    # --- Pages ---

    def _pages(self, server: Server, city: City, resident: str) -> list[Row]:
        rows = []
        for page in [FLOOR, *PAGES, FLOOR_AGAIN]:
            if page.needs and getattr(city, page.needs) is None:
                self.stdout.write(f"{page.name}: skipped, this city was generated without its data")
                continue
            for visitor in page.visitors:
                name = page.name.format(comments=f"{city.comments:,}")
                row = Row(name, visitor, page.path(city), uncached=page.uncached)
                rows.append(row)
                self.stdout.write(f"{name}, {visitor} …")
                cookies = resident if visitor == RESIDENT else ""
                if page not in (FLOOR, FLOOR_AGAIN):
                    row.floor_before = self._floor_sample(server, city, cookies=cookies)
                self._measure(server, row, cookies=cookies)
        return rows

    def _floor_sample(self, server: Server, city: City, *, cookies: str) -> float:
        """The floor's req/s over a short time, for the page measured next (see _adjacent_floors)."""
        url = server.url + FLOOR.path(city)
        options = self.options
        run_wrk(url, connections=options["connections"], seconds=1, cookies=cookies)
        return _requests_per_second(run_wrk(url, connections=options["connections"],
                                            seconds=options["floor_seconds"], cookies=cookies))

    def _measure(self, server: Server, row: Row, *, cookies: str) -> None:
        status, headers, _text = server.request("GET", row.path, cookies=cookies)
        if status != 200:
            row.note = f"answered {status}"
            return
        if row.uncached:
            self._measure_uncached(server, row, cookies=cookies)
            return
        if not cookies:
            # The first request stored the page; the second tells whether the cache answers.
            row.cache = server.request("GET", row.path)[1].get(pagecache.HIT_HEADER.lower(), "off")
        url = server.url + row.path
        options = self.options
        run_wrk(url, connections=options["connections"], seconds=options["warmup"], cookies=cookies)
        before = server.cpu_seconds()
        _fill(row, run_wrk(url, connections=options["connections"], seconds=options["seconds"], cookies=cookies))
        _cpu(row, before, server.cpu_seconds())

    def _measure_uncached(self, server: Server, row: Row, *, cookies: str) -> None:
        """Every request another address (``&n=`` counts up), so that the view runs its queries each time; more
        addresses than the server can answer in the measuring time, so that wrk never starts again at the first."""
        options = self.options
        addresses = int(UNCACHED_REQUESTS_PER_SECOND * (options["seconds"] + options["warmup"]))
        before = server.cpu_seconds()
        result = run_wrk_requests(server.url + "/",
                                  (("GET", f"{row.path}&n={number}", cookies, "") for number in range(addresses)),
                                  connections=options["connections"], seconds=options["seconds"],
                                  folder=Path(options["output"]))
        _fill(row, result)
        _cpu(row, before, server.cpu_seconds())
        row.cache = "none (another address each request)"
        if result.get("wrapped"):
            row.note = "wrk ran out of addresses: later requests were cached"

    # --- Supports ---

    def _supports(self, server: Server, city: City) -> Row:
        """Each request: another verified resident supports another proposal, so every request inserts a row."""
        self.stdout.write(f"supports, {SUPPORT_CONNECTIONS} clients …")
        row = Row(f"support a proposal (POST, {SUPPORT_CONNECTIONS} clients)", "verified residents",
                  _in(city, "proposals:support", proposal_id=0).replace("/0/", "/<id>/"))
        supporters = list(User.objects.filter(email__startswith=BENCH_SUPPORTER_EMAIL.split("{")[0])
                          .order_by("pk"))
        pairs = self._support_pairs(city, supporters, needed=int(TARGET_SUPPORTS * 5 * self.options["seconds"]))
        if not pairs:
            row.note = "no open proposal left to support"
            return row
        cookies = self._sessions({user_id for user_id, _proposal in pairs}, supporters)
        requests = [("POST", _in(city, "proposals:support", proposal_id=proposal_id), cookies[user_id][0],
                     urlencode({"csrfmiddlewaretoken": cookies[user_id][1]})) for user_id, proposal_id in pairs]
        before = Support.objects.filter(user__in=supporters).count()
        cpu_before = server.cpu_seconds()
        result = run_wrk_requests(server.url + "/", requests, connections=SUPPORT_CONNECTIONS,
                                  seconds=self.options["seconds"], folder=Path(self.options["output"]))
        # Counted once the server has handled the requests still in flight when wrk stopped (see SupportCount).
        inserted = drained_count(lambda: Support.objects.filter(user__in=supporters).count() - before,
                                 expected=result["sent"])
        _fill(row, result)
        _cpu(row, cpu_before, server.cpu_seconds())
        count = SupportCount(sent=result["sent"], answered=result["requests"], inserted=inserted,
                             seconds=result["duration_us"] / 1e6, wrapped=bool(result.get("wrapped")))
        row.requests_per_second = count.per_second
        touched = {proposal_id for _user, proposal_id in pairs}
        wrong = (Proposal.objects.filter(pk__in=touched).annotate(rows=Count("supports"))
                 .exclude(online_supports=F("rows")).count())
        row.note = count.note() + ("; counters exact" if not wrong else f"; {wrong} COUNTERS WRONG")
        return row

    def _support_pairs(self, city: City, supporters: list[User], needed: int) -> list[tuple[int, int]]:
        """(resident, proposal) pairs not supported yet, interleaved so that parallel requests hit other proposals."""
        now = timezone.now()
        # Still collecting an hour from now, so that none closes while the benchmark runs.
        open_ids = list(Proposal.objects.filter(Proposal.collecting_q(now + timedelta(hours=1)),
                                                municipality=city.municipality)
                        .order_by("pk").values_list("pk", flat=True))
        done = set(Support.objects.filter(user__in=supporters).values_list("user_id", "proposal_id"))
        pairs = []
        for user in supporters:
            for proposal_id in open_ids:
                if (user.pk, proposal_id) not in done:
                    pairs.append((user.pk, proposal_id))
            if len(pairs) >= needed * 2:
                break
        # Round robin over the proposals: request n goes to proposal n mod P.
        by_proposal: dict[int, list] = {}
        for pair in pairs:
            by_proposal.setdefault(pair[1], []).append(pair)
        ordered: list[tuple[int, int]] = []
        while len(ordered) < needed and any(by_proposal.values()):
            for queue in by_proposal.values():
                if queue:
                    ordered.append(queue.pop())
        return ordered[:needed]

    def _sessions(self, user_ids: set[int], supporters: list[User]) -> dict[int, tuple[str, str]]:
        """A logged-in session and a CSRF token per resident, made as the login would make them (the login form
        itself would spend the benchmark's time on Argon2)."""
        store = import_string(f"{settings.SESSION_ENGINE}.SessionStore")
        cookies = {}
        for user in supporters:
            if user.pk not in user_ids:
                continue
            session = store()
            session[SESSION_KEY] = str(user.pk)
            session[BACKEND_SESSION_KEY] = SUPPORT_BACKEND
            session[HASH_SESSION_KEY] = user.get_session_auth_hash()
            session.create()
            request = RequestFactory().get("/")
            token = get_token(request)
            cookies[user.pk] = (f"{settings.SESSION_COOKIE_NAME}={session.session_key}; "
                                f"{settings.CSRF_COOKIE_NAME}={request.META['CSRF_COOKIE']}", token)
        return cookies

    # --- Results ---

    def _judge(self, rows: list[Row]) -> None:
        floors = _mean_floors(rows)
        _adjacent_floors(rows)
        for row in rows:
            if row.page.startswith("support"):
                row.ratio_to_floor = _ratio(row.requests_per_second, floors.get(RESIDENT))
                row.target = f"≥ {TARGET_SUPPORTS:,}/s on PostgreSQL"
                row.met = row.requests_per_second >= TARGET_SUPPORTS if connection.vendor == "postgresql" else None
                continue
            row.ratio_to_floor = _ratio(row.requests_per_second,
                                        row.floor_requests_per_second or floors.get(row.visitor))
            if row.page in FLOORS or row.ratio_to_floor is None:
                continue
            goal = TARGET_CACHED_RATIO if row.visitor == ANONYMOUS and row.cache == "hit" else TARGET_RATIO
            row.target = f"≥ {goal}"
            row.met = row.ratio_to_floor >= goal
            if row.page.startswith("search"):
                row.target += f", p95 ≤ {TARGET_SEARCH_P95_MS} ms"
                row.met = row.met and row.latency_ms.get("p95", float("inf")) <= TARGET_SEARCH_P95_MS

    def _result(self, city: City, rows: list[Row], seconds: float) -> dict:
        return {
            "measured_at": timezone.now().isoformat(timespec="seconds"),
            "scale": city.scale,
            "database": connection.vendor,
            "cache": settings.CACHES["default"]["BACKEND"],
            "page_cache_seconds": settings.PAGE_CACHE_SECONDS,
            "cpus": os.cpu_count(),
            "server": {"workers": self.options["workers"], "threads": self.options["threads"]},
            "connections": self.options["connections"],
            "support_connections": SUPPORT_CONNECTIONS,
            "seconds_per_measurement": self.options["seconds"],
            "municipality": city.municipality.slug,
            "proposal": city.proposal_id,
            "took_seconds": round(seconds, 1),
            "rows": [asdict(row) for row in rows],
        }


def _mean_floors(rows: list[Row]) -> dict[str, float]:
    """Each visitor's floor: the mean of the floor before and after the pages. The row after says how far it
    drifted from the one before."""
    measured: dict[str, list[Row]] = {}
    for row in rows:
        if row.page in FLOORS and row.requests_per_second:
            measured.setdefault(row.visitor, []).append(row)
    for before, *after in measured.values():
        if after:
            drift = after[0].requests_per_second / before.requests_per_second - 1
            after[0].note = (f"{drift:+.0%} against the floor before the pages"
                             + ("; THE MACHINE'S SPEED CHANGED DURING THE RUN" if abs(drift) > DRIFT_WARNING
                                else ""))
    return {visitor: sum(row.requests_per_second for row in floors) / len(floors)
            for visitor, floors in measured.items()}


def _adjacent_floors(rows: list[Row]) -> None:
    """Each page's floor: the mean of its visitor's floor measured just before it and the next one measured after it
    (before the visitor's next page, or the floor after all pages), so that a page measured while the machine was
    slow is compared with the machine as it was then."""
    for index, row in enumerate(rows):
        if row.floor_before is None:
            continue
        after = next((later.floor_before if later.floor_before is not None else later.requests_per_second
                      for later in rows[index + 1:]
                      if later.visitor == row.visitor and (later.floor_before is not None or later.page in FLOORS)),
                     None)
        row.floor_requests_per_second = round((row.floor_before + after) / 2 if after else row.floor_before, 1)


def _ratio(value: float, floor: float | None) -> float | None:
    return round(value / floor, 2) if floor else None


def _thousands(value: float | None) -> str:
    return f"{value:,.0f}" if value else "–"


def markdown_table(result: dict) -> str:
    lines = [f"Scale {result['scale']}, {result['database']}, {result['cpus']} CPUs, "
             f"{result['server']['workers']} workers, {result['connections']} clients per page "
             f"({result['support_connections']} for supports), {result['seconds_per_measurement']:g} s each, "
             f"{result['measured_at']}.", "",
             "| page | visitor | req/s | p50 ms | p95 ms | p99 ms | floor req/s | ratio to floor | target | met? "
             "| app CPU ms/req |",
             "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | --- | --- | ---: |"]
    for row in result["rows"]:
        visitor = row["visitor"] + (" (cached)" if row["cache"] == "hit" else "")
        latency = row["latency_ms"]
        met = {True: "yes", False: "**no**", None: "–"}[row["met"]]
        lines.append(f"| {row['page']} | {visitor} | {row['requests_per_second']:,.0f} | {latency.get('p50', '–')} "
                     f"| {latency.get('p95', '–')} | {latency.get('p99', '–')} | "
                     f"{_thousands(row.get('floor_requests_per_second'))} | "
                     f"{row['ratio_to_floor'] if row['ratio_to_floor'] is not None else '–'} | {row['target'] or '–'} "
                     f"| {met} | {row.get('cpu_ms_per_request') or '–'} |")
    notes = [f"- {row['page']}, {row['visitor']}: {row['note']}" for row in result["rows"] if row["note"]]
    return "\n".join(lines + ([""] + notes if notes else [])) + "\n"
