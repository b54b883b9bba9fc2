"""Co-designing a public service: steps, ratings (one per person and step, changeable), assisted entry, themes,
published changes with the before/after comparison, the process feature, the pages, the API, the open data and
the personal-data export."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from kommune.codesign import charts, records, selectors, services
from kommune.codesign.models import Change, Rating, Service
from kommune.core.models import AuditLogEntry
from kommune.core.notifications.models import Notification
from kommune.core.notifications.services import do_follow
from kommune.core.privacy import export_sections, run_anonymisers
from kommune.core.processes.features import registered_features
from tests.factories_api import ApiClient, api_token, error_of
from tests.factories_codesign import service_with_steps
from tests.factories_processes import published_process

pytestmark = pytest.mark.django_db
M = "municipalities/musterstadt"


@pytest.fixture(autouse=True)
def _messages_in_english():
    from django.utils import translation

    with translation.override("en"):
        yield


@pytest.fixture
def service(musterstadt):
    return service_with_steps(musterstadt)


def steps_of(service):
    return list(service.steps.order_by("position"))


def rate(service, person, values, used_on=None):
    return services.do_rate_steps(service=service, actor=person, used_on=used_on, ratings=[
        services.StepRating(step, *value) for step, value in zip(steps_of(service), values, strict=False)])


# --- Describing a service ---------------------------------------------------------------------------------------


def test_staff_describe_a_service_with_a_valid_leika_key_and_ordered_steps(musterstadt, carol):
    service = services.do_create_service(municipality=musterstadt, actor=carol, values=services.ServiceInput(
        title="Wohnsitz ummelden", leika_key="9911 5001 0010 00"))
    assert service.leika_key == "99115001001000"
    first = services.do_add_step(service=service, actor=carol, values=services.StepInput("Termin buchen"))
    second = services.do_add_step(service=service, actor=carol, values=services.StepInput(
        "Vorsprache", channel="counter"))
    services.do_add_step(service=service, actor=carol, values=services.StepInput("Unterlagen", position=2))
    assert [s.title for s in steps_of(service)] == ["Termin buchen", "Unterlagen", "Vorsprache"]
    services.do_update_step(step=first, actor=carol, values=services.StepInput("Termin online buchen", position=3))
    assert [(s.position, s.title) for s in steps_of(service)] == [
        (1, "Unterlagen"), (2, "Vorsprache"), (3, "Termin online buchen")]
    services.do_remove_step(step=second, actor=carol)
    assert [s.position for s in steps_of(service)] == [1, 2]


@pytest.mark.parametrize("key", ["1234", "9911500100100A", "991150010010001"])
def test_a_leika_key_has_exactly_14_digits(musterstadt, carol, key):
    with pytest.raises(ValidationError) as error:
        services.do_create_service(municipality=musterstadt, actor=carol,
                                   values=services.ServiceInput(title="X", leika_key=key))
    assert "14 digits" in str(error.value)
    assert not Service.objects.exists()


def test_only_staff_describe_services(musterstadt, alice, bob, dave):
    for person in (alice, bob, dave):
        with pytest.raises(PermissionDenied):
            services.do_create_service(municipality=musterstadt, actor=person,
                                       values=services.ServiceInput(title="Ummelden"))


def test_a_service_without_steps_is_not_published(musterstadt, carol):
    service = services.do_create_service(municipality=musterstadt, actor=carol,
                                         values=services.ServiceInput(title="Ummelden"))
    with pytest.raises(ValidationError, match="at least one step"):
        services.do_publish_service(service=service, actor=carol)


# --- Rating -----------------------------------------------------------------------------------------------------


def test_one_rating_per_person_and_step_which_they_can_change(service, alice):
    rate(service, alice, [(2, 4, "Keine Termine", "Mehr Termine")])
    rate(service, alice, [(1, 5, "", "")])
    rating = Rating.objects.get()
    assert (rating.effort, rating.clarity, rating.problem) == (1, 5, "")
    service.refresh_from_db()
    assert service.rating_count == 1
    rate(service, alice, [(1, 5), (3, 3)])
    service.refresh_from_db()
    assert service.rating_count == 2 == Rating.objects.count()


@pytest.mark.parametrize("effort, clarity", [(0, 3), (6, 3), ("x", 3), (3, None), (True, 3)])
def test_values_outside_the_scale_are_refused(service, alice, effort, clarity):
    with pytest.raises(ValidationError, match="from 1 to 5"):
        rate(service, alice, [(effort, clarity)])
    assert not Rating.objects.exists()


def test_rating_needs_a_login_a_confirmed_address_and_an_open_service(musterstadt, service, alice):
    from django.contrib.auth.models import AnonymousUser

    with pytest.raises(PermissionDenied):
        rate(service, AnonymousUser(), [(1, 1)])
    alice.email_confirmed_at = None
    alice.save()
    with pytest.raises(ValidationError, match="confirm your e-mail"):
        rate(service, alice, [(1, 1)])
    closed = service_with_steps(musterstadt, accepts_ratings=False)
    alice.email_confirmed_at = timezone.now()
    alice.save()
    with pytest.raises(ValidationError, match="closed"):
        rate(closed, alice, [(1, 1)])
    with pytest.raises(ValidationError, match="future"):
        rate(service, alice, [(1, 1)], used_on=timezone.localdate() + timedelta(days=1))


def test_inside_a_process_a_running_phase_with_the_feature_opens_the_ratings(musterstadt, alice):
    assert "codesign" in {feature.key for feature in registered_features()}
    running = service_with_steps(musterstadt, process=published_process(musterstadt, features=("codesign",)))
    other_feature = service_with_steps(musterstadt, process=published_process(musterstadt, features=("comments",)))
    finished = service_with_steps(musterstadt, process=published_process(
        musterstadt, features=("codesign",), starts_at=timezone.now() - timedelta(days=30), days=10))
    assert services.is_open_for_ratings(running)
    assert not services.is_open_for_ratings(other_feature)
    assert not services.is_open_for_ratings(finished)
    rate(running, alice, [(2, 4)])


def test_staff_enter_a_rating_for_a_resident_who_phoned_marked_and_audited(service, carol, alice):
    stored = services.do_enter_assisted_ratings(
        service=service, actor=carol, channel="phone", reference="Anruf 3. Dezember",
        ratings=[services.StepRating(steps_of(service)[0], 4, 2, "Kein Termin frei", "")])
    rating = stored[0]
    assert rating.person is None and rating.entered_by == carol and rating.is_assisted
    entry = AuditLogEntry.objects.get(action=services.ASSISTED_RATING_ACTION)
    assert entry.actor == carol and entry.details["channel"] == "phone" and entry.details["ratings"] == 1
    with pytest.raises(PermissionDenied):
        services.do_enter_assisted_ratings(service=service, actor=alice, channel="phone",
                                           ratings=[services.StepRating(steps_of(service)[0], 4, 2)])
    with pytest.raises(ValidationError):
        services.do_enter_assisted_ratings(service=service, actor=carol, channel="online",
                                           ratings=[services.StepRating(steps_of(service)[0], 4, 2)])


# --- Themes, changes, history -----------------------------------------------------------------------------------


def test_a_published_change_is_audited_notifies_followers_and_splits_the_ratings(service, alice, bob, carol):
    today = timezone.localdate()
    rate(service, alice, [(5, 1, "Papier holen", "")], used_on=today - timedelta(days=20))
    rate(service, bob, [(2, 4)], used_on=today - timedelta(days=2))
    theme = services.do_create_theme(service=service, actor=carol, title="Wohnungsgeberbestätigung")
    services.do_assign_theme(rating=Rating.objects.get(person=alice), actor=carol, theme=theme)
    assert selectors.themes_with_counts(service)[0].problem_count == 1
    do_follow(user=alice, target=service)
    change = services.do_publish_change(service=service, actor=carol, title="Bestätigung online",
                                        changed_on=today - timedelta(days=10), step=steps_of(service)[0], theme=theme)
    assert AuditLogEntry.objects.filter(action=AuditLogEntry.Action.CODESIGN_CHANGE_PUBLISHED, actor=carol).exists()
    assert Notification.objects.filter(user=alice, activity__verb="codesign.change_published").exists()
    comparison, = selectors.comparisons(service, selectors.changes(service))
    first = comparison.rows[0]
    assert comparison.change == change
    assert (first.before.count, first.before.effort, first.after.count, first.after.effort) == (1, 5, 1, 2)
    chart = charts.comparison_chart(comparison, "effort")
    assert chart["groups"][0].bars[0].width == 360 and chart["groups"][0].bars[1].width == 144


def test_a_change_of_another_service_s_step_or_by_a_resident_is_refused(musterstadt, service, alice, carol):
    other = service_with_steps(musterstadt)
    with pytest.raises(ValidationError):
        services.do_publish_change(service=service, actor=carol, title="X", changed_on=timezone.localdate(),
                                   step=steps_of(other)[0])
    with pytest.raises(PermissionDenied):
        services.do_publish_change(service=service, actor=alice, title="X", changed_on=timezone.localdate())
    assert not Change.objects.exists()


# --- Pages ------------------------------------------------------------------------------------------------------


def test_the_service_page_shows_steps_history_table_and_chart_in_german(client, service, alice, carol):
    today = timezone.localdate()
    rate(service, alice, [(5, 2), (3, 3)], used_on=today - timedelta(days=20))
    services.do_publish_change(service=service, actor=carol, title="Online-Termine",
                               changed_on=today - timedelta(days=10))
    page = client.get(service.get_absolute_url())
    html = page.content.decode()
    assert page.status_code == 200
    assert "Online-Termine" in html and "Termin buchen" in html
    assert "5,0" in html and "<svg" in html and 'role="img"' in html and "<table" in html


def test_residents_rate_through_the_form_and_see_their_answers_again(client, service, alice):
    url = reverse("codesign:rate", kwargs={"municipality_slug": "musterstadt", "service_id": service.pk})
    assert client.get(url).status_code == 302  # login first
    client.force_login(alice)
    first = steps_of(service)[0]
    answer = client.post(url, {"used_on": timezone.localdate().isoformat(), f"effort_{first.pk}": "2",
                               f"clarity_{first.pk}": "4", f"problem_{first.pk}": "Lange Wartezeit"})
    assert answer.status_code == 302
    assert Rating.objects.get().problem == "Lange Wartezeit"
    page = client.get(url).content.decode()
    assert 'value="2" checked' in page or 'value="2"\n' in page or "Lange Wartezeit" in page
    missing = client.post(url, {"used_on": timezone.localdate().isoformat(), f"effort_{first.pk}": "2"})
    assert missing.status_code == 400 and Rating.objects.get().clarity == 4
    nothing = client.post(url, {"used_on": timezone.localdate().isoformat()})
    assert nothing.status_code == 400


def test_unpublished_services_are_hidden_from_residents(client, musterstadt, alice, carol):
    draft = service_with_steps(musterstadt, published=False)
    client.force_login(alice)
    assert client.get(draft.get_absolute_url()).status_code == 404
    client.force_login(carol)
    assert client.get(draft.get_absolute_url()).status_code == 200


def test_staff_pages_create_a_service_group_feedback_and_enter_by_phone(client, musterstadt, service, alice, carol):
    rate(service, alice, [(4, 2, "Zu wenig Termine", "Samstags öffnen")])
    client.force_login(carol)
    slug = {"municipality_slug": "musterstadt"}
    one = {**slug, "service_id": service.pk}
    created = client.post(reverse("codesign:manage", kwargs=slug), {"title": "Führungszeugnis beantragen",
                                                                     "leika_key": "123"})
    assert created.status_code == 400 and "14" in created.content.decode()
    assert client.post(reverse("codesign:manage_add_theme", kwargs=one), {"title": "Termine"}).status_code == 302
    theme = service.themes.get()
    rating = Rating.objects.get()
    client.post(reverse("codesign:manage_assign_theme", kwargs=one), {"rating": rating.pk, "theme": theme.pk})
    rating.refresh_from_db()
    assert rating.theme == theme
    bad = client.post(reverse("codesign:manage_assign_theme", kwargs=one), {"rating": "²", "theme": "x"})
    assert bad.status_code == 302
    first = steps_of(service)[1]
    entered = client.post(reverse("codesign:manage_assisted", kwargs=one), {
        "channel": "phone", "reference": "Anruf", "used_on": timezone.localdate().isoformat(),
        f"effort_{first.pk}": "3", f"clarity_{first.pk}": "3"})
    assert entered.status_code == 302
    assert Rating.objects.filter(channel="phone", entered_by=carol).count() == 1
    feedback = client.get(reverse("codesign:manage_feedback", kwargs=one)).content.decode()
    assert "Samstags öffnen" in feedback
    client.force_login(alice)
    assert client.get(reverse("codesign:manage_feedback", kwargs=one)).status_code == 403


# --- API, open data, privacy ------------------------------------------------------------------------------------


def test_the_api_reads_aggregates_and_writes_the_own_rating(musterstadt, service, alice):
    service_with_steps(musterstadt, published=False)
    rate(service, alice, [(2, 4, "Geheim", "")])
    anonymous = ApiClient()
    listed = anonymous.get(f"{M}/codesign-services").json()
    assert [item["id"] for item in listed["items"]] == [service.pk]
    detail = anonymous.get(f"{M}/codesign-services/{service.pk}").json()
    assert detail["steps"][0]["rating_count"] == 1 and detail["steps"][0]["effort_mean"] == 2.0
    assert "Geheim" not in str(detail) and "alice" not in str(detail)
    step = steps_of(service)[0]
    url = f"{M}/codesign-services/{service.pk}/steps/{step.pk}/rating"
    answer = ApiClient(api_token(alice)).put(url, {"effort": 1, "clarity": 5, "idea": "Online"})
    assert answer.status_code == 200 and answer.json()["effort"] == 1
    assert Rating.objects.get(person=alice, step=step).idea == "Online"
    assert ApiClient(api_token(alice)).put(url, {"effort": 9, "clarity": 5}).status_code == 422
    assert ApiClient().put(url, {"effort": 1, "clarity": 5}).status_code == 401
    closed = service_with_steps(musterstadt, accepts_ratings=False)
    refused = ApiClient(api_token(alice)).put(
        f"{M}/codesign-services/{closed.pk}/steps/{steps_of(closed)[0].pk}/rating", {"effort": 1, "clarity": 5})
    assert refused.status_code == 422 and error_of(refused)["code"] == "closed"


def test_the_record_set_has_aggregates_without_persons_and_a_short_name(musterstadt, service, alice, carol):
    rate(service, alice, [(2, 4, "Geheimes Problem", "Idee")])
    services.do_publish_change(service=service, actor=carol, title="X", changed_on=timezone.localdate(),
                               step=steps_of(service)[0])
    rows = list(records.rows(musterstadt))
    assert len(records.KEY) < 40 and records.KEY.isascii()
    assert rows[0]["rating_count"] == 1 and rows[0]["effort_mean"] == 2.0 and rows[0]["problem_count"] == 1
    assert rows[0]["change_count"] == 1 and rows[1]["effort_mean"] is None
    assert "Geheimes" not in str(rows) and "alice" not in str(rows)


def test_ratings_are_exported_and_anonymised_on_account_deletion(service, alice, carol):
    rate(service, alice, [(2, 4, "Problem", "Idee")])
    services.do_enter_assisted_ratings(service=service, actor=carol, channel="letter",
                                       ratings=[services.StepRating(steps_of(service)[1], 3, 3, "Brief", "")])
    exported = export_sections(alice)["codesign_ratings"]
    assert exported[0]["problem"] == "Problem" and exported[0]["effort"] == 2
    assert export_sections(carol)["codesign_assisted_ratings"][0]["channel"] == "letter"
    assert "Brief" not in str(export_sections(carol)["codesign_assisted_ratings"])
    run_anonymisers(alice)
    rating = Rating.objects.get(step=steps_of(service)[0])
    assert rating.person is None and rating.problem == "" and rating.effort == 2


def test_staff_add_steps_through_the_service_page(client, musterstadt, carol):
    service = service_with_steps(musterstadt, published=False, titles=())
    client.force_login(carol)
    url = reverse("codesign:manage_add_step", kwargs={"municipality_slug": "musterstadt", "service_id": service.pk})
    assert client.post(url, {"step-title": "Termin buchen", "step-channel": "online"}).status_code == 302
    assert client.post(url, {"step-title": "", "step-channel": "fax"}).status_code == 400
    assert [step.title for step in service.steps.all()] == ["Termin buchen"]
    publish = reverse("codesign:manage_publish", kwargs={"municipality_slug": "musterstadt",
                                                         "service_id": service.pk})
    assert client.post(publish).status_code == 302
    service.refresh_from_db()
    assert service.is_published
