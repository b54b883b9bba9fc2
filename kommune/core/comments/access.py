"""Looking up a commented object or a comment for a request, authorised in one step (another municipality's or an
invisible one is a 404), and the answer to a bad page cursor: shared by the comment pages, the moderation pages and
the REST API."""

from django.db.models import Model
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from kommune.core.access import get_for_tenant
from kommune.core.comments.models import Comment
from kommune.core.comments.registry import Commentable, commentable_by_key, commentable_for
from kommune.core.cursor import InvalidCursor
from kommune.core.models import Municipality


def bad_cursor(request: HttpRequest, municipality: Municipality) -> HttpResponse:
    return render(request, "comments/bad_request.html", {"municipality": municipality,
                                                         "message": InvalidCursor.message}, status=400)


def target_or_404(request: HttpRequest, municipality: Municipality, target_type: str,
                  target_id: int) -> tuple[Commentable, Model]:
    commentable = commentable_by_key(target_type)
    if commentable is None:
        raise Http404
    if commentable.tenant_field == "municipality":
        target = get_for_tenant(commentable.model, municipality, pk=target_id)
        target.municipality = municipality  # the same row; saves a query
    else:
        target = get_object_or_404(commentable.model, pk=target_id, **{commentable.tenant_field: municipality})
    if not commentable.is_visible(target, request.user):
        raise Http404
    return commentable, target


def comment_or_404(request: HttpRequest, municipality: Municipality, comment_id: int) -> tuple[Comment, Model]:
    comment = get_for_tenant(Comment.objects.select_related("thread", "author", "parent"), municipality,
                             pk=comment_id)
    target = comment.thread.target
    commentable = commentable_for(type(target)) if target is not None else None
    if target is None or commentable is None or not commentable.is_visible(target, request.user):
        raise Http404
    return comment, target
