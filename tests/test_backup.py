"""Backup and restore (kommune/operations): an archive taken while comments are being written restores into an
empty database as a consistent snapshot, and a backup restores to an identical database and file store.

The source and target are databases of their own, driven through `manage.py` in subprocesses as an operator
would: SQLite files under tmp_path, or, when DATABASE_URL names PostgreSQL, the databases <name>_backup_src and
<name>_backup_restore on the same server.
"""

import hashlib
import io
import json
import os
import subprocess
import sys
import tarfile
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest
from django.core.management import CommandError, call_command

from kommune.operations.backup import read_manifest

ROOT = Path(__file__).resolve().parent.parent

WRITER = """
import sys, time
from pathlib import Path
from kommune.accounts.models import User
from kommune.core.comments.services import do_post_comment
from kommune.proposals.models import Proposal
state = Path(sys.argv[-2])
limit = int(sys.argv[-1])
proposal = Proposal.objects.filter(state="collecting").order_by("pk").first()
start = User.objects.count()
for number in range(1, limit + 1):
    if (state / "stop").exists():
        break
    writer = User.objects.create_user(f"schreiberin-{start + number}@example.org", None,
                                      display_name=f"Schreiberin {start + number}")
    (state / "started.tmp").write_text(str(number))
    (state / "started.tmp").replace(state / "started")
    do_post_comment(actor=writer, target=proposal, text=f"Lastkommentar {number}")
    (state / "written.tmp").write_text(str(number))
    (state / "written.tmp").replace(state / "written")  # atomic: the test never reads a half-written number
"""

TABLES = """
import json, sys
from django.db import connection
tables = {}
with connection.cursor() as cursor:
    for table in connection.introspection.table_names():
        cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")
        tables[table] = sorted(repr(tuple(bytes(v) if isinstance(v, memoryview) else v for v in row))
                               for row in cursor.fetchall())
sys.stdout.write(json.dumps(tables))
"""

CONSISTENCY = """
import json, sys
from django.db.models import Count, Q
from kommune.core.comments.models import Comment, Thread
numbers = sorted(int(text.split()[-1]) for text in
                 Comment.objects.filter(text__startswith="Lastkommentar ").values_list("text", flat=True))
mismatched = [thread.pk for thread in Thread.objects.annotate(
    visible=Count("comments", filter=Q(comments__hidden_at=None))) if thread.comment_count != thread.visible]
sys.stdout.write(json.dumps({"numbers": numbers, "mismatched_threads": mismatched}))
"""


def _manage(env: dict, *arguments: str, check: bool = True) -> subprocess.CompletedProcess:
    result = subprocess.run([sys.executable, "manage.py", *arguments], cwd=ROOT, env=env, capture_output=True,
                            text=True, timeout=600, check=False)
    if check and result.returncode != 0:
        raise AssertionError(f"manage.py {' '.join(arguments)} failed:\n{result.stdout}\n{result.stderr}")
    return result


def _shell(env: dict, script: str, *arguments: str) -> str:
    result = subprocess.run([sys.executable, "-c", _SHELL_PRELUDE + script, *arguments], cwd=ROOT, env=env,
                            capture_output=True, text=True, timeout=600, check=False)
    assert result.returncode == 0, result.stderr
    return result.stdout


_SHELL_PRELUDE = ("import os, django; os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'config.settings'); "
                  "django.setup()\n")


