"""A consultation through its comment period with time frozen: read-only before and after, comments on paragraphs
and passages during; then the consideration table is answered, published (everyone who commented hears of it),
filtered and exported; a new version shows what changed and why; the process's evaluation export."""

import csv
import io
import zipfile
from datetime import timedelta

import openpyxl
import pytest
import time_machine
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone
from odf.opendocument import load as load_ods
from odf.table import Table, TableRow
from pypdf import PdfReader

from kommune.consultations import services
from kommune.consultations.documents import read_markdown
from kommune.consultations.models import Answer, ChangeReason, Consideration, Consultation, Paragraph, Passage
from kommune.consultations.rendering import render_paragraph
from kommune.core import events, pagecache
from kommune.core.comments.models import Comment
from kommune.core.comments.services import do_post_comment
from kommune.core.notifications.models import Notification
from kommune.core.processes.evaluation import evaluation_tables, evaluation_xlsx, evaluation_zip
from tests.factories import MembershipFactory
from tests.factories_consultations import DRAFT, consultation, finished_scene, paragraph_starting, staff_of

pytestmark = pytest.mark.django_db
# The pages answer in German, the default language; the assertions quote the German texts.

D = Answer.Disposition


def url(name, item, **kwargs):
    return reverse(f"consultations:{name}", kwargs={"municipality_slug": item.municipality.slug,
                                                    "consultation_id": item.pk, **kwargs})


@pytest.fixture
def start():
    return timezone.now().replace(microsecond=0) + timedelta(days=1)


@pytest.fixture
def running(musterstadt, start):
    """A consultation whose period starts at ``start`` and lasts a week."""
    return consultation(musterstadt, opens_at=start, closes_at=start + timedelta(days=7))


def post_comment(client, paragraph, **data):
    return client.post(url("comment", paragraph.version.consultation, paragraph_id=paragraph.pk), data)


def test_the_text_is_read_only_before_and_after_the_period(client, musterstadt, running, start, alice):
    paragraph = paragraph_starting(running, "(1) Diese Satzung")
    client.force_login(alice)
    for moment in (start - timedelta(minutes=1), start + timedelta(days=7)):
        with time_machine.travel(moment, tick=False):
            page = client.get(url("paragraph", running, paragraph_id=paragraph.pk))
            assert page.status_code == 200
            assert "Kommentierungsfrist dieser Konsultation läuft nicht" in page.content.decode()
            assert 'id="comment-form"' not in page.content.decode()
            response = post_comment(client, paragraph, text="Zu spät oder zu früh?")
            assert response.status_code == 400
            assert "Kommentierungsfrist dieser Konsultation läuft nicht" in response.content.decode()
            with pytest.raises(ValidationError):
                services.do_comment_on_paragraph(actor=alice, paragraph=paragraph, text="Direkt")
    assert not Comment.objects.exists() and not Passage.objects.exists()


def test_comments_on_a_paragraph_and_a_passage_during_the_period(client, musterstadt, running, start, alice):
    paragraph = paragraph_starting(running, "(1) Diese Satzung")
    client.force_login(alice)
    with time_machine.travel(start + timedelta(days=1), tick=False):
        assert post_comment(client, paragraph, text="Gut so.").status_code == 302
        # No JavaScript: the passage typed into the field (the server finds its offsets).
        response = post_comment(client, paragraph, text="Auch Bolzplätze?", quote="öffentlichen Spielplätze")
        assert response.status_code == 302
        # No JavaScript either: a sentence chosen from the list.
        response = post_comment(client, paragraph, text="Ganzer Satz.", sentence="0")
        assert response.status_code == 302
        # With the selection script: the offsets of the selected text.
        start_at = paragraph.text.index("Stadt")
        response = post_comment(client, paragraph, text="Welche Stadt?", quote="Stadt", start=start_at,
                                end=start_at + 5)
        assert response.status_code == 302
        # A passage that is not in the paragraph: a clear message, nothing changes.
        before = Comment.objects.count()
        response = post_comment(client, paragraph, text="Falsch zitiert", quote="steht nicht im Text")
        assert response.status_code == 400 and "steht nicht in diesem Absatz" in response.content.decode()
        assert Comment.objects.count() == before
        reading = client.get(running.get_absolute_url()).content.decode()
    passages = {p.quote: p for p in Passage.objects.all()}
    assert set(passages) == {"öffentlichen Spielplätze", "(1) Diese Satzung gilt für alle öffentlichen Spielplätze "
                             "der Stadt.", "Stadt"}
    quoted = passages["öffentlichen Spielplätze"]
    assert paragraph.text[quoted.start:quoted.end] == "öffentlichen Spielplätze"
    assert passages["Stadt"].start == start_at
    # The margin shows the count, with the paragraph named for screen readers; the passage is marked.
    assert "4 Kommentare<span class=\"kern-sr-only\"> zu Absatz" in reading
    assert '<mark class="passage" data-comments="comment-' in reading


