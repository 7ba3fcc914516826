"""Participatory-budget operations: load models, call the pure core, write results, flush.

The view or CLI command that calls an operation commits once; every failure raises
:class:`PbError` (a Ukrainian message for users) before anything is flushed, or leaves a
transaction the caller rolls back, so bad input changes nothing.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import gc
import hashlib
import hmac
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

from flask import current_app
from sqlalchemy import bindparam, delete, func, insert, select, update
from sqlalchemy.exc import IntegrityError

from civic import database, kyiv
from civic.audit.services import record_event
from civic.extensions import db
from civic.pb import ballots as judging
from civic.pb import counting, pabulib
from civic.pb.edition import MAX_INT, EditionConfig, EditionError, dump_edition, parse_edition
from civic.pb.edition import Category as CategoryConfig
from civic.pb.models import (
    CLOSED,
    COUNTED,
    DRAFT,
    Ballot,
    Category,
    Discrepancy,
    Edition,
    Entry,
    ImportedFile,
    Project,
)
from civic.tabular import Column, TabularError, open_table, parse_date, parse_number

MAX_LISTED_PROBLEMS = 50


@contextlib.contextmanager
def _gc_paused():
    """Pause the cyclic garbage collector while a million small acyclic objects are made: its
    repeated full scans would otherwise make imports and counts several times slower."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


CHUNK = 5000


class PbError(Exception):
    """A user-facing problem (Ukrainian), optionally with a list of per-line problems."""

    def __init__(self, message: str, problems: Iterable[str] = ()) -> None:
        self.message = message
        self.problems = list(problems)
        super().__init__(message)

    def __str__(self) -> str:
        if not self.problems:
            return self.message
        return self.message + "\n" + "\n".join(f"  {p}" for p in self.problems)


# ---------------------------------------------------------------- personal data


def personal_hash(document: str | None) -> str | None:
    """The keyed hash (HMAC-SHA-256 with the instance's secret) of a normalised document."""
    normalised = judging.normalise_document(document)
    if not normalised:
        return None
    key = current_app.config["PERSONAL_DATA_KEY"].encode()
    return hmac.new(key, normalised.encode(), hashlib.sha256).hexdigest()


def mask_hash(value: str | None) -> str:
    """What staff pages show instead of a document: a short, non-reversible tag."""
    return f"••••{value[:6]}" if value else "—"


def retention_days() -> int:
    config = current_app.config
    return int(config.get("PB_RETENTION_DAYS") or config.get("RETENTION_DAYS", 90))


# ---------------------------------------------------------------- editions


def get_edition(slug: str) -> Edition | None:
    if "\x00" in slug:  # no slug has one (e.g. %00 in a URL), and PostgreSQL refuses it outright
        return None
    return db.session.scalar(select(Edition).where(Edition.slug == slug))


def list_editions() -> list[Edition]:
    return list(db.session.scalars(select(Edition).order_by(Edition.voting_starts_on.desc())))


def list_public_editions() -> list[Edition]:
    return [e for e in list_editions() if e.status == CLOSED]


def config_of(edition: Edition) -> EditionConfig:
    return EditionConfig(
        slug=edition.slug,
        title=edition.title,
        voting_starts_on=edition.voting_starts_on,
        voting_ends_on=edition.voting_ends_on,
        categories=tuple(
            CategoryConfig(c.code, c.title, Decimal(c.budget), c.max_choices)
            for c in edition.categories
        ),
        min_age=edition.min_age,
        settlements=tuple(edition.settlements or ()),
        duplicates=edition.duplicates,
        rule=edition.rule,
        min_votes=edition.min_votes,
        tie_break=edition.tie_break,
        leftover=edition.leftover,
        budget_year=edition.budget_year,
        lot_order=tuple(edition.lot_order or ()),
        require_identity=edition.require_identity,
        **_rule_settings(edition.config_toml),
    )


def _rule_settings(text: str | None) -> dict:
    """Points, completion and exclusive groups live only in the stored TOML (no columns)."""
    if not text:
        return {}
    try:
        stored = parse_edition(text)
    except EditionError:  # stored before a check that now refuses it: the columns still hold
        return {}
    return {
        "points": stored.points,
        "completion": stored.completion,
        "exclusive": stored.exclusive,
    }


def count_ballots(edition: Edition) -> int:
    return db.session.scalar(
        select(func.count()).select_from(Ballot).where(Ballot.edition_id == edition.id)
    )


def count_entries(edition: Edition) -> int:
    return db.session.scalar(
        select(func.count()).select_from(Entry).where(Entry.edition_id == edition.id)
    )


def assert_open(edition: Edition) -> None:
    if edition.status == CLOSED:
        raise PbError(
            f"Підрахунок «{edition.title}» закрито: зміни неможливі. "
            "Щоб внести зміни, комісія має відкрити підрахунок знову із зазначенням причини."
        )


