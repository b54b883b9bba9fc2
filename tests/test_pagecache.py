"""The page cache for anonymous visitors: hits cost no query, events invalidate, nobody gets another's CSRF token."""

import gzip
import os
import re
import time
from dataclasses import dataclass
from unittest import mock

import pytest
from django.conf import settings
from django.contrib.messages import constants
from django.contrib.messages.storage.base import Message
from django.contrib.messages.storage.cookie import CookieStorage
from django.contrib.sessions.middleware import SessionMiddleware
from django.core.cache import cache
from django.http import HttpRequest
from django.middleware.csrf import _unmask_cipher_token
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from kommune.core import pagecache
from kommune.core.comments.services import do_edit_comment, do_post_comment
from kommune.core.moderation.services import do_hide, do_unhide
from kommune.core.processes.models import Process
from kommune.core.processes.services import do_publish_news, do_unpublish_process, do_update_process
from kommune.opendata.services import do_publish_dataset
from kommune.proposals.models import Proposal
from kommune.proposals.services import (
    do_add_signature_list,
    do_answer_proposal,
    do_create_proposal,
    do_publish_proposal,
    do_support_proposal,
    do_withdraw_support,
)
from tests.factories import UserFactory
from tests.factories_opendata import DatasetFactory, ResourceFactory
from tests.factories_processes import published_process
from tests.factories_proposals import ProposalSettingsFactory, published_proposal

pytestmark = pytest.mark.django_db

TOKEN_RE = re.compile(r'name="csrfmiddlewaretoken" value="([A-Za-z0-9]+)"')


@pytest.fixture(autouse=True)
def _page_cache_on(settings):
    settings.PAGE_CACHE_SECONDS = 300


@pytest.fixture
def process(musterstadt) -> Process:
    return published_process(musterstadt, title="Marktplatz neu gestalten")


def home(municipality) -> str:
    return reverse("core:municipality_home", kwargs={"municipality_slug": municipality.slug})


def detail(process: Process) -> str:
    return reverse("processes:detail", kwargs={"municipality_slug": process.municipality.slug,
                                               "process_slug": process.slug})


def tokens(response) -> list[str]:
    return TOKEN_RE.findall(response.content.decode())


def test_a_cached_page_is_served_without_any_query(client, musterstadt, django_assert_num_queries):
    first = client.get(home(musterstadt))
    assert first[pagecache.HIT_HEADER] == "miss"
    with django_assert_num_queries(0):
        second = client.get(home(musterstadt))
    assert second.status_code == 200
    assert second[pagecache.HIT_HEADER] == "hit"
    assert "Musterstadt" in second.content.decode()
    assert second["Content-Type"] == first["Content-Type"]
    assert "Cookie" in second["Vary"]


@pytest.mark.parametrize("name", ["list", "detail", "news"])
def test_the_process_pages_are_cached(client, process, name):
    kwargs = {"municipality_slug": process.municipality.slug}
    if name != "list":
        kwargs["process_slug"] = process.slug
    address = reverse(f"processes:{name}", kwargs=kwargs)
    assert client.get(address)[pagecache.HIT_HEADER] == "miss"
    assert client.get(address)[pagecache.HIT_HEADER] == "hit"


def test_an_event_of_the_municipality_invalidates_its_pages_after_the_commit(
        client, process, anderstadt, carol, django_capture_on_commit_callbacks):
    client.get(detail(process))
    client.get(home(anderstadt))
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        do_update_process(process=process, actor=carol, title="Marktplatz für alle")
    # Before the commit the stored page is still the truth of the database others see.
    assert client.get(detail(process))[pagecache.HIT_HEADER] == "hit"
    for callback in callbacks:
        callback()
    fresh = client.get(detail(process))
    assert fresh[pagecache.HIT_HEADER] == "miss"
    assert "Marktplatz für alle" in fresh.content.decode()
    assert client.get(home(anderstadt))[pagecache.HIT_HEADER] == "hit"  # another municipality's pages stay


