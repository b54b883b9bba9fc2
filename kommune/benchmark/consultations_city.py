"""The consultation of the generated city (generate_city): the largest municipality consulted on a draft statute
(paragraphs in chapters: a tenth of the proposals, at most 150), and 2,000 comments came in (two fifths of
the proposals at small scales), spread unevenly over the paragraphs, a fifth of them replies, 0.5 % hidden by
moderation, two in five top-level ones quoting a passage. The comment period has ended and the consideration
table (Abwägungstabelle) is published: every visible top-level comment has its reasoned answer, shared by a few
comments on the same paragraph, as the app models answers. Measured: the reading view, the consideration table
and the paragraph with the most comments (bench: "consultation …").

The comments, their threads, passages and the table go in through the generator's bulk loader with the core
comments' counters exact (visible comments and replies) and the comments' search documents made by the
registered searchable from objects in memory; the process, the draft's version, chapters and paragraphs (a few
hundred rows) with bulk_create.
"""

from collections import defaultdict
from datetime import timedelta
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models

from kommune.benchmark.processes_city import index_documents, published_processes
from kommune.consultations.models import Answer, Chapter, Consideration, Consultation, DraftVersion, Paragraph, Passage
from kommune.consultations.services import FEATURE
from kommune.core.comments.models import Comment, Thread
from kommune.core.processes.models import Phase

MODELS_WITH_IDS: list[type[models.Model]] = [Answer]
MAX_PARAGRAPHS, MAX_COMMENTS = 150, 2_000
PARAGRAPHS_PER_CHAPTER = 6
REPLY_SHARE, HIDDEN_SHARE, PASSAGE_SHARE = 0.2, 0.005, 0.4
COMMENTS_PER_ANSWER = 4
TITLE = "Entwurf: Satzung über die Sondernutzung öffentlicher Straßen"
TOPICS = ["Geltungsbereich", "Begriffsbestimmungen", "Erlaubnispflicht", "Erlaubnisfreie Sondernutzungen",
          "Außengastronomie", "Werbeanlagen", "Informationsstände", "Baustelleneinrichtungen", "Gebühren",
          "Barrierefreiheit", "Ordnungswidrigkeiten", "Inkrafttreten"]
SENTENCES = ["Die Benutzung der Straßen über den Gemeingebrauch hinaus bedarf der Erlaubnis der Stadt.",
             "Die Erlaubnis wird auf Zeit oder auf Widerruf erteilt.",
             "Ein Durchgang von mindestens 1,50 Metern muss für Fußgängerinnen und Fußgänger frei bleiben.",
             "Blindenleitsysteme und Bordsteinabsenkungen dürfen nicht verstellt werden.",
             "Die Stadt kann die Erlaubnis mit Auflagen verbinden.",
             "Für Veranstaltungen gemeinnütziger Vereine wird keine Gebühr erhoben.",
             "Tische und Stühle sind nach Geschäftsschluss von der Fläche zu entfernen.",
             "Der Antrag ist mindestens zwei Wochen vor Beginn der Sondernutzung zu stellen."]
ITEMS = ["Tische und Stühle", "Warenauslagen", "Kundenstopper", "Fahrradständer", "Pflanzkübel", "Infostände"]
COMMENTS = ["Bitte auch an Menschen mit Rollator denken, 1,50 Meter reichen nicht.",
            "Die Gebühren sind für kleine Cafés zu hoch.", "Warum gilt das nicht auch für Lastenräder?",
            "Gut, dass Vereine befreit sind.", "Der Begriff ist unklar, bitte genauer fassen.",
            "Zwei Wochen sind für spontane Aktionen zu lang.", "Das ist in der Nachbarstadt besser geregelt.",
            "Kundenstopper sind ein echtes Hindernis für Blinde.", "Bitte eine Übergangsfrist vorsehen.",
            "Wer kontrolliert das eigentlich?", "Ich unterstütze diesen Absatz ausdrücklich."]
ANSWERS = {Answer.Disposition.TAKEN_UP: "Der Hinweis wurde aufgenommen; der Absatz ist entsprechend geändert.",
           Answer.Disposition.PARTLY: "Der Hinweis wurde teilweise berücksichtigt, siehe die neue Fassung.",
           Answer.Disposition.NOT_TAKEN_UP: "Der Hinweis wurde geprüft, aber nicht übernommen: die Regelung folgt "
                                            "dem Straßen- und Wegegesetz des Landes.",
           Answer.Disposition.NOTED: "Der Hinweis wird zur Kenntnis genommen."}
HIDDEN_REASON = "Beleidigung einer anderen Person"


