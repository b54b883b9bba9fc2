"""What a newcomer meets in the first hour (issue #10, item 8): make run's SITE_URL, readable console e-mails, map
markers and offline tiles, the compact header, German slugs, the audit log's labels, where staff land after login,
and the API's front door."""

import runpy
import shutil
import subprocess
from decimal import Decimal
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.mail import EmailMessage
from django.test import Client
from django.urls import reverse

from kommune.accounts.models import User
from kommune.core.mail import ConsoleEmailBackend
from kommune.core.models import AuditLogEntry, Role
from kommune.core.processes.services import do_create_process
from kommune.core.slugs import german_slug
from kommune.proposals.services import do_create_category
from tests.factories import TEST_PASSWORD, LabFactory, MembershipFactory
from tests.factories_proposals import ProposalSettingsFactory, published_proposal

ROOT = Path(__file__).resolve().parent.parent


# --- make run PORT=… -----------------------------------------------------------------------------------------

def _dry_run(*arguments: str, **environment: str) -> list[str]:
    make = shutil.which("make")
    assert make, "make is needed (it runs the README's commands)"
    env = {"PATH": "/usr/bin:/bin", "HOME": str(Path.home()), **environment}
    result = subprocess.run([make, "-n", "run", *arguments], cwd=ROOT, env=env, capture_output=True, text=True,
                            check=True, timeout=60)
    commands = result.stdout.replace("\\\n", " ").splitlines()  # a recipe line continued with a backslash
    return [line for line in commands if any(word in line for word in ("seed_demo", "publish_records", "gunicorn"))]


def test_make_run_builds_site_url_from_host_and_port():
    lines = _dry_run("PORT=8123")
    assert len(lines) == 3
    assert all("SITE_URL='http://127.0.0.1:8123'" in line for line in lines), lines


def test_make_run_keeps_a_site_url_that_is_given():
    assert all("SITE_URL='https://beteiligung.example.de'" in line
               for line in _dry_run("PORT=8123", SITE_URL="https://beteiligung.example.de"))


# --- console e-mails -----------------------------------------------------------------------------------------

def test_console_mail_prints_decoded_text_with_whole_links():
    link = "http://127.0.0.1:8123/konto/bestaetigen/MTIz:1vXYZa:abcdefghijklmnopqrstuvwxyz0123456789-ABCDEFGHIJKLMNOPQ/"
    body = f"Guten Tag,\n\nbitte bestätigen Sie Ihre Adresse für die Bürgerbeteiligung Größe=ÄÖÜß:\n{link}\n"
    stream = StringIO()
    message = EmailMessage("Bestätigen Sie Ihre E-Mail-Adresse", body, "noreply@example.org", ["erika@example.org"])
    message.attach("liste.csv", "Straße;Anzahl\nMarktplatz;3\n", "text/csv")

    ConsoleEmailBackend(stream=stream).send_messages([message])

    printed = stream.getvalue()
    assert link in printed
    assert "bitte bestätigen Sie Ihre Adresse für die Bürgerbeteiligung Größe=ÄÖÜß:" in printed
    assert "=3D" not in printed and "=C3" not in printed
    assert "[attachment: liste.csv, text/csv" in printed


def test_the_console_backend_is_the_default(monkeypatch, tmp_path):
    monkeypatch.delenv("EMAIL_BACKEND", raising=False)
    monkeypatch.setenv("VAR_DIR", str(tmp_path))
    monkeypatch.setenv("DEBUG", "true")
    loaded = runpy.run_path(str(ROOT / "config" / "settings.py"))
    assert loaded["MAILERS"]["default"]["BACKEND"] == "kommune.core.mail.ConsoleEmailBackend"


# --- maps --------------------------------------------------------------------------------------------------

def test_map_markers_use_their_static_files_and_the_map_can_say_it_is_offline(musterstadt, client):
    ProposalSettingsFactory(municipality=musterstadt)
    published_proposal(musterstadt, latitude=Decimal("51.96"), longitude=Decimal("7.62"))

    body = client.get(reverse("proposals:map", kwargs={"municipality_slug": musterstadt.slug})).content.decode()

    for attribute in ("data-icon-url", "data-icon-retina-url", "data-shadow-url"):
        url = body.split(f'{attribute}="', 1)[1].split('"', 1)[0]
        assert url.startswith(settings.STATIC_URL)
        assert finders.find(url.removeprefix(settings.STATIC_URL)), f"{url} is not a static file"
    assert 'data-label-offline="' in body
    assert f'data-tile-url="{settings.MAP_TILE_URL}"' in body


def test_the_map_script_sets_the_marker_icons_and_reports_tile_errors():
    script = (ROOT / "kommune/core/static/kommune/map.js").read_text()
    assert "L.Icon.Default.mergeOptions" in script and 'on("tileerror"' in script


# --- compact header ----------------------------------------------------------------------------------------

def test_the_header_folds_search_and_account_links_into_a_menu_without_script(musterstadt, client):
    body = client.get(musterstadt.get_absolute_url()).content.decode()
    header = body.split('<header class="site-header">', 1)[1].split("</header>", 1)[0]
    menu = header.split('<details class="site-menu">', 1)[1]
    assert '<summary class="site-menu__toggle">' in menu
    assert 'id="site-search-q"' in menu and reverse("accounts:login") in menu
    assert "<script" not in header and " onclick=" not in header


