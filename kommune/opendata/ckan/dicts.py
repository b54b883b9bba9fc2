"""Datasets, resources, municipalities and themes as CKAN's package, resource, organization and group dicts.

Identifiers: CKAN harvesters keep a package's ``id`` as the id of their copy, so ids must be UUIDs that do not
collide across installations. A UUID version 8 (RFC 9562) carries a hash of ``SITE_URL`` and the kind of object in
its upper bits and the primary key in its lower 62 bits: stable, unique per installation, and readable back
without a lookup table. Names are readable: ``<municipality>-<dataset>`` for packages, the slug for
organisations, the lower-case theme code for groups (as GovData names its groups).
"""

import hashlib
import json
import uuid
from datetime import UTC, datetime
from typing import Any

from django.conf import settings

from kommune.core.models import Municipality
from kommune.opendata import dcat
from kommune.opendata.models import Dataset, License, Resource, Theme

_PK_BITS = 62
_PK_MASK = (1 << _PK_BITS) - 1
_VERSION_AND_VARIANT = (0x8 << 76) | (0b10 << 62)


def _prefix(kind: str) -> int:
    digest = int.from_bytes(hashlib.sha256(f"{settings.SITE_URL}|{kind}".encode()).digest()[:8], "big")
    custom_a, custom_b = digest >> 16, (digest >> 4) & 0xFFF  # 48 and 12 bits
    return (custom_a << 80) | (custom_b << 64) | _VERSION_AND_VARIANT


def object_id(kind: str, pk: int) -> str:
    return str(uuid.UUID(int=_prefix(kind) | pk))


def pk_from_id(kind: str, value: str) -> int | None:
    """The primary key in an id made by ``object_id(kind, ...)``; None for anything else."""
    try:
        number = uuid.UUID(value).int
    except ValueError:
        return None
    return number & _PK_MASK if number & ~_PK_MASK == _prefix(kind) else None


def package_name(dataset: Dataset) -> str:
    return f"{dataset.municipality.slug}-{dataset.slug}"


def group_name(theme: str) -> str:
    return theme.lower()


def timestamp(value: datetime | None) -> str | None:
    """CKAN's form: ISO 8601 in UTC without offset."""
    return value.astimezone(UTC).replace(tzinfo=None).isoformat() if value else None


def _license(value: str) -> dict:
    iri = dcat.license_iri(value)
    return {"license_id": iri, "license_title": str(License(value).label), "license_url": iri}


def organization_dict(municipality: Municipality, package_count: int | None = None) -> dict:
    result: dict[str, Any] = {
        "id": object_id("organization", municipality.pk),
        "name": municipality.slug,
        "title": municipality.name,
        "display_name": municipality.name,
        "description": "",
        "image_url": dcat.absolute_url(municipality.logo_url) if municipality.logo else "",
        "image_display_url": dcat.absolute_url(municipality.logo_url) if municipality.logo else "",
        "created": timestamp(municipality.created_at),
        "type": "organization",
        "is_organization": True,
        "approval_status": "approved",
        "state": "active",
        "extras": [{"key": "official_key", "value": municipality.official_key},
                   {"key": "regional_key", "value": municipality.regional_key},
                   {"key": "url", "value": dcat.absolute_url(municipality.get_absolute_url())}],
    }
    if package_count is not None:
        result["package_count"] = package_count
    return result


def group_dict(theme: str, package_count: int | None = None) -> dict:
    label = str(Theme(theme).label)
    result = {
        "id": group_name(theme),
        "name": group_name(theme),
        "title": label,
        "display_name": label,
        "description": "",
        "image_url": "",
        "image_display_url": "",
        "type": "group",
        "is_organization": False,
        "approval_status": "approved",
        "state": "active",
        "extras": [{"key": "uri", "value": dcat.theme_iri(theme)}],
    }
    if package_count is not None:
        result["package_count"] = package_count
    return result


