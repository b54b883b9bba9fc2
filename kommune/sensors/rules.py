"""Permissions of the fine-dust sensors, checked with ``user.has_perm(name, municipality)`` or, for one sensor,
``user.has_perm(name, sensor)``.

Pushing readings needs no permission: the sensor authenticates with its own token (services.record_push).
"""

import rules

from kommune.core.models import Role
from kommune.core.rules import has_confirmed_email, has_role, is_staff


@rules.predicate
def owns_sensor(user, sensor) -> bool:
    return bool(getattr(user, "is_authenticated", False) and getattr(sensor, "owner_id", None) == user.pk)


# Register a sensor: a person with a confirmed account who named the municipality as theirs.
rules.add_perm("sensors.register_sensor",
               has_confirmed_email & has_role(Role.ADMIN, Role.STAFF, Role.MODERATOR, Role.PARTNER, Role.RESIDENT))
# Change, get a new token for, or remove one sensor: its owner.
rules.add_perm("sensors.change_sensor", owns_sensor)
# Remove any sensor of the municipality (a broken or misplaced one): staff.
rules.add_perm("sensors.manage", is_staff)
