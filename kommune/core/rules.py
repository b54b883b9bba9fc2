"""Permissions of the core app, checked with ``user.has_perm(name, municipality_or_lab)``.

Every permission of the app is declared here, so the role matrix can be read in one place and tested
as a whole (tests/test_permissions.py).
"""

import rules

from kommune.core.models import Role
from kommune.core.roles import roles_in


def has_role(*names: str) -> rules.Predicate:
    wanted = frozenset(names)

    @rules.predicate(name=f"has_role({', '.join(names)})")
    def predicate(user, tenant) -> bool:
        return bool(roles_in(user, tenant) & wanted)

    return predicate


is_admin = has_role(Role.ADMIN)
is_staff = has_role(Role.ADMIN, Role.STAFF)
is_team = has_role(Role.ADMIN, Role.STAFF, Role.MODERATOR)
# Staff and partners (a meeting place of the digital-help network) enter contributions for residents.
is_assisting = has_role(Role.ADMIN, Role.STAFF, Role.PARTNER)

rules.add_perm("core.view_management", is_team)
rules.add_perm("core.manage_roles", is_admin)
rules.add_perm("core.view_audit_log", is_admin)
rules.add_perm("core.edit_pages", is_staff)
rules.add_perm("core.read_accessibility_feedback", is_staff)
rules.add_perm("core.enter_assisted", is_assisting)
rules.add_perm("core.view_assisted_log", is_staff)


@rules.predicate
def has_confirmed_email(user, tenant) -> bool:
    """An active account whose e-mail address is confirmed (what writing, adopting or reporting needs)."""
    return bool(getattr(user, "is_authenticated", False) and user.email_confirmed_at and user.is_active)