def test_a_highlight_survives_re_rendering(musterstadt, running, start, alice):
    paragraph = paragraph_starting(running, "(2) Sie gilt nicht")
    with time_machine.travel(start + timedelta(hours=1), tick=False):
        comment = services.do_comment_on_paragraph(actor=alice, paragraph=paragraph, text="Warum nicht?",
                                                   quote="Kindertageseinrichtungen")
    passage = Passage.objects.get(comment=comment)
    marked = f'<mark class="passage" data-comments="comment-{comment.pk}">Kindertageseinrichtungen</mark>'
    first = render_paragraph(Paragraph.objects.get(pk=paragraph.pk), [passage])
    again = render_paragraph(Paragraph.objects.get(pk=paragraph.pk), Passage.objects.filter(pk=passage.pk))
    assert marked in first and first == again
    # The same passage in a paragraph whose text moved (a re-imported draft): found by its quote.
    moved = Paragraph(kind="text", text="Neu: " + paragraph.text, data={})
    assert marked in render_paragraph(moved, [passage])
    # In a list and a table the mark sits inside the item or the cell.
    items = paragraph_starting(running, "Rauchen")
    with time_machine.travel(start + timedelta(hours=2), tick=False):
        on_item = services.do_comment_on_paragraph(actor=alice, paragraph=items, text="Auch Dampfen?",
                                                   quote="Glasflaschen")
    html = render_paragraph(items, Passage.objects.filter(comment=on_item))
    assert (f'<li><mark class="passage" data-comments="comment-{on_item.pk}">Glasflaschen</mark> sind untersagt.'
            '</li>') in html


def _commented(running, start, people):
    """Comments by ``people`` on two chapters; returns them in order."""
    first = paragraph_starting(running, "(1) Diese Satzung")
    table = paragraph_starting(running, "Anlage")
    with time_machine.travel(start + timedelta(days=2), tick=False):
        return [services.do_comment_on_paragraph(actor=people[0], paragraph=first, text="Auch für Bolzplätze?"),
                services.do_comment_on_paragraph(actor=people[1], paragraph=first, text="=SUMME(A1)",
                                                 quote="öffentlichen"),
                services.do_comment_on_paragraph(actor=people[1], paragraph=table, text="Sonntags länger!",
                                                 quote="9 bis 19 Uhr")]


