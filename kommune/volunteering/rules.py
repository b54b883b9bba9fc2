"""Permissions of the volunteer projects, checked with ``user.has_perm(name, municipality)`` (or a lab), and the
object rule (who organises a project) as a plain function, because it looks at the project.

- ``volunteering.manage``: admins and staff of the municipality: every project, every list. Held in a lab by its
  admins and staff, it lets them publish projects for the lab in the lab's municipalities.
- ``volunteering.organise``: staff and partners publish projects (partners for their organisation), and so do
  the admins and staff of a lab that joins the municipality (for the lab); they see the lists of their projects,
  enter sign-ups for people who phoned (audited) and confirm who took part.
- Signing up needs no permission: a logged-in person (the service checks the shift).
"""

import rules

from kommune.core.models import Lab, Membership, Municipality, Role
from kommune.core.rules import has_role, is_staff


@rules.predicate
def is_team_of_one_of_its_labs(user, tenant) -> bool:
    """On a municipality: the person is admin or staff of a lab that joins it (the lab publishes projects there)."""
    if not isinstance(tenant, Municipality) or not getattr(user, "is_authenticated", False):
        return False
    return Membership.objects.filter(user=user, lab__municipalities=tenant,
                                     role__in=[Role.ADMIN, Role.STAFF]).exists()


rules.add_perm("volunteering.manage", is_staff)
rules.add_perm("volunteering.organise", is_staff | has_role(Role.PARTNER) | is_team_of_one_of_its_labs)


def _authenticated(user) -> bool:
    return bool(getattr(user, "is_authenticated", False))


def labs_managed_by(user, municipality: Municipality):
    """The labs of ``municipality`` in which ``user`` holds volunteering.manage."""
    if not _authenticated(user):
        return Lab.objects.none()
    labs = Lab.objects.filter(municipalities=municipality, memberships__user=user).distinct()
    return Lab.objects.filter(pk__in=[lab.pk for lab in labs if user.has_perm("volunteering.manage", lab)])


def may_publish(user, municipality: Municipality) -> bool:
    """May ``user`` publish a volunteer project in ``municipality`` (staff, a partner, or a lab's team)?"""
    if not _authenticated(user):
        return False
    return user.has_perm("volunteering.organise", municipality)


def organises(user, project) -> bool:
    """May ``user`` change this project, see its lists and confirm attendance?"""
    if not _authenticated(user):
        return False
    if user.has_perm("volunteering.manage", project.municipality):
        return True
    if project.created_by_id == user.pk:
        return True
    if project.lab_id and user.has_perm("volunteering.manage", project.lab):
        return True
    return bool(project.organisation_id) and Membership.objects.filter(
        user=user, role=Role.PARTNER, organisation_id=project.organisation_id).exists()
