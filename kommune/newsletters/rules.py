"""Permissions of the newsletters, checked with ``user.has_perm(name, municipality)``.

- ``newsletters.write``: write and edit drafts, see the subscriber counts, enter a person who phoned (assisted,
  audited). Staff of the municipality and partners (members of a partner organisation: the digital-help places
  write about their courses).
- ``newsletters.send``: send an issue to the subscribers, add districts and feed bounces. Staff of the
  municipality: a partner's draft goes out after the municipality looked at it.

Like every role of a lab, the lab's admins and staff hold these on the lab, and a lab role gives nothing on the
pages of the lab's municipalities (tests/test_permissions.py); the newsletters have no lab pages yet.
"""

import rules

from kommune.core.models import Role
from kommune.core.rules import has_role, is_staff

rules.add_perm("newsletters.write", is_staff | has_role(Role.PARTNER))
rules.add_perm("newsletters.send", is_staff)
