"""What people can follow. Each app registers its own models in AppConfig.ready() with ``register_followable``
(processes the process, accounts the person); this app registers the comments, which sit below it.

A follow names its target in forms and URLs as ``"<app_label>.<model>:<pk>"`` (``target_key``).
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.db.models import Model


def _always(obj: Model) -> bool:
    return True


def _no_parents(obj: Model) -> Iterable[Model | tuple[int, int]]:
    return ()


def _no_scope(obj: Model) -> Model | None:
    return None


def _absolute_url(obj: Model) -> str:
    get_url = getattr(obj, "get_absolute_url", None)
    return get_url() if get_url else ""


@dataclass(frozen=True)
class Followable:
    model: type[Model]
    # May anyone see (and so follow) this object?
    is_visible: Callable[[Model], bool] = _always
    # Objects whose followers also hear about events on this one (a comment's parent and the thing discussed),
    # as models or as (content type id, object id) pairs when loading the object would cost a query.
    parents: Callable[[Model], Iterable[Model | tuple[int, int]]] = _no_parents
    url: Callable[[Model], str] = _absolute_url
    title: Callable[[Model], str] = str
    # The scope of an event on this object when the event names none (a process is the scope of its own events),
    # so that its activity stream and its followers include them.
    scope: Callable[[Model], Model | None] = _no_scope


_followables: dict[type[Model], Followable] = {}


def register_followable(model: type[Model], **options) -> None:
    _followables[model] = Followable(model, **options)


def followable_for(model: type[Model] | Model) -> Followable | None:
    if isinstance(model, Model):
        model = type(model)
    return _followables.get(model)


def target_key(obj: Model) -> str:
    return f"{obj._meta.label_lower}:{obj.pk}"


class BadTargetKey(ValueError):
    pass


def parse_target_key(key: str) -> tuple[Followable, int]:
    """The registration and the primary key named by ``key``; BadTargetKey for anything malformed or unknown."""
    label, _sep, pk = (key or "").partition(":")
    if not (pk.isascii() and pk.isdigit()) or len(pk) > 18:
        raise BadTargetKey(key)
    try:
        model = apps.get_model(label)
    except (LookupError, ValueError) as error:
        raise BadTargetKey(key) from error
    followable = _followables.get(model)
    if followable is None:
        raise BadTargetKey(key)
    return followable, int(pk)


def content_type_id(model: type[Model] | Model) -> int:
    return ContentType.objects.get_for_model(model, for_concrete_model=False).pk


# --- Comments, which sit below notifications ------------------------------------------------------------------


def register_comment_followable() -> None:
    from kommune.core.comments.models import Comment

    register_followable(Comment, is_visible=_comment_visible, parents=_comment_parents, url=comment_url,
                        title=_comment_title)


def _comment_visible(comment) -> bool:
    if comment.hidden_at is not None:
        return False
    target = comment.thread.target
    return target is not None and getattr(target, "is_published", True)


def _comment_parents(comment) -> list[tuple[int, int]]:
    from kommune.core.comments.models import Comment

    parents = [(comment.thread.content_type_id, comment.thread.object_id)]
    if comment.parent_id:
        parents.append((content_type_id(Comment), comment.parent_id))
    return parents


def comment_url(comment) -> str:
    """A new top-level comment is on the first page under the discussed object; a reply is on its parent's
    replies page (the comments app's address of it)."""
    get_url = getattr(comment, "get_absolute_url", None)
    if get_url is not None:
        return get_url()
    if comment.parent_id:
        try:
            from kommune.core.comments.hooks import public_url
        except ImportError:
            pass
        else:
            return public_url(comment)
    target = comment.thread.target
    return f"{_absolute_url(target)}#comment-{comment.pk}" if target is not None else ""


def _comment_title(comment) -> str:
    target = comment.thread.target
    return str(target) if target is not None else ""