def test_the_consideration_table_runs_to_publication(client, musterstadt, running, start, alice):
    staff = staff_of(musterstadt)
    bea = MembershipFactory(municipality=musterstadt).user
    comments = _commented(running, start, [alice, bea])
    with time_machine.travel(start + timedelta(days=3), tick=False):
        with pytest.raises(ValidationError) as error:  # not while the period runs
            services.do_answer_comments(actor=staff, consultation=running, comment_ids=[comments[0].pk],
                                        disposition=D.TAKEN_UP, text="Ja.")
        assert error.value.code == "period"
    events.deliver_pending()
    Notification.objects.all().delete()
    with time_machine.travel(start + timedelta(days=8), tick=False):
        # A resident cannot answer.
        with pytest.raises(PermissionDenied):
            services.do_answer_comments(actor=alice, consultation=running, comment_ids=[comments[0].pk],
                                        disposition=D.TAKEN_UP, text="Selbst beantwortet.")
        client.force_login(staff)
        manage = url("manage_considerations", running)
        response = client.post(manage, {"comment": [comments[0].pk, comments[1].pk], "disposition": D.PARTLY,
                                         "text": "Bolzplätze werden aufgenommen, der Rest nicht."})
        assert response.status_code == 302
        shared = Answer.objects.get()
        assert set(Consideration.objects.values_list("comment_id", flat=True)) == {comments[0].pk, comments[1].pk}
        # Publishing with a comment unanswered: refused, nothing changes.
        response = client.post(url("manage_publish_considerations", running))
        assert response.status_code == 302
        running.refresh_from_db()
        assert running.considerations_published_at is None
        assert "1 Kommentare haben noch keine Antwort" in client.get(manage).content.decode()
        # An empty answer: a clear message.
        response = client.post(manage, {"comment": [comments[2].pk], "disposition": D.NOT_TAKEN_UP, "text": " "})
        assert response.status_code == 400 and "die Antwort ist leer" in response.content.decode()
        response = client.post(manage, {"comment": [comments[2].pk], "disposition": D.NOT_TAKEN_UP,
                                         "text": "Die Ruhezeiten gehen vor."})
        assert response.status_code == 302
        # Re-using the shared answer for a comment moves it there.
        services.do_answer_comments(actor=staff, consultation=running, comment_ids=[comments[2].pk], answer=shared)
        assert Answer.objects.count() == 1  # the answer nobody had any more is gone
        services.do_answer_comments(actor=staff, consultation=running, comment_ids=[comments[2].pk],
                                    disposition=D.NOT_TAKEN_UP, text="Die Ruhezeiten gehen vor.")
        anonymous = client.__class__()
        assert anonymous.get(url("considerations", running)).status_code == 404  # not published yet
        response = client.post(url("manage_publish_considerations", running))
        assert response.status_code == 302
    running.refresh_from_db()
    assert running.considerations_published_at is not None
    events.deliver_pending()
    notified = set(Notification.objects.filter(activity__verb="consultation.considerations_published")
                   .values_list("user_id", flat=True))
    assert notified == {alice.pk, bea.pk}
    with pytest.raises(ValidationError):  # answers are final once published
        services.do_edit_answer(actor=staff, answer=shared, disposition=D.NOTED, text="Nachträglich")

    # The public table, filtered by chapter and by disposition.
    table = url("considerations", running)
    page = anonymous.get(table).content.decode()
    assert "3 Kommentare" in page and "Bolzplätze werden aufgenommen" in page
    assert "1 Kommentar" in anonymous.get(table, {"chapter": "§ 2 Benutzungszeiten"}).content.decode()
    filtered = anonymous.get(table, {"disposition": D.PARTLY}).content.decode()
    assert "2 Kommentare" in filtered and "Sonntags länger" not in filtered
    assert anonymous.get(table, {"disposition": "gibt-es-nicht"}).status_code == 400

    # The files: CSV, ODS, XLSX and PDF, read back.
    def download(file_format, **query):
        response = anonymous.get(url("considerations_file", running, file_format=file_format), query)
        assert response.status_code == 200
        return b"".join(response.streaming_content) if response.streaming else response.content

    rows = list(csv.reader(io.StringIO(download("csv").decode("utf-8-sig"))))
    assert rows[0][0] in {"No.", "Nr."} and len(rows) == 4
    assert rows[2][4] == "'=SUMME(A1)" and rows[2][3] == "öffentlichen"
    partly, rejected = "teilweise berücksichtigt", "nicht berücksichtigt"
    assert [row[6] for row in rows[1:]] == [partly, partly, rejected]
    workbook = openpyxl.load_workbook(io.BytesIO(download("xlsx")))
    sheet = workbook.worksheets[0]
    assert sheet.max_row == 4 and sheet.cell(3, 5).value == "=SUMME(A1)" and sheet.cell(3, 5).data_type == "s"
    document = load_ods(io.BytesIO(download("ods")))
    ods_rows = document.spreadsheet.getElementsByType(Table)[0].getElementsByType(TableRow)
    assert len(ods_rows) == 4 and "Sonntags länger!" in str(ods_rows[3])
    pdf = PdfReader(io.BytesIO(download("pdf", disposition=D.NOT_TAKEN_UP)))
    text = "".join(page.extract_text() for page in pdf.pages)
    assert "Sonntags länger!" in text and "Ruhezeiten" in text and "Bolzplätze?" not in text
    assert anonymous.get(url("considerations_file", running, file_format="docx")).status_code == 404


