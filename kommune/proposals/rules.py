"""Permissions of citizen proposals, checked with ``user.has_perm(name, municipality)``.

Supporting needs no permission of its own: who may support is a setting of the municipality (everyone with a
confirmed account, or verified residents, with a minimum age), checked by services.do_support_proposal.
"""

import rules

from kommune.core.models import Role
from kommune.core.rules import has_confirmed_email, has_role, is_staff

# Write and publish a proposal: a person with a confirmed account who named the municipality as theirs (any role
# in it; registration and the "my municipality" page give the resident role).
rules.add_perm("proposals.create_proposal",
               has_confirmed_email & has_role(Role.ADMIN, Role.STAFF, Role.MODERATOR, Role.PARTNER, Role.RESIDENT))
# Settings, categories, paper signature lists, the official answer.
rules.add_perm("proposals.manage", is_staff)
