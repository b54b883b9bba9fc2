"""A person's roles come from the cache on every page after the first, and a change of a membership holds from
the next request on, even when it commits while another request is reading the old roles."""

from unittest import mock

import pytest
from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from kommune.core import roles
from kommune.core.models import Membership, Role
from kommune.core.services import do_grant_role, do_revoke_role

pytestmark = pytest.mark.django_db


def fresh(user):
    """The person as the next request loads them: nothing remembered on the object."""
    return get_user_model().objects.get(pk=user.pk)


def membership_queries(read) -> tuple[object, int]:
    with CaptureQueriesContext(connection) as queries:
        result = read()
    return result, sum("core_membership" in query["sql"] for query in queries.captured_queries)


def test_the_roles_are_read_once_and_then_come_from_the_cache(musterstadt, carol):
    held, queries = membership_queries(lambda: roles.roles_in(fresh(carol), musterstadt))
    assert held == {Role.STAFF} and queries == 1
    held, queries = membership_queries(lambda: roles.roles_in(fresh(carol), musterstadt))
    assert held == {Role.STAFF} and queries == 0


def test_a_revoked_role_is_gone_on_the_next_request(client, musterstadt, carol, erin):
    management = reverse("manage:dashboard", kwargs={"municipality_slug": musterstadt.slug})
    client.force_login(carol)
    assert client.get(management).status_code == 200
    do_revoke_role(tenant=musterstadt, actor=erin, membership=Membership.objects.get(user=carol, role=Role.STAFF))
    assert client.get(management).status_code == 403
    do_grant_role(tenant=musterstadt, actor=erin, user=carol, role=Role.MODERATOR)
    assert client.get(management).status_code == 200


def test_a_change_committed_while_a_request_reads_the_old_roles_is_not_hidden_by_them(musterstadt, carol, erin):
    staff = Membership.objects.get(user=carol, role=Role.STAFF)
    assert roles.roles_in(erin, musterstadt) == {Role.ADMIN}  # the administrator's roles, read before
    read = roles._read

    def read_then_revoked(user_id):
        old = read(user_id)  # this request read the memberships; now the revocation commits
        do_revoke_role(tenant=musterstadt, actor=erin, membership=staff)
        return old

    with mock.patch.object(roles, "_read", side_effect=read_then_revoked):
        assert roles.roles_in(fresh(carol), musterstadt) == {Role.STAFF}  # that request's own view
    assert roles.roles_in(fresh(carol), musterstadt) == frozenset()  # stored under the old version: read again


def test_deleting_an_account_or_a_membership_anywhere_counts_the_version_on(musterstadt, carol):
    assert roles.roles_in(fresh(carol), musterstadt) == {Role.STAFF}
    Membership.objects.filter(user=carol).delete()  # a queryset, as the privacy anonymiser deletes
    assert roles.roles_in(fresh(carol), musterstadt) == frozenset()


def test_a_role_granted_in_an_open_transaction_holds_at_once_within_it_and_not_after_a_rollback(musterstadt, alice,
                                                                                              erin):
    assert roles.roles_in(fresh(alice), musterstadt) == {Role.RESIDENT}  # cached
    with transaction.atomic():  # a setup that grants a role and then acts in it
        do_grant_role(tenant=musterstadt, actor=erin, user=alice, role=Role.MODERATOR)
        assert roles.roles_in(fresh(alice), musterstadt) == {Role.RESIDENT, Role.MODERATOR}
    assert roles.roles_in(fresh(alice), musterstadt) == {Role.RESIDENT, Role.MODERATOR}

    with pytest.raises(RuntimeError), transaction.atomic():
        do_grant_role(tenant=musterstadt, actor=erin, user=alice, role=Role.STAFF)
        assert Role.STAFF in roles.roles_in(fresh(alice), musterstadt)
        raise RuntimeError("rolled back")
    assert roles.roles_in(fresh(alice), musterstadt) == {Role.RESIDENT, Role.MODERATOR}
