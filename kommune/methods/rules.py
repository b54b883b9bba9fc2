"""Permissions of the methods library, checked with ``user.has_perm(name, tenant)`` (a municipality or a lab).

- ``methods.write``: staff write methods in the name of their municipality or lab and edit them, and tag their
  municipality's participation processes with the methods they used.
- ``methods.reuse``: staff publish their municipality's setups as templates and copy templates (of any
  municipality) into their own.
"""

import rules

from kommune.core.rules import is_staff

rules.add_perm("methods.write", is_staff)
rules.add_perm("methods.reuse", is_staff)
