"""Bulk writes of ballot rows, the fast path of a ballot import (see ``docs/performance.md``).

On the session's connection, inside its transaction: the caller's rollback still undoes them.
"""

from __future__ import annotations

import contextlib
import functools
import io
import multiprocessing
import pickle
import traceback
from collections.abc import Generator
from contextvars import ContextVar
from operator import itemgetter

from civic import personal_data
from civic.extensions import db
from civic.gc_pause import gc_paused
from civic.pb import ballots as judging
from civic.pb.digest import BALLOT_COLUMNS
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
    """Bulk insert of ballot rows (a chunk of columns in :data:`BALLOT_INSERT_COLUMNS` order) on the
    session's connection, inside its transaction: ``COPY`` on PostgreSQL, the DBAPI's
    ``executemany`` on SQLite (SQLAlchemy's per-parameter processing would double the time of
    a million-row import).  Dates come as ISO text (as SQLAlchemy stores them in SQLite; COPY's
    text format reads them so too)."""

    def __init__(self, connection, verdict_of=None) -> None:
        # Stored codes → the verdict a count gives them once the frozen checks pass
        # (civic.pb.grouping.codes_verdict), written with each such ballot; the reading
        # process gives the frozen checks alone (the verdict of a ballot that fails one).
        self.verdict_of = verdict_of
        self.verdicts: dict[str, str | None] = {}
        self.postgresql = connection.dialect.name == "postgresql"
        self.dbapi = connection.connection.dbapi_connection
        names = ", ".join(BALLOT_INSERT_COLUMNS)
        if self.postgresql:
            self.sql = f"COPY {Ballot.__tablename__} ({names}) FROM STDIN"
        else:
            marks = ", ".join("?" * len(BALLOT_INSERT_COLUMNS))
            self.sql = f"INSERT INTO {Ballot.__tablename__} ({names}) VALUES ({marks})"

    def write(self, columns: list) -> None:
        if self.verdict_of is not None:
            columns[_REASON] = self._verdicts(columns[_CODES], columns[_KEY], columns[_REASON])
        rows = zip(*columns, strict=True)
        cursor = self.dbapi.cursor()
        try:
            if self.postgresql:
                with cursor.copy(self.sql) as copy:
                    for row in rows:
                        copy.write_row(row)
            else:
                cursor.executemany(self.sql, rows)
        finally:
            cursor.close()

    def _verdicts(self, codes: list, keys: list, frozen: list) -> list:
        # Judged by the codes' key (a million ballots have some 26 000 distinct keys, but ten
        # times as many distinct code lists); a long key is a hash, so its codes are judged. A
        # key is its own key (codes_key), so the one verdict function judges either.
        basis = [c if k[:1] == "," else k for c, k in zip(codes, keys, strict=True)]
        judged = _filled(self.verdicts, basis, self.verdict_of)
        return [check or judged[b] for check, b in zip(frozen, basis, strict=True)]


_REASON = BALLOT_INSERT_COLUMNS.index("reason")
_CODES = BALLOT_INSERT_COLUMNS.index("projects")
_KEY = BALLOT_INSERT_COLUMNS.index("codes_key")
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
    token = _DROPPED.set((connection, indexes))
    try:
        yield
    finally:
        _DROPPED.reset(token)
        _create(connection, indexes)


_DROPPED: ContextVar[tuple | None] = ContextVar("_DROPPED", default=None)


def _create(connection, indexes: list) -> None:
    while indexes:
        indexes.pop(0).create(connection)


def rows_written() -> None:
    """Every row of the import is written: the indexes :func:`indexes_rebuilt` dropped are
    built now (while a reader process still hashes the fixed columns), not at its end."""
    dropped = _DROPPED.get()
    if dropped is not None:
        _create(*dropped)


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


READER_PROCESS_LINES = 50_000  # a file of more lines may be read in a process of its own


