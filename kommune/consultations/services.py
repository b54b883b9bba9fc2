"""Writes of consultations: creating one in a phase, adding versions of the draft (uploaded or written here),
commenting on a paragraph or a passage, the consideration table, its publication and the change reasons.
Keyword-only, one transaction each, permission checked, an event published."""

from collections.abc import Sequence
from datetime import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from kommune.consultations.documents import Block, read_markdown, read_upload
from kommune.consultations.events import (
    ConsiderationsChanged,
    ConsiderationsPublished,
    ConsultationPublished,
    ConsultationUpdated,
    DraftVersionAdded,
)
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
from kommune.consultations.rules import MANAGE
from kommune.core.cleaning import refuse_control_characters
from kommune.core.comments.models import Comment
from kommune.core.comments.services import do_post_assisted_comment, do_post_comment
from kommune.core.events import publish
from kommune.core.models import Municipality
from kommune.core.processes.models import Phase
from kommune.core.types import User

FEATURE = "consultation"
MAX_QUOTE_LENGTH = 2000
MAX_ANSWER_LENGTH = 10_000


def _check_manage(actor: User, municipality: Municipality) -> None:
    if not actor.is_authenticated or not actor.has_perm(MANAGE, municipality):
        raise PermissionDenied


def _clean_title(title: str) -> str:
    title = refuse_control_characters((title or "").strip())
    if not title:
        raise ValidationError(_("Please give the consultation a title."), code="title")
    return title[:200]


def _check_period(opens: datetime, closes: datetime) -> None:
    if closes <= opens:
        raise ValidationError(_("The comment period must end after it starts."), code="period")


# --- Consultations and versions ---------------------------------------------------------------------------------


def _store_version(consultation: Consultation, blocks: Sequence[Block], *, note: str, source_name: str
                   ) -> DraftVersion:
    """A new version from ``blocks``: chapters begin at the headings of the highest level in the document."""
    municipality = consultation.municipality
    # Lock the consultation so two uploads at once get different numbers.
    Consultation.objects.select_for_update().filter(pk=consultation.pk).first()
    number = (consultation.versions.aggregate(last=Max("number"))["last"] or 0) + 1
    version = DraftVersion.objects.create(municipality=municipality, consultation=consultation, number=number,
                                          note=note[:500], source_name=source_name[:200])
    levels = [block.data.get("level", 1) for block in blocks if block.kind == "heading"]
    top = min(levels) if levels else None
    chapters: list[Chapter] = []
    paragraphs: list[Paragraph] = []
    current: Chapter | None = None
    for block in blocks:
        if current is None or (block.kind == "heading" and block.data.get("level") == top):
            title = block.text if block.kind == "heading" and block.data.get("level") == top else ""
            current = Chapter(municipality=municipality, version=version, position=len(chapters) + 1,
                              title=title[:500])
            chapters.append(current)
        paragraphs.append(Paragraph(municipality=municipality, version=version, chapter=current,
                                    position=len(paragraphs) + 1, kind=block.kind, text=block.text,
                                    data=block.data))
    Chapter.objects.bulk_create(chapters)
    for paragraph in paragraphs:
        paragraph.chapter_id = paragraph.chapter.pk
    Paragraph.objects.bulk_create(paragraphs, batch_size=500)
    return version


def do_create_consultation(*, actor: User, phase: Phase, title: str, summary: str = "", opens_at: datetime,
                           closes_at: datetime, blocks: Sequence[Block], source_name: str = "",
                           publish_now: bool = False) -> Consultation:
    """Staff open a consultation in ``phase`` (which must open the consultation feature) with its first version."""
    municipality = phase.municipality
    _check_manage(actor, municipality)
    if FEATURE not in (phase.features or []):
        raise ValidationError(_("This phase does not open consultations. Please choose “Consultation on a draft” "
                                "among the phase's features first."), code="feature")
    _check_period(opens_at, closes_at)
    title = _clean_title(title)
    summary = refuse_control_characters((summary or "").strip())[:500]
    with transaction.atomic():
        consultation = Consultation.objects.create(
            municipality=municipality, process=phase.process, phase=phase, title=title, summary=summary,
            comments_open_at=opens_at, comments_close_at=closes_at, is_published=publish_now)
        _store_version(consultation, blocks, note="", source_name=source_name)
        if publish_now:
            publish(ConsultationPublished(municipality, consultation, actor=actor, scope=phase.process))
    return consultation


