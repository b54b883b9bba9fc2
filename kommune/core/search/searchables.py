"""The core's own searchable models: participation processes and comments."""

from django.contrib.auth.models import AnonymousUser
from django.contrib.contenttypes.models import ContentType
from django.db.models import Model, QuerySet
from django.utils.translation import gettext_lazy as _

from kommune.core.comments.models import Comment
from kommune.core.comments.registry import commentable_for
from kommune.core.processes.models import Process
from kommune.core.search.registry import SearchDocumentData, register_searchable
from kommune.core.search.text import plain_text


def process_document(process: Process) -> SearchDocumentData | None:
    if not process.is_published:
        return None
    description = plain_text(process.description_html) if process.description_html else process.description
    body = [process.summary, description, process.area,
            process.topic.name if process.topic_id else "",
            process.organisation.name if process.organisation_id else ""]
    return SearchDocumentData(municipality=process.municipality, title=process.title,
                              body="\n".join(part for part in body if part), url=process.get_absolute_url())


def comment_document(comment: Comment) -> SearchDocumentData | None:
    """A visible comment on a target that anyone may see; found by its text, shown with the target's title."""
    if comment.hidden_at is not None:
        return None
    target = comment.thread.target
    commentable = commentable_for(type(target)) if target is not None else None
    if commentable is None or not commentable.is_visible(target, AnonymousUser()):
        return None
    text = plain_text(comment.text_html) if comment.text_html else comment.text
    return SearchDocumentData(municipality=comment.municipality, title="", body=text,
                              url=f"{target.get_absolute_url()}#comment-{comment.pk}", context=str(target))


def comments_on(target: Model) -> QuerySet | None:
    if isinstance(target, Comment) or commentable_for(type(target)) is None:
        return None
    return comment_queryset().filter(thread__content_type=ContentType.objects.get_for_model(target),
                                     thread__object_id=target.pk)


def comment_queryset() -> QuerySet:
    return Comment.objects.select_related("municipality", "thread").prefetch_related("thread__target")


def register() -> None:
    register_searchable(
        Process, kind="process", label=_("Participation process"), document=process_document,
        queryset=lambda: Process.objects.filter(is_published=True).select_related(
            "municipality", "topic", "organisation"),
        index_on=("process.published", "process.updated"), remove_on=("process.unpublished",),
    )
    register_searchable(
        Comment, kind="comment", label=_("Comment"), document=comment_document, queryset=comment_queryset,
        index_on=("comment.posted", "comment.edited", "comment.unhidden"), remove_on=("comment.hidden",),
        depends_on=comments_on,
    )
