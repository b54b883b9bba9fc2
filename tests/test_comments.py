"""Comments on anything: posting and replying while a phase is open, sanitising, editing, reactions with exact
counters (also under parallel requests on PostgreSQL), rate limits, pages with a constant number of queries,
hidden comments, assisted participation, and the data export."""

import re
import threading
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.db.models import Sum
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from kommune.core import events, privacy
from kommune.core.comments import services
from kommune.core.comments.models import MAX_COMMENT_LENGTH, Comment, Reaction, Thread
from kommune.core.comments.selectors import PAGE_SIZE, REPLIES_PAGE_SIZE
from kommune.core.cursor import encode
from kommune.core.moderation import services as moderation
from tests.factories import MunicipalityFactory, UserFactory
from tests.factories_comments import BlockFactory, CommentFactory, bulk_thread, thread_for
from tests.factories_processes import published_process

pytestmark = pytest.mark.django_db

# A fixed moment for cursors built at collection time, so every pytest-xdist worker collects the same ids.
CURSOR_MOMENT = datetime(2026, 1, 1, 12, tzinfo=UTC)



@pytest.fixture(autouse=True)
def _english(client):
    """The assertions read the English source texts; German is the platform default."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    with translation.override("en"):
        yield

@pytest.fixture
def client(client):
    """A visitor who switched the site to English, the language these tests read."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def login(client, user) -> None:
    user.language = "en"
    user.save(update_fields=["language"])
    client.force_login(user)


@pytest.fixture
def process(musterstadt):
    return published_process(musterstadt, title="Spielplatz Nord")


@pytest.fixture
def foreign_process(anderstadt):
    return published_process(anderstadt, title="Marktplatz Anderstadt")


@pytest.fixture
def published(monkeypatch):
    """The events published during the test."""
    seen: list[events.Event] = []
    events.register_consumer(events.Consumer(
        "test-recorder", lambda: dict.fromkeys(events.event_types().values(), seen.append)))
    yield seen
    events._consumers.pop("test-recorder", None)


def thread_url(process) -> str:
    return reverse("comments:thread", kwargs={"municipality_slug": process.municipality.slug,
                                              "target_type": "processes.process", "target_id": process.pk})


def post_url(process) -> str:
    return reverse("comments:post", kwargs={"municipality_slug": process.municipality.slug,
                                            "target_type": "processes.process", "target_id": process.pk})


def comment_url(name: str, comment) -> str:
    return reverse(f"comments:{name}", kwargs={"municipality_slug": comment.municipality.slug,
                                               "comment_id": comment.pk})


def post(actor, process, text="Mehr Schatten bitte.", parent=None) -> Comment:
    return services.do_post_comment(actor=actor, target=process, text=text, parent=parent)


# --- Posting and replying -------------------------------------------------------------------------------------


def test_a_comment_is_posted_counted_and_announced(alice, process, published):
    comment = post(alice, process, "Mehr **Schatten** bitte.")

    thread = Thread.objects.get()
    assert (thread.municipality, thread.target) == (process.municipality, process)
    assert (thread.comment_count, thread.top_level_count) == (1, 1)
    assert comment.author == alice and comment.parent is None
    assert comment.text_html == "<p>Mehr <strong>Schatten</strong> bitte.</p>\n"
    [event] = published
    assert (event.name, event.target, event.actor, event.scope) == ("comment.posted", comment, alice, process)
    assert event.municipality == process.municipality


def test_comments_open_and_close_with_their_phase(alice, musterstadt):
    starts = timezone.now() + timedelta(days=10)
    process = published_process(musterstadt, starts_at=starts, days=5)

    with pytest.raises(ValidationError) as closed:
        post(alice, process)  # the phase has not started
    assert closed.value.code == "closed"
    with time_machine.travel(starts + timedelta(hours=1), tick=False):
        post(alice, process)
    # The phase ended this very moment.
    with time_machine.travel(starts + timedelta(days=5), tick=False), pytest.raises(ValidationError, match="closed"):
        post(alice, process)
    assert Comment.objects.count() == 1


