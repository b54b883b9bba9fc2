"""Reads of the council objects: one queryset per OParl list, prefetched so that a page costs the same number of
queries however many objects it holds."""

from django.db.models import Model, Prefetch, QuerySet

from kommune.core.models import Municipality
from kommune.council.models import (
    AgendaItem,
    Consultation,
    File,
    LegislativeTerm,
    Meeting,
    Membership,
    Organization,
    Paper,
    Person,
)


def _live[M: Model](model: type[M]) -> QuerySet[M]:
    return model._default_manager.filter(deleted=False)


def _files() -> Prefetch:
    return Prefetch("files", queryset=_live(File).order_by("pk"))


def _consultations() -> Prefetch:
    return Prefetch("consultations", queryset=_live(Consultation).order_by("pk"))


def _queryset(model: type[Model]) -> QuerySet:
    if model is Organization:
        return Organization.objects.select_related("location").prefetch_related(
            Prefetch("memberships", queryset=_live(Membership).order_by("pk")))
    if model is Person:
        return Person.objects.select_related("location").prefetch_related(
            Prefetch("memberships", queryset=_live(Membership).order_by("pk")))
    if model is Meeting:
        agenda = _live(AgendaItem).prefetch_related(_files(), _consultations()).order_by("order", "pk")
        return Meeting.objects.select_related("location").prefetch_related(
            _files(), Prefetch("agenda_items", queryset=agenda))
    if model is AgendaItem:
        return AgendaItem.objects.prefetch_related(_files(), _consultations())
    if model is Paper:
        return Paper.objects.select_related("location").prefetch_related(_files(), _consultations())
    return model._default_manager.all()


def council_objects(*, municipality: Municipality, model: type[Model], include_deleted: bool = False) -> QuerySet:
    """The objects of one kind of a municipality in a stable order (by id), deleted ones only when asked."""
    objects = _queryset(model).filter(municipality=municipality)
    if not include_deleted:
        objects = objects.filter(deleted=False)
    return objects.order_by("pk")


def legislative_terms(*, municipalities: list[Municipality]) -> QuerySet[LegislativeTerm]:
    """The terms of the given municipalities, for their Bodies, which embed them."""
    return _live(LegislativeTerm).filter(municipality__in=municipalities).order_by("start_date", "pk")

