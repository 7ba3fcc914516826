"""Imports of a participatory-budget edition: projects and ballots (CSV/XLSX) and pabulib files.

Each import is checked whole before it counts: a problem raises :class:`PbError` listing the file,
line and column, and the caller's rollback leaves nothing behind; the same file (by SHA-256) is
never imported twice.  The view or CLI command commits once.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

from flask import current_app
from sqlalchemy import insert, select

from civic import kyiv, personal_data
from civic.audit.services import record_event
from civic.extensions import db
from civic.pb import ballots as judging
from civic.pb import grouping, pabulib, rules
from civic.pb.bulk import BallotMemos, BallotWriter, DigestColumns, bulk_import, fast_rows
from civic.pb.digest import ballot_columns, columns_digest
from civic.pb.edition import MAX_INT, EditionConfig, EditionError, dump_edition, parse_edition
from civic.pb.edition import Category as CategoryConfig
from civic.pb.models import Ballot, Edition, ImportedFile, Project
from civic.pb.projects import MAX_COST, PROJECT_COLUMNS, check_projects, pabulib_place, problem
from civic.pb.services import (
    CHUNK,
    MAX_LISTED_PROBLEMS,
    PbError,
    assert_open,
    config_of,
    get_edition,
    list_projects,
    mark_dirty,
    save_edition,
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
    edition: Edition, data: bytes, filename: str, *, actor=None, progress: Progress = None
) -> ImportReport:
    """Import a CSV/XLSX export of ballots in one transaction, streaming.

    Rows are validated and inserted in chunks as the file is read; the first problem stops the
    inserts, the rest of the file is still checked, and then :class:`PbError` lists every
    problem (file, line, column), so the caller's rollback leaves nothing behind.  Values that
    cannot be read (an impossible date, an unknown channel, a repeated ballot number) are input
    errors; empty name, birth date or document are not: such a ballot is judged
    ``missing_data`` by the count.  ``progress`` is called with the number of lines read.
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
    rows = 0
    writer = BallotWriter(db.session.connection())
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
                    check,  # a frozen check is the verdict already (the count rewrites repeats)
                    memos.lookup(
                        memos.check_hashes, judging.check_part(document), memos.check_hash_of
                    ),
                    check or grouping.PASSED,
                    key,
                )
            )
        return chunk

    try:
        for lines, columns in table.value_columns(names, CHUNK):
            chunk = None
            if table.kind == "csv":
                chunk = fast_rows(columns, memos, seen, frozen, ids, CHANNELS)
            if chunk is None:
                chunk = read_lines(lines, columns)
            rows += len(lines)
            if problems:
                continue
            writer.write(chunk)
            if fixed is not None:
                fixed.add(chunk)
            if progress is not None and lines[-1] - last_report >= 10_000:
                progress(lines[-1] - last_report)
                last_report = lines[-1]
    except TabularError as error:
        raise PbError(str(error)) from None
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
        progress(max(0, table_lines(data) - last_report))
    if rows == 0:
        raise PbError(f"Файл «{filename}»: немає жодного бюлетеня.")
    record.rows = rows
    mark_dirty(edition)
    if fixed is not None:
        edition.ballots_digest = columns_digest(fixed.sorted())
    else:
        grouping.store_ballots_digest(edition)
    db.session.flush()
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


# ---------------------------------------------------------------- pabulib


