"""Permissions of the accounts app (see kommune/core/rules.py for the pattern)."""

import rules

from kommune.core.rules import is_staff

rules.add_perm("accounts.verify_residents", is_staff)
rules.add_perm("accounts.manage_letter_codes", is_staff)
