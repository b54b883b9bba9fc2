"""The open-data catalogue: upload checks, services, previews, the public pages, management and permissions."""

import hashlib
import io
import json
import re
import tracemalloc
from contextlib import nullcontext
from datetime import date, datetime
from pathlib import Path

import openpyxl
import pytest
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from kommune.core.search.models import SearchDocument
from kommune.opendata import selectors, services
from kommune.opendata.models import Dataset, Frequency, License, Resource
from kommune.opendata.uploads import check_file, detect_text_type, table_schema
from tests.factories import OrganisationFactory
from tests.factories_opendata import CSV, GEOJSON, DatasetFactory, ResourceFactory, file_resource, published_dataset

pytestmark = pytest.mark.django_db

LATIN1_CSV = "Stadtteil;Einwohner\nSüdstadt;15210\nNördliche Altstadt;3400\nGroßfeld;800\n".encode("latin-1")
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def upload(name: str, content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content)


def xlsx(rows: list[list]) -> bytes:
    workbook = openpyxl.Workbook()
    for row in rows:
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def media_files() -> set[Path]:
    return {path for path in Path(settings.MEDIA_ROOT).rglob("*") if path.is_file()}


@pytest.fixture
def dataset(musterstadt, carol) -> Dataset:
    return services.do_create_dataset(
        municipality=musterstadt, actor=carol, title="Einwohner nach Stadtteil",
        description="Wie viele Menschen in welchem Stadtteil wohnen.", contact_name="Amt für Statistik",
        contact_email="statistik@musterstadt.example", keywords=["Bevölkerung", "Statistik"], themes=["SOCI"])


def snapshot(dataset: Dataset) -> tuple:
    dataset.refresh_from_db()
    return (dataset.modified_at, list(Resource.objects.values_list("pk", "checksum_sha256")), media_files())


def refused(dataset: Dataset, actor, name: str, content: bytes, format: str) -> str:
    """Upload through the service; it must fail, change nothing and say why (in English)."""
    before = snapshot(dataset)
    with translation.override("en"), pytest.raises(ValidationError) as caught:
        services.do_add_resource(dataset=dataset, actor=actor, title="Die Daten", format=format,
                                 file=upload(name, content))
    assert snapshot(dataset) == before
    return " ".join(caught.value.message_dict["file"]).replace("\xa0", " ")  # sizes have a no-break space


# --- Upload checks ------------------------------------------------------------------------------------------


@override_settings(OPENDATA_MAX_UPLOAD_MB=1)
def test_an_oversized_upload_is_refused_with_the_limit_and_changes_nothing(dataset, carol):
    message = refused(dataset, carol, "gross.csv", b"a;b\n" + b"1;2\n" * 300_000, "CSV")

    assert "1.1 MB" in message and "at most 1.0 MB" in message


def test_a_latin1_csv_is_refused_naming_its_encoding_and_asking_for_utf8(dataset, carol):
    message = refused(dataset, carol, "einwohner.csv", LATIN1_CSV, "CSV")

    assert "not encoded as UTF-8" in message and "save it as UTF-8" in message
    assert "Windows-1252" in message or "ISO-8859-1" in message


def test_a_wrong_encoding_deep_in_a_long_csv_is_found(dataset, carol):
    content = b"a;b\n" + "Straße;1\n".encode() * 20_000 + "Müller;2\n".encode("cp1252")

    assert "not encoded as UTF-8" in refused(dataset, carol, "lang.csv", content, "CSV")


@pytest.mark.parametrize(("name", "content", "format", "expected"), [
    ("bericht.pdf", PDF, "CSV", "You chose the format CSV, but the file is a PDF file."),
    ("tabelle.csv", CSV, "XLSX", "the file is not a XLSX file"),
    ("daten.json", b'{"a": 1}', "PDF", "the file is a JSON file. Please choose the format JSON"),
    ("notizen.txt", b"Nur Text", "PDF", "the file is not a PDF file"),
    ("tabelle.xlsx", xlsx([["a"], [1]]), "JSON", "the file is a XLSX file"),
])
def test_a_file_in_another_format_than_declared_is_refused(dataset, carol, name, content, format, expected):
    assert expected in refused(dataset, carol, name, content, format)


def test_broken_json_is_refused_with_the_place_of_the_error(dataset, carol):
    message = refused(dataset, carol, "daten.json", b'{"name": "Brunnen",\n "plz": }', "JSON")

    assert "not valid JSON" in message and "line 2, column 9" in message


def test_the_place_of_a_json_error_counts_characters_after_a_byte_order_mark(dataset, carol):
    content = b"\xef\xbb\xbf" + '{"Straße": "Größer",\n  "Öffnung": ]}'.encode()

    message = refused(dataset, carol, "daten.json", content, "JSON")

    assert "not valid JSON" in message and "line 2, column 14" in message  # as Python's json module counts