def test_a_phase_without_the_comments_feature_allows_none(alice, musterstadt):
    process = published_process(musterstadt, features=())
    with pytest.raises(ValidationError, match="closed"):
        post(alice, process)


def test_an_unpublished_process_cannot_be_commented_and_its_thread_is_not_found(alice, client, process):
    process.is_published = False
    process.save()
    with pytest.raises(ValidationError, match="cannot be commented"):
        post(alice, process)
    assert client.get(thread_url(process)).status_code == 404


def test_replies_are_one_level_deep_and_counted(alice, bob, carol, process, published):
    top = post(alice, process)
    reply = post(bob, process, "Sehe ich auch so.", parent=top)
    reply_to_reply = post(carol, process, "Ich nicht.", parent=reply)

    assert reply.parent == top and reply_to_reply.parent == top  # attaches to the top-level comment
    top.refresh_from_db()
    thread = Thread.objects.get()
    assert top.reply_count == 2
    assert (thread.comment_count, thread.top_level_count) == (3, 1)
    assert [e.name for e in published] == ["comment.posted"] * 3


def test_a_reply_to_a_hidden_comment_or_to_a_reply_under_it_is_refused(alice, bob, carol, process):
    top = post(alice, process)
    reply = post(carol, process, "Antwort", parent=top)
    moderation.do_hide(moderator=bob, comment=top, reason="Beleidigung")

    for parent in (top, reply):
        with pytest.raises(ValidationError) as refused:
            post(carol, process, "Trotzdem", parent=parent)
        assert refused.value.code == "hidden_parent"
    hidden_reply_parent = post(alice, published_process(process.municipality), "Neu")
    answer = post(carol, hidden_reply_parent.thread.target, "Antwort", parent=hidden_reply_parent)
    moderation.do_hide(moderator=bob, comment=answer, reason="Spam")
    with pytest.raises(ValidationError, match="hidden"):
        post(alice, hidden_reply_parent.thread.target, "Zur versteckten Antwort", parent=answer)


def test_a_reply_to_a_comment_of_another_tenant_or_thread_is_refused(alice, dave, client, process, foreign_process):
    foreign = post(dave, foreign_process, "Anderstadt")
    other_thread = post(alice, published_process(process.municipality), "Anderes Verfahren")

    with pytest.raises(ValidationError, match="this discussion"):
        post(alice, process, "Antwort", parent=foreign)
    with pytest.raises(ValidationError, match="this discussion"):
        post(alice, process, "Antwort", parent=other_thread)

    login(client, alice)
    response = client.post(reverse("comments:reply", kwargs={"municipality_slug": "musterstadt",
                                                             "comment_id": foreign.pk}), {"text": "Hallo"})
    assert response.status_code == 404
    assert client.get(reverse("comments:replies", kwargs={"municipality_slug": "musterstadt",
                                                          "comment_id": foreign.pk})).status_code == 404
    assert Comment.objects.filter(parent__isnull=False).count() == 0


def test_a_thread_of_another_tenant_or_an_unknown_type_is_not_found(client, process, foreign_process):
    slug = {"municipality_slug": "musterstadt"}
    for target_type, target_id in [("processes.process", foreign_process.pk), ("accounts.user", 1),
                                   ("nix.da", 1), ("12", 1)]:
        url = reverse("comments:thread", kwargs={**slug, "target_type": target_type, "target_id": target_id})
        assert client.get(url).status_code == 404, target_type
    assert client.get(thread_url(process)).status_code == 200


# --- Input ----------------------------------------------------------------------------------------------------


def test_script_and_html_are_escaped_and_javascript_links_neutralised(alice, client, process):
    text = ('<script>alert("x")</script> <b onclick="x()">fett</b> [klick](javascript:alert(1)) '
            '[Stadt](https://musterstadt.example/) <img src=x onerror=alert(1)>')
    comment = post(alice, process, text)

    html = comment.text_html
    assert "<script" not in html and "<b " not in html and "<img" not in html
    assert "&lt;script&gt;" in html
    assert 'href="javascript' not in html and html.count("<a ") == 1  # the javascript: link stays plain text
    assert 'href="https://musterstadt.example/"' in html and 'rel="nofollow ugc noopener"' in html
    page = client.get(thread_url(process)).content.decode()
    assert "&lt;script&gt;alert" in page and '<script>alert("x")' not in page
    assert 'href="javascript' not in page


