"""Permissions of the openness self-assessment and the annual report, checked with
``user.has_perm(name, municipality_or_lab)``.

- ``openness.assess``: the team (admins, staff, moderators) answers the self-assessment and reads its result; in a
  lab, the lab's team reads the comparison of the members that shared their result.
- ``openness.manage``: admins and staff open and close rounds, decide whether the labs may compare the result,
  and publish the annual report (of the municipality, or in a lab the lab's).
The published reports are public.
"""

import rules

from kommune.core.rules import is_staff, is_team

rules.add_perm("openness.assess", is_team)
rules.add_perm("openness.manage", is_staff)