@pytest.mark.parametrize("content", [b'{"name": "Brunnen"} {"name": "Bank"}', b'{"wert": NaN}', b'[1, 2'])
def test_json_with_trailing_data_a_constant_or_an_open_end_is_refused(dataset, carol, content):
    assert "not valid JSON" in refused(dataset, carol, "daten.json", content, "JSON")


@pytest.mark.parametrize("content", [b'[{"name": "Brunnen"}]', b'{"name": {"type": "FeatureCollection"}}',
                                     b'{"features": [], "type": 7}', b'"FeatureCollection"'])
def test_json_that_is_not_geojson_is_refused_as_geojson(dataset, carol, content):
    message = refused(dataset, carol, "orte.geojson", content, "GEOJSON")

    assert "not GeoJSON" in message and "FeatureCollection" in message


def test_the_type_of_a_geojson_may_come_after_its_features(dataset, carol):
    content = b'{"features": [{"type": "Feature", "geometry": null, "properties": {}}], "type": "FeatureCollection"}'

    resource = services.do_add_resource(dataset=dataset, actor=carol, title="Orte", format="GEOJSON",
                                        file=upload("orte.geojson", content))

    assert resource.byte_size == len(content)


def test_a_fake_pdf_is_refused(dataset, carol):
    assert "not a PDF file" in refused(dataset, carol, "bericht.pdf", b"Kein PDF, nur Text.", "PDF")


def test_a_broken_workbook_is_refused(dataset, carol):
    message = refused(dataset, carol, "tabelle.xlsx", b"PK\x03\x04" + b"\x00" * 200, "XLSX")

    assert "could not be opened as an Excel workbook" in message


def test_an_empty_file_is_refused(dataset, carol):
    assert "The file is empty" in refused(dataset, carol, "leer.csv", b"", "CSV")


def test_a_file_and_a_link_at_once_are_refused(dataset, carol):
    with translation.override("en"), pytest.raises(ValidationError) as caught:
        services.do_add_resource(dataset=dataset, actor=carol, title="Beides", format="CSV",
                                 file=upload("a.csv", CSV), url="https://daten.example/a.csv")
    assert "not both" in " ".join(caught.value.message_dict["file"])
    assert not Resource.objects.exists()


def test_an_upload_is_stored_with_checksum_size_media_type_and_schema(dataset, carol):
    resource = services.do_add_resource(dataset=dataset, actor=carol, title="Einwohner 2025", format="CSV",
                                        file=upload("einwohner.csv", b"\xef\xbb\xbf" + CSV))

    content = b"\xef\xbb\xbf" + CSV
    assert resource.checksum_sha256 == hashlib.sha256(content).hexdigest()
    assert resource.byte_size == len(content)
    assert resource.media_type == "text/csv"
    assert resource.encoding == "utf-8"
    with resource.file.open("rb") as stored:
        assert stored.read() == content
    assert [(f["name"], f["type"]) for f in resource.table_schema["fields"]] == [
        ("Stadtteil", "string"), ("Einwohner", "integer"), ("Fläche km²", "number"), ("Stichtag", "date")]
    assert resource.table_schema["fields"][2]["decimalChar"] == ","
    assert resource.table_schema["fields"][3]["format"] == "%d.%m.%Y"
    dataset.refresh_from_db()
    assert dataset.modified_at > dataset.created_at


