"""Faults (issue 8, point 5): an import killed midway, and the database going away.

* A real ``civic pb ballots import`` process is killed with SIGKILL once its progress bar shows
  that rows are being inserted; the database is then exactly as before (every table compared),
  holds no lock, and the same import runs again to completion. Both databases.
* The database server stops under a running app (a real HTTP server thread): ``/healthz`` answers
  503 in JSON and the pages a Ukrainian 503 page; when the server is back, the same app answers
  200 again without a restart. On SQLite the analogue is the database's folder (a volume) being
  absent, then mounted back.
"""

from __future__ import annotations

import json
import os
import pty
import re
import select
import shutil
import signal
import sqlite3
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from sqlalchemy import func, text
from sqlalchemy import select as sa_select
from werkzeug.serving import make_server

from civic import create_app
from civic.extensions import db
from tests.conftest import BACKENDS, REPO_ROOT, _migrate, base_config, start_postgres
from tests.support.snapshot import snapshot

EXAMPLES = REPO_ROOT / "docs" / "examples"
BALLOTS = 100_000
HEADER = (
    "Номер бюлетеня;Канал;Дата голосування;ПІБ;Дата народження;Документ;Населений пункт;Проєкти"
)


def _ballots_file(path: Path) -> Path:
    with path.open("w", encoding="utf-8") as handle:
        handle.write(HEADER + "\n")
        for i in range(1, BALLOTS + 1):
            handle.write(f"{i};онлайн;11.11.2020;Особа {i};01.02.1990;{i:09d};Ніжин;М-01, В-01\n")
    return path


def _cli_env(database_url: str, instance: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("CIVIC_")}
    env.update(
        CIVIC_INSTANCE_PATH=str(instance),
        CIVIC_DATABASE_URL=database_url,
        CIVIC_PERSONAL_DATA_KEY="test-personal-data-key",
        CIVIC_SECRET_KEY="test-secret",
    )
    return env


def _kill_when_progressing(args: list[str], env: dict[str, str]) -> str:
    """Run a CLI command with stderr on a terminal (so click draws its progress bar), SIGKILL it
    as soon as the bar shows a percentage above 0, and return what it had printed."""
    master, slave = pty.openpty()
    proc = subprocess.Popen(
        args, cwd=REPO_ROOT, env=env, stdout=subprocess.PIPE, stderr=slave, stdin=subprocess.DEVNULL
    )
    os.close(slave)
    seen = b""
    deadline = time.monotonic() + 120
    try:
        while time.monotonic() < deadline:
            ready, _, _ = select.select([master], [], [], 1)
            if not ready:
                if proc.poll() is not None:
                    break
                continue
            try:
                chunk = os.read(master, 4096)
            except OSError:  # the child closed the terminal
                break
            if not chunk:
                break
            seen += chunk
            percents = [int(p) for p in re.findall(rb"(\d+)%", seen)]
            if any(0 < p < 100 for p in percents):
                proc.send_signal(signal.SIGKILL)
                break
        proc.wait(timeout=60)
    finally:
        os.close(master)
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    stdout = proc.stdout.read().decode("utf-8", "replace")
    proc.stdout.close()
    assert proc.returncode == -signal.SIGKILL, (proc.returncode, seen[-500:], stdout)
    assert "імпортовано" not in stdout  # killed before the commit
    return seen.decode("utf-8", "replace")


def _no_other_sessions(database_url: str) -> None:
    """PostgreSQL: wait until the killed client's backend is gone, then check no lock is left."""
    name = database_url.rsplit("/", 1)[1]
    deadline = time.monotonic() + 30
    while True:
        others = db.session.scalar(
            text(
                "SELECT count(*) FROM pg_stat_activity "
                "WHERE datname = :name AND pid <> pg_backend_pid()"
            ),
            {"name": name},
        )
        db.session.rollback()
        if others == 0:
            break
        assert time.monotonic() < deadline, f"{others} sessions still open on {name}"
        time.sleep(0.05)
    locks = db.session.scalar(
        text(
            "SELECT count(*) FROM pg_locks l JOIN pg_database d ON d.oid = l.database "
            "WHERE d.datname = :name AND l.pid <> pg_backend_pid()"
        ),
        {"name": name},
    )
    db.session.rollback()
    assert locks == 0


