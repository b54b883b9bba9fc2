"""The municipality's and the lab's management area: access, roles, audit log, pages, accessibility feedback."""

from datetime import UTC, datetime

import pytest
from django.urls import reverse

from kommune.accounts import manage_urls as account_manage_urls
from kommune.core import manage_urls
from kommune.core.models import AccessibilityFeedback, AuditLogEntry, Membership, Page, PageKind, Role
from tests.factories import LabFactory, MembershipFactory, OrganisationFactory, UserFactory
from tests.factories_accounts import LetterCodeBatchFactory

pytestmark = pytest.mark.django_db

PERSONAS = ["alice", "bob", "carol", "erin", "dave"]


def login(client, user) -> None:
    """Log in with English as the person's language, the language these tests read."""
    user.language = "en"
    user.save(update_fields=["language"])
    client.force_login(user)


def _pages(musterstadt) -> dict[str, tuple[str, set[str]]]:
    """Every management page of Musterstadt and the personas allowed to open it."""
    batch = LetterCodeBatchFactory(municipality=musterstadt)
    slug = {"municipality_slug": musterstadt.slug}
    staff = {"carol", "erin"}
    return {
        "dashboard": (reverse("manage:dashboard", kwargs=slug), {"bob", "carol", "erin"}),
        "roles": (reverse("manage:roles", kwargs=slug), {"erin"}),
        "audit_log": (reverse("manage:audit_log", kwargs=slug), {"erin"}),
        "edit_page": (reverse("manage:edit_page", kwargs={**slug, "kind": "imprint"}), staff),
        "feedback": (reverse("manage:feedback", kwargs=slug), staff),
        "residents": (reverse("manage_accounts:residents", kwargs=slug), staff),
        "letter_codes": (reverse("manage_accounts:letter_codes", kwargs=slug), staff),
        "letter_code_batch": (reverse("manage_accounts:letter_code_batch", kwargs={**slug, "pk": batch.pk}), staff),
        "letter_code_batch_csv": (reverse("manage_accounts:letter_code_batch_csv",
                                          kwargs={**slug, "pk": batch.pk}), staff),
    }


@pytest.mark.parametrize("page", ["dashboard", "roles", "audit_log", "edit_page", "feedback", "residents",
                                  "letter_codes", "letter_code_batch", "letter_code_batch_csv"])
def test_each_management_page_is_open_to_its_roles_only(client, request, musterstadt, page):
    personas = {name: request.getfixturevalue(name) for name in PERSONAS}
    url, allowed = _pages(musterstadt)[page]

    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))

    for name, user in personas.items():
        login(client, user)
        response = client.get(url)
        assert response.status_code == (200 if name in allowed else 403), name
        if response.status_code == 200 and response["Content-Type"].startswith("text/html"):
            assert response.content.decode().count("<h1") == 1, name
    client.logout()


def test_dashboard_links_what_the_role_may_use(client, musterstadt, bob, carol, erin):
    AccessibilityFeedback.objects.create(municipality=musterstadt, message="Kontrast zu schwach")
    slug = {"municipality_slug": musterstadt.slug}

    login(client, erin)
    body = client.get(reverse("manage:dashboard", kwargs=slug)).content.decode()
    assert reverse("manage:roles", kwargs=slug) in body
    assert reverse("manage:audit_log", kwargs=slug) in body
    assert reverse("manage:edit_page", kwargs={**slug, "kind": "privacy"}) in body
    assert reverse("manage_accounts:letter_codes", kwargs=slug) in body

    login(client, carol)
    body = client.get(reverse("manage:dashboard", kwargs=slug)).content.decode()
    assert reverse("manage:roles", kwargs=slug) not in body
    assert reverse("manage:audit_log", kwargs=slug) not in body
    assert reverse("manage:feedback", kwargs=slug) in body
    assert reverse("manage_accounts:residents", kwargs=slug) in body
    assert "1 open report of a barrier" in body

    login(client, bob)
    body = client.get(reverse("manage:dashboard", kwargs=slug)).content.decode()
    assert reverse("manage:feedback", kwargs=slug) not in body
    assert body.count("<h1") == 1


