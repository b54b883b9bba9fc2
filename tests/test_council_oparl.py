"""The OParl 1.1 server (kommune/council): a crawl from the System object validates every object against the official
schemas; pagination, filters, deleted objects, CORS, file headers, tenants and bad input."""

import gzip
import json
from datetime import timedelta
from urllib.parse import quote

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from kommune.core import pagecache
from kommune.council.demo import seed_council
from kommune.council.models import File, Meeting, Membership, Organization, Paper, Person
from kommune.council.oparl import KINDS
from kommune.council.pdf import extract_text
from kommune.council.services import do_save_council_object
from tests.factories_council import council, council_file
from tests.oparl_schema import validate_object

pytestmark = pytest.mark.django_db

SYSTEM = "/oparl/v1.1/system"
SERVER = "http://testserver"
NOT_FOLLOWED = ("accessUrl", "downloadUrl")  # files, not OParl objects: tested on their own below


def get(client: Client, url: str, **params) -> dict:
    response = client.get(url.removeprefix(SERVER), params)
    assert response.status_code == 200, (url, response.status_code, response.content[:300])
    assert response["Content-Type"] == "application/json"
    return response.json()


def body_url(municipality) -> str:
    return f"/oparl/v1.1/body/{municipality.slug}"


class Crawl:
    """Everything reachable from the System object: each list followed through ``next`` to its end, each object
    URL found fetched and validated with everything embedded in it."""

    def __init__(self, client: Client) -> None:
        self.client = client
        self.seen: set[str] = set()
        self.validated = 0
        self.objects: dict[str, dict] = {}
        self.list_pages = 0

    def run(self, url: str) -> "Crawl":
        queue = [url]
        while queue:
            url = queue.pop()
            if url in self.seen:
                continue
            self.seen.add(url)
            data = get(self.client, url)
            queue += self.visit(data)
        return self

    def visit(self, data: dict) -> list[str]:
        if "data" in data:  # a list page
            self.list_pages += 1
            assert set(data) >= {"data", "pagination", "links"}
            pagination, links = data["pagination"], data["links"]
            if pagination["currentPage"] < pagination["totalPages"]:
                assert "next" in links, links
            else:
                assert "next" not in links, links
            found = [links["next"]] if "next" in links else []
            for obj in data["data"]:
                found += self.object(obj)
            return found
        return self.object(data)

    def object(self, obj: dict) -> list[str]:
        self.validated += validate_object(obj)
        self.objects[obj["id"]] = obj
        return list(_urls(obj))


def _urls(value, key: str = "") -> list[str]:
    if isinstance(value, str):
        return [value] if value.startswith(f"{SERVER}/oparl/") and key not in NOT_FOLLOWED else []
    if isinstance(value, list):
        return [url for item in value for url in _urls(item, key)]
    if isinstance(value, dict):
        return [url for name, item in value.items() for url in _urls(item, name)]
    return []


def test_a_crawl_from_the_system_object_validates_every_object(client, musterstadt, anderstadt, settings):
    settings.OPARL_PAGE_SIZE = 7  # several pages in most lists
    seed_council(municipality=musterstadt)
    council(anderstadt, size=3)

    crawl = Crawl(client).run(SERVER + SYSTEM)

    types = [obj["type"].rsplit("/", 1)[1] for obj in crawl.objects.values()]
    counts = {name: types.count(name) for name in set(types)}
    print(f"\nOParl crawl: {crawl.validated} objects validated (with embedded ones), {len(crawl.objects)} distinct "
          f"objects, {crawl.list_pages} list pages: {dict(sorted(counts.items()))}")
    assert counts["Body"] == 2
    assert counts["Paper"] == 10 + 3
    assert counts["Meeting"] == 18 + 3  # a year of demo meetings
    assert counts["Person"] == 12 + 3
    assert {"System", "LegislativeTerm", "Organization", "Membership", "AgendaItem", "Consultation", "File",
            "Location"} <= set(counts)
    assert crawl.list_pages > len(KINDS) * 2  # the lists were followed past their first page


