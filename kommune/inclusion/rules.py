"""Permissions of the digital-help network, checked with ``user.has_perm(name, municipality)``, and the two
object rules (who manages a partner, an event) as plain functions, because they look at the object.

- ``inclusion.manage``: staff of the municipality: approve partners, edit every partner and event, see every list.
  Held in a lab by its admins and staff, it lets them approve the partners of all the lab's municipalities on the
  lab's page (the network can span a lab's municipalities); like every lab role, it gives nothing on the
  municipalities' own pages.
- ``inclusion.propose_partner``: a person with a confirmed account who named the municipality as theirs (any role)
  proposes a new partner (approved by the above).
- ``inclusion.organise``: staff and partners publish events, see participants, and register a person who
  phoned or came by (assisted, audited); each only for the events they manage.
- A partner is managed by the members of its organisation (a partner membership naming that organisation) and by
  the person who proposed it; an event by whoever manages its place, or by the team for events without a place.
"""

import rules

from kommune.core.models import Lab, Membership, Role
from kommune.core.rules import has_confirmed_email, has_role, is_staff

rules.add_perm("inclusion.manage", is_staff)
rules.add_perm("inclusion.propose_partner",
               has_confirmed_email & has_role(Role.ADMIN, Role.STAFF, Role.MODERATOR, Role.PARTNER, Role.RESIDENT))
rules.add_perm("inclusion.organise", is_staff | has_role(Role.PARTNER))


def decides_partner(user, partner) -> bool:
    """The municipality's staff, or the admins and staff of a lab the municipality belongs to."""
    if not getattr(user, "is_authenticated", False):
        return False
    if user.has_perm("inclusion.manage", partner.municipality):
        return True
    return any(user.has_perm("inclusion.manage", lab) for lab in Lab.objects.filter(
        municipalities=partner.municipality_id, memberships__user=user).distinct())


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
