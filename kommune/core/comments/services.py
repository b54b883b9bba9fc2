"""Writes of the comments: posting, replying, editing, reacting, and comments entered by staff for residents.

Counters (Thread.comment_count/top_level_count, Comment.reply_count/agree_count/disagree_count) count
visible rows and move with F() in the transaction that writes the row they count. Rows are locked in one
order everywhere (comments by ascending id, then the thread) so concurrent writers never deadlock.
"""

import contextlib
from datetime import datetime

from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Model
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from kommune.core import pagecache
from kommune.core.cleaning import refuse_control_characters
from kommune.core.comments.blocks import active_block
from kommune.core.comments.events import CommentEdited, CommentPosted
from kommune.core.comments.hooks import describe_target
from kommune.core.comments.models import MAX_COMMENT_LENGTH, Comment, Reaction, Thread
from kommune.core.comments.registry import Commentable, commentable_for
from kommune.core.events import publish
from kommune.core.models import AuditLogEntry, Municipality
from kommune.core.pagecache import page_tags_of
from kommune.core.richtext import render_markdown
from kommune.core.services import log_action
from kommune.core.types import User

EDIT_WINDOW = Comment.EDIT_WINDOW
# Posting limits per person, counted in the cache: (window in seconds, most comments in it).
RATE_PER_MINUTE = (60, 5)
RATE_PER_DAY = (24 * 3600, 50)
MAX_ASSISTED_NAME_LENGTH = 80
ASSISTED_CHANNELS = (Comment.Channel.PHONE, Comment.Channel.LETTER, Comment.Channel.EVENT)


# --- Checks ---------------------------------------------------------------------------------------------------


def clean_comment_text(text: str | None) -> str:
    text = refuse_control_characters((text or "").strip())
    if not text:
        raise ValidationError(_("Please write your comment first; it is empty."), code="empty")
    if len(text) > MAX_COMMENT_LENGTH:
        raise ValidationError(
            _("A comment can have at most %(max)d characters; yours has %(length)d. Please shorten it.")
            % {"max": MAX_COMMENT_LENGTH, "length": len(text)}, code="too_long")
    return text


def _commentable(target: Model) -> Commentable:
    commentable = commentable_for(type(target))
    if commentable is None:
        raise ValidationError(_("This cannot be commented on."), code="not_commentable")
    return commentable


def _thread_target(comment: Comment) -> Model:
    target = comment.thread.target
    if target is None:  # the object the thread was on is gone
        raise ValidationError(_("This cannot be commented on."), code="not_commentable")
    return target


def _format(moment: datetime) -> str:
    return formats.date_format(timezone.localtime(moment), "DATETIME_FORMAT")


def check_not_blocked(user: User, municipality: Municipality, now: datetime) -> None:
    block = active_block(user, municipality, now)
    if block is not None:
        raise ValidationError(
            _("You are blocked from taking part in %(municipality)s until %(until)s. Reason: %(reason)s")
            % {"municipality": municipality.name, "until": _format(block.until), "reason": block.reason},
            code="blocked")


def check_open(commentable: Commentable, target: Model, user: User, now: datetime) -> None:
    if not commentable.is_visible(target, user):
        raise ValidationError(_("This cannot be commented on."), code="not_commentable")
    if not commentable.is_open(target, now):
        raise ValidationError(str(commentable.closed_message), code="closed")


def _count_rate(user: User, now: datetime) -> None:
    """Count one comment of ``user`` in each window; refuse (and take the count back) above a limit."""
    counted = []
    for window, limit in (RATE_PER_MINUTE, RATE_PER_DAY):
        key = f"comments:rate:{user.pk}:{window}:{int(now.timestamp()) // window}"
        cache.add(key, 0, timeout=window + 60)
        try:
            count = cache.incr(key)
        except ValueError:  # evicted between add and incr
            cache.set(key, 1, timeout=window + 60)
            count = 1
        counted.append(key)
        if count > limit:
            for done in counted:
                with contextlib.suppress(ValueError):
                    cache.decr(done)
            if window == RATE_PER_MINUTE[0]:
                message = _("Please wait a minute before you post again: at most %(limit)d comments per minute "
                            "are possible.") % {"limit": limit}
            else:
                message = _("Please wait until tomorrow: you have reached the limit of %(limit)d comments a "
                            "day.") % {"limit": limit}
            raise ValidationError(message, code="rate_limited")


# --- Posting --------------------------------------------------------------------------------------------------