def read_ahead(produce: Generator, forked=None) -> Generator:
    """The items and the return value of the generator ``produce``, run in a forked process
    (when this platform forks; else here) while the caller works on the items it has: the
    reading, checking and hashing of a ballot file on the second core while this process
    writes to the database.  The child only computes (it inherits the database connection and
    never touches it, and leaves by ``os._exit``); an exception it raises is raised here (a
    :class:`~civic.pb.services.PbError` as it is), and if it dies, so does the import.
    ``forked`` is called here once the child runs (to let go of what only the child needs)."""
    if "fork" not in multiprocessing.get_all_start_methods():
        return (yield from produce)
    context = multiprocessing.get_context("fork")
    receiver, sender = context.Pipe(duplex=False)
    child = context.Process(target=_send_all, args=(produce, sender, receiver), daemon=True)
    child.start()
    sender.close()
    if forked is not None:
        forked()
    try:
        while True:
            try:
                kind, value = pickle.loads(receiver.recv_bytes())
            except EOFError:
                raise RuntimeError(f"the ballot reader process died ({child.exitcode})") from None
            if kind == "item":
                yield value
            elif kind == "return":
                return value
            elif kind == "raise":
                raise value
            else:
                raise RuntimeError(f"the ballot reader process failed:\n{value}")
    finally:
        receiver.close()
        if child.is_alive():
            child.kill()
        child.join()


def _send_all(produce: Generator, sender, receiver) -> None:
    """In the child of :func:`read_ahead`: each item of ``produce``, then how it ended.  The
    child closes its copy of the reading end first: if the parent dies, the next send fails
    and the child ends too (instead of waiting for ever on a full pipe it reads itself)."""
    receiver.close()
    try:
        while True:
            try:
                item = next(produce)
            except StopIteration as end:
                sender.send_bytes(pickle.dumps(("return", end.value)))
                return
            sender.send_bytes(_dumps(("item", item)))
    except BrokenPipeError:
        return  # the parent is gone: nobody to tell
    except Exception as error:  # noqa: BLE001 - every failure goes back to the parent
        try:
            pickle.loads(message := pickle.dumps(("raise", error)))
            sender.send_bytes(message)
        except Exception:  # noqa: BLE001 - an exception that does not travel: its text does
            sender.send_bytes(pickle.dumps(("failed", traceback.format_exc())))
    finally:
        sender.close()


def _dumps(value) -> bytes:
    """``value`` (plain lists, tuples and scalars) pickled without the memo: each repeated
    string is written again, which costs less than remembering every object of a chunk."""
    buffer = io.BytesIO()
    pickler = pickle.Pickler(buffer, protocol=pickle.HIGHEST_PROTOCOL)
    pickler.fast = True
    pickler.dump(value)
    return buffer.getvalue()


MEMO_LIMIT = 100_000  # distinct texts remembered per memo (a hostile file cannot grow them more)


def _filled(memo: dict, values, compute) -> dict:
    """``memo`` with an entry for each of ``values`` (``compute`` of the missing ones); when it
    would pass :data:`MEMO_LIMIT` it starts again with only these values."""
    missing = set(values).difference(memo)
    if len(memo) + len(missing) > MEMO_LIMIT:
        memo.clear()
        missing = set(values)
    for value in missing:
        memo[value] = compute(value)
    return memo


def _isoformat(day) -> str | None:
    return None if day is None else day.isoformat()


class BallotMemos:
    """What a ballot import reads once per distinct text (:func:`_filled`): dates (a date,
    None or the ``ValueError`` to report), channels, typed code lists (stored codes, their
    key), the check-my-ballot hash of a document's last four characters, ISO texts of
    dates."""

    def __init__(self, key: bytes, read_date) -> None:
        self.key = key
        self.read_date = read_date  # a date cell's text → a date or None, or ValueError
        self.dates: dict = {}
        self.channels: dict[str, str | None] = {}
        self.code_lists: dict[str, tuple[str, str]] = {}
        self.keys: dict[str, str] = {}  # stored codes → their stored key
        self.check_hashes: dict[str, str | None] = {}
        self.iso: dict = {}

    def date_or_error(self, text: str):
        try:
            return self.read_date(text)
        except ValueError as error:
            return error

    def codes(self, typed: str) -> tuple[str, str]:
        """(the codes as stored, their stored key) of a typed list."""
        # Look-alike letters, case and separators make many typed lists of few codes.
        codes = ",".join(judging.split_codes(typed))
        key = self.keys.get(codes)
        if key is None:
            if len(self.keys) > MEMO_LIMIT:
                self.keys.clear()
            key = self.keys[codes] = self._stored_key(codes)
        return codes, key

    @staticmethod
    def _stored_key(codes: str) -> str:
        return judging.stored_codes_key(judging.codes_key(codes))

    def check_hash_of(self, part: str) -> str | None:
        """The keyed hash of a document's check part (:func:`judging.check_part`)."""
        return (
            personal_data.keyed_hash(self.key, part, purpose=judging.CHECK_PURPOSE)
            if part
            else None
        )

    def lookup(self, memo: dict, value, compute):
        """One value through a memo (the line-by-line reading)."""
        return _filled(memo, (value,), compute)[value]