def test_the_demo_council_of_musterstadt(client, musterstadt):
    seed_council(municipality=musterstadt)
    seed_council(municipality=musterstadt)  # idempotent

    committees = set(Organization.objects.filter(municipality=musterstadt, organization_type="Gremium")
                     .values_list("name", flat=True))
    assert committees == {"Rat der Stadt Musterstadt", "Hauptausschuss", "Ausschuss für Umwelt und Verkehr"}
    assert Person.objects.filter(municipality=musterstadt).count() == 12
    assert Meeting.objects.filter(municipality=musterstadt, meeting_state=Meeting.State.DONE).count() >= 6
    paper = Paper.objects.get(municipality=musterstadt, reference="VO/2026/014")
    assert [c.role for c in paper.consultations.order_by("pk")] == ["Vorberatung", "Entscheidung"]
    main = paper.files.get(role=File.Role.MAIN)
    content = main.file.read()
    assert content.startswith(b"%PDF-") and "Radverkehrskonzept" in extract_text(content)  # rendered by WeasyPrint
    assert "25 Kilometer neue Radwege" in main.text


def test_the_pdf_cross_reference_points_at_its_objects(musterstadt):
    file = council_file(musterstadt, "Prüfung (Test)")
    content = file.file.read()
    xref = int(content.rsplit(b"startxref\n", 1)[1].split(b"\n")[0])
    rows = content[xref:].split(b"\n")[3:10]
    for number, row in enumerate(rows, start=1):
        offset = int(row.split(b" ")[0])
        assert content[offset:].startswith(b"%d 0 obj" % number)


# --- Lists and pagination -------------------------------------------------------------------------------------


def test_pages_link_first_prev_next_last_and_keep_the_filters(client, musterstadt):
    council(musterstadt, size=5)
    since = (timezone.now() - timedelta(days=1)).isoformat()
    url = f"{body_url(musterstadt)}/paper"

    first = get(client, url, elementsPerPage=2, created_since=since)
    middle = get(client, first["links"]["next"])
    last = get(client, first["links"]["last"])

    assert first["pagination"] == {"totalElements": 5, "elementsPerPage": 2, "currentPage": 1, "totalPages": 3}
    assert "prev" not in first["links"] and "next" in first["links"]
    assert middle["pagination"]["currentPage"] == 2
    assert middle["links"]["prev"] == first["links"]["self"]
    assert last["links"]["prev"] == middle["links"]["self"] and "next" not in last["links"]
    assert "created_since=" in last["links"]["first"] and "elementsPerPage=2" in last["links"]["first"]
    ids = [obj["id"] for page in (first, middle, last) for obj in page["data"]]
    assert ids == sorted(ids, key=lambda url: int(url.rsplit("/", 1)[1])) and len(set(ids)) == 5


def test_more_objects_per_page_than_the_server_gives_are_the_servers_number(client, musterstadt, settings):
    settings.OPARL_PAGE_SIZE = 2
    council(musterstadt, size=3)

    data = get(client, f"{body_url(musterstadt)}/paper", elementsPerPage=1000)

    assert data["pagination"]["elementsPerPage"] == 2 and len(data["data"]) == 2 and "next" in data["links"]


def test_an_empty_list_is_one_page_without_next(client, musterstadt):
    data = get(client, f"{body_url(musterstadt)}/meeting")

    assert data["data"] == [] and data["pagination"]["totalPages"] == 1 and "next" not in data["links"]


def test_a_page_beyond_the_last_is_a_json_404(client, musterstadt):
    council(musterstadt, size=1)

    response = client.get(f"{body_url(musterstadt)}/paper", {"page": 2})

    assert response.status_code == 404 and "error" in response.json()


# --- Filters ----------------------------------------------------------------------------------------------------


@pytest.fixture
def dated_papers(musterstadt):
    """Three papers created and modified 30, 20 and 10 days ago."""
    papers = council(musterstadt, size=3).papers
    now = timezone.now()
    for days, paper in zip((30, 20, 10), papers, strict=True):
        Paper.objects.filter(pk=paper.pk).update(created=now - timedelta(days=days),
                                                 modified=now - timedelta(days=days - 5))
    return papers


def _names(client, municipality, **params) -> list[str]:
    return [paper["name"] for paper in get(client, f"{body_url(municipality)}/paper", **params)["data"]]