@pytest.mark.parametrize(("text", "message"), [
    ("", "it is empty"),
    ("   \n\t ", "it is empty"),
    ("x" * (MAX_COMMENT_LENGTH + 1), "at most 5000 characters; yours has 5001"),
    ("Null\x00byte", "not allowed"),
])
def test_empty_oversized_or_binary_text_is_refused_by_the_service(alice, process, text, message):
    with pytest.raises(ValidationError, match=message):
        post(alice, process, text)
    assert not Comment.objects.exists()


def test_the_form_refuses_oversized_text_with_a_clear_message_and_keeps_it(alice, client, process):
    login(client, alice)
    text = "Lang " * 1100
    response = client.post(post_url(process), {"text": text, "next": thread_url(process)})
    assert response.status_code == 200
    page = response.content.decode()
    assert "Please check your input" in page and "at most 5000 characters" in page
    assert text.strip()[:50] in page
    assert not Comment.objects.exists()


def test_posting_through_the_page_redirects_back_with_an_anchor(alice, client, process):
    login(client, alice)
    back = process.get_absolute_url()
    response = client.post(post_url(process), {"text": "Gute Idee", "next": back})
    comment = Comment.objects.get()
    assert response.status_code == 302 and response["Location"] == f"{back}#comment-{comment.pk}"

    response = client.post(post_url(process), {"text": "Noch eine", "next": "https://evil.example/phish"})
    newest = Comment.objects.order_by("-pk").first()
    assert response["Location"] == f"{thread_url(process)}#comment-{newest.pk}"


def test_anonymous_visitors_are_sent_to_the_login_and_nothing_is_written(client, process, alice):
    response = client.post(post_url(process), {"text": "Hallo", "next": thread_url(process)})
    assert response.status_code == 302 and response["Location"].startswith(reverse("accounts:login"))
    comment = post(alice, process)
    response = client.post(comment_url("react", comment), {"value": "1"})
    assert response["Location"].startswith(reverse("accounts:login"))
    assert not Reaction.objects.exists() and Comment.objects.count() == 1


# --- Editing --------------------------------------------------------------------------------------------------


def test_the_author_can_edit_within_fifteen_minutes(alice, bob, client, process, published):
    start = timezone.now()
    comment = post(alice, process, "Erste Fassung")
    with time_machine.travel(start + timedelta(minutes=14), tick=False):
        edited = services.do_edit_comment(actor=alice, comment=comment, text="Zweite *Fassung*")
        assert edited.edited_at is not None and edited.text_html == "<p>Zweite <em>Fassung</em></p>\n"
        with pytest.raises(PermissionDenied):
            services.do_edit_comment(actor=bob, comment=comment, text="Fremd")
    assert published[-1].name == "comment.edited"
    too_late = time_machine.travel(start + timedelta(minutes=15, seconds=1), tick=False)
    with too_late, pytest.raises(ValidationError, match="15 minutes"):
        services.do_edit_comment(actor=alice, comment=comment, text="Dritte Fassung")
    assert Comment.objects.get().text == "Zweite *Fassung*"
    assert "edited" in client.get(thread_url(process)).content.decode()


def test_the_edit_page_works_for_the_author_and_sends_others_back(alice, bob, client, process):
    comment = post(alice, process, "Erste Fassung")
    url = comment_url("edit", comment)
    login(client, bob)
    response = client.get(url)
    assert response.status_code == 302 and response["Location"].endswith(f"#comment-{comment.pk}")
    login(client, alice)
    response = client.get(url)
    assert response.status_code == 200 and "Erste Fassung" in response.content.decode()
    response = client.post(url, {"text": "Neue Fassung", "next": thread_url(process)})
    assert response["Location"] == f"{thread_url(process)}#comment-{comment.pk}"
    assert Comment.objects.get().text == "Neue Fassung"


