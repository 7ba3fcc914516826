"""Import of a pabulib file as an edition: its META as the edition's settings, its PROJECTS and
VOTES as projects and ballots, checked whole first (a problem raises :class:`PbError`, the
caller's rollback leaves nothing). The CSV/XLSX imports are :mod:`civic.pb.imports`.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from decimal import Decimal
from fractions import Fraction

from flask import current_app
from sqlalchemy import insert

from civic import personal_data
from civic.audit.services import record_event
from civic.extensions import db
from civic.pb import grouping, pabulib, rules
from civic.pb.digest import ballot_columns, columns_digest
from civic.pb.edition import MAX_INT, EditionConfig, EditionError, dump_edition, parse_edition
from civic.pb.edition import Category as CategoryConfig
from civic.pb.imports import Progress
from civic.pb.models import Ballot, Edition, ImportedFile, Project
from civic.pb.projects import MAX_COST, pabulib_place, problem
from civic.pb.services import (
    CHUNK,
    PbError,
    get_edition,
    prepare_count,
    save_edition,
)
from civic.tabular import parse_date


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
    db.session.flush()
    prepare_count(edition)
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
