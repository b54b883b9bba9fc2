"""Permissions of the comments. Writing a comment needs only an account (checked by the services); these are
the roles' extra rights."""

import rules

from kommune.core.rules import is_assisting

# Enter a comment that a resident gave by phone, by letter or at an event (staff and partners).
rules.add_perm("comments.enter_assisted", is_assisting)