# --- Reactions ------------------------------------------------------------------------------------------------


def counts(comment) -> tuple[int, int]:
    comment.refresh_from_db()
    return comment.agree_count, comment.disagree_count


def test_reactions_are_one_per_person_and_counted_exactly(alice, bob, carol, process):
    comment = post(alice, process)
    assert services.do_react(actor=bob, comment=comment, value=1) == 1
    assert services.do_react(actor=bob, comment=comment, value=1) == 1  # again: no change
    assert services.do_react(actor=carol, comment=comment, value=-1) == -1
    assert counts(comment) == (1, 1)
    assert services.do_react(actor=bob, comment=comment, value=-1) == -1  # changed his mind
    assert counts(comment) == (0, 2)
    assert services.do_react(actor=carol, comment=comment, value=0) == 0  # withdrawn
    assert services.do_react(actor=carol, comment=comment, value=None) == 0
    assert counts(comment) == (0, 1)
    assert Reaction.objects.count() == 1


def test_no_reaction_to_ones_own_or_a_hidden_comment(alice, bob, carol, process):
    comment = post(alice, process)
    with pytest.raises(ValidationError, match="your own"):
        services.do_react(actor=alice, comment=comment, value=1)
    moderation.do_hide(moderator=bob, comment=comment, reason="Spam")
    with pytest.raises(ValidationError, match="hidden"):
        services.do_react(actor=carol, comment=comment, value=1)
    assert counts(comment) == (0, 0)


def test_reaction_buttons_work_with_and_without_htmx(alice, bob, client, process):
    comment = post(alice, process)
    login(client, bob)
    page = client.get(thread_url(process)).content.decode()
    assert 'aria-pressed="false"' in page and 'hx-post="' + comment_url("react", comment) in page

    response = client.post(comment_url("react", comment), {"value": "1", "next": thread_url(process)})
    assert response["Location"] == f"{thread_url(process)}#comment-{comment.pk}"
    assert counts(comment) == (1, 0)

    response = client.post(comment_url("react", comment), {"value": "0", "next": thread_url(process)},
                           headers={"HX-Request": "true"})
    partial = response.content.decode()
    assert response.status_code == 200 and "<html" not in partial
    assert f'id="reactions-{comment.pk}"' in partial and 'aria-pressed="true"' not in partial
    assert counts(comment) == (0, 0)
    response = client.post(comment_url("react", comment), {"value": "-1"}, headers={"HX-Request": "true"})
    assert 'aria-pressed="true"' in response.content.decode() and counts(comment) == (0, 1)

    login(client, alice)  # her own comment: a clear message, nothing counted
    response = client.post(comment_url("react", comment), {"value": "1"}, headers={"HX-Request": "true"})
    assert "cannot react to your own comment" in response.content.decode() and counts(comment) == (0, 1)


def _in_parallel(count: int, work) -> list:
    barrier = threading.Barrier(count)
    errors: list = []

    def run(index: int) -> None:
        try:
            barrier.wait()
            work(index)
        except Exception as error:  # noqa: BLE001 - reported by the test
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return errors


@pytest.mark.django_db(transaction=True)
def test_parallel_reactions_keep_the_counters_exact_on_postgresql(musterstadt):
    if connection.vendor != "postgresql":
        pytest.skip("needs real row locks and parallel connections (PostgreSQL)")
    author = UserFactory()
    process = published_process(musterstadt)
    comment = post(author, process)
    people = [UserFactory() for _ in range(20)]

    errors = _in_parallel(20, lambda i: services.do_react(actor=people[i], comment=Comment.objects.get(pk=comment.pk),
                                                          value=1 if i % 4 else -1))
    assert not errors
    assert counts(comment) == (15, 5)
    assert Reaction.objects.filter(comment=comment).count() == 20

    one = people[0]
    errors = _in_parallel(20, lambda i: services.do_react(actor=one, comment=Comment.objects.get(pk=comment.pk),
                                                          value=1))
    assert not errors
    assert counts(comment) == (16, 4)
    assert Reaction.objects.filter(comment=comment, user=one).count() == 1

    # The same person changing their mind 20 times at once: the counters match the one row left.
    errors = _in_parallel(20, lambda i: services.do_react(actor=one, comment=Comment.objects.get(pk=comment.pk),
                                                          value=(1, -1, 0)[i % 3]))
    assert not errors
    agree = Reaction.objects.filter(comment=comment, value=1).count()
    disagree = Reaction.objects.filter(comment=comment, value=-1).count()
    assert counts(comment) == (agree, disagree)
    assert Reaction.objects.filter(comment=comment, user=one).count() <= 1