def test_invalidate_all_makes_every_page_stale(client, musterstadt, anderstadt):
    client.get(home(musterstadt))
    client.get(home(anderstadt))
    pagecache.invalidate_all()
    assert client.get(home(musterstadt))[pagecache.HIT_HEADER] == "miss"
    assert client.get(home(anderstadt))[pagecache.HIT_HEADER] == "miss"


def test_an_evicted_generation_never_brings_back_an_old_page(client, process):
    client.get(detail(process))
    Process.objects.filter(pk=process.pk).update(title="Ohne Ereignis geändert")
    cache.delete_many([pagecache.GENERATION_PREFIX + pagecache.SITE,
                       pagecache.GENERATION_PREFIX + process.municipality.slug])
    response = client.get(detail(process))
    assert response[pagecache.HIT_HEADER] == "miss"
    assert "Ohne Ereignis geändert" in response.content.decode()


def test_logged_in_visitors_and_posts_bypass_the_cache(client, musterstadt, alice, django_assert_max_num_queries):
    Client().get(home(musterstadt))  # stored by an anonymous visitor
    client.force_login(alice)
    response = client.get(home(musterstadt))
    assert pagecache.HIT_HEADER not in response
    assert "Alice" in response.content.decode()
    posted = Client().post(home(musterstadt))
    assert pagecache.HIT_HEADER not in posted


def test_a_visitor_with_flash_messages_gets_a_fresh_page_that_is_not_stored(client, musterstadt):
    Client().get(home(musterstadt))
    storage = CookieStorage(HttpRequest())
    client.cookies["messages"] = storage._encode([Message(constants.SUCCESS, "Vielen Dank für Ihre Nachricht")])
    response = client.get(home(musterstadt))
    assert pagecache.HIT_HEADER not in response
    assert "Vielen Dank für Ihre Nachricht" in response.content.decode()
    assert "Vielen Dank" not in Client().get(home(musterstadt)).content.decode()


def test_each_language_has_its_own_page(musterstadt):
    german, english = Client(), Client()
    english.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    assert "Anmelden" in german.get(home(musterstadt)).content.decode()
    assert "Log in" in english.get(home(musterstadt)).content.decode()
    german_hit, english_hit = german.get(home(musterstadt)), english.get(home(musterstadt))
    assert german_hit[pagecache.HIT_HEADER] == english_hit[pagecache.HIT_HEADER] == "hit"
    assert "Anmelden" in german_hit.content.decode()
    assert english_hit["Content-Language"] == "en" and "Log in" in english_hit.content.decode()


@pytest.fixture
def form_page(settings) -> str:
    """A cached page with a POST form for anonymous visitors (tests/pagecache_urls.py)."""
    settings.ROOT_URLCONF = "tests.pagecache_urls"
    from tests.pagecache_urls import FORM_PAGE
    return FORM_PAGE


def test_no_visitor_gets_the_csrf_token_or_cookie_of_another(form_page):
    first = Client(enforce_csrf_checks=True)
    stored = first.get(form_page)
    first_secret = stored.cookies[settings.CSRF_COOKIE_NAME].value
    assert stored[pagecache.HIT_HEADER] == "miss" and tokens(stored)

    second = Client(enforce_csrf_checks=True)
    served = second.get(form_page)
    assert served[pagecache.HIT_HEADER] == "hit"
    second_secret = served.cookies[settings.CSRF_COOKIE_NAME].value
    assert second_secret != first_secret
    served_tokens = tokens(served)
    assert served_tokens, "the page's form carries a token"
    assert all(_unmask_cipher_token(token) == second_secret for token in served_tokens)
    assert not set(served_tokens) & set(tokens(stored))
    assert first_secret not in served.content.decode()
    assert pagecache.placeholder().decode() not in served.content.decode()

    # The token works for the visitor it was served to, and only for them.
    assert second.post(form_page, {"csrfmiddlewaretoken": served_tokens[0]}).content == b"posted"
    refused = Client(enforce_csrf_checks=True).post(form_page, {"csrfmiddlewaretoken": served_tokens[0]})
    assert refused.status_code == 403