def save_edition(text: str, *, actor=None, expected_slug: str | None = None) -> Edition:
    """Create an edition from its TOML, or update it while no ballot has been received."""
    try:
        config = parse_edition(text)
    except EditionError as error:
        raise PbError(f"Налаштування громадського бюджету: {error}") from None
    if expected_slug is not None and config.slug != expected_slug:
        raise PbError(
            f"Налаштування громадського бюджету: «slug» не можна змінити "
            f"(«{expected_slug}» → «{config.slug}»)"
        )
    edition = get_edition(config.slug)
    created = edition is None
    if created:
        edition = Edition(slug=config.slug)
        db.session.add(edition)
    else:
        assert_open(edition)
        if count_ballots(edition) or count_entries(edition):
            raise PbError(
                f"Видання «{config.slug}» уже має бюлетені: налаштування підрахунку змінювати "
                "не можна."
            )
    _apply_config(edition, config, text)
    db.session.flush()
    record_event(
        "pb.edition_created" if created else "pb.edition_updated",
        object_type="pb_edition",
        object_id=edition.slug,
        details={"title": edition.title, "budget": str(config.budget)},
        actor=actor,
    )
    return edition


def _apply_config(edition: Edition, config: EditionConfig, text: str) -> None:
    edition.title = config.title
    edition.budget_year = config.budget_year
    edition.voting_starts_on = config.voting_starts_on
    edition.voting_ends_on = config.voting_ends_on
    edition.min_age = config.min_age
    edition.settlements = list(config.settlements)
    edition.duplicates = config.duplicates
    edition.rule = config.rule
    edition.min_votes = config.min_votes
    edition.tie_break = config.tie_break
    edition.leftover = config.leftover
    edition.lot_order = list(config.lot_order)
    edition.require_identity = config.require_identity
    edition.config_toml = text
    existing = {c.code: c for c in edition.categories}
    keep = []
    for position, category in enumerate(config.categories):
        row = existing.get(category.code) or Category(code=category.code)
        row.title = category.title
        row.budget = category.budget
        row.max_choices = category.max_choices
        row.position = position
        keep.append(row)
    edition.categories = keep


def edition_toml(edition: Edition) -> str:
    return edition.config_toml or dump_edition(config_of(edition))


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
            f"Файл «{filename}» уже імпортовано {known.imported_at:%d.%m.%Y %H:%M} UTC "
            f"(як «{known.filename}»): той самий вміст не враховується двічі."
        )


def _problem(filename: str, line: int | None, column: str | None, message: str) -> str:
    where = f"Файл «{filename}»" + (f", рядок {line}" if line else "")
    if column:
        where += f", «{column}»"
    return f"{where}: {message}"


# ---------------------------------------------------------------- projects

MAX_COST = Decimal(10) ** 12  # the NUMERIC(14, 2) columns of costs and budgets

PROJECT_COLUMNS = [
    Column("code", ("Код", "Код проєкту", "project_id")),
    Column("title", ("Назва", "Назва проєкту", "name")),
    Column("category", ("Категорія",)),
    Column("cost", ("Вартість", "Вартість, грн")),
    Column("submitted_on", ("Дата подання",), required=False),
    Column("status", ("Статус",), required=False),
]
PROJECT_HEADERS = {
    "code": "Код",
    "title": "Назва",
    "category": "Категорія",
    "cost": "Вартість",
    "submitted_on": "Дата подання",
    "status": "Статус",
}
_ADMITTED = {"", "admitted", "допущено", "допущений", "так", "1", "true", "yes"}
_NOT_ADMITTED = {
    "not admitted",
    "not_admitted",
    "не допущено",
    "не допущений",
    "відхилено",
    "ні",
    "0",
    "false",
    "no",
}


def import_projects(edition: Edition, data: bytes, filename: str, *, actor=None) -> int:
    """Import or update projects from CSV/XLSX; the whole file is checked before any write."""
    assert_open(edition)
    digest = _file_hash(data)
    _refuse_known_file(edition, "projects", digest, filename)
    try:
        table = open_table(data, filename, PROJECT_COLUMNS, header_search_rows=5)
    except TabularError as error:
        raise PbError(str(error)) from None
    categories = {c.code.casefold(): c.code for c in edition.categories}
    titles = {c.title.casefold(): c.code for c in edition.categories}
    problems: list[str] = []
    rows: dict[str, dict] = {}
    try:
        for row in table:
            code = str(row.get("code") or "").strip()
            where = row.line

            def fail(column: str, message: str, where=where) -> None:
                problems.append(_problem(filename, where, PROJECT_HEADERS[column], message))

            if not code:
                fail("code", "код проєкту не вказано")
                continue
            if code in rows:
                fail("code", f"проєкт «{code}» повторюється у файлі")
                continue
            if len(code) > 40:
                fail("code", "код проєкту задовгий (до 40 знаків)")
                continue
            title = str(row.get("title") or "").strip()
            if not title:
                fail("title", "назву не вказано")
            elif len(title) > 400:
                fail("title", f"назва задовга ({len(title)} знаків; до 400)")
            raw_category = str(row.get("category") or "").strip().casefold()
            category = categories.get(raw_category) or titles.get(raw_category)
            if category is None:
                known = ", ".join(f"«{c.code}» ({c.title})" for c in edition.categories)
                fail("category", f"«{row.get('category') or ''}» — невідома категорія; є: {known}")
            try:
                cost = parse_number(row.get("cost"))
                if cost is None or cost <= 0:
                    raise ValueError("вартість має бути більшою за нуль")
                if cost >= MAX_COST:
                    raise ValueError(f"«{row.get('cost')}» — завелика вартість")
                if cost != cost.quantize(Decimal("0.01")):
                    raise ValueError(f"«{row.get('cost')}» — більше двох знаків після коми")
            except ValueError as error:
                fail("cost", str(error))
                cost = None
            submitted = row.get("submitted_on")
            submitted_on = None
            if submitted not in (None, ""):
                try:
                    submitted_on = parse_date(submitted)
                except ValueError as error:
                    fail("submitted_on", str(error))
            status = str(row.get("status") or "").strip().casefold()
            if status in _ADMITTED:
                admitted = True
            elif status in _NOT_ADMITTED:
                admitted = False
            else:
                fail("status", f"«{row.get('status')}» — очікувалося «допущено» або «не допущено»")
                admitted = True
            rows[code] = {
                "code": code,
                "title": title,
                "category_code": category,
                "cost": cost,
                "submitted_on": submitted_on,
                "is_admitted": admitted,
            }
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


