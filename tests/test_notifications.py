"""Follow and notify, activity streams and feeds, e-mails through the real database task backend and worker."""

import difflib
import re
from datetime import datetime, timedelta
from io import StringIO
from unittest import mock
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.contrib.contenttypes.models import ContentType
from django.core import mail
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation
from django_tasks_db.management.commands import db_worker
from django_tasks_db.models import DBTaskResult

from kommune.accounts.models import User
from kommune.accounts.services import do_delete_account
from kommune.core import events
from kommune.core.comments.services import do_edit_comment, do_post_assisted_comment, do_post_comment
from kommune.core.moderation.models import Report
from kommune.core.moderation.services import do_answer_report, do_block, do_hide, do_report, do_unblock, do_unhide
from kommune.core.notifications import selectors
from kommune.core.notifications import services as notification_services
from kommune.core.notifications.models import Activity, Follow, Notification, NotificationSettings
from kommune.core.notifications.tokens import unsubscribe_token
from kommune.core.privacy import export_sections
from kommune.core.processes.services import do_publish_news, do_publish_process, do_unpublish_process
from tests.factories_notifications import (
    NotificationFactory,
    PublishedProcessFactory,
    activity_for,
    email_setting,
    follow,
)
from tests.factories_processes import PhaseFactory

pytestmark = pytest.mark.django_db
BERLIN = ZoneInfo("Europe/Berlin")


@pytest.fixture(autouse=True)
def _english(settings, monkeypatch):
    """The assertions read the English source strings, whatever the German catalogue says: everyone made in
    these tests speaks English, and so do anonymous visitors and the test itself."""
    monkeypatch.setattr(User._meta.get_field("language"), "default", "en")
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


def run_worker() -> None:
    """The real worker of django-tasks-db, in this process: runs every queued task, then returns.

    Between tasks the worker recycles its database connection like a request does (close_old_connections),
    which would close the connection of a test that runs inside a transaction; only there is that skipped.
    The main journey runs with real commits (transaction=True) and the worker exactly as in production."""
    if connection.in_atomic_block:
        with mock.patch.object(db_worker, "close_old_connections", lambda: None):
            call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)
    else:
        call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)


@pytest.fixture(autouse=True)
def _tasks_in_the_database(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def deliver() -> None:
    """What the worker does first: the events of the outbox reach notifications; the e-mail tasks they enqueue
    wait for run_worker()."""
    events.deliver_pending()


def open_for_comments(process):
    PhaseFactory(process=process, starts_at=datetime(2020, 1, 1, tzinfo=BERLIN),
                 ends_at=datetime(2040, 1, 1, tzinfo=BERLIN))
    return process


@pytest.fixture
def process(musterstadt):
    return open_for_comments(PublishedProcessFactory(municipality=musterstadt, title="Spielplatz Nord",
                                                     slug="spielplatz-nord"))


@pytest.fixture
def post():
    """Post a comment through the comment service (staff enter one for a resident with ``channel``), then
    deliver its event."""

    def post(process, author, *, parent=None, channel: str = "", assisted_name: str = ""):
        text = "Mehr Schatten bitte, die Sonne brennt im Sommer."
        if channel:
            comment = do_post_assisted_comment(staff=author, target=process, text=text, channel=channel,
                                               assisted_name=assisted_name, parent=parent)
        else:
            comment = do_post_comment(actor=author, target=process, text=text, parent=parent)
        deliver()
        return comment

    return post


# --- Following and notifying --------------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_a_follower_gets_a_notification_in_the_site_and_by_email_through_the_worker(process, alice, bob, post,
                                                                                    client):
    follow(alice, process)
    post(process, bob)

    [notification] = Notification.objects.filter(user=alice)
    assert notification.activity.verb == "comment.posted"
    assert notification.sentence == "Bob commented on “Spielplatz Nord”"
    # Nothing is sent in the request or the transaction: one task waits for the worker.
    assert mail.outbox == []
    assert DBTaskResult.objects.filter(task_path__endswith="send_immediate_emails").count() == 1

    run_worker()

    [message] = mail.outbox
    assert message.to == ["alice@example.org"]
    assert "Bob commented on “Spielplatz Nord”" in message.subject
    assert "http://127.0.0.1:8000/musterstadt/verfahren/spielplatz-nord/#comment-" in message.body
    notification.refresh_from_db()
    assert notification.emailed_at is not None
    assert DBTaskResult.objects.get(task_path__endswith="send_immediate_emails").status == "SUCCESSFUL"

    client.force_login(alice)
    page = client.get(reverse("notifications:inbox")).content.decode()
    assert "Bob commented on “Spielplatz Nord”" in page and "notification--unread" in page

    run_worker()  # nothing left: no second e-mail
    assert len(mail.outbox) == 1


