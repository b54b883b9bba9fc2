"""Permissions of the volunteer projects, checked with ``user.has_perm(name, municipality)`` (or a lab), and the
object rule (who organises a project) as a plain function, because it looks at the project.

- ``volunteering.manage``: admins and staff of the municipality: every project, every list. Held in a lab by its
  admins and staff, it lets them publish projects for the lab in the lab's municipalities.
- ``volunteering.organise``: staff and partners publish projects (partners for their organisation; staff also
  for a lab that joins the municipality), see the lists of their projects, enter sign-ups for people who phoned
  (audited) and confirm who took part. A lab role gives nothing on a municipality's pages (as everywhere); the
  services also accept the admins and staff of a lab that joins the municipality as publishers for the lab.
- Signing up needs no permission: a logged-in person (the service checks the shift).
"""

import rules

from kommune.core.models import Lab, Membership, Municipality, Role
from kommune.core.rules import has_role, is_staff

rules.add_perm("volunteering.manage", is_staff)
rules.add_perm("volunteering.organise", is_staff | has_role(Role.PARTNER))


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
    return user.has_perm("volunteering.organise", municipality) or labs_managed_by(user, municipality).exists()


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