def test_the_other_municipality_slug_does_not_open_a_foreign_management_area(client, musterstadt, anderstadt, dave):
    login(client, dave)
    assert client.get(reverse("manage:roles", kwargs={"municipality_slug": "anderstadt"})).status_code == 200
    assert client.get(reverse("manage:roles", kwargs={"municipality_slug": "musterstadt"})).status_code == 403
    assert client.get("/gibt-es-nicht/verwaltung/rollen/").status_code == 404


# --- Roles ----------------------------------------------------------------------------------------------------


def _roles_url(municipality) -> str:
    return reverse("manage:roles", kwargs={"municipality_slug": municipality.slug})


def test_admin_grants_a_role_by_email_and_it_is_logged(client, musterstadt, erin, alice):
    login(client, erin)
    response = client.post(_roles_url(musterstadt), {"person": " Alice@Example.org ", "role": Role.MODERATOR})
    assert response.status_code == 302
    assert Membership.objects.filter(user=alice, municipality=musterstadt, role=Role.MODERATOR).exists()
    entry = AuditLogEntry.objects.get(action=AuditLogEntry.Action.ROLE_GRANTED)
    assert (entry.municipality, entry.actor, entry.subject) == (musterstadt, erin, alice)
    assert entry.details["role"] == Role.MODERATOR


def test_granting_to_an_unknown_email_is_a_clear_error_and_changes_nothing(client, musterstadt, erin):
    login(client, erin)
    before = Membership.objects.count()
    response = client.post(_roles_url(musterstadt), {"person": "niemand@example.org", "role": Role.STAFF})
    assert response.status_code == 200
    body = response.content.decode()
    assert "No account uses this e-mail address" in body
    assert 'role="alert"' in body
    assert Membership.objects.count() == before
    assert not AuditLogEntry.objects.exists()


def test_granting_a_role_twice_is_refused(client, musterstadt, erin, bob):
    login(client, erin)
    response = client.post(_roles_url(musterstadt), {"person": bob.email, "role": Role.MODERATOR})
    assert response.status_code == 200
    assert "already has the role" in response.content.decode()
    assert Membership.objects.filter(user=bob, municipality=musterstadt).count() == 1
    assert not AuditLogEntry.objects.exists()


def test_a_partner_needs_one_of_the_municipalitys_organisations(client, musterstadt, anderstadt, erin, alice):
    own = OrganisationFactory(municipality=musterstadt, name="Bürgerverein")
    foreign = OrganisationFactory(municipality=anderstadt)
    login(client, erin)

    response = client.post(_roles_url(musterstadt), {"person": alice.email, "role": Role.PARTNER})
    assert response.status_code == 200
    assert not Membership.objects.filter(role=Role.PARTNER).exists()

    response = client.post(_roles_url(musterstadt), {"person": alice.email, "role": Role.PARTNER,
                                                     "organisation": foreign.pk})
    assert response.status_code == 200
    assert not Membership.objects.filter(role=Role.PARTNER).exists()

    response = client.post(_roles_url(musterstadt), {"person": alice.email, "role": Role.PARTNER,
                                                     "organisation": own.pk})
    assert response.status_code == 302
    membership = Membership.objects.get(role=Role.PARTNER)
    assert membership.organisation == own
    assert AuditLogEntry.objects.get().details["organisation"] == "Bürgerverein"


def test_an_organisation_chosen_for_another_role_is_ignored(client, musterstadt, erin, alice):
    own = OrganisationFactory(municipality=musterstadt)
    login(client, erin)
    client.post(_roles_url(musterstadt), {"person": alice.email, "role": Role.STAFF, "organisation": own.pk})
    membership = Membership.objects.get(user=alice, role=Role.STAFF)
    assert membership.organisation is None
    assert AuditLogEntry.objects.get().details["organisation"] == ""


