"""Open311 GeoReport v2 against a live server, with a third-party client: the ``georeport`` package from PyPI.

georeport 0.3.1 covers the reads (services, service definitions, requests, one request) in JSON and XML; it has
no call for POST requests nor for tokens/<token>. Those two are made here with ``requests``, written from the
spec (http://wiki.open311.org/GeoReport_v2/): a form-encoded POST with api_key, jurisdiction_id, service_code,
lat/long and attribute[code], and GET tokens/<token>.<format>.
"""

import io
from xml.etree import ElementTree

import pytest
import requests
from georeport import GeoReport
from PIL import Image

from kommune.reports import services
from kommune.reports.models import Report
from kommune.reports.open311 import ITEM_TAGS
from tests.factories_reports import ServiceFactory, api_key, lamp_service

KEY = "o311_geheimer-schluessel-der-app"
PERSONAL = ("anna.beispiel@example.org", "Anna", "Beispiel", "0251 123456")


def as_xml(value):
    """The JSON answer in the shape xmltodict reads from the XML answer: text values, and a list under its
    name as {item tag: [items]} (a single item without the list), so that both answers can be compared."""
    if isinstance(value, dict):
        return {key: _as_xml_value(key, item) for key, item in value.items()}
    return value


def _as_xml_value(key, value):
    if isinstance(value, list):
        items = [as_xml(item) if isinstance(item, dict) else _text(item) for item in value]
        return {ITEM_TAGS[key]: items[0] if len(items) == 1 else items} if items else None
    if isinstance(value, dict):
        return as_xml(value)
    return _text(value)


def _text(value):
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


@pytest.fixture
def server(live_server, musterstadt, anderstadt):
    lamp = lamp_service(musterstadt)
    ServiceFactory(municipality=musterstadt, code="schlagloch", name="Schlagloch", group="Straße",
                   keywords="Loch, Radweg")
    ServiceFactory(municipality=anderstadt, code="graffiti", name="Graffiti")
    api_key(musterstadt, KEY)
    api_key(anderstadt, "o311_schluessel-von-anderstadt")
    return {"root": live_server.url + "/open311/v2", "lamp": lamp}


def _post(root: str, fmt: str = "json", files=None, **fields):
    data = {"jurisdiction_id": "musterstadt", "api_key": KEY, "service_code": "strassenbeleuchtung",
            "lat": "51.961850", "long": "7.624310", "description": "Die Laterne vor der Schule ist dunkel.",
            "attribute[zustand]": "dunkel", "attribute[mastnummer]": "07-1142", "email": PERSONAL[0],
            "first_name": PERSONAL[1], "last_name": PERSONAL[2], "phone": PERSONAL[3]}
    data.update({key: value for key, value in fields.items() if value is not None})
    for key in [key for key, value in fields.items() if value is None]:
        data.pop(key, None)
    return requests.post(f"{root}/requests.{fmt}", data=data, files=files, timeout=30)