def do_update_consultation(*, actor: User, consultation: Consultation, title: str, summary: str,
                           opens_at: datetime, closes_at: datetime, is_published: bool) -> Consultation:
    _check_manage(actor, consultation.municipality)
    _check_period(opens_at, closes_at)
    title = _clean_title(title)
    with transaction.atomic():
        was_published = Consultation.objects.select_for_update().get(pk=consultation.pk).is_published
        consultation.title = title
        consultation.summary = refuse_control_characters((summary or "").strip())[:500]
        consultation.comments_open_at, consultation.comments_close_at = opens_at, closes_at
        consultation.is_published = is_published
        consultation.save()
        event = ConsultationPublished if is_published and not was_published else ConsultationUpdated
        publish(event(consultation.municipality, consultation, actor=actor, scope=consultation.process))
    return consultation


def blocks_from_upload(name: str, content: bytes) -> list[Block]:
    return read_upload(name, content)


def blocks_from_text(text: str) -> list[Block]:
    return read_markdown(text)


def do_add_version(*, actor: User, consultation: Consultation, blocks: Sequence[Block], note: str = "",
                   source_name: str = "") -> DraftVersion:
    """Staff put up a new version of the draft (comments stay with the paragraphs of the version they were on)."""
    _check_manage(actor, consultation.municipality)
    note = refuse_control_characters((note or "").strip())
    with transaction.atomic():
        version = _store_version(consultation, blocks, note=note, source_name=source_name)
        publish(DraftVersionAdded(consultation.municipality, consultation, actor=actor, scope=consultation.process,
                                  data={"number": version.number, "title": consultation.title}))
    return version


# --- Comments on a paragraph or a passage -----------------------------------------------------------------------


def clean_passage(paragraph: Paragraph, quote: str, start: int | None, end: int | None) -> tuple[int, int, str]:
    """The passage's offsets: as given when the text there is the quote (selected with a pointer), else where the
    quote first occurs in the paragraph (typed or pasted). A quote that is not in the paragraph is an error."""
    quote = refuse_control_characters(quote or "").strip()
    if len(quote) > MAX_QUOTE_LENGTH:
        raise ValidationError(_("A quoted passage can have at most %(max)d characters.") % {"max": MAX_QUOTE_LENGTH},
                              code="quote_too_long")
    if start is not None and end is not None and 0 <= start < end and paragraph.text[start:end].strip() == quote:
        offset = paragraph.text[start:end].find(quote)
        return start + offset, start + offset + len(quote), quote
    found = paragraph.text.find(quote)
    if found < 0:
        normalised = " ".join(quote.split())
        found = paragraph.text.find(normalised)
        quote = normalised
    if found < 0:
        raise ValidationError(_("The quoted passage is not in this paragraph. Please copy it exactly from the text, "
                                "or leave the field empty to comment on the whole paragraph."), code="quote")
    return found, found + len(quote), quote


def do_comment_on_paragraph(*, actor: User, paragraph: Paragraph, text: str, quote: str = "",
                            start: int | None = None, end: int | None = None, channel: str = "",
                            assisted_name: str = "") -> Comment:
    """A person comments on ``paragraph``, or on the passage ``quote`` of it (with its offsets, if known). With a
    ``channel`` (phone, letter, event), staff enter what a resident said offline under ``assisted_name``
    (assisted participation, marked as such by the core comments)."""
    consultation = paragraph.version.consultation
    if paragraph.version_id != current_version_id(consultation):
        raise ValidationError(_("This paragraph belongs to an earlier version of the draft; please comment on the "
                                "current version."), code="old_version")
    passage = clean_passage(paragraph, quote, start, end) if (quote or "").strip() else None
    with transaction.atomic():
        if channel:
            comment = do_post_assisted_comment(staff=actor, target=paragraph, text=text, channel=channel,
                                               assisted_name=assisted_name)
        else:
            comment = do_post_comment(actor=actor, target=paragraph, text=text)
        if passage is not None:
            Passage.objects.create(municipality=paragraph.municipality, comment=comment, paragraph=paragraph,
                                   start=passage[0], end=passage[1], quote=passage[2])
    return comment


