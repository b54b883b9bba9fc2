"""Moderation: reports and their answers, hiding in place with exact counters, blocks, the public log without
personal data, the netiquette page, and who may do what (alice resident, bob moderator, carol staff, erin
admin of Musterstadt; dave of Anderstadt)."""

from datetime import timedelta

import pytest
import time_machine
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from kommune.core import events
from kommune.core.comments import services as comments
from kommune.core.comments.models import Comment, Thread
from kommune.core.models import Page, PageKind
from kommune.core.moderation import services
from kommune.core.moderation.events import UserUnblocked
from kommune.core.moderation.models import Block, ModerationAct, Report
from kommune.core.services import do_update_page
from tests.factories import UserFactory
from tests.factories_comments import BlockFactory, ReportFactory
from tests.factories_processes import published_process

pytestmark = pytest.mark.django_db

SLUG = {"municipality_slug": "musterstadt"}
RULE = "Respektvoll und beim Thema"  # a heading of the default netiquette



@pytest.fixture(autouse=True)
def _english(client):
    """The assertions read the English source texts; German is the platform default."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    with translation.override("en"):
        yield

@pytest.fixture
def client(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def login(client, user) -> None:
    user.language = "en"
    user.save(update_fields=["language"])
    client.force_login(user)


@pytest.fixture
def published():
    seen: list[events.Event] = []
    events.register_consumer(events.Consumer(
        "test-recorder", lambda: dict.fromkeys(events.event_types().values(), seen.append)))
    yield seen
    events._consumers.pop("test-recorder", None)


@pytest.fixture
def process(musterstadt):
    return published_process(musterstadt, title="Spielplatz Nord")


@pytest.fixture
def troll(musterstadt):
    return UserFactory(display_name="Trolli Troll", email="troll@example.org")


@pytest.fixture
def rude(troll, process):
    return comments.do_post_comment(actor=troll, target=process, text="Ihr seid alle Idioten!")


def url(name: str, **kwargs) -> str:
    return reverse(f"moderation:{name}", kwargs={**SLUG, **kwargs})


def thread_url(process) -> str:
    return reverse("comments:thread", kwargs={**SLUG, "target_type": "processes.process", "target_id": process.pk})


# --- Reports --------------------------------------------------------------------------------------------------


def test_a_report_is_answered_and_the_reporter_told(alice, bob, rude, published):
    report = services.do_report(reporter=alice, target=rude, reason="insult", text="Beleidigt alle.")
    assert (report.municipality.slug, report.target, report.status) == ("musterstadt", rude, "open")

    with pytest.raises(ValidationError, match="already reported"):
        services.do_report(reporter=alice, target=rude, reason="spam")
    with pytest.raises(ValidationError, match="your own"):
        services.do_report(reporter=rude.author, target=rude, reason="spam")
    with pytest.raises(ValidationError, match="choose a reason"):
        services.do_report(reporter=bob, target=rude, reason="gefällt mir nicht")

    with pytest.raises(ValidationError, match="write an answer"):
        services.do_answer_report(moderator=bob, report=report, answer="  ")
    answered = services.do_answer_report(moderator=bob, report=report, answer="Wir haben es geprüft.")
    assert (answered.status, answered.answered_by, answered.answer) == ("answered", bob, "Wir haben es geprüft.")
    event = published[-1]
    assert (event.name, event.target, event.data["answer"]) == ("report.answered", answered, "Wir haben es geprüft.")
    act = ModerationAct.objects.get()
    # The public log is written in the platform's language, whoever reads it.
    assert (act.action, act.reason, act.moderator) == ("answer_report", "Beleidigung oder Diskriminierung", bob)
    assert "Spielplatz Nord" in act.public_description and "Troll" not in act.public_description
    with pytest.raises(ValidationError, match="already been dealt with"):
        services.do_answer_report(moderator=bob, report=answered, answer="Nochmal")
    # Once answered, the same person may report it again.
    services.do_report(reporter=alice, target=rude, reason="insult")


def test_a_report_can_be_dismissed_without_answer(alice, bob, rude, published):
    report = services.do_report(reporter=alice, target=rude, reason="spam")
    services.do_answer_report(moderator=bob, report=report, answer="", dismiss=True)
    report.refresh_from_db()
    assert report.status == "dismissed"
    assert ModerationAct.objects.get().action == "dismiss_report"
    assert published[-1].data["dismissed"] is True


def test_reporting_through_the_page(alice, client, rude, process):
    report_url = url("report_comment", comment_id=rude.pk)
    page = client.get(report_url)
    assert page.status_code == 200 and "Log in to report" in page.content.decode()
    assert client.post(report_url, {"reason": "insult"})["Location"].startswith(reverse("accounts:login"))

    login(client, alice)
    thread_page = client.get(thread_url(process)).content.decode()
    assert f'href="{report_url}?next=' in thread_page
    response = client.post(report_url, {"text": "x"})
    assert "Please choose a reason" in response.content.decode()
    response = client.post(report_url, {"reason": "insult", "text": "Beleidigung", "next": thread_url(process)})
    assert response["Location"] == f"{thread_url(process)}#comment-{rude.pk}"
    assert Report.objects.get().reporter == alice
    response = client.post(report_url, {"reason": "insult"})
    assert "already reported" in response.content.decode() and Report.objects.count() == 1


def test_the_queue_lists_open_reports_and_answers_them(alice, bob, client, rude):
    ReportFactory(target=rude, reporter=alice, reason="insult", text="Bitte prüfen")
    login(client, bob)
    page = client.get(url("queue")).content.decode()
    assert "Ihr seid alle Idioten!" in page and "Bitte prüfen" in page and page.count("<h1") == 1
    report = Report.objects.get()
    detail = url("report_detail", report_id=report.pk)
    assert "Ihr seid alle Idioten!" in client.get(detail).content.decode()
    response = client.post(detail, {"decision": "answer", "answer": ""})
    assert "write an answer" in response.content.decode()
    response = client.post(detail, {"decision": "answer", "answer": "Erledigt."})
    assert response["Location"] == url("queue")
    assert Report.objects.get().status == "answered"
    assert "There are no reports with this status" in client.get(url("queue")).content.decode()
    assert "Ihr seid alle Idioten!" in client.get(url("queue"), {"status": "answered"}).content.decode()
    assert "Erledigt." in client.get(detail).content.decode()


def test_the_queue_costs_the_same_queries_for_few_and_many_reports(bob, client, process):
    def fill(n):
        for i in range(n):
            comment = comments.do_post_comment(actor=UserFactory(), target=process, text=f"Text {i}")
            ReportFactory(target=comment)

    login(client, bob)
    fill(2)
    client.get(url("queue"))
    with CaptureQueriesContext(connection) as few:
        client.get(url("queue"))
    fill(23)
    with CaptureQueriesContext(connection) as many:
        response = client.get(url("queue"))
    assert len(few) == len(many)
    assert response.content.decode().count("Text ") >= 25


# --- Hiding ---------------------------------------------------------------------------------------------------


def test_hiding_keeps_the_place_moves_the_counters_and_answers_open_reports(alice, bob, carol, rude, process,
                                                                            published):
    reply = comments.do_post_comment(actor=carol, target=process, text="Bitte sachlich bleiben.", parent=rude)
    report = services.do_report(reporter=alice, target=rude, reason="insult")

    with pytest.raises(ValidationError, match="give a reason"):
        services.do_hide(moderator=bob, comment=rude, reason=" ")
    with pytest.raises(PermissionDenied):
        services.do_hide(moderator=alice, comment=rude, reason="Ich will das nicht")
    services.do_hide(moderator=bob, comment=rude, reason="Beleidigung")

    thread = Thread.objects.get()
    assert (thread.comment_count, thread.top_level_count) == (1, 0)
    rude.refresh_from_db()
    assert rude.hidden_reason == "Beleidigung" and rude.reply_count == 1  # its reply stays reachable
    report.refresh_from_db()
    assert report.status == "answered" and "Beleidigung" in report.answer
    assert [e.name for e in published][-2:] == ["report.answered", "comment.hidden"]
    with pytest.raises(ValidationError, match="already hidden"):
        services.do_hide(moderator=bob, comment=rude, reason="Nochmal")

    services.do_hide(moderator=bob, comment=reply, reason="Off topic")
    rude.refresh_from_db()
    thread.refresh_from_db()
    assert rude.reply_count == 0 and thread.comment_count == 0

    services.do_unhide(moderator=bob, comment=rude, reason="Nach Prüfung zulässig")
    thread.refresh_from_db()
    assert (thread.comment_count, thread.top_level_count) == (1, 1)
    assert published[-1].name == "comment.unhidden"
    assert list(ModerationAct.objects.order_by("id").values_list("action", flat=True)) == ["hide", "hide", "unhide"]


def test_hidden_content_is_gone_from_the_thread_page(bob, client, rude, process, troll):
    login(client, bob)
    response = client.post(url("hide", comment_id=rude.pk), {"reason": "Beleidigung", "rule": RULE})
    assert response["Location"] == url("comment", comment_id=rude.pk)
    client.logout()  # clears every cookie, the language one too
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = client.get(thread_url(process)).content.decode()
    assert "Ihr seid alle Idioten" not in page and troll.display_name not in page
    assert "Hidden by moderation: Beleidigung" in page


def test_the_hide_form_shows_errors_without_changing_anything(bob, client, rude):
    login(client, bob)
    response = client.post(url("hide", comment_id=rude.pk), {"reason": ""})
    assert response.status_code == 200 and "give a reason" in response.content.decode()
    rude.refresh_from_db()
    assert rude.hidden_at is None and not ModerationAct.objects.exists()


# --- The public log -------------------------------------------------------------------------------------------


def test_the_public_log_lists_every_act_without_personal_data(alice, bob, client, rude, troll, musterstadt):
    report = services.do_report(reporter=alice, target=rude, reason="insult")
    services.do_hide(moderator=bob, comment=rude, reason="Beleidigung nach Regel 1")
    services.do_block(moderator=bob, municipality=musterstadt, user=troll, until=timezone.now() + timedelta(days=7),
                      reason="Wiederholte Beleidigungen")
    block = Block.objects.get()
    services.do_unblock(moderator=bob, block=block, reason="Entschuldigung angenommen")
    services.do_answer_report(moderator=bob, report=services.do_report(reporter=alice, target=rude.thread.comments
                                                                       .create(municipality=rude.municipality,
                                                                               author=troll, text="Spam",
                                                                               text_html="<p>Spam</p>"),
                                                                       reason="spam"),
                              answer="Danke", dismiss=True)
    assert report.pk

    page = client.get(url("log")).content.decode()
    for text in ("Contribution hidden", "Beleidigung nach Regel 1", "Person blocked", "Wiederholte Beleidigungen",
                 "Block lifted", "Entschuldigung angenommen", "Spielplatz Nord"):
        assert text in page, text
    for personal in (bob.display_name, bob.email, troll.display_name, troll.email, alice.display_name,
                     alice.email, "Ihr seid alle Idioten"):
        assert personal not in page, personal
    assert page.count("<h1") == 1 and "<caption" in page


def test_the_log_pages_by_cursor(client, bob, musterstadt):
    ModerationAct.objects.bulk_create([
        ModerationAct(municipality=musterstadt, moderator=bob, action="hide", reason=f"Grund {i}",
                      public_description="Ein Kommentar") for i in range(60)])
    first = client.get(url("log")).content.decode()
    assert first.count("Grund ") == 50 and "Older entries" in first
    assert client.get(url("log"), {"cursor": "kaputt"}).status_code == 400


def test_another_municipalitys_acts_are_not_in_the_log(client, dave, anderstadt):
    ModerationAct.objects.create(municipality=anderstadt, moderator=dave, action="hide", reason="Anderswo",
                                 public_description="x")
    assert "Anderswo" not in client.get(url("log")).content.decode()


# --- Blocks ---------------------------------------------------------------------------------------------------


def test_a_block_stops_taking_part_until_it_ends(bob, carol, erin, troll, process, musterstadt, published):
    until = timezone.now() + timedelta(days=1)
    block = services.do_block(moderator=bob, municipality=musterstadt, user=troll, until=until, reason="Spam")
    assert published[-1].name == "user.blocked" and published[-1].target == block
    with pytest.raises(ValidationError, match="You are blocked from taking part in Musterstadt"):
        comments.do_post_comment(actor=troll, target=process, text="Hallo?")
    with time_machine.travel(until + timedelta(seconds=1), tick=False):
        comments.do_post_comment(actor=troll, target=process, text="Wieder da")

    for person in (carol, erin, bob):
        with pytest.raises(ValidationError):
            services.do_block(moderator=bob, municipality=musterstadt, user=person, until=until, reason="x")
    with pytest.raises(ValidationError, match="future"):
        services.do_block(moderator=bob, municipality=musterstadt, user=troll, until=timezone.now(), reason="x")
    with pytest.raises(ValidationError, match="give a reason"):
        services.do_block(moderator=bob, municipality=musterstadt, user=troll, until=until, reason="")


def test_unblocking_ends_the_block_now(bob, troll, process, musterstadt, published):
    block = BlockFactory(municipality=musterstadt, user=troll)
    services.do_unblock(moderator=bob, block=block, reason="Entschuldigung angenommen")
    [event] = published
    assert (type(event), event.target, event.actor, event.data) == (
        UserUnblocked, block, bob, {"user_id": troll.pk, "reason": "Entschuldigung angenommen"})
    comments.do_post_comment(actor=troll, target=process, text="Danke")
    with pytest.raises(ValidationError, match="already ended"):
        services.do_unblock(moderator=bob, block=block)
    assert len(published) == 2  # the refused unblock told nobody anything; the comment did


def test_blocking_and_unblocking_through_the_pages(bob, client, rude, troll):
    login(client, bob)
    page = client.get(url("comment", comment_id=rude.pk)).content.decode()
    assert "Ihr seid alle Idioten!" in page and "Block the author" in page
    response = client.post(url("block_author", comment_id=rude.pk), {"block-duration": "7", "block-reason": "Spam",
                                                                 "block-rule": RULE})
    assert response["Location"] == url("comment", comment_id=rude.pk)
    block = Block.objects.get()
    assert block.user == troll and timedelta(days=6) < block.until - timezone.now() <= timedelta(days=7)
    assert troll.display_name in client.get(url("blocks")).content.decode()
    response = client.post(url("unblock", block_id=block.pk), {"reason": ""})
    assert response["Location"] == url("blocks")
    block.refresh_from_db()
    assert not block.is_active


# --- Netiquette -----------------------------------------------------------------------------------------------


def test_the_netiquette_has_a_default_text_until_staff_write_one(carol, client, process, alice):
    page = client.get(url("netiquette")).content.decode()
    assert "Criticise ideas, not people" in page and "Musterstadt" in page and page.count("<h1") == 1

    login(client, carol)
    response = client.post(url("edit_netiquette"), {"body": "## Unsere Regeln\n\nSeid nett <script>x</script>"})
    assert response["Location"] == url("edit_netiquette")
    page = client.get(url("netiquette")).content.decode()
    assert "Unsere Regeln" in page and "Criticise ideas" not in page and "<script>x" not in page
    assert Page.objects.get(kind=PageKind.NETIQUETTE).updated_by == carol

    login(client, alice)
    assert 'href="/musterstadt/netiquette/"' in client.get(thread_url(process)).content.decode()


def test_the_page_service_accepts_the_netiquette_kind(carol, musterstadt):
    page = do_update_page(municipality=musterstadt, actor=carol, kind=PageKind.NETIQUETTE, body="Regeln")
    assert page.kind == "netiquette" and page.body_html == "<p>Regeln</p>\n"


# --- Who may do what ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("page", ["queue", "blocks", "comment", "report_detail", "edit_netiquette", "unblock"])
def test_the_moderators_pages_are_open_to_their_roles_only(request, client, page, rude, alice, troll, musterstadt):
    personas = {name: request.getfixturevalue(name) for name in ("alice", "bob", "carol", "erin", "dave")}
    report = ReportFactory(target=rude, reporter=alice)
    block = BlockFactory(municipality=musterstadt, user=troll)
    kwargs = {"comment": {"comment_id": rude.pk}, "report_detail": {"report_id": report.pk},
              "unblock": {"block_id": block.pk}}.get(page, {})
    allowed = {"carol", "erin"} if page == "edit_netiquette" else {"bob", "carol", "erin"}
    target = url(page, **kwargs)
    assert client.get(target)["Location"].startswith(reverse("accounts:login"))
    for name, person in personas.items():
        login(client, person)
        response = client.get(target)
        assert response.status_code == (200 if name in allowed else 403), name
        if response.status_code == 200:
            assert response.content.decode().count("<h1") == 1, name


def test_foreign_objects_are_not_found_and_forbidden_posts_change_nothing(bob, dave, alice, client, rude,
                                                                          anderstadt):
    foreign_process = published_process(anderstadt)
    foreign = comments.do_post_comment(actor=UserFactory(), target=foreign_process, text="Anderstadt")
    foreign_report = ReportFactory(target=foreign)
    foreign_block = BlockFactory(municipality=anderstadt)
    login(client, bob)
    for name, kwargs in [("comment", {"comment_id": foreign.pk}), ("report_detail", {"report_id": foreign_report.pk}),
                         ("unblock", {"block_id": foreign_block.pk}), ("report_comment", {"comment_id": foreign.pk})]:
        assert client.get(url(name, **kwargs)).status_code == 404, name
    assert client.post(url("hide", comment_id=foreign.pk), {"reason": "x"}).status_code == 404

    for person in (alice, dave):
        login(client, person)
        assert client.post(url("hide", comment_id=rude.pk), {"reason": "x"}).status_code == 403
        assert client.post(url("block_author", comment_id=rude.pk),
                           {"block-duration": "7", "block-reason": "x"}).status_code == 403
    rude.refresh_from_db()
    assert rude.hidden_at is None and not Block.objects.filter(municipality__slug="musterstadt").exists()
    assert not ModerationAct.objects.exists()


def test_moderators_see_a_moderate_link_and_the_dashboard_entry(bob, client, rude, process):
    login(client, bob)
    page = client.get(thread_url(process)).content.decode()
    assert url("comment", comment_id=rude.pk) in page
    dashboard = client.get(reverse("manage:dashboard", kwargs=SLUG)).content.decode()
    assert url("queue") in dashboard


def test_staff_cannot_be_blocked_through_their_assisted_comment(bob, carol, client, process):
    assisted = comments.do_post_assisted_comment(staff=carol, target=process, text="Per Telefon", channel="phone",
                                                 assisted_name="Herr K.")
    login(client, bob)
    assert "cannot be blocked" in client.get(url("comment", comment_id=assisted.pk)).content.decode()
    response = client.post(url("block_author", comment_id=assisted.pk),
                           {"block-duration": "7", "block-reason": "x", "block-rule": RULE})
    assert "nobody to block" in response.content.decode() and not Block.objects.exists()
    assert Comment.objects.get().author == carol
