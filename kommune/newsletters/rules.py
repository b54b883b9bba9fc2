"""Permissions of the newsletters, checked with ``user.has_perm(name, municipality)``.

- ``newsletters.write``: write and edit drafts, see the subscriber counts, enter a person who phoned (assisted,
  audited). Staff of the municipality, partners (members of a partner organisation: the digital-help places
  write about their courses), and the admins and staff of a lab the municipality belongs to.
- ``newsletters.send``: send an issue to the subscribers, and feed bounces. Staff of the municipality and of its
  labs: a partner's draft goes out after the municipality looked at it.
"""

import rules

from kommune.core.models import Lab, Municipality, Role
from kommune.core.rules import has_role, is_staff


@rules.predicate
def is_staff_of_a_lab_of(user, tenant) -> bool:
    """Admins and staff of a lab that joins this municipality (the network spans the lab's municipalities)."""
    if not isinstance(tenant, Municipality) or not getattr(user, "is_authenticated", False):
        return False
    return Lab.objects.filter(municipalities=tenant, memberships__user=user,
                              memberships__role__in=[Role.ADMIN, Role.STAFF]).exists()


rules.add_perm("newsletters.write", is_staff | has_role(Role.PARTNER) | is_staff_of_a_lab_of)
rules.add_perm("newsletters.send", is_staff | is_staff_of_a_lab_of)
