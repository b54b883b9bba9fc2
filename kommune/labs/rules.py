"""Permissions of the lab workspace, checked with ``user.has_perm(name, lab)``.

- ``labs.view_internal``: the lab's members (admins, staff, moderators and partners with a role in the lab) see
  the lab-internal items. Nobody else does: not residents, not staff of a member municipality without a lab
  role, not staff of another municipality.
- ``labs.contribute``: the same members work on sub-projects: create and edit them, tasks, meeting notes,
  documents, links, responsible people, and choose each item's visibility.
- ``labs.manage``: the lab's admins and staff publish the lab's news and dates.
"""

import rules

from kommune.core.models import Role
from kommune.core.rules import has_role, is_staff

is_lab_member = has_role(Role.ADMIN, Role.STAFF, Role.MODERATOR, Role.PARTNER)

rules.add_perm("labs.view_internal", is_lab_member)
rules.add_perm("labs.contribute", is_lab_member)
rules.add_perm("labs.manage", is_staff)
