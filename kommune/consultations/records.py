"""The record set "consultation_considerations": every answered comment of a published consideration table
(Abwägungstabelle), as open data. No personal data: the comment's number stands for its author."""

from collections.abc import Iterator
from typing import Any

from django.conf import settings
from django.utils.translation import gettext_lazy as _

from kommune.consultations.events import ConsiderationsPublished
from kommune.consultations.models import Consultation
from kommune.core.comments.events import CommentHidden, CommentUnhidden
from kommune.core.events import Visibility
from kommune.core.models import Municipality
from kommune.core.records import Column, register_record_set

COLUMNS = (
    Column("id", "string", _("Consultation number and comment number, e.g. 12-3."), required=True),
    Column("consultation", "string", _("Title of the consultation."), required=True),
    Column("number", "integer", _("Number of the comment in the consideration table."), required=True),
    Column("chapter", "string", _("Chapter of the draft the comment is on.")),
    Column("paragraph", "integer", _("Number of the paragraph in its version."), required=True),
    Column("version", "integer", _("Version of the draft the comment is on."), required=True),
    Column("passage", "string", _("The quoted passage, if the comment is on a passage.")),
    Column("comment", "string", _("Text of the comment (Markdown)."), required=True),
    Column("received", "date", _("Date the comment was received."), required=True),
    Column("disposition", "string", _("taken_up, partly, not_taken_up or noted."), required=True),
    Column("answer", "string", _("The municipality's reasoned answer."), required=True),
    Column("published_at", "datetime", _("When the consideration table was published."), required=True),
    Column("url", "string", _("Address of the consideration table on this platform."), required=True),
)


def rows(municipality: Municipality) -> Iterator[dict[str, Any]]:
    from django.utils import timezone

    from kommune.consultations.selectors import table_rows

    consultations = (Consultation.objects.filter(municipality=municipality, is_published=True,
                                                 process__is_published=True,
                                                 considerations_published_at__isnull=False)
                     .select_related("municipality").order_by("considerations_published_at", "pk"))
    site = settings.SITE_URL.rstrip("/")
    for consultation in consultations:
        url = site + consultation.get_absolute_url() + "abwaegung/"
        for row in table_rows(consultation, answered_only=True):
            assert row.answer is not None
            yield {
                "id": f"{consultation.pk}-{row.number}", "consultation": consultation.title, "number": row.number,
                "chapter": row.chapter_title, "paragraph": row.paragraph.position,
                "version": row.paragraph.version.number, "passage": row.passage.quote if row.passage else "",
                "comment": row.comment.text, "received": timezone.localtime(row.comment.created_at).date(),
                "disposition": row.answer.disposition, "answer": row.answer.text,
                "published_at": consultation.considerations_published_at, "url": url,
            }


def register() -> None:
    register_record_set(
        key="consultation_considerations", title=_("Consideration tables of consultations"),
        description=_("Every comment on a draft text consulted on this platform, with the municipality's "
                      "disposition and reasoned answer (Abwägungstabelle), once the table is published. Without "
                      "personal data."),
        columns=COLUMNS, rows=rows,
        changed_by=(ConsiderationsPublished, CommentHidden, CommentUnhidden, Visibility.WITHDRAWN,
                    Visibility.PUBLISHED),
        keywords=("Bürgerbeteiligung", "Konsultation", "Abwägung", "Stellungnahmen"),
    )
