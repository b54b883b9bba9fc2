"""Permissions of the digital-help network, checked with ``user.has_perm(name, municipality)``, and the two
object rules (who manages a partner, an event) as plain functions, because they look at the object.

- ``inclusion.manage``: staff of the municipality, or an administrator of a lab the municipality belongs to (the
  network can span a lab's municipalities): approve partners, edit every partner and event, see every list.
- ``inclusion.propose_partner``: anyone with a confirmed account proposes a new partner (approved by the above).
- ``inclusion.organise``: staff and partners publish events, see participants, and register a person who
  phoned or came by (assisted, audited); each only for the events they manage.
- A partner is managed by the members of its organisation (a partner membership naming that organisation) and by
  the person who proposed it; an event by whoever manages its place, or by the team for events without a place.
"""

import rules

from kommune.core.models import Membership, Municipality, Role
from kommune.core.rules import has_role, is_staff


@rules.predicate
def is_lab_admin(user, tenant) -> bool:
    if not getattr(user, "is_authenticated", False) or not isinstance(tenant, Municipality):
        return False
    cache: dict = user.__dict__.setdefault("_inclusion_lab_admin", {})
    if tenant.pk not in cache:
        cache[tenant.pk] = Membership.objects.filter(user=user, role=Role.ADMIN,
                                                     lab__municipalities=tenant).exists()
    return cache[tenant.pk]


@rules.predicate
def has_confirmed_email(user, tenant) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.email_confirmed_at and user.is_active)


is_network_admin = is_staff | is_lab_admin

rules.add_perm("inclusion.manage", is_network_admin)
rules.add_perm("inclusion.propose_partner", has_confirmed_email)
rules.add_perm("inclusion.organise", is_network_admin | has_role(Role.PARTNER))


def manages_partner(user, partner) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    if user.has_perm("inclusion.manage", partner.municipality):
        return True
    if partner.submitted_by_id == user.pk:
        return True
    return bool(partner.organisation_id) and Membership.objects.filter(
        user=user, role=Role.PARTNER, organisation_id=partner.organisation_id).exists()


def manages_event(user, bookable) -> bool:
    """May ``user`` edit this event or course and see its participants?"""
    if not getattr(user, "is_authenticated", False):
        return False
    if user.has_perm("inclusion.manage", bookable.municipality):
        return True
    if bookable.created_by_id == user.pk:
        return True
    return bookable.partner is not None and manages_partner(user, bookable.partner)
