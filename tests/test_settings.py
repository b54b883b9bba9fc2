"""Settings from the environment: the typed readers, and what each variable switches.

``load_settings`` executes config/settings.py afresh with a controlled environment, without touching the
settings this test process runs on. Start-up failures and `check --deploy` run in a subprocess, as in production.
"""

import os
import runpy
import secrets
import socket
import subprocess
import sys
import uuid
from collections.abc import Callable
from pathlib import Path

import pytest
from django.core.cache import cache, caches
from django.core.exceptions import ImproperlyConfigured
from django.test import override_settings
from django.utils.module_loading import import_string
from django_redis.cache import RedisCache

from config.env import env_bool, env_int, env_list, env_url

BASE_DIR = Path(__file__).resolve().parent.parent
# The variables these tests set; each test starts without any of them, whatever the shell running pytest has.
CONTROLLED = ("DEBUG", "SECRET_KEY", "DATABASE_URL", "DATABASE_CONN_MAX_AGE", "REDIS_URL", "S3_BUCKET",
              "S3_ENDPOINT_URL", "S3_REGION", "S3_ACCESS_KEY_ID", "S3_SECRET_ACCESS_KEY", "VAR_DIR",
              "LOGIN_FAILURE_LIMIT", "EMAIL_BACKEND", "DATABASE_REPLICA_URLS")
PRODUCTION = {
    "DEBUG": "false",
    "SECRET_KEY": secrets.token_urlsafe(50),
    "ALLOWED_HOSTS": "example.org",
    "SITE_URL": "https://example.org",
    "SECURE_SSL_REDIRECT": "true",
    "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
    "OPERATOR_IMPRINT_URL": "https://example.org/impressum",
    "OPERATOR_PRIVACY_URL": "https://example.org/datenschutz",
}


# --- The readers in config/env.py ----------------------------------------------------------------------------


@pytest.mark.parametrize(("raw", "expected"), [("true", True), ("YES", True), (" 1 ", True), ("on", True),
                                               ("false", False), ("0", False), ("no", False), ("", False)])
def test_env_bool_reads_the_usual_spellings(raw, expected):
    assert env_bool("FLAG", not expected, environ={"FLAG": raw}) is expected


def test_env_readers_return_the_default_when_unset():
    assert env_bool("FLAG", True, environ={}) is True
    assert env_int("COUNT", 5, environ={}) == 5
    assert env_int("COUNT", 5, environ={"COUNT": " "}) == 5
    assert env_list("HOSTS", ["localhost"], environ={}) == ["localhost"]
    assert env_url("URL", "", schemes=("https",), environ={}) == ""


def test_env_list_splits_on_commas_and_drops_blanks():
    assert env_list("HOSTS", [], environ={"HOSTS": "example.org, www.example.org,,"}) == [
        "example.org", "www.example.org"]


@pytest.mark.parametrize(
    ("read", "fragment"),
    [
        (lambda: env_bool("SECURE_COOKIES", environ={"SECURE_COOKIES": "maybe"}), "SECURE_COOKIES must be one of"),
        (lambda: env_int("EMAIL_PORT", 25, environ={"EMAIL_PORT": "twenty-five"}), "EMAIL_PORT must be an integer"),
        (lambda: env_int("EMAIL_PORT", 25, environ={"EMAIL_PORT": "2.5"}), "EMAIL_PORT must be an integer"),
        (lambda: env_url("SITE_URL", schemes=("http", "https"), environ={"SITE_URL": "example.org"}),
         "SITE_URL must start with one of http://, https://"),
        (lambda: env_url("REDIS_URL", schemes=("redis",), environ={"REDIS_URL": "http://127.0.0.1:6379"}),
         "REDIS_URL must start with one of redis://"),
    ],
)
def test_env_readers_fail_loudly_with_the_variable_name(read: Callable[[], object], fragment: str):
    with pytest.raises(ImproperlyConfigured, match=fragment) as error:
        read()
    assert "not '" in str(error.value)  # and quote the bad value


# --- What the settings module makes of the environment -------------------------------------------------------


@pytest.fixture
def load_settings(monkeypatch, tmp_path) -> Callable[..., dict]:
    def load(**env: str) -> dict:
        for name in CONTROLLED:
            monkeypatch.delenv(name, raising=False)
        monkeypatch.setenv("VAR_DIR", str(tmp_path))
        monkeypatch.setenv("DEBUG", "true")
        for name, value in env.items():
            monkeypatch.setenv(name, value)
        return runpy.run_path(str(BASE_DIR / "config" / "settings.py"))

    return load


