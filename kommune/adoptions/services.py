"""Writes of adoptions: importing the assets, adopting, ending an adoption and recording care."""

import json
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kommune.adoptions.events import AdoptionEnded, AssetAdopted, AssetSaved, CareRecorded
from kommune.adoptions.models import Adoption, Asset, AssetKind, AssistedChannel, CareEntry, CareKind
from kommune.core.cleaning import clean_text
from kommune.core.events import publish
from kommune.core.models import AuditLogEntry, Municipality
from kommune.core.photos import clean_photo
from kommune.core.services import log_action
from kommune.core.types import User

MAX_IMPORT_BYTES = 5 * 1024 * 1024
MAX_IMPORT_FEATURES = 5000
# Kinds that § 39 (5) no. 2 BNatSchG protects from cutting back between 1 March and 30 September.
WOODY_KINDS = frozenset({AssetKind.HEDGE, AssetKind.TREE})
ASSISTED_CHANNELS = frozenset(AssistedChannel.values) - {""}


# --- The cutting ban --------------------------------------------------------------------------------------------


def in_cutting_ban(day: date) -> bool:
    """1 March to 30 September: hedges and trees must not be cut back (gentle trimming stays allowed)."""
    return date(day.year, 3, 1) <= day <= date(day.year, 9, 30)


def cutting_ban_applies(asset: Asset, kind: str, day: date) -> bool:
    return kind == CareKind.CUTTING and asset.kind in WOODY_KINDS and in_cutting_ban(day)


def cutting_ban_message() -> str:
    return _("From 1 March to 30 September, hedges and trees must not be cut back or cleared (§ 39 (5) of the "
             "Federal Nature Conservation Act), so that birds can breed. Gentle trimming of this year's growth is "
             "allowed: please record it as “Gentle trimming”.")


# --- Importing the assets ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ImportResult:
    created: int
    updated: int


def do_import_assets(*, municipality: Municipality, actor: User, geojson: bytes | str) -> ImportResult:
    """Create or update assets from a GeoJSON FeatureCollection of Points and LineStrings. Each feature needs the
    properties ``name`` and ``kind`` (hedge, tree, bed, bench, water_point; German names are understood too) and
    may have ``description`` and an ``id``; a feature with a known id updates its asset. All or nothing: one bad
    feature rejects the file with the list of problems."""
    if not actor.has_perm("adoptions.manage", municipality):
        raise PermissionDenied
    features = _parse_feature_collection(geojson)
    parsed: list[dict[str, Any]] = []
    problems: list[str] = []
    for number, feature in enumerate(features, start=1):
        try:
            parsed.append(_parse_feature(feature))
        except ValidationError as error:
            problems.extend(_("Feature %(number)d: %(problem)s") % {"number": number, "problem": message}
                            for message in error.messages)
    if problems:
        raise ValidationError(problems[:20])
    created = updated = 0
    with transaction.atomic():
        for values in parsed:
            external_id = values.pop("external_id")
            if external_id:
                asset, was_created = Asset.objects.update_or_create(
                    municipality=municipality, external_id=external_id, defaults=values)
            else:
                asset, was_created = Asset.objects.create(municipality=municipality, **values), True
            created += was_created
            updated += not was_created
            publish(AssetSaved(municipality=municipality, target=asset, actor=actor, data={"created": was_created}))
    return ImportResult(created, updated)


KIND_NAMES = {**{kind.value: kind.value for kind in AssetKind},
              "hecke": "hedge", "baum": "tree", "beet": "bed", "bank": "bench", "wasserstelle": "water_point"}


def _parse_feature_collection(geojson: bytes | str) -> list[dict[str, Any]]:
    if len(geojson) > MAX_IMPORT_BYTES:
        raise ValidationError(_("The file is larger than 5 MB. Please split it."))
    try:
        data = json.loads(geojson)
    except (ValueError, RecursionError):
        raise ValidationError(_("The file is not valid GeoJSON (JSON could not be read).")) from None
    if not isinstance(data, dict) or data.get("type") != "FeatureCollection" or not isinstance(
            data.get("features"), list):
        raise ValidationError(_("The file must be a GeoJSON FeatureCollection."))
    if not data["features"]:
        raise ValidationError(_("The file contains no features."))
    if len(data["features"]) > MAX_IMPORT_FEATURES:
        raise ValidationError(_("The file has more than %(max)d features. Please split it.")
                              % {"max": MAX_IMPORT_FEATURES})
    return data["features"]


def _position(value: Any) -> tuple[Decimal, Decimal]:
    if (not isinstance(value, list) or len(value) < 2
            or not all(isinstance(c, (int, float)) and not isinstance(c, bool) for c in value[:2])):
        raise ValidationError(_("a position must be [longitude, latitude]"))
    longitude, latitude = value[0], value[1]
    if not (-180 <= longitude <= 180 and -90 <= latitude <= 90):
        raise ValidationError(_("a position lies outside the earth's coordinates"))
    return Decimal(str(round(latitude, 6))), Decimal(str(round(longitude, 6)))


