"""Which models can be commented on, and when. A feature app registers its models in AppConfig.ready()."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from django.db.models import Model


@dataclass(frozen=True)
class Commentable:
    model: type[Model]
    is_open: Callable[[Model, datetime], bool]  # may people comment on this object now?
    scope: Callable[[Model], Model | None]  # the container events are grouped under (e.g. the process)


_commentables: dict[type[Model], Commentable] = {}


def register_commentable(model: type[Model], *, is_open: Callable[[Model, datetime], bool],
                         scope: Callable[[Model], Model | None] = lambda obj: obj) -> None:
    _commentables[model] = Commentable(model, is_open, scope)


def commentable_for(model: type[Model]) -> Commentable | None:
    return _commentables.get(model)
