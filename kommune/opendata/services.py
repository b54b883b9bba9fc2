"""Writes of the open-data catalogue: keyword-only, typed, one transaction each, permission checked here.

Every refusal is a ValidationError with a message for the person who acted and leaves the database and the file
storage as they were: new files are removed again when the transaction fails, replaced ones only after it commits.
Every write sets the dataset's ``modified_at`` (and ``issued_at`` when it is first published).

Datasets with a ``generated_key`` belong to the participation-records job, which writes them through
``do_put_generated_dataset``; staff cannot change them by hand.

Events: dataset.published, dataset.updated (metadata or resources changed), dataset.unpublished, dataset.deleted.
"""

from collections.abc import Iterable, Iterator, Sequence
from contextlib import ExitStack, contextmanager
from datetime import date, datetime
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files import File
from django.core.validators import EmailValidator, URLValidator, validate_slug
from django.db import IntegrityError, transaction
from django.db.models import Choices, Count, Max
from django.db.models.fields.files import FieldFile
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from kommune.accounts.models import User
from kommune.core.cleaning import FieldCleaner, clean_text, refuse_control_characters
from kommune.core.events import publish
from kommune.core.models import Municipality, Organisation
from kommune.core.slugs import german_slug
from kommune.opendata.events import DatasetDeleted, DatasetPublished, DatasetUnpublished, DatasetUpdated
from kommune.opendata.models import Dataset, Frequency, License, Resource, Theme
from kommune.opendata.uploads import (
    EXTENSIONS,
    MEDIA_TYPES,
    CheckedFile,
    check_file,
    describe_generated,
    max_upload_bytes,
)

PERMISSION = "opendata.manage_datasets"
MAX_KEYWORDS = 30
MAX_KEYWORD_LENGTH = 100
MAX_RESOURCES = 50


class _Unset:
    def __repr__(self) -> str:
        return "UNSET"


UNSET: Any = _Unset()


def _check_permission(actor: User, municipality: Municipality) -> None:
    if actor is None or not actor.has_perm(PERMISSION, municipality):
        raise PermissionDenied


def _check_not_generated(dataset: Dataset) -> None:
    if dataset.is_generated:
        raise ValidationError(generated_message(), code="generated")


def generated_message() -> str:
    return _("This dataset is generated from the participation records of the platform and kept up to date "
             "automatically, so it cannot be changed by hand.")


def _slug_taken(slug: str, municipality: Municipality) -> ValidationError:
    return ValidationError(_("The address “%(slug)s” is already used by another dataset of %(name)s. Please "
                             "choose another one.") % {"slug": slug, "name": municipality.name}, code="unique")


def _free_slug(municipality: Municipality, title: str) -> str:
    base = german_slug(title, max_length=90, fallback="datensatz")
    taken = set(Dataset.objects.filter(municipality=municipality, slug__startswith=base)
                .values_list("slug", flat=True))
    slug, number = base, 2
    while slug in taken:
        slug, number = f"{base}-{number}", number + 1
    return slug


def clean_keywords(values: Iterable[str]) -> list[str]:
    """Keywords stripped, without empty ones and without repeats (ignoring case), in the order given."""
    keywords, seen = [], set()
    for value in values:
        keyword = refuse_control_characters(" ".join(str(value).split()))
        if keyword and keyword.casefold() not in seen:
            seen.add(keyword.casefold())
            keywords.append(keyword)
    too_long = [k for k in keywords if len(k) > MAX_KEYWORD_LENGTH]
    if too_long:
        raise ValidationError(_("A keyword may have at most %(max)d characters: “%(keyword)s…” is longer.")
                              % {"max": MAX_KEYWORD_LENGTH, "keyword": too_long[0][:30]}, code="max_length")
    if len(keywords) > MAX_KEYWORDS:
        raise ValidationError(_("Please give at most %(max)d keywords; you gave %(count)d.")
                              % {"max": MAX_KEYWORDS, "count": len(keywords)}, code="too_many")
    return keywords