def _parse_geometry(geometry: Any) -> tuple[dict[str, Any], Decimal, Decimal]:
    if not isinstance(geometry, dict):
        raise ValidationError(_("the feature has no geometry"))
    kind, coordinates = geometry.get("type"), geometry.get("coordinates")
    if kind == "Point":
        latitude, longitude = _position(coordinates)
        return {"type": "Point", "coordinates": [float(longitude), float(latitude)]}, latitude, longitude
    if kind == "LineString":
        if not isinstance(coordinates, list) or not 2 <= len(coordinates) <= 10_000:
            raise ValidationError(_("a line needs at least two positions"))
        points = [_position(position) for position in coordinates]
        latitude, longitude = points[len(points) // 2]
        return ({"type": "LineString", "coordinates": [[float(lng), float(lat)] for lat, lng in points]},
                latitude, longitude)
    raise ValidationError(_("only Point and LineString geometries can be imported"))


def _parse_feature(feature: Any) -> dict[str, Any]:
    if not isinstance(feature, dict) or feature.get("type") != "Feature":
        raise ValidationError(_("not a GeoJSON feature"))
    properties = feature.get("properties") or {}
    if not isinstance(properties, dict):
        raise ValidationError(_("the properties must be an object"))
    geometry, latitude, longitude = _parse_geometry(feature.get("geometry"))
    kind = KIND_NAMES.get(str(properties.get("kind", "")).strip().lower())
    if kind is None:
        raise ValidationError(_("the property “kind” must be one of hedge, tree, bed, bench, water_point"))
    external_id = feature.get("id", properties.get("id", ""))
    return {
        "kind": kind,
        "name": clean_text(str(properties.get("name", "")), max_length=200,
                           required=_("the property “name” is missing")),
        "description": clean_text(str(properties.get("description", "")), max_length=2000),
        "geometry": geometry, "latitude": latitude, "longitude": longitude,
        "external_id": clean_text(str(external_id), max_length=100) if external_id not in (None, "") else "",
    }


# --- Adopting ---------------------------------------------------------------------------------------------------


def running_adoption(asset: Asset, season: int) -> Adoption | None:
    return asset.adoptions.filter(season=season, ended_at__isnull=True).first()


def do_adopt(*, asset: Asset, actor: User, public_name: str = "", season: int | None = None) -> Adoption:
    """``actor`` adopts the free ``asset`` for the season (the current year unless given)."""
    if not actor.has_perm("adoptions.adopt", asset.municipality):
        raise PermissionDenied
    return _create_adoption(asset=asset, actor=actor, season=season, public_name=public_name, user=actor)


def do_adopt_for_resident(*, asset: Asset, actor: User, public_name: str, contact: str, channel: str,
                          season: int | None = None) -> Adoption:
    """Staff or a partner adopt ``asset`` for a resident who phoned, wrote or came by and has no account: marked
    as assisted, with who entered it, and in the audit log. ``contact`` (phone or e-mail) is never shown."""
    if not actor.has_perm("adoptions.enter_assisted", asset.municipality):
        raise PermissionDenied
    errors: dict[str, list[str]] = {}
    if channel not in ASSISTED_CHANNELS:
        errors["channel"] = [_("Please say how the resident reached you: by phone, by letter or in person.")]
    try:
        public_name = clean_text(public_name, max_length=100)
        contact = clean_text(contact, max_length=100)
    except ValidationError as error:
        errors.setdefault("public_name", []).extend(error.messages)
    if not public_name:
        errors.setdefault("public_name", []).append(_("Please enter the name the adopters want shown."))
    if not contact:
        errors["contact"] = [_("Please enter a phone number or an e-mail address, so that the municipality can "
                               "reach the adopters.")]
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        adoption = _create_adoption(asset=asset, actor=actor, season=season, public_name=public_name, user=None,
                                    channel=channel, entered_by=actor, contact=contact)
        log_action(tenant=asset.municipality, actor=actor, action=AuditLogEntry.Action.ADOPTION_ENTERED_ASSISTED,
                   asset=asset.name, season=adoption.season, public_name=public_name, channel=channel)
    return adoption


def _create_adoption(*, asset: Asset, actor: User, season: int | None, public_name: str,
                     **fields: Any) -> Adoption:
    season = season or timezone.localdate().year
    if season < timezone.localdate().year:
        raise ValidationError(_("This season is over. Please adopt for the current season."))
    public_name = clean_text(public_name, max_length=100)
    taken = _("Someone has already adopted “%(name)s” for %(season)d. Please choose a free one.")
    try:
        with transaction.atomic():
            locked = Asset.objects.select_for_update().get(pk=asset.pk)
            if running_adoption(locked, season) is not None:
                raise ValidationError(taken % {"name": locked.name, "season": season})
            adoption = Adoption.objects.create(municipality=locked.municipality, asset=locked, season=season,
                                               public_name=public_name, adopted_at=timezone.now(), **fields)
            publish(AssetAdopted(municipality=locked.municipality, target=locked, actor=actor,
                                 data={"season": season, "public_name": public_name}))
    except IntegrityError:  # a parallel adoption won the unique constraint (SQLite has no row lock)
        raise ValidationError(taken % {"name": asset.name, "season": season}) from None
    return adoption


def may_care(adoption: Adoption, user: User) -> bool:
    return bool(getattr(user, "is_authenticated", False) and adoption.is_running and adoption.user_id == user.pk)


def may_enter_care_for(adoption: Adoption, user: User) -> bool:
    """Staff and partners record care for adopters who tell them by phone, by letter or in person."""
    return adoption.is_running and user.has_perm("adoptions.enter_assisted", adoption.municipality)


def do_end_adoption(*, adoption: Adoption, actor: User) -> Adoption:
    """The adopter gives the asset back (or staff end the adoption); the asset is free again."""
    if not (may_care(adoption, actor) or actor.has_perm("adoptions.manage", adoption.municipality)):
        raise PermissionDenied
    with transaction.atomic():
        updated = Adoption.objects.filter(pk=adoption.pk, ended_at__isnull=True).update(ended_at=timezone.now(),
                                                                                        contact="")
        if not updated:
            raise ValidationError(_("This adoption has already ended."))
        adoption.refresh_from_db()
        publish(AdoptionEnded(municipality=adoption.municipality, target=adoption.asset, actor=actor,
                              data={"season": adoption.season}))
    return adoption


# --- Recording care ---------------------------------------------------------------------------------------------


def do_record_care(*, adoption: Adoption, actor: User, kind: str, done_on: date, note: str = "",
                   photo: UploadedFile | None = None, photo_alt: str = "", channel: str = "") -> CareEntry:
    """The adopter records what they did (or staff enter it for them, with the ``channel`` it came by: marked
    and audited). Cutting back a hedge or tree during the breeding season is refused with the reason; so are
    dates in the future or outside the adoption's season."""
    if not (may_enter_care_for(adoption, actor) if channel else may_care(adoption, actor)):
        raise PermissionDenied
    errors: dict[str, list[str]] = {}
    if channel and channel not in ASSISTED_CHANNELS:
        errors["channel"] = [_("Please say how the adopters reached you: by phone, by letter or in person.")]
    asset = adoption.asset
    if kind not in CareKind.values:
        errors.setdefault("kind", []).append(_("Please choose what you did."))
    if done_on > timezone.localdate():
        errors.setdefault("done_on", []).append(_("The date lies in the future."))
    elif done_on.year != adoption.season:
        errors.setdefault("done_on", []).append(_("The date lies outside the season %(season)d of your adoption.")
                                                % {"season": adoption.season})
    if cutting_ban_applies(asset, kind, done_on):
        errors.setdefault("kind", []).append(cutting_ban_message())
    try:
        note = clean_text(note, max_length=1000)
        photo_alt = clean_text(photo_alt, max_length=300)
    except ValidationError as error:
        errors.setdefault("note", []).extend(error.messages)
    cleaned_photo = None
    if photo:
        try:
            cleaned_photo = clean_photo(photo).file
        except ValidationError as error:
            errors.setdefault("photo", []).extend(error.messages)
        if not photo_alt:
            errors.setdefault("photo_alt", []).append(
                _("Please describe the photo in one sentence for people who cannot see it."))
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        entry = CareEntry(municipality=adoption.municipality, adoption=adoption, asset=asset, author=actor,
                          kind=kind, done_on=done_on, note=note, photo_alt=photo_alt if cleaned_photo else "",
                          channel=channel)
        if cleaned_photo is not None:
            entry.photo.save(cleaned_photo.name or "photo.jpg", cleaned_photo, save=False)
        entry.save()
        if channel:
            log_action(tenant=adoption.municipality, actor=actor, channel=channel,
                       action=AuditLogEntry.Action.ADOPTION_ENTERED_ASSISTED, asset=asset.name, care=kind)
        publish(CareRecorded(municipality=adoption.municipality, target=asset, actor=actor,
                             data={"kind": kind, "done_on": done_on.isoformat()}))
    return entry


def delete_user_adoptions(user: User) -> None:
    """Account deletion: the adopter's running adoptions end (the asset is free again); what they recorded stays
    without their name (the author link is cleared by the database)."""
    Adoption.objects.filter(user=user, ended_at__isnull=True).update(ended_at=timezone.now())