@pytest.mark.django_db(transaction=True)
def test_parallel_first_comments_create_one_thread_and_exact_counts_on_postgresql(musterstadt):
    if connection.vendor != "postgresql":
        pytest.skip("needs parallel connections (PostgreSQL)")
    process = published_process(musterstadt)
    people = [UserFactory() for _ in range(10)]
    errors = _in_parallel(10, lambda i: post(people[i], process, f"Beitrag {i}"))
    assert not errors
    thread = Thread.objects.get()
    assert (thread.comment_count, thread.top_level_count) == (10, 10)


# --- Rate limit -----------------------------------------------------------------------------------------------


def test_posting_is_rate_limited_per_person(alice, bob, process):
    start = timezone.now().replace(second=0, microsecond=0) + timedelta(minutes=1)
    with time_machine.travel(start, tick=False):
        for i in range(5):
            post(alice, process, f"Beitrag {i}")
        with pytest.raises(ValidationError, match="Please wait a minute") as limited:
            post(alice, process, "Einer zu viel")
        assert limited.value.code == "rate_limited"
        post(bob, process, "Bob darf noch")  # counted per person
    with time_machine.travel(start + timedelta(seconds=61), tick=False):
        post(alice, process, "Wieder erlaubt")
    assert Comment.objects.filter(author=alice).count() == 6


def test_posting_is_limited_per_day(alice, process):
    start = timezone.now().replace(hour=0, minute=0, second=0, microsecond=0) + timedelta(days=1)
    for i in range(services.RATE_PER_DAY[1]):
        with time_machine.travel(start + timedelta(minutes=2 * i), tick=False):
            post(alice, process, f"Beitrag {i}")
    later = time_machine.travel(start + timedelta(hours=3), tick=False)
    with later, pytest.raises(ValidationError, match="until tomorrow"):
        post(alice, process, "Zu viel")


def test_the_rate_limit_message_reaches_the_form(alice, client, process):
    login(client, alice)
    start = timezone.now().replace(second=0, microsecond=0) + timedelta(minutes=1)
    with time_machine.travel(start, tick=False):
        for i in range(5):
            client.post(post_url(process), {"text": f"Beitrag {i}"})
        response = client.post(post_url(process), {"text": "Noch einer"})
    assert "Please wait a minute" in response.content.decode()
    assert Comment.objects.count() == 5


# --- Pages and queries ----------------------------------------------------------------------------------------


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured)