@pytest.mark.django_db(transaction=True)
def test_the_georeport_client_lists_posts_reads_back_and_follows_a_status_change(server, carol, musterstadt):
    root = server["root"]
    as_json = GeoReport(root, jurisdiction="musterstadt", output_format="json")
    as_xml_client = GeoReport(root, jurisdiction="musterstadt", output_format="xml")

    # Services: both of Musterstadt, none of Anderstadt; XML and JSON say the same.
    listed = as_json.get_service_list()
    assert [s["service_code"] for s in listed] == ["schlagloch", "strassenbeleuchtung"]
    assert listed[1]["metadata"] is True and listed[0]["metadata"] is False and listed[0]["type"] == "realtime"
    assert [as_xml(s) for s in listed] == as_xml_client.get_service_list()

    # The service definition with its attributes and values.
    definition = as_json.get_service_definition("strassenbeleuchtung")
    assert [a["code"] for a in definition["attributes"]] == ["mastnummer", "zustand"]
    assert definition["attributes"][1]["values"] == [{"key": "dunkel", "name": "Lampe ist dunkel"},
                                                     {"key": "flackert", "name": "Lampe flackert"}]
    assert as_xml(definition) == as_xml_client.get_service_definition("strassenbeleuchtung")

    # POST (spec client): 201 with the id and a token.
    response = _post(root)
    assert response.status_code == 201, response.text
    created = response.json()
    assert len(created) == 1 and set(created[0]) == {"service_request_id", "token", "service_notice", "account_id"}
    request_id = created[0]["service_request_id"]
    report = Report.objects.get(pk=int(request_id))
    assert report.source == Report.Source.OPEN311 and report.attributes == {"zustand": "dunkel",
                                                                            "mastnummer": "07-1142"}
    assert report.contact_email == PERSONAL[0]  # kept for the staff, never given out

    # tokens/<token> leads to the request.
    by_token = requests.get(f"{root}/tokens/{created[0]['token']}.json",
                            params={"jurisdiction_id": "musterstadt"}, timeout=30).json()
    assert by_token == [{"service_request_id": request_id, "token": created[0]["token"]}]

    # Read back with the client, in both formats.
    read = as_json.get_service_request(request_id)
    assert read["status"] == "open" and read["service_code"] == "strassenbeleuchtung"
    assert read["lat"] == 51.96185 and read["long"] == 7.62431
    assert read["description"] == "Die Laterne vor der Schule ist dunkel."
    assert as_xml(read) == as_xml_client.get_service_request(request_id)

    # The staff close it with a note; the client sees the change.
    services.do_change_status(report=report, actor=carol, status=Report.Status.CLOSED, note="Leuchtmittel getauscht.")
    read = as_json.get_service_request(request_id)
    assert read["status"] == "closed" and read["status_notes"] == "Leuchtmittel getauscht."
    assert as_xml(read) == as_xml_client.get_service_request(request_id)
    closed = as_json.get_service_requests(status="closed")
    assert [r["service_request_id"] for r in closed] == [request_id]
    assert as_json.get_service_requests(status="open") == []
    assert [as_xml(r) for r in as_json.get_service_requests()] == [as_xml_client.get_service_requests()]

    # No personal data anywhere in the output.
    for path in ("requests.json", "requests.xml", f"requests/{request_id}.json", f"requests/{request_id}.xml"):
        body = requests.get(f"{root}/{path}", params={"jurisdiction_id": "musterstadt"}, timeout=30).text
        assert not any(value in body for value in PERSONAL), path


@pytest.mark.django_db(transaction=True)
def test_the_request_filters_of_the_spec(server, musterstadt):
    root = server["root"]
    first = _post(root).json()[0]["service_request_id"]
    second = _post(root, service_code="schlagloch", **{"attribute[zustand]": None}).json()[0]["service_request_id"]
    client = GeoReport(root, jurisdiction="musterstadt")
    assert [r["service_request_id"] for r in client.get_service_requests(service_code="schlagloch")] == [second]
    ids = f"{first},{second}"
    assert {r["service_request_id"] for r in client.get_service_requests(service_request_id=ids)} == {first, second}
    # service_request_id overrides the other filters.
    assert len(client.get_service_requests(service_request_id=first, service_code="schlagloch")) == 1
    assert client.get_service_requests(start_date="2000-01-01T00:00:00Z", end_date="2000-02-01T00:00:00Z") == []
    assert len(client.get_service_requests(start_date="2020-01-01T00:00:00Z")) == 2
    too_long = requests.get(f"{root}/requests.json", params={"jurisdiction_id": "musterstadt", "start_date":
                            "2026-01-01T00:00:00Z", "end_date": "2026-12-01T00:00:00Z"}, timeout=30)
    assert too_long.status_code == 400 and "90 days" in too_long.json()[0]["description"]
    # Another jurisdiction sees none of them.
    assert GeoReport(root, jurisdiction="anderstadt").get_service_requests() == []


