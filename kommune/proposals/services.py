"""Writes of citizen proposals: keyword-only, typed, one transaction each, permission checked here.

Every refusal is a ValidationError (or PermissionDenied for a missing right) with a message for the person who
acted, and leaves the database as it was.

Counters: a Support row is one online support (unique per person and proposal); ``online_supports``,
``paper_supports`` and ``total_supports`` move with F() in the transaction that writes the row or the signature
list they count. The hot path, a support or its withdrawal, writes its Support row first and moves the counters
last, with one UPDATE … RETURNING that checks the collection in its WHERE and takes the proposal's row lock: the
lock is held for that statement and the commit only (see do_support_proposal). The other writes that look at or
move the counters (signature lists, answers) lock the proposal row first (``select_for_update``), so the check of
state and period and the write see the same proposal; none of them touches Support rows, so the two orders cannot
deadlock.

Events: proposal.published, proposal.updated, proposal.supported, proposal.support_withdrawn,
proposal.signatures_added, proposal.threshold_reached, proposal.answered, proposal.referred,
proposal.update_added, proposal.expired.
"""

import math
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal, InvalidOperation
from functools import partial
from pathlib import Path
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files import File
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.db.models import F
from django.db.models.fields.files import FieldFile
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from kommune.accounts.models import User
from kommune.accounts.selectors import is_resident
from kommune.core.cleaning import FieldCleaner, clean_text
from kommune.core.events import publish
from kommune.core.models import AuditLogEntry, Municipality
from kommune.core.richtext import render_markdown
from kommune.core.services import do_refer_to_council, log_action
from kommune.core.slugs import german_slug
from kommune.core.statements import Change, Update
from kommune.core.tenants import kept_row
from kommune.proposals.events import (
    ProposalAnswered,
    ProposalExpired,
    ProposalHidden,
    ProposalPublished,
    ProposalReferred,
    ProposalSignaturesAdded,
    ProposalSupported,
    ProposalSupportWithdrawn,
    ProposalThresholdReached,
    ProposalUnhidden,
    ProposalUpdateAdded,
    ProposalUpdated,
    ProposalWithdrawn,
)
from kommune.proposals.models import (
    Attachment,
    Category,
    Proposal,
    ProposalSettings,
    ProposalUpdate,
    SignatureList,
    Support,
)

CREATE_PERMISSION = "proposals.create_proposal"
MANAGE_PERMISSION = "proposals.manage"
State = Proposal.State

MAX_ATTACHMENTS = 10
MAX_ATTACHMENT_SIZE = 10 * 1024 * 1024
ATTACHMENT_EXTENSIONS = frozenset({"pdf", "jpg", "jpeg", "png", "odt", "ods", "docx", "xlsx", "txt", "csv"})
MAX_IMAGE_SIZE = 5 * 1024 * 1024
IMAGE_EXTENSIONS = frozenset({"jpg", "jpeg", "png", "webp"})
MAX_SCAN_SIZE = 20 * 1024 * 1024
SCAN_EXTENSIONS = frozenset({"pdf", "jpg", "jpeg", "png", "tif", "tiff"})
EXPIRE_BATCH = 200

SETTINGS_FIELDS = ("is_enabled", "supporters", "minimum_age", "threshold_kind", "threshold_absolute",
                   "threshold_share", "collection_days", "answer_days", "authors_may_support")
PROPOSAL_FIELDS = ("title", "text", "category", "area", "latitude", "longitude", "image", "image_alt")


# --- Settings ---------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Refusal:
    """Why a person cannot support a proposal now. ``code`` is stable (the API's error code; the page chooses the
    remedy it offers by it), ``message`` a sentence for the person."""

    code: str
    message: str

    def error(self) -> ValidationError:
        return ValidationError(self.message, code=self.code)




def get_settings(municipality: Municipality) -> ProposalSettings:
    """The municipality's rules; the defaults (an unsaved row) when its staff never saved any. Kept in the process
    between their changes (kommune.core.tenants), as every proposal page reads them."""
    row = kept_row((ProposalSettings, municipality.pk), lambda: (
        ProposalSettings.objects.filter(municipality=municipality).first()
        or ProposalSettings(municipality=municipality)))
    row.municipality = municipality
    return row


def required_supports(settings_row: ProposalSettings, municipality: Municipality) -> int:
    """The threshold for a proposal published now: a fixed number, or the share of the population, rounded up.
    Without a recorded population a share cannot be computed; the fixed number applies then."""
    if settings_row.threshold_kind == ProposalSettings.ThresholdKind.SHARE and municipality.population:
        return max(1, math.ceil(Decimal(municipality.population) * settings_row.threshold_share / 100))
    return max(1, settings_row.threshold_absolute)


def _check_manage(actor: User, municipality: Municipality) -> None:
    if not getattr(actor, "is_authenticated", False) or not actor.has_perm(MANAGE_PERMISSION, municipality):
        raise PermissionDenied


def _disabled_refusal(settings_row: ProposalSettings, municipality: Municipality) -> Refusal | None:
    if settings_row.is_enabled:
        return None
    return Refusal("disabled", _("Citizen proposals are switched off in %(name)s.") % {"name": municipality.name})


