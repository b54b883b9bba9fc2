"""The consultations' part of a process's evaluation export (kommune/core/processes/evaluation.py): every comment
on a consultation's draft with its paragraph, passage, disposition and answer.

No consent to publish names is recorded on this platform, so the authors appear as pseudonyms stable within the
export ("P1", "P2" …, the same in the core comments' table); ``include_personal`` adds the public display name."""

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kommune.core.processes.evaluation import EvaluationTable, pseudonym_for

COLUMNS = ("consultation", "comment_id", "number", "chapter", "version", "paragraph", "passage", "comment",
           "author", "channel", "received", "disposition", "answer")


def consultation_comments(process, *, include_personal: bool = False) -> list[EvaluationTable]:
    from kommune.consultations.models import Consultation
    from kommune.consultations.selectors import table_rows

    rows = []
    for consultation in Consultation.objects.filter(process=process).order_by("pk"):
        for row in table_rows(consultation, with_authors=True):
            author = row.comment.author
            rows.append([
                consultation.title, row.comment.pk, row.number, row.chapter_title, row.paragraph.version.number,
                row.paragraph.position, row.passage.quote if row.passage else "", row.comment.text,
                (str(author) if include_personal and author is not None else pseudonym_for(process, author)),
                row.comment.channel or "online", timezone.localtime(row.comment.created_at).isoformat(),
                row.answer.disposition if row.answer else "", row.answer.text if row.answer else "",
            ])
    return [EvaluationTable("consultation-comments", _("Consultation comments"), COLUMNS, rows)]