def test_the_email_speaks_the_recipients_language(process, alice, carol, bob, post):
    alice.language = "en"
    alice.save()
    carol.language = "de"
    carol.save()
    follow(alice, process)
    follow(carol, process)
    post(process, bob)
    run_worker()
    by_recipient = {m.to[0]: m for m in mail.outbox}
    assert by_recipient["alice@example.org"].body.startswith("Hello Alice,")
    assert by_recipient["carol@example.org"].body.startswith("Guten Tag Carol,")


def test_the_actor_never_notifies_themself(process, alice, bob, post):
    follow(bob, process)
    follow(alice, process)
    post(process, bob)
    assert not Notification.objects.filter(user=bob).exists()
    assert Notification.objects.filter(user=alice).count() == 1


def test_followers_of_a_person_of_a_comment_and_of_a_process_each_get_one_notification(process, alice, bob, carol,
                                                                                      erin, post):
    first = post(process, alice)
    follow(bob, alice)  # bob follows alice's public activity
    follow(carol, first)  # carol follows alice's comment, so hears of replies
    follow(erin, process)
    follow(erin, first)  # erin would match twice: still one notification
    reply = post(process, alice, parent=first)
    recipients = set(Notification.objects.filter(activity__target_id=reply.pk).values_list("user__email", flat=True))
    assert recipients == {"bob@example.org", "carol@example.org", "erin@example.org"}
    # A reply is found on its parent's replies page, a top-level comment under the process.
    assert Activity.objects.get(target_id=reply.pk).url.endswith(f"#comment-{reply.pk}")
    assert Activity.objects.get(target_id=first.pk).url == f"/musterstadt/verfahren/spielplatz-nord/#comment-{first.pk}"


def test_an_assisted_comment_names_the_resident_not_the_staff_member(process, alice, carol, post):
    follow(alice, carol)  # following the staff member does not reveal who typed in a resident's letter
    follow(alice, process)
    post(process, carol, channel="letter", assisted_name="Frau M.")
    activity = Activity.objects.get(verb="comment.posted")
    assert activity.actor is None and activity.actor_name == "Frau M."
    assert activity.sentence == "Frau M. commented on “Spielplatz Nord”"
    assert Notification.objects.filter(user=alice).count() == 1


def test_people_who_want_no_emails_or_a_digest_get_none_right_away(process, alice, carol, erin, bob, post):
    for person in (alice, carol, erin):
        follow(person, process)
    email_setting(alice, NotificationSettings.Email.OFF)
    email_setting(carol, NotificationSettings.Email.DAILY)
    erin.email_confirmed_at = None  # an unconfirmed address gets nothing
    erin.save()
    post(process, bob)
    run_worker()
    assert mail.outbox == []
    assert Notification.objects.count() == 3


def test_a_comment_hidden_before_the_worker_runs_is_not_emailed(process, alice, bob, carol, post):
    follow(alice, process)
    comment = post(process, carol)
    do_hide(moderator=bob, comment=comment, reason="Spam")
    deliver()
    run_worker()
    # Only the author hears of it: her statement of reasons (tests/test_moderation_duties.py).
    assert [message.to for message in mail.outbox] == [[carol.email]]


def test_a_fan_out_to_500_followers_takes_as_many_queries_as_to_5(process, musterstadt, bob, post):
    def followers(count):
        start = User.objects.count()
        users = User.objects.bulk_create([User(email=f"f{start + i}@example.org", display_name=f"F{start + i}")
                                          for i in range(count)])
        ct = ContentType.objects.get_for_model(process)
        Follow.objects.bulk_create([Follow(user=user, content_type=ct, object_id=process.pk) for user in users])

    followers(5)
    post(process, bob)  # warms the content type cache
    with CaptureQueriesContext(connection) as few:
        post(process, bob)
    followers(495)
    with CaptureQueriesContext(connection) as many:
        post(process, bob)
    assert Notification.objects.filter(activity=Activity.objects.latest("id")).count() == 500
    assert len(many) == len(few), _query_difference(few, many)


