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


def _lab_impact_model(scene, carol, musterstadt, title: str, *, values: int = 2, subproject=None):
    """A public impact model of the lab (or, with ``subproject``, of one of its sub-projects) with an entered
    indicator and ``values`` monthly values."""
    from kommune.impact import services as impact_services

    if subproject is None:
        model = impact_services.do_save_model(municipality=musterstadt, actor=carol, title=title, is_public=True,
                                              lab=scene.lab)
    else:
        model = impact_services.do_save_model(municipality=musterstadt, actor=carol, title=title, is_public=True,
                                              link_kind="lab_subproject", link_id=subproject)
    indicator = impact_services.do_add_indicator(actor=carol, model=model, level="outputs", source="entered",
                                                 title=f"Kennzahl von {title}", target_value="10")
    today = timezone.localdate()
    for months_ago in range(values):
        day = (today.replace(day=1) - timedelta(days=31 * months_ago)).replace(day=5)
        impact_services.do_enter_value(actor=carol, indicator=indicator, value=3 + months_ago, source="Liste",
                                       measured_on=day)
    return model


def _queries(client: Client, url: str) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_pages_answer_with_a_constant_number_of_queries(musterstadt, carol, django_assert_max_num_queries):
    scene = lab_scene(municipality=musterstadt)
    _lab_impact_model(scene, carol, musterstadt, "Wirkung A")
    client = Client()
    client.force_login(scene.partner)
    home = scene.lab.get_absolute_url()
    subproject = reverse("labs:subproject", kwargs={"lab_slug": scene.lab.slug,
                                                    "subproject_id": scene.public_subproject_id})
    with django_assert_max_num_queries(30):
        assert client.get(home).status_code == 200
    with django_assert_max_num_queries(30):
        assert client.get(subproject).status_code == 200
    small = (_queries(client, home), _queries(client, subproject))
    # More of everything: sub-projects, items, news, impact models with more indicators' values.
    sp = SubProject.objects.get(pk=scene.public_subproject_id)
    admin = _lab_member(scene.lab, Role.ADMIN)
    for number in range(4):
        services.do_create_subproject(lab=scene.lab, actor=scene.lead, title=f"Mehr {number}", goal="Ziel",
                                      municipalities=[musterstadt], visibility=Visibility.PUBLIC)
        services.do_add_task(subproject=sp, actor=scene.lead, title=f"Aufgabe {number}", owner=scene.partner)
        services.do_add_note(subproject=sp, actor=scene.lead, title=f"Notiz {number}", met_on=timezone.localdate(),
                             text="Text")
        services.do_publish_news(lab=scene.lab, actor=admin, title=f"Neuigkeit {number}", text="Text",
                                 subproject=sp)
        _lab_impact_model(scene, carol, musterstadt, f"Wirkung {number}", values=4)
    _lab_impact_model(scene, carol, musterstadt, "Wirkung im Teilprojekt", subproject=sp.pk)
    assert (_queries(client, home), _queries(client, subproject)) == small


# --- Editing and deleting -----------------------------------------------------------------------------------------


