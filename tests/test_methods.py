"""The methods library (kommune/methods): methods with versions and their real uses, templates copied into another
municipality with shifted dates, the search with German stemming, the open data and the permissions."""

import json
from datetime import date, datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from kommune.core import pagecache
from kommune.core.models import AuditLogEntry
from kommune.core.processes import services as process_services
from kommune.core.processes.models import Process
from kommune.core.records import record_set
from kommune.methods import selectors, services
from kommune.methods.models import LICENSE, Method, MethodUse, MethodVersion, TemplateCopy
from tests.factories import LabFactory, MunicipalityFactory
from tests.factories_methods import METHOD_TEXT, method_of, setup_process, staff_of, template_of
from tests.factories_processes import published_process


def _local(moment: datetime) -> tuple[date, str]:
    local = timezone.localtime(moment)
    return local.date(), local.strftime("%H:%M")


# --- Reuse a setup --------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_template_made_in_one_municipality_is_copied_into_another_with_its_dates_shifted(musterstadt, anderstadt,
                                                                                           dave):
    method = method_of(musterstadt)
    template = template_of(musterstadt, method=method)

    copy = services.do_copy_template(template=template, municipality=anderstadt, actor=dave,
                                     start=date(2026, 10, 12))

    process = Process.objects.get(pk=copy.object_id)
    assert process.municipality == anderstadt and not process.is_published
    assert (process.title, process.summary) == ("Neugestaltung des Marktplatzes", "Wie soll der Platz aussehen?")
    phases = list(process.phases.order_by("starts_at"))
    # Days after the start and local times as in the origin, across the end of summer time on 25 October.
    assert [(_local(p.starts_at), _local(p.ends_at)) for p in phases] == [
        ((date(2026, 10, 12), "10:00"), (date(2026, 10, 26), "18:00")),
        ((date(2026, 10, 26), "18:00"), (date(2026, 11, 21), "10:00")),
        ((date(2026, 11, 21), "10:00"), (date(2026, 12, 11), "10:00")),
    ]
    assert phases[1].title == "Dialog" and phases[1].features == ["comments"]
    # The copy keeps its link to the origin; the process is tagged with the template's method.
    assert copy.template == template and copy.object_url == process.get_absolute_url()
    assert MethodUse.objects.filter(method=method, process=process, municipality=anderstadt).exists()
    entry = AuditLogEntry.objects.get(municipality=anderstadt, action=AuditLogEntry.Action.TEMPLATE_COPIED)
    assert entry.actor == dave and entry.details["origin"] == "Musterstadt"
    # The origin is untouched.
    assert Process.objects.filter(municipality=musterstadt).count() == 1


@pytest.mark.django_db
def test_copying_needs_staff_in_the_target_municipality(musterstadt, anderstadt, alice, carol, dave):
    template = template_of(anderstadt)
    with pytest.raises(PermissionDenied):  # dave is staff of Anderstadt, not of Musterstadt
        services.do_copy_template(template=template, municipality=musterstadt, actor=dave, start=date(2027, 1, 4))
    with pytest.raises(PermissionDenied):
        services.do_copy_template(template=template, municipality=musterstadt, actor=alice, start=date(2027, 1, 4))
    with pytest.raises(ValidationError):
        services.do_copy_template(template=template, municipality=musterstadt, actor=carol, start=None)
    assert not TemplateCopy.objects.exists()
    services.do_copy_template(template=template, municipality=musterstadt, actor=carol, start=date(2027, 1, 4))
    assert TemplateCopy.objects.filter(municipality=musterstadt).count() == 1


@pytest.mark.django_db
def test_only_a_setup_of_the_own_municipality_becomes_a_template(musterstadt, anderstadt, carol):
    foreign = setup_process(anderstadt)
    with pytest.raises(ValidationError):
        services.do_publish_template(municipality=musterstadt, actor=carol, kind="process", source_id=foreign.pk)
    with pytest.raises(ValidationError):
        services.do_publish_template(municipality=musterstadt, actor=carol, kind="nothing", source_id=foreign.pk)
    with pytest.raises(PermissionDenied):
        services.do_publish_template(municipality=anderstadt, actor=carol, kind="process", source_id=foreign.pk)