def _clean_themes(values: Iterable[str]) -> list[str]:
    values = set(values)
    unknown = sorted(map(str, values - set(Theme.values)))
    if unknown:
        raise ValidationError(_("Unknown theme: %(themes)s. Please choose from the EU data themes.")
                              % {"themes": ", ".join(unknown)}, code="invalid")
    return [theme for theme in Theme.values if theme in values]


def _choice(value: str, choices: type[Choices], message: str) -> str:
    if value not in choices.values:
        raise ValidationError(message, code="invalid")
    return value


def _clean_dataset(municipality: Municipality, data: dict, *, instance: Dataset | None) -> dict:
    """Validate the given fields of a dataset; a ValidationError keyed by field names lists all problems."""
    fields = FieldCleaner(data)
    check, cleaned, errors = fields.check, fields.cleaned, fields.errors

    check("title", lambda v: clean_text(v, max_length=200, required=_("Please enter a title.")))
    check("description", lambda v: clean_text(v, max_length=20_000,
                                         required=_("Please describe what the data contains.")))
    check("contact_name", lambda v: clean_text(v, max_length=200, required=_(
        "Please name the office or team that answers questions about the data.")))

    def clean_email(value: str) -> str:
        value = clean_text(value, max_length=254, required=_("Please enter the e-mail address of the contact point."))
        EmailValidator(message=_("Please enter a valid e-mail address, like name@example.org."))(value)
        return value

    def clean_slug(value: str) -> str:
        slug = clean_text(value, max_length=100, required=_("Please enter an address.")).lower()
        try:
            validate_slug(slug)
        except ValidationError:
            raise ValidationError(_("An address may contain only lower-case letters, digits, hyphens and "
                                    "underscores."), code="invalid") from None
        taken = Dataset.objects.filter(municipality=municipality, slug=slug)
        if instance is not None:
            taken = taken.exclude(pk=instance.pk)
        if taken.exists():
            raise _slug_taken(slug, municipality)
        return slug

    def clean_publisher(value: Organisation | None) -> Organisation | None:
        if value is not None and value.municipality_id != municipality.pk:
            raise ValidationError(_("Please choose an organisation of %(name)s.") % {"name": municipality.name},
                                  code="foreign")
        return value

    def clean_date(value: date | None) -> date | None:
        if value is not None and not isinstance(value, date):
            raise ValidationError(_("Please enter a date."), code="invalid")
        return value

    check("contact_email", clean_email)
    check("slug", clean_slug)
    check("publisher", clean_publisher)
    check("keywords", clean_keywords)
    check("themes", _clean_themes)
    check("license", lambda v: _choice(v, License, _("Please choose a licence from the list.")))
    check("accrual_periodicity", lambda v: _choice(v, Frequency, _("Please choose how often the data is updated.")))
    check("temporal_start", clean_date)
    check("temporal_end", clean_date)
    start = cleaned.get("temporal_start", instance.temporal_start if instance else None)
    end = cleaned.get("temporal_end", instance.temporal_end if instance else None)
    if start and end and end < start and "temporal_end" not in errors:
        errors["temporal_end"] = [_("The end of the time covered must not be before its start.")]
    if errors:
        raise ValidationError(errors)
    return cleaned


@contextmanager
def _slug_taken_is_an_error(municipality: Municipality, slug: str) -> Iterator[None]:
    """A concurrent write took the address between the check and the save: the same message as the check."""
    try:
        with transaction.atomic():
            yield
    except IntegrityError:
        raise ValidationError({"slug": _slug_taken(slug, municipality).messages}) from None


def _touch(dataset: Dataset, now: datetime | None = None) -> None:
    """Mark the dataset changed now (in the database and on the instance)."""
    dataset.modified_at = now or timezone.now()
    Dataset.objects.filter(pk=dataset.pk).update(modified_at=dataset.modified_at)


# --- Files in the storage -------------------------------------------------------------------------------------