def list_projects(edition: Edition) -> list[Project]:
    return list(
        db.session.scalars(
            select(Project).where(Project.edition_id == edition.id).order_by(Project.code)
        )
    )


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


def import_ballots(
    edition: Edition,
    data: bytes,
    filename: str,
    *,
    actor=None,
    progress: Callable[[int], None] | None = None,
) -> ImportReport:
    """Import a CSV/XLSX export of ballots (see :func:`_import_ballots`)."""
    with _gc_paused(), _import_cache():
        return _import_ballots(edition, data, filename, actor=actor, progress=progress)


@contextlib.contextmanager
def _import_cache():
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


def _import_ballots(
    edition: Edition,
    data: bytes,
    filename: str,
    *,
    actor=None,
    progress: Callable[[int], None] | None = None,
) -> ImportReport:
    """Import a CSV/XLSX export of ballots in one transaction, streaming.

    Rows are validated and inserted in chunks as the file is read; the first problem stops the
    inserts, the rest of the file is still checked, and then :class:`PbError` lists every
    problem (file, line, column), so the caller's rollback leaves nothing behind.  Values that
    cannot be read (an impossible date, an unknown channel, a repeated ballot number) are input
    errors; empty name, birth date or document are not: such a ballot is judged
    ``missing_data`` by the count.  ``progress`` is called with the number of lines read.
    """
    assert_open(edition)
    digest = _file_hash(data)
    _refuse_known_file(edition, "ballots", digest, filename)
    try:
        table = open_table(data, filename, BALLOT_COLUMNS, header_search_rows=5)
    except TabularError as error:
        raise PbError(str(error)) from None
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
    key = current_app.config["PERSONAL_DATA_KEY"].encode()
    normalise = judging.normalise_document
    hmac_digest = hmac.digest
    problems: list[str] = []
    chunk: list[tuple] = []
    rows = 0
    writer = _BallotWriter(db.session.connection())
    edition_id, import_id = edition.id, record.id
    last_report = 0
    # The same few values repeat across a million lines (dates, channels, settlements, lists
    # of codes): each distinct text is read once.  Bounded, so a hostile file cannot make them
    # grow without limit.
    dates: dict[object, dt.date | None | ValueError] = {}
    channels: dict[str, str | None] = {}
    code_lists: dict[str, str] = {}
    names = [c.name for c in BALLOT_COLUMNS]

    def read_date(value) -> dt.date | None:
        if type(value) is not str:  # an Excel cell: a date or a number, read as before
            return _date_or_none(value)
        known = dates.get(value)
        if known is None and value not in dates:
            if len(dates) > _MEMO_LIMIT:
                dates.clear()
            try:
                known = _date_or_none(value)
            except ValueError as error:
                known = error
            dates[value] = known
        if isinstance(known, ValueError):
            raise known
        return known

    try:
        for line, values in table.values(names):
            ballot_id, channel_text, cast_text, name, birth_text, document, settlement, typed = (
                v if type(v) is str else _text(v) for v in values
            )

            def fail(column: str, message: str, line=line) -> None:
                problems.append(_problem(filename, line, BALLOT_HEADERS[column], message))

            if not ballot_id:
                fail("ballot_id", "номер бюлетеня не вказано")
            elif len(ballot_id) > 60:
                fail("ballot_id", "номер бюлетеня задовгий (до 60 знаків)")
            elif ballot_id in seen:
                fail("ballot_id", f"бюлетень № {ballot_id} уже є у виданні або у файлі")
            else:
                seen.add(ballot_id)
            channel = channels.get(channel_text)
            if channel is None:
                channel = CHANNELS.get(channel_text.casefold())
                if len(channels) < _MEMO_LIMIT:
                    channels[channel_text] = channel
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
                chunk.clear()
                rows += 1
                continue
            document = normalise(document)
            codes = code_lists.get(typed)
            if codes is None:
                if len(code_lists) > _MEMO_LIMIT:
                    code_lists.clear()
                codes = code_lists[typed] = ",".join(judging.split_codes(typed))
            chunk.append(
                (
                    edition_id,
                    ballot_id,
                    channel,
                    "import",
                    cast_on,
                    name[:200] or None,
                    bool(name),
                    birth_date,
                    hmac_digest(key, document.encode(), "sha256").hex() if document else None,
                    settlement[:120] or None,
                    None,
                    codes,
                    import_id,
                    None,
                )
            )
            rows += 1
            if len(chunk) >= CHUNK:
                writer.write(chunk)
                chunk = []
            if progress is not None and line - last_report >= 10_000:
                progress(line - last_report)
                last_report = line
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
    if chunk:
        writer.write(chunk)
    if progress is not None:
        progress(max(0, table_lines(data) - last_report))
    if rows == 0:
        raise PbError(f"Файл «{filename}»: немає жодного бюлетеня.")
    record.rows = rows
    _mark_dirty(edition)
    db.session.flush()
    record_event(
        "pb.ballots_imported",
        object_type="pb_edition",
        object_id=edition.slug,
        details={"file": filename, "sha256": digest, "ballots": rows},
        actor=actor,
    )
    return ImportReport(filename, rows, digest)


