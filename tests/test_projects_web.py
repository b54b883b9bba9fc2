"""The Vorhabenliste's pages, feeds and API through the test client, the permission matrix, and the demo seeder."""

import xml.etree.ElementTree as ET
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from kommune.core.demo import DemoData
from kommune.projects import demo, services
from kommune.projects.models import Milestone, Project, ProjectLink, StatusChange
from tests.factories import MembershipFactory, UserFactory
from tests.factories_processes import ProcessFactory
from tests.factories_projects import FundingFactory, MilestoneFactory, ProjectFactory
from tests.factories_proposals import published_proposal

pytestmark = pytest.mark.django_db
ATOM = "{http://www.w3.org/2005/Atom}"


def url(name: str, municipality, project=None, **kwargs) -> str:
    if project is not None:
        kwargs["project_id"] = project.pk
    return reverse(f"projects:{name}", kwargs={"municipality_slug": municipality.slug, **kwargs})


@pytest.fixture
def kita(musterstadt):
    project = ProjectFactory(municipality=musterstadt, title="Neubau Kita Lindenhof", area="Lindenhof",
                             latitude="51.97", longitude="7.61", estimated_costs=6_400_000)
    MilestoneFactory(project=project, title="Richtfest")
    FundingFactory(project=project, source="Land NRW", amount=2_500_000)
    return project


def test_the_list_shows_projects_with_filters(client, musterstadt, anderstadt, kita):
    ProjectFactory(municipality=musterstadt, title="Radweg Nordstraße", status="decided", area="Nordviertel")
    ProjectFactory(municipality=anderstadt, title="Fremdes Vorhaben")
    page = client.get(url("list", musterstadt)).content.decode()
    assert "Neubau Kita Lindenhof" in page and "Radweg Nordstraße" in page and "Fremdes Vorhaben" not in page
    assert "Vorhaben der Kommune" in page or "Vorhaben" in page
    filtered = client.get(url("list", musterstadt), {"status": "decided"}).content.decode()
    assert "Radweg Nordstraße" in filtered and "Neubau Kita Lindenhof" not in filtered
    searched = client.get(url("list", musterstadt), {"text": "kita"}).content.decode()
    assert "Neubau Kita Lindenhof" in searched and "Radweg Nordstraße" not in searched
    by_area = client.get(url("list", musterstadt), {"area": "Lindenhof"}).content.decode()
    assert "Neubau Kita Lindenhof" in by_area and "Radweg Nordstraße" not in by_area


def test_the_list_pages_with_a_cursor_and_refuses_a_bad_one(client, musterstadt):
    for number in range(25):
        ProjectFactory(municipality=musterstadt, title=f"Vorhaben Nummer {number:02d}")
    first = client.get(url("list", musterstadt))
    assert first.content.decode().count('class="project-card"') == 20
    next_link = first.content.decode().split('rel="next" href="?')[1].split('"')[0].replace("&amp;", "&")
    second = client.get(url("list", musterstadt) + "?" + next_link).content.decode()
    assert second.count('class="project-card"') == 5
    bad = client.get(url("list", musterstadt), {"cursor": "kaputt"})
    assert bad.status_code == 400 and "Zur ersten Seite" in bad.content.decode()
    assert client.get(url("list", musterstadt), {"status": "<script>"}).status_code == 200


def test_the_list_and_detail_cost_a_constant_number_of_queries(client, musterstadt, carol):
    def count(path: str) -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(path).status_code == 200
        return len(queries)

    project = ProjectFactory(municipality=musterstadt)
    few = count(url("list", musterstadt)), count(url("detail", musterstadt, project)), count(url("map", musterstadt))
    proposal = published_proposal(musterstadt)
    for _number in range(15):
        other = ProjectFactory(municipality=musterstadt, latitude="51.9", longitude="7.6")
        MilestoneFactory(project=other)
        MilestoneFactory(project=project)
        FundingFactory(project=project)
        StatusChange.objects.create(municipality=musterstadt, project=project, status="planning",
                                    changed_on=timezone.localdate())
    services.do_link(project=project, actor=carol, kind="proposal", object_id=proposal.pk)
    services.do_link(project=project, actor=carol, kind="process",
                     object_id=ProcessFactory(municipality=musterstadt, is_published=True).pk)
    many = count(url("list", musterstadt)), count(url("detail", musterstadt, project)), count(url("map", musterstadt))
    assert many[0] == few[0] and many[2] == few[2]
    assert many[1] <= few[1] + 3  # one query per kind of linked object, two kinds here