@contextmanager
def _new_files() -> Iterator[list]:
    """Collects the names of files saved inside the block; removes them again when the block fails."""
    saved: list[tuple[Any, str]] = []
    try:
        yield saved
    except BaseException:
        for storage, name in saved:
            storage.delete(name)
        raise


def _delete_after_commit(field_file: FieldFile) -> None:
    storage, name = field_file.storage, field_file.name
    if name:
        transaction.on_commit(lambda: storage.delete(name), robust=True)


def _store(resource: Resource, file: File, saved: list, filename: str) -> None:
    directory = f"{resource.municipality.slug}/{resource.dataset.slug}/"
    # Leave room for the folder and for the suffix the storage adds when the name is taken.
    room = (resource.file.field.max_length or 255) - len("opendata/") - len(directory) - 10
    stem, _dot, extension = filename.rpartition(".")
    if len(filename) > room:
        filename = f"{stem[:max(room - len(extension) - 1, 8)]}.{extension}"
    name = directory + filename
    resource.file.save(name, file, save=False)
    saved.append((resource.file.storage, resource.file.name))


def _file_name(title: str, format: str) -> str:
    return f"{german_slug(title, max_length=80, fallback='daten')}.{EXTENSIONS[format]}"


def _describe(resource: Resource, checked: CheckedFile) -> None:
    resource.media_type = checked.media_type
    resource.byte_size = checked.byte_size
    resource.checksum_sha256 = checked.checksum_sha256
    resource.encoding = checked.encoding
    resource.table_schema = checked.table_schema


# --- Datasets -------------------------------------------------------------------------------------------------


def do_create_dataset(*, municipality: Municipality, actor: User, title: str, description: str, contact_name: str,
                      contact_email: str, slug: str = "", publisher: Organisation | None = None,
                      keywords: Sequence[str] = (), themes: Sequence[str] = (),
                      license: str = License.DL_BY_DE_2_0, temporal_start: date | None = None,
                      temporal_end: date | None = None, accrual_periodicity: str = Frequency.IRREG) -> Dataset:
    """A new, unpublished dataset without resources. Without ``slug`` the address is made from the title."""
    _check_permission(actor, municipality)
    data = {"title": title, "description": description, "contact_name": contact_name,
            "contact_email": contact_email, "publisher": publisher, "keywords": keywords, "themes": themes,
            "license": license, "temporal_start": temporal_start, "temporal_end": temporal_end,
            "accrual_periodicity": accrual_periodicity}
    if (slug or "").strip():
        data["slug"] = slug
    with transaction.atomic():
        cleaned = _clean_dataset(municipality, data, instance=None)
        cleaned.setdefault("slug", _free_slug(municipality, cleaned["title"]))
        with _slug_taken_is_an_error(municipality, cleaned["slug"]):
            return Dataset.objects.create(municipality=municipality, created_by=actor, modified_at=timezone.now(),
                                          **cleaned)


def do_update_dataset(*, dataset: Dataset, actor: User, title: str = UNSET, slug: str = UNSET, description: str = UNSET,
                      publisher: Organisation | None = UNSET, contact_name: str = UNSET,
                      contact_email: str = UNSET, keywords: Sequence[str] = UNSET, themes: Sequence[str] = UNSET,
                      license: str = UNSET, temporal_start: date | None = UNSET, temporal_end: date | None = UNSET,
                      accrual_periodicity: str = UNSET) -> Dataset:
    """Change the given fields (the others stay as they are)."""
    municipality = dataset.municipality
    _check_permission(actor, municipality)
    _check_not_generated(dataset)
    given = {"title": title, "slug": slug, "description": description, "publisher": publisher,
             "contact_name": contact_name, "contact_email": contact_email, "keywords": keywords, "themes": themes,
             "license": license, "temporal_start": temporal_start, "temporal_end": temporal_end,
             "accrual_periodicity": accrual_periodicity}
    data = {name: value for name, value in given.items() if value is not UNSET}
    with transaction.atomic():
        cleaned = _clean_dataset(municipality, data, instance=dataset)
        changed = [name for name, value in cleaned.items() if getattr(dataset, name) != value]
        if not changed:
            return dataset
        for name, value in cleaned.items():
            setattr(dataset, name, value)
        dataset.modified_at = timezone.now()
        with _slug_taken_is_an_error(municipality, dataset.slug):
            dataset.save()
        publish(DatasetUpdated(municipality, dataset, actor=actor, data={"changed": changed}))
    return dataset


