"""Permissions of the moderation."""

import rules

from kommune.core.rules import is_staff, is_team

# Read reports, hide and show contributions, block people, answer reports.
rules.add_perm("moderation.moderate", is_team)
rules.add_perm("moderation.edit_netiquette", is_staff)
