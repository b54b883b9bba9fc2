"""Participation processes: phases through time, services and their refusals, pages, management, feeds."""

import re
import xml.etree.ElementTree as ET
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from kommune.core import events
from kommune.core.comments.registry import commentable_for
from kommune.core.cursor import encode
from kommune.core.processes import features, services
from kommune.core.processes.models import Phase, Process, ProcessNews
from kommune.core.processes.services import PhaseInput
from kommune.core.processes.timing import PhaseState, phase_state, process_state, state_filter
from tests.factories import OrganisationFactory
from tests.factories_processes import ProcessFactory, ProcessNewsFactory, TopicFactory, published_process

pytestmark = pytest.mark.django_db

BERLIN = ZoneInfo("Europe/Berlin")
ATOM = "{http://www.w3.org/2005/Atom}"

# A fixed moment for cursors built at collection time, so every pytest-xdist worker collects the same ids.
CURSOR_MOMENT = datetime(2026, 1, 1, 12, tzinfo=UTC)


def berlin(*args) -> datetime:
    return datetime(*args, tzinfo=BERLIN)


def login(client, user) -> None:
    """Log in with English as the person's language, the language these tests read."""
    user.language = "en"
    user.save(update_fields=["language"])
    client.force_login(user)


def url(name: str, municipality, process=None, **kwargs) -> str:
    kwargs["municipality_slug"] = municipality.slug
    if process is not None:
        kwargs["process_slug"] = process.slug
    return reverse(f"processes:{name}", kwargs=kwargs)


INFORMATION = PhaseInput(kind=Phase.Kind.INFORMATION, starts_at=berlin(2027, 3, 1), ends_at=berlin(2027, 3, 15))
DIALOGUE = PhaseInput(kind=Phase.Kind.DIALOGUE, title="Online-Dialog", starts_at=berlin(2027, 3, 15),
                      ends_at=berlin(2027, 4, 15), features=["comments"])
EVALUATION = PhaseInput(kind=Phase.Kind.EVALUATION, starts_at=berlin(2027, 4, 15), ends_at=berlin(2027, 5, 1))