@pytest.mark.parametrize(("format", "content", "media_type", "encoding"), [
    ("JSON", b'{"brunnen": [1, 2.5, true, null]}', "application/json", "utf-8"),
    ("GEOJSON", GEOJSON, "application/geo+json", "utf-8"),
    ("PDF", PDF, "application/pdf", ""),
    ("XLSX", xlsx([["a"], [1]]), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", ""),
])
def test_every_format_gets_its_media_type(dataset, carol, format, content, media_type, encoding):
    resource = services.do_add_resource(dataset=dataset, actor=carol, title=f"Datei {format}", format=format,
                                        file=upload(f"datei.{format.lower()}", content))

    assert (resource.media_type, resource.encoding, resource.byte_size) == (media_type, encoding, len(content))
    assert resource.checksum_sha256 == hashlib.sha256(content).hexdigest()


def test_a_link_is_stored_without_a_file(dataset, carol):
    resource = services.do_add_resource(dataset=dataset, actor=carol, title="Ratsbeschlüsse", format="PDF",
                                        url="https://rat.musterstadt.example/beschluesse.pdf")

    assert not resource.file and resource.download_url == "https://rat.musterstadt.example/beschluesse.pdf"
    assert resource.media_type == "application/pdf" and resource.byte_size is None


def test_column_types_are_detected_from_the_values():
    header = ["id", "betrag", "betrag_de", "aktiv", "tag", "tag_de", "zeit", "plz", "name", "", "id", "leer"]
    rows = [["1", "2.5", "1.234,5", "true", "2025-01-31", "31.01.2025", "2025-01-31T10:00:00", "01067", "Ahorn",
             "x", "7", ""],
            ["-20", "3", "12", "FALSE", "2024-02-29", "01.02.2024", "2025-02-01 08:30", "59990", "Birke", "", "", ""]]

    schema = table_schema(header, rows, detect_text_type)

    assert [(f["name"], f["type"]) for f in schema["fields"]] == [
        ("id", "integer"), ("betrag", "number"), ("betrag_de", "number"), ("aktiv", "boolean"), ("tag", "date"),
        ("tag_de", "date"), ("zeit", "datetime"), ("plz", "string"), ("name", "string"), ("field_10", "string"),
        ("id_2", "integer"), ("leer", "string")]


def test_workbook_columns_get_their_types(dataset, carol):
    content = xlsx([["Jahr", "Betrag", "Gebucht", "Datum", "Konto"],
                    [2025, 1234.5, True, datetime(2025, 1, 31), "A-1"],  # noqa: DTZ001 (spreadsheet cells are naive)
                    [2026, 99, False, datetime(2026, 3, 1), "B-2"]])  # noqa: DTZ001

    resource = services.do_add_resource(dataset=dataset, actor=carol, title="Haushalt", format="XLSX",
                                        file=upload("haushalt.xlsx", content))

    assert [f["type"] for f in resource.table_schema["fields"]] == ["integer", "number", "boolean", "date", "string"]


def test_checking_a_large_csv_streams_it():
    row = "Musterstadt;12345;Ein längerer Text, damit die Zeile etwas Platz braucht;2025-01-01\n".encode()
    content = ContentFile(b"ort;zahl;text;tag\n" + row * 100_000, name="gross.csv")  # about 9 MB
    tracemalloc.start()
    try:
        checked = check_file(content, "CSV")
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()

    assert checked.byte_size > 8_000_000
    assert peak < 3_000_000, f"checking used {peak} bytes"


@pytest.mark.parametrize("broken", [False, True])
def test_checking_a_large_geojson_streams_it(broken):
    feature = '{"type": "Feature", "properties": {"name": "Trinkbrunnen am Marktplatz Süd"}, ' \
              '"geometry": {"type": "Point", "coordinates": [7.4651, 51.5136]}}'
    text = '{"type": "FeatureCollection", "features": [' + ",\n".join([feature] * 70_000) + "]}"  # about 9 MB
    content = ContentFile(text.encode()[:-1] if broken else text.encode(), name="gross.geojson")
    tracemalloc.start()
    try:
        with translation.override("en"), pytest.raises(ValidationError) if broken else nullcontext() as caught:
            checked = check_file(content, "GEOJSON")
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()

    if broken:
        assert f"premature EOF (line 70000, column {len(feature) + 2})" in caught.value.messages[0]
    else:
        assert checked.byte_size > 9_000_000
    assert peak < 3_000_000, f"checking used {peak} bytes"


# --- Services -------------------------------------------------------------------------------------------------


def test_publishing_needs_a_resource_and_sets_issued_and_modified(dataset, carol):
    with translation.override("en"), pytest.raises(ValidationError, match="at least one file or link"):
        services.do_publish_dataset(dataset=dataset, actor=carol)
    services.do_add_resource(dataset=dataset, actor=carol, title="Tabelle", format="CSV", file=upload("a.csv", CSV))

    services.do_publish_dataset(dataset=dataset, actor=carol)
    dataset.refresh_from_db()
    issued = dataset.issued_at
    services.do_unpublish_dataset(dataset=dataset, actor=carol)
    services.do_publish_dataset(dataset=dataset, actor=carol)

    dataset.refresh_from_db()
    assert dataset.is_published and dataset.issued_at == issued and dataset.modified_at > issued


def test_updating_sets_modified_and_checks_the_fields(dataset, carol, musterstadt, anderstadt):
    before = dataset.modified_at
    services.do_update_dataset(dataset=dataset, actor=carol, keywords=["Statistik", " statistik ", "Wahl"],
                               themes=["GOVE", "SOCI"], license=License.CC_ZERO,
                               accrual_periodicity=Frequency.ANNUAL)
    dataset.refresh_from_db()
    assert dataset.keywords == ["Statistik", "Wahl"] and dataset.themes == ["GOVE", "SOCI"]
    assert dataset.modified_at > before

    with translation.override("en"), pytest.raises(ValidationError) as caught:
        services.do_update_dataset(dataset=dataset, actor=carol, title="", themes=["XXX"],
                                   temporal_start=date(2025, 1, 1), temporal_end=date(2024, 1, 1),
                                   publisher=OrganisationFactory(municipality=anderstadt), contact_email="kaputt")
    assert set(caught.value.message_dict) == {"title", "themes", "temporal_end", "publisher", "contact_email"}
    dataset.refresh_from_db()
    assert dataset.title == "Einwohner nach Stadtteil" and dataset.modified_at > before


def test_the_last_resource_of_a_published_dataset_stays(dataset, carol):
    resource = services.do_add_resource(dataset=dataset, actor=carol, title="Tabelle", format="CSV",
                                        file=upload("a.csv", CSV))
    services.do_publish_dataset(dataset=dataset, actor=carol)

    with pytest.raises(ValidationError):
        services.do_delete_resource(resource=resource, actor=carol)
    assert Resource.objects.filter(pk=resource.pk).exists()


def test_replacing_a_file_keeps_the_resource_and_checks_the_new_file(dataset, carol,
                                                                    django_capture_on_commit_callbacks):
    resource = services.do_add_resource(dataset=dataset, actor=carol, title="Tabelle", format="CSV",
                                        file=upload("a.csv", CSV))
    old_name = resource.file.name
    with pytest.raises(ValidationError):
        services.do_replace_resource_file(resource=resource, actor=carol, file=upload("b.csv", LATIN1_CSV))

    new = b"Stadtteil;Einwohner\nAltstadt;1\n"
    with django_capture_on_commit_callbacks(execute=True):
        services.do_replace_resource_file(resource=resource, actor=carol, file=upload("b.csv", new))

    resource.refresh_from_db()
    assert resource.checksum_sha256 == hashlib.sha256(new).hexdigest() and resource.byte_size == len(new)
    assert not resource.file.storage.exists(old_name)


def test_deleting_a_dataset_removes_its_files(dataset, carol, django_capture_on_commit_callbacks):
    resource = services.do_add_resource(dataset=dataset, actor=carol, title="Tabelle", format="CSV",
                                        file=upload("a.csv", CSV))
    path = Path(resource.file.path)

    with django_capture_on_commit_callbacks(execute=True):
        services.do_delete_dataset(dataset=dataset, actor=carol)

    assert not Dataset.objects.exists() and not path.exists()


@pytest.mark.parametrize("persona", ["alice", "bob", "dave"])
def test_only_staff_of_the_municipality_manage_datasets(request, persona, musterstadt, dataset):
    person = request.getfixturevalue(persona)
    before = snapshot(dataset)

    for call in (
        lambda: services.do_create_dataset(municipality=musterstadt, actor=person, title="X", description="Y",
                                           contact_name="Z", contact_email="z@example.org"),
        lambda: services.do_update_dataset(dataset=dataset, actor=person, title="Übernommen"),
        lambda: services.do_add_resource(dataset=dataset, actor=person, title="X", format="CSV",
                                         file=upload("a.csv", CSV)),
        lambda: services.do_publish_dataset(dataset=dataset, actor=person),
        lambda: services.do_delete_dataset(dataset=dataset, actor=person),
    ):
        with pytest.raises(PermissionDenied):
            call()
    assert snapshot(dataset) == before and Dataset.objects.count() == 1


def test_erin_the_admin_manages_datasets_too(dataset, erin):
    services.do_update_dataset(dataset=dataset, actor=erin, title="Neu")
    assert Dataset.objects.get().title == "Neu"


# --- Generated datasets -------------------------------------------------------------------------------------


def put(musterstadt, *, title="Bürgervorschläge", files=None):
    return services.do_put_generated_dataset(
        municipality=musterstadt, generated_key="participation:proposals", title=title,
        description="Alle Vorschläge.", keywords=["Bürgerbeteiligung"], themes=["GOVE"],
        files=files if files is not None else [
            ("proposals.csv", ContentFile(b"id,title\n1,Mehr B\xc3\xa4ume\n"), "CSV",
             {"fields": [{"name": "id", "type": "integer"}, {"name": "title", "type": "string"}]}),
            ("proposals.json", ContentFile(b'[{"id": 1}]'), "JSON", None)])


def test_a_generated_dataset_is_created_published_and_idempotent(musterstadt):
    dataset = put(musterstadt)
    resources = list(Resource.objects.filter(dataset=dataset).values_list("pk", "title", "checksum_sha256"))
    files = media_files()

    again = put(musterstadt)

    assert again.pk == dataset.pk and again.is_published and again.issued_at
    assert again.license == settings.OPENDATA_RECORDS_LICENSE
    assert again.modified_at == dataset.modified_at and media_files() == files
    assert list(Resource.objects.filter(dataset=dataset).values_list("pk", "title", "checksum_sha256")) == resources
    assert Resource.objects.get(title="proposals.csv").table_schema["fields"][0] == {"name": "id", "type": "integer"}


def test_a_generated_dataset_keeps_its_slug_and_resource_ids_when_it_changes(musterstadt):
    dataset = put(musterstadt)
    csv_id = Resource.objects.get(title="proposals.csv").pk

    changed = put(musterstadt, title="Vorschläge der Bürgerschaft", files=[
        ("proposals.csv", ContentFile(b"id,title\n1,Mehr B\xc3\xa4ume\n2,Radweg\n"), "CSV", None)])

    assert changed.slug == dataset.slug == "buergervorschlaege" and changed.title == "Vorschläge der Bürgerschaft"
    assert changed.modified_at > dataset.modified_at
    assert list(Resource.objects.filter(dataset=dataset).values_list("pk", flat=True)) == [csv_id]
    csv_resource, content = Resource.objects.get(pk=csv_id), b"id,title\n1,Mehr B\xc3\xa4ume\n2,Radweg\n"
    assert csv_resource.byte_size == len(content) and csv_resource.file.read() == content
    assert [f["type"] for f in csv_resource.table_schema["fields"]] == ["integer", "string"]


def test_a_generated_file_is_read_from_its_path_and_only_its_first_bytes_are_checked(musterstadt, tmp_path):
    # Not valid JSON at its end: the job's own files are not checked like uploads, only their first bytes.
    (tmp_path / "a.json").write_bytes(b'[{"id": 1}, ')
    (tmp_path / "b.json").write_bytes(b"%PDF-1.4 kein JSON")
    dataset = put(musterstadt, files=[("a.json", tmp_path / "a.json", "JSON", None)])
    assert Resource.objects.get(dataset=dataset).checksum_sha256 == hashlib.sha256(b'[{"id": 1}, ').hexdigest()
    before, files = list(Resource.objects.values_list("pk", "title", "checksum_sha256")), media_files()

    with pytest.raises(ValidationError):
        put(musterstadt, files=[("b.json", tmp_path / "b.json", "JSON", None)])

    assert list(Resource.objects.values_list("pk", "title", "checksum_sha256")) == before and media_files() == files


def test_a_generated_dataset_is_read_only_for_staff(musterstadt, carol, client):
    dataset = put(musterstadt)

    for call in (lambda: services.do_update_dataset(dataset=dataset, actor=carol, title="Anders"),
                 lambda: services.do_unpublish_dataset(dataset=dataset, actor=carol),
                 lambda: services.do_delete_dataset(dataset=dataset, actor=carol),
                 lambda: services.do_add_resource(dataset=dataset, actor=carol, title="X", format="CSV",
                                                  url="https://x.example/a.csv")):
        with pytest.raises(ValidationError) as caught:
            call()
        assert caught.value.code == "generated"
    log_in_english(client, carol)
    page = client.get(reverse("opendata:manage_edit", args=[musterstadt.slug, dataset.slug])).content.decode()
    assert "generated from the participation records" in page and 'name="title"' not in page


# --- Previews -------------------------------------------------------------------------------------------------


def test_the_table_preview_reads_only_the_first_rows(musterstadt):
    # After the first 100 KB the file is not even text: a preview that read the whole file would fail.
    rows = "".join(f"Ort {n};{n}\n" for n in range(10_000)).encode()
    resource = file_resource(published_dataset(musterstadt), b"Ort;Zahl\n" + rows + b"\xff\xfe" * 500_000,
                             table_schema={"fields": [{"name": "Ort", "type": "string"},
                                                      {"name": "Zahl", "type": "integer"}]})

    preview = selectors.resource_preview(resource, rows=20)

    assert [(c.name, c.type) for c in preview.columns] == [("Ort", "string"), ("Zahl", "integer")]
    assert len(preview.rows) == 20 and preview.rows[0] == ["Ort 0", "0"] and not preview.unreadable


def test_the_workbook_preview_shows_the_first_rows(musterstadt):
    content = xlsx([["Jahr", "Datum"]] + [[2000 + n, datetime(2025, 1, n + 1)] for n in range(30)])  # noqa: DTZ001
    resource = file_resource(published_dataset(musterstadt), content, "XLSX",
                             table_schema={"fields": [{"name": "Jahr", "type": "integer"},
                                                      {"name": "Datum", "type": "date"}]})

    preview = selectors.resource_preview(resource, rows=5)

    assert len(preview.rows) == 5 and preview.rows[0] == ["2000", "2025-01-01"]


def test_the_geojson_preview_summarises_the_features(musterstadt):
    resource = file_resource(published_dataset(musterstadt), GEOJSON, "GEOJSON")

    geo = selectors.geojson_preview(resource)

    assert geo.shows_map and geo.feature_count == 2 and geo.geometry_types == [("Point", 2)]
    assert geo.bbox == (7.4651, 51.5071, 7.4802, 51.5136)


def test_a_large_geojson_gets_no_map(musterstadt):
    many = json.dumps({"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {}, "geometry": {"type": "Point", "coordinates": [7, 51]}}
    ] * (selectors.MAP_MAX_FEATURES + 1)}).encode()
    too_many = file_resource(published_dataset(musterstadt), many, "GEOJSON")
    too_large = file_resource(published_dataset(musterstadt), GEOJSON, "GEOJSON")
    Resource.objects.filter(pk=too_large.pk).update(byte_size=selectors.MAP_MAX_BYTES + 1)
    too_large.refresh_from_db()

    assert selectors.geojson_preview(too_many).too_big and not selectors.geojson_preview(too_many).shows_map
    assert selectors.geojson_preview(too_large).too_big