def resource_dict(resource: Resource, dataset: Dataset) -> dict:
    media_type = dcat.media_type(resource)
    return {
        "id": object_id("resource", resource.pk),
        "package_id": object_id("package", dataset.pk),
        "name": resource.title,
        "description": resource.description,
        "url": resource.absolute_download_url,
        "url_type": "upload" if resource.file else None,
        "format": resource.get_format_display(),
        "mimetype": media_type or None,
        "size": resource.byte_size,
        "hash": resource.checksum_sha256,
        "hash_algorithm": str(dcat.SHA256) if resource.checksum_sha256 else None,
        "license": dcat.license_iri(dataset.license),
        "uri": dcat.resource_iri(resource, dataset),
        "created": timestamp(resource.created_at),
        "last_modified": timestamp(resource.modified_at),
        "metadata_modified": timestamp(resource.modified_at),
        "position": resource.position,
        "resource_type": None,
        "state": "active",
        "datastore_active": False,
    }


def _tag(keyword: str) -> dict:
    return {"id": keyword, "name": keyword, "display_name": keyword, "state": "active", "vocabulary_id": None}


def _extras(dataset: Dataset) -> list[dict]:
    municipality = dataset.municipality
    place, level = dcat.political_geocoding(municipality)
    contributor = dcat.contributor_iri(municipality)
    extras = {
        "uri": dcat.dataset_iri(dataset),
        "identifier": dcat.dataset_iri(dataset),
        "issued": timestamp(dataset.issued_at),
        "modified": timestamp(dataset.modified_at),
        "frequency": dcat.frequency_iri(dataset.accrual_periodicity),
        "theme": json.dumps([dcat.theme_iri(theme) for theme in dataset.themes]),
        "language": json.dumps([str(dcat.GERMAN)]),
        "spatial_uri": place,
        "spatial_text": municipality.name,
        "politicalGeocodingURI": json.dumps([place]),
        "politicalGeocodingLevelURI": level,
        "geocodingText": json.dumps([municipality.name]),
        "temporal_start": dataset.temporal_start.isoformat() if dataset.temporal_start else None,
        "temporal_end": dataset.temporal_end.isoformat() if dataset.temporal_end else None,
        "contact_name": dataset.contact_name,
        "contact_email": dataset.contact_email,
        "publisher_name": dataset.publisher_name,
        "publisher_uri": dcat.publisher_iri(dataset),
        "contributorID": json.dumps([contributor]) if contributor else None,
    }
    return [{"key": key, "value": value} for key, value in extras.items() if value not in (None, "")]


def metadata_modified(dataset: Dataset, resources: list[Resource]) -> datetime:
    """The last change of the dataset or of one of its resources (``search.with_metadata_modified`` in SQL)."""
    return max([dataset.modified_at or dataset.created_at, *(resource.modified_at for resource in resources)])


def package_dict(dataset: Dataset) -> dict:
    """A published dataset with municipality, publisher and resources loaded (``selectors.published_datasets``)."""
    resources = list(dataset.resources.all())
    organization = organization_dict(dataset.municipality)
    return {
        "id": object_id("package", dataset.pk),
        "name": package_name(dataset),
        "title": dataset.title,
        "notes": dataset.description,
        "url": dcat.dataset_iri(dataset),
        "type": "dataset",
        "state": "active",
        "private": False,
        "isopen": True,
        "version": None,
        "author": dataset.publisher_name,
        "author_email": None,
        "maintainer": dataset.contact_name,
        "maintainer_email": dataset.contact_email,
        **_license(dataset.license),
        "owner_org": organization["id"],
        "organization": organization,
        "metadata_created": timestamp(dataset.created_at),
        "metadata_modified": timestamp(metadata_modified(dataset, resources)),
        "tags": [_tag(keyword) for keyword in dataset.keywords],
        "num_tags": len(dataset.keywords),
        "groups": [group_dict(theme) for theme in dataset.themes if theme in Theme.values],
        "resources": [resource_dict(resource, dataset) for resource in resources],
        "num_resources": len(resources),
        "extras": _extras(dataset),
        "relationships_as_object": [],
        "relationships_as_subject": [],
        "creator_user_id": None,
    }