def _sqlite_sound(database_url: str) -> None:
    """SQLite: the file opens, is intact after the WAL recovery, and takes a write lock at once."""
    path = database_url.removeprefix("sqlite:///")
    conn = sqlite3.connect(path, timeout=0)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        conn.execute("BEGIN IMMEDIATE")
        conn.execute("ROLLBACK")
    finally:
        conn.close()


def _kill_check_rerun(command: list[str], env: dict[str, str], database_url: str, label: str):
    """SIGKILL ``command`` while its progress bar moves; the database must then be exactly as
    ``before`` (taken by the caller), hold no lock, and the same command must succeed. Returns
    the re-run's stdout and the snapshot taken before."""
    db.session.remove()
    before = snapshot()
    db.engine.dispose()
    printed = _kill_when_progressing(command, env)
    assert label in printed
    if database_url.startswith("sqlite"):
        _sqlite_sound(database_url)
    else:
        _no_other_sessions(database_url)
    assert snapshot() == before
    rerun = subprocess.run(command, cwd=REPO_ROOT, env=env, capture_output=True, timeout=300)
    assert rerun.returncode == 0, rerun.stderr.decode()[-2000:]
    db.session.remove()
    return rerun.stdout.decode(), before


def test_import_killed_midway_changes_nothing_and_can_be_rerun(app, database_url, tmp_path):
    from civic.pb import imports, services
    from civic.pb.models import Ballot, ImportedFile

    services.save_edition((EXAMPLES / "pb-edition.toml").read_text(encoding="utf-8"))
    edition = services.get_edition("gb-2021")
    imports.import_projects(edition, (EXAMPLES / "pb-projects.csv").read_bytes(), "pb-projects.csv")
    db.session.commit()

    ballots = _ballots_file(tmp_path / "ballots.csv")
    env = _cli_env(database_url, tmp_path / "instance")
    command = [sys.executable, "-m", "civic", "pb", "ballots", "import", "--edition", "gb-2021"]
    output, before = _kill_check_rerun(
        [*command, str(ballots)], env, database_url, "Імпорт бюлетенів"
    )
    assert f"Бюлетенів імпортовано: {BALLOTS}" in output
    assert db.session.scalar(sa_select(func.count()).select_from(Ballot)) == BALLOTS
    assert db.session.scalar(sa_select(func.count()).select_from(ImportedFile)) == 2
    after = snapshot()
    changed = {name for name in before if after[name] != before[name]}
    # The edition keeps the digest of its ballots' fixed columns (pb_editions.ballots_digest),
    # and the import's count its groups (pb_count_states, docs/decisions/0003-count-state.md).
    assert changed == {
        "pb_ballots",
        "pb_imported_files",
        "audit_events",
        "pb_editions",
        "pb_count_states",
    }
    assert services.get_edition("gb-2021").ballots_digest


def _pabulib_file(path: Path) -> Path:
    with path.open("w", encoding="utf-8") as handle:
        handle.write(
            "META\nkey;value\ndescription;Згенерований файл\ncountry;Ukraine\nunit;Ніжин\n"
            f"instance;2021\nnum_projects;3\nnum_votes;{BALLOTS}\nbudget;1000000\n"
            "vote_type;approval\nrule;greedy\nmin_length;1\nmax_length;2\n"
            "PROJECTS\nproject_id;cost;name\n1;400000;Сквер\n2;300000;Стадіон\n3;500000;Парк\n"
            "VOTES\nvoter_id;vote\n"
        )
        for i in range(1, BALLOTS + 1):
            handle.write(f"{i};{1 + i % 3},{1 + (i + 1) % 3}\n")
    return path


