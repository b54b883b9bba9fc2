"""Permissions of issue reports, checked with ``user.has_perm(name, municipality)``."""

import rules

from kommune.core.rules import has_confirmed_email, is_staff

# Anybody with a confirmed account may report a problem in any municipality (people report where they pass by).
rules.add_perm("reports.create_report", has_confirmed_email)
# Route, change the status, merge duplicates, settings, categories, Open311 keys, assisted entry.
rules.add_perm("reports.manage", is_staff)
