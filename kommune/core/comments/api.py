"""Comments on any commentable object (a process, a citizen proposal …), their replies, and reactions.

A thread is named like on the web: ``target_type`` is the model's label (``processes.process``,
``proposals.proposal``) and ``target_id`` its id. Reading follows the object's visibility; writing goes through
kommune/core/comments/services.py with the same rules as the web pages (open phase, blocks, edit window, limits).
"""

from datetime import datetime
from typing import Literal

from django.http import HttpRequest
from ninja import Field, P, PathEx, Router, Schema, Status
from pydantic import ConfigDict

from kommune.core.api import auth
from kommune.core.api.common import MunicipalitySlug, ObjectId, Text, municipality_or_404
from kommune.core.api.errors import PAGE, READ, WRITE, responses
from kommune.core.api.pagination import DEFAULT_LIMIT, Cursor, Limit, check_cursor, page, page_schema
from kommune.core.comments import selectors, services
from kommune.core.comments.access import comment_or_404, target_or_404
from kommune.core.comments.models import Comment
from kommune.core.types import AuthenticatedHttpRequest

router = Router(tags=["Comments"])

TargetType = PathEx[str, P(pattern=r"^[a-z][a-z0-9_]*\.[a-z][a-z0-9_]*$", max_length=100,
                         description="What is commented on: `processes.process` or `proposals.proposal`.")]


class CommentOut(Schema):
    id: int
    parent_id: int | None
    author: str | None
    assisted: bool
    channel: Literal["online", "phone", "letter", "event"]
    text_html: str | None
    hidden: bool
    hidden_reason: str | None
    created_at: datetime
    edited_at: datetime | None
    reply_count: int
    agree_count: int
    disagree_count: int
    my_reaction: Literal[-1, 0, 1]

    @staticmethod
    def resolve_author(obj: Comment) -> str | None:
        """The public name: the one a resident chose for an assisted comment; null for a deleted account."""
        if obj.hidden_at is not None:
            return None
        if obj.channel:
            return obj.assisted_name
        return None if obj.author is None or obj.author.is_deleted else obj.author.display_name

    @staticmethod
    def resolve_assisted(obj: Comment) -> bool:
        return bool(obj.channel)

    @staticmethod
    def resolve_channel(obj: Comment) -> str:
        return obj.channel or "online"

    @staticmethod
    def resolve_text_html(obj: Comment) -> str | None:
        return None if obj.hidden_at is not None else obj.text_html

    @staticmethod
    def resolve_hidden(obj: Comment) -> bool:
        return obj.hidden_at is not None

    @staticmethod
    def resolve_hidden_reason(obj: Comment) -> str | None:
        return obj.hidden_reason if obj.hidden_at is not None else None

    @staticmethod
    def resolve_my_reaction(obj: Comment) -> int:
        return getattr(obj, "my_reaction", 0)


CommentPage = page_schema("CommentPage", CommentOut)


class CommentIn(Schema):
    model_config = ConfigDict(extra="forbid")

    text: Text = Field(description="Markdown, at most 5000 characters.", examples=["Ich wünsche mir mehr Bänke."])


class ReactionIn(Schema):
    model_config = ConfigDict(extra="forbid")

    value: Literal[1, -1] = Field(description="1: agree, -1: disagree.")


class ReactionOut(Schema):
    value: Literal[-1, 0, 1]
    agree_count: int
    disagree_count: int


def _with_reactions(request: HttpRequest, comments: list[Comment]) -> list[Comment]:
    reactions = selectors.viewer_reactions(request.user, [comment.pk for comment in comments])
    for comment in comments:
        comment.my_reaction = reactions.get(comment.pk, 0)
    return comments


def _comments():
    return Comment.objects.select_related("author").defer("text")


@router.get("/municipalities/{municipality_slug}/threads/{target_type}/{target_id}/comments",
            response=responses({200: CommentPage}, *PAGE), auth=auth.READ, openapi_extra=auth.OPTIONAL_TOKEN,
            summary="List the comments on an object")
def list_comments(request: HttpRequest, municipality_slug: MunicipalitySlug, target_type: TargetType,
                  target_id: ObjectId, cursor: Cursor = None, limit: Limit = DEFAULT_LIMIT):
    """Top-level comments, newest first. Hidden ones keep their place without text. Replies: see
    `list_replies`."""
    municipality = municipality_or_404(municipality_slug)
    _commentable, target = target_or_404(request, municipality, target_type, target_id)
    check_cursor(cursor)
    thread = selectors.thread_of(target)
    if thread is None:
        return {"items": [], "next": None}
    result = page(_comments().filter(thread=thread, parent__isnull=True), cursor, limit=limit, descending=True)
    _with_reactions(request, result["items"])
    return result