def do_publish_dataset(*, dataset: Dataset, actor: User) -> Dataset:
    _check_permission(actor, dataset.municipality)
    _check_not_generated(dataset)
    with transaction.atomic():
        locked = Dataset.objects.select_for_update().get(pk=dataset.pk)
        if locked.is_published:
            return dataset
        if not Resource.objects.filter(dataset=locked).exists():
            raise ValidationError(_("A dataset needs at least one file or link before it can be published. Please "
                                    "add a resource first."), code="no_resources")
        now = timezone.now()
        locked.is_published = True
        locked.issued_at = locked.issued_at or now
        locked.modified_at = now
        locked.save(update_fields=["is_published", "issued_at", "modified_at"])
        dataset.is_published, dataset.issued_at, dataset.modified_at = True, locked.issued_at, now
        publish(DatasetPublished(dataset.municipality, dataset, actor=actor))
    return dataset


def do_unpublish_dataset(*, dataset: Dataset, actor: User) -> Dataset:
    _check_permission(actor, dataset.municipality)
    _check_not_generated(dataset)
    with transaction.atomic():
        locked = Dataset.objects.select_for_update().get(pk=dataset.pk)
        if not locked.is_published:
            return dataset
        now = timezone.now()
        Dataset.objects.filter(pk=locked.pk).update(is_published=False, modified_at=now)
        dataset.is_published, dataset.modified_at = False, now
        publish(DatasetUnpublished(dataset.municipality, dataset, actor=actor))
    return dataset


def do_delete_dataset(*, dataset: Dataset, actor: User) -> None:
    """Delete the dataset with its resources; their files go after the commit."""
    _check_permission(actor, dataset.municipality)
    _check_not_generated(dataset)
    with transaction.atomic():
        publish(DatasetDeleted(dataset.municipality, dataset, actor=actor))
        for resource in Resource.objects.filter(dataset=dataset).exclude(file=""):
            _delete_after_commit(resource.file)
        dataset.delete()


# --- Resources ------------------------------------------------------------------------------------------------


def _clean_resource(*, title: str, format: str, file: File | None, url: str, description: str) -> dict:
    errors: dict[str, list] = {}
    cleaned: dict = {}
    for name, clean in (("title", lambda: clean_text(title, max_length=200, required=_("Please enter a title."))),
                        ("description", lambda: clean_text(description, max_length=5000)),
                        ("format", lambda: _choice(format, Resource.Format, _("Please choose the format.")))):
        try:
            cleaned[name] = clean()
        except ValidationError as error:
            errors[name] = error.messages
    url = (url or "").strip()
    if file and url:
        errors["file"] = [_("Please either upload a file or enter the address of a file, not both.")]
    elif not file and not url:
        errors["file"] = [_("Please upload a file or enter the address where the file is published.")]
    elif url:
        try:
            URLValidator(schemes=["http", "https"], message=_(
                "Please enter a full web address starting with https:// or http://."))(url)
            cleaned["url"] = clean_text(url, max_length=1000)
        except ValidationError as error:
            errors["url"] = error.messages
    if errors:
        raise ValidationError(errors)
    return cleaned


