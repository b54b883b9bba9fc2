"""Rate limits that hold (kommune/core/ratelimit.py): the counter stores, failed logins per address across
accounts (password spraying), the e-mails per address and per account, the machine endpoints' shared limit, and
the API limit across three gunicorn worker processes, counted in the database and in Redis."""

import functools
import http.cookiejar
import os
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import time_machine
from django.core import mail
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone

from kommune.core import ratelimit
from kommune.core.models import RateCounter
from tests.factories import TEST_PASSWORD, UserFactory
from tests.test_accounts import is_logged_in, post_login, text

BASE_DIR = Path(__file__).resolve().parent.parent
REDIS_TEST_URL = "redis://127.0.0.1:6379/14"
# The refusals, as a German visitor reads them.
SPRAYING_MESSAGE = "Zu viele fehlgeschlagene Anmeldungen aus Ihrem Netzwerk. Die Anmeldung ist für 30 Minuten gesperrt"
MAIL_MESSAGE = "Es wurden zu viele E-Mails angefordert. Bitte warten Sie"


# --- The limiter and its stores ---------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("redis_url", ["", REDIS_TEST_URL], ids=["database", "cache"])
def test_a_limit_counts_each_identity_exactly_within_its_window(settings, redis_url):
    settings.REDIS_URL = redis_url  # the store follows REDIS_URL; the tests' cache is Django's local memory
    limit = ratelimit.Limit("probe", 3, 60)
    minute = timezone.now().replace(second=5, microsecond=0)
    with time_machine.travel(minute, tick=False):
        verdicts = [ratelimit.hit(limit, "198.51.100.1") for _ in range(5)]
        assert [verdict.allowed for verdict in verdicts] == [True] * 3 + [False] * 2
        assert verdicts[-1].retry_after == 55
        assert ratelimit.hit(limit, "198.51.100.2").allowed  # per identity
    with time_machine.travel(minute + timedelta(minutes=1), tick=False):
        assert ratelimit.hit(limit, "198.51.100.1").allowed  # a new window


@pytest.mark.django_db
@pytest.mark.parametrize("redis_url", ["", REDIS_TEST_URL], ids=["database", "cache"])
def test_a_sliding_limit_sees_no_fresh_start_at_the_turn_of_a_window(settings, redis_url):
    settings.REDIS_URL = redis_url
    limit = ratelimit.Limit("probe", 3, 60)
    turn = timezone.now().replace(second=0, microsecond=0) + timedelta(minutes=1)
    with time_machine.travel(turn - timedelta(seconds=1), tick=False):
        assert ratelimit.hit(limit, "x", sliding=True).allowed
        assert ratelimit.hit(limit, "x", sliding=True).allowed
    with time_machine.travel(turn + timedelta(seconds=1), tick=False):
        assert ratelimit.hit(limit, "x", sliding=True).allowed
        refused = ratelimit.hit(limit, "x", sliding=True)
        assert not refused.allowed and refused.retry_after == 59  # when the two before the turn no longer count
        ratelimit.hit(limit, "x", sliding=True)
        ratelimit.hit(limit, "x", sliding=True)
        refused = ratelimit.hit(limit, "x", sliding=True)  # this window alone is over the limit: it must pass too
        assert not refused.allowed and refused.retry_after == 59 + 60


@pytest.mark.django_db
@pytest.mark.parametrize("redis_url", ["", REDIS_TEST_URL], ids=["database", "cache"])
def test_a_released_use_no_longer_counts(settings, redis_url):
    settings.REDIS_URL = redis_url
    limit = ratelimit.Limit("probe", 2, 60)
    with time_machine.travel(timezone.now().replace(second=5, microsecond=0), tick=False):
        for _attempt in range(5):
            assert ratelimit.hit(limit, "x").allowed
            ratelimit.release(limit, "x")
        assert ratelimit.hit(limit, "x").allowed and ratelimit.hit(limit, "x").allowed
        assert not ratelimit.hit(limit, "x").allowed


@pytest.mark.django_db
def test_the_database_counters_hold_no_address_and_forget_passed_windows(settings):
    settings.REDIS_URL = ""
    limit = ratelimit.Limit("probe", 3, 60)
    ratelimit.hit(limit, "198.51.100.1")
    [counter] = RateCounter.objects.all()
    assert counter.count == 1 and "198.51.100.1" not in counter.bucket
    with time_machine.travel(timezone.now() + timedelta(minutes=2), tick=False):
        ratelimit.hit(limit, "198.51.100.2")
    assert RateCounter.objects.get().pk != counter.pk


def test_a_limit_of_zero_is_no_limit(settings):
    settings.REDIS_URL = ""
    assert all(ratelimit.hit(ratelimit.Limit("off", 0, 60), "x").allowed for _ in range(3))  # and no query


