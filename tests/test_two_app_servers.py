"""Two app servers against one PostgreSQL and one Redis (docs/deployment.md): two gunicorn processes on different
ports share what must hold across servers. A write through one invalidates the cached pages of the other; a
session and a login lockout made on one hold on the other; rate limits count across both; an upload through one is
served by the other (the shared file storage: here one directory for both, MEDIA_ROOT, as a shared mount would be;
in production an S3 bucket, docs/configuration.md).

Needs PostgreSQL (the servers are separate processes and read what the test committed) and Redis
(TWO_SERVERS_REDIS_URL, else REDIS_URL; the suite itself runs without Redis); .ci/run gives both on its PostgreSQL run.
"""

import http.client
import io
import os
import re
import secrets
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path
from urllib.parse import urlencode

import pytest
from django.contrib.auth.hashers import Argon2PasswordHasher
from django.db import connection
from django.urls import reverse
from PIL import Image

from kommune.core import pagecache
from kommune.proposals.models import Proposal, Support
from tests.factories import UserFactory
from tests.factories_proposals import ProposalFactory, ProposalSettingsFactory, published_proposal

ROOT = Path(__file__).resolve().parent.parent
PASSWORD = "Ein langes Passwort 2026"


def _redis_url() -> str:
    url = os.environ.get("TWO_SERVERS_REDIS_URL") or os.environ.get("REDIS_URL", "")
    if not url:
        return ""
    import redis

    try:
        redis.Redis.from_url(url, socket_connect_timeout=2).ping()
    except redis.RedisError:
        return ""
    return url


@pytest.fixture
def shared_services():
    if connection.vendor != "postgresql":
        pytest.skip("two app server processes need a database server they share (PostgreSQL; CI runs this there)")
    url = _redis_url()
    if not url:
        pytest.skip("two app servers share the page cache, sessions and rate limits through Redis: set "
                    "TWO_SERVERS_REDIS_URL")
    return url


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _database_url() -> str:
    database = connection.settings_dict
    password = f":{database['PASSWORD']}" if database["PASSWORD"] else ""
    return (f"postgres://{database['USER'] or ''}{password}@{database['HOST'] or '127.0.0.1'}:"
            f"{database['PORT'] or 5432}/{database['NAME']}")


class AppServer:
    """One gunicorn process (one sync worker) with the environment every server of a deployment shares."""

    def __init__(self, environment: dict[str, str], log: Path) -> None:
        self.port = _free_port()
        with log.open("w") as output:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "gunicorn", "config.wsgi", "--bind", f"127.0.0.1:{self.port}", "--workers", "1",
                 "--log-level", "warning", "--error-logfile", "-"],
                cwd=ROOT, env=environment, stdout=output, stderr=subprocess.STDOUT)
        self.log = log

    def wait(self) -> None:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            assert self.process.poll() is None, self.log.read_text()
            try:
                if self.request("GET", "/healthz/")[0] == 200:
                    return
            except OSError:
                pass
            time.sleep(0.3)
        raise AssertionError(f"the server did not start: {self.log.read_text()}")

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()

    def request(self, method: str, path: str, *, cookies: dict[str, str] | None = None, body: bytes = b"",
                content_type: str = "application/x-www-form-urlencoded") -> tuple[int, dict[str, str], str]:
        """Status, headers (lower-case names; Set-Cookie merged into ``cookies``) and text of one request."""
        client = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in (cookies or {}).items())} if cookies else {}
        if body:
            headers["Content-Type"] = content_type
        client.request(method, path, body=body or None, headers=headers)
        response = client.getresponse()
        text = response.read().decode(errors="replace")
        for name, value in response.getheaders():
            if name.lower() == "set-cookie" and cookies is not None:
                key, _, rest = value.partition("=")
                cookies[key] = rest.split(";", 1)[0]
        result = response.status, {k.lower(): v for k, v in response.getheaders()}, text
        client.close()
        return result


def _token(text: str) -> str:
    match = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', text)
    assert match, "no form with a CSRF token"
    return match.group(1)


def _log_in(server: AppServer, email: str, password: str, cookies: dict[str, str]) -> int:
    path = reverse("accounts:login")
    token = _token(server.request("GET", path, cookies=cookies)[2])
    body = urlencode({"csrfmiddlewaretoken": token, "username": email, "password": password}).encode()
    return server.request("POST", path, cookies=cookies, body=body)[0]


def _multipart(fields: dict[str, str], files: dict[str, tuple[str, bytes, str]]) -> tuple[bytes, str]:
    boundary = uuid.uuid4().hex
    parts = [f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
             for name, value in fields.items()]
    for name, (filename, content, kind) in files.items():
        parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; filename="{filename}"\r\n'
                     f"Content-Type: {kind}\r\n\r\n".encode() + content + b"\r\n")
    return b"".join(parts) + f"--{boundary}--\r\n".encode(), f"multipart/form-data; boundary={boundary}"


