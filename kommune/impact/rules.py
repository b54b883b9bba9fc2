"""Permissions of impact models, checked with ``user.has_perm(name, municipality)``: staff describe the models,
enter values and publish them; everyone reads the public ones, staff also the internal ones."""

import rules

from kommune.core.rules import is_staff

rules.add_perm("impact.manage", is_staff)
