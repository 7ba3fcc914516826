"""SQLite's writers queue on the process's writer lock (civic.database.WriterConnection)."""

import sqlite3
import threading

import pytest

from civic import database
from civic.database import WRITER_LOCK, WriterConnection, engine_options


def _connect(path) -> WriterConnection:
    return sqlite3.connect(path, factory=WriterConnection, check_same_thread=False)


def test_sqlite_engines_get_writer_connections_and_postgresql_does_not():
    sqlite = engine_options("sqlite:////tmp/x.sqlite", {"pool_pre_ping": True})
    assert sqlite["connect_args"]["factory"] is WriterConnection
    assert sqlite["pool_pre_ping"] is False
    assert "connect_args" not in engine_options("postgresql+psycopg://h/db", {})


@pytest.mark.parametrize("end", ["commit", "rollback", "close"])
def test_the_lock_is_held_from_the_first_write_to_the_end_of_the_transaction(tmp_path, end):
    connection = _connect(tmp_path / "db.sqlite")
    connection.execute("CREATE TABLE t (x)")
    connection.commit()
    connection.take_writer_lock()
    assert connection.holds_writer_lock and WRITER_LOCK.locked()
    connection.execute("INSERT INTO t VALUES (1)")
    getattr(connection, end)()
    assert not connection.holds_writer_lock and not WRITER_LOCK.locked()


def test_a_second_writer_waits_for_the_first_commit_then_writes(tmp_path):
    path = tmp_path / "db.sqlite"
    first, second = _connect(path), _connect(path)
    first.execute("CREATE TABLE t (x)")
    first.commit()
    first.take_writer_lock()
    first.execute("INSERT INTO t VALUES (1)")
    wrote = threading.Event()

    def write_second():
        second.take_writer_lock()
        second.execute("INSERT INTO t VALUES (2)")
        second.commit()
        wrote.set()

    thread = threading.Thread(target=write_second)
    thread.start()
    assert not wrote.wait(0.2)  # queued on the lock, not failing with "database is locked"
    first.commit()
    thread.join(10)
    assert wrote.is_set()
    assert sorted(r[0] for r in first.execute("SELECT x FROM t")) == [1, 2]
    assert not WRITER_LOCK.locked()


def test_the_session_takes_the_lock_for_a_write_and_gives_it_back_on_commit(app):
    from sqlalchemy import text

    from civic.extensions import db

    if db.engine.dialect.name != "sqlite":
        assert not isinstance(
            db.session.connection().connection.dbapi_connection, sqlite3.Connection
        )
        return
    db.session.execute(text("SELECT 1"))
    raw = db.session.connection().connection.dbapi_connection
    assert not raw.holds_writer_lock  # reading takes nothing
    db.session.execute(text("UPDATE petitions SET title = title WHERE id = -1"))
    assert raw.holds_writer_lock
    db.session.commit()
    assert not raw.holds_writer_lock and not WRITER_LOCK.locked()
    db.session.execute(text("DELETE FROM petitions WHERE id = -1"))
    db.session.rollback()
    assert not WRITER_LOCK.locked()


def test_parallel_request_writers_all_commit(app_factory, tmp_path):
    """Eight threads of one process writing at once: every write lands, none is refused."""
    from sqlalchemy import text

    from civic.extensions import db

    app = app_factory()
    with app.app_context():
        db.session.execute(text("CREATE TABLE writer_test (n INTEGER)"))
        db.session.commit()
    errors = []

    def write(n):
        try:
            with app.app_context():
                for i in range(20):
                    db.session.execute(
                        text("INSERT INTO writer_test VALUES (:n)"), {"n": n * 100 + i}
                    )
                    db.session.commit()
        except Exception as exc:  # pragma: no cover - the failure is what the test reports
            errors.append(exc)

    threads = [threading.Thread(target=write, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert errors == []
    with app.app_context():
        assert db.session.execute(text("SELECT count(*) FROM writer_test")).scalar() == 160
    assert not database.WRITER_LOCK.locked()