def test_a_bad_value_stops_the_settings_with_the_variable_name(load_settings):
    with pytest.raises(ImproperlyConfigured, match="LOGIN_FAILURE_LIMIT must be an integer"):
        load_settings(LOGIN_FAILURE_LIMIT="five")


def test_passwords_are_hashed_with_argon2_and_login_throttling_is_configurable(load_settings):
    # The suite swaps in a fast hasher (tests/conftest.py); this guards the real configuration.
    settings = load_settings(LOGIN_FAILURE_LIMIT="3")

    assert settings["PASSWORD_HASHERS"][0] == "django.contrib.auth.hashers.Argon2PasswordHasher"
    assert settings["AXES_FAILURE_LIMIT"] == 3


def test_default_database_is_a_sqlite_file_under_var_in_wal_mode(load_settings, tmp_path):
    database = load_settings()["DATABASES"]["default"]

    assert database["ENGINE"] == "django.db.backends.sqlite3"
    assert database["NAME"] == str(tmp_path / "kommune.sqlite3")
    assert "journal_mode=WAL" in database["OPTIONS"]["init_command"]
    assert database["OPTIONS"]["transaction_mode"] == "IMMEDIATE"
    assert database["CONN_MAX_AGE"] == 0


def test_database_url_for_sqlite(load_settings, tmp_path):
    database = load_settings(DATABASE_URL=f"sqlite:///{tmp_path}/other.sqlite3")["DATABASES"]["default"]

    assert database["ENGINE"] == "django.db.backends.sqlite3"
    assert database["NAME"] == f"{tmp_path}/other.sqlite3"
    assert "journal_mode=WAL" in database["OPTIONS"]["init_command"]


@pytest.mark.parametrize("scheme", ["postgres", "postgresql"])
def test_database_url_for_postgres(load_settings, scheme):
    database = load_settings(DATABASE_URL=f"{scheme}://kommune:geheim@db.example.org:5433/kommune")[
        "DATABASES"]["default"]

    assert database["ENGINE"] == "django.db.backends.postgresql"
    assert (database["NAME"], database["USER"], database["PASSWORD"]) == ("kommune", "kommune", "geheim")
    assert (database["HOST"], database["PORT"]) == ("db.example.org", 5433)
    assert database["CONN_MAX_AGE"] == 60
    assert "init_command" not in database.get("OPTIONS", {})


def test_database_connection_age_is_configurable(load_settings):
    settings = load_settings(DATABASE_URL="postgres://postgres@127.0.0.1/kommune", DATABASE_CONN_MAX_AGE="0")

    assert settings["DATABASES"]["default"]["CONN_MAX_AGE"] == 0


def test_database_url_with_an_unsupported_scheme_is_refused(load_settings):
    with pytest.raises(ImproperlyConfigured, match="DATABASE_URL must start with one of"):
        load_settings(DATABASE_URL="mysql://root@127.0.0.1/kommune")


def test_without_redis_the_cache_is_local_and_sessions_live_in_the_database(load_settings):
    settings = load_settings()

    assert settings["CACHES"]["default"]["BACKEND"] == "django.core.cache.backends.locmem.LocMemCache"
    assert settings["SESSION_ENGINE"] == "django.contrib.sessions.backends.db"


def _redis_reachable() -> bool:
    try:
        socket.create_connection(("127.0.0.1", 6379), timeout=0.5).close()
    except OSError:
        return False
    return True


def test_redis_url_switches_the_cache_to_django_redis(load_settings):
    settings = load_settings(REDIS_URL="redis://127.0.0.1:6379/15")

    assert settings["CACHES"]["default"] == {"BACKEND": "django_redis.cache.RedisCache",
                                             "LOCATION": "redis://127.0.0.1:6379/15"}
    assert settings["SESSION_ENGINE"] == "django.contrib.sessions.backends.cached_db"
    if not _redis_reachable():
        pytest.skip("no Redis on 127.0.0.1:6379 for the round trip")
    key = f"kommune-test-{uuid.uuid4().hex}"
    with override_settings(CACHES=settings["CACHES"]):
        assert isinstance(caches["default"], RedisCache)
        cache.set(key, {"Gemeinde": "Ahornfeld"}, timeout=30)
        assert cache.get(key) == {"Gemeinde": "Ahornfeld"}
        cache.delete(key)
        assert cache.get(key) is None


def test_uploads_go_to_a_local_folder_by_default(load_settings):
    assert load_settings()["STORAGES"]["default"]["BACKEND"] == "django.core.files.storage.FileSystemStorage"