def do_add_resource(*, dataset: Dataset, actor: User, title: str, format: str, file: File | None = None, url: str = "",
                    description: str = "") -> Resource:
    """Add an uploaded file (checked: size, format, encoding) or a link to a file published elsewhere."""
    municipality = dataset.municipality
    _check_permission(actor, municipality)
    _check_not_generated(dataset)
    cleaned = _clean_resource(title=title, format=format, file=file, url=url, description=description)
    checked = None
    if file:
        try:
            checked = check_file(file, cleaned["format"], max_bytes=max_upload_bytes())
        except ValidationError as error:
            raise ValidationError({"file": error.messages}) from None
    with transaction.atomic(), _new_files() as saved:
        locked = Dataset.objects.select_for_update().get(pk=dataset.pk)
        present = Resource.objects.filter(dataset=locked).aggregate(last=Max("position"), count=Count("pk"))
        if present["count"] >= MAX_RESOURCES:
            raise ValidationError(_("A dataset may have at most %(max)d resources. Please make a new dataset for "
                                    "further files.") % {"max": MAX_RESOURCES}, code="too_many")
        position = 0 if present["last"] is None else present["last"] + 1
        resource = Resource(municipality=municipality, dataset=dataset, title=cleaned["title"],
                            description=cleaned["description"], format=cleaned["format"],
                            url=cleaned.get("url", ""), media_type=MEDIA_TYPES[cleaned["format"]],
                            position=position)
        if file and checked is not None:
            _describe(resource, checked)
            _store(resource, file, saved, _file_name(cleaned["title"], cleaned["format"]))
        resource.save()
        _touch(dataset)
        publish(DatasetUpdated(municipality, dataset, actor=actor, data={"changed": ["resources"]}))
    return resource


def do_replace_resource_file(*, resource: Resource, actor: User, file: File) -> Resource:
    """Upload a new version of a resource's file (same format); the old file is removed after the commit."""
    dataset = resource.dataset
    _check_permission(actor, resource.municipality)
    _check_not_generated(dataset)
    if not file:
        raise ValidationError({"file": [_("Please choose the new file.")]})
    try:
        checked = check_file(file, resource.format, max_bytes=max_upload_bytes())
    except ValidationError as error:
        raise ValidationError({"file": error.messages}) from None
    with transaction.atomic(), _new_files() as saved:
        old = resource.file if resource.file else None
        old_name = old.name if old else ""
        _describe(resource, checked)
        _store(resource, file, saved, _file_name(resource.title, resource.format))
        resource.url = ""
        resource.save()
        if old_name:
            storage = resource.file.storage
            transaction.on_commit(lambda: storage.delete(old_name), robust=True)
        _touch(dataset)
        publish(DatasetUpdated(resource.municipality, dataset, actor=actor, data={"changed": ["resources"]}))
    return resource


def do_delete_resource(*, resource: Resource, actor: User) -> None:
    dataset = resource.dataset
    _check_permission(actor, resource.municipality)
    _check_not_generated(dataset)
    with transaction.atomic():
        locked = Dataset.objects.select_for_update().get(pk=dataset.pk)
        if locked.is_published and not Resource.objects.filter(dataset=locked).exclude(pk=resource.pk).exists():
            raise ValidationError(_("A published dataset needs at least one file or link. Add another resource "
                                    "first, or withdraw the publication of the dataset."), code="last_resource")
        if resource.file:
            _delete_after_commit(resource.file)
        resource.delete()
        _touch(dataset)
        publish(DatasetUpdated(resource.municipality, dataset, actor=actor, data={"changed": ["resources"]}))


# --- Datasets generated from the participation records ------------------------------------------------------------

# (filename, the file or its path, format, table schema or None)
GeneratedFile = tuple[str, File | Path, str, dict | None]