# --- Public pages ---------------------------------------------------------------------------------------------


@pytest.fixture
def english(client):
    client.cookies["kommune_language"] = "en"
    return client


def log_in_english(client, user) -> None:
    """Logged in, the language comes from the person's profile, not from the cookie."""
    user.language = "en"
    user.save(update_fields=["language"])
    client.force_login(user)


def test_the_dataset_page_shows_metadata_preview_and_map(english, musterstadt):
    musterstadt.regional_key = "059990000000"
    musterstadt.save()
    dataset = published_dataset(musterstadt, title="Einwohner", temporal_start=date(2025, 1, 1),
                                temporal_end=date(2025, 12, 31), accrual_periodicity=Frequency.ANNUAL)
    table = file_resource(dataset)
    geo = file_resource(dataset, GEOJSON, "GEOJSON", title="Trinkbrunnen")

    response = english.get(dataset.get_absolute_url())

    page = response.content.decode()
    assert response.status_code == 200
    assert 'href="http://dcat-ap.de/def/licenses/dl-by-de/2.0"' in page
    assert "Musterstadt (official municipality key 05999000), regional key 059990000000" in page
    assert "annually" in page and "Population and society" in page and "Bevölkerung" in page
    assert "The first 3 rows of “Einwohner nach Stadtteil”" in page
    assert '<th scope="col" class="kern-table__header">Einwohner<span class="column-type">whole number</span>' in page
    assert table.checksum_sha256 in page and table.download_url in page
    assert "The file contains 2 features: 2 points." in page
    assert f'data-geojson-url="{geo.download_url}"' in page and "leaflet/leaflet.js" in page


