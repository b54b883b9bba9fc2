"""Reads that views and, later, the API share."""

from django.contrib.auth import get_user_model
from django.db.models import Prefetch, QuerySet

from kommune.core.models import Lab, Municipality, Page


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
