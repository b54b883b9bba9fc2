"""Writes of the accountability trail in the council app: staff attach a council paper to a matter handed to the
council. Keyword-only, one transaction, permission checked here, publishing its event (trail_events.py). A module of
its own beside services.py (the importer's writes), so that the two parts of the council app grow apart."""

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from kommune.core.events import publish
from kommune.core.models import CouncilReferral
from kommune.core.services import do_attach_council_paper
from kommune.core.types import User
from kommune.council.models import Paper
from kommune.council.trail_events import CouncilPaperAttached

ATTACH_PERMISSION = "council.attach_paper"


def do_attach_paper_to_referral(*, referral: CouncilReferral, paper: Paper, actor: User) -> CouncilReferral:
    """Attach a council paper of the municipality to a referral (core.do_attach_council_paper), so that the
    matter's page shows the paper, its consultations and the decision (kommune/council/trail.py). The paper's
    reference and the address of its page are noted on the referral too; the matter's followers are told."""
    from kommune.council.trail import paper_url

    municipality = referral.municipality
    if not getattr(actor, "is_authenticated", False) or not actor.has_perm(ATTACH_PERMISSION, municipality):
        raise PermissionDenied
    if paper.municipality_id != referral.municipality_id:
        raise ValidationError({"reference": [_("This council paper belongs to another municipality.")]},
                              code="foreign")
    if paper.deleted:
        raise ValidationError({"reference": [_("This council paper was deleted; please choose another one.")]},
                              code="deleted")
    with transaction.atomic():
        attached = do_attach_council_paper(referral=referral, paper=paper, paper_reference=paper.reference[:100],
                                           paper_url=settings.SITE_URL.rstrip("/") + paper_url(paper))
        source = attached.source_type.get_object_for_this_type(pk=attached.source_id)
        publish(CouncilPaperAttached(municipality, source, actor=actor, scope=source,
                                     data={"referral": attached.pk, "paper": paper.pk}))
    return attached
