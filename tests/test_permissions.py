"""The role matrix: every declared permission × every role, against a municipality and against a lab.

The table is the specification. A permission added to a rules.py without a row here fails
test_the_table_lists_every_declared_permission, so every new permission gets its roles decided explicitly.
"""

import pytest
import rules.permissions
from django.contrib.auth.models import AnonymousUser

from kommune.core.models import Role
from kommune.core.roles import forget_roles
from tests.factories import LabFactory, MembershipFactory, OrganisationFactory, UserFactory

ROLES = ["admin", "staff", "moderator", "partner", "resident", "none"]
A, S, M, P, R, N = ROLES

# permission -> the roles that hold it (in a municipality and in a lab alike)
MATRIX: dict[str, set[str]] = {
    "core.view_management": {A, S, M},
    "core.manage_roles": {A},
    "core.view_audit_log": {A},
    "core.edit_pages": {A, S},
    "core.read_accessibility_feedback": {A, S},
    # Assisted entry: staff and partners enter for residents; staff see everyone's entries, partners their own.
    "core.enter_assisted": {A, S, P},
    "core.view_assisted_log": {A, S},
    "accounts.verify_residents": {A, S},
    "accounts.manage_letter_codes": {A, S},
    "processes.manage": {A, S},
    "comments.enter_assisted": {A, S, P},
    "moderation.moderate": {A, S, M},
    "moderation.edit_netiquette": {A, S},
    # Writing a proposal needs a confirmed account and the municipality as one's own (any role); supporting needs
    # no permission (the municipality's settings decide, in the service).
    "proposals.create_proposal": {A, S, M, P, R},
    "proposals.manage": {A, S},
    "opendata.manage_datasets": {A, S},
    # Digital help (kommune/inclusion): approving places, proposing one (confirmed account, any role), organising.
    "inclusion.manage": {A, S},
    "inclusion.propose_partner": {A, S, M, P, R},
    "inclusion.organise": {A, S, P},
    "council.attach_paper": {A, S},
    "projects.manage": {A, S},
    "consultations.manage": {A, S},
    "surveys.manage": {A, S},
    # Adopting green and registering a sensor: a confirmed account that named the municipality as its own.
    "adoptions.adopt": {A, S, M, P, R},
    "adoptions.manage": {A, S},
    "adoptions.enter_assisted": {A, S, P},
    "sensors.register_sensor": {A, S, M, P, R},
    "sensors.manage": {A, S},
    "reports.manage": {A, S},
    # Newsletters (kommune/newsletters): partners write drafts, staff send them.
    "newsletters.write": {A, S, P},
    "newsletters.send": {A, S},
    # Volunteer projects (kommune/volunteering): staff manage all; staff and partners organise (and the team of a
    # lab that joins the municipality, tested in tests/test_volunteering_services.py); signing up needs none.
    "volunteering.manage": {A, S},
    "volunteering.organise": {A, S, P},
    # Co-designing public services: staff describe services, group feedback, publish changes, enter ratings for
    # residents who phoned; rating needs no permission (a confirmed account, while the service is open).
    "codesign.manage": {A, S},
    # The lab workspace (kommune/labs), asked of a lab: its members see internal items and work on sub-projects;
    # its admins and staff publish news and dates.
    "labs.view_internal": {A, S, M, P},
    "labs.contribute": {A, S, M, P},
    "labs.manage": {A, S},
    # The methods library (kommune/methods): writing methods and tagging processes; publishing and copying templates.
    "methods.write": {A, S},
    "methods.reuse": {A, S},
    # Impact models (kommune/impact): staff describe them, enter values and measure.
    "impact.manage": {A, S},
    # Openness (kommune/openness): the team answers the self-assessment and reads its result; staff open and close
    # rounds, give the consent to compare in the labs and publish the annual report.
    "openness.assess": {A, S, M},
    "openness.manage": {A, S},
}