def test_s3_bucket_switches_uploads_to_the_s3_backend(load_settings):
    settings = load_settings(S3_BUCKET="kommune-uploads", S3_ENDPOINT_URL="https://s3.example.org",
                             S3_REGION="eu-central-1", S3_ACCESS_KEY_ID="demo-key", S3_SECRET_ACCESS_KEY="demo-secret")
    storage_config = settings["STORAGES"]["default"]

    assert storage_config["BACKEND"] == "storages.backends.s3.S3Storage"
    # The options are the backend's own: it accepts them, and signs URLs on the configured endpoint offline.
    storage = import_string(storage_config["BACKEND"])(**storage_config["OPTIONS"])
    url = storage.url("logos/wappen.png")
    assert url.startswith("https://s3.example.org/kommune-uploads/logos/wappen.png?")
    assert "Signature" in url


# --- Start-up and deployment, in a fresh process -------------------------------------------------------------


def run(args: list[str], env: dict[str, str], tmp_path: Path) -> subprocess.CompletedProcess:
    clean_env = {"PATH": os.environ.get("PATH", ""), "HOME": str(tmp_path), "VAR_DIR": str(tmp_path),
                 "DJANGO_SETTINGS_MODULE": "config.settings", **env}
    return subprocess.run([sys.executable, *args], cwd=BASE_DIR, env=clean_env, capture_output=True, text=True,
                          timeout=120)


IMPORT_SETTINGS = "import django; from django.conf import settings; print(settings.SECRET_KEY[:4])"


@pytest.mark.parametrize("debug", [{}, {"DEBUG": "false"}], ids=["DEBUG unset", "DEBUG=false"])
def test_settings_refuse_to_load_without_secret_key_when_debug_is_off(tmp_path, debug):
    result = run(["-c", IMPORT_SETTINGS], debug, tmp_path)

    assert result.returncode != 0
    assert "ImproperlyConfigured: SECRET_KEY is required when DEBUG is off" in result.stderr


def test_settings_load_with_a_secret_key_or_in_debug(tmp_path):
    assert run(["-c", IMPORT_SETTINGS], {"DEBUG": "false", "SECRET_KEY": "k" * 50}, tmp_path).returncode == 0
    assert run(["-c", IMPORT_SETTINGS], {"DEBUG": "true"}, tmp_path).returncode == 0


def test_deploy_check_is_clean_with_production_values(tmp_path):
    result = run(["manage.py", "check", "--deploy", "--fail-level", "WARNING"], PRODUCTION, tmp_path)

    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout
    assert "WARNING" not in result.stderr


def test_deploy_check_insists_on_a_real_mail_server(tmp_path):
    env = {name: value for name, value in PRODUCTION.items() if name != "EMAIL_BACKEND"}

    result = run(["manage.py", "check", "--deploy"], env, tmp_path)

    assert result.returncode != 0
    assert "mail.E001" in result.stderr


# --- Read replicas (kommune/core/replicas.py, docs/deployment.md) --------------------------------------------------


def test_without_replica_urls_there_is_no_router_and_no_replica_middleware(load_settings):
    settings = load_settings(DATABASE_URL="postgres://postgres@127.0.0.1/kommune")

    assert set(settings["DATABASES"]) == {"default"} and settings["DATABASE_ROUTERS"] == []
    assert "kommune.core.replicas.ReplicaMiddleware" not in settings["MIDDLEWARE"]


def test_replica_urls_add_aliases_a_router_and_the_middleware(load_settings):
    settings = load_settings(DATABASE_URL="postgres://postgres@primary.example.org/kommune",
                             DATABASE_REPLICA_URLS="postgres://reader@replica-a.example.org/kommune, "
                                                   "postgresql://reader@replica-b.example.org:5433/kommune")

    assert settings["DATABASE_REPLICAS"] == ("replica1", "replica2")
    assert settings["DATABASES"]["replica2"]["HOST"] == "replica-b.example.org"
    assert settings["DATABASES"]["replica2"]["PORT"] == 5433
    assert settings["DATABASES"]["replica1"]["TEST"] == {"MIRROR": "default"}
    assert settings["DATABASE_ROUTERS"] == ["kommune.core.replicas.ReplicaRouter"]
    assert "kommune.core.replicas.ReplicaMiddleware" in settings["MIDDLEWARE"]


@pytest.mark.parametrize(("primary", "replicas", "message"), [
    ("postgres://postgres@127.0.0.1/kommune", "mysql://reader@replica/kommune",
     "DATABASE_REPLICA_URLS must list URLs that start with one of"),
    ("", "postgres://reader@replica/kommune", "DATABASE_REPLICA_URLS needs a PostgreSQL primary"),
])
def test_bad_replica_settings_stop_the_start(load_settings, primary, replicas, message):
    environment = {"DATABASE_REPLICA_URLS": replicas, **({"DATABASE_URL": primary} if primary else {})}
    with pytest.raises(ImproperlyConfigured, match=message):
        load_settings(**environment)