def import_pabulib(
    text: str, slug: str, filename: str, *, actor=None, progress: Progress = None
) -> Edition:
    """Create a whole edition from a pabulib file: settings from META, projects, votes.

    ``progress`` is called with the number of votes written since its last call."""
    try:
        election = pabulib.read(text)
    except pabulib.PabulibError as error:
        raise PbError(f"Файл «{filename}»: {error}") from None
    if election.vote_type not in ("approval", "choose-1", "ordinal"):
        raise PbError(
            f"Файл «{filename}»: тип голосування «{election.vote_type}» не підтримується для "
            "підрахунку комісією (лише approval, choose-1 або ordinal)"
        )
    if get_edition(slug) is not None:
        raise PbError(f"Видання «{slug}» уже існує.")
    _check_pabulib_fits(election, filename)
    meta = election.meta
    budget = Fraction(election.budget)
    if budget != Fraction(Decimal(budget.numerator) / Decimal(budget.denominator)):
        raise PbError(f"Файл «{filename}»: бюджет не є сумою в гривнях з копійками")
    starts = _meta_date(meta.get("date_begin")) or dt.date(1900, 1, 1)
    ends = _meta_date(meta.get("date_end")) or dt.date(9999, 12, 31)
    title = (
        meta.get("description")
        or " ".join(v for v in (meta.get("unit", ""), meta.get("instance", "")) if v)
        or slug
    )
    max_length = _meta_number(election, "max_length", filename)
    threshold = _meta_number(election, "min_project_score_threshold", filename)
    for key, value, low in (
        ("max_length", max_length, 0),
        ("min_project_score_threshold", threshold, 0),
    ):
        if value is not None and not low <= value <= MAX_INT:
            message = f"«{key}» — «{election.meta.get(key)}» поза допустимими межами"
            raise PbError(problem(filename, election.meta_lines.get(key), None, message))
    rule = election.rule if election.rule in ("greedy", "greedy-no-skip") else "greedy"
    declared = _declared_settings(election, filename)
    if declared.get("completion") is not None:
        rule = "greedy-no-skip"  # the 80 % rule stops at the first project that does not fit
    config = EditionConfig(
        slug=slug,
        title=title[:300],
        voting_starts_on=starts,
        voting_ends_on=ends,
        categories=(
            CategoryConfig(
                "all",
                "Усі проєкти",
                counting_money(budget),
                int(max_length) if max_length else max(1, len(election.projects)),
            ),
        ),
        min_age=0,
        settlements=(),
        rule=rule,
        min_votes=int(threshold) if threshold else 0,
        tie_break="lot",
        leftover="keep",
        lot_order=election.project_ids,
        require_identity=False,
        **declared,
    )
    toml_text = dump_edition(config)
    try:
        parse_edition(toml_text)
    except EditionError as error:
        raise PbError(f"Файл «{filename}»: {error}") from None
    edition = save_edition(toml_text, actor=actor)
    for row in election.projects:
        db.session.add(
            Project(
                edition_id=edition.id,
                code=row.id,
                title=(row.name or row.id)[:400],
                category_code="all",
                cost=counting_money(row.cost),
                submitted_on=None,
                is_admitted=True,
                **pabulib_place(row),
            )
        )
    digest = hashlib.sha256(text.encode()).hexdigest()
    record = ImportedFile(
        edition_id=edition.id,
        kind="pabulib",
        filename=filename[:300],
        sha256=digest,
        rows=len(election.ballots),
        imported_by_id=getattr(actor, "id", None),
    )
    db.session.add(record)
    db.session.flush()
    methods = election.vote_fields.get("voting_method")
    key = current_app.config["PERSONAL_DATA_KEY"].encode()
    frozen = grouping.frozen_checks(config)
    chunk = []
    fixed = []  # a new edition: its ballots digest comes from the rows as they are inserted
    table_insert = insert(Ballot.__table__)
    for k, (voter, ballot) in enumerate(zip(election.voter_ids, election.ballots, strict=True)):
        method = (methods[k] if methods else "").casefold()
        voter_hash = personal_data.keyed_hash(key, voter, purpose="pabulib")
        codes = ",".join(ballot)
        check, codes_key = grouping.frozen_columns(
            frozen, False, None, voter_hash, None, None, codes
        )
        ballot_id, channel = voter[:60], "paper" if "paper" in method else "online"
        fixed.append(
            (ballot_id, None, channel, check or None, ",".join(filter(None, ballot)), voter_hash)
        )
        chunk.append(
            {
                "edition_id": edition.id,
                "ballot_id": ballot_id,
                "channel": channel,
                "source": "pabulib",
                "cast_on": None,
                "full_name": None,
                "has_name": False,
                "birth_date": None,
                "voter_hash": voter_hash,
                "settlement": None,
                "address": None,
                "projects": codes,
                "import_id": record.id,
                "reason": None,
                "frozen_reason": check,
                "codes_key": codes_key,
            }
        )
        if len(chunk) >= CHUNK:
            db.session.execute(table_insert, chunk)
            if progress is not None:
                progress(len(chunk))
            chunk = []
    if chunk:
        db.session.execute(table_insert, chunk)
        if progress is not None:
            progress(len(chunk))
    edition.ballots_digest = columns_digest(ballot_columns(fixed))
    record_event(
        "pb.pabulib_imported",
        object_type="pb_edition",
        object_id=slug,
        details={"file": filename, "sha256": digest, "ballots": len(election.ballots)},
        actor=actor,
    )
    return edition


def _declared_settings(election: pabulib.Election, filename: str) -> dict:
    """Points per rank, exclusive groups and the completion share the file declares."""
    try:
        points = rules.declared_points(election)
    except rules.RuleNotCounted as error:
        raise PbError(f"Файл «{filename}»: {error}") from None
    settings: dict = {}
    if points is not None:
        if any(Fraction(p).denominator != 1 for p in points):
            raise PbError(f"Файл «{filename}»: бали за місця мають бути цілими ({points})")
        settings["points"] = tuple(int(p) for p in points)
    if election.rule == "greedy-exclusive":
        try:
            settings["exclusive"] = tuple(rules.declared_exclusive(election))
        except rules.RuleNotCounted as error:
            raise PbError(f"Файл «{filename}»: {error}") from None
    if election.rule == "greedy-custom":
        share = rules.declared_completion(election)
        if share is not None:
            settings["completion"] = Decimal(share.numerator) / Decimal(share.denominator)
    return settings


def _check_pabulib_fits(election: pabulib.Election, filename: str) -> None:
    """What a valid pabulib file may hold but an edition cannot store: :class:`PbError`."""

    def refuse(line: int | None, message: str) -> None:
        raise PbError(problem(filename, line, None, message))

    if not 0 <= election.budget < MAX_COST:
        refuse(election.meta_lines.get("budget"), "бюджет поза допустимими межами")
    for row in election.projects:
        if len(row.id) > 40:
            refuse(row.line, f"ідентифікатор проєкту задовгий ({len(row.id)} знаків; до 40)")
        if not 0 <= row.cost < MAX_COST:
            refuse(row.line, f"вартість проєкту «{row.id}» поза допустимими межами")
    seen: dict[str, int] = {}
    lines = election.vote_lines
    for k, voter in enumerate(election.voter_ids):
        key = voter[:60]
        if key in seen:
            refuse(
                lines[k] if k < len(lines) else None,
                f"виборець «{key}» повторюється (уперше — у голосі № {seen[key] + 1})",
            )
        seen[key] = k


def _meta_number(election: pabulib.Election, key: str, filename: str):
    """A number from META, or :class:`PbError` naming the file and the line."""
    try:
        return election.meta_number(key)
    except ValueError:
        message = f"«{key}» — «{election.meta.get(key, '')}» не є числом"
        raise PbError(problem(filename, election.meta_lines.get(key), None, message)) from None


def counting_money(value) -> Decimal:
    value = Fraction(value)
    return (Decimal(value.numerator) / Decimal(value.denominator)).quantize(Decimal("0.01"))


def _meta_date(text: str | None) -> dt.date | None:
    if not text:
        return None
    try:
        return parse_date(text)
    except ValueError:
        return None
