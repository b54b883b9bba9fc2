"""Reads of consultations shared by the views, the exports, the API and the open data. Every page costs a fixed
number of queries: the paragraphs of a version in one query, their comment counts in one, their passages in one."""

from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db.models import F, Prefetch, QuerySet
from django.utils import timezone

from kommune.consultations.diff import Change, compare
from kommune.consultations.models import (
    Answer,
    ChangeReason,
    Chapter,
    Consideration,
    Consultation,
    DraftVersion,
    Paragraph,
    Passage,
)
from kommune.core.comments.models import Comment, Thread
from kommune.core.models import Municipality

TABLE_PAGE_SIZE = 50


def public_consultations(municipality: Municipality) -> QuerySet[Consultation]:
    return (Consultation.objects.filter(municipality=municipality, is_published=True, process__is_published=True)
            .select_related("process", "phase", "municipality"))


def public_consultation(municipality: Municipality, consultation_id: int
                        ) -> tuple[Consultation, DraftVersion | None] | None:
    """A published consultation with its current version, as everyone sees it (None: not published, or missing)."""
    consultation = public_consultations(municipality).filter(pk=consultation_id).first()
    return None if consultation is None else (consultation, current_version(consultation))


def paragraph_of(consultation: Consultation, paragraph_id: int) -> Paragraph | None:
    """One paragraph of any version of the consultation, with its version and chapter."""
    return (Paragraph.objects.filter(version__consultation=consultation, pk=paragraph_id)
            .select_related("version", "chapter").first())


def consultations_for(municipality: Municipality, user) -> QuerySet[Consultation]:
    """What the person may see: staff see drafts too."""
    from kommune.consultations.rules import MANAGE

    if user.has_perm(MANAGE, municipality):
        return Consultation.objects.filter(municipality=municipality).select_related("process", "phase",
                                                                                     "municipality")
    return public_consultations(municipality)


def current_version(consultation: Consultation) -> DraftVersion | None:
    return consultation.versions.order_by("-number").first()


def version_paragraphs(version: DraftVersion) -> list[Paragraph]:
    # Each paragraph links to its page, which names the municipality: one query, not one per paragraph.
    return list(version.paragraphs.select_related("chapter", "municipality").order_by("position"))


def comment_counts(paragraphs: list[Paragraph]) -> dict[int, int]:
    """Visible comments per paragraph, from the core threads' exact counters (one query)."""
    if not paragraphs:
        return {}
    return dict(Thread.objects.filter(content_type=ContentType.objects.get_for_model(Paragraph),
                                      object_id__in=[p.pk for p in paragraphs])
                .values_list("object_id", "comment_count"))


def passages_by_paragraph(paragraphs: list[Paragraph]) -> dict[int, list[Passage]]:
    """The passages of visible comments, per paragraph (one query)."""
    result: dict[int, list[Passage]] = defaultdict(list)
    for passage in (Passage.objects.filter(paragraph__in=[p.pk for p in paragraphs], comment__hidden_at__isnull=True)
                    .order_by("start", "pk")):
        result[passage.paragraph_id].append(passage)
    return result


@dataclass
class ChapterView:
    chapter: Chapter
    paragraphs: list[Paragraph]


def reading(version: DraftVersion) -> tuple[list[ChapterView], dict[int, int], dict[int, list[Passage]]]:
    """A version for the reading view: chapters with paragraphs, comment counts, passages."""
    paragraphs = version_paragraphs(version)
    chapters: dict[int, ChapterView] = {}
    for paragraph in paragraphs:
        chapters.setdefault(paragraph.chapter_id, ChapterView(paragraph.chapter, [])).paragraphs.append(paragraph)
    return list(chapters.values()), comment_counts(paragraphs), passages_by_paragraph(paragraphs)


# --- The consideration table -------------------------------------------------------------------------------------


@dataclass
class TableRow:
    number: int
    comment: Comment
    paragraph: Paragraph
    passage: Passage | None
    answer: Answer | None

    @property
    def chapter_title(self) -> str:
        return str(self.paragraph.chapter)


def paragraph_comments(consultation: Consultation) -> QuerySet[Comment]:
    paragraph_ids = Paragraph.objects.filter(version__consultation=consultation).values("pk")
    return Comment.objects.filter(
        thread__content_type=ContentType.objects.get_for_model(Paragraph), thread__object_id__in=paragraph_ids,
        parent__isnull=True, hidden_at__isnull=True, municipality=consultation.municipality)