def test_a_page_with_a_token_is_never_compressed_and_one_without_is(form_page, musterstadt):
    """Compressing a token beside text a visitor controls would open it to BREACH: the form page is sent plain to a
    client that accepts gzip; the anonymous home page, which carries no token, compressed."""
    Client().get(form_page)
    served = Client(HTTP_ACCEPT_ENCODING="gzip").get(form_page)
    assert served[pagecache.HIT_HEADER] == "hit" and "Content-Encoding" not in served and tokens(served)

    Client().get(home(musterstadt))
    packed = Client(HTTP_ACCEPT_ENCODING="gzip").get(home(musterstadt))
    assert packed[pagecache.HIT_HEADER] == "hit" and packed["Content-Encoding"] == "gzip"
    assert "Musterstadt" in gzip.decompress(packed.content).decode()
    assert packed["Content-Length"] == str(len(packed.content))


def test_a_visitor_with_a_csrf_cookie_keeps_it(form_page):
    Client().get(form_page)
    visitor = Client(enforce_csrf_checks=True)
    secret = visitor.get(reverse("accounts:login")).cookies[settings.CSRF_COOKIE_NAME].value
    served = visitor.get(form_page)
    assert served[pagecache.HIT_HEADER] == "hit"
    assert served.cookies[settings.CSRF_COOKIE_NAME].value == secret  # only renewed, as on any page with a form
    assert all(_unmask_cipher_token(token) == secret for token in tokens(served))


def test_anonymous_pages_carry_no_token_and_set_no_cookie(musterstadt):
    """The language switch is the one form on every page, and an anonymous visitor posts it without a token: a
    page from the cache costs no token and sets no cookie, so any visitor (or a shared proxy) may get it."""
    visitor = Client(enforce_csrf_checks=True)
    visitor.get(home(musterstadt))
    served = visitor.get(home(musterstadt))
    assert served[pagecache.HIT_HEADER] == "hit"
    assert not tokens(served) and not served.cookies
    switched = visitor.post(reverse("core:set_language"), {"language": "en", "next": home(musterstadt)})
    assert switched.status_code == 302 and switched.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"


def test_a_logged_in_language_switch_needs_the_token(musterstadt):
    person = UserFactory(language="de")
    forged = Client(enforce_csrf_checks=True)
    forged.force_login(person)
    assert forged.post(reverse("core:set_language"), {"language": "en"}).status_code == 403
    person.refresh_from_db()
    assert person.language == "de"

    page = forged.get(home(musterstadt))
    token = tokens(page)[0]
    assert forged.post(reverse("core:set_language"), {"language": "en", "csrfmiddlewaretoken": token}
                       ).status_code == 302
    person.refresh_from_db()
    assert person.language == "en"


def test_an_anonymous_hit_is_answered_before_the_session_with_every_header(musterstadt):
    """PageCacheMiddleware answers a visitor without a session cookie before the session, CSRF, authentication and
    language middlewares; the answer carries the same headers as one from the view's decorator."""
    english = Client()
    english.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    english.get(home(musterstadt))
    with mock.patch.object(SessionMiddleware, "process_request", side_effect=AssertionError("reached the session")):
        served = english.get(home(musterstadt))
    assert served[pagecache.HIT_HEADER] == "hit" and "Log in" in served.content.decode()
    assert served["Content-Language"] == "en" and served["Vary"] == "Accept-Encoding, Cookie"
    assert served["X-Frame-Options"] == "DENY" and "Content-Security-Policy" in served
    assert served["Content-Length"] == str(len(served.content))


def test_a_visitor_with_a_session_cookie_goes_the_whole_way(client, musterstadt, alice):
    client.get(home(musterstadt))
    client.force_login(alice)
    page = client.get(home(musterstadt))
    assert pagecache.HIT_HEADER not in page and alice.display_name in page.content.decode()


def test_errors_are_not_stored(client, musterstadt):
    address = reverse("processes:detail", kwargs={"municipality_slug": musterstadt.slug,
                                                  "process_slug": "gibt-es-nicht"})
    assert client.get(address).status_code == 404
    assert pagecache.HIT_HEADER not in client.get(address)


