"""CSV injection: text cells that a spreadsheet would run as a formula start with a single quote in the CSV files
meant for people (participation records, letter codes); numbers stay numbers and JSON keeps the exact text."""

import csv
import json
from datetime import timedelta
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from kommune.core.records import Column, RecordSet
from kommune.core.spreadsheets import spreadsheet_safe
from kommune.opendata.records import builder
from tests.factories_accounts import LetterCodeBatchFactory, LetterCodeFactory

pytestmark = pytest.mark.django_db

HOSTILE = ["=HYPERLINK(\"https://evil.example\")", "+49 251 1234", "-2+3", "@SUM(A1)", "\tTab", "\rReturn"]
HARMLESS = ["Mehr Bänke", "a=b", " =leerzeichen", "'schon zitiert", "", "3"]


@pytest.mark.parametrize("text", HOSTILE)
def test_a_cell_a_spreadsheet_would_run_gets_a_leading_quote(text):
    assert spreadsheet_safe(text) == "'" + text


@pytest.mark.parametrize("text", HARMLESS)
def test_other_text_stays_as_it_is(text):
    assert spreadsheet_safe(text) == text


ROWS = [{"id": n, "text": text, "delta": -n, "share": -0.5 * n} for n, text in enumerate(HOSTILE + HARMLESS, 1)]
HOSTILE_SET = RecordSet(
    key="hostile", title="Test", description="Zellen, die wie Formeln aussehen.",
    columns=(Column("id", "integer", "Nummer", True), Column("text", "string", "Text"),
             Column("delta", "integer", "Eine negative Zahl"), Column("share", "number", "Ein negativer Anteil")),
    rows=lambda municipality: iter(ROWS))


def test_the_record_csv_neutralises_formulas_and_keeps_numbers_and_the_json_the_exact_text(musterstadt, tmp_path):
    with translation.override("de"):
        tables = builder.write_tables(HOSTILE_SET, musterstadt, tmp_path, "hostile")
        description = builder.dataset_description(HOSTILE_SET)
        descriptor = builder.datapackage(record_set=HOSTILE_SET, municipality=musterstadt, tables=tables,
                                         title="Test", description=description, created=timezone.now())
    with (tmp_path / "hostile.csv").open(encoding="utf-8", newline="") as file:
        rows = list(csv.DictReader(file))
    assert [row["text"] for row in rows] == ["'" + text for text in HOSTILE] + HARMLESS
    assert [row["delta"] for row in rows] == [str(-n) for n in range(1, len(ROWS) + 1)]
    assert rows[0]["share"] == "-0.5"
    exact = json.loads(Path(tmp_path / "hostile.json").read_text(encoding="utf-8"))
    assert [row["text"] for row in exact] == HOSTILE + HARMLESS
    assert "Anführungszeichen (')" in descriptor["description"] and "JSON" in descriptor["description"]


def test_the_letter_code_csv_is_spreadsheet_safe(client, musterstadt, carol, settings):
    settings.SITE_URL = "=HYPERLINK(\"https://evil.example\")"  # a misconfiguration, yet no formula
    batch = LetterCodeBatchFactory(municipality=musterstadt, created_by=carol,
                                   expires_at=timezone.now() + timedelta(days=30))
    LetterCodeFactory(batch=batch)
    client.force_login(carol)
    response = client.get(reverse("manage_accounts:letter_code_batch_csv",
                                  kwargs={"municipality_slug": musterstadt.slug, "pk": batch.pk}))
    assert response.status_code == 200
    rows = list(csv.reader(response.content.decode("utf-8-sig").splitlines(), delimiter=";"))
    assert rows[1][2].startswith("'=HYPERLINK(")