@pytest.mark.parametrize(("name", "days", "expected"), [
    ("created_since", 25, ["Vorlage 1", "Vorlage 2"]),
    ("created_until", 25, ["Vorlage 0"]),
    ("modified_since", 10, ["Vorlage 2"]),
    ("modified_until", 10, ["Vorlage 0", "Vorlage 1"]),
])
def test_each_filter(client, musterstadt, dated_papers, name, days, expected):
    moment = timezone.localtime(timezone.now() - timedelta(days=days)).isoformat(timespec="seconds")

    assert _names(client, musterstadt, **{name: moment}) == expected


def test_filters_combine_and_accept_an_unencoded_plus(client, musterstadt, dated_papers):
    since = timezone.localtime(timezone.now() - timedelta(days=25)).isoformat(timespec="seconds")
    until = timezone.localtime(timezone.now() - timedelta(days=15)).isoformat(timespec="seconds")

    response = client.get(f"{body_url(musterstadt)}/paper?created_since={since}&created_until={quote(until)}")

    assert [paper["name"] for paper in response.json()["data"]] == ["Vorlage 1"]


def test_deleted_objects_appear_only_under_modified_since(client, musterstadt):
    papers = council(musterstadt, size=2).papers
    papers[0].deleted = True
    papers[0].save()
    long_ago = (timezone.now() - timedelta(days=365)).isoformat()

    plain = get(client, f"{body_url(musterstadt)}/paper")["data"]
    synced = get(client, f"{body_url(musterstadt)}/paper", modified_since=long_ago)["data"]
    until = get(client, f"{body_url(musterstadt)}/paper", modified_until=timezone.now().isoformat())["data"]
    single = get(client, f"{body_url(musterstadt)}/paper/{papers[0].pk}")

    assert [paper["name"] for paper in plain] == ["Vorlage 1"]
    assert [paper["name"] for paper in until] == ["Vorlage 1"]
    assert [paper.get("deleted", False) for paper in synced] == [True, False]
    assert single["deleted"] is True and "name" not in single
    validate_object(synced[0])
    validate_object(single)


def test_a_deleted_file_leaves_its_paper(client, musterstadt):
    built = council(musterstadt, size=1)
    File.objects.filter(paper=built.papers[0]).update(deleted=True)
    Membership.objects.filter(person=built.people[0]).update(deleted=True)

    paper = get(client, f"{body_url(musterstadt)}/paper/{built.papers[0].pk}")
    person = get(client, f"{body_url(musterstadt)}/person/{built.people[0].pk}")

    assert "mainFile" not in paper and "membership" not in person


def test_omit_internal_leaves_out_embedded_objects(client, musterstadt):
    council(musterstadt, size=1)

    full = get(client, f"{body_url(musterstadt)}/paper")["data"][0]
    short = get(client, f"{body_url(musterstadt)}/paper", omit_internal="true")["data"][0]
    meeting = get(client, f"{body_url(musterstadt)}/meeting", omit_internal="true")["data"][0]

    assert {"mainFile", "consultation", "location"} <= set(full)
    assert not {"mainFile", "consultation", "location"} & set(short)
    assert not {"agendaItem", "invitation", "location"} & set(meeting)
    validate_object(short)
    validate_object(meeting)


@pytest.mark.parametrize("query", [
    "created_since=gestern", "modified_until=2024-13-45T00:00:00", "modified_since=", "created_since=%00",
    "elementsPerPage=0", "elementsPerPage=abc", "page=0", "page=-1",
    "page=99999999999999999999999", "omit_internal=vielleicht", "created_until=9999999999-01-01T00:00:00",
    "elementsPerPage=%C2%B2", "page=%D9%A1", "modified_since=9999-12-31T23:59:59-12:00",
    "modified_since=0001-01-01T00:00:00%2B05:00", "created_since=2024-01-01T00:00:00%2B99:00",
    "created_since=" + "9" * 5000,
])
def test_bad_parameters_are_a_json_400(client, musterstadt, query):
    council(musterstadt, size=1)

    for url in (f"{body_url(musterstadt)}/paper", f"{body_url(musterstadt)}/meeting"):
        response = client.get(f"{url}?{query}")
        assert response.status_code == 400, (query, response.status_code)
        assert response["Content-Type"] == "application/json" and response.json()["error"]["message"]