def test_the_detail_page_shows_history_timeline_funding_links_and_map(client, musterstadt, carol, kita):
    proposal = published_proposal(musterstadt, title="Mehr Kita-Plätze")
    services.do_link(project=kita, actor=carol, kind="proposal", object_id=proposal.pk)
    services.do_change_status(project=kita, actor=carol, status="decided", note="Der Rat hat beschlossen.")
    page = client.get(url("detail", musterstadt, kita)).content.decode()
    for text in ("Neubau Kita Lindenhof", "Der Rat hat beschlossen.", "Richtfest", "Land NRW", "2.500.000 €",
                 "6.400.000 €", "Mehr Kita-Plätze", proposal.get_absolute_url(), 'data-map="points"', "Beschlossen",
                 "Statusverlauf"):
        assert text in page, text
    assert client.get(url("detail", musterstadt, project=Project(pk=kita.pk + 1000))).status_code == 404


def test_a_foreign_project_is_a_404(client, musterstadt, anderstadt, kita):
    assert client.get(url("detail", anderstadt, kita)).status_code == 404
    assert client.get(url("project_feed", anderstadt, kita)).status_code == 404
    assert client.get(f"/api/v1/municipalities/anderstadt/projects/{kita.pk}").status_code == 404


def test_the_feeds_are_atom_with_the_status_changes(client, musterstadt, carol, kita):
    other = ProjectFactory(municipality=musterstadt, title="Radweg")
    services.do_change_status(project=kita, actor=carol, status="decided", note="Beschlossen im Rat.\x0b")
    services.do_change_status(project=other, actor=carol, status="stopped", note="")
    response = client.get(url("feed", musterstadt))
    assert response["Content-Type"].startswith("application/atom+xml")
    root = ET.fromstring(response.content)
    titles = [entry.find(f"{ATOM}title").text for entry in root.findall(f"{ATOM}entry")]
    assert titles[:2] == ["Radweg: Eingestellt", "Neubau Kita Lindenhof: Beschlossen"]
    for entry in root.findall(f"{ATOM}entry"):
        assert entry.find(f"{ATOM}id").text.startswith("tag:")
        assert entry.find(f"{ATOM}summary").get("type") == "text"
    one = ET.fromstring(client.get(url("project_feed", musterstadt, kita)).content)
    assert {e.find(f"{ATOM}title").text for e in one.findall(f"{ATOM}entry")} == {
        "Neubau Kita Lindenhof: Beschlossen", "Neubau Kita Lindenhof: In Planung"}


# --- Management -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("persona, expected", [
    (None, 302), ("alice", 403), ("bob", 403), ("carol", 200), ("erin", 200), ("dave", 403)])
def test_the_permission_matrix_of_the_management_pages(client, request, musterstadt, kita, persona, expected):
    milestone = Milestone.objects.get(project=kita)
    if persona:
        client.force_login(request.getfixturevalue(persona))
    for name, extra in (("manage", {}), ("manage_create", {}), ("manage_edit", {"project": kita}),
                        ("manage_status", {"project": kita}), ("manage_milestones", {"project": kita}),
                        ("manage_milestone", {"project": kita, "milestone_id": milestone.pk}),
                        ("manage_funding", {"project": kita}), ("manage_links", {"project": kita})):
        assert client.get(url(name, musterstadt, **extra)).status_code == expected, name


def test_staff_of_another_municipality_cannot_reach_a_project_through_their_own_address(client, anderstadt, dave,
                                                                                         kita):
    client.force_login(dave)
    assert client.get(url("manage_edit", anderstadt, kita)).status_code == 404
    assert client.post(url("manage_status", anderstadt, kita), {"status": "done"}).status_code == 404
    assert Project.objects.get(pk=kita.pk).status == "planning"


def test_staff_create_a_project_and_change_its_status(client, musterstadt, carol, alice):
    client.force_login(carol)
    response = client.post(url("manage_create", musterstadt), {
        "title": "Spielplatz im Stadtpark", "summary": "Neue Geräte.", "description": "**Wasserspiel**",
        "status": "planning", "status_note": "Der Entwurf entsteht mit Kindern.", "department": "Grünflächenamt",
        "area": "Stadtpark", "latitude": "51.955", "longitude": "7.632", "estimated_costs": "240000"})
    project = Project.objects.get()
    assert response.status_code == 302 and response["Location"] == project.get_absolute_url()
    from kommune.core.notifications.services import do_follow

    do_follow(user=alice, target=project)
    response = client.post(url("manage_status", musterstadt, project), {
        "status": "in_construction", "changed_on": timezone.localdate().isoformat(), "note": "Die Bagger rollen."})
    assert response.status_code == 302
    project.refresh_from_db()
    assert project.status == "in_construction"
    assert alice.notifications.count() == 1


def test_bad_input_on_the_management_pages_is_explained_in_german_and_changes_nothing(client, musterstadt, carol,
                                                                                      kita):
    client.force_login(carol)
    response = client.post(url("manage_status", musterstadt, kita), {
        "status": "decided", "changed_on": (timezone.localdate() + timedelta(days=3)).isoformat()})
    assert response.status_code == 200 and "in der Zukunft" in response.content.decode()
    response = client.post(url("manage_status", musterstadt, kita), {"status": "planning"})
    assert "bereits diesen Status" in response.content.decode()
    response = client.post(url("manage_create", musterstadt), {"title": "", "status": "idea",
                                                               "estimated_costs": "-3", "latitude": "51"})
    assert response.status_code == 200
    response = client.post(url("manage_funding", musterstadt, kita), {"source": "Land", "amount": "1e999"})
    assert response.status_code == 200
    response = client.post(url("manage_links", musterstadt, kita), {"kind": "proposal", "object_id": "999999"})
    assert response.status_code == 400 and "verknüpft werden" in response.content.decode()
    assert Project.objects.count() == 1 and StatusChange.objects.filter(project=kita).count() == 1
    assert not ProjectLink.objects.exists()