@pytest.mark.django_db
def test_the_library_shows_where_a_template_was_reused(client, musterstadt, anderstadt, dave):
    method = method_of(musterstadt)
    template = template_of(musterstadt, method=method)
    copy = services.do_copy_template(template=template, municipality=anderstadt, actor=dave, start=date(2027, 1, 4))

    template_page = client.get(template.get_absolute_url()).content.decode()
    assert "Anderstadt" in template_page and copy.object_url in template_page
    method_page = client.get(method.get_absolute_url()).content.decode()
    assert template.title in method_page and "Anderstadt" in method_page
    listing = client.get(reverse("methods:templates")).content.decode()
    assert template.title in listing and "1 Mal" in listing
    assert [c.municipality for c in selectors.template_copies(template)] == [anderstadt]
    own = client.get(reverse("methods:municipality", kwargs={"municipality_slug": "anderstadt"})).content.decode()
    assert "Musterstadt" in own and template.title in own


@pytest.mark.django_db
def test_the_copy_page_copies_and_refuses_a_missing_start_with_a_message(client, musterstadt, anderstadt, carol):
    template = template_of(anderstadt)
    client.force_login(carol)
    url = reverse("methods:copy_template", kwargs={"municipality_slug": "musterstadt", "template_id": template.pk})
    assert client.get(url).status_code == 200
    refused = client.post(url, {"start": ""})
    assert refused.status_code == 400 and "Bitte geben Sie den Tag an" in refused.content.decode()
    assert client.post(url, {"start": "31.02.2027"}).status_code == 400
    assert client.post(url, {"start": "9999-12-31"}).status_code == 400
    done = client.post(url, {"start": "2027-02-01"})
    copy = TemplateCopy.objects.get()
    assert done.status_code == 302 and done["Location"] == copy.object_url


# --- Real uses ------------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_method_counts_its_uses_in_published_processes_and_municipalities(client, musterstadt, anderstadt):
    third = MunicipalityFactory(name="Drittstadt", slug="drittstadt", official_key="07999000", federal_state="07")
    method = method_of(musterstadt, title="Online-Konsultation")
    processes = [published_process(musterstadt), published_process(musterstadt), published_process(anderstadt),
                 published_process(third)]
    hidden = setup_process(anderstadt)  # unpublished: not counted
    for process in [*processes, hidden]:
        services.do_set_process_methods(process=process, actor=staff_of(process.municipality), methods=[method])

    counted = selectors.with_use_counts(Method.objects.filter(pk=method.pk)).get()
    assert (counted.process_count, counted.municipality_count) == (4, 3)
    page = client.get(method.get_absolute_url()).content.decode()
    assert "in 4 Verfahren in 3 Kommunen" in page
    for process in processes:
        assert process.get_absolute_url() in page
    assert hidden.get_absolute_url() not in page


@pytest.mark.django_db
def test_tagging_a_process_replaces_its_methods_and_needs_staff(musterstadt, anderstadt, carol, dave):
    first, second = method_of(musterstadt, title="World Café"), method_of(anderstadt, title="Bürgerrat")
    process = published_process(musterstadt)
    services.do_set_process_methods(process=process, actor=carol, methods=[first, second])
    services.do_set_process_methods(process=process, actor=carol, methods=[second])
    assert list(MethodUse.objects.filter(process=process).values_list("method__title", flat=True)) == ["Bürgerrat"]
    with pytest.raises(PermissionDenied):
        services.do_set_process_methods(process=process, actor=dave, methods=[first])


# --- Versions -------------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_every_edit_keeps_the_previous_version(client, musterstadt):
    method = method_of(musterstadt, versions=1)
    actor = staff_of(musterstadt)
    edited = services.do_update_method(method=method, actor=actor, note="Schritte ergänzt",
                                       steps="1. Einladen\n2. Prototyp bauen", title="Co-Design-Werkstatt")
    assert edited.version == 2 and edited.title == "Co-Design-Werkstatt"
    assert "Prototyp bauen" in edited.steps_html
    unchanged = services.do_update_method(method=edited, actor=actor, title="Co-Design-Werkstatt")
    assert unchanged.version == 2 and MethodVersion.objects.filter(method=method).count() == 2
    first = MethodVersion.objects.get(method=method, number=1)
    assert first.content["title"] == f"Co-Design-Workshop {musterstadt.slug}"
    assert first.content["steps"] == METHOD_TEXT["steps"]

    history = client.get(reverse("methods:history", kwargs={"method_slug": method.slug})).content.decode()
    assert "Version 1" in history and "Version 2" in history and "Schritte ergänzt" in history
    old = client.get(reverse("methods:version", kwargs={"method_slug": method.slug, "number": 1}))
    assert old.status_code == 200 and "Co-Design-Workshop" in old.content.decode()
    assert "frühere Version" in old.content.decode()
    assert client.get(reverse("methods:version", kwargs={"method_slug": method.slug, "number": 9})).status_code == 404