def test_the_first_page_costs_the_same_queries_at_10_and_at_10000_comments(client, musterstadt, alice, bob):
    small = published_process(musterstadt)
    large = published_process(musterstadt)
    authors = [alice, bob] + [UserFactory() for _ in range(8)]
    bulk_thread(small, top_level=5, replies_per=1, authors=authors)
    bulk_thread(large, top_level=2000, replies_per=4, authors=authors)
    assert Thread.objects.get(object_id=large.pk).comment_count == 10_000
    first_on_large = Comment.objects.filter(thread__object_id=large.pk, parent__isnull=True).order_by("-created_at",
                                                                                                      "-id")[0]
    services.do_react(actor=bob, comment=first_on_large, value=1)
    # Bob reacted in both threads: a thread without his reactions costs one query less (selectors.REACTED).
    services.do_react(actor=bob, comment=Comment.objects.filter(thread__object_id=small.pk, parent__isnull=True)
                      .exclude(author=bob).first(), value=1)

    for who in (None, bob):
        if who:
            login(client, who)
        client.get(thread_url(small))  # warm caches (content types)
        at_10, at_10000 = _queries(client, thread_url(small)), _queries(client, thread_url(large))
        assert at_10 == at_10000, who

    page = client.get(thread_url(large)).content.decode()
    assert len(comment_ids(page)) == PAGE_SIZE
    assert "Show 4 replies" in page and 'aria-pressed="true"' in page

    # The embed on a process page, through the Jinja global.
    request = RequestFactory().get(small.get_absolute_url())

    def embed(process) -> tuple[int, str]:
        request.user = type(bob).objects.get(pk=bob.pk)  # as in a new request: roles not yet looked up
        with CaptureQueriesContext(connection) as captured:
            html = render_to_string("comments/embed.html", {"comment_target": process}, request=request)
        return len(captured), html

    (small_count, _html), (large_count, html) = embed(small), embed(large)
    # Thread, page of comments with authors, phases (is it open?), the viewer's block, roles, reactions.
    assert small_count == large_count <= 6
    assert len(comment_ids(html)) == PAGE_SIZE and re.search(r"\(10[.,]?000\)", html)
    assert 'href="/musterstadt/netiquette/"' in html and 'id="comment-form"' in html


def comment_ids(html: str) -> list[int]:
    return [int(pk) for pk in re.findall(r'<article class="comment[^"]*" id="comment-(\d+)"', html)]


def next_cursor(html: str) -> str | None:
    found = re.search(r'href="[^"]*\?cursor=([^"&]+)', html)
    return found.group(1) if found else None


def test_top_level_comments_page_by_cursor_newest_first(client, process, alice):
    comments = [CommentFactory(thread=thread_for(process), author=alice) for _ in range(45)]
    newest_first = [c.pk for c in sorted(comments, key=lambda c: (c.created_at, c.pk), reverse=True)]
    seen, url, pages = [], thread_url(process), 0
    while url:
        html = client.get(url).content.decode()
        seen += comment_ids(html)
        pages += 1
        cursor = next_cursor(html)
        url = f"{thread_url(process)}?cursor={cursor}" if cursor else None
    assert seen == newest_first and pages == 3

    cursor = next_cursor(client.get(thread_url(process)).content.decode())
    partial = client.get(f"{thread_url(process)}?cursor={cursor}", headers={"HX-Request": "true"})
    html = partial.content.decode()
    assert "<html" not in html and 'hx-swap-oob="true"' in html and comment_ids(html) == newest_first[20:40]
    assert "HX-Request" in partial["Vary"]


@pytest.mark.parametrize("cursor", ["kaputt", "%%%", "MjAyNi0wMS0wMQ", encode(CURSOR_MOMENT, 1)[:-3] + "!!!",
                                    "a" * 500, "MjAyNi0wMS0wMXwtMQ"])
def test_a_malformed_cursor_is_a_clear_400(client, process, cursor):
    response = client.get(thread_url(process), {"cursor": cursor})
    assert response.status_code == 400
    assert "invalid position" in response.content.decode()


def test_replies_load_on_demand_oldest_first_in_pages(client, process, alice, bob):
    top = post(alice, process, "Oben")
    thread = thread_for(process)
    Comment.objects.bulk_create([Comment(municipality=process.municipality, thread=thread, parent=top, author=bob,
                                         text=f"Antwort {i}", text_html=f"<p>Antwort {i}</p>") for i in range(60)])
    Comment.objects.filter(pk=top.pk).update(reply_count=60)

    page = client.get(thread_url(process)).content.decode()
    assert "Antwort 0" not in page and "Show 60 replies" in page
    replies_url = comment_url("replies", top)
    assert f'href="{replies_url}"' in page and f'hx-get="{replies_url}?next=' in page and 'hx-push-url="false"' in page

    html = client.get(replies_url).content.decode()
    reply_ids = list(Comment.objects.filter(parent=top).order_by("created_at", "id").values_list("pk", flat=True))
    assert comment_ids(html) == [top.pk, *reply_ids[:REPLIES_PAGE_SIZE]]
    assert html.count("<h1") == 1
    more = client.get(replies_url, {"cursor": next_cursor(html)}).content.decode()
    assert comment_ids(more) == [top.pk, *reply_ids[50:]]
    assert next_cursor(more) is None

    partial = client.get(replies_url, headers={"HX-Request": "true"}).content.decode()
    assert "<html" not in partial and "Antwort 49" in partial and "Antwort 50" not in partial
    # A reply's own replies address leads to its top-level comment.
    reply = Comment.objects.filter(parent=top).first()
    assert client.get(comment_url("replies", reply))["Location"].endswith(f"#comment-{reply.pk}")