def test_admin_revokes_a_role_after_confirming_and_it_is_logged(client, musterstadt, erin, bob):
    membership = Membership.objects.get(user=bob, municipality=musterstadt)
    url = reverse("manage:revoke_role", kwargs={"municipality_slug": musterstadt.slug, "pk": membership.pk})
    login(client, erin)

    response = client.get(url)
    assert response.status_code == 200
    assert "Bob" in response.content.decode()
    assert Membership.objects.filter(pk=membership.pk).exists()

    response = client.post(url)
    assert response.status_code == 302
    assert not Membership.objects.filter(pk=membership.pk).exists()
    entry = AuditLogEntry.objects.get(action=AuditLogEntry.Action.ROLE_REVOKED)
    assert (entry.actor, entry.subject, entry.details["role"]) == (erin, bob, Role.MODERATOR)


def test_the_last_admin_cannot_be_removed(client, musterstadt, erin):
    membership = Membership.objects.get(user=erin, municipality=musterstadt, role=Role.ADMIN)
    login(client, erin)
    response = client.post(reverse("manage:revoke_role", kwargs={"municipality_slug": musterstadt.slug,
                                                                  "pk": membership.pk}))
    assert response.status_code == 200
    assert "last administrator" in response.content.decode()
    assert Membership.objects.filter(pk=membership.pk).exists()
    assert not AuditLogEntry.objects.exists()


def test_a_foreign_membership_is_a_404(client, musterstadt, erin, dave):
    foreign = Membership.objects.filter(user=dave).first()
    login(client, erin)
    url = reverse("manage:revoke_role", kwargs={"municipality_slug": musterstadt.slug, "pk": foreign.pk})
    assert client.get(url).status_code == 404
    assert client.post(url).status_code == 404
    assert Membership.objects.filter(pk=foreign.pk).exists()


def test_revoking_is_for_admins_only(client, musterstadt, carol, bob):
    membership = Membership.objects.get(user=bob, municipality=musterstadt)
    login(client, carol)
    response = client.post(reverse("manage:revoke_role", kwargs={"municipality_slug": musterstadt.slug,
                                                                  "pk": membership.pk}))
    assert response.status_code == 403
    assert Membership.objects.filter(pk=membership.pk).exists()


def test_members_are_paginated_and_filtered_by_role(client, musterstadt, erin, django_assert_max_num_queries):
    for n in range(60):
        MembershipFactory(user=UserFactory(display_name=f"Einwohner {n:02d}"), municipality=musterstadt,
                          role=Role.RESIDENT)
    login(client, erin)
    url = _roles_url(musterstadt)

    with django_assert_max_num_queries(12):
        body = client.get(url).content.decode()
    assert body.count('href="/musterstadt/verwaltung/rollen/') == 50
    assert "Page 1 of 2" in body

    body = client.get(url, {"page": 2}).content.decode()
    assert body.count('href="/musterstadt/verwaltung/rollen/') == 11  # 60 residents and erin

    body = client.get(url, {"role": Role.ADMIN}).content.decode()
    assert body.count('href="/musterstadt/verwaltung/rollen/') == 1
    assert "Einwohner" not in body


# --- Labs -----------------------------------------------------------------------------------------------------


@pytest.fixture
def lab(musterstadt, anderstadt):
    lab = LabFactory(name="Labor Nord", slug="labor-nord")
    lab.municipalities.add(musterstadt, anderstadt)
    return lab


