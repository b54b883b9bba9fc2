"""Importing a draft: a 40-page Word document with headings, lists and a table keeps its structure; Markdown too;
a malformed file gets a clear message and changes nothing."""

import io
from datetime import timedelta

import docx
import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from kommune.consultations.documents import read_docx, read_markdown, read_upload
from kommune.consultations.models import Chapter, Consultation, DraftVersion, Paragraph
from tests.factories_consultations import consultation, staff_of
from tests.factories_processes import published_process

CHAPTERS = 20
SENTENCE = ("Die Gemeinde stellt sicher, dass die Anlagen für alle Menschen zugänglich sind und regelmäßig "
            "geprüft werden. ")


def forty_page_docx() -> tuple[bytes, dict]:
    """A statute of 20 chapters, each with two sections, long paragraphs, a bulleted and a numbered list, and
    two page breaks (so at least 40 pages); one table. Returns the file and what it contains."""
    document = docx.Document()
    document.add_heading("Satzung über die Benutzung der öffentlichen Spielplätze", level=0)
    expected = {"headings": [], "bullets": [], "numbers": [], "paragraphs": 0}
    for chapter in range(1, CHAPTERS + 1):
        title = f"§ {chapter} Regelung Nummer {chapter}"
        document.add_heading(title, level=1)
        expected["headings"].append((1, title))
        for section in (1, 2):
            subtitle = f"Abschnitt {chapter}.{section}"
            document.add_heading(subtitle, level=2)
            expected["headings"].append((2, subtitle))
            for number in range(1, 4):
                document.add_paragraph(f"({number}) " + SENTENCE * 6)
                expected["paragraphs"] += 1
        bullets = [f"Punkt {chapter}-{item}" for item in range(1, 4)]
        for item in bullets:
            document.add_paragraph(item, style="List Bullet")
        expected["bullets"].append(bullets)
        document.add_paragraph("Außerdem gilt:")
        expected["paragraphs"] += 1
        numbers = [f"Schritt {chapter}-{item}" for item in range(1, 3)]
        for item in numbers:
            document.add_paragraph(item, style="List Number")
        expected["numbers"].append(numbers)
        if chapter == 4:
            table = document.add_table(rows=3, cols=3)
            for r, row in enumerate([["Anlage", "Werktags", "Sonntags"], ["Spielplatz", "8–20 Uhr", "9–19 Uhr"],
                                     ["Bolzplatz", "9–21 Uhr", "10–19 Uhr"]]):
                for c, value in enumerate(row):
                    table.cell(r, c).text = value
        document.add_page_break()
        document.add_paragraph("")
        document.add_page_break()
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue(), expected


def test_a_forty_page_docx_keeps_headings_lists_and_the_table():
    content, expected = forty_page_docx()
    assert docx.Document(io.BytesIO(content)).element.body.xml.count('w:type="page"') >= 40
    blocks = read_docx(content)
    headings = [(b.data["level"], b.text) for b in blocks if b.kind == "heading"]
    assert headings[0] == (1, "Satzung über die Benutzung der öffentlichen Spielplätze")  # the title
    assert headings[1:] == expected["headings"]
    lists = [b for b in blocks if b.kind == "list"]
    assert [b.data["items"] for b in lists if not b.data["ordered"]] == expected["bullets"]
    assert [b.data["items"] for b in lists if b.data["ordered"]] == expected["numbers"]
    tables = [b for b in blocks if b.kind == "table"]
    assert len(tables) == 1
    assert tables[0].data["rows"] == [["Anlage", "Werktags", "Sonntags"], ["Spielplatz", "8–20 Uhr", "9–19 Uhr"],
                                      ["Bolzplatz", "9–21 Uhr", "10–19 Uhr"]]
    assert tables[0].text.split("\n")[1] == "Spielplatz\t8–20 Uhr\t9–19 Uhr"
    assert sum(1 for b in blocks if b.kind == "text") == expected["paragraphs"]
    # The table sits in chapter 4, after its numbered list.
    index = blocks.index(tables[0])
    assert blocks[index - 1].data.get("items") == expected["numbers"][3]


