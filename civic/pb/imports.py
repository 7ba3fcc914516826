"""Imports of a participatory-budget edition: projects and ballots from CSV/XLSX (a pabulib
file: :mod:`civic.pb.pabulib_import`).

Each import is checked whole before it counts: a problem raises :class:`PbError` listing the file,
line and column, and the caller's rollback leaves nothing behind; the same file (by SHA-256) is
never imported twice.  The view or CLI command commits once.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable
from dataclasses import dataclass

from flask import current_app
from sqlalchemy import select

from civic import kyiv
from civic.audit.services import record_event
from civic.extensions import db
from civic.pb import ballots as judging
from civic.pb import grouping
from civic.pb.bulk import (
    READER_PROCESS_LINES,
    BallotMemos,
    BallotWriter,
    DigestColumns,
    as_columns,
    bulk_import,
    fast_rows,
    read_ahead,
    rows_written,
)
from civic.pb.digest import columns_digest
from civic.pb.models import Ballot, Edition, ImportedFile, Project
from civic.pb.projects import PROJECT_COLUMNS, check_projects, problem
from civic.pb.services import (
    CHUNK,
    MAX_LISTED_PROBLEMS,
    PbError,
    assert_open,
    config_of,
    count_rules,
    list_projects,
    mark_dirty,
    prepare_count,
)
from civic.personal_data import keyed_hash
from civic.tabular import Column, TabularError, open_table, parse_date

# Called now and then with how many lines (or votes) an import has read since its last call.
Progress = Callable[[int], None] | None

# ---------------------------------------------------------------- files


def _file_hash(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _refuse_known_file(edition: Edition, kind: str, digest: str, filename: str) -> None:
    known = db.session.scalar(
        select(ImportedFile).where(
            ImportedFile.edition_id == edition.id,
            ImportedFile.kind == kind,
            ImportedFile.sha256 == digest,
        )
    )
    if known is not None:
        raise PbError(
            f"Файл «{filename}» уже імпортовано {kyiv.local(known.imported_at):%d.%m.%Y о %H:%M} "
            "(за київським часом) "
            f"(як «{known.filename}»): той самий вміст не враховується двічі."
        )


def _open_new_file(edition: Edition, kind: str, data: bytes, filename: str, columns):
    """Check that the edition is open and this content was not imported before, and open the
    file's table: ``(sha256, table)``; a file that cannot be read is a :class:`PbError`."""
    assert_open(edition)
    digest = _file_hash(data)
    _refuse_known_file(edition, kind, digest, filename)
    try:
        return digest, open_table(data, filename, columns, header_search_rows=5)
    except TabularError as error:
        raise PbError(str(error)) from None


# ---------------------------------------------------------------- projects


def import_projects(edition: Edition, data: bytes, filename: str, *, actor=None) -> int:
    """Import or update projects from CSV/XLSX; the whole file is checked before any write."""
    digest, table = _open_new_file(edition, "projects", data, filename, PROJECT_COLUMNS)
    categories = [(c.code, c.title) for c in edition.categories]
    try:
        rows, problems = check_projects(((r.line, r.cells) for r in table), categories, filename)
    except TabularError as error:
        raise PbError(str(error)) from None
    if problems:
        raise PbError(
            f"Файл «{filename}» не імпортовано: помилок {len(problems)}.",
            problems[:MAX_LISTED_PROBLEMS],
        )
    if not rows:
        raise PbError(f"Файл «{filename}»: немає жодного проєкту.")
    existing = {p.code: p for p in list_projects(edition)}
    for code, values in rows.items():
        project = existing.get(code)
        if project is None:
            project = Project(edition_id=edition.id)
            db.session.add(project)
        for key, value in values.items():
            setattr(project, key, value)
    db.session.add(
        ImportedFile(
            edition_id=edition.id,
            kind="projects",
            filename=filename[:300],
            sha256=digest,
            rows=len(rows),
            imported_by_id=getattr(actor, "id", None),
        )
    )
    db.session.flush()
    record_event(
        "pb.projects_imported",
        object_type="pb_edition",
        object_id=edition.slug,
        details={"file": filename, "sha256": digest, "projects": len(rows)},
        actor=actor,
    )
    return len(rows)


# ---------------------------------------------------------------- ballots: import