# --- slugs ---------------------------------------------------------------------------------------------------

@pytest.mark.parametrize(("text", "slug"), [
    ("Spielplätze", "spielplaetze"),
    ("Straße am Rathaus", "strasse-am-rathaus"),
    ("Ärger über Öl", "aerger-ueber-oel"),
    ("GROẞE Pläne", "grosse-plaene"),
])
def test_german_slug_spells_out_umlauts(text, slug):
    assert german_slug(text) == slug


def test_generated_slugs_transliterate(musterstadt, carol):
    process = do_create_process(municipality=musterstadt, actor=carol, title="Spielplätze für alle",
                                summary="Welche Spielgeräte fehlen?")
    category = do_create_category(municipality=musterstadt, actor=carol, name="Grünflächen")
    assert process.slug == "spielplaetze-fuer-alle"
    assert category.slug == "gruenflaechen"


def test_no_module_slugifies_on_its_own():
    offenders = [path.relative_to(ROOT).as_posix() for path in (ROOT / "kommune").rglob("*.py")
                 if "slugify(" in path.read_text() and path.name != "slugs.py" and "api/docs.py" not in path.as_posix()]
    assert offenders == []


# --- audit log -----------------------------------------------------------------------------------------------

def test_the_audit_log_reads_per_action(musterstadt, erin, client):
    proposal = published_proposal(musterstadt, title="Mehr Bänke am Markt")
    AuditLogEntry.objects.create(municipality=musterstadt, actor=erin, action=AuditLogEntry.Action.LETTER_CODES_CREATED,
                                 details={"count": 50, "batch": 7})
    AuditLogEntry.objects.create(municipality=musterstadt, actor=erin,
                                 action=AuditLogEntry.Action.PROPOSAL_SIGNATURES_ADDED,
                                 details={"proposal": proposal.pk, "count": 41, "received_on": "2026-11-30"})
    AuditLogEntry.objects.create(municipality=musterstadt, actor=erin, action=AuditLogEntry.Action.PROPOSAL_ANSWERED,
                                 details={"proposal": proposal.pk, "outcome": "accepted", "in_time": True})
    AuditLogEntry.objects.create(municipality=musterstadt, actor=erin,
                                 action=AuditLogEntry.Action.PROPOSAL_SETTINGS_CHANGED,
                                 details={"changed": {"threshold_absolute": [500, 300]}})
    client.force_login(erin)

    body = client.get(reverse("manage:audit_log", kwargs={"municipality_slug": musterstadt.slug})).content.decode()

    assert "Anzahl der Codes: 50" in body
    assert "Anzahl der Unterschriften: 41" in body
    assert "„Mehr Bänke am Markt“" in body
    assert "30.11.2026" in body
    assert "Fristgerecht beantwortet: ja" in body
    assert "500 → 300" in body
    for raw in ("in_time", "received_on", "outcome:", "threshold_absolute", "changed:"):
        assert raw not in body


# --- landing after login -------------------------------------------------------------------------------------

def _log_in(client: Client, user: User, next_url: str = ""):
    data = {"username": user.email, "password": TEST_PASSWORD}
    if next_url:
        data["next"] = next_url
    return client.post(reverse("accounts:login"), data)


def test_staff_land_on_their_management_area(musterstadt, carol, client):
    response = _log_in(client, carol)
    assert response["Location"] == reverse("manage:dashboard", kwargs={"municipality_slug": musterstadt.slug})


def test_residents_land_on_their_account_page(alice, client):
    assert _log_in(client, alice)["Location"] == reverse("accounts:profile")


def test_next_still_wins(musterstadt, carol, client):
    assert _log_in(client, carol, next_url=musterstadt.get_absolute_url())["Location"] == \
        musterstadt.get_absolute_url()


def test_someone_in_several_teams_chooses_where_to_go(musterstadt, anderstadt, carol, client):
    lab = LabFactory()
    MembershipFactory(user=carol, municipality=anderstadt, role=Role.MODERATOR)
    MembershipFactory(user=carol, lab=lab, municipality=None, role=Role.ADMIN)

    response = _log_in(client, carol)

    assert response["Location"] == reverse("accounts:management_areas")
    body = client.get(response["Location"]).content.decode()
    for link in (reverse("manage:dashboard", kwargs={"municipality_slug": musterstadt.slug}),
                 reverse("manage:dashboard", kwargs={"municipality_slug": anderstadt.slug}),
                 reverse("manage:lab_dashboard", kwargs={"lab_slug": lab.slug})):
        assert f'href="{link}"' in body


# --- the API's front door ------------------------------------------------------------------------------------

def test_the_api_root_lists_its_resources(musterstadt, client):
    response = client.get("/api/v1/")

    assert response.status_code == 200
    index = response.json()
    paths = {resource["path"] for resource in index["resources"]}
    assert {"/api/v1/municipalities", "/api/v1/municipalities/{municipality_slug}/proposals", "/api/v1/me"} <= paths
    assert {"GET", "POST"} <= set(next(resource["methods"] for resource in index["resources"]
                                       if resource["path"] == "/api/v1/municipalities/{municipality_slug}/proposals"))
    assert client.get(index["openapi"]).status_code == 200
    assert client.get(index["docs"]).status_code == 200
