"""Pages and actions of the comments. Each works without JavaScript (plain links and POST + redirect back);
with htmx, replies, further pages and reactions are swapped in place (the views then answer with a partial).

All views are open within the municipality (``municipality_view()``): reading needs no account; an action by
an anonymous visitor leads to the login. The objects in the URL are looked up in the URL's municipality
first, so another municipality's comment or target is a 404 for everyone.
"""

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ValidationError
from django.db.models import Model
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kommune.core.access import municipality_view
from kommune.core.comments import selectors, services
from kommune.core.comments.access import bad_cursor, comment_or_404, target_or_404
from kommune.core.comments.forms import AssistedCommentForm, CommentForm, EditCommentForm, ReactForm, ReplyForm
from kommune.core.comments.models import Comment
from kommune.core.comments.registry import commentable_for
from kommune.core.cursor import InvalidCursor
from kommune.core.models import Municipality
from kommune.core.types import AuthenticatedHttpRequest


def is_htmx(request: HttpRequest) -> bool:
    return request.headers.get("HX-Request") == "true"


def _vary(response: HttpResponse) -> HttpResponse:
    # Full page and partial share a URL: caches must keep them apart.
    response["Vary"] = ", ".join(filter(None, [response.get("Vary"), "HX-Request"]))
    return response


def _back(request: HttpRequest, fallback: str, comment: Comment | None = None) -> HttpResponse:
    url = selectors.safe_next(request, request.POST.get("next") or request.GET.get("next"), fallback)
    return redirect(f"{url}#comment-{comment.pk}" if comment else url)


def _login(request: HttpRequest, fallback: str) -> HttpResponse:
    return redirect_to_login(selectors.safe_next(request, request.POST.get("next"), fallback))


def _replies_url(comment: Comment) -> str:
    return reverse("comments:replies", kwargs={"municipality_slug": comment.municipality.slug,
                                               "comment_id": comment.pk})


# --- Threads --------------------------------------------------------------------------------------------------


@municipality_view()
def thread(request: HttpRequest, municipality: Municipality, target_type: str, target_id: int) -> HttpResponse:
    _commentable, target = target_or_404(request, municipality, target_type, target_id)
    cursor = request.GET.get("cursor") or None
    try:
        page = selectors.thread_page(request, target, cursor=cursor,
                                     next_url=selectors.thread_url(municipality, target))
    except InvalidCursor:
        return bad_cursor(request, municipality)
    if is_htmx(request) and cursor:
        return _vary(render(request, "comments/_thread_more.html", {"page": page}))
    return _vary(render(request, "comments/thread.html", {"municipality": municipality, "page": page,
                                                          "cursor": cursor}))


@municipality_view()
@require_POST
def post(request: HttpRequest, municipality: Municipality, target_type: str, target_id: int) -> HttpResponse:
    _commentable, target = target_or_404(request, municipality, target_type, target_id)
    fallback = selectors.thread_url(municipality, target)
    if not request.user.is_authenticated:
        return _login(request, fallback)
    form = CommentForm(request.POST, auto_id="id_comment_%s")
    if form.is_valid():
        try:
            comment = services.do_post_comment(actor=request.user, target=target, text=form.cleaned_data["text"])
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Your comment has been published."))
            return _back(request, fallback, comment)
    page = selectors.thread_page(request, target, next_url=selectors.safe_next(request, request.POST.get("next"),
                                                                               fallback), form=form)
    return render(request, "comments/thread.html", {"municipality": municipality, "page": page, "cursor": None})


@municipality_view("comments.enter_assisted")
def assisted(request: AuthenticatedHttpRequest, municipality: Municipality, target_type: str,
             target_id: int) -> HttpResponse:
    _commentable, target = target_or_404(request, municipality, target_type, target_id)
    fallback = selectors.thread_url(municipality, target)
    form = AssistedCommentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            comment = services.do_post_assisted_comment(staff=request.user, target=target, text=data["text"],
                                                        channel=data["channel"], assisted_name=data["assisted_name"])
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The comment of %(name)s has been published.")
                             % {"name": comment.assisted_name})
            return _back(request, fallback, comment)
    return render(request, "comments/assisted.html", {
        "municipality": municipality, "form": form, "target": target, "thread_url": fallback,
        "next_url": selectors.safe_next(request, request.GET.get("next") or request.POST.get("next"), fallback),
    })


# --- Replies --------------------------------------------------------------------------------------------------


def _replies_context(request: HttpRequest, municipality: Municipality, parent: Comment, target: Model,
                     cursor: str | None, form=None, next_url: str | None = None) -> dict:
    replies, next_cursor = selectors.replies_page(parent, cursor)
    commentable = commentable_for(type(target))
    if commentable is None:
        raise Http404
    view = selectors.viewing(request, municipality, commentable, target, [parent.pk, *(reply.pk for reply in replies)])
    return {
        "municipality": municipality,
        "parent": parent,
        "target": target,
        "replies": replies,
        "next_cursor": next_cursor,
        "view": view,
        "form": form or ReplyForm(auto_id=f"id_reply{parent.pk}_%s"),
        "next_url": next_url or _replies_url(parent),
        "replies_url": _replies_url(parent),
        "thread_url": selectors.thread_url(municipality, target),
        "cursor": cursor,
    }


