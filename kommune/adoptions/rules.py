"""Permissions of adoptions, checked with ``user.has_perm(name, municipality)``.

Adopting needs a confirmed account that named the municipality as its own (any role in it); recording care is
for the adopter of the running adoption (checked by the services). Staff map the assets and enter adoptions
for people who phoned or came by.
"""

import rules

from kommune.core.models import Role
from kommune.core.rules import has_confirmed_email, has_role, is_assisting, is_staff

rules.add_perm("adoptions.adopt",
               has_confirmed_email & has_role(Role.ADMIN, Role.STAFF, Role.MODERATOR, Role.PARTNER, Role.RESIDENT))
rules.add_perm("adoptions.manage", is_staff)
rules.add_perm("adoptions.enter_assisted", is_assisting)
