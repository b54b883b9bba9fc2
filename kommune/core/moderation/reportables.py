"""What can be reported to the moderators. An app registers its contribution models in AppConfig.ready()
(moderation registers the comments, proposals register themselves), so moderation handles them without
importing the apps."""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db.models import Model


def _nothing(objects: list) -> None:
    return None


def _always(target: Model) -> bool:
    return True


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
    # The short name in the moderation's generic URLs (/melden/<kind>/<id>/) of the contributions it does not
    # handle itself.
    kind: str = "comment"
    is_reportable: Callable[[M], bool] = _always  # e.g. not a draft nobody else can see
    # Hiding and showing again, for contributions that moderation does not hide itself (comments it does):
    # called inside the moderation's transaction with the locked contribution, the reason and the moderator;
    # they write and publish the app's own events (a proposal hidden: ProposalHidden).
    hide: Callable[..., None] | None = None
    unhide: Callable[..., None] | None = None


_reportables: dict[type[Model], Reportable[Any]] = {}


def register_reportable(reportable: Reportable[Any]) -> None:
    _reportables[reportable.model] = reportable


def reportable_by_kind(kind: str) -> Reportable[Any] | None:
    return next((reportable for reportable in _reportables.values() if reportable.kind == kind), None)


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
