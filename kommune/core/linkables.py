"""What a municipal project (or another feature) may link to, without importing the app that owns it.

A feature that lets staff link its objects to "a participation process, a citizen proposal or a council paper"
stores the target generically (content type and object id) and offers the kinds registered here. Each app
registers its own model in AppConfig.ready() with ``register_linkable``: processes the process, proposals the
proposal, council the paper. So the linking app imports none of them.

``queryset(municipality)`` is what may be linked and shown: the public objects of that municipality. A link to
an object that is no longer in it (withdrawn, hidden, deleted) is not shown. ``search_fields`` are searched
(``icontains``) when staff look for an object to link.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.contrib.contenttypes.models import ContentType
from django.db.models import Model, Q, QuerySet
from django.urls import NoReverseMatch
from django.utils.functional import Promise

from kommune.core.cleaning import parse_id
from kommune.core.models import Municipality


def _absolute_url(obj: Model) -> str:
    get_url = getattr(obj, "get_absolute_url", None)
    try:
        return get_url() if get_url else ""
    except NoReverseMatch:  # a target whose pages are not routed is shown without a link
        return ""


@dataclass(frozen=True)
class Linkable:
    model: type[Model]
    kind: str  # a short stable key used in forms and the API, e.g. "proposal"
    label: str | Promise  # e.g. _("Citizen proposal")
    queryset: Callable[[Municipality], QuerySet]
    search_fields: tuple[str, ...] = ("title",)
    url: Callable[[Model], str] = _absolute_url
    title: Callable[[Model], str] = str
    order: int = 100

    def content_type(self) -> ContentType:
        return ContentType.objects.get_for_model(self.model, for_concrete_model=False)

    def find(self, municipality: Municipality, text: str, *, limit: int = 20) -> list[Model]:
        """Linkable objects of the municipality whose fields contain ``text`` (or whose number it is)."""
        text = text.strip()
        condition = Q()
        for name in self.search_fields:
            condition |= Q(**{f"{name}__icontains": text})
        if parse_id(text) is not None:
            condition |= Q(pk=int(text))
        return list(self.queryset(municipality).filter(condition).order_by("-pk")[:limit])


_by_kind: dict[str, Linkable] = {}


def register_linkable(model: type[Model], *, kind: str, label: str | Promise,
                      queryset: Callable[[Municipality], QuerySet], search_fields: Iterable[str] = ("title",),
                      url: Callable[[Model], str] = _absolute_url, title: Callable[[Model], str] = str,
                      order: int = 100) -> None:
    """Offer ``model`` as a link target named ``kind``; registered (or replaced) by the model's own app."""
    if kind in _by_kind and _by_kind[kind].model is not model:
        raise ValueError(f"The link kind {kind!r} is taken by {_by_kind[kind].model._meta.label}.")
    _by_kind[kind] = Linkable(model, kind, label, queryset, tuple(search_fields), url, title, order)


def linkables() -> list[Linkable]:
    return sorted(_by_kind.values(), key=lambda linkable: (linkable.order, linkable.kind))


def linkable_by_kind(kind: str) -> Linkable | None:
    return _by_kind.get(kind)


def linkable_for(model: type[Model] | Model) -> Linkable | None:
    if isinstance(model, Model):
        model = type(model)
    return next((linkable for linkable in _by_kind.values() if linkable.model is model), None)


def linkable_by_content_type(content_type_id: int) -> Linkable | None:
    model = ContentType.objects.get_for_id(content_type_id).model_class()
    return linkable_for(model) if model is not None else None
