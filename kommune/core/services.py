"""Writes of the core app. Keyword-only, typed, one transaction each, permission checked by the caller's
access helper or here where the rule depends on the data."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kommune.core.models import AccessibilityFeedback, AuditLogEntry, Lab, Membership, Municipality, Organisation, Page, Role
from kommune.core.richtext import render_markdown
from kommune.core.roles import Tenant, forget_roles


def _tenant_fields(tenant: Tenant) -> dict:
    return {"municipality": tenant} if isinstance(tenant, Municipality) else {"lab": tenant}


def log_action(*, tenant: Tenant, actor, action: str, subject=None, **details) -> AuditLogEntry:
    return AuditLogEntry.objects.create(**_tenant_fields(tenant), actor=actor, subject=subject, action=action,
                                        details=details)


def do_grant_role(*, tenant: Tenant, actor, user, role: str, organisation: Organisation | None = None) -> Membership:
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


def do_revoke_role(*, tenant: Tenant, actor, membership: Membership) -> None:
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


def do_join_municipality(*, user, municipality: Municipality) -> Membership:
    """A person names a municipality as their own (the resident role); no verification implied."""
    membership, _created = Membership.objects.get_or_create(user=user, municipality=municipality,
                                                            role=Role.RESIDENT)
    forget_roles(user)
    return membership


def do_update_page(*, municipality: Municipality, actor, kind: str, body: str) -> Page:
    if not actor.has_perm("core.edit_pages", municipality):
        raise PermissionDenied
    with transaction.atomic():
        page, _created = Page.objects.select_for_update().get_or_create(municipality=municipality, kind=kind)
        page.body = body
        page.body_html = render_markdown(body)
        page.updated_by = actor
        page.save()
        log_action(tenant=municipality, actor=actor, action=AuditLogEntry.Action.PAGE_UPDATED, page=kind)
    return page


def do_submit_accessibility_feedback(*, municipality: Municipality, message: str, page_url: str = "",
                                     name: str = "", email: str = "") -> AccessibilityFeedback:
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


def do_mark_feedback_handled(*, feedback: AccessibilityFeedback, actor) -> None:
    if not actor.has_perm("core.read_accessibility_feedback", feedback.municipality):
        raise PermissionDenied
    AccessibilityFeedback.objects.filter(pk=feedback.pk, handled_at__isnull=True).update(
        handled_at=timezone.now(), handled_by=actor)
