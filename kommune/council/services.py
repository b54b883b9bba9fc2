"""Writes of the council objects: the OParl importer saves through these, one transaction per object; and staff
attach a council paper to a matter handed to the council (the accountability trail)."""

import hashlib
from datetime import datetime
from pathlib import PurePosixPath
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, SuspiciousFileOperation, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils.text import get_valid_filename
from django.utils.translation import gettext as _

from kommune.core.events import publish
from kommune.core.models import CouncilReferral, Municipality
from kommune.core.services import do_attach_council_paper
from kommune.core.types import User
from kommune.council.events import CouncilPaperAttached
from kommune.council.models import CouncilObject, File, OParlImport, Paper


def do_save_council_object[M: CouncilObject](*, municipality: Municipality, model: type[M], oparl_id: str,
                                             fields: dict[str, Any]) -> M:
    """Create the object imported from ``oparl_id`` or update the one imported before: never a duplicate."""
    with transaction.atomic():
        obj, _created = model._default_manager.update_or_create(
            municipality=municipality, oparl_id=oparl_id, defaults={**fields, "deleted": False})
    return obj


def do_mark_council_object_deleted(*, municipality: Municipality, model: type[CouncilObject],
                                   oparl_id: str) -> bool:
    """The source deleted the object: keep the row, flagged, so that our own OParl clients learn of it."""
    with transaction.atomic():
        updated = model._default_manager.filter(municipality=municipality, oparl_id=oparl_id).update(deleted=True)
    return updated > 0


def do_store_council_file_content(*, file: File, content: bytes) -> File:
    """Store the fetched document of ``file`` with its size and checksum."""
    with transaction.atomic():
        name = _storage_name(file)
        if file.file:
            file.file.delete(save=False)
        file.file.save(name, ContentFile(content), save=False)
        file.size = len(content)
        file.sha1_checksum = hashlib.sha1(content).hexdigest()
        file.save(update_fields=["file", "size", "sha1_checksum", "modified"])
    return file


def _storage_name(file: File) -> str:
    """The source's file name without any path in it (a foreign server chooses it), short enough for the column."""
    name = PurePosixPath(file.file_name.replace("\\", "/")).name[-80:]
    try:
        return get_valid_filename(name)
    except SuspiciousFileOperation:
        return f"file-{file.pk}"


def do_finish_oparl_import(*, municipality: Municipality, system_url: str, body_id: str,
                           started: datetime) -> OParlImport:
    """Remember when the last complete run started: the next run asks only for what changed since."""
    with transaction.atomic():
        source, _created = OParlImport.objects.update_or_create(
            municipality=municipality, body_id=body_id,
            defaults={"system_url": system_url, "last_success": started})
    return source


# --- The accountability trail: a matter handed to the council gets its paper ------------------------------------

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