BALLOT_COLUMNS = [
    Column("ballot_id", ("Номер бюлетеня",)),
    Column("channel", ("Канал",)),
    Column("cast_on", ("Дата голосування",)),
    Column("full_name", ("ПІБ",)),
    Column("birth_date", ("Дата народження",)),
    Column("document", ("Документ",)),
    Column("settlement", ("Населений пункт",)),
    Column("projects", ("Проєкти",)),
]
BALLOT_HEADERS = {
    "ballot_id": "Номер бюлетеня",
    "channel": "Канал",
    "cast_on": "Дата голосування",
    "full_name": "ПІБ",
    "birth_date": "Дата народження",
    "document": "Документ",
    "settlement": "Населений пункт",
    "projects": "Проєкти",
}
CHANNELS = {
    "paper": "paper",
    "паперовий": "paper",
    "папір": "paper",
    "online": "online",
    "онлайн": "online",
    "електронний": "online",
}


@dataclass(frozen=True)
class ImportReport:
    filename: str
    rows: int
    sha256: str


def _date_or_none(value) -> dt.date | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    return parse_date(value)


@bulk_import
def import_ballots(
    edition: Edition,
    data: bytes,
    filename: str,
    *,
    actor=None,
    progress: Progress = None,
    reader_process: bool = False,
) -> ImportReport:
    """Import a CSV/XLSX export of ballots in one transaction, streaming.

    Rows are validated and inserted in chunks as the file is read; the first problem stops the
    inserts, the rest of the file is still checked, and then :class:`PbError` lists every
    problem (file, line, column), so the caller's rollback leaves nothing behind.  Values that
    cannot be read (an impossible date, an unknown channel, a repeated ballot number) are input
    errors; empty name, birth date or document are not: such a ballot is judged
    ``missing_data`` by the count.  ``progress`` is called with the number of lines read.
    ``reader_process``: a file of :data:`READER_PROCESS_LINES` lines or more is read, checked
    and hashed in a forked process while this one writes (:func:`read_ahead`; the CLI, a
    single-threaded process, asks for it).
    """
    digest, table = _open_new_file(edition, "ballots", data, filename, BALLOT_COLUMNS)
    record = ImportedFile(
        edition_id=edition.id,
        kind="ballots",
        filename=filename[:300],
        sha256=digest,
        rows=0,
        imported_by_id=getattr(actor, "id", None),
    )
    db.session.add(record)
    db.session.flush()
    seen: set[str] = set(
        db.session.scalars(select(Ballot.ballot_id).where(Ballot.edition_id == edition.id))
    )
    memos = BallotMemos(current_app.config["PERSONAL_DATA_KEY"].encode(), _date_or_none)
    problems: list[str] = []
    writer = BallotWriter(db.session.connection(), grouping.codes_verdict(count_rules(edition)))
    ids = (edition.id, record.id)
    last_report = 0
    names = [c.name for c in BALLOT_COLUMNS]
    frozen = grouping.frozen_checks(config_of(edition))
    # An edition's first ballots: the digest of their fixed columns is taken from the rows as
    # they are inserted (civic.pb.digest), instead of reading them all back afterwards.
    fixed = None if seen else DigestColumns()

    def read_date(value) -> dt.date | None:
        """A date cell (the same few texts repeat: each is read once)."""
        if type(value) is not str:  # an Excel cell: a date or a number, read as before
            return _date_or_none(value)
        known = memos.lookup(memos.dates, value, memos.date_or_error)
        if isinstance(known, ValueError):
            raise known
        return known

    def read_lines(lines, columns) -> list[tuple]:
        """The insert rows of a chunk read line by line, each problem reported."""
        chunk: list[tuple] = []
        for line, values in zip(lines, zip(*columns, strict=True), strict=True):
            ballot_id, channel_text, cast_text, name, birth_text, document, settlement, typed = (
                v if type(v) is str else _text(v) for v in values
            )

            def fail(column: str, message: str, line=line) -> None:
                problems.append(problem(filename, line, BALLOT_HEADERS[column], message))

            if not ballot_id:
                fail("ballot_id", "номер бюлетеня не вказано")
            elif len(ballot_id) > 60:
                fail("ballot_id", "номер бюлетеня задовгий (до 60 знаків)")
            elif ballot_id in seen:
                fail("ballot_id", f"бюлетень № {ballot_id} уже є у виданні або у файлі")
            else:
                seen.add(ballot_id)
            channel = CHANNELS.get(channel_text.casefold())
            if channel is None:
                fail(
                    "channel",
                    f"«{channel_text}» — очікувалося «паперовий» або «онлайн» (paper / online)",
                )
            try:
                cast_on = read_date(values[2])
            except ValueError as error:
                fail("cast_on", str(error))
                cast_on = None
            try:
                birth_date = read_date(values[4])
            except ValueError as error:
                fail("birth_date", str(error))
                birth_date = None
            if problems:
                continue
            document = judging.normalise_document(document)
            codes, key = memos.lookup(memos.code_lists, typed, memos.codes)
            voter = keyed_hash(memos.key, document) if document else None
            settlement = settlement[:120] or None
            check = frozen(bool(name), birth_date, voter, cast_on, settlement)
            chunk.append(
                (
                    ids[0],
                    ballot_id,
                    channel,
                    "import",
                    cast_on and cast_on.isoformat(),
                    name[:200] or None,
                    bool(name),
                    birth_date and birth_date.isoformat(),
                    voter,
                    settlement,
                    None,
                    codes,
                    ids[1],
                    check,  # a frozen check is the verdict already (BallotWriter adds the codes')
                    memos.lookup(
                        memos.check_hashes, judging.check_part(document), memos.check_hash_of
                    ),
                    check or grouping.PASSED,
                    key,
                )
            )
        return chunk

    def chunks():
        """(the chunk's last line, its insert rows or None once a problem is found) of each
        chunk; returns (lines read, the problems, the digest of the fixed columns or None)."""
        rows = 0
        try:
            for lines, columns in table.value_columns(names, CHUNK):
                chunk = None
                if table.kind == "csv":
                    chunk = fast_rows(columns, memos, seen, frozen, ids, CHANNELS)
                if chunk is None:
                    chunk = as_columns(read_lines(lines, columns))
                rows += len(lines)
                if problems:
                    yield lines[-1], None
                    continue
                if fixed is not None:
                    fixed.add(chunk)
                yield lines[-1], chunk
        except TabularError as error:
            raise PbError(str(error)) from None
        if not problems:
            yield None, None  # every row read: the writer may finish while the digest is made
        fixed_digest = None
        if fixed is not None and rows and not problems:
            fixed_digest = columns_digest(fixed.sorted())
        return rows, problems, fixed_digest

    produce = chunks()
    total_lines = table_lines(data)
    if reader_process and total_lines >= READER_PROCESS_LINES:
        produce = read_ahead(produce, forked=table.release)
    while True:
        try:
            last, chunk = next(produce)
        except StopIteration as end:
            rows, problems, fixed_digest = end.value
            break
        if last is None:
            rows_written()
        if chunk is None:
            continue
        writer.write(chunk)
        if progress is not None and last - last_report >= 10_000:
            progress(last - last_report)
            last_report = last
    if problems:
        raise PbError(
            f"Файл «{filename}» не імпортовано: помилок {len(problems)}"
            + (
                f" (показано перші {MAX_LISTED_PROBLEMS})"
                if len(problems) > MAX_LISTED_PROBLEMS
                else ""
            )
            + "; жоден бюлетень не додано.",
            problems[:MAX_LISTED_PROBLEMS],
        )
    if progress is not None:
        progress(max(0, total_lines - last_report))
    if rows == 0:
        raise PbError(f"Файл «{filename}»: немає жодного бюлетеня.")
    record.rows = rows
    mark_dirty(edition)
    if fixed is not None:
        edition.ballots_digest = fixed_digest
    else:
        grouping.store_ballots_digest(edition)
    db.session.flush()
    prepare_count(edition)
    record_event(
        "pb.ballots_imported",
        object_type="pb_edition",
        object_id=edition.slug,
        details={"file": filename, "sha256": digest, "ballots": rows},
        actor=actor,
    )
    return ImportReport(filename, rows, digest)


def table_lines(data: bytes) -> int:
    """Roughly how many lines a file has (for a progress bar)."""
    return data.count(b"\n") + 1


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()