# --- Logins -----------------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_password_spraying_from_one_address_is_refused_with_a_clear_message(client, settings):
    limit = settings.LOGIN_ADDRESS_FAILURE_LIMIT
    assert 0 < limit < 30
    cooloff = settings.AXES_COOLOFF_TIME
    accounts = UserFactory.create_batch(30)
    start = datetime.fromtimestamp(time.time() // cooloff.total_seconds() * cooloff.total_seconds(), tz=UTC)

    with time_machine.travel(start, tick=False):
        statuses = [post_login(client, account.email, "falsches-passwort").status_code for account in accounts]
        # Above the limit not even the right password is checked from this address.
        refused = post_login(client, accounts[0].email, TEST_PASSWORD)
        # Another address is not affected.
        elsewhere = post_login(Client(REMOTE_ADDR="198.51.100.9"), accounts[0].email, TEST_PASSWORD)

    assert statuses == [200] * limit + [429] * (30 - limit)
    assert refused.status_code == 429 and not is_logged_in(client)
    assert SPRAYING_MESSAGE in text(refused)
    assert elsewhere.status_code == 302
    # The failures count until the following window has passed too; then this address may try again.
    with time_machine.travel(start + 2 * cooloff - timedelta(seconds=1), tick=False):
        assert post_login(client, accounts[0].email, TEST_PASSWORD).status_code == 429
    with time_machine.travel(start + 2 * cooloff, tick=False):
        assert post_login(client, accounts[0].email, TEST_PASSWORD).status_code == 302


@pytest.mark.django_db
def test_x_forwarded_for_counts_only_behind_a_trusted_proxy(settings):
    settings.LOGIN_ADDRESS_FAILURE_LIMIT = 3
    accounts = UserFactory.create_batch(5)

    def statuses(client: Client) -> list[int]:
        return [client.post(reverse("accounts:login"), {"username": account.email, "password": "falsch"},
                            HTTP_X_FORWARDED_FOR=f"203.0.113.{index}").status_code
                for index, account in enumerate(accounts)]

    # Without a trusted proxy the header is the client's own claim: a new value per request changes nothing.
    assert statuses(Client(REMOTE_ADDR="198.51.100.1")) == [200, 200, 200, 429, 429]
    # Behind one trusted proxy, the entry it appended is the client: five different clients.
    settings.TRUSTED_PROXY_COUNT = 1
    assert statuses(Client(REMOTE_ADDR="10.0.0.1")) == [200] * 5


@pytest.mark.django_db
def test_successful_logins_do_not_count(client, settings):
    settings.LOGIN_ADDRESS_FAILURE_LIMIT = 2
    alice = UserFactory()
    for _attempt in range(4):
        assert post_login(client, alice.email, TEST_PASSWORD).status_code == 302
        client.logout()


# --- E-mails ----------------------------------------------------------------------------------------------------


@pytest.fixture
def mid_hour():
    """The e-mail limits count per hour of the clock: the test stays within one."""
    with time_machine.travel(timezone.now().replace(minute=30), tick=False):
        yield


def _reset(client: Client, email: str) -> int:
    return client.post(reverse("accounts:password_reset"), {"email": email}).status_code


@pytest.mark.django_db
def test_password_reset_mails_are_limited_per_account(client, settings, mid_hour):
    alice = UserFactory(email="alice@example.org")
    limit = settings.MAIL_LIMIT_PER_ACCOUNT
    # Each attempt from another address: the limit per account holds on its own.
    statuses = [_reset(Client(REMOTE_ADDR=f"198.51.100.{index}"), "Alice@Example.org") for index in range(limit + 2)]
    assert statuses == [302] * limit + [429] * 2
    assert [message.to for message in mail.outbox] == [[alice.email]] * limit
    # An address without an account is refused alike: the refusal tells nothing about who is registered.
    unknown = [_reset(Client(REMOTE_ADDR=f"198.51.100.{index}"), "niemand@example.org") for index in range(limit + 2)]
    assert unknown == statuses
    response = Client(REMOTE_ADDR="198.51.100.99").post(reverse("accounts:password_reset"), {"email": alice.email})
    assert MAIL_MESSAGE in text(response)


@pytest.mark.django_db
def test_password_reset_mails_are_limited_per_client_address(client, settings, mid_hour):
    limit = settings.MAIL_LIMIT_PER_ADDRESS
    accounts = UserFactory.create_batch(limit + 2)
    assert [_reset(client, account.email) for account in accounts] == [302] * limit + [429] * 2
    assert len(mail.outbox) == limit
    assert _reset(Client(REMOTE_ADDR="198.51.100.7"), accounts[-1].email) == 302


@pytest.mark.django_db
def test_confirmation_mails_share_the_limits(client, settings, mid_hour):
    settings.MAIL_LIMIT_PER_ACCOUNT = 2
    UserFactory(email="frieda@example.org", email_confirmed_at=None)
    resend = reverse("accounts:resend_confirmation")
    statuses = [client.post(resend, {"email": "frieda@example.org"}).status_code for _ in range(3)]
    assert statuses == [302, 302, 429]
    assert len(mail.outbox) == 2
    registration = {"email": "frieda@example.org", "display_name": "Frieda", "password": "ein-langes-passwort-1",
                    "accept_privacy": "on"}
    refused = client.post(reverse("accounts:register"), registration)
    assert refused.status_code == 429 and MAIL_MESSAGE in text(refused)
    assert len(mail.outbox) == 2


# --- The machine endpoints share the API's limit ---------------------------------------------------------------


@pytest.mark.django_db
@override_settings(API_RATE_LIMIT_PER_MINUTE=3)
def test_ckan_and_dcat_count_towards_the_api_limit_per_address(client, musterstadt):
    with time_machine.travel(timezone.now().replace(second=5, microsecond=0), tick=False):
        assert client.get("/api/3/action/status_show").status_code == 200
        assert client.get("/dcat/catalog.ttl").status_code == 200
        assert client.get("/api/v1/municipalities").status_code == 200

        ckan = client.get("/api/3/action/package_list")
        dcat = client.get("/musterstadt/dcat/catalog.ttl")
        api = client.get("/api/v1/municipalities")

    assert ckan.status_code == 429 and ckan["Retry-After"] == "55"
    body = ckan.json()
    assert body["success"] is False and body["error"]["__type"] == "Rate Limit Exceeded" and "help" in body
    assert dcat.status_code == 429 and dcat["Content-Type"].startswith("text/plain") and dcat["Retry-After"] == "55"
    assert api.status_code == 429 and api.json()["error"]["code"] == "rate_limited"
    assert Client(REMOTE_ADDR="198.51.100.5").get("/api/3/action/package_list").status_code == 200


# --- Across processes -------------------------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _wait_for(port: int, server: subprocess.Popen) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        assert server.poll() is None, "gunicorn ended early"
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            return
        except OSError:
            time.sleep(0.1)
    raise AssertionError("gunicorn did not start")


def _status(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=30) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def _redis_reachable() -> bool:
    try:
        socket.create_connection(("127.0.0.1", 6379), timeout=0.5).close()
    except OSError:
        return False
    return True


def _failed_login(base: str, number: int) -> int:
    """A login with a wrong password for the number-th account, with the form's CSRF token, as a browser sends it."""
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
    with opener.open(f"{base}/konto/anmelden/", timeout=30) as page:
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.read().decode())[1]
    form = urllib.parse.urlencode({"csrfmiddlewaretoken": token, "username": f"person{number}@example.org",
                                   "password": "falsches-passwort"}).encode()
    request = urllib.request.Request(f"{base}/konto/anmelden/", data=form, headers={"Referer": f"{base}/"})
    try:
        with opener.open(request, timeout=30) as answer:
            return answer.status
    except urllib.error.HTTPError as error:
        return error.code


