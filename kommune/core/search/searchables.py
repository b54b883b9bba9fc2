"""The comments as searchable documents: they sit below search, so search registers them (every app above
registers its own models, e.g. kommune/core/processes/searchables.py)."""

from django.contrib.auth.models import AnonymousUser
from django.contrib.contenttypes.models import ContentType
from django.db.models import Model, QuerySet
from django.utils.translation import gettext_lazy as _

from kommune.core.comments.events import CommentEdited, CommentHidden, CommentPosted, CommentUnhidden
from kommune.core.comments.models import Comment
from kommune.core.comments.registry import commentable_for
from kommune.core.search.registry import SearchDocumentData, register_searchable
from kommune.core.search.text import plain_text


def comment_document(comment: Comment) -> SearchDocumentData | None:
    """A visible comment on a target that anyone may see; found by its text, shown with the target's title."""
    if comment.hidden_at is not None:
        return None
    target = comment.thread.target
    commentable = commentable_for(type(target)) if target is not None else None
    if target is None or commentable is None or not commentable.is_visible(target, AnonymousUser()):
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
        Comment, kind="comment", label=_("Comment"), document=comment_document, queryset=comment_queryset,
        index_on=(CommentPosted, CommentEdited, CommentUnhidden), remove_on=(CommentHidden,),
        depends_on=comments_on,
    )