def test_a_new_version_shows_the_changes_and_the_comments_behind_them(client, musterstadt, running, start, alice):
    staff = staff_of(musterstadt)
    comments = _commented(running, start, [alice, alice])
    version = services.do_add_version(actor=staff, consultation=running, blocks=read_markdown(
        DRAFT.replace("alle öffentlichen Spielplätze der Stadt.", "alle öffentlichen Spielplätze und Bolzplätze.")
        .replace("- Glasflaschen sind untersagt.\n", "")), note="Bolzplätze aufgenommen")
    from kommune.consultations.selectors import changes_of

    changes = changes_of(version)
    assert [change.kind for change in changes] == ["changed", "changed"]  # the paragraph and the list
    assert "<del>der Stadt.</del>" in changes[0].words and "<ins>und Bolzplätze.</ins>" in changes[0].words
    client.force_login(staff)
    reasons = url("manage_change_reasons", running, number=version.number)
    response = client.post(reasons, {"change": changes[0].key, "comment": [comments[0].pk]})
    assert response.status_code == 302
    assert client.post(reasons, {"change": "99-99", "comment": [comments[0].pk]}).status_code == 400
    assert ChangeReason.objects.count() == 1
    page = client.__class__().get(url("changes", running, number=version.number)).content.decode()
    assert f"#comment-{comments[0].pk}" in page and "<ins>und Bolzplätze.</ins>" in page
    # Comments go to the current version only; the old paragraphs can still be read.
    old = Paragraph.objects.get(version__number=1, version__consultation=running, text__startswith="Anlage")
    assert client.get(url("paragraph", running, paragraph_id=old.pk)).status_code == 200
    with time_machine.travel(start + timedelta(days=3), tick=False), pytest.raises(ValidationError):
        services.do_comment_on_paragraph(actor=alice, paragraph=old, text="Alt")


def test_the_evaluation_export_has_every_contribution_without_names(client, musterstadt, running, start, alice):
    from kommune.core.processes.models import Process

    comments = _commented(running, start, [alice, alice])
    process = Process.objects.get(pk=running.process_id)
    process.phases.update(features=["comments", services.FEATURE])
    with time_machine.travel(start + timedelta(days=2), tick=False):
        on_process = do_post_comment(actor=alice, target=process, text="Allgemein: gute Sache.")
    tables = {table.key: table for table in evaluation_tables(process)}
    assert {"comments", "consultation-comments"} <= set(tables)
    rows = [list(row) for row in tables["consultation-comments"].rows]
    assert [row[1] for row in rows] == [c.pk for c in comments]
    pseudonyms = {row[8] for row in rows} | {row[3] for row in tables["comments"].rows}
    assert len(pseudonyms) == 1 and next(iter(pseudonyms)).startswith("P-")
    archive = zipfile.ZipFile(io.BytesIO(evaluation_zip(process)))
    assert {"comments.csv", "consultation-comments.csv", "README.txt"} <= set(archive.namelist())
    everything = b"".join(archive.read(name) for name in archive.namelist()).decode("utf-8")
    assert alice.email not in everything and alice.display_name not in everything
    assert on_process.text in everything
    workbook = openpyxl.load_workbook(io.BytesIO(evaluation_xlsx(process)))
    assert {"comments", "consultation-comments"} <= set(workbook.sheetnames)
    # Staff download it; a resident may not.
    kwargs = {"municipality_slug": musterstadt.slug, "process_slug": process.slug}
    client.force_login(alice)
    assert client.get(reverse("processes:manage_evaluation_xlsx", kwargs=kwargs)).status_code == 403
    client.force_login(staff_of(musterstadt))
    response = client.get(reverse("processes:manage_evaluation_csv", kwargs=kwargs))
    assert response.status_code == 200 and response["Content-Type"] == "application/zip"


def test_the_api_reads_consultations_and_the_published_table(client, musterstadt):
    scene = finished_scene(musterstadt)
    base = f"/api/v1/municipalities/{musterstadt.slug}/consultations"
    listing = client.get(base).json()
    assert [item["id"] for item in listing["items"]] == [scene.consultation_id]
    detail = client.get(f"{base}/{scene.consultation_id}").json()
    assert detail["version"] == 2 and detail["period"] == "finished"
    assert detail["paragraphs"][0]["kind"] == "heading"
    table = client.get(f"{base}/{scene.consultation_id}/considerations").json()
    assert [row["disposition"] for row in table] == ["partly", "partly"]
    assert table[1]["passage"] == "Diese Satzung"
    Consultation.objects.filter(pk=scene.consultation_id).update(considerations_published_at=None)
    assert client.get(f"{base}/{scene.consultation_id}/considerations").status_code == 404


def test_privacy_export_and_search(musterstadt, running, start, alice):
    from kommune.consultations.hooks import search_document
    from kommune.core import privacy

    _commented(running, start, [alice, alice])
    sections = privacy.export_sections(alice)
    assert {row["quote"] for row in sections["consultation_passages"]} == {"öffentlichen", "9 bis 19 Uhr"}
    document = search_document(running)
    assert document is not None and "Kindertageseinrichtungen" in document.body
    Consultation.objects.filter(pk=running.pk).update(is_published=False)
    running.refresh_from_db()
    assert search_document(running) is None