def _query_difference(before: CaptureQueriesContext, after: CaptureQueriesContext) -> str:
    """The statements one run has and the other has not, numbers and quoted values masked (a failed count says
    which query came or went)."""
    def shapes(captured: CaptureQueriesContext) -> list[str]:
        return [re.sub(r"'[^']*'|\b\d+\b", "?", query["sql"])[:300] for query in captured]

    return "\n".join(difflib.unified_diff(shapes(before), shapes(after), "few", "many", lineterm="", n=1))


def test_a_report_answer_reaches_the_reporter_privately(musterstadt, process, alice, bob, carol, post):
    comment = post(process, carol)
    report = do_report(reporter=alice, target=comment, reason=Report.Reason.INSULT)
    activities_before = Activity.objects.count()
    do_answer_report(moderator=bob, report=report, answer="Wir haben den Beitrag ausgeblendet.")
    deliver()
    assert Activity.objects.count() == activities_before
    [notification] = Notification.objects.filter(user=alice)
    assert notification.activity is None and notification.text == "Wir haben den Beitrag ausgeblendet."
    run_worker()
    [message] = mail.outbox
    assert "Wir haben den Beitrag ausgeblendet." in message.body


def test_verbs_without_public_meaning_leave_no_activity(musterstadt, process, alice, bob, post):
    comment = post(process, bob)
    before = Activity.objects.count()
    do_edit_comment(actor=bob, comment=comment, text="Mehr Schatten bitte, die Sonne brennt im Sommer sehr.")
    block = do_block(moderator=bob, municipality=musterstadt, user=alice, until=timezone.now() + timedelta(days=1),
                     reason="Beleidigungen")
    do_unblock(moderator=bob, block=block)
    deliver()
    assert Activity.objects.count() == before


def test_news_of_a_process_reaches_its_followers(process, alice, carol):
    follow(alice, process)
    do_publish_news(process=process, actor=carol, title="Die Ergebnisse sind da", text="Alles Weitere folgt.")
    deliver()
    [notification] = Notification.objects.filter(user=alice)
    assert notification.sentence == "News from “Spielplatz Nord”: Die Ergebnisse sind da"
    assert notification.activity.actor is None  # the municipality speaks, not the staff member


# --- Daily digest -------------------------------------------------------------------------------------------


def test_the_digest_groups_a_days_events_into_one_email(musterstadt, alice, bob, carol, post):
    north = open_for_comments(PublishedProcessFactory(municipality=musterstadt, title="Spielplatz Nord"))
    south = open_for_comments(PublishedProcessFactory(municipality=musterstadt, title="Radweg Süd"))
    follow(alice, north)
    follow(alice, south)
    email_setting(alice, NotificationSettings.Email.DAILY)
    day = datetime(2026, 5, 4, 8, 0, tzinfo=BERLIN)
    with time_machine.travel(day, tick=False):
        post(north, bob)
    with time_machine.travel(day + timedelta(hours=5), tick=False):
        post(south, carol)
        post(north, carol)
    with time_machine.travel(day + timedelta(hours=23), tick=False):
        run_worker()  # the immediate tasks: nothing for a digest reader
        assert mail.outbox == []
        call_command("send_digests", stdout=StringIO())
        run_worker()

    [digest] = mail.outbox
    assert digest.to == ["alice@example.org"]
    assert "3" in digest.subject
    body = digest.body
    assert body.count("== Spielplatz Nord ==") == 1 and body.count("== Radweg Süd ==") == 1
    north_part = body.split("== Spielplatz Nord ==")[1].split("==")[0]
    assert north_part.count("commented on") == 2
    assert digest.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert not Notification.objects.filter(user=alice, emailed_at__isnull=True).exists()

    with time_machine.travel(day + timedelta(hours=47), tick=False):
        call_command("send_digests", "--now", stdout=StringIO())
    assert len(mail.outbox) == 1  # nothing new, no second digest


def test_the_digest_leaves_out_what_was_hidden_and_people_without_digest(process, alice, carol, bob, post):
    follow(alice, process)
    follow(carol, process)
    email_setting(alice, NotificationSettings.Email.DAILY)
    hidden = post(process, bob)
    do_hide(moderator=bob, comment=hidden, reason="Spam")
    deliver()
    post(process, bob)
    call_command("send_digests", "--now", stdout=StringIO())
    [digest] = [m for m in mail.outbox if m.to == ["alice@example.org"]]
    assert digest.body.count("commented on") == 1