@municipality_view()
def replies(request: HttpRequest, municipality: Municipality, comment_id: int) -> HttpResponse:
    comment, target = comment_or_404(request, municipality, comment_id)
    if comment.parent is not None:
        return redirect(f"{_replies_url(comment.parent)}#comment-{comment.pk}")
    cursor = request.GET.get("cursor") or None
    next_url = selectors.safe_next(request, request.GET.get("next"), _replies_url(comment))
    try:
        context = _replies_context(request, municipality, comment, target, cursor, next_url=next_url)
    except InvalidCursor:
        return bad_cursor(request, municipality)
    if is_htmx(request):
        template = "comments/_replies_more.html" if cursor else "comments/_replies.html"
        return _vary(render(request, template, context))
    return _vary(render(request, "comments/replies.html", context))


@municipality_view()
@require_POST
def reply(request: HttpRequest, municipality: Municipality, comment_id: int) -> HttpResponse:
    parent, target = comment_or_404(request, municipality, comment_id)
    top = parent.parent or parent
    fallback = _replies_url(top)
    if not request.user.is_authenticated:
        return _login(request, fallback)
    form = ReplyForm(request.POST, auto_id=f"id_reply{top.pk}_%s")
    if form.is_valid():
        try:
            comment = services.do_post_comment(actor=request.user, target=target, text=form.cleaned_data["text"],
                                               parent=parent)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Your reply has been published."))
            # Back in the thread with this comment's replies open, at the new reply (not behind "show replies").
            back = selectors.safe_next(request, request.POST.get("next") or request.GET.get("next"), fallback)
            return redirect(selectors.with_open_replies(back, top, comment))
    context = _replies_context(request, municipality, top, target, None, form=form,
                               next_url=selectors.safe_next(request, request.POST.get("next"), fallback))
    return render(request, "comments/replies.html", context)


# --- Editing and reacting -------------------------------------------------------------------------------------


@municipality_view()
def edit(request: HttpRequest, municipality: Municipality, comment_id: int) -> HttpResponse:
    comment, target = comment_or_404(request, municipality, comment_id)
    fallback = selectors.thread_url(municipality, target) if comment.parent is None else _replies_url(comment.parent)
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if not services.can_edit(request.user, comment):
        messages.error(request, _("You can change your own comments for %(minutes)d minutes after posting them; "
                                  "this comment can no longer be changed by you.")
                       % {"minutes": services.EDIT_WINDOW.seconds // 60})
        return _back(request, fallback, comment)
    comment = Comment.objects.get(pk=comment.pk)  # with its source text
    form = EditCommentForm(request.POST or None, initial={"text": comment.text})
    if request.method == "POST" and form.is_valid():
        try:
            comment = services.do_edit_comment(actor=request.user, comment=comment, text=form.cleaned_data["text"])
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Your comment has been changed."))
            return _back(request, fallback, comment)
    return render(request, "comments/edit.html", {
        "municipality": municipality, "form": form, "comment": comment, "target": target,
        "deadline": services.edit_deadline(comment),
        "next_url": selectors.safe_next(request, request.GET.get("next") or request.POST.get("next"), fallback),
    })


@municipality_view()
@require_POST
def react(request: HttpRequest, municipality: Municipality, comment_id: int) -> HttpResponse:
    comment, target = comment_or_404(request, municipality, comment_id)
    fallback = selectors.thread_url(municipality, target) if comment.parent is None else _replies_url(comment.parent)
    if not request.user.is_authenticated:
        if is_htmx(request):
            response = HttpResponse(status=204)
            response["HX-Redirect"] = reverse("accounts:login")
            return response
        return _login(request, fallback)
    form = ReactForm(request.POST)
    error = None
    if not form.is_valid():
        error = _("Unknown reaction.")
    else:
        try:
            services.do_react(actor=request.user, comment=comment, value=form.cleaned_data["value"])
        except ValidationError as exc:
            error = " ".join(exc.messages)
    if is_htmx(request):
        comment.refresh_from_db(fields=["agree_count", "disagree_count"])
        commentable = commentable_for(type(target))
        if commentable is None:
            raise Http404
        view = selectors.viewing(request, municipality, commentable, target, [comment.pk])
        next_url = selectors.safe_next(request, request.POST.get("next"), fallback)
        return render(request, "comments/_reactions.html", {"c": comment, "view": view, "next_url": next_url,
                                                             "error": error})
    if error:
        messages.error(request, error)
    return _back(request, fallback, comment)