@pytest.mark.django_db
def test_a_method_is_checked_before_it_is_saved(musterstadt, carol):
    with pytest.raises(ValidationError) as error:
        services.do_create_method(author=musterstadt, actor=carol, title="", summary="x", purpose="x",
                                  perspectives=["sorcery"], effort="huge", duration="x", steps="x",
                                  group_size_min=30, group_size_max=8)
    assert set(error.value.message_dict) == {"title", "perspectives", "effort", "group_size_max"}
    assert not Method.objects.exists()


@pytest.mark.django_db
def test_lab_staff_write_methods_for_the_lab_and_others_cannot_edit_them(client, musterstadt, carol):
    lab = LabFactory(slug="lab-nord")
    lab.municipalities.add(musterstadt)
    lab_staff = staff_of(lab)
    method = services.do_create_method(author=lab, actor=lab_staff, title="Service Journey",
                                       **{**METHOD_TEXT, "perspectives": ["culture"]})
    assert method.lab == lab and method.municipality is None
    with pytest.raises(PermissionDenied):  # staff of a member municipality are not staff of the lab
        services.do_update_method(method=method, actor=carol, title="Geändert")
    client.force_login(lab_staff)
    url = reverse("methods:lab_edit", kwargs={"lab_slug": lab.slug, "method_slug": method.slug})
    data = {**METHOD_TEXT, "title": "Service Journey", "kind": "tool", "note": "Werkzeug"}
    assert client.post(url, data).status_code == 302
    assert Method.objects.get().kind == "tool"
    # A municipality's edit page does not reach a lab's method.
    client.force_login(carol)
    assert client.get(reverse("methods:edit", kwargs={"municipality_slug": "musterstadt",
                                                      "method_slug": method.slug})).status_code == 404


@pytest.mark.django_db
def test_staff_write_a_method_on_the_page(client, musterstadt, carol, alice):
    url = reverse("methods:create", kwargs={"municipality_slug": "musterstadt"})
    client.force_login(alice)
    assert client.get(url).status_code == 403
    client.force_login(carol)
    refused = client.post(url, {"title": "Bürgerrat\x07"})
    assert refused.status_code == 400 and not Method.objects.exists()
    done = client.post(url, {**METHOD_TEXT, "title": "Bürgerrat", "kind": "method"})
    method = Method.objects.get()
    assert done.status_code == 302 and done["Location"] == method.get_absolute_url()
    assert method.municipality == musterstadt and method.slug == "buergerrat" and method.version == 1


# --- Search, open data ----------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_search_finds_methods_with_german_stemming(client, musterstadt, anderstadt):
    method_of(musterstadt, title="Co-Design-Workshop")
    method_of(anderstadt, title="Bürgerräte in Kommunen", purpose="Geloste Bürgerinnen beraten.")
    method_of(anderstadt, title="Open-Data-Hackday", purpose="Daten", steps="Programmieren",
              summary="Ein Tag mit offenen Daten.")

    def found(query: str) -> list[str]:
        return [m.title for m in selectors.library(query=query).methods]

    assert found("Workshops") == ["Co-Design-Workshop"]
    assert found("Workshop") == ["Co-Design-Workshop"]
    assert found("Bürgerrat") == ["Bürgerräte in Kommunen"]
    assert found("Hackdays") == ["Open-Data-Hackday"]
    assert found("Zauberei") == []
    page = client.get(reverse("methods:library"), {"q": "Workshops"}).content.decode()
    assert "Co-Design-Workshop" in page and "Hackday" not in page
    filtered = client.get(reverse("methods:library"), {"perspective": "co_production", "kind": "method"})
    assert filtered.status_code == 200 and "Co-Design-Workshop" in filtered.content.decode()
    assert client.get(reverse("methods:library"), {"perspective": "sorcery"}).status_code == 400
    assert client.get(reverse("methods:library"), {"q": "Work\x00shop"}).status_code == 400


