"""Backup and restore of the whole database.

SQLite uses the online backup API (consistent while the app runs); PostgreSQL uses
``pg_dump --format=custom`` and ``pg_restore --clean``. A backup file says which it is by its
first bytes, and a restore into the other kind of database is refused.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import tempfile
from pathlib import Path

from sqlalchemy.engine import make_url

SQLITE_MAGIC = b"SQLite format 3\x00"
PGDUMP_MAGIC = b"PGDMP"


class BackupError(RuntimeError):
    """A backup or restore that could not be done; the message is Ukrainian."""


def _libpq_url(url: str) -> str:
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


def _sqlite_path(url: str) -> Path:
    database = make_url(url).database
    if not database or database == ":memory:":
        raise BackupError("резервне копіювання бази в пам'яті неможливе")
    return Path(database)


def _tool(name: str) -> str:
    found = shutil.which(name)
    if found:
        return found
    for candidate in sorted(Path("/usr/lib/postgresql").glob(f"*/bin/{name}"), reverse=True):
        return str(candidate)
    raise BackupError(f"не знайдено програму {name} (встановіть клієнт PostgreSQL)")


def backup_database(url: str, out: Path) -> int:
    """Write a backup of the database at ``url`` to ``out`` atomically; returns its size."""
    out = Path(out)
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp_name = tempfile.mkstemp(prefix=".civic-backup-", dir=out.parent)
    except OSError as exc:
        raise BackupError(
            f"не вдалося записати резервну копію {out}: {exc.strerror or exc}"
        ) from exc
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        if make_url(url).get_backend_name() == "sqlite":
            source = sqlite3.connect(_sqlite_path(url))
            target = sqlite3.connect(tmp)
            try:
                source.backup(target)
            finally:
                target.close()
                source.close()
        else:
            result = subprocess.run(
                [
                    _tool("pg_dump"),
                    "--format=custom",
                    "--no-owner",
                    "--no-privileges",
                    f"--file={tmp}",
                    f"--dbname={_libpq_url(url)}",
                ],
                capture_output=True,
                text=True,
                timeout=3600,
            )
            if result.returncode != 0:
                raise BackupError(f"pg_dump завершився з помилкою: {result.stderr.strip()[-500:]}")
        os.replace(tmp, out)
    except OSError as exc:
        raise BackupError(
            f"не вдалося записати резервну копію {out}: {exc.strerror or exc}"
        ) from exc
    finally:
        tmp.unlink(missing_ok=True)
    return out.stat().st_size


def restore_database(url: str, source: Path) -> None:
    """Replace the database at ``url`` with the backup in ``source``."""
    source = Path(source)
    try:
        with source.open("rb") as handle:
            head = handle.read(16)
    except OSError as exc:
        raise BackupError(f"не вдалося прочитати файл {source}: {exc.strerror or exc}") from exc
    is_sqlite = make_url(url).get_backend_name() == "sqlite"
    if head.startswith(SQLITE_MAGIC):
        if not is_sqlite:
            raise BackupError("це резервна копія SQLite, а поточна база — PostgreSQL")
        backup = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
        live = sqlite3.connect(_sqlite_path(url))
        try:
            backup.backup(live)
        finally:
            live.close()
            backup.close()
    elif head.startswith(PGDUMP_MAGIC):
        if is_sqlite:
            raise BackupError("це резервна копія PostgreSQL (pg_dump), а поточна база — SQLite")
        result = subprocess.run(
            [
                _tool("pg_restore"),
                "--clean",
                "--if-exists",
                "--no-owner",
                "--no-privileges",
                "--single-transaction",
                f"--dbname={_libpq_url(url)}",
                str(source),
            ],
            capture_output=True,
            text=True,
            timeout=3600,
        )
        if result.returncode != 0:
            raise BackupError(f"pg_restore завершився з помилкою: {result.stderr.strip()[-500:]}")
    else:
        raise BackupError(f"файл {source} не є резервною копією civic (SQLite або pg_dump)")
