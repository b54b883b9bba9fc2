"""Reads that views and, later, the API share."""

from django.contrib.auth import get_user_model
from django.db.models import Prefetch, QuerySet
from django.urls import reverse

from kommune.core.models import Lab, Membership, Municipality, Page, Role


def municipalities_for_start() -> QuerySet[Municipality]:
    return Municipality.objects.select_related("parent").order_by("name")


def labs_for_start() -> QuerySet[Lab]:
    municipalities = Prefetch("municipalities", Municipality.objects.order_by("name"))
    return Lab.objects.prefetch_related(municipalities).order_by("name")


def page_of(municipality: Municipality, kind: str) -> Page | None:
    return Page.objects.filter(municipality=municipality, kind=kind).first()


def person_by_email(email: str):
    """The active account with exactly this e-mail address (stored lower-case), or None."""
    return get_user_model().objects.filter(email=email.strip().lower(), is_active=True,
                                           deleted_at__isnull=True).first()


def open_feedback_count(municipality: Municipality) -> int:
    return municipality.accessibility_feedback.filter(handled_at__isnull=True).count()


def council_referral_for(source):
    """The referral of ``source`` to the council (with its paper, if attached), or None."""
    from django.contrib.contenttypes.models import ContentType

    from kommune.core.models import CouncilReferral

    return (CouncilReferral.objects.filter(source_type=ContentType.objects.get_for_model(source), source_id=source.pk)
            .first())


def managed_tenants(user) -> list[Municipality | Lab]:
    """The municipalities and labs whose management area the person may enter (admin, staff or moderator)."""
    memberships = (Membership.objects.filter(user=user, role__in=(Role.ADMIN, Role.STAFF, Role.MODERATOR))
                   .select_related("municipality", "lab").order_by("municipality__name", "lab__name"))
    tenants: list[Municipality | Lab] = []
    for membership in memberships:
        tenant = membership.municipality or membership.lab
        if tenant is not None and tenant not in tenants:
            tenants.append(tenant)
    return tenants


def management_url(tenant: Municipality | Lab) -> str:
    if isinstance(tenant, Lab):
        return reverse("manage:lab_dashboard", kwargs={"lab_slug": tenant.slug})
    return reverse("manage:dashboard", kwargs={"municipality_slug": tenant.slug})