def paragraph_count(proposals: int) -> int:
    return min(MAX_PARAGRAPHS, max(10, proposals // 10))


def comment_count(proposals: int) -> int:
    return min(MAX_COMMENTS, max(40, proposals * 2 // 5))


def consultation_tables(table: Any) -> dict[str, Any]:
    """The loader's tables (``table`` is generate_city.Table), in the order of their foreign keys."""
    return {
        "consultation_passage": table(Passage, ["municipality_id", "comment_id", "paragraph_id", "start", "end",
                                                "quote"]),
        "consultation_answer": table(Answer, ["id", "municipality_id", "consultation_id", "disposition", "text",
                                              "created_at", "updated_at"]),
        "consultation_consideration": table(Consideration, ["municipality_id", "consultation_id", "comment_id",
                                                            "answer_id"]),
    }


def generate_consultation(generator: Any) -> Consultation:
    """Called by generate_city's Generator inside its bulk-loading transaction, after the proposals' comments."""
    now, place = generator.now, generator.places[0]
    municipality = place.municipality
    opens, closes = now - timedelta(days=90), now - timedelta(days=30)
    process = published_processes(municipality, [(
        "sondernutzungssatzung", "Neue Sondernutzungssatzung", "Wie dürfen Straßen und Plätze genutzt werden? "
        "Die Stadt hat den Entwurf der neuen Satzung zur Diskussion gestellt.",
        [(Phase.Kind.DIALOGUE, opens, closes, (FEATURE, "comments")),
         (Phase.Kind.EVALUATION, closes, closes + timedelta(days=60), ())])])[0]
    phase = Phase.objects.get(process=process, kind=Phase.Kind.DIALOGUE)
    consultation = Consultation.objects.create(
        municipality=municipality, process=process, phase=phase, title=TITLE, is_published=True,
        summary="Der Entwurf der Satzung, Absatz für Absatz kommentiert; die Abwägung ist veröffentlicht.",
        comments_open_at=opens, comments_close_at=closes, considerations_published_at=now - timedelta(days=5))
    consultation.process = process  # the objects in memory are what the search documents read
    version = DraftVersion.objects.create(municipality=municipality, consultation=consultation, number=1,
                                          source_name="sondernutzungssatzung-entwurf.docx")
    version.consultation = consultation
    paragraphs = _draft(generator, version)
    comments = _comments(generator, consultation, paragraphs)
    index_documents(generator, [process, consultation])
    generator.out(f"  consultation #{consultation.pk}: {len(paragraphs):,} paragraphs, {comments:,} comments")
    return consultation


def _draft(generator: Any, version: DraftVersion) -> list[Paragraph]:
    """Chapters of a heading and a few paragraphs (text, now and then a list)."""
    rnd, municipality = generator.random, version.municipality
    total = paragraph_count(generator.scale.proposals)
    chapters: list[Chapter] = []
    paragraphs: list[Paragraph] = []
    for position in range(1, total + 1):
        if (position - 1) % PARAGRAPHS_PER_CHAPTER == 0:
            title = f"§ {len(chapters) + 1} {TOPICS[len(chapters) % len(TOPICS)]}"
            chapters.append(Chapter(municipality=municipality, version=version, position=len(chapters) + 1,
                                    title=title))
            paragraphs.append(Paragraph(municipality=municipality, version=version, chapter=chapters[-1],
                                        position=position, kind=Paragraph.Kind.HEADING, text=title,
                                        data={"level": 1}))
        elif rnd.random() < 0.15:
            items = rnd.sample(ITEMS, 3)
            paragraphs.append(Paragraph(municipality=municipality, version=version, chapter=chapters[-1],
                                        position=position, kind=Paragraph.Kind.LIST, text="\n".join(items),
                                        data={"items": items, "ordered": False}))
        else:
            number = position - (len(chapters) - 1) * PARAGRAPHS_PER_CHAPTER - 1
            text = f"({number}) " + " ".join(rnd.sample(SENTENCES, rnd.randint(2, 4)))
            paragraphs.append(Paragraph(municipality=municipality, version=version, chapter=chapters[-1],
                                        position=position, kind=Paragraph.Kind.TEXT, text=text, data={}))
    Chapter.objects.bulk_create(chapters)
    for paragraph in paragraphs:
        paragraph.chapter_id = paragraph.chapter.pk
    Paragraph.objects.bulk_create(paragraphs, batch_size=500)
    return paragraphs


def _comments(generator: Any, consultation: Consultation, paragraphs: list[Paragraph]) -> int:
    """The threads of the paragraphs with their comments, passages and the published consideration table."""
    rnd, tables, add = generator.random, generator.tables, generator.loader.add
    municipality, people = consultation.municipality, generator.places[0].people
    paragraph_type = ContentType.objects.get_for_model(Paragraph)
    total = comment_count(generator.scale.proposals)
    commented = [p for p in paragraphs if p.kind != Paragraph.Kind.HEADING]
    # Uneven: a few paragraphs draw most of the comments.
    weights = [rnd.paretovariate(1.2) for _ in commented]
    targets = rnd.choices(range(len(commented)), weights=weights, k=total)
    per_paragraph: dict[int, int] = defaultdict(int)
    for index in targets:
        per_paragraph[index] += 1
    span = int((consultation.comments_close_at - consultation.comments_open_at).total_seconds())
    first_answer = _next_id(Answer)
    answers: list[tuple[int, Answer.Disposition]] = []  # (id, disposition)
    for index in sorted(per_paragraph):
        paragraph, count = commented[index], per_paragraph[index]
        paragraph.version.consultation = consultation
        tops = max(1, round(count * (1 - REPLY_SHARE)))
        rows: list[list] = []  # id, parent index, created, hidden, visible replies
        for moment in sorted(consultation.comments_open_at + timedelta(seconds=rnd.randrange(span))
                             for _ in range(tops)):
            rows.append([generator.next_comment, None, moment, rnd.random() < HIDDEN_SHARE, 0])
            generator.next_comment += 1
        replies = []
        for _ in range(count - tops):
            parent = rnd.randrange(tops)
            left = max(60, int((consultation.comments_close_at - rows[parent][2]).total_seconds()))
            replies.append((rows[parent][2] + timedelta(seconds=rnd.randrange(left)), parent))
        for moment, parent in sorted(replies):
            hidden = rnd.random() < HIDDEN_SHARE
            rows[parent][4] += not hidden
            rows.append([generator.next_comment, parent, moment, hidden, 0])
            generator.next_comment += 1
        thread = Thread(id=generator.next_thread, municipality=municipality, content_type=paragraph_type,
                        object_id=paragraph.pk)
        thread.target = paragraph
        generator.next_thread += 1
        add(tables["thread"], (thread.pk, municipality.pk, paragraph_type.pk, paragraph.pk,
                               sum(1 for row in rows if not row[3]), sum(1 for row in rows[:tops] if not row[3])))
        # Answers are shared by up to COMMENTS_PER_ANSWER visible top-level comments of this paragraph.
        answer_id = None
        shared = 0
        comment = Comment(municipality=municipality, thread=thread)  # refilled per row for the search document
        for comment_id, parent, moment, hidden, reply_count in rows:
            text = rnd.choice(COMMENTS)
            text_html = f"<p>{text}</p>"
            hidden_at = moment + timedelta(hours=3) if hidden else None
            parent_id = rows[parent][0] if parent is not None else None
            author = rnd.randrange(people.start, people.stop)
            add(tables["comment"], (comment_id, municipality.pk, thread.pk, parent_id, author, text, text_html,
                                    moment, hidden_at, HIDDEN_REASON if hidden else "", reply_count))
            comment.pk, comment.parent_id, comment.author_id = comment_id, parent_id, author
            comment.text, comment.text_html, comment.hidden_at, comment.created_at = text, text_html, hidden_at, moment
            generator._document(generator.comment_search, generator.comment_type, comment)
            if parent_id is not None:
                continue
            if rnd.random() < PASSAGE_SHARE and paragraph.kind == Paragraph.Kind.TEXT:
                start, quote = _passage(rnd, paragraph.text)
                add(tables["consultation_passage"], (municipality.pk, comment_id, paragraph.pk, start,
                                                     start + len(quote), quote))
            if hidden:
                continue
            if answer_id is None or shared >= COMMENTS_PER_ANSWER:
                answer_id, shared = first_answer + len(answers), 0
                answers.append((answer_id, rnd.choice(list(ANSWERS))))
            shared += 1
            add(tables["consultation_consideration"], (municipality.pk, consultation.pk, comment_id, answer_id))
    answered = consultation.comments_close_at + timedelta(days=10)
    for answer_id, disposition in answers:
        add(tables["consultation_answer"], (answer_id, municipality.pk, consultation.pk, disposition,
                                            ANSWERS[disposition], answered, answered))
    return total


def _passage(rnd: Any, text: str) -> tuple[int, str]:
    """A sentence of the paragraph (after its number) as the quoted passage, and where it starts."""
    sentences = text.split(") ", 1)[-1].split(". ")
    quote = rnd.choice(sentences).rstrip(".")
    return text.index(quote), quote


def _next_id(model: type[models.Model]) -> int:
    return (model._default_manager.aggregate(top=models.Max("pk"))["top"] or 0) + 1