def test_the_cache_is_off_at_zero_seconds(client, musterstadt, settings):
    settings.PAGE_CACHE_SECONDS = 0
    client.get(home(musterstadt))
    assert pagecache.HIT_HEADER not in client.get(home(musterstadt))


def test_an_unpublished_process_seen_by_staff_is_never_stored(client, musterstadt, carol):
    draft = published_process(musterstadt, title="Noch geheim")
    Process.objects.filter(pk=draft.pk).update(is_published=False)
    client.force_login(carol)
    assert "Noch geheim" in client.get(detail(draft)).content.decode()
    assert Client().get(detail(draft)).status_code == 404


# --- Narrow invalidation: a write makes stale the pages that show it, and only those ---------------------------


@pytest.fixture
def proposal(musterstadt, alice):
    ProposalSettingsFactory(municipality=musterstadt)
    return published_proposal(musterstadt, author=alice, title="Trinkbrunnen am Bahnhof")


def pages(process: Process, proposal) -> dict[str, str]:
    slug = process.municipality.slug
    return {
        "home": home(process.municipality),
        "process list": reverse("processes:list", kwargs={"municipality_slug": slug}),
        "process detail": detail(process),
        "process news": reverse("processes:news", kwargs={"municipality_slug": slug, "process_slug": process.slug}),
        "proposal list": reverse("proposals:list", kwargs={"municipality_slug": slug}),
        "proposal detail": reverse("proposals:detail", kwargs={"municipality_slug": slug,
                                                               "proposal_id": proposal.pk}),
    }


def body(response) -> str:
    return re.sub(r"(?<![A-Za-z0-9])[A-Za-z0-9]{64}(?![A-Za-z0-9])", "TOKEN", response.content.decode())


def served_after(write, process, proposal) -> dict[str, tuple[str, str]]:
    """Every page stored, then the write: each page as the cache serves it now, (hit or miss, body)."""
    visitor = Client()
    for address in pages(process, proposal).values():
        assert visitor.get(address)[pagecache.HIT_HEADER] == "miss", address
    write()
    answers = {name: visitor.get(address) for name, address in pages(process, proposal).items()}
    return {name: (response.get(pagecache.HIT_HEADER, "not stored"), body(response))
            for name, response in answers.items()}


def assert_fresh(served: dict[str, tuple[str, str]], process, proposal) -> None:
    """What the cache served equals what the views render now, with an empty cache."""
    cache.clear()
    visitor = Client()
    fresh = {name: body(visitor.get(address)) for name, address in pages(process, proposal).items()}
    stale = [name for name, (_, served_body) in served.items() if served_body != fresh[name]]
    assert stale == [], f"stale pages: {stale}"


def stayed(served: dict[str, tuple[str, str]]) -> set[str]:
    return {name for name, (hit, _) in served.items() if hit == "hit"}


def test_a_support_leaves_the_pages_of_the_processes_alone(process, proposal, carol):
    supporter = UserFactory()
    served = served_after(lambda: do_support_proposal(proposal=proposal, user=supporter), process, proposal)
    assert stayed(served) == {"process list", "process detail", "process news"}
    assert_fresh(served, process, proposal)


def _comment(process, author):
    return do_post_comment(actor=author, target=process, text="Mehr Schatten bitte")


