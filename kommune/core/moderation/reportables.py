"""What can be reported to the moderators. An app registers its contribution models in AppConfig.ready()
(comments now; proposals and the like later), so moderation handles them without importing the apps."""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db.models import Model


def _nothing(objects: list) -> None:
    return None


@dataclass(frozen=True)
class Reportable[M: Model]:
    model: type[M]
    author: Callable[[M], Model | None]  # the person responsible, or None (deleted account)
    text: Callable[[M], str]  # what moderators read in the queue
    describe: Callable[[M], str]  # for the public log: where it is, never who wrote it
    moderation_url: Callable[[M], str]  # the moderators' page of the contribution
    public_url: Callable[[M], str]  # where it appears for everyone
    is_hidden: Callable[[M], bool]
    prefetch: Callable[[list], None] = _nothing  # load what text/describe need for a page of the queue at once


_reportables: dict[type[Model], Reportable[Any]] = {}


def register_reportable(reportable: Reportable[Any]) -> None:
    _reportables[reportable.model] = reportable


def reportable_for(obj_or_model: Model | type[Model]) -> Reportable[Any] | None:
    model = obj_or_model if isinstance(obj_or_model, type) else type(obj_or_model)
    return _reportables.get(model)


def prefetch_for_queue(targets: list) -> None:
    by_model: dict[type, list] = {}
    for target in targets:
        by_model.setdefault(type(target), []).append(target)
    for model, objects in by_model.items():
        reportable = _reportables.get(model)
        if reportable:
            reportable.prefetch(objects)