@pytest.mark.parametrize("query", ["created_since=gestern", "modified_until=1.1.2026", "omit_internal=2"])
def test_bad_parameters_on_the_body_list_are_a_json_400(client, musterstadt, query):
    response = client.get(f"/oparl/v1.1/body?{query}")

    assert response.status_code == 400 and response.json()["error"]["message"]


def test_a_bad_omit_internal_on_an_object_is_a_json_400(client, musterstadt):
    paper = council(musterstadt, size=1).papers[0]

    for url in (body_url(musterstadt), f"{body_url(musterstadt)}/paper/{paper.pk}"):
        assert client.get(url, {"omit_internal": "2"}).status_code == 400


def test_unknown_objects_and_bodies_are_404(client, musterstadt):
    assert client.get(f"{body_url(musterstadt)}/paper/999999").status_code == 404
    assert client.get("/oparl/v1.1/body/gibt-es-nicht").status_code == 404
    assert client.get(f"{body_url(musterstadt)}/paper/99999999999999999999999").status_code == 404


def test_writes_are_not_allowed(client, musterstadt):
    assert client.post(SYSTEM).status_code == 405
    assert client.post(f"{body_url(musterstadt)}/paper").status_code == 405


# --- Tenants --------------------------------------------------------------------------------------------------


def test_a_body_lists_only_its_own_objects(client, musterstadt, anderstadt):
    own = council(musterstadt, size=2)
    foreign = council(anderstadt, size=2)

    for kind in KINDS:
        data = get(client, f"{body_url(musterstadt)}/{kind}")["data"]
        assert data and all(obj["id"].startswith(f"{SERVER}{body_url(musterstadt)}/") for obj in data)
    ids = {obj["id"] for obj in get(client, f"{body_url(musterstadt)}/paper")["data"]}
    assert ids == {f"{SERVER}{body_url(musterstadt)}/paper/{paper.pk}" for paper in own.papers}
    for url in (f"paper/{foreign.papers[0].pk}", f"file/{foreign.files[0].pk}/download",
                f"file/{foreign.files[0].pk}/access", f"meeting/{foreign.meetings[0].pk}"):
        assert client.get(f"{body_url(musterstadt)}/{url}").status_code == 404


def test_the_system_lists_every_body(client, musterstadt, anderstadt):
    council(musterstadt, size=1)
    system = get(client, SYSTEM)
    bodies = get(client, system["body"])

    assert [body["ags"] for body in bodies["data"]] == ["05999000", "06999000"]
    assert bodies["data"][0]["legislativeTerm"][0]["name"] == "Wahlperiode 2025–2030"
    assert bodies["data"][1]["legislativeTerm"] == []


# --- CORS and files -------------------------------------------------------------------------------------------


def test_any_page_may_read_the_server_but_not_write(client, musterstadt):
    read = client.get(SYSTEM, HTTP_ORIGIN="https://oparl-client.example")
    preflight = client.options(f"{body_url(musterstadt)}/paper", HTTP_ORIGIN="https://oparl-client.example",
                               HTTP_ACCESS_CONTROL_REQUEST_METHOD="GET")
    write = client.options(f"{body_url(musterstadt)}/paper", HTTP_ORIGIN="https://oparl-client.example",
                           HTTP_ACCESS_CONTROL_REQUEST_METHOD="POST")

    assert read["Access-Control-Allow-Origin"] == "*"
    assert preflight["Access-Control-Allow-Origin"] == "*" and "POST" not in preflight["Access-Control-Allow-Methods"]
    assert "Access-Control-Allow-Origin" not in write


def test_download_url_is_an_attachment_and_access_url_is_not(client, musterstadt):
    council(musterstadt, size=1)
    file = get(client, f"{body_url(musterstadt)}/file")["data"][0]

    download = client.get(file["downloadUrl"].removeprefix(SERVER))
    access = client.get(file["accessUrl"].removeprefix(SERVER))

    assert download.status_code == access.status_code == 200
    assert download["Content-Disposition"].startswith("attachment;") and file["fileName"] in \
        download["Content-Disposition"]
    assert "Content-Disposition" not in access
    assert download["Content-Type"] == access["Content-Type"] == "application/pdf"
    assert b"".join(access.streaming_content).startswith(b"%PDF")