def test_lab_admin_manages_the_labs_roles(client, lab, musterstadt, alice, erin):
    partner_org = OrganisationFactory(municipality=musterstadt, name="Digitalambulanz")
    lab.organisations.add(partner_org)
    other_org = OrganisationFactory(municipality=musterstadt)
    lab_admin = UserFactory(email="lena@example.org", display_name="Lena")
    MembershipFactory(user=lab_admin, municipality=None, lab=lab, role=Role.ADMIN)
    url = reverse("manage:lab_roles", kwargs={"lab_slug": lab.slug})

    # The municipality's admin has no say in the lab.
    login(client, erin)
    assert client.get(url).status_code == 403

    login(client, lab_admin)
    assert client.get(reverse("manage:lab_dashboard", kwargs={"lab_slug": lab.slug})).status_code == 200
    assert client.get(url).status_code == 200
    response = client.post(url, {"person": alice.email, "role": Role.PARTNER, "organisation": other_org.pk})
    assert response.status_code == 200
    response = client.post(url, {"person": alice.email, "role": Role.PARTNER, "organisation": partner_org.pk})
    assert response.status_code == 302
    membership = Membership.objects.get(user=alice, lab=lab)
    assert membership.organisation == partner_org and membership.municipality is None
    entry = AuditLogEntry.objects.get(lab=lab)
    assert entry.action == AuditLogEntry.Action.ROLE_GRANTED and entry.municipality is None

    revoke = reverse("manage:lab_revoke_role", kwargs={"lab_slug": lab.slug, "pk": membership.pk})
    assert client.post(revoke).status_code == 302
    assert not Membership.objects.filter(pk=membership.pk).exists()

    body = client.get(reverse("manage:lab_audit_log", kwargs={"lab_slug": lab.slug})).content.decode()
    assert "Alice" in body and "Lena" in body


def test_a_municipality_membership_is_a_404_in_the_lab(client, lab, musterstadt, bob):
    lab_admin = UserFactory(email="lena@example.org")
    MembershipFactory(user=lab_admin, municipality=None, lab=lab, role=Role.ADMIN)
    membership = Membership.objects.get(user=bob, municipality=musterstadt)
    login(client, lab_admin)
    url = reverse("manage:lab_revoke_role", kwargs={"lab_slug": lab.slug, "pk": membership.pk})
    assert client.post(url).status_code == 404
    assert Membership.objects.filter(pk=membership.pk).exists()


# --- Audit log ------------------------------------------------------------------------------------------------


def test_audit_log_shows_the_municipalitys_entries_newest_first_in_berlin_time(client, musterstadt, anderstadt,
                                                                              erin, bob, dave):
    older = AuditLogEntry.objects.create(municipality=musterstadt, actor=erin, subject=bob,
                                         action=AuditLogEntry.Action.ROLE_GRANTED, details={"role": "moderator"})
    newer = AuditLogEntry.objects.create(municipality=musterstadt, actor=erin, subject=bob,
                                         action=AuditLogEntry.Action.PAGE_UPDATED, details={"page": "imprint"})
    AuditLogEntry.objects.create(municipality=anderstadt, actor=dave, action=AuditLogEntry.Action.PAGE_UPDATED,
                                 details={"page": "privacy"})
    AuditLogEntry.objects.filter(pk=older.pk).update(created_at=datetime(2025, 1, 15, 12, 0, tzinfo=UTC))
    AuditLogEntry.objects.filter(pk=newer.pk).update(created_at=datetime(2025, 7, 1, 6, 30, tzinfo=UTC))

    login(client, erin)
    body = client.get(reverse("manage:audit_log", kwargs={"municipality_slug": musterstadt.slug})).content.decode()
    assert "Jan. 15, 2025, 1 p.m." in body  # 12:00 UTC in winter
    assert "July 1, 2025, 8:30 a.m." in body  # 06:30 UTC in summer
    assert body.index("Imprint") < body.index("Moderator")
    assert "Dave" not in body and "Privacy notice" not in body
    assert "Erin" in body and "Bob" in body


def test_audit_log_is_paginated(client, musterstadt, erin):
    AuditLogEntry.objects.bulk_create(
        AuditLogEntry(municipality=musterstadt, actor=erin, action=AuditLogEntry.Action.PAGE_UPDATED,
                      details={"page": "imprint"}) for _ in range(55))
    login(client, erin)
    url = reverse("manage:audit_log", kwargs={"municipality_slug": musterstadt.slug})
    assert client.get(url).content.decode().count("<time ") == 50
    assert client.get(url, {"page": 2}).content.decode().count("<time ") == 5
    assert client.get(url, {"page": "x"}).status_code == 200


# --- Pages ----------------------------------------------------------------------------------------------------


