"""Backup and restore of one installation: the database and the uploaded files (MEDIA_ROOT) in one archive.

The archive is a gzip-compressed tar file:

    manifest.json        format, time, versions, database vendor, applied migrations, SHA-256 of every member
    database.sqlite3     SQLite: a consistent copy made with sqlite3's online backup API
    database.pgdump      PostgreSQL: pg_dump's custom format (one snapshot transaction)
    media/...            every file under MEDIA_ROOT

Both database copies are taken while the site runs: SQLite copies in one read transaction (WAL lets writers go
on), pg_dump reads one snapshot. The uploads are copied after the database snapshot, so every file that the
snapshot refers to is there (files are stored before the row that names them is committed); a file uploaded
during the backup may come along without its row, which is harmless.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import platform
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

import django
from django.conf import settings
from django.core.cache import cache
from django.core.files.storage import FileSystemStorage, default_storage
from django.db import connections
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone

FORMAT = 1
MANIFEST = "manifest.json"
MEDIA_PREFIX = "media/"
DATABASE_FILES = {"sqlite": "database.sqlite3", "postgresql": "database.pgdump"}
POSTGRES_BIN_DIRS = ("/usr/lib/postgresql/*/bin", "/usr/local/pgsql/bin", "/opt/homebrew/bin",
                     "/usr/local/opt/libpq/bin", "/Applications/Postgres.app/Contents/Versions/latest/bin")


class BackupError(Exception):
    """A backup or restore that cannot go on; the message says why and what to do."""


@dataclass(frozen=True)
class RestoreResult:
    created_at: str
    tables: int
    media_files: int
    pending_migrations: int


# -- taking a backup -----------------------------------------------------------------------------------------------

def create_backup(target: Path, *, include_media: bool = True, using: str = "default") -> dict:
    """Writes the archive to ``target`` and returns its manifest."""
    media_root = _media_root() if include_media else None
    vendor = _vendor(using)
    with tempfile.TemporaryDirectory(prefix="kommune-backup-", dir=target.parent) as staging:
        database_file = Path(staging) / DATABASE_FILES[vendor]
        migrations = applied_migrations(using)
        if vendor == "sqlite":
            _dump_sqlite(using, database_file)
        else:
            _dump_postgres(using, database_file)
        checksums = {database_file.name: _sha256(database_file)}
        partial = target.with_name(target.name + ".partial")
        with tarfile.open(partial, "w:gz") as archive:
            archive.add(database_file, arcname=database_file.name)
            for path, name in _media_files(media_root):
                checksums[name] = _sha256(path)
                archive.add(path, arcname=name)
            manifest = _manifest(vendor, using, migrations, checksums, include_media)
            _add_bytes(archive, MANIFEST, json.dumps(manifest, indent=2, sort_keys=True).encode())
        partial.replace(target)
    return manifest


def _manifest(vendor: str, using: str, migrations: dict, checksums: dict, include_media: bool) -> dict:
    return {
        "format": FORMAT,
        "created_at": timezone.now().isoformat(),
        "application": {"name": "offene-kommune", "version": _app_version()},
        "django": django.get_version(),
        "python": platform.python_version(),
        "database": {"vendor": vendor, "file": DATABASE_FILES[vendor], "server": _server_version(using)},
        "migrations": migrations,
        "media": {"included": include_media,
                  "files": sum(1 for name in checksums if name.startswith(MEDIA_PREFIX))},
        "checksums": checksums,
    }


def _dump_sqlite(using: str, database_file: Path) -> None:
    source_name = str(connections[using].settings_dict["NAME"])
    if source_name == ":memory:" or "mode=memory" in source_name:
        raise BackupError("An in-memory SQLite database cannot be backed up.")
    source = sqlite3.connect(source_name, timeout=30)  # only read: the backup API never writes its source
    copy = sqlite3.connect(database_file)
    try:
        source.execute("PRAGMA busy_timeout=30000")
        # pages=-1: the whole database in one step, so in one read transaction: a consistent snapshot.
        source.backup(copy, pages=-1)
        copy.execute("PRAGMA journal_mode=DELETE")  # one self-contained file, no -wal beside it
    finally:
        copy.close()
        source.close()


def _dump_postgres(using: str, database_file: Path) -> None:
    _run_postgres_tool("pg_dump", using, ["--format=custom", "--no-owner", "--no-privileges",
                                          f"--file={database_file}"])


def _media_files(media_root: Path | None):
    if media_root is None or not media_root.exists():
        return
    for directory, subdirectories, files in os.walk(media_root):
        subdirectories.sort()
        for file_name in sorted(files):
            path = Path(directory) / file_name
            if path.is_file() and not path.is_symlink():
                yield path, MEDIA_PREFIX + path.relative_to(media_root).as_posix()


# -- restoring -----------------------------------------------------------------------------------------------------

def restore_backup(source: Path, *, force: bool = False, include_media: bool = True,
                   using: str = "default") -> RestoreResult:
    """Restores the archive at ``source`` into the configured database (and MEDIA_ROOT).

    Refuses a database that has tables, and a MEDIA_ROOT with files, unless ``force``; refuses an archive whose
    checksums do not match, that comes from another database vendor, or that was made by a newer release (it has
    migrations this code does not know).
    """
    vendor = _vendor(using)
    media_root = _media_root() if include_media else None
    with tempfile.TemporaryDirectory(prefix="kommune-restore-") as unpacked:
        folder = Path(unpacked)
        manifest = _unpack_and_verify(source, folder)
        if manifest["database"]["vendor"] != vendor:
            raise BackupError(f"The backup holds a {manifest['database']['vendor']} database, the configured "
                              f"database is {vendor}; restore it into a {manifest['database']['vendor']} database.")
        pending = _check_migrations(manifest["migrations"])
        tables = connections[using].introspection.table_names()
        if tables and not force:
            raise BackupError(f"The database {_database_label(using)} is not empty ({len(tables)} tables). Restore "
                              "into an empty database, or pass --force to replace its contents.")
        if media_root is not None and _has_files(media_root) and not force:
            raise BackupError(f"MEDIA_ROOT ({media_root}) already holds files. Restore into an empty folder, or "
                              "pass --force to replace them.")
        database_file = folder / manifest["database"]["file"]
        if vendor == "sqlite":
            _load_sqlite(using, database_file)
        else:
            _load_postgres(using, database_file, clean=bool(tables))
        media_files = _restore_media(folder / MEDIA_PREFIX, media_root) if media_root is not None else 0
    # Cached pages and counts describe the database as it was before; with Redis they outlive this process.
    cache.clear()
    return RestoreResult(created_at=manifest["created_at"],
                         tables=len(connections[using].introspection.table_names()),
                         media_files=media_files, pending_migrations=pending)


def read_manifest(source: Path) -> dict:
    with _open_archive(source) as archive:
        try:
            member = archive.extractfile(MANIFEST)
        except KeyError:
            member = None
        if member is None:
            raise BackupError(f"{source} has no {MANIFEST}; it is not a backup of this application.")
        return json.loads(member.read())


def _unpack_and_verify(source: Path, folder: Path) -> dict:
    with _open_archive(source) as archive:
        archive.extractall(folder, filter="data")  # refuses absolute paths, '..', links out of the folder
    manifest_path = folder / MANIFEST
    if not manifest_path.is_file():
        raise BackupError(f"{source} has no {MANIFEST}; it is not a backup of this application.")
    manifest = json.loads(manifest_path.read_text())
    if manifest.get("format") != FORMAT:
        raise BackupError(f"{source} has backup format {manifest.get('format')!r}; this release reads {FORMAT}.")
    listed = set(manifest["checksums"])
    present = {path.relative_to(folder).as_posix() for path in folder.rglob("*") if path.is_file()} - {MANIFEST}
    if present != listed:
        extra, missing = sorted(present - listed), sorted(listed - present)
        raise BackupError(f"{source} does not match its manifest (missing: {missing[:5]}, unlisted: {extra[:5]}).")
    for name, expected in manifest["checksums"].items():
        if _sha256(folder / name) != expected:
            raise BackupError(f"{source} is damaged: the checksum of {name} does not match the manifest.")
    return manifest


def _open_archive(source: Path) -> tarfile.TarFile:
    try:
        return tarfile.open(source, "r:gz")
    except (OSError, tarfile.TarError) as error:
        raise BackupError(f"{source} cannot be read as a backup archive: {error}") from error


def _check_migrations(archived: dict) -> int:
    """Refuses a backup from a newer release; returns how many migrations the restored database still needs."""
    known = set(MigrationLoader(None, ignore_no_migrations=True).disk_migrations)
    archived_keys = {(app, name) for app, names in archived.items() for name in names}
    unknown = sorted(archived_keys - known)
    if unknown:
        raise BackupError("The backup was made by a newer release (it has migrations this code does not know, for "
                          f"example {unknown[0][0]}.{unknown[0][1]}). Install that release first, then restore.")
    return len(known - archived_keys)


def _load_sqlite(using: str, database_file: Path) -> None:
    connection = connections[using]
    connection.close()
    connection.ensure_connection()
    backup = sqlite3.connect(database_file)
    try:
        backup.backup(connection.connection, pages=-1)  # replaces every page of the target: schema and rows
    finally:
        backup.close()
        connection.close()


def _load_postgres(using: str, database_file: Path, *, clean: bool) -> None:
    connections[using].close()
    options = ["--no-owner", "--no-privileges", "--exit-on-error", "--single-transaction"]
    if clean:
        options += ["--clean", "--if-exists"]
    _run_postgres_tool("pg_restore", using, [*options, f"--dbname={connections[using].settings_dict['NAME']}",
                                             str(database_file)])


def _restore_media(unpacked_media: Path, media_root: Path) -> int:
    if media_root.exists():
        for child in media_root.iterdir():
            if child.is_dir() and not child.is_symlink():
                shutil.rmtree(child)
            else:
                child.unlink()
    media_root.mkdir(parents=True, exist_ok=True)
    if not unpacked_media.exists():
        return 0
    shutil.copytree(unpacked_media, media_root, dirs_exist_ok=True)
    return sum(1 for path in media_root.rglob("*") if path.is_file())


# -- shared helpers ------------------------------------------------------------------------------------------------

def applied_migrations(using: str = "default") -> dict[str, list[str]]:
    applied: dict[str, list[str]] = {}
    for app, name in sorted(MigrationRecorder(connections[using]).applied_migrations()):
        applied.setdefault(app, []).append(name)
    return applied


def find_postgres_tool(name: str) -> str:
    """The path of pg_dump or pg_restore: on PATH, else in the usual install folders (newest version first)."""
    found = shutil.which(name)
    if found:
        return found
    candidates = []
    for pattern in POSTGRES_BIN_DIRS:
        candidates += [path / name for path in sorted(Path("/").glob(pattern.lstrip("/")), reverse=True)]
    for candidate in candidates:
        if candidate.is_file() and os.access(candidate, os.X_OK):
            return str(candidate)
    raise BackupError(f"{name} was not found. Install the PostgreSQL client programs in the version of the server "
                      "or newer (Debian/Ubuntu: apt install postgresql-client) and put them on PATH.")


def _run_postgres_tool(name: str, using: str, arguments: list[str]) -> None:
    command = [find_postgres_tool(name), *arguments]
    result = subprocess.run(command, env=_postgres_environment(using), capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise BackupError(f"{name} failed (exit status {result.returncode}): {result.stderr.strip()[-2000:]}")


def _postgres_environment(using: str) -> dict[str, str]:
    database = connections[using].settings_dict
    variables = {"PGHOST": database.get("HOST"), "PGPORT": database.get("PORT"), "PGUSER": database.get("USER"),
                 "PGPASSWORD": database.get("PASSWORD"), "PGDATABASE": database.get("NAME"),
                 "PGSSLMODE": (database.get("OPTIONS") or {}).get("sslmode")}
    return {**os.environ, **{key: str(value) for key, value in variables.items() if value}}


def _vendor(using: str) -> str:
    vendor = connections[using].vendor
    if vendor not in DATABASE_FILES:
        raise BackupError(f"Backups support SQLite and PostgreSQL, not {vendor}.")
    return vendor


def _server_version(using: str) -> str:
    connection = connections[using]
    if connection.vendor == "sqlite":
        return sqlite3.sqlite_version
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        return cursor.fetchone()[0]


def _database_label(using: str) -> str:
    return str(connections[using].settings_dict["NAME"])


def _media_root() -> Path:
    if not isinstance(default_storage, FileSystemStorage):
        raise BackupError("The uploads are in an object store (S3_BUCKET), not in MEDIA_ROOT: back the bucket up "
                          "with its own versioning or replication (docs/operations.md) and pass --no-media to back "
                          "up or restore the database alone.")
    return Path(settings.MEDIA_ROOT)


def _has_files(folder: Path) -> bool:
    return folder.exists() and any(path.is_file() for path in folder.rglob("*"))


def _app_version() -> str:
    try:
        return metadata.version("offene-kommune")
    except metadata.PackageNotFoundError:
        return "unknown"


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1024 * 1024), b""):
            digest.update(block)
    return digest.hexdigest()


def _add_bytes(archive: tarfile.TarFile, name: str, data: bytes) -> None:
    info = tarfile.TarInfo(name)
    info.size = len(data)
    info.mtime = int(timezone.now().timestamp())
    info.mode = 0o644
    archive.addfile(info, fileobj=io.BytesIO(data))