def fast_rows(columns, memos: BallotMemos, seen: set, frozen, ids: tuple[int, int], channels):
    """The insert rows of a chunk of text lines read column by column, as columns (in
    :data:`BALLOT_INSERT_COLUMNS` order: no tuple per row to build, send or take apart), or None when any value of the chunk is not plainly readable (an empty, long or
    repeated ballot number, an unknown channel, a date that is not one, a missing column):
    then the caller reads the chunk line by line and reports each problem.  The same values
    as the line-by-line reading, without a Python step per line where ``map`` does it.
    ``ids`` are the edition's and the import's row ids, ``channels`` the channel names."""
    if len(columns) != 8 or any(None in column for column in columns):
        return None
    ballot_ids, channel_texts, cast_texts, names, birth_texts, documents, places, typed = columns
    distinct = set(ballot_ids)
    if (
        "" in distinct
        or max(map(len, distinct)) > 60
        or len(distinct) != len(ballot_ids)
        or not seen.isdisjoint(distinct)
    ):
        return None
    known = _filled(memos.channels, channel_texts, lambda text: channels.get(text.casefold()))
    ballot_channels = list(map(known.__getitem__, channel_texts))
    dates = _filled(memos.dates, (*cast_texts, *birth_texts), memos.date_or_error)
    casts = list(map(dates.__getitem__, cast_texts))
    births = list(map(dates.__getitem__, birth_texts))
    if None in ballot_channels or any(isinstance(d, ValueError) for d in {*casts, *births}):
        return None
    seen.update(distinct)
    normalised = judging.normalise_documents(documents)
    voters = personal_data.keyed_hashes(memos.key, normalised)
    places = [p[:120] or None for p in places]
    has_name = list(map(bool, names))
    code_lists = list(map(_filled(memos.code_lists, typed, memos.codes).__getitem__, typed))
    parts = list(map(judging.check_part, normalised))
    check_hashes = _filled(memos.check_hashes, parts, memos.check_hash_of)
    verdicts = list(map(frozen, has_name, births, voters, casts, places))
    iso = _filled(memos.iso, {*casts, *births}, _isoformat).__getitem__
    count = len(ballot_ids)
    return [
        [ids[0]] * count,
        ballot_ids,
        ballot_channels,
        ["import"] * count,
        list(map(iso, casts)),
        [n[:200] or None for n in names],
        has_name,
        list(map(iso, births)),
        voters,
        places,
        [None] * count,
        list(map(itemgetter(0), code_lists)),
        [ids[1]] * count,
        verdicts,  # a frozen check is the verdict already (BallotWriter adds the codes')
        list(map(check_hashes.__getitem__, parts)),
        [c or "" for c in verdicts],
        list(map(itemgetter(1), code_lists)),
    ]


def as_columns(rows: list[tuple]) -> list:
    """Insert rows (:data:`BALLOT_INSERT_COLUMNS` tuples) as a chunk of columns."""
    if not rows:
        return [[] for _ in BALLOT_INSERT_COLUMNS]
    return list(map(list, zip(*rows, strict=True)))


class DigestColumns:
    """The ballots' fixed columns (:data:`civic.pb.digest.BALLOT_COLUMNS`) gathered from the
    insert columns as they are written, for the edition's ballots digest."""

    PLACES = (1, 4, 2, 15, 11, 8)  # ballot_id, cast_on, channel, check, codes, voter

    def __init__(self) -> None:
        self.columns: list[list] = [[] for _ in BALLOT_COLUMNS]

    def add(self, columns: list) -> None:
        """The fixed columns of a chunk of insert columns."""
        for column, place in zip(self.columns, self.PLACES, strict=True):
            values = columns[place]
            column.extend([v or None for v in values] if place == 15 else values)

    def sorted(self) -> dict[str, list]:
        """The columns in code point order of the ballot id (one sort of the row numbers)."""
        ids = self.columns[0]
        order = sorted(range(len(ids)), key=ids.__getitem__)
        out = {}
        for name, column in zip(BALLOT_COLUMNS, self.columns, strict=True):
            out[name] = list(map(column.__getitem__, order))
            column.clear()
        return out
