"""The lab workspace: two municipalities of a lab run one sub-project together; members work on it (tasks, notes,
documents, links, responsible people), choose each item's visibility (audited), and the lab's followers hear of
public news only. Personas: erin and carol of Musterstadt, dave of Anderstadt (outside the lab)."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from kommune.core.models import AuditLogEntry, Role
from kommune.core.notifications.models import Notification
from kommune.core.notifications.services import do_follow
from kommune.core.privacy import export_sections
from kommune.labs import selectors, services
from kommune.labs.models import MeetingNote, News, Responsible, SubProject, Task, Visibility
from tests.factories import LabFactory, MembershipFactory, MunicipalityFactory, OrganisationFactory, UserFactory
from tests.factories_labs import SECRET, lab_scene
from tests.factories_processes import published_process

pytestmark = pytest.mark.django_db


@pytest.fixture
def lab(musterstadt):
    lab = LabFactory(name="Labor Musterregion", slug="labor-musterregion")
    lab.municipalities.add(musterstadt)
    return lab


@pytest.fixture
def nachbarort(lab):
    town = MunicipalityFactory(name="Nachbarort", slug="nachbarort")
    lab.municipalities.add(town)
    return town


def _lab_member(lab, role=Role.STAFF, organisation=None, **fields):
    user = UserFactory(**fields)
    MembershipFactory(user=user, lab=lab, municipality=None, role=role, organisation=organisation)
    return user


def test_two_municipalities_of_a_lab_run_one_sub_project_together(lab, musterstadt, nachbarort):
    ours = _lab_member(lab, display_name="Jonas aus Musterstadt")
    verein = OrganisationFactory(municipality=nachbarort, name="Nachbarverein")
    theirs = _lab_member(lab, Role.PARTNER, verein, display_name="Nora vom Nachbarverein")
    process = published_process(musterstadt)
    sp = services.do_create_subproject(lab=lab, actor=ours, title="Digitale Sprechstunde", goal="Per Video ins Amt.",
                                       municipalities=[musterstadt, nachbarort], visibility=Visibility.PUBLIC,
                                       state=SubProject.State.RUNNING)
    services.do_add_responsible(subproject=sp, actor=ours, user=theirs, task="Begleitung")
    task = services.do_add_task(subproject=sp, actor=theirs, title="Ehrenamtliche gewinnen", owner=theirs,
                                due_on=timezone.localdate() + timedelta(days=7), visibility=Visibility.PUBLIC)
    services.do_set_task_done(task=task, actor=ours, done=True)
    services.do_add_note(subproject=sp, actor=theirs, title="Auftakt", met_on=timezone.localdate(),
                         text="## Ergebnis\n\n- **Start** im Mai\n<script>x</script>", visibility=Visibility.PUBLIC)
    services.do_link(subproject=sp, actor=ours, kind="process", municipality=musterstadt, object_id=process.pk)

    people = selectors.responsible_people(sp)
    assert {(p.name, p.organisation) for p in people} == {("Jonas aus Musterstadt", str(Role.STAFF.label)),
                                                         ("Nora vom Nachbarverein", "Nachbarverein")}
    assert sorted(m.slug for m in sp.municipalities.all()) == ["musterstadt", "nachbarort"]
    note = MeetingNote.objects.get(subproject=sp)
    assert "<strong>Start</strong>" in note.html and "<script>" not in note.html
    assert Task.objects.get(pk=task.pk).is_done
    page = Client().get(sp.get_absolute_url()).content.decode()
    for text in ("Digitale Sprechstunde", "Nachbarort", "Musterstadt", "Nachbarverein", "Ehrenamtliche gewinnen",
                 "Auftakt", process.title):
        assert text in page, text


def test_only_municipalities_and_members_of_the_lab_can_be_chosen(lab, musterstadt, anderstadt, dave):
    member = _lab_member(lab)
    with pytest.raises(ValidationError) as error:
        services.do_create_subproject(lab=lab, actor=member, title="X", goal="Y", municipalities=[anderstadt])
    assert "municipalities" in error.value.message_dict
    sp = services.do_create_subproject(lab=lab, actor=member, title="X", goal="Y", municipalities=[musterstadt])
    with pytest.raises(ValidationError):
        services.do_add_task(subproject=sp, actor=member, title="Z", owner=dave)
    with pytest.raises(ValidationError):
        services.do_add_responsible(subproject=sp, actor=member, user=dave)
    other = published_process(anderstadt)
    with pytest.raises(ValidationError):
        services.do_link(subproject=sp, actor=member, kind="process", municipality=anderstadt, object_id=other.pk)
    with pytest.raises(ValidationError):
        services.do_link(subproject=sp, actor=member, kind="process", municipality=musterstadt, object_id=other.pk)


def test_non_members_cannot_write(lab, musterstadt, alice, carol, erin, dave):
    member = _lab_member(lab)
    sp = services.do_create_subproject(lab=lab, actor=member, title="X", goal="Y", municipalities=[musterstadt])
    for outsider in (alice, carol, erin, dave):
        with pytest.raises(PermissionDenied):
            services.do_create_subproject(lab=lab, actor=outsider, title="X", goal="Y", municipalities=[musterstadt])
        with pytest.raises(PermissionDenied):
            services.do_add_task(subproject=sp, actor=outsider, title="Z")
        with pytest.raises(PermissionDenied):
            services.do_set_visibility(item=sp, actor=outsider, visibility=Visibility.PUBLIC)
    partner = _lab_member(lab, Role.PARTNER)
    with pytest.raises(PermissionDenied):  # news and dates are for the lab's admins and staff
        services.do_publish_news(lab=lab, actor=partner, title="N", text="T")


def test_a_change_of_visibility_is_audited_per_item(lab, musterstadt):
    member = _lab_member(lab)
    sp = services.do_create_subproject(lab=lab, actor=member, title="Sprechstunde", goal="Y",
                                       municipalities=[musterstadt])
    task = services.do_add_task(subproject=sp, actor=member, title="Aufgabe")
    services.do_set_visibility(item=task, actor=member, visibility=Visibility.PUBLIC)
    services.do_set_visibility(item=task, actor=member, visibility=Visibility.PUBLIC)  # no change, no entry
    services.do_update_subproject(subproject=sp, actor=member, visibility=Visibility.PUBLIC)
    entries = AuditLogEntry.objects.filter(lab=lab, action=AuditLogEntry.Action.LAB_ITEM_VISIBILITY_CHANGED)
    assert sorted((e.details["kind"], e.details["before"], e.details["after"]) for e in entries) == [
        ("subproject", "internal", "public"), ("task", "internal", "public")]
    with pytest.raises(ValidationError):
        services.do_set_visibility(item=task, actor=member, visibility="geheim")


def test_followers_of_the_lab_hear_of_public_news_only_once(lab, musterstadt, alice):
    admin = _lab_member(lab, Role.ADMIN)
    do_follow(user=alice, target=lab)
    internal = services.do_publish_news(lab=lab, actor=admin, title=f"{SECRET} Stand", text="…",
                                        visibility=Visibility.INTERNAL)
    assert not Notification.objects.filter(user=alice).exists()
    services.do_publish_news(lab=lab, actor=admin, title="Das Lab startet", text="Hallo.")
    services.do_set_visibility(item=internal, actor=admin, visibility=Visibility.PUBLIC)
    services.do_set_visibility(item=internal, actor=admin, visibility=Visibility.INTERNAL)
    services.do_set_visibility(item=internal, actor=admin, visibility=Visibility.PUBLIC)
    summaries = sorted(n.activity.summary for n in Notification.objects.filter(user=alice).select_related("activity"))
    assert summaries == ["Das Lab startet", f"{SECRET} Stand"]  # the second only once it was made public
    assert News.objects.get(pk=internal.pk).announced_at is not None


def test_the_web_forms_of_a_member(lab, musterstadt, nachbarort):
    member = _lab_member(lab, Role.ADMIN)
    client = Client()
    client.force_login(member)
    base = {"lab_slug": lab.slug}
    response = client.post(reverse("labs:subproject_create", kwargs=base), {
        "title": "Offene Daten im Kreis", "goal": "Drei Datensätze je Gemeinde.", "state": "planned",
        "municipalities": [musterstadt.pk, nachbarort.pk], "visibility": "public"})
    sp = SubProject.objects.get(title="Offene Daten im Kreis")
    assert response.status_code == 302 and response["Location"] == sp.get_absolute_url()
    one = {**base, "subproject_id": sp.pk}
    assert client.post(reverse("labs:task_create", kwargs=one), {
        "title": "Datensätze sammeln", "owner": member.pk, "due_on": "2030-01-31",
        "visibility": "internal"}).status_code == 302
    assert client.post(reverse("labs:note_create", kwargs=one), {
        "title": "Treffen", "met_on": "2026-11-02", "text": "Notiz", "visibility": "internal"}).status_code == 302
    upload = SimpleUploadedFile("plan.txt", b"Plan", content_type="text/plain")
    assert client.post(reverse("labs:document_create", kwargs=one), {
        "title": "Plan", "file": upload, "visibility": "public"}).status_code == 302
    assert client.post(reverse("labs:news_create", kwargs=base), {
        "title": "Neu", "text": "Text", "visibility": "public"}).status_code == 302
    assert client.post(reverse("labs:event_create", kwargs=base), {
        "title": "Hackday", "starts_at": "2030-05-04T10:00", "visibility": "public"}).status_code == 302
    task = Task.objects.get(subproject=sp)
    client.post(reverse("labs:task_done", kwargs={**one, "task_id": task.pk}), {"done": "1"})
    assert Task.objects.get(pk=task.pk).is_done
    client.post(reverse("labs:set_visibility", kwargs={**base, "item_kind": "task", "item_id": task.pk}),
                {"visibility": "public"})
    assert Task.objects.get(pk=task.pk).visibility == "public"
    # Bad input: a clear message, nothing written.
    response = client.post(reverse("labs:subproject_create", kwargs=base), {
        "title": "", "goal": "x", "state": "nonsense", "municipalities": [], "visibility": "public"})
    assert response.status_code == 200 and SubProject.objects.count() == 1
    assert client.post(reverse("labs:set_visibility", kwargs={**base, "item_kind": "nichts", "item_id": 1}),
                       {"visibility": "public"}).status_code == 404
    page = client.get(sp.get_absolute_url()).content.decode()
    assert "Datensätze sammeln" in page and "Treffen" in page and "Plan" in page


def test_pages_answer_with_a_constant_number_of_queries(musterstadt, django_assert_max_num_queries):
    scene = lab_scene(municipality=musterstadt)
    client = Client()
    client.force_login(scene.partner)
    with django_assert_max_num_queries(30):
        assert client.get(scene.lab.get_absolute_url()).status_code == 200
    with django_assert_max_num_queries(30):
        assert client.get(reverse("labs:subproject", kwargs={
            "lab_slug": scene.lab.slug, "subproject_id": scene.public_subproject_id})).status_code == 200


def test_privacy_export_and_deletion(musterstadt):
    scene = lab_scene(municipality=musterstadt)
    sections = export_sections(scene.partner)
    assert sections["lab_responsibilities"][0]["task"] == "Begleitung"
    assert {row["task"] for row in sections["lab_tasks"]} >= {f"{SECRET} Aufgabe {scene.lab.slug}"}
    from kommune.labs.privacy import forget

    forget(scene.partner)
    assert not Responsible.objects.filter(user=scene.partner).exists()
    assert not Task.objects.filter(owner=scene.partner).exists()


def test_sub_projects_are_linkable_by_other_features(musterstadt):
    from kommune.core.linkables import linkable_by_kind

    scene = lab_scene(municipality=musterstadt)
    linkable = linkable_by_kind("lab_subproject")
    assert linkable is not None
    assert [sp.pk for sp in linkable.queryset(musterstadt)] == [scene.public_subproject_id]


@pytest.mark.parametrize("value", ["9" * 25, "9" * 5000, "²", "a\x00b", "-1"])
def test_hostile_input_to_the_forms_is_refused_without_a_server_error(musterstadt, value):
    scene = lab_scene(municipality=musterstadt)
    admin = _lab_member(scene.lab, Role.ADMIN)
    client = Client()
    client.force_login(admin)
    lab, sp = scene.lab.slug, scene.public_subproject_id
    forms = {
        reverse("labs:subproject_create", kwargs={"lab_slug": lab}): ("title", "goal", "municipalities", "state",
                                                                      "starts_on", "visibility"),
        reverse("labs:task_create", kwargs={"lab_slug": lab, "subproject_id": sp}): ("title", "owner", "due_on"),
        reverse("labs:responsible_add", kwargs={"lab_slug": lab, "subproject_id": sp}): ("user", "task"),
        reverse("labs:link_create", kwargs={"lab_slug": lab, "subproject_id": sp}): ("kind", "municipality",
                                                                                     "object_id"),
        reverse("labs:news_create", kwargs={"lab_slug": lab}): ("title", "text", "subproject", "visibility"),
        reverse("labs:event_create", kwargs={"lab_slug": lab}): ("title", "starts_at", "subproject"),
        reverse("labs:set_visibility", kwargs={"lab_slug": lab, "item_kind": "task",
                                               "item_id": scene.public_task_id}): ("visibility",),
    }
    for url, names in forms.items():
        response = client.post(url, dict.fromkeys(names, value))
        assert response.status_code < 500, url
    response = client.get(f"/api/v1/labs/{lab}/subprojects/{value}")
    assert response.status_code < 500
