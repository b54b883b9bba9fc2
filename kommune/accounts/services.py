"""Writes concerning people: registration, confirmation, residency, privacy. Keyword-only, one transaction each."""

import secrets
from datetime import date, datetime

from django.conf import settings
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, gettext_noop

from kommune.accounts.models import LetterCode, LetterCodeBatch, Residency, User
from kommune.core.cleaning import refuse_control_characters
from kommune.core.models import AuditLogEntry, Membership, Municipality, Role
from kommune.core.privacy import run_anonymisers
from kommune.core.services import do_join_municipality, log_action

CONFIRMATION_SALT = "kommune.accounts.confirm-email"
# No 0/O, 1/I/L: codes are typed from paper.
LETTER_CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
LETTER_CODE_LENGTH = 12
MAX_LETTER_CODES_PER_BATCH = 5000
CODE_ALREADY_USED = gettext_lazy("This code has already been used. Each code works once; please contact your "
                                 "municipality if you did not use it yourself.")


class ConfirmationError(Exception):
    def __init__(self, message: str, *, expired: bool = False) -> None:
        super().__init__(message)
        self.expired = expired


def _send(*, to: str, subject: str, template: str, context: dict, language: str) -> None:
    with translation.override(language):
        body = render_to_string(template, {"site_url": settings.SITE_URL, **context})
        send_mail(_(subject), body, None, [to])


def confirmation_token(user: User) -> str:
    return signing.dumps({"id": user.pk, "email": user.email}, salt=CONFIRMATION_SALT)


def send_confirmation_email(user: User) -> None:
    link = settings.SITE_URL + reverse("accounts:confirm", kwargs={"token": confirmation_token(user)})
    days = settings.EMAIL_CONFIRMATION_MAX_AGE.days
    _send(to=user.email, subject=gettext_noop("Please confirm your e-mail address"),
          template="accounts/email/confirm.txt",
          context={"user": user, "link": link, "days": days}, language=user.language)


def do_register(*, email: str, password: str, display_name: str, language: str,
                municipality: Municipality | None = None) -> User | None:
    """Create an unconfirmed account and mail the confirmation link.

    For an address that already has an account nothing is created and its owner gets a hint by e-mail
    instead, so that the form does not reveal who is registered. Returns None in that case."""
    email = email.strip().lower()
    display_name = refuse_control_characters(display_name.strip())
    try:
        with transaction.atomic():
            user = User.objects.create_user(email=email, password=password, display_name=display_name,
                                            language=language)
            if municipality is not None:
                do_join_municipality(user=user, municipality=municipality)
    except IntegrityError:
        existing = User.objects.get(email=email)
        transaction.on_commit(lambda: _send(
            to=existing.email, subject=gettext_noop("You already have an account"),
            template="accounts/email/already_registered.txt",
            context={"user": existing, "login": settings.SITE_URL + reverse("accounts:login"),
                     "reset": settings.SITE_URL + reverse("accounts:password_reset")},
            language=existing.language))
        return None
    transaction.on_commit(lambda: send_confirmation_email(user))
    return user


def do_confirm_email(*, token: str) -> User:
    max_age = settings.EMAIL_CONFIRMATION_MAX_AGE
    try:
        data = signing.loads(token, salt=CONFIRMATION_SALT, max_age=max_age)
    except signing.SignatureExpired:
        raise ConfirmationError(_("This confirmation link has expired. Enter your e-mail address to get a new one."),
                                expired=True) from None
    except signing.BadSignature:
        raise ConfirmationError(_("This confirmation link is not valid. Please copy the whole link from the "
                                  "e-mail, or ask for a new one.")) from None
    user = User.objects.filter(pk=data["id"], email=data["email"], deleted_at__isnull=True).first()
    if user is None:
        raise ConfirmationError(_("This confirmation link belongs to no account."))
    if user.email_confirmed_at is None:
        User.objects.filter(pk=user.pk, email_confirmed_at__isnull=True).update(email_confirmed_at=timezone.now())
        user.refresh_from_db(fields=["email_confirmed_at"])
    return user


def do_resend_confirmation(*, email: str) -> None:
    user = User.objects.filter(email=email.strip().lower(), email_confirmed_at__isnull=True,
                               deleted_at__isnull=True).first()
    if user is not None:
        send_confirmation_email(user)


def clean_birth_date(value: date | None) -> date | None:
    """A plausible date of birth (needed where a minimum age applies, e.g. to support citizen proposals)."""
    if value is None:
        return None
    if value > timezone.localdate():
        raise ValidationError(_("The date of birth cannot be in the future."), code="birth_date_future")
    if value.year < 1900:
        raise ValidationError(_("Please check the date of birth; the year seems wrong."), code="birth_date_past")
    return value


def do_update_profile(*, user: User, display_name: str, real_name: str, language: str,
                      birth_date: date | None = None, public_profile: bool | None = None) -> None:
    """``public_profile=None`` keeps the setting. Turning the public page off ends the follows of the person:
    they followed the page."""
    from kommune.core.notifications.followables import content_type_id
    from kommune.core.notifications.models import Follow

    user.display_name = refuse_control_characters(display_name.strip())
    user.real_name = refuse_control_characters(real_name.strip())
    user.language = language
    user.birth_date = clean_birth_date(birth_date)
    ends_follows = public_profile is False and user.public_profile
    if public_profile is not None:
        user.public_profile = public_profile
    with transaction.atomic():
        user.save(update_fields=["display_name", "real_name", "language", "birth_date", "public_profile"])
        if ends_follows:
            Follow.objects.filter(content_type_id=content_type_id(user), object_id=user.pk).delete()