def test_an_unpublished_dataset_is_only_for_staff(client, musterstadt, carol):
    dataset = DatasetFactory(municipality=musterstadt)
    resource = file_resource(dataset)

    assert client.get(dataset.get_absolute_url()).status_code == 404
    assert client.get(resource.download_url).status_code == 404
    client.force_login(carol)
    assert client.get(dataset.get_absolute_url()).status_code == 200
    assert client.get(resource.download_url).status_code == 200


def test_the_download_streams_the_file_with_its_type_and_name(client, musterstadt):
    resource = file_resource(published_dataset(musterstadt))

    response = client.get(resource.download_url)

    assert response.status_code == 200 and b"".join(response.streaming_content) == CSV
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="einwohner-nach-stadtteil.csv"'
    wrong_name = resource.download_url.replace("einwohner-nach-stadtteil.csv", "alt.csv")
    assert client.get(wrong_name)["Location"] == resource.download_url


def test_a_file_is_found_by_its_name_next_to_another_file_of_the_dataset(client, musterstadt):
    # As a data package's relative paths are resolved against the package's own address.
    dataset = published_dataset(musterstadt)
    package = file_resource(dataset, b'{"resources": [{"path": "trinkbrunnen.geojson"}]}', "JSON", title="paket")
    file_resource(dataset, GEOJSON, "GEOJSON", title="Trinkbrunnen")

    response = client.get(package.download_url.replace("paket.json", "trinkbrunnen.geojson"))

    assert response.status_code == 200 and b"".join(response.streaming_content) == GEOJSON
    assert response["Content-Type"] == "application/geo+json; charset=utf-8"


