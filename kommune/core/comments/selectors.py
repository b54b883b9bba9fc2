"""Reads of the comments, shared by the views, the embed (Jinja global ``comment_thread``) and the benchmark.

A page of a thread costs the same number of queries at 10 comments as at 10,000: one for the thread row, one
for the page of comments with their authors, one for the viewer's own reactions on that page; replies are
loaded on demand (their number comes from the stored counter).

Where the list is a shared fragment (the embed, a consultation's paragraph), the first page costs less: the
thread's counter and who wrote the shown comments are a shared value of the page, the comments themselves are
read only when the fragment is rendered, and the viewer's reactions are read only in a thread they reacted in
(``REACTED``).
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from functools import cached_property
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser
from django.contrib.contenttypes.models import ContentType
from django.db.models import Model
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme

from kommune.core import cursor as cursors
from kommune.core.cleaning import parse_id
from kommune.core.comments.blocks import active_block
from kommune.core.comments.models import Comment, Reaction, Thread
from kommune.core.comments.registry import Commentable, commentable_for, target_key
from kommune.core.models import Municipality
from kommune.core.pagecache import shared_value
from kommune.core.personal import PersonalCache

PAGE_SIZE = 20
REPLIES_PAGE_SIZE = 50


def thread_of(target: Model) -> Thread | None:
    return Thread.objects.filter(content_type=ContentType.objects.get_for_model(target), object_id=target.pk).first()


def _comments():
    # The source text is only needed by the edit form; the page shows the sanitised HTML.
    return Comment.objects.select_related("author").defer("text")


def top_level_page(thread: Thread | None, cursor: str | None) -> tuple[list[Comment], str | None]:
    """Top-level comments, newest first (hidden ones stay in place). Raises InvalidCursor."""
    if cursor:
        cursors.decode(cursor)  # a malformed cursor is an error even on an empty thread
    if thread is None:
        return [], None
    return cursors.page(_comments().filter(thread=thread, parent__isnull=True), cursor, size=PAGE_SIZE,
                        descending=True)


def replies_page(parent: Comment, cursor: str | None) -> tuple[list[Comment], str | None]:
    """Replies to a top-level comment, oldest first. Raises InvalidCursor."""
    return cursors.page(_comments().filter(thread_id=parent.thread_id, parent=parent), cursor,
                        size=REPLIES_PAGE_SIZE, descending=False)


def _threads_reacted_in(user_id: int) -> frozenset[int]:
    return frozenset(Reaction.objects.filter(user_id=user_id).values_list("comment__thread_id", flat=True)
                     .distinct())


# The threads in which a person reacted to a comment, kept like their roles (a reaction's save or delete counts the
# person's version on): a page of a thread they never reacted in asks nothing about their reactions.
REACTED = PersonalCache("reacted", _threads_reacted_in, 600)


def viewer_reactions(user, comment_ids: list[int], thread_id: int | None = None) -> dict[int, int]:
    """The viewer's reaction (1 or -1) per comment of the page, in one query; none when the thread is known and
    the person never reacted in it."""
    if not user.is_authenticated or not comment_ids:
        return {}
    if thread_id is not None and thread_id not in REACTED.get(user.pk):
        return {}
    return dict(Reaction.objects.filter(user=user, comment__in=comment_ids).values_list("comment_id", "value"))


def safe_next(request: HttpRequest, candidate: str | None, fallback: str) -> str:
    """``candidate`` if it is a path on this site, else ``fallback``; anchors are added by the caller."""
    # A path, not a name: redirect() would try to reverse anything without a slash ("%" -> NoReverseMatch).
    if not candidate or not candidate.startswith("/") or not candidate.isprintable():
        return fallback
    if not url_has_allowed_host_and_scheme(candidate, allowed_hosts={request.get_host()},
                                           require_https=request.is_secure()):
        return fallback
    return candidate.split("#")[0]


def thread_url(municipality: Municipality, target: Model) -> str:
    return reverse("comments:thread", kwargs={"municipality_slug": municipality.slug,
                                              "target_type": target_key(target), "target_id": target.pk})


@dataclass
class Viewing:
    """What one viewer may do in one thread at one moment; asked by the templates for each comment."""

    user: AbstractBaseUser | AnonymousUser
    municipality: Municipality
    is_open: bool
    closed_message: str = ""
    block: object = None
    can_moderate: bool = False
    can_enter_assisted: bool = False
    reactions: dict[int, int] = field(default_factory=dict)
    now: datetime = field(default_factory=timezone.now)
    # Replies shown open under their top-level comment (the one just replied to), by its id.
    open_replies: dict[int, "OpenReplies"] = field(default_factory=dict)
    # The list is a shared fragment (comments/embed.html): the person's reactions are personal marks.
    marks: bool = False

    @property
    def may_take_part(self) -> bool:
        return self.user.is_authenticated and self.is_open and self.block is None

    def reaction(self, comment: Comment) -> int:
        return self.reactions.get(comment.pk, 0)

    def can_react(self, comment: Comment) -> bool:
        return self.may_take_part and comment.hidden_at is None and comment.author_id != self.user.pk

    def can_edit(self, comment: Comment) -> bool:
        return self.may_take_part and comment.is_editable_by(self.user, self.now)

    def can_reply(self, comment: Comment) -> bool:
        return self.may_take_part and comment.hidden_at is None

    def can_report(self, comment: Comment) -> bool:
        return comment.hidden_at is None and not (self.user.is_authenticated and comment.author_id == self.user.pk)

    def reaction_fills(self) -> dict[str, Callable[[list[int]], dict[int, str]]]:
        """The personal marks of the reaction buttons (comments/macros.html) from the reactions read already."""
        def fill(value: int, then: str, otherwise: str) -> Callable[[list[int]], dict[int, str]]:
            return lambda ids: {pk: then if self.reactions.get(pk, 0) == value else otherwise for pk in ids}

        return {"agree_value": fill(1, "0", "1"), "agree_pressed": fill(1, "true", "false"),
                "disagree_value": fill(-1, "0", "-1"), "disagree_pressed": fill(-1, "true", "false")}


def viewing(request: HttpRequest, municipality: Municipality, commentable: Commentable, target: Model,
            comment_ids: list[int], thread_id: int | None = None) -> Viewing:
    user = request.user
    now = timezone.now()
    return Viewing(
        user=user,
        municipality=municipality,
        is_open=commentable.is_open(target, now),
        closed_message=str(commentable.closed_message),
        block=active_block(user, municipality, now),
        can_moderate=user.has_perm("moderation.moderate", municipality),
        can_enter_assisted=user.has_perm("comments.enter_assisted", municipality),
        reactions=viewer_reactions(user, comment_ids, thread_id),
        now=now,
    )


@dataclass
class OpenReplies:
    """The first page of a top-level comment's replies, shown in the thread (as comments/_replies.html)."""

    parent: Comment
    replies: list[Comment]
    next_cursor: str | None
    form: object
    replies_url: str