def table_rows(consultation: Consultation, *, chapter: str = "", disposition: str = "",
               answered_only: bool = False, with_authors: bool = False) -> list[TableRow]:
    """Every comment of the consultation with its paragraph, passage and answer, in the order of the text, then
    of time. Fixed number of queries. ``chapter`` filters by chapter title, ``disposition`` by the answer's;
    ``with_authors`` reads the comments' authors too (the evaluation export; the table shows no names).

    Every row is read on every request (the numbers count all comments), so it builds as few objects as it can:
    no thread per comment, and each answer once however many comments share it."""
    comments = paragraph_comments(consultation).annotate(paragraph_pk=F("thread__object_id"))
    if with_authors:
        comments = comments.select_related("author")
    comment_list = list(comments.order_by("created_at", "pk"))
    paragraph_ids = {comment.paragraph_pk for comment in comment_list}
    paragraphs = {p.pk: p for p in Paragraph.objects.filter(pk__in=paragraph_ids)
                  .select_related("chapter", "version", "municipality")}
    passages = {p.comment_id: p for p in Passage.objects.filter(comment__in=[c.pk for c in comment_list])}
    answer_by_id = {answer.pk: answer for answer in Answer.objects.filter(consultation=consultation)}
    answer_ids = dict(Consideration.objects.filter(consultation=consultation).values_list("comment_id", "answer_id"))
    rows = []
    for comment in comment_list:
        paragraph = paragraphs[comment.paragraph_pk]
        rows.append(TableRow(0, comment, paragraph, passages.get(comment.pk),
                             answer_by_id.get(answer_ids.get(comment.pk, 0))))
    rows.sort(key=lambda row: (row.paragraph.version.number, row.paragraph.position, row.comment.created_at,
                               row.comment.pk))
    for number, row in enumerate(rows, start=1):
        row.number = number
    if chapter:
        rows = [row for row in rows if row.chapter_title == chapter]
    if disposition:
        rows = [row for row in rows if row.answer is not None and row.answer.disposition == disposition]
    if answered_only:
        rows = [row for row in rows if row.answer is not None]
    return rows


def chapter_titles(consultation: Consultation) -> list[str]:
    seen: dict[str, None] = {}
    for chapter in (Chapter.objects.filter(version__consultation=consultation)
                    .order_by("version__number", "position")):
        seen.setdefault(str(chapter), None)
    return list(seen)


TABLE_COLUMNS = ("number", "chapter", "paragraph", "passage", "comment", "received", "disposition", "answer")


def table_records(rows: list[TableRow]) -> list[list[Any]]:
    """The table as plain values (the exports): no names, the comment's number stands for its author."""
    records = []
    for row in rows:
        received = timezone.localtime(row.comment.created_at).strftime("%d.%m.%Y")
        records.append([
            row.number, row.chapter_title, f"{row.paragraph.version} § {row.paragraph.position}",
            row.passage.quote if row.passage else "", row.comment.text, received,
            str(row.answer.get_disposition_display()) if row.answer else "", row.answer.text if row.answer else "",
        ])
    return records


def answers_of(consultation: Consultation) -> list[Answer]:
    return list(consultation.answers.prefetch_related(
        Prefetch("considerations", queryset=Consideration.objects.only("id", "answer_id", "comment_id"))))


# --- Versions ---------------------------------------------------------------------------------------------------


def previous_version(version: DraftVersion) -> DraftVersion | None:
    return (DraftVersion.objects.filter(consultation_id=version.consultation_id, number__lt=version.number)
            .order_by("-number").first())


def changes_of(version: DraftVersion) -> list[Change]:
    """What changed from the version before (none for the first), each with the comments that caused it."""
    before = previous_version(version)
    if before is None:
        return []
    changes = compare(version_paragraphs(before), version_paragraphs(version))
    reasons: dict[str, list[int]] = defaultdict(list)
    for key, comment_id in ChangeReason.objects.filter(version=version).values_list("change_key", "comment_id"):
        reasons[key].append(comment_id)
    wanted = {pk for ids in reasons.values() for pk in ids}
    comments = {c.pk: c for c in Comment.objects.filter(pk__in=wanted).select_related("thread")} if wanted else {}
    for change in changes:
        change.comments = [comments[pk] for pk in reasons.get(change.key, []) if pk in comments]
    return changes