TITLE = re.compile(r'dataset-card__title"[^>]*>\s*<a class="kern-link" href="[^"]*">([^<]*)</a>')


def listed(response) -> list[str]:
    assert response.status_code == 200
    return sorted(TITLE.findall(response.content.decode()))


def test_catalogue_search_and_filters(english, musterstadt, anderstadt):
    budget = published_dataset(musterstadt, title="Haushaltsplan 2026", keywords=["Haushalt", "Finanzen"],
                               themes=["ECON", "GOVE"], description="Erträge und Aufwendungen.")
    fountains = published_dataset(musterstadt, title="Trinkbrunnen", keywords=["Wasser", "Straße"],
                                  themes=["ENVI"], description="Standorte der öffentlichen Trinkbrunnen.")
    file_resource(budget)
    file_resource(fountains, GEOJSON, "GEOJSON")
    DatasetFactory(municipality=musterstadt, title="Haushalt Entwurf", keywords=["Haushalt"])  # unpublished
    published_dataset(anderstadt, title="Haushalt Anderstadt", keywords=["Haushalt"])
    url = reverse("opendata:catalogue", args=[musterstadt.slug])

    def titles(**params) -> list[str]:
        return listed(english.get(url, params))

    assert titles() == ["Haushaltsplan 2026", "Trinkbrunnen"]
    assert titles(q="haushalt") == ["Haushaltsplan 2026"]
    assert titles(q="öffentlichen") == ["Trinkbrunnen"]
    assert titles(q="Straße") == ["Trinkbrunnen"]  # a keyword with a non-ASCII letter
    assert titles(theme="GOVE") == ["Haushaltsplan 2026"]
    assert titles(format="GEOJSON") == ["Trinkbrunnen"]
    assert titles(keyword="Straße") == ["Trinkbrunnen"]
    assert titles(keyword="Haus") == []  # a keyword matches whole
    assert titles(theme="GOVE", format="GEOJSON") == []
    page = english.get(url).content.decode()
    assert "Economy and finance (1)" in page and "GeoJSON (1)" in page and "Haushalt (1)" in page