WRITES = {
    # name: (the write, given the fixtures; the pages that must still be served from the cache)
    "support withdrawn": (
        lambda f: do_withdraw_support(proposal=f.proposal, user=f.supporter),
        {"process list", "process detail", "process news"}),
    "paper signatures": (
        lambda f: do_add_signature_list(proposal=f.proposal, actor=f.carol, count=2,
                                        received_on=timezone.localdate()),
        {"process list", "process detail", "process news"}),
    "comment on the process": (
        lambda f: _comment(f.process, f.bob),
        {"home", "process list", "proposal list", "proposal detail"}),
    "comment on the proposal": (
        lambda f: do_post_comment(actor=f.bob, target=f.proposal, text="Gute Idee"),
        {"process list", "process detail", "process news"}),
    "comment hidden": (
        lambda f: do_hide(moderator=f.bob, comment=f.comment, reason="Beleidigung"),
        {"home", "process list", "proposal list", "proposal detail"}),
    "comment edited": (
        lambda f: do_edit_comment(actor=f.alice, comment=f.comment, text="Mehr Schatten und Bänke bitte"),
        {"home", "process list", "proposal list", "proposal detail"}),
    "process news": (
        lambda f: do_publish_news(process=f.process, actor=f.carol, title="Die Ergebnisse sind da",
                                  text="Alles Weitere folgt."),
        {"home", "process list", "proposal list", "proposal detail"}),
    "comment shown again": (
        lambda f: (do_hide(moderator=f.bob, comment=f.comment, reason="Beleidigung"),
                   do_unhide(moderator=f.bob, comment=f.comment, reason="Doch in Ordnung")),
        {"home", "process list", "proposal list", "proposal detail"}),
    "proposal published": (
        lambda f: do_publish_proposal(proposal=do_create_proposal(
            municipality=f.process.municipality, author=f.alice, title="Mehr Bänke im Park",
            text="Im Park fehlen Bänke."), actor=f.alice),
        {"process list", "process detail", "process news", "proposal detail"}),  # another proposal's page
    "proposal answered": (
        lambda f: (do_support_proposal(proposal=f.proposal, user=UserFactory()),
                   do_support_proposal(proposal=f.proposal, user=UserFactory()),
                   do_answer_proposal(proposal=f.proposal, actor=f.carol, outcome=Proposal.Outcome.ACCEPTED,
                                      answer="Wir bauen ihn im Sommer.", department="Tiefbauamt")),
        {"process list", "process detail", "process news"}),
    "dataset published": (
        lambda f: do_publish_dataset(dataset=ResourceFactory(
            dataset=DatasetFactory(municipality=f.process.municipality, title="Trinkwasserbrunnen")).dataset,
            actor=f.erin),
        {"process list", "process detail", "process news", "proposal list", "proposal detail"}),
    "process renamed": (
        lambda f: do_update_process(process=f.process, actor=f.carol, title="Marktplatz für alle"), set()),
    "process withdrawn": (lambda f: do_unpublish_process(process=f.process, actor=f.carol), set()),
}


@dataclass
class World:
    process: Process
    proposal: object
    alice: object
    bob: object
    carol: object
    erin: object
    supporter: object
    comment: object


@pytest.mark.parametrize("name", WRITES)
def test_after_each_kind_of_write_the_pages_that_show_it_are_fresh(name, process, proposal, alice, bob, carol,
                                                                  erin):
    supporter = UserFactory()
    do_support_proposal(proposal=proposal, user=supporter)
    world = World(process, proposal, alice, bob, carol, erin, supporter, _comment(process, alice))
    write, untouched = WRITES[name]
    served = served_after(lambda: write(world), process, proposal)
    assert_fresh(served, process, proposal)
    assert stayed(served) == untouched


@pytest.mark.skipif(not os.environ.get("TWO_SERVERS_REDIS_URL"),
                    reason="needs a Redis (TWO_SERVERS_REDIS_URL; .ci/run gives it on its PostgreSQL run)")
def test_in_redis_the_tags_of_a_write_are_bumped_in_one_round_trip(settings):
    settings.CACHES = {"default": {"BACKEND": "django_redis.cache.RedisCache",
                                   "LOCATION": os.environ["TWO_SERVERS_REDIS_URL"]}}
    keys = [pagecache._tag_key("bumptest", tag) for tag in ("a", "b", "c")]
    cache.delete_many(keys)
    cache.set(keys[0], 41, timeout=None)
    client = pagecache._redis_client()
    with mock.patch.object(client, "eval", wraps=client.eval) as evaluated, \
            mock.patch.object(pagecache, "_redis_client", return_value=client):
        pagecache.invalidate_tags("bumptest", ["a", "b", "c", "a"])
    assert evaluated.call_count == 1
    first, second, third = (cache.get(key) for key in keys)
    assert first == 42  # counted on
    assert second == third and second > time.time_ns() - 10**10  # started from the clock, never from 1
    cache.delete_many(keys)
