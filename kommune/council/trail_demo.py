"""The accountability trail in `seed_demo`: the matters that Musterstadt handed to the council with the reference of
their council paper noted (the proposals demo answers "Geschützte Radwege auf dem Wallring" so, with VO/2026/014)
get the demo council's Paper of that reference attached, found by lookup, as staff do on the referral page.

Runs after the council (30) and the proposals (20, 25); idempotent: a referral that has its paper keeps it.
"""

from django.contrib.contenttypes.models import ContentType

from kommune.core.models import CouncilReferral, Municipality
from kommune.core.types import User
from kommune.council.models import Paper
from kommune.council.trail_services import do_attach_paper_to_referral


def seed_trail(*, municipality: Municipality, staff: User) -> None:
    """Attach the papers noted by reference."""
    paper_type = ContentType.objects.get_for_model(Paper)
    waiting = CouncilReferral.objects.filter(municipality=municipality).exclude(paper_reference="").exclude(
        paper_type=paper_type, paper_id__isnull=False).select_related("municipality").order_by("pk")
    for referral in waiting:
        paper = (Paper.objects.filter(municipality=municipality, deleted=False,
                                      reference__iexact=referral.paper_reference).order_by("pk").first())
        if paper is not None:
            do_attach_paper_to_referral(referral=referral, paper=paper, actor=staff)