def test_replying_through_the_page(alice, bob, client, process):
    top = post(alice, process)
    login(client, bob)
    page = client.get(comment_url("replies", top)).content.decode()
    assert f'id="reply-form-{top.pk}"' in page and "netiquette" in page
    response = client.post(comment_url("reply", top), {"text": "Ja!", "next": comment_url("replies", top)})
    reply = Comment.objects.get(parent=top)
    assert response["Location"] == f"{comment_url('replies', top)}?antworten={top.pk}#comment-{reply.pk}"
    response = client.post(comment_url("reply", top), {"text": ""})
    assert response.status_code == 200 and "it is empty" in response.content.decode()


@pytest.mark.parametrize("htmx", [False, True])
def test_after_replying_the_thread_shows_the_reply_open(alice, bob, client, process, htmx):
    """The reply form sits in the replies loaded by htmx or on the replies page; either way the person lands in
    the thread (or the page embedding it) with that comment's replies open, at the new reply."""
    top = post(alice, process, "Oben")
    for i in range(25):  # the replied-to comment is no longer on the thread's first page
        post(UserFactory(), process, f"Später {i}")
    login(client, bob)
    page_url = process.get_absolute_url()
    if htmx:
        partial = client.get(comment_url("replies", top), {"next": page_url}, headers={"HX-Request": "true"})
        assert f'name="next" value="{page_url}"' in partial.content.decode()
    response = client.post(comment_url("reply", top), {"text": "Meine Antwort", "next": page_url})
    reply = Comment.objects.get(parent=top)
    assert response["Location"] == f"{page_url}?antworten={top.pk}#comment-{reply.pk}"
    page = client.get(response["Location"].split("#")[0]).content.decode()
    assert f'id="comment-{reply.pk}"' in page and "Meine Antwort" in page and "Oben" in page
    assert f'id="reply-form-{top.pk}"' in page
    plain = client.get(thread_url(process)).content.decode()
    assert "Meine Antwort" not in plain and "Show 1 reply" not in plain  # closed again without the parameter


def test_a_hidden_comment_keeps_its_place_without_text_or_author(alice, bob, carol, client, process):
    hidden = post(UserFactory(display_name="Rüpel Rudi"), process, "Ihr seid alle doof")
    post(carol, process, "Antwort auf den Rüpel", parent=hidden)
    post(alice, process, "Sachlicher Beitrag")
    moderation.do_hide(moderator=bob, comment=hidden, reason="Beleidigung (Netiquette Regel 1)")

    page = client.get(thread_url(process)).content.decode()
    assert "Ihr seid alle doof" not in page and "Rüpel Rudi" not in page
    assert "Hidden by moderation: Beleidigung (Netiquette Regel 1)" in page
    assert "Sachlicher Beitrag" in page and "Show 1 reply" in page
    replies = client.get(comment_url("replies", hidden)).content.decode()
    assert "Antwort auf den Rüpel" in replies and "Ihr seid alle doof" not in replies
    assert "Replies to a hidden comment are not possible" in replies


def test_a_deleted_account_is_shown_as_such(alice, client, process):
    post(alice, process, "Mein Beitrag")
    alice.deleted_at = timezone.now()
    alice.display_name = "Alice Echtname"
    alice.save()
    page = client.get(thread_url(process)).content.decode()
    assert "deleted account" in page and "Alice Echtname" not in page


# --- Blocks and assisted participation ------------------------------------------------------------------------


