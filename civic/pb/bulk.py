"""Bulk writes of ballot rows, the fast path of a ballot import (see ``docs/performance.md``).

On the session's connection, inside its transaction: the caller's rollback still undoes them.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools

from civic.extensions import db
from civic.gc_pause import gc_paused
from civic.pb.models import Ballot

IMPORT_CACHE_KIB = -131_072  # SQLite's page cache during a ballot import: 128 MiB

BALLOT_INSERT_COLUMNS = (
    "edition_id",
    "ballot_id",
    "channel",
    "source",
    "cast_on",
    "full_name",
    "has_name",
    "birth_date",
    "voter_hash",
    "settlement",
    "address",
    "projects",
    "import_id",
    "reason",
    "check_hash",
    "frozen_reason",
    "codes_key",
)


class BallotWriter:
    """Bulk insert of ballot rows (tuples in :data:`BALLOT_INSERT_COLUMNS` order) on the
    session's connection, inside its transaction: ``COPY`` on PostgreSQL, the DBAPI's
    ``executemany`` on SQLite (SQLAlchemy's per-parameter processing would double the time of
    a million-row import).  Dates go to SQLite as ISO text, as SQLAlchemy stores them."""

    def __init__(self, connection) -> None:
        self.postgresql = connection.dialect.name == "postgresql"
        self.dbapi = connection.connection.dbapi_connection
        names = ", ".join(BALLOT_INSERT_COLUMNS)
        if self.postgresql:
            self.sql = f"COPY {Ballot.__tablename__} ({names}) FROM STDIN"
        else:
            marks = ", ".join("?" * len(BALLOT_INSERT_COLUMNS))
            self.sql = f"INSERT INTO {Ballot.__tablename__} ({names}) VALUES ({marks})"

    def write(self, rows: list[tuple]) -> None:
        cursor = self.dbapi.cursor()
        try:
            if self.postgresql:
                with cursor.copy(self.sql) as copy:
                    for row in rows:
                        copy.write_row(row)
            else:
                iso = dt.date.isoformat
                cursor.executemany(
                    self.sql,
                    [
                        (*r[:4], r[4] and iso(r[4]), *r[5:7], r[7] and iso(r[7]), *r[8:])
                        for r in rows
                    ],
                )
        finally:
            cursor.close()


BULK_ROWS = 50_000  # an import of more lines rebuilds the secondary indexes (SQLite)


def bulk_import(function):
    """A ballot import's surroundings: the garbage collector paused (:func:`gc_paused`), a
    bigger SQLite page cache and, for a big file, the indexes built once at the end."""

    @functools.wraps(function)
    def wrapper(edition, data: bytes, *args, **kwargs):
        with gc_paused(), import_cache(), indexes_rebuilt(data.count(b"\n") + 1):
            return function(edition, data, *args, **kwargs)

    return wrapper


@contextlib.contextmanager
def indexes_rebuilt(rows: int):
    """For a big import into SQLite (``rows`` lines or more than :data:`BULK_ROWS`): the
    ballots' secondary indexes are dropped and built again at the end (sorting once is several
    times cheaper than a million random inserts into each), in the same transaction, so a
    rollback puts them back as they were.  Not on PostgreSQL: ``DROP INDEX`` would lock the
    table for every reader meanwhile, and ``COPY`` is fast enough."""
    connection = db.session.connection()
    if connection.dialect.name != "sqlite" or rows < BULK_ROWS:
        yield
        return
    indexes = sorted(Ballot.__table__.indexes, key=lambda index: index.name)
    dbapi = connection.connection.dbapi_connection
    if not dbapi.in_transaction:
        # pysqlite opens the transaction only at the first INSERT/UPDATE: a DROP INDEX before
        # it would be committed at once, and a rollback would not bring the index back.
        dbapi.execute("BEGIN")
    for index in indexes:
        index.drop(connection)
    try:
        yield
    finally:
        for index in indexes:
            index.create(connection)


@contextlib.contextmanager
def import_cache():
    """A bigger SQLite page cache for a ballot import only: with the default 2 MiB the
    ballot-id index of a million rows spills to the WAL again and again (a quarter of the
    import's CPU time went to the kernel)."""
    connection = db.session.connection()
    if connection.dialect.name != "sqlite":
        yield
        return
    dbapi = connection.connection.dbapi_connection
    before = int(dbapi.execute("PRAGMA cache_size").fetchone()[0])
    dbapi.execute(f"PRAGMA cache_size={IMPORT_CACHE_KIB}")
    try:
        yield
    finally:
        dbapi.execute(f"PRAGMA cache_size={before}")