def do_put_generated_dataset(*, municipality: Municipality, generated_key: str, title: str, description: str,
                             keywords: Sequence[str], themes: Sequence[str], files: Sequence[GeneratedFile],
                             license: str | None = None) -> Dataset:
    """Create or update the published dataset ``generated_key`` of ``municipality`` with exactly ``files`` as its
    resources (matched by file name, so a resource keeps its id and address). System-level: no actor, no
    permission. Idempotent: unchanged metadata and files (compared by SHA-256) change nothing; otherwise
    ``modified_at`` moves. The address (slug) is made from the title once and then stays. ``license`` defaults to
    the licence of the participation records (setting OPENDATA_RECORDS_LICENSE).

    The files come from our own code, so they are not checked as uploads (only their first bytes) and are never
    held in memory: checksum and size are computed in one streaming pass, the storage copies them in chunks."""
    with translation.override(settings.LANGUAGE_CODE):  # the catalogue's metadata is in the site's language
        title, description = str(title), str(description)
    if not generated_key or len(generated_key) > 60:
        raise ValueError("generated_key must have 1 to 60 characters.")
    license = license or getattr(settings, "OPENDATA_RECORDS_LICENSE", License.DL_ZERO_DE_2_0)
    metadata = _clean_dataset(municipality, {"title": title, "description": description, "keywords": keywords,
                                             "themes": themes, "license": license}, instance=None)
    if len({filename for filename, *_rest in files}) != len(files):
        raise ValueError("Two generated files have the same name.")
    with ExitStack() as opened:
        checked = [(filename, file, format, describe_generated(file, format, schema))
                   for filename, file, format, schema in _opened(files, opened)]
        with transaction.atomic(), _new_files() as saved:
            dataset, created = _generated_dataset(municipality, generated_key, metadata)
            changed = created or any(getattr(dataset, name) != value for name, value in metadata.items())
            for name, value in metadata.items():
                setattr(dataset, name, value)
            changed = _put_generated_files(dataset, checked, saved) or changed
            if changed or not dataset.is_published:
                now = timezone.now()
                first = not dataset.is_published
                dataset.is_published, dataset.modified_at = True, now
                dataset.issued_at = dataset.issued_at or now
                dataset.save()
                publish((DatasetPublished if first else DatasetUpdated)(municipality, dataset))
    return dataset


def _opened(files: Sequence[GeneratedFile], stack: ExitStack) -> list[tuple[str, File, str, dict | None]]:
    """The files with each path opened (and closed when ``stack`` closes)."""
    return [(filename, stack.enter_context(File(open(content, "rb"))) if isinstance(content, Path) else content,
             format, schema) for filename, content, format, schema in files]


def _generated_dataset(municipality: Municipality, key: str, metadata: dict) -> tuple[Dataset, bool]:
    """The locked dataset of ``key``; created (unpublished, saved later) if there is none yet."""
    existing = Dataset.objects.select_for_update().filter(municipality=municipality, generated_key=key).first()
    if existing is not None:
        return existing, False
    try:
        with transaction.atomic():
            dataset = Dataset.objects.create(
                municipality=municipality, generated_key=key, slug=_free_slug(municipality, metadata["title"]),
                contact_name=municipality.name, contact_email=municipality.contact_email,
                accrual_periodicity=Frequency.DAILY, modified_at=timezone.now(), **metadata)
    except IntegrityError:  # created meanwhile by a concurrent run
        return Dataset.objects.select_for_update().get(municipality=municipality, generated_key=key), False
    return dataset, True


def _put_generated_files(dataset: Dataset, checked: list, saved: list) -> bool:
    """Make the dataset's resources exactly the given files; True if anything changed."""
    existing = {resource.title: resource for resource in Resource.objects.filter(dataset=dataset)}
    changed = False
    for position, (filename, file, format, info) in enumerate(checked):
        resource = existing.pop(filename, None)
        if resource is not None and resource.file and resource.format == format \
                and resource.checksum_sha256 == info.checksum_sha256 and resource.table_schema == info.table_schema:
            if resource.position != position:
                Resource.objects.filter(pk=resource.pk).update(position=position)
            continue
        if resource is None:
            resource = Resource(municipality=dataset.municipality, dataset=dataset, title=filename)
        elif resource.file:
            _delete_after_commit(resource.file)
        resource.format, resource.url, resource.position = format, "", position
        _describe(resource, info)
        _store(resource, file, saved, filename)
        resource.save()
        changed = True
    for resource in existing.values():
        if resource.file:
            _delete_after_commit(resource.file)
        resource.delete()
        changed = True
    return changed
