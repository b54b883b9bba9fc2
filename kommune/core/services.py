"""Writes of the core app. Keyword-only, typed, one transaction each, permission checked by the caller's
access helper or here where the rule depends on the data."""

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Model
from django.utils import timezone
from django.utils.translation import gettext as _

from kommune.core.cleaning import control_character_message, refuse_control_characters
from kommune.core.models import (
    AccessibilityFeedback,
    AuditLogEntry,
    CouncilReferral,
    Membership,
    Municipality,
    Organisation,
    Page,
    Role,
)
from kommune.core.richtext import render_markdown
from kommune.core.roles import Tenant, forget_roles
from kommune.core.types import User


def _tenant_fields(tenant: Tenant) -> dict:
    return {"municipality": tenant} if isinstance(tenant, Municipality) else {"lab": tenant}


def log_action(*, tenant: Tenant, actor: User, action: str, subject: User | None = None,
               **details: Any) -> AuditLogEntry:
    return AuditLogEntry.objects.create(**_tenant_fields(tenant), actor=actor, subject=subject, action=action,
                                        details=details)


def do_grant_role(*, tenant: Tenant, actor: User, user: User, role: str,
                  organisation: Organisation | None = None) -> Membership:
    if not actor.has_perm("core.manage_roles", tenant):
        raise PermissionDenied
    if role not in Role.values:
        raise ValidationError(_("Unknown role."))
    if role == Role.PARTNER and organisation is None:
        raise ValidationError(_("A partner belongs to an organisation; please choose one."))
    if user.is_deleted or not user.is_active:
        raise ValidationError(_("This account is deactivated."))
    with transaction.atomic():
        membership, created = Membership.objects.get_or_create(
            user=user, role=role, **_tenant_fields(tenant),
            defaults={"organisation": organisation if role == Role.PARTNER else None},
        )
        if not created:
            raise ValidationError(_("%(person)s already has the role “%(role)s”.")
                                  % {"person": user.display_name, "role": Role(role).label})
        log_action(tenant=tenant, actor=actor, subject=user, action=AuditLogEntry.Action.ROLE_GRANTED, role=role,
                   organisation=organisation.name if organisation else "")
    forget_roles(user)
    return membership


def do_revoke_role(*, tenant: Tenant, actor: User, membership: Membership) -> None:
    if not actor.has_perm("core.manage_roles", tenant):
        raise PermissionDenied
    with transaction.atomic():
        if membership.role == Role.ADMIN and _is_last_admin(tenant, membership):
            raise ValidationError(_("The last administrator cannot be removed. Appoint another one first."))
        log_action(tenant=tenant, actor=actor, subject=membership.user, action=AuditLogEntry.Action.ROLE_REVOKED,
                   role=membership.role)
        membership.delete()
    forget_roles(membership.user)


def _is_last_admin(tenant: Tenant, membership: Membership) -> bool:
    admins = Membership.objects.select_for_update().filter(role=Role.ADMIN, **_tenant_fields(tenant))
    return [m.pk for m in admins] == [membership.pk]


def do_join_municipality(*, user: User, municipality: Municipality) -> Membership:
    """A person names a municipality as their own (the resident role); no verification implied."""
    membership, _created = Membership.objects.get_or_create(user=user, municipality=municipality,
                                                            role=Role.RESIDENT)
    forget_roles(user)
    return membership


def do_update_page(*, municipality: Municipality, actor: User, kind: str, body: str) -> Page:
    if not actor.has_perm("core.edit_pages", municipality):
        raise PermissionDenied
    with transaction.atomic():
        page, _created = Page.objects.select_for_update().get_or_create(municipality=municipality, kind=kind)
        page.body = refuse_control_characters(body)
        page.body_html = render_markdown(body)
        page.updated_by = actor
        page.save()
        log_action(tenant=municipality, actor=actor, action=AuditLogEntry.Action.PAGE_UPDATED, page=kind)
    return page


