"""The comments as an open-data record set (kommune.core.records).

Comments are the personal data of private persons, so the records name nobody: no author, no display name, no
name an assisted comment was entered under, no user id. Hidden comments stay in the set so that replies and the
moderation log can refer to them, but marked as hidden and without their text. Comments on objects that the
public cannot see (an unpublished process) are left out.
"""

from collections.abc import Iterator
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.contrib.contenttypes.models import ContentType
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from kommune.core.comments.events import CommentEdited, CommentHidden, CommentPosted, CommentUnhidden
from kommune.core.comments.models import Comment, Thread
from kommune.core.comments.registry import commentable_for, target_key
from kommune.core.events import Visibility
from kommune.core.models import Municipality
from kommune.core.records import Column, register_record_set

CHANGED_BY = (CommentPosted, CommentEdited, CommentHidden, CommentUnhidden,
              # The visibility of what was commented on (a process published or withdrawn).
              Visibility.PUBLISHED, Visibility.WITHDRAWN)

COLUMNS = (
    Column("id", "integer", _("Number of the comment on the platform."), required=True),
    Column("target_type", "string", _("Kind of the commented object, for example processes.process."),
           required=True),
    Column("target_id", "integer", _("Number of the commented object in its own record set."), required=True),
    Column("target_url", "string", _("Address of the page of the commented object."), required=True),
    Column("parent_id", "integer", _("For a reply: number of the comment it answers.")),
    Column("created_at", "datetime", _("When the comment was posted (UTC)."), required=True),
    Column("edited_at", "datetime", _("When the author last changed the comment (UTC).")),
    Column("hidden", "boolean", _("Hidden by the moderation (see the moderation log); the text is then left out."),
           required=True),
    Column("text", "string", _("Text of the comment in Markdown; empty when the comment is hidden.")),
    Column("channel", "string",
           _("How the comment reached the municipality: online, phone, letter or event (entered by staff)."),
           required=True),
    Column("reply_count", "integer", _("Number of visible replies."), required=True),
    Column("agree_count", "integer", _("Number of people who agree."), required=True),
    Column("disagree_count", "integer", _("Number of people who disagree."), required=True),
)


def visible_target_urls(municipality: Municipality) -> dict[int, tuple[str, dict[int, str]]]:
    """Per content type id: the target key and the public addresses of the commented objects the public may see.
    One query per kind of commentable object, however many comments there are."""
    anonymous = AnonymousUser()
    found: dict[int, tuple[str, dict[int, str]]] = {}
    content_type_ids = (Thread.objects.filter(municipality=municipality)
                        .values_list("content_type_id", flat=True).distinct().order_by())
    for content_type_id in content_type_ids:
        model = ContentType.objects.get_for_id(content_type_id).model_class()
        commentable = commentable_for(model) if model is not None else None
        if model is None or commentable is None:
            continue
        object_ids = Thread.objects.filter(municipality=municipality, content_type_id=content_type_id).values(
            "object_id")
        # Any: every commentable model has get_absolute_url, which Model does not declare.
        targets: QuerySet[Any] = (
            model._default_manager.filter(pk__in=object_ids, **{commentable.tenant_field: municipality})
            .select_related(commentable.tenant_field))
        found[content_type_id] = (target_key(model), {
            target.pk: settings.SITE_URL + target.get_absolute_url()
            for target in targets.iterator(chunk_size=2000) if commentable.is_visible(target, anonymous)})
    return found


def comment_rows(municipality: Municipality) -> Iterator[dict[str, Any]]:
    targets = visible_target_urls(municipality)
    comments = (Comment.objects.filter(municipality=municipality).order_by("created_at", "id")
                .values("id", "thread__content_type_id", "thread__object_id", "parent_id", "created_at", "edited_at",
                        "hidden_at", "text", "channel", "reply_count", "agree_count", "disagree_count"))
    for comment in comments.iterator(chunk_size=2000):
        key, urls = targets.get(comment["thread__content_type_id"], ("", {}))
        url = urls.get(comment["thread__object_id"])
        if url is None:
            continue
        hidden = comment["hidden_at"] is not None
        yield {
            "id": comment["id"],
            "target_type": key,
            "target_id": comment["thread__object_id"],
            "target_url": url,
            "parent_id": comment["parent_id"],
            "created_at": comment["created_at"],
            "edited_at": comment["edited_at"],
            "hidden": hidden,
            "text": None if hidden else comment["text"],
            "channel": comment["channel"] or "online",
            "reply_count": comment["reply_count"],
            "agree_count": comment["agree_count"],
            "disagree_count": comment["disagree_count"],
        }


def register() -> None:
    register_record_set(
        key="comments", title=_("Comments"),
        description=_("The comments and replies on participation processes and other contributions, with their "
                      "agree and disagree counts, without any information about their authors. Comments hidden by "
                      "the moderation are marked and have no text."),
        columns=COLUMNS, rows=comment_rows, changed_by=CHANGED_BY,
        themes=("GOVE", "SOCI"), keywords=("Bürgerbeteiligung", "Kommentare", "Open Government"))