@router.post("/municipalities/{municipality_slug}/threads/{target_type}/{target_id}/comments",
             response=responses({201: CommentOut}, *WRITE), auth=auth.WRITE, summary="Comment on an object")
def post_comment(request: AuthenticatedHttpRequest, municipality_slug: MunicipalitySlug, target_type: TargetType,
                 target_id: ObjectId, payload: CommentIn):
    """Possible while a phase that opens comments is running (or the object otherwise allows comments)."""
    municipality = municipality_or_404(municipality_slug)
    _commentable, target = target_or_404(request, municipality, target_type, target_id)
    comment = services.do_post_comment(actor=request.user, target=target, text=payload.text)
    return Status(201, comment)


@router.get("/municipalities/{municipality_slug}/comments/{comment_id}",
            response=responses({200: CommentOut}, *READ), auth=auth.READ, openapi_extra=auth.OPTIONAL_TOKEN,
            summary="Get a comment")
def get_comment(request: HttpRequest, municipality_slug: MunicipalitySlug, comment_id: ObjectId):
    comment, _target = comment_or_404(request, municipality_or_404(municipality_slug), comment_id)
    return _with_reactions(request, [comment])[0]


@router.patch("/municipalities/{municipality_slug}/comments/{comment_id}",
              response=responses({200: CommentOut}, *WRITE), auth=auth.WRITE, summary="Edit one's comment")
def edit_comment(request: AuthenticatedHttpRequest, municipality_slug: MunicipalitySlug, comment_id: ObjectId,
                 payload: CommentIn):
    """The author may change a comment for 15 minutes after posting it."""
    comment, _target = comment_or_404(request, municipality_or_404(municipality_slug), comment_id)
    comment = services.do_edit_comment(actor=request.user, comment=comment, text=payload.text)
    return _with_reactions(request, [Comment.objects.select_related("author").get(pk=comment.pk)])[0]


@router.get("/municipalities/{municipality_slug}/comments/{comment_id}/replies",
            response=responses({200: CommentPage}, *PAGE), auth=auth.READ, openapi_extra=auth.OPTIONAL_TOKEN,
            summary="List the replies to a comment")
def list_replies(request: HttpRequest, municipality_slug: MunicipalitySlug, comment_id: ObjectId,
                 cursor: Cursor = None, limit: Limit = DEFAULT_LIMIT):
    """Replies, oldest first. Replies have no replies of their own: answering a reply answers its comment."""
    parent, _target = comment_or_404(request, municipality_or_404(municipality_slug), comment_id)
    result = page(_comments().filter(thread_id=parent.thread_id, parent=parent), cursor, limit=limit,
                  descending=False)
    _with_reactions(request, result["items"])
    return result


@router.post("/municipalities/{municipality_slug}/comments/{comment_id}/replies",
             response=responses({201: CommentOut}, *WRITE), auth=auth.WRITE, summary="Reply to a comment")
def post_reply(request: AuthenticatedHttpRequest, municipality_slug: MunicipalitySlug, comment_id: ObjectId,
               payload: CommentIn):
    parent, target = comment_or_404(request, municipality_or_404(municipality_slug), comment_id)
    comment = services.do_post_comment(actor=request.user, target=target, text=payload.text, parent=parent)
    return Status(201, comment)


@router.put("/municipalities/{municipality_slug}/comments/{comment_id}/reaction",
            response=responses({200: ReactionOut}, *WRITE), auth=auth.WRITE, summary="Agree or disagree")
def put_reaction(request: AuthenticatedHttpRequest, municipality_slug: MunicipalitySlug, comment_id: ObjectId,
                 payload: ReactionIn):
    """One reaction per person and comment; putting another value replaces it. Not on one's own comments."""
    comment, _target = comment_or_404(request, municipality_or_404(municipality_slug), comment_id)
    value = services.do_react(actor=request.user, comment=comment, value=payload.value)
    comment.refresh_from_db(fields=["agree_count", "disagree_count"])
    return {"value": value, "agree_count": comment.agree_count, "disagree_count": comment.disagree_count}


@router.delete("/municipalities/{municipality_slug}/comments/{comment_id}/reaction",
               response=responses({204: None}, *WRITE), auth=auth.WRITE, summary="Withdraw one's reaction")
def delete_reaction(request: AuthenticatedHttpRequest, municipality_slug: MunicipalitySlug, comment_id: ObjectId):
    comment, _target = comment_or_404(request, municipality_or_404(municipality_slug), comment_id)
    services.do_react(actor=request.user, comment=comment, value=0)
    return Status(204, None)