def test_a_bad_cursor_gets_a_clear_page(english, musterstadt):
    response = english.get(reverse("opendata:catalogue", args=[musterstadt.slug]), {"cursor": "kaputt"})
    assert response.status_code == 400 and "invalid position" in response.content.decode()


def _datasets_with_resources(municipality, count: int) -> None:
    for number in range(count):
        dataset = published_dataset(municipality, title=f"Datensatz {number}", keywords=[f"K{number}"])
        file_resource(dataset)
        ResourceFactory(dataset=dataset)


def test_the_catalogue_query_count_does_not_grow(client, musterstadt, django_assert_num_queries):
    url = reverse("opendata:catalogue", args=[musterstadt.slug])
    _datasets_with_resources(musterstadt, 3)
    with CaptureQueriesContext(connection) as few:
        client.get(url, {"q": "Datensatz"})
    _datasets_with_resources(musterstadt, 37)

    with django_assert_num_queries(len(few.captured_queries)):
        response = client.get(url, {"q": "Datensatz"})
    assert len(listed(response)) == selectors.PAGE_SIZE


def test_the_dataset_page_query_count_does_not_grow(client, musterstadt, django_assert_num_queries):
    dataset = published_dataset(musterstadt)
    file_resource(dataset)
    with CaptureQueriesContext(connection) as few:
        client.get(dataset.get_absolute_url())
    for _number in range(10):
        ResourceFactory(dataset=dataset)

    with django_assert_num_queries(len(few.captured_queries)):
        client.get(dataset.get_absolute_url())


def test_the_home_page_shows_the_newest_datasets(client, musterstadt):
    for number in range(4):
        published_dataset(musterstadt, title=f"Datensatz Nummer {number}",
                          issued_at=timezone.now() + timezone.timedelta(minutes=number))

    page = client.get(musterstadt.get_absolute_url()).content.decode()

    assert "Datensatz Nummer 3" in page and "Datensatz Nummer 1" in page and "Datensatz Nummer 0" not in page
    assert reverse("opendata:catalogue", args=[musterstadt.slug]) in page


def test_published_datasets_are_found_by_the_search(dataset, carol):
    services.do_add_resource(dataset=dataset, actor=carol, title="Tabelle", format="CSV", file=upload("a.csv", CSV))
    assert not SearchDocument.objects.filter(kind="dataset").exists()

    services.do_publish_dataset(dataset=dataset, actor=carol)
    assert SearchDocument.objects.filter(kind="dataset", object_id=dataset.pk).exists()

    services.do_unpublish_dataset(dataset=dataset, actor=carol)
    assert not SearchDocument.objects.filter(kind="dataset").exists()


# --- Management -----------------------------------------------------------------------------------------------