def current_version_id(consultation: Consultation) -> int | None:
    """The id of the consultation's newest version. A page that read the version with the consultation left its id
    on the instance (``remember_current_version``): the page's comment thread asks again."""
    if CURRENT_VERSION_ID in consultation.__dict__:
        return consultation.__dict__[CURRENT_VERSION_ID]
    return consultation.versions.order_by("-number").values_list("pk", flat=True).first()


CURRENT_VERSION_ID = "_current_version_id"


def remember_current_version(consultation: Consultation, version: DraftVersion | None) -> None:
    consultation.__dict__[CURRENT_VERSION_ID] = version.pk if version else None


def is_paragraph_open(paragraph: Paragraph, now: datetime) -> bool:
    """Commentable: the consultation's period runs, and the paragraph is of the current version."""
    consultation = paragraph.version.consultation
    return consultation.is_open_for_comments(now) and paragraph.version_id == current_version_id(consultation)


# --- The consideration table -------------------------------------------------------------------------------------


def _check_after_period(consultation: Consultation) -> None:
    if consultation.period_state(timezone.now()) != "finished":
        raise ValidationError(_("Comments can be answered once the comment period has ended."), code="period")


def _clean_answer(disposition: str, text: str) -> tuple[str, str]:
    if disposition not in Answer.Disposition.values:
        raise ValidationError(_("Please choose a disposition: taken up, partly taken up, not taken up or noted."),
                              code="disposition")
    text = refuse_control_characters((text or "").strip())
    if not text:
        raise ValidationError(_("Please give the reasons for the decision; the answer is empty."), code="empty")
    if len(text) > MAX_ANSWER_LENGTH:
        raise ValidationError(_("An answer can have at most %(max)d characters.") % {"max": MAX_ANSWER_LENGTH},
                              code="too_long")
    return disposition, text


def considered_comments(consultation: Consultation) -> QuerySet[Comment]:
    """The comments the table answers: visible top-level comments on any version's paragraphs."""
    from django.contrib.contenttypes.models import ContentType

    paragraph_ids = Paragraph.objects.filter(version__consultation=consultation).values("pk")
    return Comment.objects.filter(
        thread__content_type=ContentType.objects.get_for_model(Paragraph), thread__object_id__in=paragraph_ids,
        parent__isnull=True, hidden_at__isnull=True, municipality=consultation.municipality)


def do_answer_comments(*, actor: User, consultation: Consultation, comment_ids: Sequence[int],
                       disposition: str = "", text: str = "", answer: Answer | None = None) -> Answer:
    """Staff give the comments ``comment_ids`` one reasoned answer: a new one (disposition and text), or the
    existing ``answer`` they share with others. A comment answered before gets the new answer instead."""
    _check_manage(actor, consultation.municipality)
    _check_after_period(consultation)
    if consultation.considerations_published_at is not None:
        raise ValidationError(_("The consideration table is published; answers can no longer be changed."),
                              code="published")
    ids = sorted({int(pk) for pk in comment_ids})
    if not ids:
        raise ValidationError(_("Please select at least one comment to answer."), code="no_comments")
    with transaction.atomic():
        comments = list(considered_comments(consultation).filter(pk__in=ids).values_list("pk", flat=True))
        if len(comments) != len(ids):
            raise ValidationError(_("Some of the selected comments do not belong to this consultation."),
                                  code="foreign_comment")
        if answer is None:
            disposition, text = _clean_answer(disposition, text)
            answer = Answer.objects.create(municipality=consultation.municipality, consultation=consultation,
                                           disposition=disposition, text=text)
        elif answer.consultation_id != consultation.pk:
            raise ValidationError(_("This answer belongs to another consultation."), code="foreign_answer")
        for comment_id in comments:
            Consideration.objects.update_or_create(
                comment_id=comment_id,
                defaults={"answer": answer, "consultation": consultation, "municipality": consultation.municipality})
        Answer.objects.filter(consultation=consultation, considerations__isnull=True).delete()
        publish(ConsiderationsChanged(consultation.municipality, consultation, actor=actor,
                                      scope=consultation.process))
    return answer