def _thread_for(target: Model, municipality: Municipality) -> Thread:
    # get_or_create retries the read when a concurrent request created the row first (unique constraint).
    thread, _created = Thread.objects.get_or_create(
        content_type=ContentType.objects.get_for_model(target), object_id=target.pk,
        defaults={"municipality": municipality})
    return thread


def _lock_reply_parent(parent: Comment, thread: Thread) -> Comment:
    """The visible top-level comment a reply attaches to (replying to a reply attaches to its top-level
    comment), locked until the end of the transaction so it cannot be hidden meanwhile."""
    if parent.thread_id != thread.pk or parent.municipality_id != thread.municipality_id:
        raise ValidationError(_("You can only reply to a comment of this discussion."), code="foreign_parent")
    ids = sorted({parent.pk, parent.parent_id or parent.pk})
    locked = {c.pk: c for c in Comment.objects.select_for_update().filter(pk__in=ids, thread=thread).order_by("pk")}
    if len(locked) != len(ids):
        raise ValidationError(_("The comment you replied to no longer exists."), code="missing_parent")
    if any(c.hidden_at is not None for c in locked.values()):
        raise ValidationError(_("This comment was hidden by the moderation; replies to it are not possible."),
                              code="hidden_parent")
    return locked[parent.parent_id or parent.pk]


def _create(*, author: User, target: Model, commentable: Commentable, text: str, parent: Comment | None,
            channel: str = "", assisted_name: str = "") -> Comment:
    municipality = commentable.municipality_of(target)
    with transaction.atomic():
        thread = _thread_for(target, municipality)
        top = _lock_reply_parent(parent, thread) if parent is not None else None
        comment = Comment.objects.create(
            municipality=municipality, thread=thread, parent=top, author=author, channel=channel,
            assisted_name=assisted_name, text=text, text_html=render_markdown(text, nofollow=True))
        if top is None:
            Thread.objects.filter(pk=thread.pk).update(comment_count=F("comment_count") + 1,
                                                       top_level_count=F("top_level_count") + 1)
        else:
            Comment.objects.filter(pk=top.pk).update(reply_count=F("reply_count") + 1)
            Thread.objects.filter(pk=thread.pk).update(comment_count=F("comment_count") + 1)
        publish(CommentPosted(municipality, comment, actor=author, scope=commentable.scope(target)))
    return comment


def do_post_comment(*, actor: User, target: Model, text: str, parent: Comment | None = None) -> Comment:
    """A person comments on ``target`` (or replies to ``parent``, a comment of the same thread)."""
    if not actor.is_authenticated:
        raise PermissionDenied
    commentable = _commentable(target)
    municipality = commentable.municipality_of(target)
    now = timezone.now()
    text = clean_comment_text(text)
    check_open(commentable, target, actor, now)
    check_not_blocked(actor, municipality, now)
    if parent is not None and parent.municipality_id != municipality.pk:
        raise ValidationError(_("You can only reply to a comment of this discussion."), code="foreign_parent")
    _count_rate(actor, now)
    return _create(author=actor, target=target, commentable=commentable, text=text, parent=parent)


def do_post_assisted_comment(*, staff: User, target: Model, text: str, channel: str, assisted_name: str,
                             parent: Comment | None = None) -> Comment:
    """Staff enter what a resident said by phone, by letter or at an event, under the name the resident chose.
    The staff member is the author, so it stays visible who entered it."""
    commentable = _commentable(target)
    municipality = commentable.municipality_of(target)
    if not staff.is_authenticated or not staff.has_perm("comments.enter_assisted", municipality):
        raise PermissionDenied
    if channel not in ASSISTED_CHANNELS:
        raise ValidationError(_("Please say how the comment reached you: by phone, by letter or at an event."),
                              code="channel")
    assisted_name = refuse_control_characters((assisted_name or "").strip())
    if not assisted_name:
        raise ValidationError(_("Please enter the name under which the resident wants the comment to appear."),
                              code="assisted_name")
    if len(assisted_name) > MAX_ASSISTED_NAME_LENGTH:
        raise ValidationError(_("The name can have at most %(max)d characters.") % {"max": MAX_ASSISTED_NAME_LENGTH},
                              code="assisted_name")
    text = clean_comment_text(text)
    check_open(commentable, target, staff, timezone.now())
    with transaction.atomic():
        comment = _create(author=staff, target=target, commentable=commentable, text=text, parent=parent,
                          channel=channel, assisted_name=assisted_name)
        log_action(tenant=municipality, actor=staff, action=AuditLogEntry.Action.COMMENT_ENTERED_ASSISTED,
                   comment=comment.pk, channel=channel, where=describe_target(target))
    return comment


