"""Reads that views and, later, the API share."""

from django.db.models import Prefetch, QuerySet

from kommune.core.models import Lab, Municipality, Page


def municipalities_for_start() -> QuerySet[Municipality]:
    return Municipality.objects.select_related("parent").order_by("name")


def labs_for_start() -> QuerySet[Lab]:
    return Lab.objects.prefetch_related(Prefetch("municipalities", Municipality.objects.order_by("name"))).order_by("name")


def page_of(municipality: Municipality, kind: str) -> Page | None:
    return Page.objects.filter(municipality=municipality, kind=kind).first()