def do_edit_answer(*, actor: User, answer: Answer, disposition: str, text: str) -> Answer:
    consultation = answer.consultation
    _check_manage(actor, consultation.municipality)
    if consultation.considerations_published_at is not None:
        raise ValidationError(_("The consideration table is published; answers can no longer be changed."),
                              code="published")
    disposition, text = _clean_answer(disposition, text)
    with transaction.atomic():
        answer.disposition, answer.text = disposition, text
        answer.save(update_fields=["disposition", "text", "updated_at"])
        publish(ConsiderationsChanged(consultation.municipality, consultation, actor=actor,
                                      scope=consultation.process))
    return answer


def do_publish_considerations(*, actor: User, consultation: Consultation) -> Consultation:
    """Staff publish the consideration table once every comment has its answer; everyone who commented hears."""
    _check_manage(actor, consultation.municipality)
    _check_after_period(consultation)
    with transaction.atomic():
        locked = Consultation.objects.select_for_update().get(pk=consultation.pk)
        if locked.considerations_published_at is not None:
            raise ValidationError(_("The consideration table is already published."), code="published")
        missing = considered_comments(consultation).filter(
            pk__in=considered_comments(consultation).exclude(
                pk__in=Consideration.objects.filter(consultation=consultation).values("comment_id")).values("pk"),
        ).count()
        if missing:
            raise ValidationError(_("%(count)d comments have no answer yet. Every comment needs an answer before "
                                    "the table is published.") % {"count": missing}, code="unanswered")
        locked.considerations_published_at = timezone.now()
        locked.save(update_fields=["considerations_published_at"])
        consultation.considerations_published_at = locked.considerations_published_at
        commenters = sorted(set(considered_comments(consultation).exclude(author__isnull=True)
                                .values_list("author_id", flat=True)))
        publish(ConsiderationsPublished(consultation.municipality, consultation, actor=actor,
                                        scope=consultation.process,
                                        data={"notify_users": commenters, "title": consultation.title}))
    return consultation


# --- Why the draft changed ---------------------------------------------------------------------------------------


def do_link_change(*, actor: User, version: DraftVersion, change_key: str, comment_ids: Sequence[int]) -> None:
    """Staff name the comments that caused the change ``change_key`` (see diff.Change.key) of ``version``."""
    from kommune.consultations.selectors import changes_of

    consultation = version.consultation
    _check_manage(actor, consultation.municipality)
    if change_key not in {change.key for change in changes_of(version)}:
        raise ValidationError(_("This change is not part of this version."), code="change")
    ids = sorted({int(pk) for pk in comment_ids})
    with transaction.atomic():
        valid = list(considered_comments(consultation).filter(pk__in=ids).values_list("pk", flat=True))
        if len(valid) != len(ids):
            raise ValidationError(_("Some of the selected comments do not belong to this consultation."),
                                  code="foreign_comment")
        ChangeReason.objects.filter(version=version, change_key=change_key).exclude(comment_id__in=valid).delete()
        for comment_id in valid:
            ChangeReason.objects.get_or_create(municipality=consultation.municipality, version=version,
                                               change_key=change_key, comment_id=comment_id)
        publish(ConsultationUpdated(consultation.municipality, consultation, actor=actor, scope=consultation.process))