def write_refusal(municipality: Municipality, user: User | AnonymousUser, *,
                  settings_row: ProposalSettings | None = None) -> Refusal | None:
    """The one rule of who may write and publish proposals in ``municipality``, or None when ``user`` may.
    Codes: login, disabled, unconfirmed (confirm the e-mail address), not_member (name the municipality as
    one's own). The writing page shows the remedy for the code; the services refuse with it."""
    if not user.is_authenticated:
        return Refusal("login", _("Log in to write a proposal."))
    if refusal := _disabled_refusal(settings_row or get_settings(municipality), municipality):
        return refusal
    if user.has_perm(CREATE_PERMISSION, municipality):
        return None
    if user.email_confirmed_at is None:
        return Refusal("unconfirmed", _("Please confirm your e-mail address first: we sent you a link when you "
                                        "registered."))
    return Refusal("not_member", _(
        "Proposals for %(name)s are written by the people who live there. If you do, add %(name)s as your "
        "municipality; then you can write a proposal.") % {"name": municipality.name})


def _check_may_write(municipality: Municipality, user: User, settings_row: ProposalSettings | None = None) -> None:
    """A switched-off feature is a refusal with its reason; a person without the right is a PermissionDenied."""
    refusal = write_refusal(municipality, user, settings_row=settings_row)
    if refusal is None:
        return
    if refusal.code == "disabled":
        raise refusal.error()
    raise PermissionDenied


def _settings_value(name: str, value: Any) -> Any:
    """The JSON-friendly form of a setting for the audit log."""
    return str(value) if isinstance(value, Decimal) else value


def do_update_proposal_settings(*, municipality: Municipality, actor: User, **fields: Any) -> ProposalSettings:
    """Change the given settings (the others stay); unknown names are a programming error."""
    _check_manage(actor, municipality)
    unknown = set(fields) - set(SETTINGS_FIELDS)
    if unknown:
        raise TypeError(f"Unknown proposal settings: {sorted(unknown)}")
    with transaction.atomic():
        row, _created = ProposalSettings.objects.select_for_update().get_or_create(municipality=municipality)
        before = {name: getattr(row, name) for name in SETTINGS_FIELDS}
        for name, value in fields.items():
            setattr(row, name, value)
        try:
            row.full_clean(exclude=["municipality"])
        except ValidationError as error:
            raise ValidationError(error.message_dict) from None
        if row.threshold_kind == ProposalSettings.ThresholdKind.SHARE and not municipality.population:
            raise ValidationError({"threshold_kind": [
                _("A share of the population needs the population of %(name)s, which is not recorded. Please "
                  "enter a fixed number of supports, or ask an administrator to record the population.")
                % {"name": municipality.name}]}, code="no_population")
        changed = {name: [_settings_value(name, before[name]), _settings_value(name, getattr(row, name))]
                   for name in SETTINGS_FIELDS if before[name] != getattr(row, name)}
        row.save()
        if changed or _created:
            log_action(tenant=municipality, actor=actor, action=AuditLogEntry.Action.PROPOSAL_SETTINGS_CHANGED,
                       changed=changed)
    return row


def do_create_category(*, municipality: Municipality, actor: User, name: str) -> Category:
    _check_manage(actor, municipality)
    name = clean_text(name, max_length=100, required=_("Please enter the name of the category."))
    slug = german_slug(name, max_length=60, fallback="kategorie")
    with transaction.atomic():
        if Category.objects.filter(municipality=municipality, slug=slug).exists():
            raise ValidationError({"name": [_("A category with this name already exists in %(name)s.")
                                            % {"name": municipality.name}]}, code="unique")
        try:
            with transaction.atomic():
                return Category.objects.create(municipality=municipality, name=name, slug=slug)
        except IntegrityError:  # created by a parallel request after the check
            raise ValidationError({"name": [_("A category with this name already exists in %(name)s.")
                                            % {"name": municipality.name}]}, code="unique") from None


# --- Checks of input --------------------------------------------------------------------------------------------


def _coordinate(value: Any, limit: int) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        number = Decimal(str(value)).quantize(Decimal("0.000001"))
    except (InvalidOperation, ValueError):
        raise ValidationError(_("Please choose the place on the map again; the position could not be read."),
                              code="invalid") from None
    if not -limit <= number <= limit:
        raise ValidationError(_("Please choose the place on the map again; the position could not be read."),
                              code="invalid")
    return number


def _extension(upload: File) -> str:
    return Path(getattr(upload, "name", "") or "").suffix.lower().lstrip(".")


