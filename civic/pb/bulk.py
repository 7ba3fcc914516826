"""Bulk writes of ballot rows, the fast path of a ballot import (see ``docs/performance.md``).

On the session's connection, inside its transaction: the caller's rollback still undoes them.
"""

from __future__ import annotations

import contextlib
import datetime as dt

from civic.extensions import db
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