# --- Unsubscribe ----------------------------------------------------------------------------------------------


def test_one_click_unsubscribe_from_the_email(process, alice, bob, post, client):
    follow(alice, process)
    post(process, bob)
    run_worker()
    [message] = mail.outbox
    header = message.extra_headers["List-Unsubscribe"]
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    url = re.fullmatch(r"<(http://127\.0\.0\.1:8000(/konto/benachrichtigungen/abbestellen/[^/]+/))>", header)
    assert url and url[1] in message.body
    path = url[2]

    page = client.get(path)  # logged out
    assert page.status_code == 200 and "Stop notification e-mails" in page.content.decode()
    assert selectors.email_setting(alice) == NotificationSettings.Email.IMMEDIATELY  # GET changes nothing

    # What a mail provider sends (RFC 8058): a POST without session or CSRF token.
    csrf_client = client.__class__(enforce_csrf_checks=True)
    response = csrf_client.post(path, {"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    assert selectors.email_setting(alice) == NotificationSettings.Email.OFF

    post(process, bob)
    run_worker()
    assert len(mail.outbox) == 1


def test_the_unsubscribe_button_works_without_login(alice, client):
    path = reverse("notifications:unsubscribe", kwargs={"token": unsubscribe_token(alice)})
    response = client.post(path)
    assert response.status_code == 200 and "no more notification e-mails" in response.content.decode()
    assert selectors.email_setting(alice) == NotificationSettings.Email.OFF


@pytest.mark.parametrize("token", ["kaputt", "eyJ1IjoxfQ:1xVTJa:falsch", "x" * 300])
def test_a_bad_unsubscribe_token_gets_a_clear_message(token, alice, client):
    for method in (client.get, client.post):
        response = method(reverse("notifications:unsubscribe", kwargs={"token": token}))
        assert response.status_code == 400
        assert "This unsubscribe link is not valid" in response.content.decode()
    assert not NotificationSettings.objects.exists()


def test_an_expired_unsubscribe_token_says_so(alice, client):
    token = unsubscribe_token(alice)
    with time_machine.travel(timezone.now() + timedelta(days=400), tick=False):
        response = client.get(reverse("notifications:unsubscribe", kwargs={"token": token}))
    assert response.status_code == 400 and "has expired" in response.content.decode()


# --- Follow button and endpoint -------------------------------------------------------------------------------


def test_follow_and_unfollow_without_javascript(process, alice, client):
    client.force_login(alice)
    back = process.get_absolute_url()
    response = client.post(reverse("notifications:follow"),
                           {"target": f"processes.process:{process.pk}", "action": "follow", "next": back})
    assert response.status_code == 302 and response["Location"] == back
    assert Follow.objects.filter(user=alice).count() == 1
    # A double submit changes nothing; an outside "next" is not followed.
    response = client.post(reverse("notifications:follow"), {"target": f"processes.process:{process.pk}",
                                                             "action": "follow", "next": "https://evil.example/"})
    assert response["Location"] == back and Follow.objects.filter(user=alice).count() == 1
    client.post(reverse("notifications:follow"), {"target": f"processes.process:{process.pk}", "action": "unfollow"})
    assert not Follow.objects.filter(user=alice).exists()


def test_the_htmx_follow_button_swaps_itself(process, alice, client, django_assert_max_num_queries):
    client.force_login(alice)
    response = client.post(reverse("notifications:follow"),
                           {"target": f"processes.process:{process.pk}", "action": "follow", "next": "/x/"},
                           headers={"HX-Request": "true"})
    html = response.content.decode()
    assert response.status_code == 200 and "<html" not in html
    assert 'aria-pressed="true"' in html and "Following" in html and 'value="unfollow"' in html
    assert f'id="follow-processes-process-{process.pk}"' in html  # same id: htmx keeps the focus
    assert 'name="next" value="/x/"' in html


def test_the_follow_button_template(process, alice, rf, client):
    from django.template.loader import render_to_string

    request = rf.get("/")
    from django.contrib.auth.models import AnonymousUser

    request.user = AnonymousUser()
    html = render_to_string("notifications/follow_button.html", {"follow_target": process}, request=request)
    assert "Log in to follow" in html and "/konto/anmelden/?next=/" in html
    request.user = alice
    html = render_to_string("notifications/follow_button.html", {"follow_target": process}, request=request)
    assert 'aria-pressed="false"' in html and "csrfmiddlewaretoken" in html
    # Something that cannot be followed renders nothing.
    assert render_to_string("notifications/follow_button.html", {"follow_target": alice},
                            request=request).strip() == ""


def test_follow_buttons_cost_one_query_per_kind(process, musterstadt, alice, rf, django_assert_num_queries):
    from django.template.loader import render_to_string

    others = PublishedProcessFactory.create_batch(5, municipality=musterstadt)
    follow(alice, others[2])
    request = rf.get("/")
    request.user = alice
    with django_assert_num_queries(1):
        html = "".join(render_to_string("notifications/follow_button.html", {"follow_target": p}, request=request)
                       for p in [process, *others])
    assert html.count('aria-pressed="true"') == 1


def test_what_cannot_be_followed(musterstadt, anderstadt, alice, bob, carol, client, post):
    client.force_login(alice)
    url = reverse("notifications:follow")
    draft = PublishedProcessFactory(municipality=musterstadt, is_published=False)
    assert client.post(url, {"target": f"processes.process:{draft.pk}", "action": "follow"}).status_code == 404
    assert client.post(url, {"target": "processes.process:999999", "action": "follow"}).status_code == 404
    for bad in ("", "processes.process", "accounts.residency:1", "nonsense:1", "processes.process:1x"):
        response = client.post(url, {"target": bad, "action": "follow"})
        assert response.status_code == 400 and "cannot be followed" in response.content.decode()
    process = open_for_comments(PublishedProcessFactory(municipality=musterstadt))
    hidden = post(process, carol)
    do_hide(moderator=bob, comment=hidden, reason="Spam")
    assert client.post(url, {"target": f"comments.comment:{hidden.pk}", "action": "follow"}).status_code == 404
    # A person without a public page is a 404 like nobody (tests/test_person_pages.py); with one, not oneself.
    assert client.post(url, {"target": f"accounts.user:{alice.pk}", "action": "follow"}).status_code == 404
    alice.public_profile = True
    alice.save(update_fields=["public_profile"])
    response = client.post(url, {"target": f"accounts.user:{alice.pk}", "action": "follow"}, follow=True)
    assert "You cannot follow yourself." in response.content.decode()
    assert not Follow.objects.exists()
    # A public process of another municipality can be followed (following is not tenant business).
    theirs = PublishedProcessFactory(municipality=anderstadt)
    assert client.post(url, {"target": f"processes.process:{theirs.pk}", "action": "follow"}).status_code == 302


def test_following_needs_a_login(process, client):
    response = client.post(reverse("notifications:follow"),
                           {"target": f"processes.process:{process.pk}", "action": "follow"})
    assert response.status_code == 302 and response["Location"].startswith(reverse("accounts:login"))
    assert not Follow.objects.exists()


# --- Activity streams and feeds -------------------------------------------------------------------------------


def test_a_hidden_comment_disappears_from_stream_and_feed_and_comes_back_when_shown(process, bob, post, client):
    comment = post(process, bob)
    stream = reverse("notifications:municipality_stream", kwargs={"municipality_slug": "musterstadt"})
    process_stream = reverse("processes:activity",
                             kwargs={"municipality_slug": "musterstadt", "process_slug": process.slug})
    feed = reverse("notifications:municipality_feed", kwargs={"municipality_slug": "musterstadt"})
    process_feed = reverse("processes:activity_feed",
                           kwargs={"municipality_slug": "musterstadt", "process_slug": process.slug})
    anchor = f"#comment-{comment.pk}"
    for url in (stream, process_stream, feed, process_feed):
        assert anchor in client.get(url).content.decode(), url

    do_hide(moderator=bob, comment=comment, reason="Spam")
    deliver()
    for url in (stream, process_stream, feed, process_feed):
        assert anchor not in client.get(url).content.decode(), url

    do_unhide(moderator=bob, comment=comment, reason="Doch kein Spam")
    deliver()
    assert anchor in client.get(stream).content.decode()


def test_an_unpublished_process_leaves_the_streams_until_published_again(process, bob, carol, post, client):
    post(process, bob)
    stream = reverse("notifications:municipality_stream", kwargs={"municipality_slug": "musterstadt"})
    assert "Spielplatz Nord" in client.get(stream).content.decode()
    do_unpublish_process(process=process, actor=carol)
    deliver()
    assert "Spielplatz Nord" not in client.get(stream).content.decode()
    assert client.get(reverse("processes:activity", kwargs={
        "municipality_slug": "musterstadt", "process_slug": process.slug})).status_code == 404
    do_publish_process(process=process, actor=carol)
    deliver()
    do_unpublish_process(process=process, actor=carol)
    do_publish_process(process=process, actor=carol)
    deliver()
    page = client.get(stream).content.decode()
    assert page.count("New participation process: “Spielplatz Nord”") == 1 and "Bob commented" in page


def test_the_feed_is_atom(process, bob, post, client):
    post(process, bob)
    response = client.get(reverse("processes:activity_feed",
                                  kwargs={"municipality_slug": "musterstadt", "process_slug": process.slug}))
    assert response["Content-Type"].startswith("application/atom+xml")
    body = response.content.decode()
    assert "<feed" in body and "Bob commented on “Spielplatz Nord”" in body
    assert "http://testserver/musterstadt/verfahren/spielplatz-nord/#comment-" in body


@pytest.mark.parametrize("view", ["notifications:municipality_stream", "processes:activity"])
def test_stream_queries_do_not_grow_with_the_activities(view, process, client):
    url = reverse(view, kwargs={"municipality_slug": "musterstadt", "process_slug": process.slug}
                  if view == "processes:activity" else {"municipality_slug": "musterstadt"})
    Activity.objects.bulk_create([activity_for(process) for _ in range(10)])
    with CaptureQueriesContext(connection) as small:
        assert client.get(url).status_code == 200
    Activity.objects.bulk_create([activity_for(process) for _ in range(190)])
    with CaptureQueriesContext(connection) as large:
        response = client.get(url)
    assert len(large) == len(small) <= 4
    assert response.content.decode().count("activity-list__item") == selectors.STREAM_PAGE_SIZE
    assert 'rel="next"' in response.content.decode()


def test_stream_pages_follow_the_cursor_without_gaps(process, client):
    base = timezone.now()
    Activity.objects.bulk_create([activity_for(process, created_at=base - timedelta(minutes=i), summary=f"#{i}:")
                                  for i in range(45)])
    url = reverse("notifications:municipality_stream", kwargs={"municipality_slug": "musterstadt"})
    first = client.get(url)
    cursor = re.search(r'href="\?cursor=([^"]+)"', first.content.decode())[1]
    second = client.get(url, {"cursor": cursor}).content.decode()
    seen = re.findall(r"“#(\d+):”", first.content.decode()) + re.findall(r"“#(\d+):”", second)
    assert [int(n) for n in seen] == list(range(45))


@pytest.mark.parametrize("cursor", ["kaputt", "%%%", "MjAyNi0wMS0wMXwx", "x" * 200])
def test_a_malformed_cursor_is_a_clear_400(cursor, process, alice, client):
    client.force_login(alice)
    for url in (reverse("notifications:municipality_stream", kwargs={"municipality_slug": "musterstadt"}),
                reverse("notifications:inbox"), reverse("notifications:settings")):
        response = client.get(url, {"cursor": cursor})
        assert response.status_code == 400, url
        assert "invalid position" in response.content.decode()


def test_a_foreign_process_is_not_in_a_municipality_stream(musterstadt, anderstadt, client):
    theirs = PublishedProcessFactory(municipality=anderstadt)
    assert client.get(reverse("processes:activity", kwargs={
        "municipality_slug": "musterstadt", "process_slug": theirs.slug})).status_code == 404
    assert client.get(reverse("processes:activity_feed", kwargs={
        "municipality_slug": "musterstadt", "process_slug": theirs.slug})).status_code == 404
    Activity.objects.bulk_create([activity_for(theirs)])
    page = client.get(reverse("notifications:municipality_stream", kwargs={"municipality_slug": "musterstadt"}))
    assert theirs.title not in page.content.decode()


# --- Personas -------------------------------------------------------------------------------------------------


def test_dave_sees_public_streams_and_only_his_own_notifications(process, musterstadt, alice, dave, client):
    Activity.objects.bulk_create([activity_for(process)])
    mine = NotificationFactory(user=dave, text="Für Dave")
    alices = NotificationFactory(user=alice, municipality=musterstadt, text="Für Alice")
    client.force_login(dave)
    for url in (reverse("notifications:municipality_stream", kwargs={"municipality_slug": "musterstadt"}),
                reverse("notifications:municipality_feed", kwargs={"municipality_slug": "musterstadt"}),
                reverse("processes:activity", kwargs={"municipality_slug": "musterstadt",
                                                                "process_slug": process.slug})):
        assert client.get(url).status_code == 200
    inbox = client.get(reverse("notifications:inbox")).content.decode()
    assert "Für Dave" in inbox and "Für Alice" not in inbox

    response = client.post(reverse("notifications:mark_read", kwargs={"notification_id": alices.pk}))
    assert response.status_code == 404
    alices.refresh_from_db()
    assert alices.read_at is None
    assert client.post(reverse("notifications:mark_read", kwargs={"notification_id": mine.pk})).status_code == 302
    mine.refresh_from_db()
    assert mine.read_at is not None


def test_the_inbox_marks_unread_and_marks_all_read(alice, client, django_assert_max_num_queries):
    NotificationFactory.create_batch(30, user=alice)
    client.force_login(alice)
    with django_assert_max_num_queries(6):
        page = client.get(reverse("notifications:inbox")).content.decode()
    assert page.count("notification--unread") == selectors.INBOX_PAGE_SIZE and "Mark all as read" in page
    client.post(reverse("notifications:mark_all_read"))
    assert not Notification.objects.filter(read_at__isnull=True).exists()
    assert "Mark all as read" not in client.get(reverse("notifications:inbox")).content.decode()


def test_unread_count_for_the_header_is_one_query_per_request(alice, rf, django_assert_num_queries):
    NotificationFactory.create_batch(3, user=alice)
    request = rf.get("/")
    request.user = alice
    with django_assert_num_queries(1):
        assert selectors.unread_notification_count(request) == 3
        assert selectors.unread_notification_count(request) == 3


def test_the_header_count_is_kept_and_counted_again_when_notifications_come_or_are_read(
        alice, musterstadt, django_assert_num_queries, django_capture_on_commit_callbacks):
    NotificationFactory.create_batch(3, user=alice)
    assert selectors.unread_count(alice) == 3
    with django_assert_num_queries(0):
        assert selectors.unread_count(alice) == 3  # kept in the cache
    with django_capture_on_commit_callbacks(execute=True):
        notification_services.notify_users([alice.pk], municipality=musterstadt, verb="test", text="Neu", url="/")
    assert selectors.unread_count(alice) == 4
    with django_capture_on_commit_callbacks(execute=True):
        notification_services.do_mark_all_read(user=alice)
    assert selectors.unread_count(alice) == 0


def test_settings_change_the_email_frequency(alice, client):
    client.force_login(alice)
    page = client.get(reverse("notifications:settings")).content.decode()
    assert 'value="immediately" checked' in page
    response = client.post(reverse("notifications:settings"), {"email": "daily"})
    assert response.status_code == 302
    assert selectors.email_setting(alice) == NotificationSettings.Email.DAILY
    response = client.post(reverse("notifications:settings"), {"email": "hourly"})
    assert response.status_code == 200 and "Please check your input" in response.content.decode()
    assert selectors.email_setting(alice) == NotificationSettings.Email.DAILY


def test_the_settings_page_lists_what_the_person_follows(process, alice, bob, client):
    follow(alice, process)
    follow(alice, bob)
    client.force_login(alice)
    page = client.get(reverse("notifications:settings")).content.decode()
    assert "Spielplatz Nord" in page and "Person: Bob" in page and page.count('value="unfollow"') == 2


# --- Privacy ------------------------------------------------------------------------------------------------------


def test_account_deletion_removes_follows_and_notifications_and_the_name(process, alice, bob, carol, post):
    follow(alice, process)
    follow(carol, alice)
    post(process, bob)
    post(process, alice)
    export = export_sections(alice)
    assert export["follows"] and export["notifications"]["notifications"]
    do_delete_account(user=alice)
    assert not Follow.objects.filter(user__in=[alice, carol]).exists()
    assert not Notification.objects.filter(user=alice).exists()
    activity = Activity.objects.get(verb="comment.posted", actor_name="")
    assert activity.actor is None and activity.sentence == "Someone commented on “Spielplatz Nord”"