@pytest.fixture(autouse=True)
def _english(client):
    """Anonymous visitors read English too (logged-in personas get it through login()), and so do the services'
    messages, whatever language an earlier test on this worker left active."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    with translation.override("en"):
        yield


@pytest.fixture
def recorded():
    """The events published while the test runs."""
    seen: list[events.Event] = []
    events.register_consumer(events.Consumer(
        "test_processes", lambda: dict.fromkeys(events.event_types().values(), seen.append)))
    yield seen
    events._consumers.pop("test_processes", None)


@pytest.fixture
def marktplatz(musterstadt, carol) -> Process:
    """A published process with information, dialogue (comments) and evaluation, made through the services."""
    process = services.do_create_process(municipality=musterstadt, actor=carol, title="Neugestaltung Marktplatz",
                                         summary="Wie soll der Marktplatz aussehen?", area="Altstadt")
    services.do_set_phases(process=process, actor=carol, phases=[EVALUATION, INFORMATION, DIALOGUE])
    services.do_publish_process(process=process, actor=carol)
    return process


# --- Time -----------------------------------------------------------------------------------------------------

U, R, F = PhaseState.UPCOMING, PhaseState.RUNNING, PhaseState.FINISHED
MOMENTS = [
    # moment, (information, dialogue, evaluation), process, comments open
    (berlin(2027, 2, 20, 12), (U, U, U), U, False),
    (berlin(2027, 3, 1), (R, U, U), R, False),
    (berlin(2027, 3, 14, 23, 59), (R, U, U), R, False),
    (berlin(2027, 3, 15), (F, R, U), R, True),
    (berlin(2027, 4, 1, 9), (F, R, U), R, True),  # across the change to summer time
    (berlin(2027, 4, 15), (F, F, R), R, False),
    (berlin(2027, 4, 30, 23, 59), (F, F, R), R, False),
    (berlin(2027, 5, 1), (F, F, F), F, False),
    (berlin(2027, 9, 1), (F, F, F), F, False),
]


def test_a_process_with_three_phases_runs_through_its_dates(client, musterstadt, marktplatz):
    process = Process.objects.get(pk=marktplatz.pk)
    assert (process.starts_at, process.ends_at) == (INFORMATION.starts_at, EVALUATION.ends_at)
    phases = list(process.phases.all())
    assert [phase.kind for phase in phases] == ["information", "dialogue", "evaluation"]
    commentable = commentable_for(Process)
    assert commentable is not None and commentable.scope(process) == process

    for moment, phase_states, state, comments_open in MOMENTS:
        with time_machine.travel(moment, tick=False):
            now = timezone.now()
            assert tuple(phase_state(phase, now) for phase in phases) == phase_states, moment
            assert process_state(process, now) is state, moment
            assert features.is_feature_open(process, "comments") is comments_open, moment
            assert features.is_feature_open(process, "comments", now) is comments_open, moment
            assert commentable.is_open(process, now) is comments_open, moment
            assert features.is_feature_open(process, "surveys", now) is False
            for candidate in PhaseState:
                in_filter = Process.objects.filter(state_filter(candidate, now), pk=process.pk).exists()
                assert in_filter is (candidate is state), (moment, candidate)
                listed = "Neugestaltung Marktplatz" in client.get(url("list", musterstadt),
                                                                  {"state": candidate.value}).content.decode()
                assert listed is (candidate is state), (moment, candidate)

            body = client.get(process.get_absolute_url()).content.decode()
            assert body.count('aria-current="step"') == (1 if R in phase_states else 0), moment
            if R in phase_states:
                current = ["Information", "Online-Dialog", "Evaluation"][phase_states.index(R)]
                marked = body.split('aria-current="step"')[1].split("</h3>")[0]
                assert current in marked and "now" in marked.lower(), moment


def test_an_unpublished_process_opens_no_feature(musterstadt, carol):
    process = services.do_create_process(municipality=musterstadt, actor=carol, title="Entwurf", summary="…")
    services.do_set_phases(process=process, actor=carol, phases=[DIALOGUE])
    with time_machine.travel(berlin(2027, 4, 1), tick=False):
        assert features.is_feature_open(process, "comments") is False


# --- Services -------------------------------------------------------------------------------------------------


def _unchanged(process: Process) -> tuple:
    fresh = Process.objects.get(pk=process.pk)
    return (fresh.title, fresh.slug, fresh.summary, fresh.is_published, fresh.starts_at, fresh.ends_at,
            list(fresh.phases.values_list("kind", "starts_at", "ends_at", "features")))


@pytest.mark.parametrize(("phases", "message"), [
    ([INFORMATION, PhaseInput(kind="dialogue", starts_at=berlin(2027, 3, 14), ends_at=berlin(2027, 4, 1))],
     "overlap"),
    ([PhaseInput(kind="dialogue", starts_at=berlin(2027, 3, 1), ends_at=berlin(2027, 6, 1)), EVALUATION],
     "overlap"),
    ([PhaseInput(kind="information", starts_at=berlin(2027, 3, 15), ends_at=berlin(2027, 3, 1))],
     "must end after it starts"),
    ([PhaseInput(kind="information", starts_at=berlin(2027, 3, 15), ends_at=berlin(2027, 3, 15))],
     "must end after it starts"),
    ([PhaseInput(kind="dialogue", starts_at=berlin(2027, 3, 15), ends_at=berlin(2027, 4, 1),
                 features=["comments", "voting"])], "does not know: voting"),
    ([PhaseInput(kind="party", starts_at=berlin(2027, 3, 15), ends_at=berlin(2027, 4, 1))], "kind"),
    ([PhaseInput(kind="dialogue", starts_at=datetime(2027, 3, 15), ends_at=datetime(2027, 4, 1))], "time zone"),  # noqa: DTZ001 (naive on purpose)
    ([PhaseInput(kind="dialogue", starts_at=berlin(2027, 3, 15), ends_at=berlin(2027, 4, 1), title="x" * 201)],
     "at most 200"),
    ([PhaseInput(kind="other", starts_at=berlin(2027, 1, d), ends_at=berlin(2027, 1, d + 1)) for d in range(1, 23)],
     "at most 20 phases"),
    ([], "needs at least one phase"),
])
def test_set_phases_refuses_bad_phases_and_changes_nothing(marktplatz, carol, recorded, phases, message):
    before = _unchanged(marktplatz)
    with pytest.raises(ValidationError) as error:
        services.do_set_phases(process=marktplatz, actor=carol, phases=phases)
    assert any(message in text for text in error.value.messages), error.value.messages
    assert _unchanged(marktplatz) == before
    assert recorded == []


def test_the_overlap_message_names_both_phases(marktplatz, carol):
    clash = PhaseInput(kind="dialogue", title="Werkstatt", starts_at=berlin(2027, 3, 10), ends_at=berlin(2027, 3, 20))
    with pytest.raises(ValidationError) as error:
        services.do_set_phases(process=marktplatz, actor=carol, phases=[INFORMATION, clash])
    [message] = error.value.messages
    assert "Phase 1 (“Information”)" in message and "phase 2 (“Werkstatt”)" in message


def test_set_phases_replaces_them_and_recomputes_the_span(marktplatz, carol, recorded):
    services.do_set_phases(process=marktplatz, actor=carol, phases=[
        {"kind": "dialogue", "starts_at": berlin(2027, 6, 1), "ends_at": berlin(2027, 7, 1), "features": ["comments"]},
    ])
    process = Process.objects.get(pk=marktplatz.pk)
    assert (process.starts_at, process.ends_at) == (berlin(2027, 6, 1), berlin(2027, 7, 1))
    assert process.phases.count() == 1
    assert [(e.name, e.data) for e in recorded] == [("process.updated", {"changed": ["phases"]})]


def test_phases_may_touch(musterstadt, carol):
    process = ProcessFactory(municipality=musterstadt)
    services.do_set_phases(process=process, actor=carol, phases=[INFORMATION, DIALOGUE, EVALUATION])
    assert process.phases.count() == 3


def test_publishing_needs_a_phase(musterstadt, carol, recorded):
    process = services.do_create_process(municipality=musterstadt, actor=carol, title="Ohne Phasen", summary="…")
    with pytest.raises(ValidationError) as error:
        services.do_publish_process(process=process, actor=carol)
    assert "at least one phase" in error.value.messages[0]
    assert Process.objects.get(pk=process.pk).is_published is False
    assert recorded == []


def test_slugs_are_unique_per_municipality(musterstadt, anderstadt, carol, dave, marktplatz):
    with pytest.raises(ValidationError) as error:
        services.do_create_process(municipality=musterstadt, actor=carol, title="Noch einer", summary="…",
                                   slug=marktplatz.slug)
    assert "already used" in error.value.message_dict["slug"][0]
    assert Process.objects.filter(municipality=musterstadt).count() == 1

    other = services.do_create_process(municipality=musterstadt, actor=carol, title="Zweiter", summary="…")
    with pytest.raises(ValidationError) as error:
        services.do_update_process(process=other, actor=carol, slug=marktplatz.slug, title="Umbenannt")
    assert "already used" in error.value.message_dict["slug"][0]
    assert Process.objects.get(pk=other.pk).slug == "zweiter"
    assert Process.objects.get(pk=other.pk).title == "Zweiter"

    # Another municipality may use the same address, and a title makes a free one.
    services.do_create_process(municipality=anderstadt, actor=dave, title="x", summary="…", slug=marktplatz.slug)
    again = services.do_create_process(municipality=musterstadt, actor=carol, title="Neugestaltung Marktplatz",
                                       summary="…")
    assert again.slug == "neugestaltung-marktplatz-2"


def test_an_address_taken_between_check_and_save_gives_the_same_message(monkeypatch, musterstadt, carol,
                                                                     marktplatz):
    ProcessFactory(municipality=musterstadt, slug="belegt")
    monkeypatch.setattr(services, "_clean_process", lambda municipality, data, instance: {"slug": "belegt"})
    with pytest.raises(ValidationError) as error:
        services.do_update_process(process=marktplatz, actor=carol, slug="belegt")
    assert "already used" in error.value.message_dict["slug"][0]
    assert Process.objects.get(pk=marktplatz.pk).slug == "neugestaltung-marktplatz"


@pytest.mark.parametrize(("fields", "field", "message"), [
    ({"title": "  "}, "title", "Please enter a title"),
    ({"title": "x" * 201}, "title", "at most 200 characters"),
    ({"summary": "x" * 501}, "summary", "at most 500 characters"),
    ({"description": "x" * 50_001}, "description", "at most 50000 characters"),
    ({"slug": "Markt platz!"}, "slug", "only lower-case letters"),
])
def test_update_refuses_bad_input(marktplatz, carol, recorded, fields, field, message):
    before = _unchanged(marktplatz)
    with pytest.raises(ValidationError) as error:
        services.do_update_process(process=marktplatz, actor=carol, **fields)
    assert message in error.value.message_dict[field][0]
    assert _unchanged(marktplatz) == before
    assert recorded == []


def test_organisation_and_topic_must_belong_to_the_municipality(musterstadt, anderstadt, carol, marktplatz):
    foreign_org, foreign_topic = OrganisationFactory(municipality=anderstadt), TopicFactory(municipality=anderstadt)
    with pytest.raises(ValidationError) as error:
        services.do_update_process(process=marktplatz, actor=carol, organisation=foreign_org, topic=foreign_topic)
    assert set(error.value.message_dict) == {"organisation", "topic"}
    own_org, own_topic = OrganisationFactory(municipality=musterstadt), TopicFactory(municipality=musterstadt)
    services.do_update_process(process=marktplatz, actor=carol, organisation=own_org, topic=own_topic)
    process = Process.objects.get(pk=marktplatz.pk)
    assert (process.organisation, process.topic, process.organiser_name) == (own_org, own_topic, own_org.name)


@pytest.mark.parametrize("persona", ["alice", "bob", "dave"])
def test_only_staff_and_admins_may_manage(request, musterstadt, marktplatz, persona):
    actor = request.getfixturevalue(persona)
    with pytest.raises(PermissionDenied):
        services.do_create_process(municipality=musterstadt, actor=actor, title="x", summary="y")
    for service in (services.do_publish_process, services.do_unpublish_process):
        with pytest.raises(PermissionDenied):
            service(process=marktplatz, actor=actor)
    with pytest.raises(PermissionDenied):
        services.do_set_phases(process=marktplatz, actor=actor, phases=[INFORMATION])
    with pytest.raises(PermissionDenied):
        services.do_publish_news(process=marktplatz, actor=actor, title="x", text="y")
    with pytest.raises(PermissionDenied):
        services.do_create_topic(municipality=musterstadt, actor=actor, name="Verkehr")


def test_events_of_the_services(musterstadt, carol, erin, recorded):
    process = services.do_create_process(municipality=musterstadt, actor=carol, title="Radwege", summary="…")
    services.do_update_process(process=process, actor=carol, title="Radwege 2030")
    services.do_set_phases(process=process, actor=carol, phases=[DIALOGUE])
    assert recorded == [], "nothing is told about an unpublished process"

    services.do_publish_process(process=process, actor=erin)
    services.do_publish_process(process=process, actor=erin)  # already published: nothing happens
    services.do_update_process(process=process, actor=carol, summary="Neu", title="Radwege 2030")
    news = services.do_publish_news(process=process, actor=carol, title="Start", text="Es geht los.")
    services.do_unpublish_process(process=process, actor=erin)
    assert [(e.name, e.target, e.scope, e.actor, e.municipality) for e in recorded] == [
        ("process.published", process, process, erin, musterstadt),
        ("process.updated", process, process, carol, musterstadt),
        ("process.news", news, process, carol, musterstadt),
        ("process.unpublished", process, process, erin, musterstadt),
    ]
    assert recorded[1].data == {"changed": ["summary"]}


def test_topics(musterstadt, anderstadt, carol, dave):
    topic = services.do_create_topic(municipality=musterstadt, actor=carol, name="Verkehr & Mobilität")
    assert topic.slug == "verkehr-mobilitaet"
    with pytest.raises(ValidationError) as error:
        services.do_create_topic(municipality=musterstadt, actor=carol, name="Verkehr", slug="verkehr-mobilitaet")
    assert "already used" in error.value.message_dict["slug"][0]
    services.do_create_topic(municipality=anderstadt, actor=dave, name="Verkehr & Mobilität")


# --- Public pages ---------------------------------------------------------------------------------------------


def test_unpublished_processes_are_hidden_except_from_managers(client, request, musterstadt, carol):
    process = services.do_create_process(municipality=musterstadt, actor=carol, title="Geheimer Entwurf",
                                         summary="…")
    services.do_set_phases(process=process, actor=carol, phases=[DIALOGUE])
    for name in ("anonymous", "alice", "bob", "dave"):
        client.logout()
        if name != "anonymous":
            login(client, request.getfixturevalue(name))
        assert client.get(process.get_absolute_url()).status_code == 404, name
        assert client.get(url("news", musterstadt, process)).status_code == 404, name
        assert "Geheimer Entwurf" not in client.get(url("list", musterstadt)).content.decode(), name
    for name in ("carol", "erin"):
        login(client, request.getfixturevalue(name))
        response = client.get(process.get_absolute_url())
        assert response.status_code == 200
        assert "Not published" in response.content.decode()
        assert client.get(url("news", musterstadt, process)).status_code == 200
        # Feeds are public copies and never show an unpublished process.
        assert client.get(url("news_feed", musterstadt, process)).status_code == 404
        assert "Geheimer Entwurf" not in client.get(url("list", musterstadt)).content.decode()


def test_a_process_is_found_only_under_its_own_municipality(client, musterstadt, anderstadt, marktplatz, dave, carol):
    for persona in (None, dave, carol):
        if persona:
            login(client, persona)
        for name in ("detail", "news", "news_feed"):
            assert client.get(url(name, anderstadt, marktplatz)).status_code == 404, name
    login(client, dave)
    for name in ("manage_edit", "manage_phases", "manage_news"):
        assert client.get(url(name, anderstadt, marktplatz)).status_code == 404, name
    for name in ("manage_publish", "manage_unpublish"):
        assert client.post(url(name, anderstadt, marktplatz)).status_code == 404, name
    assert Process.objects.get(pk=marktplatz.pk).is_published


def test_the_detail_page_shows_the_process(client, musterstadt, carol, marktplatz):
    topic = TopicFactory(municipality=musterstadt, name="Stadtentwicklung")
    organisation = OrganisationFactory(municipality=musterstadt, name="Amt für Stadtplanung")
    services.do_update_process(process=marktplatz, actor=carol, topic=topic, organisation=organisation,
                               description="## Worum es geht\n\nDer Platz soll **grüner** werden.")
    for number in range(7):
        services.do_publish_news(process=marktplatz, actor=carol, title=f"Neuigkeit {number}", text="Text")
    with time_machine.travel(berlin(2027, 3, 20), tick=False):
        body = client.get(marktplatz.get_absolute_url()).content.decode()
    assert body.count("<h1") == 1
    for text in ("Stadtentwicklung", "Amt für Stadtplanung", "Altstadt", "<h2>Worum es geht</h2>",
                 "<strong>grüner</strong>", "Neuigkeit 6", "Neuigkeit 2", url("news", musterstadt, marktplatz),
                 url("news_feed", musterstadt, marktplatz), '<ol class="timeline">'):
        assert text in body, text
    assert "Neuigkeit 1<" not in body, "only the latest five news"
    dialogue = body.split('aria-current="step"')[1].split("</li>")[0]
    assert "Open now:" in dialogue and "Comments" in dialogue


def test_the_list_is_paginated_by_cursor(client, musterstadt):
    start = timezone.now() - timedelta(days=60)
    for number in range(25):
        published_process(musterstadt, title=f"Verfahren {number:02d}", starts_at=start + timedelta(days=number))
    body = client.get(url("list", musterstadt)).content.decode()
    assert "Verfahren 24" in body and "Verfahren 05" in body and "Verfahren 04" not in body
    next_link = body.split('rel="next" href="')[1].split('"')[0].replace("&amp;", "&")
    second = client.get(url("list", musterstadt) + next_link).content.decode()
    assert "Verfahren 04" in second and "Verfahren 00" in second and "Verfahren 05" not in second
    assert 'rel="next"' not in second
    prev_link = second.split('rel="prev" href="')[1].split('"')[0].replace("&amp;", "&")
    back = client.get(url("list", musterstadt) + prev_link).content.decode()
    assert "Verfahren 24" in back and "Verfahren 05" in back and "Verfahren 04" not in back


def test_a_news_link_opens_the_page_that_holds_the_item(client, musterstadt, marktplatz):
    start = timezone.now() - timedelta(days=100)
    ProcessNews.objects.bulk_create([
        ProcessNews(municipality=musterstadt, process=marktplatz, title=f"Meldung {n:02d}", text="t",
                    text_html="<p>t</p>", published_at=start + timedelta(days=n)) for n in range(45)])
    # An old item, far beyond the first page, starts the page its link opens; older ones follow.
    middle = ProcessNews.objects.get(title="Meldung 30")
    link = middle.get_absolute_url()
    assert link.endswith(f"#news-{middle.pk}")
    body = client.get(link.split("#")[0]).content.decode()
    assert re.findall(r"Meldung (\d\d)", body) == [f"{n:02d}" for n in range(30, 10, -1)]
    assert 'rel="prev"' in body and 'rel="next"' in body
    oldest = ProcessNews.objects.get(title="Meldung 00")
    body = client.get(oldest.get_absolute_url().split("#")[0]).content.decode()
    assert re.findall(r"Meldung (\d\d)", body) == ["00"] and 'rel="next"' not in body


@pytest.mark.parametrize("cursor", ["nonsense", "%%%", encode(CURSOR_MOMENT, 1, "next")[:-3], "a" * 500,
                                    encode(CURSOR_MOMENT, 1, "sideways")])
def test_a_malformed_cursor_is_a_clear_400(client, musterstadt, marktplatz, cursor):
    for page in (url("list", musterstadt), url("news", musterstadt, marktplatz)):
        response = client.get(page, {"cursor": cursor})
        assert response.status_code == 400
        assert "cursor" in response.content.decode()


def test_the_filters_and_counts(client, musterstadt, alice):
    login(client, alice)
    now = timezone.now()
    verkehr = TopicFactory(municipality=musterstadt, name="Verkehr", slug="verkehr")
    published_process(musterstadt, title="Läuft Verkehr", topic=verkehr)
    published_process(musterstadt, title="Läuft Grün")
    published_process(musterstadt, title="Kommt Verkehr", starts_at=now + timedelta(days=3), topic=verkehr)
    published_process(musterstadt, title="Vorbei Grün", starts_at=now - timedelta(days=90))

    body = client.get(url("list", musterstadt)).content.decode()
    assert "Running: 2" in body and "Upcoming: 1" in body and "Finished: 1" in body
    assert '<label class="kern-label" for="id_state">' in body and '<label class="kern-label" for="id_topic">' in body
    body = client.get(url("list", musterstadt), {"topic": "verkehr"}).content.decode()
    assert "Läuft Verkehr" in body and "Kommt Verkehr" in body and "Läuft Grün" not in body
    assert "Running: 1" in body and "Finished: 0" in body
    body = client.get(url("list", musterstadt), {"topic": "verkehr", "state": "running"}).content.decode()
    assert "Läuft Verkehr" in body and "Kommt Verkehr" not in body
    # A choice that does not exist is told on the field and filters nothing; never a server error.
    response = client.get(url("list", musterstadt), {"state": "soon", "topic": "<script>"})
    assert response.status_code == 200
    assert "Vorbei Grün" in response.content.decode() and "<script>" not in response.content.decode()


def test_the_list_links_the_management_for_managers_only(client, musterstadt, alice, carol):
    login(client, alice)
    assert url("manage_list", musterstadt) not in client.get(url("list", musterstadt)).content.decode()
    login(client, carol)
    assert url("manage_list", musterstadt) in client.get(url("list", musterstadt)).content.decode()


def test_the_list_query_count_does_not_grow(client, musterstadt, alice, django_assert_num_queries):
    login(client, alice)
    topic = TopicFactory(municipality=musterstadt)
    organisation = OrganisationFactory(municipality=musterstadt)
    for _ in range(10):
        published_process(musterstadt, topic=topic, organisation=organisation)
    client.get(url("list", musterstadt))  # warm up the session and the caches
    with CaptureQueriesContext(connection) as ten:
        assert "Beteiligung" in client.get(url("list", musterstadt), {"state": "running"}).content.decode()
    for _ in range(50):
        published_process(musterstadt, topic=topic, organisation=organisation)
    with django_assert_num_queries(len(ten.captured_queries)):
        client.get(url("list", musterstadt), {"state": "running"})


def test_the_detail_query_count_does_not_grow(client, musterstadt, carol, django_assert_num_queries):
    process = published_process(musterstadt, topic=TopicFactory(municipality=musterstadt))
    ProcessNewsFactory(process=process)
    client.get(process.get_absolute_url())
    with CaptureQueriesContext(connection) as few:
        client.get(process.get_absolute_url())
    start = process.ends_at
    Phase.objects.bulk_create([Phase(municipality=process.municipality, process=process, kind="other",
                                     starts_at=start + timedelta(days=d), ends_at=start + timedelta(days=d + 1))
                               for d in range(12)])
    ProcessNews.objects.bulk_create([ProcessNews(municipality=process.municipality, process=process, title=f"N{n}",
                                                 text="t", text_html="<p>t</p>", published_at=timezone.now())
                                     for n in range(20)])
    with django_assert_num_queries(len(few.captured_queries)):
        client.get(process.get_absolute_url())


def test_script_and_html_are_escaped(client, musterstadt, carol):
    process = services.do_create_process(
        municipality=musterstadt, actor=carol, title="<script>alert('t')</script> Platz",
        summary="<b onmouseover=alert(1)>fett</b>", area="<i>Nord</i>",
        description="<script>alert('d')</script>\n\n[klick](javascript:alert(3)) <img src=x onerror=alert(4)>")
    services.do_set_phases(process=process, actor=carol, phases=[
        PhaseInput(kind="dialogue", title="<svg onload=alert(5)>", description="<script>p</script>",
                   starts_at=timezone.now() - timedelta(days=1), ends_at=timezone.now() + timedelta(days=1))])
    services.do_publish_process(process=process, actor=carol)
    services.do_publish_news(process=process, actor=carol, title="<script>n</script>",
                             text="<script>alert('n')</script> [x](javascript:alert(6))")
    assert "<script" not in process.description_html and 'href="javascript' not in process.description_html

    pages = [process.get_absolute_url(), url("list", musterstadt), url("news", musterstadt, process)]
    for page in pages:
        body = client.get(page).content.decode()
        for bad in ("<script>alert", "<b onmouseover", "<svg", "<i>Nord", "<img", 'href="javascript', "<script>n",
                    "<script>p"):
            assert bad not in body, (page, bad)
        assert "&lt;script&gt;" in body, page

    for feed, summary_type in ((url("feed", musterstadt), "text"), (url("news_feed", musterstadt, process), "html")):
        raw = client.get(feed).content.decode()
        assert "<script" not in raw and 'href="javascript' not in raw
        [entry] = ET.fromstring(raw).findall(f"{ATOM}entry")
        summary = entry.find(f"{ATOM}summary")
        assert summary.get("type") == summary_type
        if summary_type == "html":
            # Readers parse the summary as HTML: whatever they get must not contain live markup.
            assert "<script" not in summary.text and "<b " not in summary.text
        else:
            # Plain text: readers show the characters as they are, markup included, and run nothing.
            assert summary.text == "<b onmouseover=alert(1)>fett</b>"


# --- Feeds ----------------------------------------------------------------------------------------------------


def _feed(client, address: str) -> ET.Element:
    response = client.get(address)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    root = ET.fromstring(response.content)
    assert root.tag == f"{ATOM}feed"
    return root


def test_the_processes_feed(client, musterstadt, anderstadt, carol):
    old = published_process(musterstadt, title="Älter")
    Process.objects.filter(pk=old.pk).update(published_at=timezone.now() - timedelta(days=5))
    published_process(musterstadt, title="Neuer")
    ProcessFactory(municipality=musterstadt, title="Entwurf")
    hidden = published_process(musterstadt, title="Zurückgezogen")
    services.do_unpublish_process(process=hidden, actor=carol)
    published_process(anderstadt, title="Anderswo")

    root = _feed(client, url("feed", musterstadt))
    entries = root.findall(f"{ATOM}entry")
    assert [e.find(f"{ATOM}title").text for e in entries] == ["Neuer", "Älter"]
    for entry in entries:
        assert entry.find(f"{ATOM}link").get("href").startswith("http://testserver/musterstadt/verfahren/")
        assert entry.find(f"{ATOM}id").text.startswith("tag:")
        assert entry.find(f"{ATOM}updated") is not None
    assert root.find(f"{ATOM}link").get("href") == "http://testserver" + url("list", musterstadt)


def test_the_processes_feed_holds_at_most_50(client, musterstadt):
    for _ in range(55):
        published_process(musterstadt)
    assert len(_feed(client, url("feed", musterstadt)).findall(f"{ATOM}entry")) == 50


def test_the_news_feed(client, musterstadt, carol, marktplatz):
    first = services.do_publish_news(process=marktplatz, actor=carol, title="Auftakt", text="Es **beginnt**.")
    ProcessNews.objects.filter(pk=first.pk).update(published_at=timezone.now() - timedelta(days=1))
    services.do_publish_news(process=marktplatz, actor=carol, title="Ergebnisse", text="Liegen vor.")
    entries = _feed(client, url("news_feed", musterstadt, marktplatz)).findall(f"{ATOM}entry")
    assert [e.find(f"{ATOM}title").text for e in entries] == ["Ergebnisse", "Auftakt"]
    assert "<strong>beginnt</strong>" in entries[1].find(f"{ATOM}summary").text
    link = entries[1].find(f"{ATOM}link").get("href")
    assert link.startswith(f"http://testserver{url('news', musterstadt, marktplatz)}?cursor=")
    assert link.endswith(f"#news-{first.pk}")

    services.do_unpublish_process(process=marktplatz, actor=carol)
    assert client.get(url("news_feed", musterstadt, marktplatz)).status_code == 404
    assert "Neugestaltung" not in client.get(url("feed", musterstadt)).content.decode()


# --- Management -----------------------------------------------------------------------------------------------


def _manage_pages(musterstadt, process) -> list[str]:
    return [url("manage_list", musterstadt), url("manage_create", musterstadt), url("manage_topics", musterstadt),
            url("manage_edit", musterstadt, process), url("manage_phases", musterstadt, process),
            url("manage_news", musterstadt, process)]


def test_management_is_open_to_staff_and_admins_only(client, request, musterstadt, marktplatz):
    for page in _manage_pages(musterstadt, marktplatz):
        assert client.get(page)["Location"].startswith(reverse("accounts:login")), page
    for name, status in (("alice", 403), ("bob", 403), ("dave", 403), ("carol", 200), ("erin", 200)):
        login(client, request.getfixturevalue(name))
        for page in _manage_pages(musterstadt, marktplatz):
            response = client.get(page)
            assert response.status_code == status, (name, page)
            if status == 200:
                assert response.content.decode().count("<h1") == 1, page
        for action in ("manage_publish", "manage_unpublish"):
            # POST-only: a GET is refused with 405 once access is granted.
            assert client.get(url(action, musterstadt, marktplatz)).status_code == (405 if status == 200 else 403)
            if status == 403:
                assert client.post(url(action, musterstadt, marktplatz)).status_code == 403
    assert Process.objects.get(pk=marktplatz.pk).is_published


def test_the_dashboard_links_the_processes(client, musterstadt, carol):
    login(client, carol)
    body = client.get(reverse("manage:dashboard", kwargs={"municipality_slug": musterstadt.slug})).content.decode()
    assert url("manage_list", musterstadt) in body


def _phase_row(index: int, kind: str = "", starts: str = "", ends: str = "", features=(), title: str = "",
               delete: bool = False) -> dict:
    row = {f"phases-{index}-kind": kind, f"phases-{index}-title": title, f"phases-{index}-starts_at": starts,
           f"phases-{index}-ends_at": ends, f"phases-{index}-description": ""}
    if features:
        row[f"phases-{index}-features"] = list(features)
    if delete:
        row[f"phases-{index}-DELETE"] = "on"
    return row


def _formset(rows: list[dict], initial: int) -> dict:
    data = {"phases-TOTAL_FORMS": str(len(rows)), "phases-INITIAL_FORMS": str(initial),
            "phases-MIN_NUM_FORMS": "0", "phases-MAX_NUM_FORMS": "20"}
    for row in rows:
        data.update(row)
    return data


def test_creating_phasing_and_publishing_through_the_pages(client, musterstadt, carol):
    login(client, carol)
    topic = TopicFactory(municipality=musterstadt, name="Umwelt")
    response = client.post(url("manage_create", musterstadt), {
        "title": "Klimaplan", "slug": "", "summary": "Gemeinsam zum Klimaplan.", "description": "**Wichtig**",
        "organisation": "", "topic": str(topic.pk), "area": ""})
    process = Process.objects.get(municipality=musterstadt, slug="klimaplan")
    assert response["Location"] == url("manage_phases", musterstadt, process)
    assert process.topic == topic and process.description_html == "<p><strong>Wichtig</strong></p>\n"

    # Publishing without phases is refused with a message.
    response = client.post(url("manage_publish", musterstadt, process), follow=True)
    assert "at least one phase" in response.content.decode()
    assert not Process.objects.get(pk=process.pk).is_published

    page = client.get(url("manage_phases", musterstadt, process)).content.decode()
    assert page.count('type="datetime-local"') == 4 and 'value="comments"' in page

    # Times are German time: 10:00 in winter is 09:00 UTC, in summer 08:00 UTC.
    data = _formset([_phase_row(0, "information", "2027-03-01T10:00", "2027-03-15T10:00"),
                     _phase_row(1, "dialogue", "2027-03-15T10:00", "2027-04-15T10:00", ["comments"]),
                     _phase_row(2)], initial=0)
    response = client.post(url("manage_phases", musterstadt, process), data)
    assert response.status_code == 302
    phases = list(process.phases.order_by("starts_at"))
    assert [p.starts_at for p in phases] == [datetime(2027, 3, 1, 9, tzinfo=ZoneInfo("UTC")),
                                            datetime(2027, 3, 15, 9, tzinfo=ZoneInfo("UTC"))]
    assert phases[1].ends_at == datetime(2027, 4, 15, 8, tzinfo=ZoneInfo("UTC"))
    assert phases[1].features == ["comments"]

    page = client.get(url("manage_phases", musterstadt, process)).content.decode()
    assert 'value="2027-03-15T10:00"' in page and 'value="2027-04-15T10:00"' in page

    # An overlap is shown on the page, and nothing changes.
    data = _formset([_phase_row(0, "information", "2027-03-01T10:00", "2027-03-20T10:00"),
                     _phase_row(1, "dialogue", "2027-03-15T10:00", "2027-04-15T10:00", ["comments"])], initial=2)
    response = client.post(url("manage_phases", musterstadt, process), data)
    assert response.status_code == 200 and "overlap" in response.content.decode()
    assert list(process.phases.order_by("starts_at")) == phases
    assert Process.objects.get(pk=process.pk).ends_at == phases[1].ends_at

    # A feature that is not registered is refused by the form.
    data = _formset([_phase_row(0, "dialogue", "2027-03-01T10:00", "2027-03-20T10:00", ["voting"])], initial=0)
    response = client.post(url("manage_phases", musterstadt, process), data)
    assert response.status_code == 200 and "voting" in response.content.decode()

    # Removing a phase.
    data = _formset([_phase_row(0, "information", "2027-03-01T10:00", "2027-03-15T10:00", delete=True),
                     _phase_row(1, "dialogue", "2027-03-15T10:00", "2027-04-15T10:00", ["comments"])], initial=2)
    assert client.post(url("manage_phases", musterstadt, process), data).status_code == 302
    assert list(process.phases.values_list("kind", flat=True)) == ["dialogue"]
    assert Process.objects.get(pk=process.pk).starts_at == phases[1].starts_at

    response = client.post(url("manage_publish", musterstadt, process), follow=True)
    assert "is published" in response.content.decode()
    assert Process.objects.get(pk=process.pk).is_published
    response = client.post(url("manage_unpublish", musterstadt, process))
    assert response.status_code == 302 and not Process.objects.get(pk=process.pk).is_published


def test_editing_a_process_through_the_page(client, musterstadt, anderstadt, carol, marktplatz):
    login(client, carol)
    other = ProcessFactory(municipality=musterstadt, slug="belegt")
    foreign = OrganisationFactory(municipality=anderstadt)
    form = {"title": "Marktplatz neu", "slug": "belegt", "summary": "…", "description": "", "organisation": "",
            "topic": "", "area": ""}
    response = client.post(url("manage_edit", musterstadt, marktplatz), form)
    assert response.status_code == 200 and "already used" in response.content.decode()
    response = client.post(url("manage_edit", musterstadt, marktplatz), {**form, "slug": "marktplatz",
                                                                         "organisation": str(foreign.pk)})
    assert response.status_code == 200
    assert Process.objects.get(pk=marktplatz.pk).title == "Neugestaltung Marktplatz"
    response = client.post(url("manage_edit", musterstadt, marktplatz), {**form, "slug": "marktplatz"})
    assert response.status_code == 302
    assert Process.objects.get(pk=marktplatz.pk).slug == "marktplatz"
    assert other.slug == "belegt"


def test_topics_and_news_through_the_pages(client, musterstadt, carol, marktplatz):
    login(client, carol)
    assert client.post(url("manage_topics", musterstadt), {"name": "Verkehr", "slug": ""}).status_code == 302
    response = client.post(url("manage_topics", musterstadt), {"name": "Verkehr", "slug": ""})
    assert response.status_code == 200 and "already used" in response.content.decode()

    response = client.post(url("manage_news", musterstadt, marktplatz), {"title": "Auftakt", "text": "Heute *los*."})
    assert response.status_code == 302
    news = ProcessNews.objects.get(process=marktplatz)
    assert news.author == carol and news.text_html == "<p>Heute <em>los</em>.</p>\n"
    assert "Auftakt" in client.get(marktplatz.get_absolute_url()).content.decode()
    response = client.post(url("manage_news", musterstadt, marktplatz), {"title": "", "text": "x" * 20_001})
    assert response.status_code == 200 and ProcessNews.objects.count() == 1


# --- Concurrency (PostgreSQL) ---------------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_two_people_taking_the_same_address_at_once(musterstadt, carol, erin):
    if connection.vendor != "postgresql":
        pytest.skip("parallel connections need PostgreSQL")
    import threading

    from django.db import connections

    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def create(actor) -> None:
        translation.activate("en")  # a new thread starts in the default language, German
        try:
            barrier.wait(timeout=10)
            services.do_create_process(municipality=musterstadt, actor=actor, title="Gleichzeitig", summary="…",
                                       slug="gleichzeitig")
            outcomes.append("created")
        except ValidationError as error:
            outcomes.append(error.message_dict["slug"][0])
        finally:
            connections.close_all()

    threads = [threading.Thread(target=create, args=(actor,)) for actor in (carol, erin)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert outcomes.count("created") == 1
    assert any("already used" in outcome for outcome in outcomes)
    assert Process.objects.filter(municipality=musterstadt, slug="gleichzeitig").count() == 1
