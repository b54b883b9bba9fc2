"""How the comments plug into the core registries (the person's data export), and how the apps above describe a
comment: the moderation (kommune/core/moderation/hooks.py) and the notifications use these functions."""

from django.db.models import prefetch_related_objects
from django.urls import reverse
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from kommune.core.comments.models import Comment


def describe_target(target) -> str:
    """The kind and title of a commented object: Participation process “Spielplatz Nord”."""
    if target is None:
        return _("a page that no longer exists")
    return _("%(kind)s “%(title)s”") % {"kind": capfirst(target._meta.verbose_name), "title": str(target)}


def describe_comment(comment: Comment) -> str:
    """Where a comment is, without who wrote it (for the public moderation log)."""
    where = describe_target(comment.thread.target)
    if comment.parent_id:
        return _("Reply in: %(where)s") % {"where": where}
    return _("Comment in: %(where)s") % {"where": where}


def comment_text(comment: Comment) -> str:
    return comment.text


def public_url(comment: Comment) -> str:
    from kommune.core.comments.selectors import thread_url

    if comment.parent_id:
        return reverse("comments:replies", kwargs={"municipality_slug": comment.municipality.slug,
                                                   "comment_id": comment.parent_id}) + f"#comment-{comment.pk}"
    target = comment.thread.target
    assert target is not None  # a comment on a deleted object has no public address (this failed before, too)
    return thread_url(comment.municipality, target) + f"#comment-{comment.pk}"


def prefetch(comments: list[Comment]) -> None:
    prefetch_related_objects(comments, "author", "municipality", "thread__target")


def export_comments(user) -> list[dict]:
    """The person's comments for their data export (hidden ones included, marked: they are the person's data)."""
    comments = (Comment.objects.filter(author=user).select_related("thread__content_type")
                .order_by("created_at", "id"))
    rows = []
    for chunk_start in range(0, comments.count(), 500):
        chunk = list(comments[chunk_start:chunk_start + 500])
        prefetch_related_objects(chunk, "thread__target")
        for comment in chunk:
            rows.append({
                "text": comment.text,
                "date": comment.created_at.isoformat(),
                "edited": comment.edited_at.isoformat() if comment.edited_at else None,
                "on": describe_target(comment.thread.target),
                "reply": comment.parent_id is not None,
                "entered_for": comment.assisted_name or None,
                "channel": comment.channel or "online",
                "hidden": comment.hidden_at is not None,
                "hidden_reason": comment.hidden_reason or None,
            })
    return rows


def export_reactions(user) -> list[dict]:
    """The person's agree/disagree reactions and the comment each is on."""
    from kommune.core.comments.models import Reaction

    reactions = Reaction.objects.filter(user=user).select_related("comment").order_by("pk")
    return [{"comment": reaction.comment.text[:200], "value": reaction.value,
             "at": reaction.created_at.isoformat()}
            for reaction in reactions.iterator(chunk_size=500)]


def _channel(value) -> str:
    return str(Comment.Channel(value).label) if value in Comment.Channel.values else str(value)


def register() -> None:
    from django.utils.translation import gettext_lazy

    from kommune.core import privacy
    from kommune.core.assisted import register_assisted_entry
    from kommune.core.audit import register_audit_detail
    from kommune.core.models import AuditLogEntry

    privacy.register_exporter("comments", export_comments, covers=["comments.Comment.author"])
    privacy.register_exporter("reactions", export_reactions, covers=["comments.Reaction.user"])
    assisted = AuditLogEntry.Action.COMMENT_ENTERED_ASSISTED
    register_audit_detail("comment", gettext_lazy("Comment number"), action=assisted)
    register_audit_detail("channel", gettext_lazy("Received"), action=assisted, format=_channel)
    register_audit_detail("where", gettext_lazy("Where"), action=assisted)
    register_assisted_entry(
        key="comments", label=gettext_lazy("Comment for a resident"),
        description=gettext_lazy("Open the participation process or draft text; below its comments, “Enter a "
                                 "comment received by phone, letter or at an event” takes what someone said."),
        url_name="processes:list", permission="comments.enter_assisted", actions=[assisted], order=10)