@pytest.mark.django_db
def test_the_methods_are_open_data_under_cc_by(client, musterstadt, anderstadt):
    lab = LabFactory(slug="lab-sued")
    lab.municipalities.add(musterstadt)
    own = method_of(musterstadt, title="World Café")
    by_lab = services.do_create_method(author=lab, actor=staff_of(lab), title="Service Journey", **METHOD_TEXT)
    method_of(anderstadt, title="Bürgerrat")

    rows = list(record_set("methods").rows(musterstadt))
    assert [row["title"] for row in rows] == ["World Café", "Service Journey"]
    assert rows[0]["license"] == LICENSE == "CC-BY-4.0"
    assert rows[0]["perspectives"] == "dialogue co_production" and rows[1]["author_kind"] == "lab"
    assert {column.name for column in record_set("methods").columns} == set(rows[0])
    for key in ("methods", "method_uses", "template_copies"):
        assert key.isascii() and len(key) < 40

    csv_file = client.get(reverse("methods:library_file", kwargs={"file_format": "csv"}))
    assert csv_file.status_code == 200 and "methoden.csv" in csv_file["Content-Disposition"]
    assert "CC-BY-4.0" in csv_file.content.decode("utf-8-sig")
    data = json.loads(client.get(reverse("methods:library_file", kwargs={"file_format": "json"})).content)
    assert {m["slug"] for m in data["methods"]} == {own.slug, by_lab.slug, "buergerrat"}
    assert "CC BY 4.0" in data["license"]
    assert client.get(reverse("methods:library_file", kwargs={"file_format": "exe"})).status_code == 404
    assert "CC BY 4.0" in client.get(own.get_absolute_url()).content.decode()


@pytest.mark.django_db
def test_the_uses_and_copies_are_open_data_per_municipality(musterstadt, anderstadt, dave):
    method = method_of(musterstadt)
    process = published_process(anderstadt)
    services.do_set_process_methods(process=process, actor=dave, methods=[method])
    template = template_of(musterstadt)
    services.do_copy_template(template=template, municipality=anderstadt, actor=dave, start=date(2027, 1, 4))

    uses = list(record_set("method_uses").rows(anderstadt))
    assert [(u["method_id"], u["process_id"]) for u in uses] == [(method.pk, process.pk)]
    copies = list(record_set("template_copies").rows(anderstadt))
    assert copies[0]["origin"] == "Musterstadt" and copies[0]["starts_on"] == date(2027, 1, 4)
    assert list(record_set("template_copies").rows(musterstadt)) == []


@pytest.mark.django_db
def test_the_export_lists_what_a_person_wrote(musterstadt, carol):
    from kommune.core.privacy import export_sections

    method = services.do_create_method(author=musterstadt, actor=carol, title="Ortsbegehung", **METHOD_TEXT)
    exported = export_sections(carol)["methods"]
    assert exported["methods"][0]["title"] == "Ortsbegehung"
    assert exported["versions"][0]["method"] == method.title


@pytest.mark.django_db
def test_the_staff_pages_need_staff(client, musterstadt, alice, carol, erin):
    process = published_process(musterstadt)
    for person, expected in ((alice, 403), (carol, 200), (erin, 200)):
        client.force_login(person)
        for name, kwargs in (("methods:manage", {}), ("methods:publish_template", {}),
                             ("methods:process_methods", {"process_slug": process.slug})):
            assert client.get(reverse(name, kwargs={"municipality_slug": "musterstadt", **kwargs})).status_code \
                == expected, (person, name)


@pytest.mark.django_db
def test_a_process_template_carries_the_questions_of_its_surveys(musterstadt, anderstadt, dave):
    from kommune.surveys.models import Question, Survey
    from tests.factories_surveys import survey_with_questions

    actor = staff_of(musterstadt)
    process = setup_process(musterstadt, actor)
    survey_with_questions(musterstadt, process=process)
    template = services.do_publish_template(municipality=musterstadt, actor=actor, kind="process",
                                            source_id=process.pk)
    assert template.data["parts"]["surveys"][0]["questions"][1]["condition"] == 0

    copy = services.do_copy_template(template=template, municipality=anderstadt, actor=dave, start=date(2027, 3, 1))

    survey = Survey.objects.get(process_id=copy.object_id)
    assert survey.municipality == anderstadt and not survey.is_published and survey.title == "Marktplatz-Befragung"
    questions = list(Question.objects.filter(survey=survey).order_by("position"))
    assert [q.kind for q in questions] == ["single", "text", "multiple", "rating", "ranking"]
    assert questions[1].condition_question == questions[0] and questions[1].condition_value == 0
    assert questions[3].scale_max_label == "sehr" and questions[4].options == ["Schatten", "Sitzplätze", "Markt"]
    assert "Umfrage „Marktplatz-Befragung“ mit 5 Fragen" in services_describe(template)


