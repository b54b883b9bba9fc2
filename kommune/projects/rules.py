"""Permissions of the Vorhabenliste, checked with ``user.has_perm(name, municipality)``.

Reading is public. Staff of the municipality (and its administrators, who are staff by kommune.core.rules.is_staff)
create and edit projects, change their status, add milestones, funding and links.
"""

import rules

from kommune.core.rules import is_staff

rules.add_perm("projects.manage", is_staff)
