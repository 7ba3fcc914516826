"""Participatory-budget operations on an edition: its settings, the count, closing, purging.

Imports live in :mod:`civic.pb.imports`, the paper double entry in :mod:`civic.pb.double_entry`,
results and files for pages and downloads in :mod:`civic.pb.exports`.  The view or CLI command
that calls an operation commits once; every failure raises :class:`PbError` (a Ukrainian message
for users) before anything is flushed, or leaves a transaction the caller rolls back, so bad input
changes nothing.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterable
from decimal import Decimal

from flask import current_app
from sqlalchemy import delete, func, select, update

from civic import database, kyiv, personal_data
from civic.audit.services import record_change, record_event
from civic.errors import DomainError
from civic.extensions import db
from civic.gc_pause import gc_paused
from civic.pb import ballots as judging
from civic.pb import counting, grouping
from civic.pb.edition import Category as CategoryConfig
from civic.pb.edition import (
    EditionConfig,
    EditionError,
    Member,
    dump_edition,
    parse_edition,
    protocol_settings_only,
    unknown_in_exclusive,
)
from civic.pb.models import (
    CLOSED,
    COUNTED,
    DRAFT,
    Ballot,
    Category,
    Discrepancy,
    Edition,
    Entry,
    Project,
)
from civic.pb.publication import results_public

MAX_LISTED_PROBLEMS = 50


CHUNK = 5000


class PbError(DomainError):
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
    """The keyed hash (:func:`civic.personal_data.keyed_hash`) of a normalised document."""
    normalised = judging.normalise_document(document)
    if not normalised:
        return None
    return personal_data.keyed_hash(current_app.config["PERSONAL_DATA_KEY"], normalised)


def check_hash(document: str | None) -> str | None:
    """The keyed hash of a document's last four characters (:func:`judging.check_part`)."""
    part = judging.check_part(judging.normalise_document(document))
    if not part:
        return None
    key = current_app.config["PERSONAL_DATA_KEY"]
    return personal_data.keyed_hash(key, part, purpose=judging.CHECK_PURPOSE)


def retention_days() -> int:
    return personal_data.retention_days(current_app.config, "PB_RETENTION_DAYS")


# ---------------------------------------------------------------- editions


def get_edition(slug: str) -> Edition | None:
    if "\x00" in slug:  # no slug has one (e.g. %00 in a URL), and PostgreSQL refuses it outright
        return None
    return db.session.scalar(select(Edition).where(Edition.slug == slug))


def list_editions() -> list[Edition]:
    return list(db.session.scalars(select(Edition).order_by(Edition.voting_starts_on.desc())))


def list_public_editions() -> list[Edition]:
    return [e for e in list_editions() if results_public(e)]


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
        commission=tuple(Member(**m) for m in edition.commission or ()),
        protocol_number=edition.protocol_number or "",
        protocol_on=edition.protocol_on,
        online_voting=edition.online_voting,
        online_starts_on=edition.online_starts_on if edition.online_voting else None,
        online_ends_on=edition.online_ends_on if edition.online_voting else None,
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