def test_staff_edit_a_page_and_see_the_sanitised_preview(client, musterstadt, carol):
    url = reverse("manage:edit_page", kwargs={"municipality_slug": musterstadt.slug, "kind": "imprint"})
    login(client, carol)
    response = client.post(url, {"body": "## Anschrift\n\nRathausplatz 1 <script>alert(1)</script>"})
    assert response.status_code == 302
    page = Page.objects.get(municipality=musterstadt, kind="imprint")
    assert "<script>" not in page.body_html and "<h2>Anschrift</h2>" in page.body_html
    assert page.updated_by == carol
    assert AuditLogEntry.objects.get().action == AuditLogEntry.Action.PAGE_UPDATED

    body = client.get(url).content.decode()
    assert "<h2>Anschrift</h2>" in body
    assert "<script>alert(1)</script>" not in body
    public = client.get(reverse("core:imprint", kwargs={"municipality_slug": musterstadt.slug})).content.decode()
    assert "Rathausplatz 1" in public


@pytest.mark.parametrize("kind", [kind.value for kind in PageKind])
def test_every_page_kind_can_be_edited(client, musterstadt, carol, kind):
    login(client, carol)
    url = reverse("manage:edit_page", kwargs={"municipality_slug": musterstadt.slug, "kind": kind})
    assert client.get(url).status_code == 200
    assert client.post(url, {"body": "Text"}).status_code == 302
    assert Page.objects.get(municipality=musterstadt, kind=kind).body == "Text"


def test_an_unknown_page_kind_is_a_404(client, musterstadt, carol):
    login(client, carol)
    url = reverse("manage:edit_page", kwargs={"municipality_slug": musterstadt.slug, "kind": "startseite"})
    assert client.get(url).status_code == 404


def test_a_too_long_page_is_refused_and_changes_nothing(client, musterstadt, carol):
    login(client, carol)
    url = reverse("manage:edit_page", kwargs={"municipality_slug": musterstadt.slug, "kind": "privacy"})
    response = client.post(url, {"body": "x" * 50_001})
    assert response.status_code == 200
    assert not Page.objects.exists()


# --- Accessibility feedback -----------------------------------------------------------------------------------


def test_staff_read_and_handle_accessibility_feedback(client, musterstadt, anderstadt, carol):
    own = AccessibilityFeedback.objects.create(municipality=musterstadt, message="Formular ohne Beschriftung",
                                               email="hilfe@example.org")
    AccessibilityFeedback.objects.create(municipality=anderstadt, message="Fremde Rückmeldung")
    login(client, carol)
    url = reverse("manage:feedback", kwargs={"municipality_slug": musterstadt.slug})

    body = client.get(url).content.decode()
    assert "Formular ohne Beschriftung" in body and "Fremde Rückmeldung" not in body

    handle = reverse("manage:feedback_handled", kwargs={"municipality_slug": musterstadt.slug, "pk": own.pk})
    assert client.get(handle).status_code == 405
    assert client.post(handle).status_code == 302
    own.refresh_from_db()
    assert own.handled_at is not None and own.handled_by == carol

    assert "Formular ohne Beschriftung" not in client.get(url).content.decode()
    assert "Formular ohne Beschriftung" in client.get(url, {"status": "handled"}).content.decode()


def test_foreign_feedback_is_a_404_and_stays_open(client, musterstadt, anderstadt, dave):
    foreign = AccessibilityFeedback.objects.create(municipality=musterstadt, message="Musterstadt")
    login(client, dave)
    url = reverse("manage:feedback_handled", kwargs={"municipality_slug": anderstadt.slug, "pk": foreign.pk})
    assert client.post(url).status_code == 404
    url = reverse("manage:feedback_handled", kwargs={"municipality_slug": musterstadt.slug, "pk": foreign.pk})
    assert client.post(url).status_code == 403
    foreign.refresh_from_db()
    assert foreign.handled_at is None


def test_management_views_declare_their_access():
    for pattern in [*manage_urls.urlpatterns, *account_manage_urls.urlpatterns]:
        access = pattern.callback.access
        assert access.scope in {"municipality", "lab"} and access.permission, pattern.name