# The query parameter that opens one comment's replies in the thread: after posting a reply, the person sees it.
OPEN_REPLIES_PARAMETER = "antworten"


def with_open_replies(url: str, top: Comment, reply: Comment) -> str:
    """``url`` (a thread or the page embedding it) with ``top``'s replies open, anchored at ``reply``."""
    parts = urlsplit(url)
    query = [(key, value) for key, value in parse_qsl(parts.query) if key != OPEN_REPLIES_PARAMETER]
    query.append((OPEN_REPLIES_PARAMETER, str(top.pk)))
    return urlunsplit(parts._replace(query=urlencode(query), fragment=f"comment-{reply.pk}"))


def _requested_open(request: HttpRequest, thread: Thread | None, comments: list[Comment]) -> Comment | None:
    """The top-level comment whose replies the request asks to open; it joins the page if it is not on it."""
    value = request.GET.get(OPEN_REPLIES_PARAMETER, "")
    wanted = parse_id(value)
    if thread is None or wanted is None:
        return None
    top = next((c for c in comments if c.pk == wanted), None)
    if top is None:
        top = _comments().filter(thread=thread, parent__isnull=True, pk=int(value)).first()
        if top is not None:
            comments.insert(0, top)
    return top


def _open_replies(top: Comment, municipality: Municipality) -> OpenReplies:
    from kommune.core.comments.forms import ReplyForm

    replies, next_cursor = replies_page(top, None)
    return OpenReplies(parent=top, replies=replies, next_cursor=next_cursor,
                       form=ReplyForm(auto_id=f"id_reply{top.pk}_%s"),
                       replies_url=reverse("comments:replies", kwargs={"municipality_slug": municipality.slug,
                                                                       "comment_id": top.pk}))


# Who wrote a shown comment, by the comment's id: enough to name the shared fragment without reading the comments.
Listed = list[tuple[int, int | None]]