# --- Editing --------------------------------------------------------------------------------------------------


def edit_deadline(comment: Comment) -> datetime:
    return comment.edit_deadline


def can_edit(user: User, comment: Comment, now: datetime | None = None) -> bool:
    """For templates: the author, within the window, while the comment is visible."""
    return comment.is_editable_by(user, now or timezone.now())


def do_edit_comment(*, actor: User, comment: Comment, text: str) -> Comment:
    if not actor.is_authenticated or comment.author_id != actor.pk:
        raise PermissionDenied
    now = timezone.now()
    if now >= comment.edit_deadline:
        raise ValidationError(_("A comment can be changed for %(minutes)d minutes after it was posted; that time "
                                "is over.") % {"minutes": EDIT_WINDOW.seconds // 60}, code="edit_window")
    text = clean_comment_text(text)
    target = _thread_target(comment)
    commentable = _commentable(target)
    check_open(commentable, target, actor, now)
    check_not_blocked(actor, comment.municipality, now)
    with transaction.atomic():
        locked = Comment.objects.select_for_update().get(pk=comment.pk)
        if locked.hidden_at is not None:
            raise ValidationError(_("This comment was hidden by the moderation and can no longer be changed."),
                                  code="hidden")
        if locked.text == text:
            return locked
        locked.text, locked.text_html, locked.edited_at = text, render_markdown(text, nofollow=True), now
        locked.save(update_fields=["text", "text_html", "edited_at"])
        publish(CommentEdited(comment.municipality, locked, actor=actor, scope=commentable.scope(target)))
    return locked


# --- Reactions ------------------------------------------------------------------------------------------------


def _move_reaction_counts(comment: Comment, target: Model, changes: dict[int, int]) -> None:
    fields = {"agree_count": Reaction.Value.AGREE, "disagree_count": Reaction.Value.DISAGREE}
    update = {name: F(name) + changes[value] for name, value in fields.items() if changes.get(value)}
    if update:
        Comment.objects.filter(pk=comment.pk).update(**update)
        # The counts show on the pages of the thread's target, cached for everyone (the comment list is a shared
        # fragment for logged-in visitors too): after the commit they are stale. No event: a reaction is not news.
        slug, tags = comment.municipality.slug, page_tags_of(target)
        transaction.on_commit(lambda: pagecache.invalidate(slug) if tags is None
                              else pagecache.invalidate_tags(slug, tags), robust=True)


def do_react(*, actor: User, comment: Comment, value: int | None) -> int:
    """Set the person's reaction to ``value`` (agree 1, disagree -1) or withdraw it (0 or None).
    Returns the reaction now stored (0 for none). One row per person is the truth (unique constraint)."""
    if not actor.is_authenticated:
        raise PermissionDenied
    value = value or 0
    if value not in (0, Reaction.Value.AGREE, Reaction.Value.DISAGREE):
        raise ValidationError(_("Unknown reaction."), code="value")
    if comment.hidden_at is not None:
        raise ValidationError(_("This comment was hidden by the moderation."), code="hidden")
    if comment.author_id == actor.pk:
        raise ValidationError(_("You cannot react to your own comment."), code="own")
    now = timezone.now()
    target = _thread_target(comment)
    check_open(_commentable(target), target, actor, now)
    check_not_blocked(actor, comment.municipality, now)
    with transaction.atomic():
        # Parallel requests of the same person may insert or delete the row meanwhile: read again and retry.
        for _attempt in range(10):
            existing = Reaction.objects.select_for_update().filter(comment=comment, user=actor).first()
            if existing is None:
                if not value:
                    return 0
                try:
                    with transaction.atomic():
                        Reaction.objects.create(municipality_id=comment.municipality_id, comment=comment,
                                                user=actor, value=value)
                except IntegrityError:
                    continue  # a parallel request of the same person inserted first: continue from its row
                _move_reaction_counts(comment, target, {value: 1})
                return value
            if existing.value == value:
                return value
            if not value:
                existing.delete()
                _move_reaction_counts(comment, target, {existing.value: -1})
                return 0
            old, existing.value = existing.value, value
            existing.save(update_fields=["value"])
            _move_reaction_counts(comment, target, {old: -1, value: 1})
            return value
    raise ValidationError(_("Too many reactions at the same time. Please try again."), code="busy")