def last_admin_tenants(user: User) -> list[str]:
    """Names of the municipalities and labs whose only administrator ``user`` is."""
    names = []
    for m in Membership.objects.filter(user=user, role=Role.ADMIN).select_related("municipality", "lab"):
        tenant = {"municipality": m.municipality} if m.municipality_id else {"lab": m.lab}
        if not Membership.objects.filter(role=Role.ADMIN, **tenant).exclude(user=user).exists():
            names.append(str(m.municipality or m.lab))
    return names


def do_delete_account(*, user: User) -> None:
    """Remove everything personal; public contributions stay, shown under "deleted account"."""
    blocking = last_admin_tenants(user)
    if blocking:
        raise ValidationError(_("You are the only administrator of %(names)s. Appoint another administrator "
                                "before you delete your account.") % {"names": ", ".join(blocking)})
    with transaction.atomic():
        run_anonymisers(user)
        user.residencies.all().delete()
        user.email = f"deleted-{user.pk}@invalid"
        user.display_name = ""
        user.real_name = ""
        user.birth_date = None
        user.set_unusable_password()
        user.is_active = False
        user.is_staff = False
        user.is_superuser = False
        user.deleted_at = timezone.now()
        user.save()


# --- Residency ---------------------------------------------------------------------------------------------


def do_verify_at_counter(*, municipality: Municipality, actor: User, user: User,
                         birth_date: date | None = None) -> Residency:
    """Staff saw the person's identity document; they may note the date of birth from it as well."""
    if not actor.has_perm("accounts.verify_residents", municipality):
        raise PermissionDenied
    if user.is_deleted or not user.is_active:
        raise ValidationError(_("This account is deactivated."))
    birth_date = clean_birth_date(birth_date)
    with transaction.atomic():
        residency, created = Residency.objects.get_or_create(
            user=user, municipality=municipality,
            defaults={"method": Residency.Method.COUNTER, "verified_by": actor})
        if not created:
            raise ValidationError(_("%(person)s is already verified as a resident of %(name)s.")
                                  % {"person": user.display_name, "name": municipality.name})
        do_join_municipality(user=user, municipality=municipality)
        if birth_date is not None:
            user.birth_date = birth_date
            user.save(update_fields=["birth_date"])
        log_action(tenant=municipality, actor=actor, subject=user, action=AuditLogEntry.Action.RESIDENT_VERIFIED,
                   birth_date_recorded=birth_date is not None)
    return residency


def _new_code() -> str:
    return "".join(secrets.choice(LETTER_CODE_ALPHABET) for _ in range(LETTER_CODE_LENGTH))


def do_create_letter_codes(*, municipality: Municipality, actor: User, count: int, expires_at: datetime,
                           note: str = "") -> LetterCodeBatch:
    if not actor.has_perm("accounts.manage_letter_codes", municipality):
        raise PermissionDenied
    if not 1 <= count <= MAX_LETTER_CODES_PER_BATCH:
        raise ValidationError(_("Choose between 1 and %(max)d codes.") % {"max": MAX_LETTER_CODES_PER_BATCH})
    if expires_at <= timezone.now():
        raise ValidationError(_("The expiry date must lie in the future."))
    with transaction.atomic():
        batch = LetterCodeBatch.objects.create(municipality=municipality, note=refuse_control_characters(note),
                                               expires_at=expires_at, created_by=actor)
        codes = {_new_code() for _ in range(count)}
        while len(codes) < count:
            codes.add(_new_code())
        LetterCode.objects.bulk_create(LetterCode(batch=batch, municipality=municipality, code=c) for c in codes)
        log_action(tenant=municipality, actor=actor, action=AuditLogEntry.Action.LETTER_CODES_CREATED,
                   count=count, batch=batch.pk)
    return batch


def normalise_letter_code(raw: str) -> str:
    return "".join(ch for ch in raw.upper() if ch.isalnum())


def do_redeem_letter_code(*, user: User, code: str) -> Residency:
    """Verify ``user`` as a resident with a one-time code from a letter. Safe against two people racing
    for the same code: the conditional update lets exactly one of them win."""
    normalised = normalise_letter_code(code)
    letter_code = LetterCode.objects.select_related("batch", "municipality").filter(code=normalised).first()
    if letter_code is None:
        raise ValidationError(_("This code is not known. Please check it against your letter; the letters "
                                "O, I and L do not occur in codes."))
    if letter_code.used_at is not None:
        raise ValidationError(CODE_ALREADY_USED)
    if letter_code.batch.expires_at <= timezone.now():
        raise ValidationError(_("This code expired on %(date)s. Please ask your municipality for a new one.")
                              % {"date": timezone.localtime(letter_code.batch.expires_at).strftime("%d.%m.%Y")})
    municipality = letter_code.municipality
    if Residency.objects.filter(user=user, municipality=municipality).exists():
        raise ValidationError(_("You are already verified as a resident of %(name)s.") % {"name": municipality.name})
    with transaction.atomic():
        claimed = LetterCode.objects.filter(Q(pk=letter_code.pk) & Q(used_at__isnull=True)).update(
            used_at=timezone.now(), used_by=user)
        if not claimed:
            raise ValidationError(CODE_ALREADY_USED)
        residency = Residency.objects.create(user=user, municipality=municipality,
                                             method=Residency.Method.LETTER_CODE)
        do_join_municipality(user=user, municipality=municipality)
        log_action(tenant=municipality, actor=user, subject=user, action=AuditLogEntry.Action.LETTER_CODE_REDEEMED,
                   batch=letter_code.batch_id)
    return residency