def services_describe(template) -> list[str]:
    from kommune.core.blueprints import blueprint

    found = blueprint(template.kind)
    assert found is not None
    return found.describe(template.data)


@pytest.mark.django_db
def test_the_settings_of_citizen_proposals_are_copied_without_a_start(musterstadt, anderstadt, carol, dave):
    from kommune.proposals.models import ProposalSettings
    from kommune.proposals.services import do_update_proposal_settings

    do_update_proposal_settings(municipality=musterstadt, actor=carol, threshold_absolute=250, collection_days=90,
                                answer_days=60, minimum_age=14)
    source = ProposalSettings.objects.get(municipality=musterstadt)
    template = services.do_publish_template(municipality=musterstadt, actor=carol, kind="proposal_settings",
                                            source_id=source.pk, title="Bürgervorschläge mit kleinem Quorum")

    copy = services.do_copy_template(template=template, municipality=anderstadt, actor=dave, start=None)

    copied = ProposalSettings.objects.get(municipality=anderstadt)
    assert (copied.threshold_absolute, copied.collection_days, copied.answer_days, copied.minimum_age) == (
        250, 90, 60, 14)
    assert copy.object_id == copied.pk and copy.starts_on is None
    assert AuditLogEntry.objects.filter(municipality=anderstadt, action=AuditLogEntry.Action.TEMPLATE_COPIED).exists()
    assert "Quorum: 250 Unterstützungen; Sammlung 90 Tage; Antwort innerhalb von 60 Tagen" in services_describe(
        template)


# --- The library in the page cache ----------------------------------------------------------------------------


@pytest.fixture
def _page_cache_on(settings):
    settings.PAGE_CACHE_SECONDS = 300


def _library(client) -> tuple[str, str]:
    response = client.get(reverse("methods:library"))
    return response.get(pagecache.HIT_HEADER, ""), response.content.decode()


@pytest.mark.django_db
@pytest.mark.usefixtures("_page_cache_on")
def test_the_library_is_cached_and_renewed_by_every_write_it_shows(client, musterstadt, anderstadt):
    method = method_of(musterstadt, title="Bürgerrat")
    process = published_process(anderstadt)
    assert _library(client)[0] == "miss"
    assert _library(client)[0] == "hit"

    services.do_update_method(method=method, actor=staff_of(musterstadt), title="Bürgerrat mit Losverfahren")
    state, page = _library(client)
    assert state == "miss" and "Bürgerrat mit Losverfahren" in page

    services.do_set_process_methods(process=process, actor=staff_of(anderstadt), methods=[method])
    state, page = _library(client)
    assert state == "miss" and "in 1 Verfahren in 1 Kommune" in page
    assert _library(client)[0] == "hit"

    # Another municipality withdraws the process: the library counts uses in published processes only.
    process_services.do_unpublish_process(process=process, actor=staff_of(anderstadt))
    state, page = _library(client)
    assert state == "miss" and "in 1 Verfahren" not in page


@pytest.mark.django_db
@pytest.mark.usefixtures("_page_cache_on")
def test_a_method_of_a_lab_without_municipalities_renews_the_library_without_an_event(client):
    lab = LabFactory(slug="lab-ohne-kommune")
    lab_staff = staff_of(lab)
    method = services.do_create_method(author=lab, actor=lab_staff, title="Service Journey", **METHOD_TEXT)
    assert "Service Journey" in _library(client)[1]
    services.do_update_method(method=method, actor=lab_staff, title="Service Journey Map")
    state, page = _library(client)
    assert state == "miss" and "Service Journey Map" in page


@pytest.mark.django_db
@pytest.mark.usefixtures("_page_cache_on")
def test_logged_in_visitors_share_the_library_and_keep_their_own_header(client, musterstadt, alice, carol):
    method_of(musterstadt, title="Bürgerrat")
    client.force_login(alice)
    assert "Bürgerrat" in client.get(reverse("methods:library")).content.decode()
    other = type(client)()
    other.force_login(carol)
    with CaptureQueriesContext(connection) as queries:
        page = other.get(reverse("methods:library")).content.decode()
    assert not [query for query in queries.captured_queries if "methods_" in query["sql"]]  # from the cache
    assert "Bürgerrat" in page and carol.display_name in page and alice.display_name not in page
