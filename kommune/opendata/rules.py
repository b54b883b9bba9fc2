"""Permissions of the open-data app, checked with ``user.has_perm(name, municipality)``."""

import rules

from kommune.core.rules import is_staff

# Create, edit, publish, withdraw and delete datasets, upload and remove their resources; see unpublished ones.
rules.add_perm("opendata.manage_datasets", is_staff)