def test_a_blocked_person_cannot_take_part_until_the_block_ends(alice, bob, client, process, musterstadt):
    comment = post(bob, process, "Von Bob")
    block = BlockFactory(municipality=musterstadt, user=alice, reason="Wiederholte Beleidigungen")
    with pytest.raises(ValidationError, match="blocked from taking part in Musterstadt until") as refused:
        post(alice, process)
    assert "Wiederholte Beleidigungen" in refused.value.messages[0]
    with pytest.raises(ValidationError, match="blocked"):
        services.do_react(actor=alice, comment=comment, value=1)
    login(client, alice)
    page = client.get(thread_url(process)).content.decode()
    assert "You are blocked from taking part" in page and 'id="comment-form"' not in page
    # A block in Musterstadt does not count in Anderstadt.
    post(alice, published_process(MunicipalityFactory()))
    with time_machine.travel(block.until + timedelta(seconds=1), tick=False):
        post(alice, process, "Wieder dabei")


def test_staff_enter_a_comment_received_by_phone(carol, alice, dave, client, process, published):
    comment = services.do_post_assisted_comment(staff=carol, target=process, text="Bitte eine Rampe.",
                                                channel="phone", assisted_name="Frau M.")
    assert (comment.author, comment.channel, comment.assisted_name) == (carol, "phone", "Frau M.")
    assert published[-1].name == "comment.posted"
    page = client.get(thread_url(process)).content.decode()
    assert "Frau M." in page and "Received by phone, entered by Carol" in page

    for person in (alice, dave):
        with pytest.raises(PermissionDenied):
            services.do_post_assisted_comment(staff=person, target=process, text="x", channel="letter",
                                              assisted_name="Y")
    with pytest.raises(ValidationError, match="name under which"):
        services.do_post_assisted_comment(staff=carol, target=process, text="x", channel="letter", assisted_name=" ")
    with pytest.raises(ValidationError, match="how the comment reached you"):
        services.do_post_assisted_comment(staff=carol, target=process, text="x", channel="", assisted_name="Y")


def test_the_assisted_form_is_for_staff_only(carol, alice, bob, dave, client, process):
    url = reverse("comments:assisted", kwargs={"municipality_slug": "musterstadt",
                                               "target_type": "processes.process", "target_id": process.pk})
    for person, status in [(alice, 403), (bob, 403), (dave, 403), (carol, 200)]:
        login(client, person)
        assert client.get(url).status_code == status, person
    response = client.post(url, {"channel": "letter", "assisted_name": "Herr K.", "text": "Per Brief",
                                 "next": thread_url(process)})
    comment = Comment.objects.get()
    assert response["Location"] == f"{thread_url(process)}#comment-{comment.pk}"
    assert comment.channel == "letter" and comment.author == carol
    assert "Enter a comment received by phone" in client.get(thread_url(process)).content.decode()


# --- Export ---------------------------------------------------------------------------------------------------


def test_the_data_export_lists_the_persons_comments(alice, bob, process):
    first = post(alice, process, "Erster")
    post(alice, process, "Antwort", parent=first)
    moderation.do_hide(moderator=bob, comment=first, reason="Spam")
    rows = privacy.export_sections(alice)["comments"]
    assert [r["text"] for r in rows] == ["Erster", "Antwort"]
    assert rows[0]["hidden"] is True and rows[0]["hidden_reason"] == "Spam"
    assert "Spielplatz Nord" in rows[0]["on"] and rows[1]["reply"] is True
    assert privacy.export_sections(bob)["comments"] == []


def test_the_counters_match_the_rows(alice, bob, carol, process):
    top = post(alice, process)
    post(bob, process, parent=top)
    other = post(carol, process)
    moderation.do_hide(moderator=bob, comment=other, reason="Spam")
    thread = Thread.objects.get()
    visible = Comment.objects.filter(thread=thread, hidden_at__isnull=True)
    assert thread.comment_count == visible.count() == 2
    assert thread.top_level_count == visible.filter(parent__isnull=True).count() == 1
    assert visible.filter(parent__isnull=True).aggregate(n=Sum("reply_count"))["n"] == 1