def _environment(database_url: str, media: Path) -> dict:
    env = {key: value for key, value in os.environ.items() if not key.startswith(("PYTEST", "DJANGO_SETTINGS"))}
    env.update(DATABASE_URL=database_url, MEDIA_ROOT=str(media), DEBUG="true", TASKS_BACKEND="immediate",
               PAGE_CACHE_SECONDS="0", REDIS_URL="", EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend")
    return env


def _postgres_database(base_url: str, name: str) -> str:
    import psycopg

    parts = urlsplit(base_url)
    admin = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{name}"')
    return urlunsplit(parts._replace(path=f"/{name}"))


@pytest.fixture(scope="module")
def databases(tmp_path_factory):
    """(source URL, empty target URL) of the backend the suite runs on."""
    base = os.environ.get("DATABASE_URL", "")
    folder = tmp_path_factory.mktemp("backup")
    if base.startswith(("postgres://", "postgresql://")):
        prefix = urlsplit(base).path.strip("/") or "kommune"
        return (_postgres_database(base, f"{prefix}_backup_src"), _postgres_database(base, f"{prefix}_backup_restore"),
                folder)
    return f"sqlite:///{folder / 'source.sqlite3'}", f"sqlite:///{folder / 'restored.sqlite3'}", folder


@pytest.fixture(scope="module")
def source(databases):
    source_url, _target_url, folder = databases
    env = _environment(source_url, folder / "media-source")
    _manage(env, "migrate", "--no-input", "-v0")
    _manage(env, "seed_demo")
    assert any((folder / "media-source").rglob("*.csv")), "the demo brings uploaded files"
    return env


def _tables(env: dict) -> dict:
    return json.loads(_shell(env, TABLES))


def _files(folder: Path) -> dict:
    return {path.relative_to(folder).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
            for path in sorted(folder.rglob("*")) if path.is_file()}


def _wait_for(path: Path, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while not path.exists():
        assert time.monotonic() < deadline, f"{path} did not appear"
        time.sleep(0.05)


def test_a_backup_under_write_load_restores_a_consistent_snapshot(source, databases):
    _source_url, target_url, folder = databases
    state = folder / "writer"
    state.mkdir()
    writer = subprocess.Popen([sys.executable, "-c", _SHELL_PRELUDE + WRITER, str(state), "100000"], cwd=ROOT,
                              env=source, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        _wait_for(state / "written")
        written_before = int((state / "written").read_text())
        _manage(source, "backup", str(folder / "under-load.tar.gz"))
        # Started, not written: a comment commits before its after-commit effects run, and only then is it counted
        # as written; the backup may end in between.
        started_after = int((state / "started").read_text())
    finally:
        (state / "stop").touch()
        _stdout, stderr = writer.communicate(timeout=120)
    assert writer.returncode == 0, stderr

    target = _environment(target_url, folder / "media-restored")
    restored = _manage(target, "restore", str(folder / "under-load.tar.gz"))
    assert "Restored the backup" in restored.stdout

    snapshot = json.loads(_shell(target, CONSISTENCY))
    numbers = snapshot["numbers"]
    # One transaction-consistent moment: the comments written before it, all of them, in order; none after it.
    assert numbers == list(range(1, len(numbers) + 1))
    assert written_before <= len(numbers) <= started_after
    assert snapshot["mismatched_threads"] == []
    assert _files(folder / "media-restored") == _files(folder / "media-source")
    # The restored database takes new writes (PostgreSQL sequences came along).
    _shell(target, WRITER, str(folder), "1")


def test_a_backup_restores_to_an_identical_database_and_file_store(source, databases):
    _source_url, target_url, folder = databases
    archive = folder / "quiet.tar.gz"
    _manage(source, "backup", str(archive))
    target = _environment(target_url, folder / "media-identical")
    _manage(target, "restore", "--force", str(archive))

    expected, actual = _tables(source), _tables(target)
    assert sorted(actual) == sorted(expected)
    differing = [table for table in expected if expected[table] != actual[table]]
    assert differing == [], f"tables differ after the restore: {differing}"
    assert sum(len(rows) for rows in expected.values()) > 500
    assert _files(folder / "media-identical") == _files(folder / "media-source")

    manifest = read_manifest(archive)
    assert manifest["format"] == 1
    assert manifest["database"]["vendor"] in ("sqlite", "postgresql")
    assert "0001_initial" in manifest["migrations"]["proposals"]
    assert manifest["media"]["files"] == len(_files(folder / "media-source"))
    assert set(manifest["checksums"]) == {manifest["database"]["file"]} | {
        f"media/{name}" for name in _files(folder / "media-source")}


def test_restore_refuses_a_database_that_is_not_empty(source, databases, db):
    folder = databases[2]
    archive = folder / "refusal.tar.gz"
    if not archive.exists():
        _manage(source, "backup", str(archive))
    with pytest.raises(CommandError, match="is not empty"):
        call_command("restore", str(archive), "--no-media")


def _rewritten(archive: Path, target: Path, change) -> Path:
    with tarfile.open(archive) as original, tarfile.open(target, "w:gz") as copy:
        for member in original.getmembers():
            data = original.extractfile(member).read()
            data = change(member.name, data)
            member.size = len(data)
            copy.addfile(member, fileobj=io.BytesIO(data))
    return target


def test_restore_refuses_a_damaged_archive_and_one_from_a_newer_release(source, databases, db):
    folder = databases[2]
    archive = folder / "refusal.tar.gz"
    if not archive.exists():
        _manage(source, "backup", str(archive))

    def damage(name, data):
        return data[:-1] + bytes([data[-1] ^ 1]) if name.startswith("database.") else data

    with pytest.raises(CommandError, match="damaged"):
        call_command("restore", str(_rewritten(archive, folder / "damaged.tar.gz", damage)), "--force")

    def from_the_future(name, data):
        if name != "manifest.json":
            return data
        manifest = json.loads(data)
        manifest["migrations"]["proposals"].append("9999_from_the_future")
        return json.dumps(manifest).encode()

    with pytest.raises(CommandError, match="newer release"):
        call_command("restore", str(_rewritten(archive, folder / "future.tar.gz", from_the_future)), "--force")


def test_backup_refuses_uploads_in_an_object_store(settings, tmp_path, db):
    settings.STORAGES = {**settings.STORAGES, "default": {"BACKEND": "tests.test_backup.BucketStorage"}}
    with pytest.raises(CommandError, match="object store"):
        call_command("backup", str(tmp_path / "bucket.tar.gz"))


class BucketStorage:
    """Stands for any storage that is not a folder (S3): the backup cannot copy it and says so."""


def test_a_missing_pg_dump_is_named_with_what_to_install(monkeypatch, tmp_path):
    from kommune.operations import backup

    monkeypatch.setenv("PATH", str(tmp_path))
    monkeypatch.setattr(backup, "POSTGRES_BIN_DIRS", (str(tmp_path / "nirgends"),))
    with pytest.raises(backup.BackupError, match=r"pg_dump was not found.*postgresql-client"):
        backup.find_postgres_tool("pg_dump")
    tool = tmp_path / "pg_dump"
    tool.write_text("#!/bin/sh\n")
    tool.chmod(0o755)
    assert backup.find_postgres_tool("pg_dump") == str(tool)
