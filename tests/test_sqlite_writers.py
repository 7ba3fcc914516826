"""SQLite's writers queue at the file's writer gate (civic.database.WriterGate), within a
process and across processes."""

import multiprocessing
import sqlite3
import threading

import pytest

from civic.database import WriterConnection, engine_options, writer_gate


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
    gate = writer_gate(str(tmp_path / "db.sqlite"))
    assert connection.holds_writer_lock and gate.lock.locked()
    connection.execute("INSERT INTO t VALUES (1)")
    getattr(connection, end)()
    assert not connection.holds_writer_lock and not gate.lock.locked()


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
    assert not writer_gate(str(path)).lock.locked()


def _write_in_another_process(path: str, started, queue) -> None:
    connection = _connect(path)
    started.set()
    connection.take_writer_lock()  # waits for the parent's commit: the file lock
    connection.execute("INSERT INTO t VALUES (2)")
    connection.commit()
    queue.put([r[0] for r in connection.execute("SELECT x FROM t ORDER BY x")])


def test_a_writer_of_another_process_waits_at_the_file_lock(tmp_path):
    path = str(tmp_path / "db.sqlite")
    first = _connect(path)
    first.execute("CREATE TABLE t (x)")
    first.commit()
    first.take_writer_lock()
    first.execute("INSERT INTO t VALUES (1)")
    context = multiprocessing.get_context("spawn")
    started, queue = context.Event(), context.Queue()
    child = context.Process(target=_write_in_another_process, args=(path, started, queue))
    child.start()
    assert started.wait(30)
    child.join(0.3)
    assert child.is_alive()  # waiting at the gate, not failing with "database is locked"
    first.commit()
    assert queue.get(timeout=30) == [1, 2]  # it saw the first commit: it wrote after it
    child.join(30)
    assert child.exitcode == 0


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
    assert not raw.holds_writer_lock and not raw.gate.lock.locked()
    db.session.execute(text("DELETE FROM petitions WHERE id = -1"))
    db.session.rollback()
    assert not raw.gate.lock.locked()


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
    assert not any(gate.lock.locked() for gate in _gates())


def _gates():
    from civic import database

    return list(database._GATES.values())