def test_the_docx_upload_makes_chapters_of_the_top_headings(client, musterstadt):
    staff = staff_of(musterstadt)
    process = published_process(musterstadt, features=("consultation",))
    phase = process.phases.get()
    content, expected = forty_page_docx()
    client.force_login(staff)
    now = timezone.localtime()
    response = client.post(reverse("consultations:manage_create", kwargs={"municipality_slug": musterstadt.slug}), {
        "phase": phase.pk, "title": "Spielplatzsatzung", "summary": "", "publish": "on",
        "opens_at": now.strftime("%Y-%m-%dT%H:%M"), "closes_at": (now + timedelta(days=21)).strftime("%Y-%m-%dT%H:%M"),
        "file": SimpleUploadedFile("satzung.docx", content)})
    assert response.status_code == 302, response.content.decode()[:3000]
    version = DraftVersion.objects.get()
    assert version.source_name == "satzung.docx"
    chapters = list(Chapter.objects.filter(version=version).order_by("position"))
    # The title (level 0 -> 1) opens the first chapter; then one chapter per § heading.
    assert [c.title for c in chapters] == ["Satzung über die Benutzung der öffentlichen Spielplätze"] + [
        level_title for level, level_title in expected["headings"] if level == 1]
    fourth = chapters[4]
    kinds = list(Paragraph.objects.filter(chapter=fourth).order_by("position").values_list("kind", flat=True))
    assert kinds == ["heading"] + (["heading"] + ["text"] * 3) * 2 + ["list", "text", "list", "table"]
    page = client.get(reverse("consultations:detail", kwargs={"municipality_slug": musterstadt.slug,
                                                              "consultation_id": version.consultation_id}))
    html = page.content.decode()
    assert page.status_code == 200
    assert "<h2 class=\"draft__heading\">§ 4 Regelung Nummer 4</h2>" in html
    assert "<h3 class=\"draft__heading\">Abschnitt 4.2</h3>" in html
    assert "<li>Punkt 4-2</li>" in html and '<ol class="draft__list"><li>Schritt 4-1</li>' in html
    assert '<th scope="col">Werktags</th>' in html and "<td>9–21 Uhr</td>" in html


@pytest.mark.parametrize("content", [b"", b"PK\x03\x04 not really a zip", b"%PDF-1.4 a pdf", b"\x00" * 100,
                                     "Ü".encode() * 50])
def test_a_malformed_docx_is_refused_clearly(content):
    with pytest.raises(ValidationError) as error:
        read_docx(content)
    assert error.value.code in {"malformed", "empty"}


def test_a_docx_without_a_document_part_is_refused():
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
    with pytest.raises(ValidationError) as error:
        read_docx(buffer.getvalue())
    assert error.value.code == "malformed"


def test_a_malformed_upload_changes_nothing_and_says_why(client, musterstadt):
    existing = consultation(musterstadt)
    staff = staff_of(musterstadt)
    client.force_login(staff)
    before = (DraftVersion.objects.count(), Paragraph.objects.count(), Consultation.objects.count())
    url = reverse("consultations:manage_version", kwargs={"municipality_slug": musterstadt.slug,
                                                          "consultation_id": existing.pk})
    response = client.post(url, {"note": "kaputt", "file": SimpleUploadedFile("entwurf.docx", b"PK\x03\x04kaputt")})
    assert response.status_code == 400
    assert "Word" in response.content.decode() and "DOCX" in response.content.decode()
    assert (DraftVersion.objects.count(), Paragraph.objects.count(), Consultation.objects.count()) == before
    response = client.post(url, {"file": SimpleUploadedFile("entwurf.pdf", b"%PDF-1.4")})
    assert response.status_code == 400 and ".docx" in response.content.decode()
    assert DraftVersion.objects.count() == before[0]


def test_markdown_keeps_structure():
    blocks = read_markdown("# Kapitel\n\nEin *Absatz* mit [Link](https://x.example)\nüber zwei Zeilen.\n\n"
                           "## Unterabschnitt\n\n1. eins\n2. zwei\n\n- a\n- b\n  weiter\n\n| A | B |\n|---|---|\n"
                           "| 1 | 2 |\n")
    assert [(b.kind, b.text) for b in blocks] == [
        ("heading", "Kapitel"), ("text", "Ein Absatz mit Link über zwei Zeilen."), ("heading", "Unterabschnitt"),
        ("list", "eins\nzwei"), ("list", "a\nb weiter"), ("table", "A\tB\n1\t2")]
    assert blocks[3].data["ordered"] and not blocks[4].data["ordered"]


def test_uploads_are_read_by_their_type():
    assert read_upload("entwurf.md", b"# Titel\n\nText")[1].text == "Text"
    with pytest.raises(ValidationError) as error:
        read_upload("entwurf.md", b"\xff\xfe\x00kaputt")
    assert error.value.code == "malformed"
    with pytest.raises(ValidationError):
        read_upload("entwurf.md", b"   \n\n")


def test_a_zip_bomb_is_refused_before_it_is_unpacked():
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("word/document.xml", b"\0" * (101 * 1024 * 1024))
    assert len(buffer.getvalue()) < 1024 * 1024
    with pytest.raises(ValidationError) as error:
        read_docx(buffer.getvalue())
    assert error.value.code == "too_large"