def test_a_deleted_file_is_not_served(client, musterstadt):
    file = council(musterstadt, size=1).files[0]
    File.objects.filter(pk=file.pk).update(deleted=True)

    assert client.get(f"{body_url(musterstadt)}/file/{file.pk}/download").status_code == 404


# --- Queries --------------------------------------------------------------------------------------------------


def _queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        get(client, url)
    return len(queries)


@pytest.mark.parametrize("kind", list(KINDS))
def test_a_page_costs_the_same_queries_for_few_and_many_objects(client, musterstadt, anderstadt, kind):
    council(musterstadt, size=2)
    council(anderstadt, size=12)

    few = _queries(client, f"{body_url(musterstadt)}/{kind}")
    many = _queries(client, f"{body_url(anderstadt)}/{kind}")

    assert few == many, (kind, few, many)


def test_the_validation_catches_a_broken_embedded_object_and_bad_formats(client, musterstadt):
    council(musterstadt, size=1)
    paper = get(client, f"{body_url(musterstadt)}/paper")["data"][0]
    without_access = {**paper, "mainFile": {k: v for k, v in paper["mainFile"].items() if k != "accessUrl"}}

    with pytest.raises(Exception, match="accessUrl"):
        validate_object(without_access)
    with pytest.raises(Exception, match="date-time"):
        validate_object({**paper, "modified": "2026-01-01T10:00:00"})  # no offset
    with pytest.raises(Exception, match="url"):
        validate_object({**paper, "body": "Musterstadt"})


# --- Admin --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("model", ["legislativeterm", "location", "organization", "person", "membership", "meeting",
                                   "agendaitem", "paper", "consultation", "file"])
def test_staff_enter_council_data_in_the_admin(admin_client, musterstadt, model):
    council(musterstadt, size=2)

    changelist = admin_client.get(f"/admin/council/{model}/")
    add = admin_client.get(f"/admin/council/{model}/add/")

    assert changelist.status_code == add.status_code == 200
    assert b"Musterstadt" in changelist.content


def test_a_logged_in_client_gets_the_cached_lists_too(client, musterstadt, alice, settings):
    """OParl answers are the same for everyone: a client with a session gets them from the page cache as well,
    and a council event renews them for it."""
    settings.PAGE_CACHE_SECONDS = 300
    council(musterstadt, size=2)
    client.force_login(alice)
    url = f"{body_url(musterstadt)}/paper"
    assert client.get(url)[pagecache.HIT_HEADER] == "miss"
    assert client.get(url)[pagecache.HIT_HEADER] == "hit"
    do_save_council_object(municipality=musterstadt, model=Paper, oparl_id="https://ris.example/paper/neu",
                           fields={"name": "Neuer Antrag", "paper_type": "Antrag"})
    fresh = client.get(url)
    assert fresh[pagecache.HIT_HEADER] == "miss" and fresh.json()["pagination"]["totalElements"] == 3


def test_a_client_that_accepts_gzip_gets_the_cached_list_compressed(client, musterstadt, settings):
    """A hit sends the bytes compressed when the page was stored (browsers, requests and ckanapi all accept gzip);
    the list inside is the same, and a client that does not say so gets it plain."""
    settings.PAGE_CACHE_SECONDS = 300
    council(musterstadt, size=3)
    url = f"{body_url(musterstadt)}/paper"
    plain = client.get(url)
    assert plain[pagecache.HIT_HEADER] == "miss" and "Content-Encoding" not in plain

    packed = client.get(url, HTTP_ACCEPT_ENCODING="gzip, deflate")
    assert packed[pagecache.HIT_HEADER] == "hit" and packed["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in packed["Vary"] and len(packed.content) < len(plain.content) / 2
    assert gzip.decompress(packed.content) == plain.content
    for paper in json.loads(gzip.decompress(packed.content))["data"]:
        validate_object(paper)

    unpacked = client.get(url, HTTP_ACCEPT_ENCODING="identity")
    assert unpacked[pagecache.HIT_HEADER] == "hit" and "Content-Encoding" not in unpacked
    assert unpacked.content == plain.content and "Accept-Encoding" in unpacked["Vary"]
