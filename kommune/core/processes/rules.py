"""Permissions of the processes app, checked with ``user.has_perm(name, municipality)``."""

import rules

from kommune.core.rules import is_staff

# Create, edit, phase, publish and unpublish processes, manage topics, post news; see unpublished processes.
rules.add_perm("processes.manage", is_staff)