def test_staff_create_a_dataset_with_the_form(english, musterstadt, carol):
    log_in_english(english, carol)
    response = english.post(reverse("opendata:manage_create", args=[musterstadt.slug]), {
        "title": "Haushaltsplan 2026", "description": "Der Haushalt.", "contact_name": "Kämmerei",
        "contact_email": "kaemmerei@musterstadt.example", "keywords": "Haushalt, Finanzen ,, haushalt",
        "themes": ["ECON", "GOVE"], "license": "dl-by-de/2.0", "temporal_start": "2026-01-01",
        "temporal_end": "2026-12-31", "accrual_periodicity": "ANNUAL"})

    dataset = Dataset.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("opendata:manage_add_resource", args=[musterstadt.slug, dataset.slug])
    assert dataset.slug == "haushaltsplan-2026" and dataset.keywords == ["Haushalt", "Finanzen"]
    assert dataset.themes == ["ECON", "GOVE"] and dataset.temporal_end == date(2026, 12, 31)
    assert not dataset.is_published and dataset.created_by == carol


def test_an_upload_error_is_shown_on_the_form_and_changes_nothing(english, dataset, carol, musterstadt):
    log_in_english(english, carol)
    before = snapshot(dataset)

    response = english.post(reverse("opendata:manage_add_resource", args=[musterstadt.slug, dataset.slug]), {
        "title": "Einwohner", "format": "CSV", "file": upload("einwohner.csv", LATIN1_CSV)})

    page = response.content.decode()
    assert response.status_code == 200 and 'id="error-summary"' in page
    assert "not encoded as UTF-8" in page and "save it as UTF-8" in page
    assert snapshot(dataset) == before


@override_settings(OPENDATA_MAX_UPLOAD_MB=1)
def test_an_oversized_upload_is_shown_on_the_form_and_changes_nothing(english, dataset, carol, musterstadt):
    log_in_english(english, carol)
    before = snapshot(dataset)

    response = english.post(reverse("opendata:manage_add_resource", args=[musterstadt.slug, dataset.slug]), {
        "title": "Groß", "format": "CSV", "file": upload("gross.csv", b"a;b\n" + b"1;2\n" * 300_000)})

    assert response.status_code == 200
    assert "at most 1.0 MB are allowed" in response.content.decode().replace("\xa0", " ")
    assert snapshot(dataset) == before


def test_staff_publish_and_remove_resources_in_the_management(client, dataset, carol, musterstadt):
    client.force_login(carol)
    add = reverse("opendata:manage_add_resource", args=[musterstadt.slug, dataset.slug])
    client.post(add, {"title": "Einwohner", "format": "CSV", "file": upload("einwohner.csv", CSV)})
    client.post(add, {"title": "Beschlüsse", "format": "PDF", "url": "https://rat.example/b.pdf"})
    client.post(reverse("opendata:manage_publish", args=[musterstadt.slug, dataset.slug]))
    link = Resource.objects.get(format="PDF")

    confirm = client.get(reverse("opendata:manage_delete_resource", args=[musterstadt.slug, dataset.slug, link.pk]))
    client.post(reverse("opendata:manage_delete_resource", args=[musterstadt.slug, dataset.slug, link.pk]))

    assert confirm.status_code == 200 and Resource.objects.filter(pk=link.pk).exists() is False
    assert Dataset.objects.get().is_published and Resource.objects.count() == 1
    listing = client.get(reverse("opendata:manage_list", args=[musterstadt.slug])).content.decode()
    assert dataset.title in listing


def test_dave_of_another_municipality_cannot_manage_musterstadts_data(client, dataset, dave, musterstadt):
    client.force_login(dave)
    before = snapshot(dataset)

    assert client.get(reverse("opendata:manage_list", args=[musterstadt.slug])).status_code == 403
    response = client.post(reverse("opendata:manage_add_resource", args=[musterstadt.slug, dataset.slug]),
                           {"title": "Fremd", "format": "CSV", "file": upload("a.csv", CSV)})
    assert response.status_code == 403
    # With his own municipality in the address, Musterstadt's dataset does not exist.
    assert client.get(reverse("opendata:manage_edit", args=["anderstadt", dataset.slug])).status_code == 404
    assert snapshot(dataset) == before


def test_the_demo_datasets_are_published_once(musterstadt, carol):
    from kommune.opendata.demo import seed_datasets

    seed_datasets(municipality=musterstadt, actor=carol)
    seed_datasets(municipality=musterstadt, actor=carol)

    assert Dataset.objects.filter(municipality=musterstadt, is_published=True).count() == 4
    budget = Resource.objects.get(title="Ergebnisplan 2026")
    assert [f["type"] for f in budget.table_schema["fields"]] == ["string", "string", "number", "number", "number"]
    assert Resource.objects.get(format="GEOJSON").media_type == "application/geo+json"


def test_the_dashboard_lists_open_data_for_staff(client, carol, musterstadt, dataset):
    log_in_english(client, carol)
    page = client.get(reverse("manage:dashboard", args=[musterstadt.slug])).content.decode()
    assert reverse("opendata:manage_list", args=[musterstadt.slug]) in page
    assert "1 dataset not yet published" in page