def _big_photo() -> bytes:
    """A valid JPEG of more than 10 MB (noise does not compress)."""
    import os

    image = Image.frombytes("RGB", (2400, 2400), os.urandom(2400 * 2400 * 3))
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=100)
    data = buffer.getvalue()
    return data if len(data) > 10 * 1024 * 1024 else data + b"\0" * (10 * 1024 * 1024 + 1 - len(data))


@pytest.mark.parametrize("fmt", ["json", "xml"])
@pytest.mark.django_db(transaction=True)
def test_bad_posts_get_the_spec_error_and_create_nothing(server, fmt):
    root = server["root"]
    cases = [
        ("wrong key", 403, {"api_key": "o311_falsch"}, None),
        ("key of another jurisdiction", 403, {"api_key": "o311_schluessel-von-anderstadt"}, None),
        ("no key", 403, {"api_key": None}, None),
        ("missing location", 400, {"lat": None, "long": None}, None),
        ("unknown service code", 404, {"service_code": "gibt-es-nicht"}, None),
        ("no service code", 400, {"service_code": None}, None),
        ("required attribute missing", 400, {"attribute[zustand]": None}, None),
        ("oversized photo", 413, {}, {"media": ("foto.jpg", _big_photo(), "image/jpeg")}),
        ("not a photo", 400, {}, {"media": ("foto.jpg", b"<script>alert(1)</script>", "image/jpeg")}),
        ("unknown jurisdiction", 404, {"jurisdiction_id": "nirgendwo"}, None),
    ]
    for name, status, fields, files in cases:
        response = _post(root, fmt, files=files, **fields)
        assert response.status_code == status, (name, response.text)
        if fmt == "json":
            assert response.headers["Content-Type"].startswith("application/json")
            errors = response.json()
        else:
            assert response.headers["Content-Type"].startswith("text/xml")
            document = ElementTree.fromstring(response.content)
            assert document.tag == "errors"
            errors = [{"code": int(e.findtext("code")), "description": e.findtext("description")}
                      for e in document.findall("error")]
        assert len(errors) == 1 and errors[0]["code"] == status and errors[0]["description"], name
    assert Report.objects.count() == 0


@pytest.mark.django_db(transaction=True)
def test_a_photo_is_stored_without_its_metadata(server):
    exif = Image.Exif()
    exif[0x010F] = "Kamerahersteller"
    exif[0x8825] = {1: "N", 2: (51.0, 57.0, 42.66), 3: "E", 4: (7.0, 37.0, 27.5)}
    image = Image.new("RGB", (40, 30), "orange")
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", exif=exif)
    response = _post(server["root"], files={"media": ("foto.jpg", buffer.getvalue(), "image/jpeg")})
    assert response.status_code == 201, response.text
    read = GeoReport(server["root"], jurisdiction="musterstadt").get_service_request(
        response.json()[0]["service_request_id"])
    photo = requests.get(read["media_url"], timeout=30)
    assert photo.status_code == 200 and photo.headers["Content-Type"] == "image/jpeg"
    assert b"Kamerahersteller" not in photo.content
    assert not Image.open(io.BytesIO(photo.content)).getexif()


HOSTILE = ["\x00", "' OR 1=1 --", "<x>&", "9" * 400, "-1", "1e999", "nan", "../../etc/passwd", "%00", "ü" * 5000]


