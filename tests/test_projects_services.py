"""The Vorhabenliste's services, selectors, trail source, records and registries: called directly."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from kommune.core.linkables import linkable_by_kind, linkables
from kommune.core.notifications.models import Notification
from kommune.core.notifications.services import do_follow
from kommune.core.privacy import NOT_EXPORTED, personal_foreign_keys
from kommune.core.records import record_set
from kommune.core.search.models import SearchDocument
from kommune.core.trail import trail_for
from kommune.projects import records, selectors, services
from kommune.projects.models import Project, ProjectLink, Status, StatusChange
from kommune.projects.trail import project_trail
from tests.factories_processes import ProcessFactory
from tests.factories_projects import ProjectFactory
from tests.factories_proposals import ProposalFactory, published_proposal

pytestmark = pytest.mark.django_db


def _create(carol, musterstadt, **fields):
    fields.setdefault("title", "Neubau Kita Lindenhof")
    return services.do_create_project(municipality=musterstadt, actor=carol, **fields)


def test_a_new_project_has_its_first_status_step_and_is_found(musterstadt, carol):
    project = _create(carol, musterstadt, summary="Sechs Gruppen.", description="## Bau\n\n**Holz**",
                      status=Status.PLANNING, status_note="Der Entwurf liegt vor.", estimated_costs="6400000.50",
                      latitude="51.9625", longitude="7.6255", department="Hochbauamt")
    assert project.status == "planning" and project.status_changed_on == timezone.localdate()
    assert "<strong>Holz</strong>" in project.description_html
    assert project.estimated_costs == Decimal("6400000.50")
    assert [(s.status, s.note) for s in selectors.history_of(project)] == [("planning", "Der Entwurf liegt vor.")]
    document = SearchDocument.objects.get(url=project.get_absolute_url())
    assert "Kita" in document.title


def test_a_status_change_keeps_the_history_and_notifies_the_followers(musterstadt, carol, alice):
    project = _create(carol, musterstadt, status=Status.PLANNING,
                      status_changed_on=timezone.localdate() - timedelta(days=10))
    do_follow(user=alice, target=project)
    services.do_change_status(project=project, actor=carol, status=Status.DECIDED, note="Der Rat hat beschlossen.")
    project.refresh_from_db()
    assert project.status == "decided"
    assert [s.status for s in selectors.history_of(project)] == ["planning", "decided"]
    notification = Notification.objects.get(user=alice)
    assert notification.activity.verb == "project.status_changed"
    assert "Neubau Kita Lindenhof" in notification.activity.sentence


@pytest.mark.parametrize("change, field", [
    ({"status": "decided", "changed_on": "2099-01-01"}, "changed_on"),  # in the future
    ({"status": "decided", "changed_on": "2000-01-01"}, "changed_on"),  # before the current step
    ({"status": "planning"}, "status"),  # the current status again
    ({"status": "verschollen"}, "status"),
    ({"status": "decided", "note": "Beschluss\x00"}, "note"),
    ({"status": "decided", "changed_on": "31.02.2026"}, "changed_on"),
])
def test_a_bad_status_change_is_refused_and_changes_nothing(musterstadt, carol, change, field):
    project = _create(carol, musterstadt, status=Status.PLANNING)
    with pytest.raises(ValidationError) as refused:
        services.do_change_status(project=project, actor=carol, **change)
    assert field in refused.value.message_dict
    assert StatusChange.objects.filter(project=project).count() == 1
    project.refresh_from_db()
    assert project.status == "planning"


@pytest.mark.parametrize("fields, field", [
    ({"title": "  "}, "title"),
    ({"estimated_costs": "-5"}, "estimated_costs"),
    ({"estimated_costs": "1e400"}, "estimated_costs"),
    ({"estimated_costs": "12,345.678"}, "estimated_costs"),
    ({"actual_costs": "NaN"}, "actual_costs"),
    ({"latitude": "51.9"}, "latitude"),
    ({"latitude": "91", "longitude": "7"}, "latitude"),
    ({"summary": "x" * 301}, "summary"),
])
def test_bad_project_input_is_refused(musterstadt, carol, fields, field):
    fields.setdefault("title", "Radweg")
    with pytest.raises(ValidationError) as refused:
        services.do_create_project(municipality=musterstadt, actor=carol, **fields)
    assert field in refused.value.message_dict
    assert not Project.objects.exists()


def test_only_staff_of_the_municipality_write(musterstadt, carol, alice, bob, dave):
    project = _create(carol, musterstadt)
    for person in (alice, bob, dave):
        with pytest.raises(PermissionDenied):
            services.do_create_project(municipality=musterstadt, actor=person, title="Fremd")
        with pytest.raises(PermissionDenied):
            services.do_change_status(project=project, actor=person, status=Status.DONE)
        with pytest.raises(PermissionDenied):
            services.do_update_project(project=project, actor=person, title="Fremd")
    assert Project.objects.get().title == "Neubau Kita Lindenhof"


def test_milestones_and_funding(musterstadt, carol):
    project = _create(carol, musterstadt)
    with pytest.raises(ValidationError) as refused:
        services.do_save_milestone(project=project, actor=carol, title="Baubeginn")
    assert "planned_on" in refused.value.message_dict
    with pytest.raises(ValidationError):
        services.do_save_milestone(project=project, actor=carol, title="Eröffnung",
                                   reached_on=timezone.localdate() + timedelta(days=1))
    milestone = services.do_save_milestone(project=project, actor=carol, title="Baubeginn",
                                           planned_on=timezone.localdate() + timedelta(days=30))
    services.do_save_milestone(project=project, actor=carol, milestone=milestone, title="Baubeginn",
                               planned_on=milestone.planned_on, reached_on=timezone.localdate())
    assert selectors.milestones_of(project)[0].reached_on == timezone.localdate()
    services.do_add_funding(project=project, actor=carol, source="Land NRW", amount="2500000")
    services.do_add_funding(project=project, actor=carol, source="Haushalt", amount=Decimal("1000.25"))
    with pytest.raises(ValidationError):
        services.do_add_funding(project=project, actor=carol, source="Haushalt", amount="viel")
    assert selectors.funding_total(project) == Decimal("2501000.25")


def test_links_only_to_public_objects_of_the_same_municipality(musterstadt, anderstadt, carol):
    project = _create(carol, musterstadt)
    proposal = published_proposal(musterstadt, title="Trinkbrunnen im Stadtpark")
    draft = ProposalFactory(municipality=musterstadt, title="Entwurf")
    foreign = published_proposal(anderstadt, title="Anderswo")
    process = ProcessFactory(municipality=musterstadt, is_published=True)
    services.do_link(project=project, actor=carol, kind="proposal", object_id=proposal.pk)
    services.do_link(project=project, actor=carol, kind="process", object_id=str(process.pk))
    for kind, object_id in (("proposal", draft.pk), ("proposal", foreign.pk), ("nothing", proposal.pk),
                            ("proposal", "1; drop table"), ("proposal", proposal.pk)):
        with pytest.raises(ValidationError):
            services.do_link(project=project, actor=carol, kind=kind, object_id=object_id)
    assert ProjectLink.objects.count() == 2
    titles = [item.title for item in selectors.linked_objects(project, municipality=musterstadt)]
    assert titles == ["Trinkbrunnen im Stadtpark", process.title]


def test_a_link_to_an_object_that_left_the_public_is_not_shown(musterstadt, carol):
    project = _create(carol, musterstadt)
    proposal = published_proposal(musterstadt)
    services.do_link(project=project, actor=carol, kind="proposal", object_id=proposal.pk)
    proposal.hidden_at = timezone.now()
    proposal.save()
    assert selectors.linked_objects(project, municipality=musterstadt) == []


def test_the_kinds_of_links_come_from_the_apps_that_own_them():
    kinds = [linkable.kind for linkable in linkables()]
    assert kinds[:3] == ["process", "proposal", "paper"]
    assert linkable_by_kind("paper").model._meta.label == "council.Paper"


def test_the_trail_of_a_linked_proposal_shows_the_project_steps_in_bounded_queries(musterstadt, anderstadt, carol):
    proposal = published_proposal(musterstadt, title="Trinkbrunnen im Stadtpark")
    for number in range(3):
        project = _create(carol, musterstadt, title=f"Brunnen {number}", status=Status.PLANNING,
                          status_changed_on=timezone.localdate() - timedelta(days=20))
        services.do_change_status(project=project, actor=carol, status=Status.DECIDED, note="Beschlossen.",
                                  changed_on=timezone.localdate() - timedelta(days=5))
        services.do_link(project=project, actor=carol, kind="proposal", object_id=proposal.pk)
    unlinked = _create(carol, musterstadt, title="Anderes Vorhaben")
    with CaptureQueriesContext(connection) as queries:
        entries = project_trail(proposal)
    assert len(queries) <= 2
    assert len(entries) == 6
    assert {entry.source for entry in entries} == {"projects"}
    assert entries[-1].status == "decided" and entries[-1].text == "Beschlossen."
    assert entries[0].url.startswith("/musterstadt/vorhaben/")
    assert all(unlinked.title not in str(entry.title) for entry in entries)
    assert [e for e in trail_for(proposal) if e.source == "projects"] == sorted(
        entries, key=lambda e: e.when)
    assert project_trail(published_proposal(anderstadt)) == []
    assert project_trail(ProposalFactory.build(municipality=musterstadt)) == []


def test_the_record_sets_hold_no_personal_data(musterstadt, carol):
    project = _create(carol, musterstadt, estimated_costs=1000, latitude=51, longitude=7)
    services.do_add_funding(project=project, actor=carol, source="Haushalt", amount=400)
    services.do_change_status(project=project, actor=carol, status=Status.DECIDED)
    [row] = list(records.project_rows(musterstadt))
    assert set(row) == {column.name for column in record_set("projects").columns}
    assert row["funding_eur"] == 400.0 and row["estimated_costs_eur"] == 1000.0 and row["latitude"] == 51.0
    changes = list(records.change_rows(musterstadt))
    assert [change["status"] for change in changes] == ["idea", "decided"]
    assert "carol" not in repr(row) + repr(changes)


def test_staff_author_fields_are_declared_for_privacy():
    for key in ("projects.Project.created_by", "projects.StatusChange.created_by", "projects.ProjectLink.created_by"):
        assert key in personal_foreign_keys() and key in NOT_EXPORTED


def test_the_list_pages_filter_and_count(musterstadt, anderstadt):
    ProjectFactory(municipality=musterstadt, title="Radweg Nordstraße", status="decided", area="Nord")
    ProjectFactory(municipality=musterstadt, title="Kita Süd", status="idea", department="Jugendamt", area="Süd")
    ProjectFactory(municipality=anderstadt, title="Radweg Anderswo", status="decided")
    assert selectors.project_count(musterstadt) == 2
    assert [p.title for p in selectors.project_page(musterstadt, status="decided").items] == ["Radweg Nordstraße"]
    assert selectors.project_count(musterstadt, text="radweg") == 1
    assert selectors.project_count(musterstadt, department="Jugendamt") == 1
    assert selectors.project_count(musterstadt, status="bogus") == 0
    assert selectors.departments_of(musterstadt) == ["Jugendamt", "Tiefbauamt"]
    assert selectors.areas_of(musterstadt) == ["Nord", "Süd"]
    assert selectors.status_counts(musterstadt)["decided"] == 1


@pytest.mark.parametrize("key", ["projects", "project_status_changes"])
def test_the_record_sets_are_valid_frictionless_packages(key, musterstadt, carol, tmp_path):
    from tests.test_open_records import assert_valid, write

    project = _create(carol, musterstadt, summary="Mit „Anführungszeichen“, Komma; und Semikolon",
                      estimated_costs="1234.5", latitude="51.96", longitude="7.62")
    services.do_add_funding(project=project, actor=carol, source="Land", amount="1000")
    services.do_change_status(project=project, actor=carol, status=Status.DONE, note="Fertig.")
    _create(carol, musterstadt, title="Ohne Kosten")
    assert_valid(write(key, musterstadt, tmp_path))