@pytest.mark.parametrize("redis_url", ["", REDIS_TEST_URL], ids=["database", "redis"])
def test_the_limits_hold_across_three_worker_processes(tmp_path, redis_url):
    """gunicorn with three workers on a file SQLite database: of 120 parallel requests within one minute exactly
    the limit get through, on the REST API, the CKAN API and the DCAT catalogue together; and of 30 parallel failed
    logins against 30 accounts exactly the login limit per address is answered, the rest refused."""
    if redis_url:
        if not _redis_reachable():
            pytest.skip("no Redis on 127.0.0.1:6379")
        import redis

        redis.Redis.from_url(redis_url).flushdb()
    limit, login_limit = 40, 10
    env = {**os.environ, "DEBUG": "true", "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
           "REDIS_URL": redis_url, "API_RATE_LIMIT_PER_MINUTE": str(limit), "PAGE_CACHE_SECONDS": "0",
           "LOGIN_ADDRESS_FAILURE_LIMIT": str(login_limit), "VAR_DIR": str(tmp_path)}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    subprocess.run([sys.executable, "manage.py", "migrate", "-v0"], cwd=BASE_DIR, env=env, check=True)
    port = _free_port()
    gunicorn = Path(sys.executable).with_name("gunicorn")
    server = subprocess.Popen([str(gunicorn), "config.wsgi", "--bind", f"127.0.0.1:{port}", "--workers", "3"],
                              cwd=BASE_DIR, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        _wait_for(port, server)
        if time.time() % 60 > 50:  # all requests within one window of the clock (they take a few seconds)
            time.sleep(61 - time.time() % 60)
        paths = ["/api/v1/municipalities", "/api/3/action/status_show", "/dcat/catalog.ttl"]
        urls = [f"http://127.0.0.1:{port}{paths[index % 3]}" for index in range(120)]
        with ThreadPoolExecutor(max_workers=12) as pool:
            statuses = list(pool.map(_status, urls))
            logins = list(pool.map(functools.partial(_failed_login, f"http://127.0.0.1:{port}"), range(30)))
    finally:
        server.terminate()
        server.wait(timeout=30)
    assert statuses.count(200) == limit, statuses
    assert statuses.count(429) == 120 - limit
    assert sorted(logins) == [200] * login_limit + [429] * (30 - login_limit), logins