def test_paragraph_comments_are_counted_in_the_core_threads(musterstadt, running, start, alice):
    paragraph = paragraph_starting(running, "(1) Diese Satzung")
    with time_machine.travel(start + timedelta(days=1), tick=False):
        services.do_comment_on_paragraph(actor=alice, paragraph=paragraph, text="Eins")
    from kommune.consultations.selectors import comment_counts

    assert comment_counts([paragraph]) == {paragraph.pk: 1}
    assert Comment.objects.get().thread.content_type == ContentType.objects.get_for_model(Paragraph)


def test_pages_cost_the_same_queries_at_any_size(client, musterstadt, django_assert_num_queries):
    """The reading view, a paragraph and the published table: the number of queries does not grow with the
    paragraphs and comments."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.factories_comments import CommentFactory, thread_for

    def counts(scene):
        pages = [reverse("consultations:detail", kwargs={"municipality_slug": musterstadt.slug,
                                                         "consultation_id": scene.consultation_id}),
                 reverse("consultations:considerations", kwargs={"municipality_slug": musterstadt.slug,
                                                                 "consultation_id": scene.consultation_id}),
                 reverse("consultations:paragraph", kwargs={"municipality_slug": musterstadt.slug,
                                                            "consultation_id": scene.consultation_id,
                                                            "paragraph_id": scene.paragraph_id})]
        result = []
        for page in pages:
            with CaptureQueriesContext(connection) as queries:
                assert client.get(page).status_code == 200
            result.append(len(queries))
        return result

    small = finished_scene(musterstadt)
    before = counts(small)
    # Ten more comments with answers and passages, on several paragraphs of both versions.
    item = small.consultation
    paragraphs = list(Paragraph.objects.filter(version__consultation=item, kind="text"))
    for index in range(10):
        paragraph = paragraphs[index % len(paragraphs)]
        comment = CommentFactory(thread=thread_for(paragraph), text=f"Hinweis {index}")
        Passage.objects.create(municipality=musterstadt, comment=comment, paragraph=paragraph, start=0, end=3,
                               quote=paragraph.text[:3])
        Consideration.objects.create(municipality=musterstadt, consultation=item, comment=comment,
                                     answer=small.answer)
    assert counts(small) == before


def test_the_paragraph_page_is_cached_for_visitors_and_renewed_by_a_comment(
        client, musterstadt, running, start, alice, settings, django_capture_on_commit_callbacks):
    settings.PAGE_CACHE_SECONDS = 300
    paragraph = paragraph_starting(running, "(1) Diese Satzung")
    address = url("paragraph", running, paragraph_id=paragraph.pk)
    with time_machine.travel(start + timedelta(days=1), tick=False):
        assert client.get(address)[pagecache.HIT_HEADER] == "miss"
        assert client.get(address)[pagecache.HIT_HEADER] == "hit"
        with django_capture_on_commit_callbacks(execute=True):
            services.do_comment_on_paragraph(actor=alice, paragraph=paragraph, text="Mehr Schaukeln bitte.")
        fresh = client.get(address)
    assert fresh[pagecache.HIT_HEADER] == "miss" and "Mehr Schaukeln bitte." in fresh.content.decode()


def test_a_new_passage_shows_at_once_in_the_shared_text_of_the_paragraph_page(
        client, musterstadt, running, start, alice, bob, settings, django_capture_on_commit_callbacks):
    settings.PAGE_CACHE_SECONDS = 300
    paragraph = paragraph_starting(running, "(1) Diese Satzung")
    address = url("paragraph", running, paragraph_id=paragraph.pk)
    client.force_login(bob)
    with time_machine.travel(start + timedelta(days=1), tick=False):
        assert "Kommentierte Textstellen" not in client.get(address).content.decode()
        with django_capture_on_commit_callbacks(execute=True):
            services.do_comment_on_paragraph(actor=alice, paragraph=paragraph, text="Auch Bolzplätze?",
                                             quote="öffentlichen Spielplätze")
        page = client.get(address).content.decode()
    assert "Kommentierte Textstellen" in page
    assert "<q>öffentlichen Spielplätze</q>" in page and "Auch Bolzplätze?" in page