def _audit(edition: Edition, action: str, details: dict, actor) -> None:
    """Write the edition's change and record ``pb.<action>`` on it (the trail names it by slug)."""
    record_change(
        f"pb.{action}", edition, details, actor=actor, object_type="pb_edition", key="slug"
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
        # Who signs the protocol may change until the count is closed; the counting rules not.
        changes_rules = not protocol_settings_only(config_of(edition), config)
        if changes_rules and (count_ballots(edition) or count_entries(edition)):
            raise PbError(
                f"Видання «{config.slug}» уже має бюлетені: налаштування підрахунку змінювати "
                "не можна."
            )
    # Before the projects are imported the codes cannot be checked; the count checks them then.
    codes = set() if created else _codes(edition)
    problem = unknown_in_exclusive(config, codes) if codes else None
    if problem:
        raise PbError(f"Налаштування громадського бюджету: {problem}")
    _apply_config(edition, config, text)
    _audit(
        edition,
        "edition_created" if created else "edition_updated",
        {"title": edition.title, "budget": str(config.budget)},
        actor,
    )
    return edition


# The settings stored as they are in columns of the same name.
_COLUMN_SETTINGS = (
    "title",
    "budget_year",
    "voting_starts_on",
    "voting_ends_on",
    "min_age",
    "duplicates",
    "rule",
    "min_votes",
    "tie_break",
    "leftover",
    "require_identity",
    "protocol_number",
    "protocol_on",
    "online_voting",
    "online_starts_on",
    "online_ends_on",
)


def _apply_config(edition: Edition, config: EditionConfig, text: str) -> None:
    for name in _COLUMN_SETTINGS:
        setattr(edition, name, getattr(config, name))
    edition.settlements = list(config.settlements)
    edition.lot_order = list(config.lot_order)
    edition.commission = [dict(vars(m)) for m in config.commission]
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


# ---------------------------------------------------------------- what the count reads


def _codes(edition: Edition) -> set[str]:
    return {p.code for p in list_projects(edition)}


def list_projects(edition: Edition) -> list[Project]:
    return list(
        db.session.scalars(
            select(Project).where(Project.edition_id == edition.id).order_by(Project.code)
        )
    )


def mark_dirty(edition: Edition) -> None:
    """New or changed ballots make a stored tally stale."""
    edition.ballots_digest = None  # the next count computes it again
    if edition.status == COUNTED:
        edition.status = DRAFT
        edition.result = None
        edition.digest = None


def list_discrepancies(edition: Edition, *, resolved: bool = False) -> list[Discrepancy]:
    return list(
        db.session.scalars(
            select(Discrepancy)
            .where(Discrepancy.edition_id == edition.id, Discrepancy.is_resolved == resolved)
            .order_by(Discrepancy.id)
        )
    )


# ---------------------------------------------------------------- the count


def _project_inputs(edition: Edition) -> list[counting.ProjectIn]:
    return [
        counting.ProjectIn(
            p.code, p.title, p.category_code, Decimal(p.cost), p.submitted_on, p.is_admitted
        )
        for p in list_projects(edition)
    ]


def count_rules(edition: Edition) -> judging.VotingRules:
    """What the judging of the edition's ballots needs, with its projects as they are now."""
    return counting.voting_rules(config_of(edition), _project_inputs(edition))


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


def compute_tally(edition: Edition, *, plain: bool = False, stored: bool = True):
    """Judge and count without writing verdicts: (result, grouped tally or None).

    By groups of identical ballots (:mod:`civic.pb.grouping`), or with ``plain`` every stored
    ballot read and judged again from its columns (:func:`counting.count`): the recount that
    checks a closed count against its protocol, trusting nothing computed before.
    ``stored=False``: by groups read from the ballots even when the last count's groups are
    still true (:func:`grouping.stored_tally`)."""
    config = config_of(edition)
    projects = _project_inputs(edition)
    problem = unknown_in_exclusive(config, (p.code for p in projects))
    if problem:
        raise PbError(f"Підрахунок неможливий: {problem}. Виправте налаштування видання.")
    if plain:
        with gc_paused():
            _ids, ballots, _stored = load_ballots(edition)
            verdicts = judging.judge(ballots, counting.voting_rules(config, projects))
            result = counting.count(config, projects, ballots, verdicts)
            if edition.digest not in (None, result.digest):  # perhaps published before 3 Dec
                legacy = counting.legacy_digest(config, projects, ballots, verdicts, result)
                if legacy == edition.digest:
                    result = dataclasses.replace(result, digest=legacy)
            return result, None
    with gc_paused():
        grouped = grouping.grouped_tally(edition, config, projects, stored=stored)
    result = counting.count_groups(
        config, projects, grouped.received, grouped.chosen, grouped.section
    )
    return result, grouped


def prepare_count(edition: Edition) -> None:
    """After ballots were stored (an import): judge them as a count does, store each verdict
    and keep the count's groups (:mod:`civic.pb.grouping`), so that the next count reads one
    row instead of every ballot. Nothing is published: the edition stays as it is. An edition
    that cannot be counted yet (its settings name an unknown project) is left to the count,
    which says why."""
    config = config_of(edition)
    projects = _project_inputs(edition)
    if edition.status == CLOSED or unknown_in_exclusive(config, (p.code for p in projects)):
        return
    with gc_paused():
        grouped = grouping.grouped_tally(edition, config, projects)
        grouped.write()
        grouped.save()


def tally(
    edition: Edition,
    *,
    counted_on: dt.date | None = None,
    actor=None,
    what_if: bool = True,
    from_ballots: bool = False,
) -> counting.CountResult:
    """Judge every ballot and count. Stores the result (and each ballot's verdict: ``reason``,
    None when valid; only changed verdicts are written) unless the count is closed: then it only
    recounts every ballot from its stored columns, for comparison with the stored digest.

    ``what_if=False`` leaves out the research rules' outcomes and their explanations (the
    public what-if table) unless the last count's are still true (the same digest): they are
    not part of the result and cost more than the count itself on a first count of a million
    ballots.

    While nothing changed since the last count or import, the count reads their groups
    (:func:`grouping.stored_tally`); ``from_ballots`` reads the ballots' groups whatever is
    stored (the closing count: what the protocol says comes from the ballots themselves)."""
    if edition.personal_data_purged_at is not None:
        raise PbError(
            "Персональні дані цього видання знищено після строку зберігання: перерахунок "
            "неможливий; чинний результат — у протоколі."
        )
    if edition.status == CLOSED:
        return compute_tally(edition, plain=True)[0]
    result, grouped = compute_tally(edition, stored=not from_ballots)
    open_discrepancies = len(list_discrepancies(edition))
    grouped.write()
    grouped.save()
    stored_json = result.as_json()
    # The research rules' outcomes and why, for the public what-if table (not part of the
    # digest; the same inputs — the digest says so — give the same, so they are kept from the
    # last count).
    before = edition.result or {}
    if before.get("digest") == result.digest and "what_if_reasons" in before:
        stored_json["what_if"] = before["what_if"]
        stored_json["what_if_reasons"] = before["what_if_reasons"]
    elif what_if:
        from civic.pb import explain  # Babel's formatting, for the what-if table only

        config, projects = config_of(edition), _project_inputs(edition)
        stored_json["what_if"] = counting.what_if(config, projects, grouped.folded)
        stored_json["what_if_reasons"] = explain.what_if_reasons(
            config, projects, grouped.folded, stored_json["what_if"]
        )
    edition.result = stored_json
    edition.digest = result.digest
    edition.status = COUNTED
    edition.counted_on = counted_on or edition.counted_on or kyiv.today(database.utcnow())
    _audit(
        edition,
        "tallied",
        {
            "received": result.received,
            "valid": result.valid,
            "selected": list(result.selected),
            "digest": result.digest,
            "open_discrepancies": open_discrepancies,
        },
        actor,
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
    result = tally(edition, counted_on=on, actor=actor, from_ballots=True)
    edition.status = CLOSED
    edition.closed_at = now or database.utcnow()
    edition.closed_by_id = getattr(actor, "id", None)
    _audit(edition, "closed", {"counted_on": on.isoformat(), "digest": result.digest}, actor)
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
    _audit(edition, "reopened", {"reason": reason.strip(), "digest": edition.digest}, actor)


def purge_personal_data(today: dt.date, *, actor=None) -> list[str]:
    """Clear names, birth dates and addresses of editions closed ``retention_days`` ago or more.

    Results, verdicts and the keyed hashes stay (de-duplication and the digest need only those).
    """
    limit = personal_data.retention_cutoff(today, retention_days())
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
    mark_dirty(edition)