def _logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_members_edit_a_task_reopen_it_and_delete_it_after_confirming(musterstadt):
    scene = lab_scene(municipality=musterstadt)
    client = _logged_in(scene.partner)
    one = {"lab_slug": scene.lab.slug, "subproject_id": scene.public_subproject_id, "task_id": scene.public_task_id}
    edit = reverse("labs:task_edit", kwargs=one)
    assert "Offene Aufgabe" in client.get(edit).content.decode()
    response = client.post(edit, {"title": "Räume buchen", "due_on": "2030-02-01", "owner": scene.lead.pk,
                                  "visibility": "internal"})
    assert response.status_code == 302
    task = Task.objects.get(pk=scene.public_task_id)
    assert (task.title, task.due_on.isoformat(), task.owner, task.visibility) == (
        "Räume buchen", "2030-02-01", scene.lead, "internal")
    entry = AuditLogEntry.objects.get(lab=scene.lab, action=AuditLogEntry.Action.LAB_ITEM_VISIBILITY_CHANGED,
                                      details__kind="task")
    assert (entry.actor, entry.details["before"], entry.details["after"]) == (scene.partner, "public", "internal")
    # Done, then reopened.
    done = reverse("labs:task_done", kwargs=one)
    client.post(done, {"done": "1"})
    assert Task.objects.get(pk=task.pk).is_done
    page = client.get(reverse("labs:subproject", kwargs={"lab_slug": scene.lab.slug,
                                                         "subproject_id": scene.public_subproject_id}))
    assert "Wieder öffnen" in page.content.decode()
    client.post(done, {"done": "0"})
    assert not Task.objects.get(pk=task.pk).is_done
    # Wrong input: a German message, nothing changes.
    response = client.post(edit, {"title": "  ", "due_on": "kein Datum", "owner": "999999",
                                  "visibility": "geheim"})
    assert response.status_code == 200 and "Bitte" in response.content.decode()
    assert Task.objects.get(pk=task.pk).title == "Räume buchen"
    # A person outside the lab cannot be the owner.
    outsider = UserFactory()
    response = client.post(edit, {"title": "X", "owner": outsider.pk, "visibility": "public"})
    assert response.status_code == 200 and Task.objects.get(pk=task.pk).title == "Räume buchen"
    # Deleting asks first: the GET only shows the question.
    delete = reverse("labs:task_delete", kwargs=one)
    page = client.get(delete).content.decode()
    assert "Räume buchen" in page and "<form method=\"post\"" in page
    assert Task.objects.filter(pk=task.pk).exists()
    assert client.post(delete).status_code == 302
    assert not Task.objects.filter(pk=task.pk).exists()


def test_members_edit_and_delete_meeting_notes(musterstadt):
    scene = lab_scene(municipality=musterstadt)
    client = _logged_in(scene.partner)
    one = {"lab_slug": scene.lab.slug, "subproject_id": scene.public_subproject_id, "note_id": scene.public_note_id}
    response = client.post(reverse("labs:note_edit", kwargs=one), {
        "title": "Auftakt (korrigiert)", "met_on": "2026-03-04", "text": "- **Neu**\n<script>x</script>",
        "visibility": "public"})
    note = MeetingNote.objects.get(pk=scene.public_note_id)
    assert response.status_code == 302 and response["Location"] == note.get_absolute_url()
    assert note.title == "Auftakt (korrigiert)" and note.met_on.isoformat() == "2026-03-04"
    assert "<strong>Neu</strong>" in note.html and "<script>" not in note.html
    assert note.author == scene.lead  # who wrote them first
    response = client.post(reverse("labs:note_edit", kwargs=one), {"title": "", "met_on": "", "text": "",
                                                                   "visibility": "public"})
    assert response.status_code == 200 and "Bitte" in response.content.decode()
    assert MeetingNote.objects.get(pk=note.pk).title == "Auftakt (korrigiert)"
    assert "Protokoll löschen" in client.get(note.get_absolute_url()).content.decode()
    assert "endgültig" in client.get(reverse("labs:note_delete", kwargs=one)).content.decode()
    assert MeetingNote.objects.filter(pk=note.pk).exists()
    assert client.post(reverse("labs:note_delete", kwargs=one)).status_code == 302
    assert not MeetingNote.objects.filter(pk=note.pk).exists()
    assert client.get(note.get_absolute_url()).status_code == 404
    assert AuditLogEntry.objects.filter(action=AuditLogEntry.Action.LAB_ITEM_DELETED, details__kind="note",
                                        details__item=note.pk).exists()