def _check_file(upload: File, *, allowed: Iterable[str], max_size: int) -> None:
    allowed = sorted(allowed)
    if _extension(upload) not in allowed:
        raise ValidationError(_("Please upload a file of one of these types: %(types)s.")
                              % {"types": ", ".join(allowed)}, code="file_type")
    size = getattr(upload, "size", 0) or 0
    if size > max_size:
        raise ValidationError(_("The file is too large: at most %(max)d MB are possible.")
                              % {"max": max_size // (1024 * 1024)}, code="file_size")
    if size == 0:
        raise ValidationError(_("The file is empty. Please choose another one."), code="file_empty")


def _check_image(upload: File) -> None:
    _check_file(upload, allowed=IMAGE_EXTENSIONS, max_size=MAX_IMAGE_SIZE)
    from PIL import Image

    try:
        upload.seek(0)
        with Image.open(upload) as image:
            image.verify()
    except Exception:  # noqa: BLE001 - Pillow raises many kinds of errors for broken files
        raise ValidationError(_("The image could not be read. Please upload a JPEG, PNG or WebP image."),
                              code="invalid_image") from None
    finally:
        upload.seek(0)


def _clean_proposal(municipality: Municipality, data: dict) -> dict:
    """Validate the given fields; a ValidationError keyed by field names lists all problems."""
    fields = FieldCleaner(data)
    check, cleaned, errors = fields.check, fields.cleaned, fields.errors

    check("title", lambda v: clean_text(v, max_length=150, required=_("Please enter a title.")))
    check("text", lambda v: clean_text(v, max_length=10_000,
                                  required=_("Please describe what the municipality should do, and why.")))
    check("area", lambda v: clean_text(v, max_length=200))
    check("image_alt", lambda v: clean_text(v, max_length=300))
    check("latitude", lambda v: _coordinate(v, 90))
    check("longitude", lambda v: _coordinate(v, 180))

    def clean_category(value: Category | None) -> Category | None:
        if value is not None and value.municipality_id != municipality.pk:
            raise ValidationError(_("Please choose a category of %(name)s.") % {"name": municipality.name},
                                  code="foreign")
        return value

    def clean_image(value: File | str | None) -> File | str:
        if value:
            if isinstance(value, UploadedFile):
                _check_image(value)
            return value
        return ""

    check("category", clean_category)
    check("image", clean_image)
    if ("latitude" in cleaned) != ("longitude" in cleaned) or (
            "latitude" in cleaned and (cleaned["latitude"] is None) != (cleaned["longitude"] is None)):
        errors.setdefault("latitude", []).append(
            _("Please choose the place on the map again; the position is incomplete."))
    if errors:
        raise ValidationError(errors)
    if "text" in cleaned:
        cleaned["text_html"] = render_markdown(cleaned["text"], nofollow=True)
    return cleaned


# --- Writing a proposal -----------------------------------------------------------------------------------------


def _check_author(proposal: Proposal, actor: User) -> None:
    if not getattr(actor, "is_authenticated", False) or proposal.author_id != actor.pk:
        raise PermissionDenied


def _check_editable(locked: Proposal) -> None:
    if not locked.is_editable:
        raise ValidationError(_("This proposal already has supports and can no longer be changed, so that "
                                "everybody supports the same text."), code="not_editable")


def can_edit(proposal: Proposal, user: User | AnonymousUser) -> bool:
    """For pages: may ``user`` change the proposal now?"""
    return getattr(user, "is_authenticated", False) and proposal.author_id == user.pk and proposal.is_editable


def _check_image_description(proposal: Proposal) -> None:
    if proposal.lacks_image_description:
        raise ValidationError({"image_alt": [
            _("Please describe the image in one sentence for people who cannot see it.")]}, code="image_alt")


def do_create_proposal(*, municipality: Municipality, author: User, title: str, text: str,
                       category: Category | None = None,
                       area: str = "", latitude: Decimal | float | None = None,
                       longitude: Decimal | float | None = None,
                       image: File | None = None, image_alt: str = "") -> Proposal:
    """A new draft; only its author sees it until it is published."""
    _check_may_write(municipality, author)
    cleaned = _clean_proposal(municipality, {
        "title": title, "text": text, "category": category, "area": area, "latitude": latitude,
        "longitude": longitude, "image": image, "image_alt": image_alt})
    proposal = Proposal(municipality=municipality, author=author, state=State.DRAFT, **cleaned)
    _check_image_description(proposal)
    with transaction.atomic():
        proposal.save(force_insert=True)
    return proposal


def do_update_proposal(*, proposal: Proposal, actor: User, **fields: Any) -> Proposal:
    """Change the given fields (see PROPOSAL_FIELDS) while the proposal has no support.

    ``image=None`` keeps the image (a form's file field without an upload); ``image=False`` or ``""`` removes
    it; a new upload replaces it."""
    _check_author(proposal, actor)
    unknown = set(fields) - set(PROPOSAL_FIELDS)
    if unknown:
        raise TypeError(f"Unknown proposal fields: {sorted(unknown)}")
    if "image" in fields and fields["image"] is None:
        del fields["image"]
    cleaned = _clean_proposal(proposal.municipality, fields)
    with transaction.atomic():
        locked = Proposal.objects.select_for_update().get(pk=proposal.pk)
        _check_editable(locked)
        changed = [name for name, value in cleaned.items()
                   if name != "text_html" and getattr(locked, name) != value]
        for name, value in cleaned.items():
            setattr(locked, name, value)
        _check_image_description(locked)
        locked.save()
        if locked.is_published and changed:
            publish(ProposalUpdated(locked.municipality, locked, actor=actor, scope=locked,
                                    data={"changed": changed}))
    return locked


def do_add_attachment(*, proposal: Proposal, actor: User, title: str, file: File) -> Attachment:
    _check_author(proposal, actor)
    errors: dict[str, list] = {}
    try:
        title = clean_text(title, max_length=200, required=_("Please enter a title for the attachment."))
    except ValidationError as error:
        errors["title"] = error.messages
    if not file:
        errors["file"] = [_("Please choose a file.")]
    else:
        try:
            _check_file(file, allowed=ATTACHMENT_EXTENSIONS, max_size=MAX_ATTACHMENT_SIZE)
        except ValidationError as error:
            errors["file"] = error.messages
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        locked = Proposal.objects.select_for_update().get(pk=proposal.pk)
        _check_editable(locked)
        if Attachment.objects.filter(proposal=locked).count() >= MAX_ATTACHMENTS:
            raise ValidationError(_("A proposal can have at most %(max)d attachments.") % {"max": MAX_ATTACHMENTS},
                                  code="too_many")
        return Attachment.objects.create(municipality=locked.municipality, proposal=locked, title=title,
                                         file=file, size=file.size)


def do_publish_proposal(*, proposal: Proposal, actor: User) -> Proposal:
    """Draft -> collecting: the threshold and the end of the collection are fixed now, from today's settings."""
    from kommune.core.notifications.services import do_follow

    _check_author(proposal, actor)
    municipality = proposal.municipality
    settings_row = get_settings(municipality)
    _check_may_write(municipality, actor, settings_row)
    with transaction.atomic():
        locked = Proposal.objects.select_for_update().get(pk=proposal.pk)
        if locked.state != State.DRAFT:
            raise ValidationError(_("This proposal has already been published."), code="published")
        now = timezone.now()
        locked.state = State.COLLECTING
        locked.published_at = now
        locked.collection_ends_at = later(now, settings_row.collection_period)
        locked.required_supports = required_supports(settings_row, municipality)
        locked.save(update_fields=["state", "published_at", "collection_ends_at", "required_supports",
                                   "updated_at"])
        do_follow(user=actor, target=locked)
        publish(ProposalPublished(municipality, locked, actor=actor, scope=locked))
    return locked


# --- Withdrawing and deleting (the author) ----------------------------------------------------------------------
#
# The state machine: draft -> collecting (do_publish_proposal) -> threshold_reached -> answered, or -> expired at
# the end of the collection. Its author may withdraw a proposal while it collects or waits for its answer
# (collecting, threshold_reached): it becomes withdrawn, shows the author's reason, keeps its supports (valid acts,
# still counted and exported) and collects no more; the municipality need not answer it any longer. Answered and
# expired proposals are settled and cannot be withdrawn, and nothing leads back from withdrawn. A draft was never
# public: its author may delete it, with its image and attachments.

WITHDRAWABLE_STATES = (State.COLLECTING, State.THRESHOLD_REACHED)
MAX_WITHDRAWAL_REASON_LENGTH = 500


def can_withdraw(proposal: Proposal, user: User | AnonymousUser) -> bool:
    return (getattr(user, "is_authenticated", False) and proposal.author_id == user.pk
            and proposal.state in WITHDRAWABLE_STATES)


def do_withdraw_proposal(*, proposal: Proposal, actor: User, reason: str) -> Proposal:
    _check_author(proposal, actor)
    reason = clean_text(reason, max_length=MAX_WITHDRAWAL_REASON_LENGTH,
                        required=_("Please tell the supporters why you withdraw the proposal."))
    with transaction.atomic():
        locked = Proposal.objects.select_for_update().get(pk=proposal.pk)
        if locked.state not in WITHDRAWABLE_STATES:
            raise ValidationError(_("Only a proposal that collects supports or waits for its answer can be "
                                    "withdrawn."), code="state")
        locked.state, locked.withdrawn_at, locked.withdrawal_reason = State.WITHDRAWN, timezone.now(), reason
        locked.save(update_fields=["state", "withdrawn_at", "withdrawal_reason", "updated_at"])
        publish(ProposalWithdrawn(locked.municipality, locked, actor=actor, scope=locked, data={"reason": reason}))
    return locked


def _stored_files(proposal: Proposal) -> list[FieldFile]:
    files = [attachment.file for attachment in proposal.attachments.all() if attachment.file]
    return [proposal.image, *files] if proposal.image else files


def _delete_files(files: list[FieldFile]) -> None:
    for stored in files:
        if stored.name:
            stored.storage.delete(stored.name)


def do_delete_draft(*, proposal: Proposal, actor: User) -> None:
    """Delete a draft with its attachments; the files leave the storage after the commit."""
    _check_author(proposal, actor)
    with transaction.atomic():
        locked = Proposal.objects.select_for_update().get(pk=proposal.pk)
        if locked.state != State.DRAFT:
            raise ValidationError(_("Only a draft can be deleted; a published proposal can be withdrawn."),
                                  code="published")
        files = _stored_files(locked)
        locked.delete()
        transaction.on_commit(partial(_delete_files, files), robust=True)


# --- Moderation (called by kommune.core.moderation through the reportables registry, inside its transaction) -----


def apply_hidden(proposal: Proposal, *, reason: str, moderator: User) -> None:
    Proposal.objects.filter(pk=proposal.pk).update(hidden_at=timezone.now(), hidden_reason=reason)
    proposal.refresh_from_db(fields=["hidden_at", "hidden_reason"])
    publish(ProposalHidden(proposal.municipality, proposal, actor=moderator, scope=proposal, data={"reason": reason}))


def apply_shown(proposal: Proposal, *, reason: str, moderator: User) -> None:
    Proposal.objects.filter(pk=proposal.pk).update(hidden_at=None, hidden_reason="")
    proposal.refresh_from_db(fields=["hidden_at", "hidden_reason"])
    publish(ProposalUnhidden(proposal.municipality, proposal, actor=moderator, scope=proposal,
                             data={"reason": reason}))


# --- Supports ---------------------------------------------------------------------------------------------------


def later(moment: datetime, period: timedelta) -> datetime:
    """``period`` after ``moment`` by the calendar in Berlin: the same time of day, also across a change between
    summer and winter time (aware arithmetic within one zone is wall-clock arithmetic)."""
    return timezone.localtime(moment) + period


def _format_datetime(moment: datetime) -> str:
    return formats.date_format(timezone.localtime(moment), "DATETIME_FORMAT")


def age_on(birth_date: date, day: date) -> int:
    return day.year - birth_date.year - ((day.month, day.day) < (birth_date.month, birth_date.day))


def collection_refusal(proposal: Proposal, now: datetime) -> Refusal | None:
    """Why ``proposal`` takes no supports at ``now``, whoever asks; None while it collects."""
    if proposal.is_collecting(now):
        return None
    if proposal.state == State.DRAFT:
        return Refusal("draft", _("This proposal has not been published yet, so it cannot be supported."))
    if proposal.hidden_at is not None:
        return Refusal("hidden", _("This proposal has been hidden by the moderation; supporting is not possible."))
    if proposal.state == State.WITHDRAWN:
        return Refusal("withdrawn", _("Its author has withdrawn this proposal; supporting is no longer possible."))
    if proposal.state == State.ANSWERED:
        return Refusal("answered", _("The municipality has answered this proposal; supporting is no longer "
                                     "possible."))
    if proposal.collection_ends_at is None:
        return Refusal("closed", _("This proposal no longer collects supports."))
    return Refusal("closed", _("The collection of supports for this proposal ended on %(end)s; supporting is no "
                               "longer possible.") % {"end": _format_datetime(proposal.collection_ends_at)})


def _person_refusal(proposal: Proposal, user: User, settings_row: ProposalSettings, now: datetime) -> Refusal | None:
    """Why ``user`` may not support ``proposal`` under ``settings_row`` (the proposal's state aside)."""
    municipality = proposal.municipality
    if user.email_confirmed_at is None:
        return Refusal("unconfirmed", _("Please confirm your e-mail address first; then you can support "
                                        "proposals."))
    if proposal.author_id == user.pk and not settings_row.authors_may_support:
        return Refusal("own", _("You cannot support your own proposal in %(name)s.") % {"name": municipality.name})
    if (settings_row.supporters == ProposalSettings.Supporters.VERIFIED
            and not is_resident(user, municipality)):
        return Refusal("not_resident", _(
            "Only verified residents of %(name)s can support proposals. Please verify your residency first: at "
            "the citizens' office or with the code from a letter.") % {"name": municipality.name})
    if settings_row.minimum_age:
        if user.birth_date is None:
            return Refusal("no_birth_date", _(
                "Supporting proposals in %(name)s requires a minimum age of %(age)d. Please enter your date of "
                "birth in your profile first.") % {"name": municipality.name, "age": settings_row.minimum_age})
        if age_on(user.birth_date, timezone.localdate(now)) < settings_row.minimum_age:
            return Refusal("too_young", _("Only people aged %(age)d or older can support proposals in %(name)s.")
                           % {"age": settings_row.minimum_age, "name": municipality.name})
    return None


def duplicate_refusal(proposal: Proposal, user: User) -> Refusal | None:
    """A person supports a proposal once. Pages pass a proposal annotated with ``user_supports`` (see
    selectors.with_user_support), which saves the query."""
    supports = getattr(proposal, "user_supports", None)
    if supports is None:
        supports = Support.objects.filter(proposal=proposal, user=user).exists()
    return _already_supports() if supports else None


def _already_supports() -> Refusal:
    return Refusal("duplicate", _("You already support this proposal."))


def support_refusal(proposal: Proposal, user: User | AnonymousUser, *, now: datetime | None = None,
                    settings_row: ProposalSettings | None = None, duplicate: bool = True) -> Refusal | None:
    """The one rule of who may support: why ``user`` (also an anonymous visitor) cannot support ``proposal`` now,
    or None when they can. The page shows the message and the remedy for its code, the service refuses with it.

    Codes, in the order they are checked: disabled, draft, answered, closed (the proposal takes no supports);
    login; duplicate (they already support it); unconfirmed, own, not_resident, no_birth_date, too_young (the
    person may not). ``duplicate=False`` leaves the duplicate to the caller: the support's unique insert refuses
    it without a query before."""
    now = now or timezone.now()
    settings_row = settings_row or get_settings(proposal.municipality)
    if refusal := _disabled_refusal(settings_row, proposal.municipality) or collection_refusal(proposal, now):
        return refusal
    if not user.is_authenticated:
        return Refusal("login", _("Log in to support this proposal."))
    return (duplicate and duplicate_refusal(proposal, user)) or _person_refusal(proposal, user, settings_row, now)


# Compiled once per process (kommune.core.statements): building this update was a tenth of a support.
_COUNT_ONLINE_SUPPORT = Change(Proposal, lambda proposal_pk, now, change: Update(
    Proposal.objects.filter(Proposal.collecting_q(now), pk=proposal_pk),
    {"online_supports": F("online_supports") + change, "total_supports": F("total_supports") + change},
    ("state", "total_supports", "required_supports")))


def _count_online_support(proposal_pk: int, now: datetime, change: int) -> tuple[str, int, int] | None:
    """Add ``change`` to the online supports of the proposal while it collects at ``now``: one statement, which
    takes the proposal's row lock (held to the commit). Returns the state, the total and the threshold after the
    change, or None (nothing changed) when the proposal does not collect."""
    return _COUNT_ONLINE_SUPPORT.returning(proposal_pk=proposal_pk, now=now, change=change)


def _not_collecting(proposal: Proposal, now: datetime) -> Refusal:
    """Why a support or its withdrawal found the proposal closed: read again, as it is now."""
    fresh = Proposal.objects.filter(pk=proposal.pk).first() or proposal
    return collection_refusal(fresh, now) or Refusal("closed", _("This proposal no longer collects supports."))


def _reach_threshold_if_due(proposal: Proposal, now: datetime, *, actor: User, settings_row: ProposalSettings,
                            from_states: Iterable[str]) -> bool:
    """Move the proposal to THRESHOLD_REACHED when its total is at the threshold, once: the conditional update
    decides between parallel writers, and the caller holds the proposal's row lock. ``actor`` (who gave the last
    support or entered the last list) is not named in the activity, only spared the notification. Staff hear about
    it even when they do not follow the proposal (``notify_staff``: looked up at delivery, not under the lock); the
    author follows it since publishing."""
    moved = Proposal.objects.filter(pk=proposal.pk, state__in=list(from_states),
                                    total_supports__gte=F("required_supports")).update(
        state=State.THRESHOLD_REACHED, threshold_reached_at=now, answer_due_at=later(now, settings_row.answer_period),
        expired_at=None, updated_at=now)
    if moved:
        publish(ProposalThresholdReached(proposal.municipality, proposal, actor=actor, scope=proposal,
                                         data={"notify_staff": True}))
    return bool(moved)


def do_support_proposal(*, proposal: Proposal, user: User) -> Support:
    """One online support, counted exactly, under any concurrency.

    Who may support is checked before the transaction, except for a second support: in the transaction, the
    support row comes first, and its unique constraint refuses a second support of the same person (also of a
    parallel request) without a query before. Then the outbox entry of what follows a support
    (kommune.core.events: open-data staleness, the page cache, after the commit and from the outbox), and last
    the counter update, which checks that the proposal still collects and takes its row lock:
    the lock that serialises the supports of one proposal is held for that one statement and the commit. Only the
    one support that brings the total to the threshold does more under the lock: it moves the state (a
    conditional update, so exactly once) and writes the threshold's outbox entry, whose notifications follow from
    the outbox. A proposal found closed by the update rolls the support back."""
    if not getattr(user, "is_authenticated", False):
        raise PermissionDenied
    municipality = proposal.municipality
    settings_row = get_settings(municipality)
    refusal = support_refusal(proposal, user, settings_row=settings_row, duplicate=False)
    if refusal:
        raise refusal.error()
    now = timezone.now()
    with transaction.atomic():
        try:
            support = Support.objects.create(municipality=municipality, proposal=proposal, user=user)
        except IntegrityError:  # a second click, committed first; the whole transaction is rolled back
            raise _already_supports().error() from None
        publish(ProposalSupported(municipality, proposal, actor=user, scope=proposal))
        counted = _count_online_support(proposal.pk, now, +1)
        if counted is None:
            raise _not_collecting(proposal, now).error()
        state, total, required = counted
        if state == State.COLLECTING and total >= required:
            _reach_threshold_if_due(proposal, now, actor=user, settings_row=settings_row,
                                    from_states=(State.COLLECTING,))
    return support


def do_withdraw_support(*, proposal: Proposal, user: User) -> None:
    """Take one's support back while the collection runs. Like a support: the support row first, the counter
    update (which checks the collection and takes the proposal's row lock) last.

    When the total drops below the threshold after the proposal reached it, the proposal stays
    THRESHOLD_REACHED: reaching the threshold started the municipality's duty to answer (and told staff and
    followers so), and that duty must not come and go with single withdrawals."""
    if not getattr(user, "is_authenticated", False):
        raise PermissionDenied
    now = timezone.now()
    closed = ValidationError(_("The collection of supports has ended; a support can no longer be withdrawn."),
                             code="closed")
    with transaction.atomic():
        deleted, _rows = Support.objects.filter(proposal=proposal, user=user).delete()
        if not deleted:
            if not Proposal.objects.filter(Proposal.collecting_q(now), pk=proposal.pk).exists():
                raise closed
            raise ValidationError(_("You do not support this proposal, so there is nothing to withdraw."),
                                  code="no_support")
        publish(ProposalSupportWithdrawn(proposal.municipality, proposal, actor=user, scope=proposal))
        if _count_online_support(proposal.pk, now, -1) is None:
            raise closed


def do_add_signature_list(*, proposal: Proposal, actor: User, count: int, received_on: date,
                          scan: File | None = None,
                          note: str = "") -> SignatureList:
    """Staff enter paper signatures they counted; they add to the total like online supports.

    Lists handed in by the end of the collection count even when they are entered later, also after the
    proposal expired: if they push it over the threshold, it reaches the threshold instead."""
    municipality = proposal.municipality
    _check_manage(actor, municipality)
    errors: dict[str, list] = {}
    if isinstance(count, bool) or not isinstance(count, int) or count < 1:
        errors["count"] = [_("Please enter the number of valid signatures (at least 1).")]
    if not isinstance(received_on, date) or isinstance(received_on, datetime):
        errors["received_on"] = [_("Please enter the day the lists were received.")]
    elif received_on > timezone.localdate():
        errors["received_on"] = [_("The day the lists were received cannot be in the future.")]
    try:
        note = clean_text(note, max_length=300)
    except ValidationError as error:
        errors["note"] = error.messages
    if scan:
        try:
            _check_file(scan, allowed=SCAN_EXTENSIONS, max_size=MAX_SCAN_SIZE)
        except ValidationError as error:
            errors["scan"] = error.messages
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        locked = Proposal.objects.select_for_update().get(pk=proposal.pk)
        if not locked.accepts_signature_lists:
            raise ValidationError(_("Signature lists can only be added to a proposal that collects supports."),
                                  code="closed")
        end = timezone.localdate(locked.collection_ends_at)
        if received_on > end:
            raise ValidationError({"received_on": [
                _("The collection ended on %(end)s; lists received later do not count.")
                % {"end": formats.date_format(end, "DATE_FORMAT")}]}, code="late")
        signature_list = SignatureList.objects.create(municipality=municipality, proposal=locked, count=count,
                                                      received_on=received_on, scan=scan or "", note=note,
                                                      entered_by=actor)
        Proposal.objects.filter(pk=locked.pk).update(paper_supports=F("paper_supports") + count,
                                                     total_supports=F("total_supports") + count)
        log_action(tenant=municipality, actor=actor, action=AuditLogEntry.Action.PROPOSAL_SIGNATURES_ADDED,
                   proposal=locked.pk, count=count, received_on=received_on.isoformat())
        publish(ProposalSignaturesAdded(municipality, locked, actor=actor, scope=locked,
                                        data={"count": count}))
        _reach_threshold_if_due(locked, timezone.now(), actor=actor, settings_row=get_settings(municipality),
                                from_states=(State.COLLECTING, State.EXPIRED))
    return signature_list


# --- Answer and expiry ------------------------------------------------------------------------------------------


def do_answer_proposal(*, proposal: Proposal, actor: User, outcome: str, answer: str, department: str,
                       paper_reference: str = "", paper_url: str = "") -> Proposal:
    """The municipality's official answer to a proposal that reached its threshold. Handing it to the council
    records a referral in core, with the council paper when it is already known (``paper_reference``,
    ``paper_url``; core's do_attach_council_paper adds it later otherwise)."""
    municipality = proposal.municipality
    _check_manage(actor, municipality)
    errors: dict[str, list] = {}
    if outcome not in Proposal.Outcome.values:
        errors["outcome"] = [_("Please choose the outcome.")]
    elif outcome != Proposal.Outcome.COUNCIL:
        for name, value in (("paper_reference", paper_reference), ("paper_url", paper_url)):
            if (value or "").strip():
                errors[name] = [_("A council paper belongs only to the outcome “handed to the council”.")]
    try:
        answer = clean_text(answer, max_length=20_000, required=_("Please write the answer and its reasons."))
    except ValidationError as error:
        errors["answer"] = error.messages
    try:
        department = clean_text(department, max_length=200, required=_("Please name the responsible department."))
    except ValidationError as error:
        errors["department"] = error.messages
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        locked = Proposal.objects.select_for_update().get(pk=proposal.pk)
        if locked.state == State.ANSWERED:
            raise ValidationError(_("This proposal has already been answered."), code="answered")
        if locked.state != State.THRESHOLD_REACHED:
            raise ValidationError(_("Only a proposal that reached its threshold can be answered."),
                                  code="not_reached")
        now = timezone.now()
        locked.state = State.ANSWERED
        locked.outcome = outcome
        locked.answer = answer
        locked.answer_html = render_markdown(answer)
        locked.answer_department = department
        locked.answered_at = now
        locked.answered_by = actor
        locked.save(update_fields=["state", "outcome", "answer", "answer_html", "answer_department", "answered_at",
                                   "answered_by", "updated_at"])
        log_action(tenant=municipality, actor=actor, action=AuditLogEntry.Action.PROPOSAL_ANSWERED,
                   proposal=locked.pk, outcome=outcome, in_time=locked.answered_in_time)
        publish(ProposalAnswered(municipality, locked, actor=actor, scope=locked,
                                 data={"outcome": outcome}))
        if outcome == Proposal.Outcome.COUNCIL:
            # Core checks the paper's reference and address; its ValidationError undoes the whole answer.
            do_refer_to_council(municipality=municipality, source=locked, actor=actor,
                                paper_reference=paper_reference, paper_url=paper_url)
            publish(ProposalReferred(municipality, locked, actor=actor, scope=locked))
    return locked


MAX_UPDATES = 100


def can_add_update(proposal: Proposal, user: User | AnonymousUser) -> bool:
    """For pages: may ``user`` add an update under the answer of ``proposal`` now?"""
    return (proposal.state == State.ANSWERED and getattr(user, "is_authenticated", False)
            and user.has_perm(MANAGE_PERMISSION, proposal.municipality))


def do_add_proposal_update(*, proposal: Proposal, actor: User, kind: str, happened_on: date, title: str,
                           text: str = "") -> ProposalUpdate:
    """A later step under the official answer (the council's decision, the start or end of the implementation), as
    a dated entry of the proposal's timeline. The answer stays as it was published. Its followers are told.

    The day lies between the answer and today: an update tells what happened, not what is planned."""
    municipality = proposal.municipality
    _check_manage(actor, municipality)
    errors: dict[str, list] = {}
    if kind not in ProposalUpdate.Kind.values:
        errors["kind"] = [_("Please choose the kind of update.")]
    if not isinstance(happened_on, date) or isinstance(happened_on, datetime):
        errors["happened_on"] = [_("Please enter the day it happened.")]
    elif happened_on > timezone.localdate():
        errors["happened_on"] = [_("The day cannot be in the future: an update tells what has happened.")]
    try:
        title = clean_text(title, max_length=150, required=_("Please enter a short title, for example “Der Rat "
                                                             "hat zugestimmt”."))
    except ValidationError as error:
        errors["title"] = error.messages
    try:
        text = clean_text(text, max_length=5_000)
    except ValidationError as error:
        errors["text"] = error.messages
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        locked = Proposal.objects.select_for_update().get(pk=proposal.pk)
        if locked.state != State.ANSWERED or locked.answered_at is None:
            raise ValidationError(_("Updates follow the official answer: please answer the proposal first."),
                                  code="not_answered")
        answered_on = timezone.localdate(locked.answered_at)
        if happened_on < answered_on:
            raise ValidationError({"happened_on": [
                _("The day cannot be before the official answer of %(date)s.")
                % {"date": formats.date_format(answered_on, "DATE_FORMAT")}]}, code="before_answer")
        if ProposalUpdate.objects.filter(proposal=locked).count() >= MAX_UPDATES:
            raise ValidationError(_("This proposal has the most updates possible (%(max)d).") % {"max": MAX_UPDATES},
                                  code="too_many")
        update = ProposalUpdate.objects.create(municipality=municipality, proposal=locked, kind=kind,
                                               happened_on=happened_on, title=title, text=text,
                                               text_html=render_markdown(text) if text else "", author=actor)
        Proposal.objects.filter(pk=locked.pk).update(updated_at=timezone.now())
        publish(ProposalUpdateAdded(municipality, locked, actor=actor, scope=locked,
                                    data={"update": update.pk, "kind": kind}))
    return update


def do_expire_due_proposals(*, now: datetime | None = None) -> int:
    """Proposals still collecting at the end of their collection period expire (those that reached the threshold
    wait for their answer instead). One transaction per proposal, so a long run never holds many locks and a
    parallel run cannot expire a proposal twice. Returns how many expired."""
    now = now or timezone.now()
    due = Proposal.objects.filter(state=State.COLLECTING, collection_ends_at__lte=now)
    expired = 0
    last = 0
    while True:
        ids = list(due.filter(pk__gt=last).order_by("pk").values_list("pk", flat=True)[:EXPIRE_BATCH])
        if not ids:
            return expired
        for pk in ids:
            with transaction.atomic():
                if not Proposal.objects.filter(pk=pk, state=State.COLLECTING, collection_ends_at__lte=now).update(
                        state=State.EXPIRED, expired_at=now, updated_at=now):
                    continue
                proposal = Proposal.objects.select_related("municipality").get(pk=pk)
                publish(ProposalExpired(proposal.municipality, proposal, scope=proposal))
                expired += 1
        last = ids[-1]


# --- Privacy ----------------------------------------------------------------------------------------------------


def delete_drafts(user: User) -> None:
    """Account deletion: unpublished drafts were never public and go; published proposals and supports stay
    (they were valid, counted acts), under the deleted account."""
    for draft in Proposal.objects.filter(author=user, state=State.DRAFT):
        files = _stored_files(draft)
        draft.delete()
        transaction.on_commit(partial(_delete_files, files), robust=True)