_MEMO_LIMIT = 100_000
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
)


class _BallotWriter:
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


def table_lines(data: bytes) -> int:
    """Roughly how many lines a file has (for a progress bar)."""
    return data.count(b"\n") + 1


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _mark_dirty(edition: Edition) -> None:
    """New or changed ballots make a stored tally stale."""
    if edition.status == COUNTED:
        edition.status = DRAFT
        edition.result = None
        edition.digest = None


# ---------------------------------------------------------------- pabulib


def import_pabulib(
    text: str,
    slug: str,
    filename: str,
    *,
    actor=None,
    progress: Callable[[int], None] | None = None,
) -> Edition:
    """Create a whole edition from a pabulib file: settings from META, projects, votes.

    ``progress`` is called with the number of votes written since its last call."""
    try:
        election = pabulib.read(text)
    except pabulib.PabulibError as error:
        raise PbError(f"Файл «{filename}»: {error}") from None
    if election.vote_type not in ("approval", "choose-1"):
        raise PbError(
            f"Файл «{filename}»: тип голосування «{election.vote_type}» не підтримується для "
            "підрахунку комісією (лише approval або choose-1)"
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
            raise PbError(_problem(filename, election.meta_lines.get(key), None, message))
    rule = election.rule if election.rule in ("greedy", "greedy-no-skip") else "greedy"
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
    chunk = []
    table_insert = insert(Ballot.__table__)
    for k, (voter, ballot) in enumerate(zip(election.voter_ids, election.ballots, strict=True)):
        method = (methods[k] if methods else "").casefold()
        chunk.append(
            {
                "edition_id": edition.id,
                "ballot_id": voter[:60],
                "channel": "paper" if "paper" in method else "online",
                "source": "pabulib",
                "cast_on": None,
                "full_name": None,
                "has_name": False,
                "birth_date": None,
                "voter_hash": hmac.digest(key, f"pabulib:{voter}".encode(), "sha256").hex(),
                "settlement": None,
                "address": None,
                "projects": ",".join(ballot),
                "import_id": record.id,
                "reason": None,
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
    record_event(
        "pb.pabulib_imported",
        object_type="pb_edition",
        object_id=slug,
        details={"file": filename, "sha256": digest, "ballots": len(election.ballots)},
        actor=actor,
    )
    return edition


def _check_pabulib_fits(election: pabulib.Election, filename: str) -> None:
    """What a valid pabulib file may hold but an edition cannot store: :class:`PbError`."""

    def refuse(line: int | None, message: str) -> None:
        raise PbError(_problem(filename, line, None, message))

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
        raise PbError(_problem(filename, election.meta_lines.get(key), None, message)) from None


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


# ---------------------------------------------------------------- paper: double entry

ENTRY_FIELDS = (
    ("cast_on", "Дата голосування"),
    ("full_name", "ПІБ"),
    ("birth_date", "Дата народження"),
    ("document_hash", "Документ"),
    ("settlement", "Населений пункт"),
    ("address", "Адреса"),
    ("projects", "Проєкти"),
)
ENTRY_FIELD_TITLES = dict(ENTRY_FIELDS)


@dataclass(frozen=True)
class EntryData:
    """What an operator typed from one paper form (document already as typed; hashed here)."""

    batch: str
    number: str
    cast_on: dt.date | None
    full_name: str
    birth_date: dt.date | None
    document: str
    settlement: str
    address: str
    projects: str


@dataclass(frozen=True)
class EntryOutcome:
    status: str  # "first" (waiting for the second copy), "agreed", "discrepancy"
    entry: Entry
    message: str


def _comparable(entry: Entry, field_name: str):
    value = getattr(entry, field_name)
    if field_name in ("full_name", "address"):
        return " ".join((value or "").split()).casefold()
    if field_name == "settlement":
        return judging.normalise_settlement(value)
    if field_name == "projects":
        return sorted({judging.normalise_code(c) for c in judging.split_codes(value)})
    return value


def compare_entries(first: Entry, second: Entry) -> list[str]:
    """The fields on which two entries of one paper ballot differ (after normalisation)."""
    return [
        name for name, _ in ENTRY_FIELDS if _comparable(first, name) != _comparable(second, name)
    ]


def paper_ballot_id(batch: str, number: str) -> str:
    return f"{batch}/{number}"


def record_entry(edition: Edition, operator, data: EntryData) -> EntryOutcome:
    """Save one operator's entry of a paper ballot; the second entry decides.

    The same operator cannot type both copies; a third entry is refused.  Two operators saving
    the same ballot at the same moment are serialised by the unique constraints: the loser
    retries as the second copy inside a savepoint, so nothing is lost or doubled.
    """
    assert_open(edition)
    batch, number = data.batch.strip(), data.number.strip()
    if not batch or not number:
        raise PbError("Вкажіть номер пачки (скриньки) і номер бюлетеня.")
    values = {
        "edition_id": edition.id,
        "batch": batch,
        "number": number,
        "operator_id": operator.id,
        "cast_on": data.cast_on,
        "full_name": data.full_name.strip()[:200] or None,
        "birth_date": data.birth_date,
        "document_hash": personal_hash(data.document),
        "settlement": data.settlement.strip()[:120] or None,
        "address": data.address.strip()[:300] or None,
        "projects": ",".join(judging.split_codes(data.projects)),
    }
    for _attempt in range(3):
        existing = list(
            db.session.scalars(
                select(Entry).where(
                    Entry.edition_id == edition.id, Entry.batch == batch, Entry.number == number
                )
            )
        )
        if any(e.operator_id == operator.id for e in existing):
            raise PbError(
                f"Бюлетень {batch}/{number} ви вже вводили: другий примірник має ввести інший "
                "член комісії."
            )
        if len(existing) >= 2:
            raise PbError(f"Бюлетень {batch}/{number} уже введено двічі.")
        copy = 1 if not existing else 2
        entry = Entry(copy=copy, **values)
        try:
            with db.session.begin_nested():
                db.session.add(entry)
                db.session.flush()
        except IntegrityError:
            # Someone saved this ballot at the same moment: look again and retry.
            continue
        if copy == 1:
            return EntryOutcome(
                "first", entry, f"Бюлетень {batch}/{number}: перше введення збережено."
            )
        return _second_entry(edition, existing[0], entry)
    raise PbError(f"Бюлетень {batch}/{number}: не вдалося зберегти, спробуйте ще раз.")


def _second_entry(edition: Edition, first: Entry, second: Entry) -> EntryOutcome:
    differing = compare_entries(first, second)
    batch, number = second.batch, second.number
    if not differing:
        _ballot_from_entry(edition, first)
        return EntryOutcome(
            "agreed", second, f"Бюлетень {batch}/{number}: введення збіглися, враховано."
        )
    db.session.add(Discrepancy(edition_id=edition.id, batch=batch, number=number, fields=differing))
    db.session.flush()
    names = ", ".join(ENTRY_FIELD_TITLES[f] for f in differing)
    return EntryOutcome(
        "discrepancy",
        second,
        f"Бюлетень {batch}/{number}: введення розходяться ({names}) — передано на розгляд комісії.",
    )


def _ballot_from_entry(edition: Edition, entry: Entry, overrides: dict | None = None) -> Ballot:
    values = {name: getattr(entry, name) for name, _ in ENTRY_FIELDS}
    values.update(overrides or {})
    ballot = Ballot(
        edition_id=edition.id,
        ballot_id=paper_ballot_id(entry.batch, entry.number),
        channel="paper",
        source="entry",
        cast_on=values["cast_on"],
        full_name=values["full_name"],
        has_name=bool(values["full_name"]),
        birth_date=values["birth_date"],
        voter_hash=values["document_hash"],
        settlement=values["settlement"],
        address=values["address"],
        projects=values["projects"] or "",
    )
    db.session.add(ballot)
    _mark_dirty(edition)
    db.session.flush()
    return ballot


def list_discrepancies(edition: Edition, *, resolved: bool = False) -> list[Discrepancy]:
    return list(
        db.session.scalars(
            select(Discrepancy)
            .where(Discrepancy.edition_id == edition.id, Discrepancy.is_resolved == resolved)
            .order_by(Discrepancy.id)
        )
    )


def entries_of(discrepancy: Discrepancy) -> list[Entry]:
    return list(
        db.session.scalars(
            select(Entry)
            .where(
                Entry.edition_id == discrepancy.edition_id,
                Entry.batch == discrepancy.batch,
                Entry.number == discrepancy.number,
            )
            .order_by(Entry.copy)
        )
    )


def copy_typed_by(entries: Iterable[Entry], member) -> int | None:
    """Which copy of the paper form ``member`` typed (1 or 2), or ``None``.

    The entries record their own operators; whoever typed either copy is a party to the
    discrepancy and may not decide it (a third member looks at the paper).
    """
    member_id = getattr(member, "id", None)
    for entry in entries:
        if member_id is not None and entry.operator_id == member_id:
            return entry.copy
    return None


def operator_may_not_resolve(copy: int) -> str:
    """Why the operator of copy ``copy`` cannot resolve its discrepancy (Ukrainian)."""
    return (
        f"Ви вводили копію {copy} цього бюлетеня, тож не можете вирішувати розбіжність між "
        "введеннями: її розглядає інший член комісії, який не вводив жодної з копій."
    )


def resolve_discrepancy(
    edition: Edition,
    discrepancy: Discrepancy,
    member,
    choices: dict[str, int],
    note: str,
    *,
    now: dt.datetime | None = None,
) -> Ballot:
    """A commission member, looking at the paper, says which copy is right for each field.

    The member must be neither of the two operators who typed the copies.
    """
    assert_open(edition)
    if discrepancy.is_resolved:
        raise PbError("Розбіжність уже розглянуто.")
    if not note.strip():
        raise PbError("Вкажіть, чому обрано саме ці значення (що видно на паперовому бланку).")
    entries = entries_of(discrepancy)
    if len(entries) != 2:
        raise PbError("Для розбіжності немає двох введень.")
    typed = copy_typed_by(entries, member)
    if typed is not None:
        raise PbError(operator_may_not_resolve(typed))
    by_copy = {e.copy: e for e in entries}
    overrides = {}
    for name in discrepancy.fields:
        copy = choices.get(name)
        if copy not in (1, 2):
            raise PbError(f"Оберіть правильне значення поля «{ENTRY_FIELD_TITLES[name]}».")
        overrides[name] = getattr(by_copy[copy], name)
    ballot = _ballot_from_entry(edition, by_copy[1], overrides)
    discrepancy.is_resolved = True
    discrepancy.resolved_by_id = member.id
    discrepancy.resolved_at = now or database.utcnow()
    discrepancy.note = note.strip()
    db.session.flush()
    record_event(
        "pb.discrepancy_resolved",
        object_type="pb_ballot",
        object_id=f"{edition.slug}:{ballot.ballot_id}",
        details={"fields": {n: choices[n] for n in discrepancy.fields}, "note": note.strip()},
        actor=member,
    )
    return ballot


# ---------------------------------------------------------------- the count


def _project_inputs(edition: Edition) -> list[counting.ProjectIn]:
    return [
        counting.ProjectIn(
            p.code, p.title, p.category_code, Decimal(p.cost), p.submitted_on, p.is_admitted
        )
        for p in list_projects(edition)
    ]


def load_ballots(edition: Edition) -> tuple[list[int], list[judging.BallotIn], list]:
    """Every ballot of the edition as plain data for the judging, in ballot-id (code point)
    order, with the row ids and the stored verdicts (``reason``) alongside.

    Read with a plain SQL statement (no ORM objects, no per-row type processing: a million
    ballots are read in a second or two); dates come back as text from SQLite and as dates
    from PostgreSQL, and are converted once per distinct value.
    """
    # The DBAPI cursor directly: SQLAlchemy's per-row machinery would double the time.  The
    # edition id is an integer from our own row, so inlining it is safe on every driver.
    connection = db.session.connection()
    # Code point order on both databases (SQLite's BINARY is; PostgreSQL needs "C"), so the
    # digest's sort finds the ballots already in order.
    collate = ' COLLATE "C"' if connection.dialect.name == "postgresql" else ""
    if connection.dialect.name == "postgresql":
        # A server-side cursor: libpq would otherwise hold the whole result in memory too.
        cursor = connection.connection.cursor(name="pb_load_ballots")
    else:
        cursor = connection.connection.cursor()
    cursor.execute(
        "SELECT id, ballot_id, channel, cast_on, has_name, birth_date, voter_hash, "
        f"settlement, projects, reason FROM pb_ballots WHERE edition_id = {int(edition.id)} "
        f"ORDER BY ballot_id{collate}"
    )
    ids: list[int] = []
    stored: list = []
    out: list[judging.BallotIn] = []
    make = judging.BallotIn
    split_cache: dict[str, tuple[str, ...]] = {}
    # The driver makes a new string per cell: the few channels and settlements are shared
    # instead of kept a million times (a hundred-odd MiB at a million ballots).
    shared: dict[str | None, str | None] = {}
    share = shared.setdefault
    dates: dict[object, dt.date | None] = {None: None}

    def as_date(value) -> dt.date | None:
        day = value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value)[:10])
        dates[value] = day
        return day

    try:
        # Column by column per chunk (zip(*rows), map): no Python-level step per ballot.
        for chunk in iter(lambda: cursor.fetchmany(50_000), []):
            row_ids, ballot_ids, channels, casts, names, births, voters, places, codes, reasons = (
                zip(*chunk, strict=True)
            )
            ids.extend(row_ids)
            stored.extend(reasons)
            for value in set(casts).union(births).difference(dates):
                as_date(value)
            for text in set(codes).difference(split_cache):
                split_cache[text] = tuple(c for c in (text or "").split(",") if c)
            out.extend(
                map(
                    make,
                    ballot_ids,
                    map(share, channels, channels),
                    map(dates.__getitem__, casts),
                    map(bool, names),
                    map(dates.__getitem__, births),
                    voters,
                    map(share, places, places),
                    map(split_cache.__getitem__, codes),
                )
            )
    finally:
        cursor.close()
    return ids, out, stored


def compute_tally(edition: Edition) -> tuple[counting.CountResult, list[int], list, list]:
    """Judge and count without writing anything: (result, row ids, verdicts, stored reasons)."""
    config = config_of(edition)
    projects = _project_inputs(edition)
    rules = judging.VotingRules(
        voting_starts_on=config.voting_starts_on,
        voting_ends_on=config.voting_ends_on,
        min_age=config.min_age,
        settlements=config.settlements,
        projects={p.code: p.category for p in projects if p.admitted},
        max_choices={c.code: c.max_choices for c in config.categories},
        duplicates=config.duplicates,
        require_identity=config.require_identity,
    )
    with _gc_paused():
        ids, ballots, stored = load_ballots(edition)
        verdicts = judging.judge(ballots, rules)
        return counting.count(config, projects, ballots, verdicts), ids, verdicts, stored


def tally(
    edition: Edition, *, counted_on: dt.date | None = None, actor=None
) -> counting.CountResult:
    """Judge every ballot and count. Stores the result (and each ballot's verdict: ``reason``,
    None when valid; only changed verdicts are written) unless the count is closed: then it only
    recounts, for comparison with the stored digest."""
    if edition.personal_data_purged_at is not None:
        raise PbError(
            "Персональні дані цього видання знищено після строку зберігання: перерахунок "
            "неможливий; чинний результат — у протоколі."
        )
    result, ids, verdicts, stored = compute_tally(edition)
    if edition.status == CLOSED:
        return result
    open_discrepancies = len(list_discrepancies(edition))
    table = Ballot.__table__
    changed = [
        {"b_id": row_id, "b_reason": v.reason}
        for row_id, v, old in zip(ids, verdicts, stored, strict=True)
        if v.reason != old
    ]
    statement = (
        update(table).where(table.c.id == bindparam("b_id")).values(reason=bindparam("b_reason"))
    )
    for start in range(0, len(changed), CHUNK):
        db.session.execute(statement, changed[start : start + CHUNK])
    stored_json = result.as_json()
    # The research rules' outcomes, for the public what-if table (not part of the digest).
    stored_json["what_if"] = counting.what_if(
        config_of(edition), _project_inputs(edition), verdicts
    )
    edition.result = stored_json
    edition.digest = result.digest
    edition.status = COUNTED
    edition.counted_on = counted_on or edition.counted_on or kyiv.today(database.utcnow())
    db.session.flush()
    record_event(
        "pb.tallied",
        object_type="pb_edition",
        object_id=edition.slug,
        details={
            "received": result.received,
            "valid": result.valid,
            "selected": list(result.selected),
            "digest": result.digest,
            "open_discrepancies": open_discrepancies,
        },
        actor=actor,
    )
    return result


def close_edition(edition: Edition, *, on: dt.date, actor=None, now: dt.datetime | None = None):
    """Count one last time and lock the edition: from now on nothing changes."""
    assert_open(edition)
    pending = list_discrepancies(edition)
    if pending:
        raise PbError(
            f"Не розглянуто розбіжностей: {len(pending)}. Закрити підрахунок можна після "
            "рішення комісії щодо кожної."
        )
    result = tally(edition, counted_on=on, actor=actor)
    edition.status = CLOSED
    edition.closed_at = now or database.utcnow()
    edition.closed_by_id = getattr(actor, "id", None)
    db.session.flush()
    record_event(
        "pb.closed",
        object_type="pb_edition",
        object_id=edition.slug,
        details={"counted_on": on.isoformat(), "digest": result.digest},
        actor=actor,
    )
    return result


def reopen_edition(edition: Edition, *, reason: str, actor=None) -> None:
    """Unlock a closed count: only with a reason, which goes into the audit trail."""
    if edition.status != CLOSED:
        raise PbError("Підрахунок не закрито.")
    if not reason.strip():
        raise PbError("Вкажіть причину, з якої підрахунок відкривається знову.")
    if edition.personal_data_purged_at is not None:
        raise PbError("Персональні дані вже знищено: перерахунок неможливий.")
    edition.status = COUNTED
    edition.closed_at = None
    db.session.flush()
    record_event(
        "pb.reopened",
        object_type="pb_edition",
        object_id=edition.slug,
        details={"reason": reason.strip(), "digest": edition.digest},
        actor=actor,
    )


def purge_personal_data(today: dt.date, *, actor=None) -> list[str]:
    """Clear names, birth dates and addresses of editions closed ``retention_days`` ago or more.

    Results, verdicts and the keyed hashes stay (de-duplication and the digest need only those).
    """
    limit = today - dt.timedelta(days=retention_days())
    purged = []
    for edition in db.session.scalars(
        select(Edition).where(Edition.status == CLOSED, Edition.personal_data_purged_at.is_(None))
    ):
        if edition.closed_at is None or kyiv.date_of(edition.closed_at) > limit:
            continue
        db.session.execute(
            update(Ballot.__table__)
            .where(Ballot.__table__.c.edition_id == edition.id)
            .values(full_name=None, birth_date=None, address=None)
        )
        db.session.execute(
            update(Entry.__table__)
            .where(Entry.__table__.c.edition_id == edition.id)
            .values(full_name=None, birth_date=None, address=None)
        )
        edition.personal_data_purged_at = database.utcnow()
        purged.append(edition.slug)
        record_event(
            "pb.personal_data_purged",
            object_type="pb_edition",
            object_id=edition.slug,
            details={"retention_days": retention_days()},
            actor=actor,
        )
    db.session.flush()
    return purged


def delete_edition_ballots(edition: Edition) -> None:  # pragma: no cover - maintenance helper
    assert_open(edition)
    db.session.execute(delete(Ballot).where(Ballot.edition_id == edition.id))


# ---------------------------------------------------------------- results for pages and exports


def stored_result(edition: Edition) -> dict | None:
    return edition.result


def project_titles(edition: Edition) -> dict[str, str]:
    return {p.code: p.title for p in list_projects(edition)}


def list_invalid_ballots(edition: Edition, *, page: int = 1, per_page: int = 50):
    query = (
        select(Ballot)
        .where(Ballot.edition_id == edition.id, Ballot.reason.is_not(None))
        .order_by(Ballot.ballot_id)
    )
    return db.paginate(query, page=page, per_page=per_page, error_out=False)


EXPORT_FORMATS = ("csv", "xlsx", "json", "pb", "pdf")
RESULT_HEADERS = (
    "Код",
    "Назва",
    "Категорія",
    "Вартість, грн",
    "Голосів (папір)",
    "Голосів (онлайн)",
    "Голосів усього",
    "Місце в категорії",
    "Фінансується",
    "Джерело фінансування",
)
FUNDED_FROM_TITLES = {"category": "бюджет категорії", "pool": "спільний залишок", None: ""}


def _require_result(edition: Edition) -> dict:
    if not edition.result:
        raise PbError(f"Видання «{edition.slug}» ще не підраховано: спершу виконайте підрахунок.")
    return edition.result


def result_rows(edition: Edition) -> list[list]:
    result = _require_result(edition)
    return [
        [
            p["code"],
            p["title"],
            p["category"],
            Decimal(p["cost"]),
            p["votes_paper"],
            p["votes_online"],
            p["votes"],
            p["rank"],
            "так" if p["selected"] else "ні",
            FUNDED_FROM_TITLES.get(p["funded_from"], ""),
        ]
        for p in result["projects"]
    ]


def export_edition(edition: Edition, fmt: str) -> bytes:
    """The edition's result as a file: csv, xlsx, json (the tally), pb (pabulib) or pdf."""
    import json

    from civic.tabular import write_csv, write_xlsx

    if fmt not in EXPORT_FORMATS:
        raise PbError(f"Невідомий формат «{fmt}»; можливо: {', '.join(EXPORT_FORMATS)}")
    result = _require_result(edition)
    if fmt == "csv":
        return write_csv(RESULT_HEADERS, result_rows(edition))
    if fmt == "xlsx":
        return write_xlsx(RESULT_HEADERS, result_rows(edition), sheet_title="Результати")
    if fmt == "json":
        return (json.dumps(result, ensure_ascii=False, indent=2) + "\n").encode()
    if fmt == "pb":
        return export_pabulib(edition).encode()
    from civic.pb.protocol import build_protocol

    return build_protocol(protocol_data(edition))


def export_pabulib(edition: Edition) -> str:
    """The counted edition as a pabulib file: valid ballots, `voting_method`, `selected`."""
    result = _require_result(edition)
    config = config_of(edition)
    _ids, ballots, _stored = load_ballots(edition)
    reasons = dict(
        db.session.execute(
            select(Ballot.ballot_id, Ballot.reason).where(Ballot.edition_id == edition.id)
        ).all()
    )
    projects = {p.code: p for p in list_projects(edition) if p.is_admitted}
    codes = {judging.normalise_code(c): c for c in projects}
    voter_ids, votes, methods = [], [], []
    for ballot in sorted(ballots, key=lambda b: judging.ballot_order_key(b.ballot_id)):
        if reasons.get(ballot.ballot_id) is not None:
            continue
        chosen = []
        for typed in ballot.codes:
            code = codes.get(judging.normalise_code(typed))
            if code and code not in chosen:
                chosen.append(code)
        voter_ids.append(ballot.ballot_id.replace(";", "_"))
        votes.append(tuple(chosen))
        methods.append("internet" if ballot.channel == "online" else "paper")
    selected = set(result["selected"])
    votes_by_code = {p["code"]: p["votes"] for p in result["projects"]}
    rows = []
    for code, project in projects.items():
        fields = {
            "project_id": code,
            "cost": pabulib.format_amount(Fraction(Decimal(project.cost))),
            "votes": str(votes_by_code.get(code, 0)),
            "name": project.title,
            "category": project.category_code,
            "selected": "1" if code in selected else "0",
        }
        rows.append(pabulib.ProjectRow(code, Fraction(Decimal(project.cost)), fields))
    meta = {
        "description": edition.title,
        "country": "Ukraine",
        "unit": current_app.config.get("COUNCIL_SHORT_NAME", ""),
        "instance": str(edition.budget_year or edition.voting_ends_on.year),
        "num_projects": str(len(rows)),
        "num_votes": str(len(votes)),
        "budget": pabulib.format_amount(Fraction(config.budget)),
        "vote_type": "approval",
        "rule": edition.rule,
        "date_begin": edition.voting_starts_on.strftime("%d.%m.%Y"),
        "date_end": edition.voting_ends_on.strftime("%d.%m.%Y"),
        "max_length": str(sum(c.max_choices for c in config.categories)),
        "comment": (
            "#1: counted per category ("
            + ", ".join(f"{c.code} {c.budget:.2f}" for c in config.categories)
            + f"); leftover {config.leftover}; tie-break {config.tie_break}"
        ),
    }
    election = pabulib.Election(
        meta=meta,
        project_columns=("project_id", "cost", "votes", "name", "category", "selected"),
        projects=tuple(rows),
        vote_columns=("voter_id", "vote", "voting_method"),
        voter_ids=tuple(voter_ids),
        ballots=tuple(votes),
        points=None,
        vote_fields={"voting_method": tuple(methods)},
    )
    return pabulib.write(election)


def protocol_data(edition: Edition) -> dict:
    """Everything the protocol PDF shows, as plain data (the PDF module stays pure)."""
    from civic.auth.models import User

    result = _require_result(edition)
    members = list(
        db.session.scalars(
            select(User).where(User.is_active.is_(True)).order_by(User.full_name, User.login)
        )
    )
    commission = [u.full_name or u.login for u in members if "commission" in u.roles]
    return {
        "council": current_app.config.get("COUNCIL_NAME", ""),
        "edition": {
            "slug": edition.slug,
            "title": edition.title,
            "voting_starts_on": edition.voting_starts_on,
            "voting_ends_on": edition.voting_ends_on,
            "counted_on": edition.counted_on,
            "status": edition.status,
            "rule": edition.rule,
            "rule_text": counting.rule_text(config_of(edition)),
            "tie_break": edition.tie_break,
            "leftover": edition.leftover,
            "min_votes": edition.min_votes,
            "min_age": edition.min_age,
        },
        "categories": [
            {"code": c.code, "title": c.title, "budget": Decimal(c.budget)}
            for c in edition.categories
        ],
        "result": result,
        "commission": commission,
    }
