"""Permissions of consultations, checked with ``user.has_perm(name, municipality)``. Commenting needs only an
account (the core comments check it); staff create consultations, upload versions and answer the comments."""

import rules

from kommune.core.rules import is_staff

MANAGE = "consultations.manage"

rules.add_perm(MANAGE, is_staff)