def _person_with(role: str, *, municipality=None, lab=None):
    user = UserFactory()
    if role != N:
        organisation = None
        if role == Role.PARTNER:
            organisation = OrganisationFactory(municipality=municipality or lab.municipalities.first())
        MembershipFactory(user=user, municipality=municipality, lab=lab, role=role, organisation=organisation)
    return user


def test_the_table_knows_every_role():
    assert set(Role.values) | {N} == set(ROLES), "a role was added or renamed: extend ROLES and MATRIX"


# Permissions that no role in a tenant gives, and why (tested on their own below).
NOT_ROLE_BASED = {
    "reports.create_report": "anybody with a confirmed account reports where they pass by, in any municipality",
    "sensors.change_sensor": "asked of one sensor: its owner",
}


def test_the_table_lists_every_declared_permission():
    declared = set(rules.permissions.permissions)
    listed = set(MATRIX) | set(NOT_ROLE_BASED)
    assert not declared - listed, f"permissions without a row in MATRIX: {sorted(declared - listed)}"
    assert not listed - declared, f"rows for permissions nobody declares: {sorted(listed - declared)}"


@pytest.mark.django_db
def test_a_confirmed_account_reports_anywhere_and_only_the_owner_changes_a_sensor(musterstadt, anderstadt, dave):
    from kommune.sensors.models import Sensor

    assert dave.has_perm("reports.create_report", musterstadt)
    assert not AnonymousUser().has_perm("reports.create_report", musterstadt)
    assert not UserFactory(email_confirmed_at=None).has_perm("reports.create_report", musterstadt)
    sensor = Sensor(municipality=musterstadt, owner=dave)
    assert dave.has_perm("sensors.change_sensor", sensor)
    assert not UserFactory().has_perm("sensors.change_sensor", sensor)
    assert not dave.has_perm("sensors.change_sensor", musterstadt)


def _mismatches(user, tenant, role: str) -> list[str]:
    wrong = []
    for permission, holders in MATRIX.items():
        expected = role in holders
        if user.has_perm(permission, tenant) is not expected:
            wrong.append(f"{role} {'should' if expected else 'should not'} have {permission}")
    return wrong


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_role_in_a_municipality(role, musterstadt):
    user = _person_with(role, municipality=musterstadt)
    assert not _mismatches(user, musterstadt, role)


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_role_in_a_lab(role, musterstadt):
    lab = LabFactory()
    lab.municipalities.add(musterstadt)
    user = _person_with(role, lab=lab)
    assert not _mismatches(user, lab, role)


@pytest.mark.django_db
def test_nobody_holds_a_permission_without_a_tenant_or_anonymously(erin, musterstadt):
    for permission in MATRIX:
        assert not erin.has_perm(permission), permission  # no tenant given: no object permission
        assert not AnonymousUser().has_perm(permission, musterstadt), permission


@pytest.mark.django_db
def test_roles_do_not_cross_tenants(musterstadt, anderstadt, dave, erin):
    lab = LabFactory()
    lab.municipalities.add(musterstadt)
    for permission in MATRIX:
        # dave is admin and staff of Anderstadt: nothing of that counts in Musterstadt or its lab.
        assert dave.has_perm(permission, anderstadt) is True, permission
        assert not dave.has_perm(permission, musterstadt), permission
        assert not dave.has_perm(permission, lab), permission
        # erin administers Musterstadt, not the lab that Musterstadt joined.
        assert not erin.has_perm(permission, lab), permission


@pytest.mark.django_db
def test_a_lab_role_gives_nothing_in_the_municipalities_of_the_lab(musterstadt):
    lab = LabFactory()
    lab.municipalities.add(musterstadt)
    admin = _person_with(Role.ADMIN, lab=lab)
    for permission in MATRIX:
        assert admin.has_perm(permission, lab), permission
        assert not admin.has_perm(permission, musterstadt), permission


@pytest.mark.django_db
def test_a_revoked_role_stops_counting(musterstadt):
    user = _person_with(Role.ADMIN, municipality=musterstadt)
    assert user.has_perm("core.manage_roles", musterstadt)
    user.memberships.all().delete()
    forget_roles(user)
    assert not user.has_perm("core.manage_roles", musterstadt)
