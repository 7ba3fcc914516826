"""Engine settings that depend on the database: SQLite pragmas (WAL, foreign keys)."""

from __future__ import annotations

import datetime as dt
import fcntl
import functools
import os
import sqlite3
import threading
import time

from flask import Flask
from flask_sqlalchemy.pagination import SelectPagination
from sqlalchemy import DateTime, Integer, String, bindparam, event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Mapped, mapped_column
from sqlalchemy.types import TypeDecorator


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.close()


class WriterGate:
    """One SQLite file's writers queue here: this process's threads on a lock, then the
    processes on an advisory lock (``flock``) of a file beside the database.

    SQLite runs one writer at a time; a writer that finds the database taken sleeps in SQLite's
    busy handler (1, 2, 5, 10... ms) and tries again, so under load writers mostly slept while
    the database was free. Here each goes on within a fraction of a millisecond of the previous
    commit. Both waits are bounded by the busy timeout; past it SQLite's own lock decides, as
    without the gate. The gate only orders writers: SQLite still enforces the single writer.
    """

    def __init__(self, path: str) -> None:
        self.lock = threading.Lock()
        self.path = f"{path}-writer"
        self.fd: int | None = None

    def acquire(self) -> bool:
        deadline = time.monotonic() + WRITER_LOCK_TIMEOUT
        if not self.lock.acquire(timeout=WRITER_LOCK_TIMEOUT):
            return False
        if self.fd is None:
            try:
                self.fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
            except OSError:
                return True  # a read-only folder: this process's threads still queue
        delay = 0.0001
        while True:
            try:
                fcntl.flock(self.fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                return True
            except BlockingIOError:
                if time.monotonic() > deadline:
                    self.lock.release()
                    return False
                time.sleep(delay)
                delay = min(2 * delay, 0.001)

    def release(self) -> None:
        try:
            if self.fd is not None:
                fcntl.flock(self.fd, fcntl.LOCK_UN)
        finally:
            self.lock.release()


_GATES: dict[tuple[int, str], WriterGate] = {}
_GATES_LOCK = threading.Lock()


def writer_gate(path: str) -> WriterGate:
    """The gate of the database file ``path`` in this process (a forked child gets its own:
    an inherited ``flock`` would be shared with the parent)."""
    key = (os.getpid(), os.path.abspath(path))
    with _GATES_LOCK:
        gate = _GATES.get(key)
        if gate is None:
            gate = _GATES[key] = WriterGate(key[1])
        return gate


class WriterConnection(sqlite3.Connection):
    """A SQLite connection whose write transactions pass the file's ``WriterGate`` first (from
    the first statement that writes to the commit or rollback that ends the transaction)."""

    gate: WriterGate | None = None
    holds_writer_lock = False

    def __init__(self, database, *args, **kwargs) -> None:
        super().__init__(database, *args, **kwargs)
        name = os.fspath(database)
        if name and name != ":memory:" and not name.startswith("file:"):
            self.gate = writer_gate(name)

    def take_writer_lock(self) -> None:
        if not self.holds_writer_lock and self.gate is not None:
            self.holds_writer_lock = self.gate.acquire()

    def _release_writer_lock(self) -> None:
        if self.holds_writer_lock:
            self.holds_writer_lock = False
            self.gate.release()

    def commit(self) -> None:
        try:
            super().commit()
        finally:
            self._release_writer_lock()

    def rollback(self) -> None:
        try:
            super().rollback()
        finally:
            self._release_writer_lock()

    def close(self) -> None:
        try:
            super().close()
        finally:
            self._release_writer_lock()


WRITER_LOCK_TIMEOUT = 10.0  # seconds, as the busy timeout
_WRITES = ("INSERT", "UPDATE", "DELETE", "REPLACE")


def _take_writer_lock(conn, _cursor, statement, _parameters, context, _executemany) -> None:
    """Before a statement that writes (pysqlite opens the transaction right before it)."""
    dbapi_connection = conn.connection.dbapi_connection
    if (
        isinstance(dbapi_connection, WriterConnection)
        and not dbapi_connection.holds_writer_lock
        and statement.lstrip()[:7].upper().startswith(_WRITES)
    ):
        dbapi_connection.take_writer_lock()


def engine_options(database_url: str, options: dict) -> dict:
    """The engine options for this database: a SQLite file never drops a pooled connection, so
    its requests skip the ``pool_pre_ping`` round (PostgreSQL keeps it: a restarted server);
    its connections queue this process's writers (``WriterConnection``)."""
    if database_url.startswith("sqlite"):
        connect_args = {**options.get("connect_args", {}), "factory": WriterConnection}
        return {**options, "pool_pre_ping": False, "connect_args": connect_args}
    return options


def init_app(app: Flask) -> None:
    from civic.extensions import db

    with app.app_context():
        engine: Engine = db.engine
        if engine.dialect.name == "sqlite":
            event.listen(engine, "connect", _sqlite_pragmas)
            event.listen(engine, "before_cursor_execute", _take_writer_lock)


def is_postgresql() -> bool:
    from civic.extensions import db

    return db.engine.dialect.name == "postgresql"


def upsert(table):
    """``INSERT`` with ``ON CONFLICT`` clauses for the session's database (PostgreSQL or
    SQLite, the two civic runs on)."""
    from civic.extensions import db

    if db.session.get_bind().dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    return insert(table)


def bound_values(table, names) -> dict:
    """``{name: bindparam(name)}`` for these columns of ``table``, typed as the columns: the
    VALUES of an INSERT built once (``built_once``), the values passed to ``execute``."""
    from sqlalchemy import bindparam

    return {name: bindparam(name, type_=table.c[name].type) for name in names}


def built_once(build):
    """Memoise a function that builds a statement with bound parameters, per database dialect:
    a hot statement is then built and given its SQL cache key once per process, not on every
    request (the caller passes the values to ``execute``)."""
    from civic.extensions import db

    built: dict[str, object] = {}

    @functools.wraps(build)
    def statement():
        dialect = db.session.get_bind().dialect.name
        found = built.get(dialect)
        if found is None:
            found = built[dialect] = build()
        return found

    return statement


class UTCDateTime(TypeDecorator):
    """A timestamp that is always an aware UTC ``datetime`` in Python, on SQLite and PostgreSQL.

    SQLite keeps no offset, so values are stored as naive UTC there and given back with
    ``tzinfo=UTC``; naive values are refused on the way in, as a programming error.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTCDateTime column")
        value = value.astimezone(dt.UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=dt.UTC)
        return value.astimezone(dt.UTC)


class Identified:
    """The surrogate key most civic tables have: an integer ``id`` primary key."""

    id: Mapped[int] = mapped_column(Integer, primary_key=True)


def utcnow() -> dt.datetime:
    """The current time, aware UTC. Only shells (views, CLI, services) read the clock.

    Legal dates are ``civic.kyiv.today(database.utcnow())``; called through the module like
    that, a test can freeze the clock with ``monkeypatch.setattr("civic.database.utcnow", ...)``.
    """
    return dt.datetime.now(dt.UTC)


class RowPagination(SelectPagination):
    """``db.paginate`` for a select of columns: the items are rows (named tuples), not ORM
    objects, for long public lists where building entities would cost most of the page. A
    ``total`` known from elsewhere (a maintained counter) spares the count query."""

    def __init__(self, *, total: int | None = None, **kwargs) -> None:
        self._known_total = total
        super().__init__(**kwargs)

    def _query_items(self) -> list:
        select = self._query_args["select"].limit(self.per_page).offset(self._query_offset)
        return list(self._query_args["session"].execute(select).all())

    def _query_count(self) -> int:
        if self._known_total is not None:
            return self._known_total
        return super()._query_count()


def paginate_rows(select, *, page: int, per_page: int, total: int | None = None):
    from civic.extensions import db

    return RowPagination(
        select=select,
        session=db.session(),
        page=page,
        per_page=per_page,
        error_out=False,
        total=total,
    )


class WindowCounter:
    """The columns every fixed-window counter shares besides its parent and ``key``: what the
    key is (``kind``), the window's length and start (Unix seconds), and the attempts in it.
    Used with :func:`count_in_window`."""

    kind: Mapped[str] = mapped_column(String(10))
    seconds: Mapped[int] = mapped_column(Integer)
    window_start: Mapped[int] = mapped_column(Integer)
    count: Mapped[int] = mapped_column(Integer, default=0)


def count_in_window(table, seconds: int, window_start: int, **keys) -> int:
    """Add one to the ``count`` of a fixed-window counter (``keys`` and the window are every
    column of ``table``'s primary key) in one upsert, so parallel requests of every worker
    queue on the row; returns the new count (rate limits: petition signing, the ballot check).
    The statement is built once per table, key columns and dialect (bound parameters).
    """
    from civic.extensions import db

    row = {**keys, "seconds": seconds, "window_start": window_start}
    dialect = db.session.get_bind().dialect.name
    shape = (table.name, tuple(row), dialect)
    statement = _COUNTERS.get(shape)
    if statement is None:
        statement = _COUNTERS[shape] = (
            upsert(table)
            .values({**{name: bindparam(name) for name in row}, "count": 1})
            .on_conflict_do_update(index_elements=list(row), set_={"count": table.c.count + 1})
            .returning(table.c.count)
        )
    return int(db.session.execute(statement, row).scalar_one())


_COUNTERS: dict[tuple, object] = {}  # count_in_window's upserts by (table, columns, dialect)