@dataclass
class ThreadPage:
    target: Model
    target_key: str
    municipality: Municipality
    comment_count: int
    listed: Listed  # the shown top-level comments (id, author id), in order
    read_comments: Callable[[], list[Comment]]  # the shown top-level comments themselves
    next_cursor: str | None
    viewing: Viewing
    next_url: str  # where the forms send the person back to
    form: object = None

    @cached_property
    def comments(self) -> list[Comment]:
        return self.read_comments()

    @property
    def shared_name(self) -> str:
        """The list's name among shared fragments: the same for everyone who may do the same things in it. Who
        sees a comment of their own among the shown (edit, no reacting or reporting) gets a list of their own."""
        view = self.viewing
        authors = [author for _pk, author in self.listed]
        authors += [reply.author_id for group in view.open_replies.values() for reply in group.replies]
        own = view.user.is_authenticated and view.user.pk in authors
        return (f"comments:{self.target_key}:{self.target.pk}:{int(view.may_take_part)}{int(view.can_moderate)}"
                + (f":{view.user.pk}" if own else ""))

    @property
    def form_shared_name(self) -> str | None:
        """The comment form's name among shared fragments: the same for everyone who may do the same there. None
        when it is personal: a block (its reason) or a sent form with its errors."""
        view = self.viewing
        if view.block is not None or getattr(self.form, "is_bound", False):
            return None
        return (f"comment-form:{self.target_key}:{self.target.pk}:{int(view.user.is_authenticated)}"
                f"{int(view.is_open)}{int(view.can_enter_assisted)}")

    @property
    def url(self) -> str:
        return thread_url(self.municipality, self.target)

    @property
    def post_url(self) -> str:
        return reverse("comments:post", kwargs={"municipality_slug": self.municipality.slug,
                                                "target_type": self.target_key, "target_id": self.target.pk})

    @property
    def assisted_url(self) -> str:
        return reverse("comments:assisted", kwargs={"municipality_slug": self.municipality.slug,
                                                    "target_type": self.target_key, "target_id": self.target.pk})


def _first_page_listing(target: Model) -> dict:
    """The first page of the thread as a shared value: the counter, the shown comments' ids and authors, and the
    cursor of the next page (JSON)."""
    thread = thread_of(target)
    comments, next_cursor = top_level_page(thread, None)
    return {"thread": thread.pk if thread else None, "count": thread.comment_count if thread else 0,
            "listed": [[c.pk, c.author_id] for c in comments], "next": next_cursor}


def _comments_in_order(ids: list[int]) -> list[Comment]:
    found = _comments().in_bulk(ids)
    return [found[pk] for pk in ids if pk in found]  # a comment deleted since the listing was kept drops out


def thread_page(request: HttpRequest, target: Model, *, cursor: str | None = None, next_url: str | None = None,
                form=None, shared: bool = False) -> ThreadPage:
    """One page of ``target``'s thread for the person of ``request``. Raises InvalidCursor. ``shared``: the page
    shows the list as a shared fragment (``ThreadPage.shared_name``), so its first page reads the comments only
    when the fragment is rendered."""
    from kommune.core.comments.forms import CommentForm

    commentable = commentable_for(type(target))
    if commentable is None:
        raise LookupError(f"{type(target).__name__} is not registered as commentable")
    municipality = commentable.municipality_of(target)
    open_replies: dict[int, OpenReplies] = {}
    if shared and cursor is None and OPEN_REPLIES_PARAMETER not in request.GET:
        kept = shared_value(request, f"first-page:{target_key(target)}:{target.pk}",
                            lambda: _first_page_listing(target))
        thread_id, count, next_cursor = kept["thread"], kept["count"], kept["next"]
        listed: Listed = [(pk, author) for pk, author in kept["listed"]]
        ids = [pk for pk, _author in listed]
        read_comments: Callable[[], list[Comment]] = lambda: _comments_in_order(ids)  # noqa: E731
    else:
        thread = thread_of(target)
        thread_id, count = (thread.pk, thread.comment_count) if thread else (None, 0)
        comments, next_cursor = top_level_page(thread, cursor)
        opened = _requested_open(request, thread, comments) if cursor is None else None
        if opened is not None:
            open_replies[opened.pk] = _open_replies(opened, municipality)
        listed = [(c.pk, c.author_id) for c in comments]
        read_comments = lambda: comments  # noqa: E731
    shown = [pk for pk, _author in listed] + [reply.pk for group in open_replies.values() for reply in group.replies]
    view = viewing(request, municipality, commentable, target, shown, thread_id)
    view.open_replies = open_replies
    view.marks = shared
    return ThreadPage(
        target=target, target_key=target_key(target), municipality=municipality, comment_count=count,
        listed=listed, read_comments=read_comments, next_cursor=next_cursor, viewing=view,
        next_url=next_url or request.get_full_path(), form=form or CommentForm(auto_id="id_comment_%s"))


def comment_thread(request: HttpRequest, target: Model) -> ThreadPage | None:
    """The Jinja global behind comments/embed.html: the first page of the thread under ``target``."""
    if target is None or commentable_for(type(target)) is None:
        return None
    return thread_page(request, target, shared=True)
