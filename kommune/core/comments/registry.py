"""Which models can be commented on, and when. A feature app registers its models in AppConfig.ready().

A commentable model carries its municipality (``tenant_field``, "municipality" unless told otherwise), so a
thread is always looked up within the tenant of the URL. The URLs of a thread name the model by its label
(``target_key``, e.g. "processes.process") and the object by its primary key.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.apps import apps
from django.db.models import Model
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


def _visible_when_published(obj: Model, user) -> bool:
    return getattr(obj, "is_published", True)


@dataclass(frozen=True)
class Commentable[M: Model]:
    model: type[M]
    is_open: Callable[[M, datetime], bool]  # may people comment on this object now?
    scope: Callable[[M], Model | None]  # the container events are grouped under (e.g. the process)
    # May this person see the object (and so its comments)? By default: unless it has is_published=False.
    is_visible: Callable[[M, object], bool] = _visible_when_published
    tenant_field: str = "municipality"  # the lookup from the object to its Municipality
    # Why nobody can comment while is_open is False, in the words of the feature (a phase, a proposal's state).
    closed_message: str | Promise = _("Comments are closed here at the moment.")

    def municipality_of(self, obj: Model):
        value = obj
        for part in self.tenant_field.split("__"):
            value = getattr(value, part)
        return value


_commentables: dict[type[Model], Commentable[Any]] = {}


def register_commentable[M: Model](model: type[M], *, is_open: Callable[[M, datetime], bool],
                                   scope: Callable[[M], Model | None] = lambda obj: obj,
                                   is_visible: Callable[[M, object], bool] | None = None,
                         tenant_field: str = "municipality", closed_message: str | Promise | None = None) -> None:
    _commentables[model] = Commentable(model, is_open, scope, is_visible or _visible_when_published, tenant_field,
                                       **({"closed_message": closed_message} if closed_message else {}))


def commentable_for(model: type[Model]) -> Commentable[Any] | None:
    return _commentables.get(model)


def target_key(model: type[Model] | Model) -> str:
    return model._meta.label_lower


def commentable_by_key(key: str) -> Commentable[Any] | None:
    """The registration named by ``target_key`` in a URL, or None for anything unknown or not commentable."""
    try:
        model = apps.get_model(key)
    except (LookupError, ValueError):
        return None
    return commentable_for(model)