def test_members_delete_a_document_and_its_file(musterstadt):
    scene = lab_scene(municipality=musterstadt)
    client = _logged_in(scene.partner)
    from kommune.labs.models import Document

    document = Document.objects.get(pk=scene.public_document_id)
    storage, name = document.file.storage, document.file.name
    assert storage.exists(name)
    one = {"lab_slug": scene.lab.slug, "subproject_id": scene.public_subproject_id,
           "document_id": scene.public_document_id}
    assert client.get(reverse("labs:document_delete", kwargs=one)).status_code == 200
    assert storage.exists(name)
    with pytest.raises(PermissionDenied):
        services.do_delete_document(document=document, actor=UserFactory())
    assert client.post(reverse("labs:document_delete", kwargs=one)).status_code == 302  # the file goes after commit
    assert not Document.objects.filter(pk=document.pk).exists()
    assert not storage.exists(name)
    assert AuditLogEntry.objects.get(lab=scene.lab, action=AuditLogEntry.Action.LAB_ITEM_DELETED,
                                     actor=scene.partner).details["title"] == document.title
    assert client.get(reverse("labs:document", kwargs=one)).status_code == 404


def test_the_lab_s_staff_edit_and_delete_its_news_partners_cannot(musterstadt, alice):
    from kommune.core.notifications.models import Activity
    from kommune.core.search.models import SearchDocument

    scene = lab_scene(municipality=musterstadt)
    admin = _lab_member(scene.lab, Role.ADMIN)
    do_follow(user=alice, target=scene.lab)
    one = {"lab_slug": scene.lab.slug, "news_id": scene.internal_news_id}
    partner = _logged_in(scene.partner)
    for name in ("labs:news_edit", "labs:news_delete"):
        assert partner.get(reverse(name, kwargs=one)).status_code == 403
        assert partner.post(reverse(name, kwargs=one), {"title": "X", "text": "Y"}).status_code == 403
    news = News.objects.get(pk=scene.internal_news_id)
    with pytest.raises(PermissionDenied):
        services.do_update_news(news=news, actor=scene.partner, title="X", text="Y")
    with pytest.raises(PermissionDenied):
        services.do_delete_news(news=news, actor=scene.partner)
    client = _logged_in(admin)
    # Wrong input: a German message, nothing changes.
    response = client.post(reverse("labs:news_edit", kwargs=one), {"title": "", "text": "", "visibility": "x"})
    assert response.status_code == 200 and "Bitte" in response.content.decode()
    assert News.objects.get(pk=news.pk).title == news.title
    # Made public by editing: audited, announced to the lab's followers once, found in the search.
    response = client.post(reverse("labs:news_edit", kwargs=one), {
        "title": "Das Lab lädt ein", "text": "**Alle** sind willkommen.", "visibility": "public"})
    news = News.objects.get(pk=news.pk)
    assert response.status_code == 302 and news.title == "Das Lab lädt ein" and news.is_public
    assert "<strong>Alle</strong>" in news.html
    assert AuditLogEntry.objects.filter(lab=scene.lab, details__kind="news", details__after="public").exists()
    assert Notification.objects.filter(user=alice, activity__summary="Das Lab lädt ein").count() == 1
    assert SearchDocument.objects.filter(title="Das Lab lädt ein").exists()
    # Deleted after confirming: gone from the page, the search and the activity streams.
    delete = reverse("labs:news_delete", kwargs=one)
    assert "Das Lab lädt ein" in client.get(delete).content.decode()
    assert News.objects.filter(pk=news.pk).exists()
    response = client.post(delete)
    assert response.status_code == 302 and response["Location"] == reverse("labs:news_list",
                                                                            kwargs={"lab_slug": scene.lab.slug})
    assert not News.objects.filter(pk=news.pk).exists()
    assert not SearchDocument.objects.filter(title="Das Lab lädt ein").exists()
    assert Activity.objects.filter(summary="Das Lab lädt ein", is_withdrawn=False).count() == 0
    assert client.get(reverse("labs:news", kwargs=one)).status_code == 404


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
