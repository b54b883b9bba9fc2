"""Writes of the council objects: the OParl importer saves through these, one transaction per object."""

import hashlib
from datetime import datetime
from pathlib import PurePosixPath
from typing import Any

from django.core.exceptions import SuspiciousFileOperation
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils.text import get_valid_filename

from kommune.core.models import Municipality
from kommune.council.models import CouncilObject, File, OParlImport


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