def do_submit_accessibility_feedback(*, municipality: Municipality, message: str, page_url: str = "",
                                     name: str = "", email: str = "") -> AccessibilityFeedback:
    for text in (message, page_url, name):
        refuse_control_characters(text)
    feedback = AccessibilityFeedback.objects.create(municipality=municipality, message=message, page_url=page_url,
                                                    name=name, email=email)
    subject = _("Accessibility feedback for %(name)s") % {"name": municipality.name}
    body = f"{message}\n\n{_('Page concerned')}: {page_url or '-'}\n{_('Answer to')}: {email or '-'}"
    recipients = feedback_recipients(municipality)
    if recipients:
        transaction.on_commit(lambda: send_mail(subject, body, None, recipients))
    return feedback


def feedback_recipients(municipality: Municipality) -> list[str]:
    """The municipality's contact address, else its administrators and staff; the inbox in the management
    area lists every piece of feedback in any case."""
    if municipality.contact_email:
        return [municipality.contact_email]
    return sorted(set(Membership.objects.filter(municipality=municipality, role__in=[Role.ADMIN, Role.STAFF],
                                                user__is_active=True).values_list("user__email", flat=True)))


def do_mark_feedback_handled(*, feedback: AccessibilityFeedback, actor: User) -> None:
    if not actor.has_perm("core.read_accessibility_feedback", feedback.municipality):
        raise PermissionDenied
    AccessibilityFeedback.objects.filter(pk=feedback.pk, handled_at__isnull=True).update(
        handled_at=timezone.now(), handled_by=actor)


# --- Referrals to the council (the link between a feature and the council feature) ------------------------------


def do_refer_to_council(*, municipality: Municipality, source: Model, actor: User, paper_reference: str = "",
                        paper_url: str = "") -> CouncilReferral:
    """Record that ``source`` (a citizen proposal, later others) was handed to the council. The caller checked
    the right to do so (it is its feature's decision); one referral per source."""
    from django.contrib.contenttypes.models import ContentType

    if getattr(source, "municipality_id", municipality.pk) != municipality.pk:
        raise ValidationError(_("This belongs to another municipality."))
    paper_reference, paper_url = _clean_paper(paper_reference, paper_url)
    content_type = ContentType.objects.get_for_model(source)
    with transaction.atomic():
        if CouncilReferral.objects.filter(source_type=content_type, source_id=source.pk).exists():
            raise ValidationError(_("This has already been handed to the council."))
        return CouncilReferral.objects.create(
            municipality=municipality, source_type=content_type, source_id=source.pk, referred_at=timezone.now(),
            referred_by=actor if getattr(actor, "is_authenticated", False) else None,
            paper_reference=paper_reference, paper_url=paper_url)


def do_attach_council_paper(*, referral: CouncilReferral, paper: Model | None = None, paper_reference: str = "",
                            paper_url: str = "") -> CouncilReferral:
    """Attach the council paper that deals with a referral: an object of the council feature (``paper``), or its
    reference and address noted by hand. Given values replace the old ones; the others stay."""
    from django.contrib.contenttypes.models import ContentType

    paper_reference, paper_url = _clean_paper(paper_reference, paper_url)
    if paper is not None and getattr(paper, "municipality_id", referral.municipality_id) != referral.municipality_id:
        raise ValidationError(_("This council paper belongs to another municipality."))
    with transaction.atomic():
        locked = CouncilReferral.objects.select_for_update().get(pk=referral.pk)
        if paper is not None:
            locked.paper_type = ContentType.objects.get_for_model(paper)
            locked.paper_id = paper.pk
        if paper_reference:
            locked.paper_reference = paper_reference
        if paper_url:
            locked.paper_url = paper_url
        locked.save()
    return locked


def _clean_paper(reference: str, url: str) -> tuple[str, str]:
    from django.core.validators import URLValidator

    reference, url = (reference or "").strip(), (url or "").strip()
    for name, value in (("paper_reference", reference), ("paper_url", url)):
        if message := control_character_message(value):
            raise ValidationError({name: [message]})
    if len(reference) > 100:
        raise ValidationError({"paper_reference": [_("Please shorten the reference to at most 100 characters.")]})
    if url:
        try:
            URLValidator(schemes=["http", "https"])(url)
        except ValidationError:
            raise ValidationError({"paper_url": [_("Please enter a complete web address starting with https://.")]}) \
                from None
    return reference, url
