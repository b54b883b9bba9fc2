"""Permissions of the co-design of public services, checked with ``user.has_perm(name, municipality)``.

Rating a step needs no permission of its own: everybody with a confirmed account who used the service may rate
it while it is open (services.rating_refusal). Staff describe the services, group the feedback, publish changes
and enter ratings for residents who phoned, came by or wrote.
"""

import rules

from kommune.core.rules import is_staff

rules.add_perm("codesign.manage", is_staff)