def test_staff_add_milestones_funding_and_links(client, musterstadt, carol, kita):
    client.force_login(carol)
    proposal = published_proposal(musterstadt, title="Kita-Plätze für den Lindenhof")
    found = client.get(url("manage_links", musterstadt, kita), {"kind": "proposal", "text": "lindenhof"})
    assert "Kita-Plätze für den Lindenhof" in found.content.decode()
    assert client.post(url("manage_links", musterstadt, kita),
                       {"kind": "proposal", "object_id": proposal.pk}).status_code == 302
    link = ProjectLink.objects.get()
    assert client.post(url("manage_milestones", musterstadt, kita), {
        "title": "Eröffnung", "planned_on": "2027-09-01"}).status_code == 302
    assert client.post(url("manage_funding", musterstadt, kita), {
        "source": "Bürgerstiftung", "amount": "60000"}).status_code == 302
    milestone = Milestone.objects.get(title="Eröffnung")
    assert client.post(url("manage_delete_milestone", musterstadt, kita, milestone_id=milestone.pk)).status_code == 302
    assert client.post(url("manage_unlink", musterstadt, kita, link_id=link.pk)).status_code == 302
    funding = kita.funding.get(source="Bürgerstiftung")
    assert client.post(url("manage_remove_funding", musterstadt, kita, funding_id=funding.pk)).status_code == 302
    assert not ProjectLink.objects.exists() and not Milestone.objects.filter(title="Eröffnung").exists()
    assert client.get(url("manage_delete_milestone", musterstadt, kita, milestone_id=1)).status_code == 405


# --- API --------------------------------------------------------------------------------------------------------


def test_the_api_lists_and_reads_projects(client, musterstadt, carol, kita):
    ProjectFactory(municipality=musterstadt, title="Radweg", status="decided")
    body = client.get("/api/v1/municipalities/musterstadt/projects", {"status": "decided"}).json()
    assert [item["title"] for item in body["items"]] == ["Radweg"] and body["next"] is None
    detail = client.get(f"/api/v1/municipalities/musterstadt/projects/{kita.pk}").json()
    assert detail["estimated_costs_eur"] == 6_400_000.0 and detail["latitude"] == 51.97
    assert detail["history"][0]["status"] == "planning"
    assert detail["milestones"][0]["title"] == "Richtfest" and detail["funding"][0]["amount_eur"] == 2_500_000.0
    assert client.get("/api/v1/municipalities/musterstadt/projects", {"status": "nonsense"}).status_code in (400, 422)
    assert client.get("/api/v1/municipalities/musterstadt/projects", {"cursor": "kaputt"}).status_code == 400


# --- Demo -------------------------------------------------------------------------------------------------------


def test_the_demo_seeder_is_idempotent(musterstadt):
    staff = UserFactory()
    MembershipFactory(user=staff, municipality=musterstadt, role="staff")
    data = DemoData(municipality=musterstadt, staff=staff, resident=UserFactory(), partner=UserFactory())
    demo.seed_projects(data)
    counts = Project.objects.count(), StatusChange.objects.count(), Milestone.objects.count()
    assert counts[0] == 20 and counts[1] > 40
    assert set(Project.objects.values_list("status", flat=True)) == {
        "idea", "planning", "decided", "in_construction", "done", "stopped"}
    demo.seed_projects(data)
    assert (Project.objects.count(), StatusChange.objects.count(), Milestone.objects.count()) == counts


@pytest.mark.parametrize("query", [{"text": "Kita\x00"}, {"text": "x" * 500}, {"department": "Tiefbau\x1f"},
                                   {"status": "in_construction' OR 1=1"}, {"area": "Süd" * 100}])
def test_hostile_filters_are_ignored_with_a_message(client, musterstadt, kita, query):
    response = client.get(url("list", musterstadt), query)
    assert response.status_code == 200
    assert "Neubau Kita Lindenhof" in response.content.decode()


def test_the_home_page_shows_the_projects_whose_status_changed_last(client, musterstadt, anderstadt, kita):
    ProjectFactory(municipality=musterstadt, title="Radweg", status="in_construction")
    page = client.get(musterstadt.get_absolute_url()).content.decode()
    assert "Neubau Kita Lindenhof" in page and "davon 1 im Bau" in page
    assert "home-projects-heading" not in client.get(anderstadt.get_absolute_url()).content.decode()