def test_pabulib_import_killed_midway_changes_nothing_and_can_be_rerun(app, database_url, tmp_path):
    """`civic pb import-pb` creates a whole edition in one transaction: killed while its votes
    go in, it leaves no edition, no project, no vote, and the same command then succeeds."""
    from civic.pb.models import Ballot, Edition

    source = _pabulib_file(tmp_path / "generated.pb")
    env = _cli_env(database_url, tmp_path / "instance")
    command = [sys.executable, "-m", "civic", "pb", "import-pb", "--edition", "gen-2021"]
    _kill_check_rerun([*command, str(source)], env, database_url, "Імпорт голосів")
    assert db.session.scalar(sa_select(func.count()).select_from(Edition)) == 1
    assert db.session.scalar(sa_select(func.count()).select_from(Ballot)) == BALLOTS


# ---------------------------------------------------------------- the database going away


class Served:
    """The app behind a real HTTP server in a thread, as gunicorn would serve it."""

    def __init__(self, app) -> None:
        self.server = make_server("127.0.0.1", 0, app, threaded=True)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def get(self, path: str) -> tuple[int, str, str]:
        try:
            with urllib.request.urlopen(self.url + path, timeout=60) as response:
                return response.status, response.headers["Content-Type"], response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.headers["Content-Type"], error.read().decode()

    def stop(self) -> None:
        self.server.shutdown()
        self.thread.join(timeout=10)


def _served_app(url: str, instance: Path):
    # Errors are handled as in production (no propagation to the test).
    app = create_app(
        base_config(SQLALCHEMY_DATABASE_URI=url, PROPAGATE_EXCEPTIONS=False),
        instance_path=instance,
    )
    return app


def _assert_up(served: Served) -> None:
    status, kind, body = served.get("/healthz")
    assert (status, json.loads(body)) == (200, {"status": "ok", "database": "ok"}), body
    status, kind, body = served.get("/petitions")
    assert status == 200 and kind.startswith("text/html"), (status, body[:300])


def _assert_down(served: Served) -> None:
    status, kind, body = served.get("/healthz")
    assert status == 503 and kind == "application/json"
    assert json.loads(body) == {"status": "error", "database": "unreachable"}
    status, kind, body = served.get("/petitions")
    assert status == 503 and kind.startswith("text/html"), (status, body[:300])
    assert "Сервіс тимчасово недоступний" in body
    assert "База даних тимчасово недоступна" in body
    assert "Traceback" not in body and "OperationalError" not in body


@pytest.fixture
def own_pg_server():
    """A PostgreSQL server of this test alone: the test stops and restarts it."""
    server = start_postgres()
    yield server
    server.stop()


@pytest.mark.skipif("postgresql" not in BACKENDS, reason="CIVIC_TEST_BACKENDS excludes PostgreSQL")
def test_postgresql_going_away_gives_503_and_the_app_recovers(own_pg_server, tmp_path):
    own_pg_server.execute("CREATE DATABASE civic")
    url = own_pg_server.url("civic")
    _migrate(url, tmp_path / "migrate")
    app = _served_app(url, tmp_path / "instance")
    served = Served(app)
    try:
        _assert_up(served)
        own_pg_server.pause()
        _assert_down(served)
        _assert_down(served)  # still a clean answer on the second failure
        own_pg_server.resume()
        _assert_up(served)
        _assert_up(served)
    finally:
        served.stop()
        with app.app_context():
            db.engine.dispose()


def test_sqlite_volume_absent_gives_503_and_the_app_recovers(sqlite_template, tmp_path):
    """The SQLite file lives on a volume that is not mounted, then is: same answers, no restart."""
    volume = tmp_path / "volume"
    url = f"sqlite:///{volume / 'civic.sqlite'}"
    app = _served_app(url, tmp_path / "instance")
    served = Served(app)
    try:
        _assert_down(served)
        assert not volume.exists()  # nothing was created in its place
        volume.mkdir()
        shutil.copyfile(sqlite_template, volume / "civic.sqlite")
        _assert_up(served)
        _assert_up(served)
    finally:
        served.stop()
        with app.app_context():
            db.engine.dispose()
