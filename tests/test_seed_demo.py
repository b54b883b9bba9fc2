import ast
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse

from kommune.accounts.models import Residency, User
from kommune.core import demo
from kommune.core.demo import seeders
from kommune.core.models import AuditLogEntry, Lab, Membership, Municipality, Organisation, Page, PageKind, Role
from kommune.demo.management.commands import seed_demo
from kommune.demo.management.commands.seed_demo import ACCOUNTS, LAB, PLACES, accounts_table

pytestmark = pytest.mark.django_db

DOCS = Path(settings.BASE_DIR) / "docs" / "demo-accounts.md"


def seed() -> str:
    out = StringIO()
    call_command("seed_demo", "--force", stdout=out)
    return out.getvalue()


def snapshot() -> dict:
    """Everything a second run could change: counts, and the rows whose content a careless rerun rewrites."""
    models = [Municipality, Organisation, Lab, User, Membership, Residency, Page, AuditLogEntry,
              Lab.municipalities.through, Lab.organisations.through]
    return {
        "counts": {model.__name__: model.objects.count() for model in models},
        "pages": list(Page.objects.order_by("pk").values_list("pk", "body", "updated_at")),
        "users": list(User.objects.order_by("pk").values_list("pk", "email", "password", "email_confirmed_at")),
    }


@pytest.fixture
def seeded() -> str:
    return seed()


def test_second_run_changes_nothing(seeded):
    before = snapshot()

    seed()

    assert snapshot() == before
    assert before["counts"]["Municipality"] == 5
    assert before["counts"]["Page"] == 5 * len(PageKind.values)
    # The published accounts, per other municipality a demo editor and a resident who wrote its content, and the
    # voters of the demo opinion map (kommune/surveys/demo.py) and the residents who rated a public service
    # (kommune/codesign/demo.py).
    from kommune.codesign.demo import RESIDENTS
    from kommune.surveys.demo import VOTERS

    assert before["counts"]["User"] == len(ACCOUNTS) + 2 * len(demo.NEIGHBOUR_SLUGS) + VOTERS + len(RESIDENTS)
    authors = User.objects.exclude(email__in=[account.email for account in ACCOUNTS])
    assert not any(author.has_usable_password() for author in authors)


@pytest.mark.parametrize("account", ACCOUNTS, ids=lambda a: a.email)
def test_every_demo_account_can_log_in(seeded, account):
    client = Client()

    response = client.post(reverse("accounts:login"), {"username": account.email, "password": account.password})

    assert response.status_code == 302
    assert "_auth_user_id" in client.session


def test_superuser_reaches_the_django_admin(seeded):
    client = Client()
    client.post(reverse("accounts:login"), {"username": "superuser@example.org", "password": "Betrieb-Demo-2025"})

    assert client.get("/admin/").status_code == 200


def test_every_municipality_is_valid_and_has_its_pages(seeded):
    for municipality in Municipality.objects.all():
        municipality.full_clean()
        kinds = set(municipality.pages.exclude(body_html="").values_list("kind", flat=True))
        assert kinds == set(PageKind.values), municipality.slug
    district = Municipality.objects.get(kind=Municipality.Kind.LANDKREIS)
    assert district.members.count() == 3
    assert all(m.official_key.startswith(district.official_key[:5]) for m in district.members.all())


def test_lab_joins_all_municipalities_and_two_civil_society_organisations(seeded):
    lab = Lab.objects.get(slug=LAB["slug"])

    assert set(lab.municipalities.values_list("slug", flat=True)) == {place.slug for place in PLACES}
    assert list(lab.organisations.values_list("kind", flat=True)) == [Organisation.Kind.CIVIL_SOCIETY] * 2


def test_accounts_hold_their_roles(seeded):
    def roles(email: str) -> set[tuple[str, str]]:
        return {(m.role, str(m.municipality or m.lab)) for m in Membership.objects.filter(user__email=email)}

    assert roles("admin@example.org") == {(Role.ADMIN, "Musterstadt")}
    # The Musterstadt staff member and the foundation's partner also work in the lab's sub-projects.
    assert roles("staff@example.org") == {(Role.STAFF, "Musterstadt"), (Role.STAFF, LAB["name"])}
    assert roles("moderator@example.org") == {(Role.MODERATOR, "Musterstadt")}
    assert roles("partner@example.org") == {(Role.PARTNER, "Musterstadt"), (Role.PARTNER, LAB["name"])}
    assert roles("resident@example.org") == {(Role.RESIDENT, "Musterstadt")}
    assert roles("lab-admin@example.org") == {(Role.ADMIN, LAB["name"])}
    partner = Membership.objects.get(user__email="partner@example.org", municipality__isnull=False)
    assert partner.organisation.slug == "buergerstiftung-musterstadt"
    residency = Residency.objects.get(user__email="resident@example.org")
    assert (residency.method, residency.verified_by.email) == (Residency.Method.COUNTER, "staff@example.org")
    assert User.objects.get(email="superuser@example.org").is_superuser
    assert not User.objects.filter(email_confirmed_at__isnull=True).exists()


def test_prints_the_account_table_that_the_docs_show(seeded):
    assert accounts_table() in seeded
    assert accounts_table() in DOCS.read_text(encoding="utf-8")


def test_refuses_to_run_without_debug_unless_forced(settings):
    settings.DEBUG = False

    with pytest.raises(CommandError, match="published passwords"):
        call_command("seed_demo", stdout=StringIO())

    assert not User.objects.exists()


def test_the_feature_apps_seed_their_demo_data_through_the_registry(seeded):
    from kommune.opendata.models import Dataset
    from kommune.proposals.models import Proposal

    assert {"opendata", "processes", "proposals"} <= {seeder.key for seeder in seeders()}
    before = {"datasets": list(Dataset.objects.values_list("pk", "modified_at")),
              "proposals": list(Proposal.objects.values_list("pk", "state", "total_supports"))}
    assert Dataset.objects.filter(municipality__slug="musterstadt", is_published=True).exists()
    assert Proposal.objects.filter(municipality__slug="musterstadt").exists()

    seed()

    assert {"datasets": list(Dataset.objects.values_list("pk", "modified_at")),
            "proposals": list(Proposal.objects.values_list("pk", "state", "total_supports"))} == before


def test_the_demo_command_imports_no_feature_app():
    for module in (seed_demo, demo):
        tree = ast.parse(Path(module.__file__).read_text(encoding="utf-8"))
        imported = {node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)}
        imported |= {alias.name for node in ast.walk(tree) if isinstance(node, ast.Import) for alias in node.names}
        apps = {name.split(".")[1] for name in imported if name.startswith("kommune.")}
        assert apps <= {"core", "accounts"}, module.__name__


def test_every_demo_municipality_has_content_of_each_feature(seeded):
    from kommune.core.processes.models import Process
    from kommune.opendata.models import Dataset
    from kommune.proposals.models import Proposal

    for municipality in Municipality.objects.all():
        assert Process.objects.filter(municipality=municipality, published_at__isnull=False).exists(), municipality
        assert Proposal.objects.filter(municipality=municipality).exclude(state="draft").exists(), municipality
        assert Dataset.objects.filter(municipality=municipality, is_published=True).exists(), municipality
        home = Client().get(municipality.get_absolute_url())
        assert home.status_code == 200
        for anchor in ("home-processes-heading", "home-proposals-heading", "opendata-heading"):
            assert f'href="#{anchor}"' in home.content.decode(), (municipality, anchor)
    assert Process.objects.filter(municipality__slug="birkenhagen", slug="spielplaetze-in-birkenhagen").exists()