@pytest.mark.django_db(transaction=True)
def test_hostile_input_never_gives_a_server_error(server):
    root = server["root"]
    for value in HOSTILE:
        for fmt in ("json", "xml"):
            gets = [
                requests.get(f"{root}/requests.{fmt}", params={"jurisdiction_id": value}, timeout=30),
                requests.get(f"{root}/requests.{fmt}", params={"jurisdiction_id": "musterstadt", "service_request_id":
                             value, "start_date": value, "status": value}, timeout=30),
                requests.get(f"{root}/requests.{fmt}", params={"jurisdiction_id": "musterstadt", "end_date": value},
                             timeout=30),
                requests.get(f"{root}/services/{requests.utils.quote(value, safe='')}.{fmt}",
                             params={"jurisdiction_id": "musterstadt"}, timeout=30),
                requests.get(f"{root}/requests/{requests.utils.quote(value, safe='')}.{fmt}",
                             params={"jurisdiction_id": "musterstadt"}, timeout=30),
                requests.get(f"{root}/tokens/{requests.utils.quote(value, safe='')}.{fmt}",
                             params={"jurisdiction_id": "musterstadt"}, timeout=30),
                _post(root, fmt, lat=value, long=value),
                _post(root, fmt, description=value, **{"attribute[zustand]": value}),
                _post(root, fmt, description=value, address_string=value, **{"attribute[mastnummer]": value,
                                                                             f"attribute[{value}]": value}),
                _post(root, fmt, service_code=value, media_url=value),
            ]
            for response in gets:
                assert response.status_code < 500, (value, response.url, response.text[:300])
    deep = requests.post(f"{root}/requests.json", data="a[" * 5000 + "=1", timeout=30,
                         headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert deep.status_code < 500
    many = requests.post(f"{root}/requests.json", data="&".join(f"f{i}=1" for i in range(5000)), timeout=30,
                         headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert many.status_code in (400, 413) and many.json()[0]["code"] == many.status_code
    assert requests.get(f"{root}/discovery.xml", timeout=30).status_code == 200


@pytest.mark.django_db(transaction=True)
def test_the_cached_request_list_follows_every_change_of_its_jurisdiction(server, carol, settings):
    settings.PAGE_CACHE_SECONDS = 300
    root = server["root"]
    client = GeoReport(root, jurisdiction="musterstadt", output_format="json")
    others = GeoReport(root, jurisdiction="anderstadt", output_format="json")
    assert client.get_service_requests() == [] and others.get_service_requests() == []
    listed = requests.get(f"{root}/requests.json", params={"jurisdiction_id": "musterstadt"}, timeout=30)
    assert listed.headers["X-Page-Cache"] == "hit"

    request_id = _post(root).json()[0]["service_request_id"]
    assert [r["service_request_id"] for r in client.get_service_requests()] == [request_id]
    assert others.get_service_requests() == []
    services.do_change_status(report=Report.objects.get(pk=int(request_id)), actor=carol,
                              status=Report.Status.CLOSED, note="Leuchtmittel getauscht.")
    assert [r["status"] for r in client.get_service_requests()] == ["closed"]

    # A jurisdiction_id that is not a plain slug is answered by the view every time, never from the cache.
    padded = requests.get(f"{root}/requests.json", params={"jurisdiction_id": " musterstadt "}, timeout=30)
    assert [r["service_request_id"] for r in padded.json()] == [request_id] and "X-Page-Cache" not in padded.headers


def test_a_long_cached_list_reaches_the_client_compressed(server, settings):
    """requests (under georeport) asks for gzip: the cached list of a jurisdiction with a few reports comes
    compressed, and the client reads the same requests from it as from the plain answer."""
    settings.PAGE_CACHE_SECONDS = 300
    root = server["root"]
    posted = {_post(root, description=f"Laterne {number} vor der Schule ist dunkel.").json()[0]["service_request_id"]
              for number in range(4)}
    client = GeoReport(root, jurisdiction="musterstadt", output_format="json")
    assert {r["service_request_id"] for r in client.get_service_requests()} == posted
    packed = requests.get(f"{root}/requests.json", params={"jurisdiction_id": "musterstadt"}, timeout=30)
    assert packed.headers["X-Page-Cache"] == "hit" and packed.headers["Content-Encoding"] == "gzip"
    plain = requests.get(f"{root}/requests.json", params={"jurisdiction_id": "musterstadt"}, timeout=30,
                         headers={"Accept-Encoding": "identity"})
    assert "Content-Encoding" not in plain.headers and packed.json() == plain.json()
    assert {r["service_request_id"] for r in client.get_service_requests()} == posted