def _png() -> bytes:
    output = io.BytesIO()
    Image.new("RGB", (40, 30), (30, 120, 60)).save(output, "PNG")
    return output.getvalue()


@pytest.mark.django_db(transaction=True)
def test_two_app_servers_share_pages_sessions_lockouts_rate_limits_and_uploads(shared_services, musterstadt,
                                                                                tmp_path):
    ProposalSettingsFactory(municipality=musterstadt, supporters="registered")
    proposal = published_proposal(musterstadt, required=100)
    supporter, locked_out, author = (UserFactory(email=f"{name}@example.org") for name in ("s", "l", "a"))
    hasher = Argon2PasswordHasher()  # the servers' hasher (the tests' own fast one is not configured there)
    for person in (supporter, locked_out, author):
        person.password = hasher.encode(PASSWORD, hasher.salt())
        person.save()
    draft = ProposalFactory(municipality=musterstadt, author=author, state=Proposal.State.DRAFT)

    environment = {**os.environ, "DATABASE_URL": _database_url(), "REDIS_URL": shared_services, "DEBUG": "true",
                   "SECRET_KEY": secrets.token_urlsafe(50),  # fresh rate-limit keys in Redis for every run
                   "PAGE_CACHE_SECONDS": "300", "TASKS_BACKEND": "immediate", "MEDIA_ROOT": str(tmp_path / "media"),
                   "LOGIN_FAILURE_LIMIT": "3", "API_RATE_LIMIT_PER_MINUTE": "4", "DJANGO_SETTINGS_MODULE":
                   "config.settings"}
    one, other = (AppServer(environment, tmp_path / f"server-{n}.log") for n in (1, 2))
    try:
        one.wait()
        other.wait()

        # The page cache: the other server's cached page is stale after a write through the first.
        detail = proposal.get_absolute_url()
        other.request("GET", detail)
        assert other.request("GET", detail)[1].get(pagecache.HIT_HEADER.lower()) == "hit"
        session: dict[str, str] = {}
        assert _log_in(one, supporter.email, PASSWORD, session) == 302
        token = _token(one.request("GET", detail, cookies=session)[2])
        support = reverse("proposals:support", kwargs={"municipality_slug": musterstadt.slug,
                                                       "proposal_id": proposal.pk})
        assert one.request("POST", support, cookies=session,
                           body=urlencode({"csrfmiddlewaretoken": token}).encode())[0] == 302
        assert Support.objects.filter(proposal=proposal, user=supporter).exists()
        assert other.request("GET", detail)[1].get(pagecache.HIT_HEADER.lower()) != "hit"

        # The session made on the first server holds on the other.
        profile = reverse("accounts:profile")
        assert other.request("GET", profile, cookies=dict(session))[0] == 200  # not the way to the login
        assert other.request("GET", profile)[0] == 302

        # The login lockout made on the first server holds on the other, even for the right password.
        failing: dict[str, str] = {}
        for _ in range(3):
            _log_in(one, locked_out.email, "falsch", failing)
        assert _log_in(other, locked_out.email, PASSWORD, {}) == 429

        # Rate limits count across both: 4 API requests a minute, wherever they arrive.
        api = "/api/3/action/package_list"
        for _attempt in range(2):  # once more if the minute's window turned during the six requests
            answers = [server.request("GET", api)[0] for server in (one, other, one, other, other, one)]
            if 200 not in answers[4:]:
                break
        assert answers[4:] == [429, 429] and answers.count(200) <= 4

        # An upload through the first server is served by the other (one shared store).
        writer: dict[str, str] = {}
        assert _log_in(one, author.email, PASSWORD, writer) == 302
        edit = reverse("proposals:edit", kwargs={"municipality_slug": musterstadt.slug, "proposal_id": draft.pk})
        token = _token(one.request("GET", edit, cookies=writer)[2])
        body, kind = _multipart({"csrfmiddlewaretoken": token, "title": draft.title, "text": draft.text,
                                 "image_alt": "Ein grünes Rechteck"}, {"image": ("gruen.png", _png(), "image/png")})
        assert one.request("POST", edit, cookies=writer, body=body, content_type=kind)[0] == 302
        draft.refresh_from_db()
        assert draft.image and (tmp_path / "media" / draft.image.name).exists()
        image = reverse("proposals:image", kwargs={"municipality_slug": musterstadt.slug, "proposal_id": draft.pk,
                                                   "filename": Path(draft.image.name).name})
        status, headers, _text = other.request("GET", image, cookies=dict(writer))
        assert status == 200 and headers["content-type"] == "image/png"
    finally:
        one.stop()
        other.stop()
