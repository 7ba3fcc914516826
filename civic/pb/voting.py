"""Online PB voting in civic by identified citizens (issue 16 point 3; docs/pb.md).

An identified citizen (:mod:`civic.identity`) chooses projects within the edition's limits and
casts one ballot. It is judged by the same pure :mod:`civic.pb.ballots` rules as a paper one —
age on the voting day from the provider's birth date, residence from the provider's address or
else the settlement the citizen declares (then marked for the commission to check) — and a
ballot that would be invalid is refused with the reason instead of being stored. A stored
ballot is a ``pb_ballots`` row with the channel "online" and the source "vote":

- ``voter_hash`` is the citizen's ``document_hash``: the hash a paper form gets when the same
  РНОКПП (or passport number) is written on it, so the edition's ``duplicates`` rule resolves one
  person's paper and online ballots at the count;
- ``person_hash`` is unique per edition: of parallel casts by one person exactly one row is
  written, the others are told they have voted already;
- ``receipt_hash`` is the keyed hash of a random code shown once (:func:`check_receipt`
  answers by it whether the ballot was received and, after the count, its verdict).

The view commits once. A cast is not an audit event: the ballot row is its record (the audit
chain's lock and anchor would make every vote wait for the one before); the receipt checks are
audited.
"""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass

from flask import current_app
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from civic import kyiv, personal_data
from civic.extensions import db
from civic.identity.citizen import Citizen
from civic.pb import ballots as judging
from civic.pb import counting, grouping, online
from civic.pb.edition import EditionConfig
from civic.pb.models import CLOSED, COUNTED, DRAFT, Ballot, Edition
from civic.pb.services import PbError, config_of, list_projects

CHANNEL = "online"
SOURCE = "vote"

SIGNED_OUT = "Час входу минув або ви вийшли. Увійдіть ще раз, щоб проголосувати."


@dataclass(frozen=True)
class BallotPaper:
    """What the voting page shows: the edition's settings, its admitted projects by category
    and the judging rules (never any count)."""

    config: EditionConfig
    rules: judging.VotingRules
    categories: list[tuple[object, list]]  # (category config, [Project rows])


@dataclass(frozen=True)
class PageState:
    """Where a citizen stands on the voting page: signed out (``citizen`` None), voting closed
    (``closed``: why), voted, or choosing on ``paper`` (declaring a settlement or not)."""

    citizen: Citizen | None
    closed: str | None
    voted: bool
    paper: BallotPaper | None
    asks_settlement: bool


def page_state(edition: Edition, citizen: Citizen | None, now: dt.datetime) -> PageState:
    config = config_of(edition)
    closed = closed_message(edition, now, config)
    voted = citizen is not None and not closed and has_voted(edition, citizen)
    paper = ballot_paper(edition, config) if citizen and not closed and not voted else None
    asks = paper is not None and needs_settlement(paper, citizen)
    return PageState(citizen, closed, voted, paper, asks)


def ballot_paper(edition: Edition, config: EditionConfig | None = None) -> BallotPaper:
    """The edition's online ballot paper: the admitted projects of each category."""
    config = config or config_of(edition)
    projects = [p for p in list_projects(edition) if p.is_admitted]
    rules = counting.voting_rules(
        config,
        [
            counting.ProjectIn(p.code, p.title, p.category_code, p.cost, p.submitted_on, True)
            for p in projects
        ],
    )
    categories = [
        (c, [p for p in projects if p.category_code == c.code]) for c in config.categories
    ]
    return BallotPaper(config, rules, [(c, ps) for c, ps in categories if ps])


def closed_message(
    edition: Edition, now: dt.datetime, config: EditionConfig | None = None
) -> str | None:
    return online.closed_message(
        config or config_of(edition), is_closed=edition.is_closed, today=kyiv.today(now)
    )


def list_open_editions(now: dt.datetime) -> list[Edition]:
    """The editions whose online vote is open today (the PB page links to them)."""
    today = kyiv.today(now)
    return list(
        db.session.scalars(
            select(Edition)
            .where(
                Edition.online_voting.is_(True),
                Edition.status != CLOSED,
                Edition.online_starts_on <= today,
                Edition.online_ends_on >= today,
            )
            .order_by(Edition.online_ends_on, Edition.slug)
        )
    )


def has_voted(edition: Edition, citizen: Citizen) -> bool:
    return (
        db.session.scalar(
            select(Ballot.id).where(
                Ballot.edition_id == edition.id, Ballot.person_hash == citizen.person_hash
            )
        )
        is not None
    )


def list_declared(edition: Edition, *, limit: int = 500) -> list[Ballot]:
    """Online ballots whose settlement the voter declared (no address from the provider): the
    commission checks each (docs/pb.md)."""
    return list(
        db.session.scalars(
            select(Ballot)
            .where(Ballot.edition_id == edition.id, Ballot.address_declared.is_(True))
            .order_by(Ballot.cast_on, Ballot.id)
            .limit(limit)
        )
    )


def needs_settlement(paper: BallotPaper, citizen: Citizen) -> bool:
    """The citizen declares their settlement when the provider gave no address and the edition
    checks residence."""
    return not citizen.address and bool(paper.rules.settlements)


def review(
    paper: BallotPaper,
    citizen: Citizen,
    codes: list[str],
    *,
    declared: str | None,
    today: dt.date,
) -> judging.BallotIn:
    """The ballot the citizen would cast, judged; raises :class:`PbError` with the specific
    refusal when it would be invalid (nothing is written)."""
    if citizen.document_hash is None:
        raise PbError(SIGNED_OUT)
    if needs_settlement(paper, citizen):
        settlement = (declared or "").strip()[:120]
        if not settlement:
            raise PbError("Вкажіть населений пункт, у якому ви проживаєте.")
    else:
        settlement = online.settlement_of(citizen.address, paper.rules.settlements)
    ballot = judging.BallotIn(
        "online",
        CHANNEL,
        today,
        bool(citizen.full_name),
        citizen.birth_on,
        citizen.document_hash,
        settlement,
        tuple(dict.fromkeys(codes)),
    )
    verdict = judging.judge_one(ballot, paper.rules)
    if verdict.reason is not None:
        message = online.refusal(
            verdict.reason,
            paper.rules,
            categories={c.code: c.title for c in paper.config.categories},
            choices=ballot.codes,
            declared=needs_settlement(paper, citizen),
        )
        raise PbError(message)
    return ballot._replace(codes=verdict.choices)


def receipt_hash(code: str) -> str | None:
    normalised = online.normalise_receipt(code)
    if not normalised:
        return None
    key = current_app.config["PERSONAL_DATA_KEY"]
    return personal_data.keyed_hash(key, normalised, purpose=online.RECEIPT_PURPOSE)


def _mark_dirty(edition: Edition) -> None:
    """A new ballot makes the stored digest and tally stale — one plain UPDATE that writes only
    when something is stored (parallel casts do not queue on the edition's row, nor bump its
    version)."""
    table = Edition.__table__
    db.session.execute(
        update(table)
        .where(table.c.id == edition.id, table.c.ballots_digest.is_not(None))
        .values(ballots_digest=None)
    )
    db.session.execute(
        update(table)
        .where(table.c.id == edition.id, table.c.status == COUNTED)
        .values(status=DRAFT, result=None, digest=None)
    )


def cast_ballot(
    edition: Edition,
    citizen: Citizen,
    codes: list[str],
    *,
    declared: str | None,
    now: dt.datetime,
) -> str:
    """Store the identified citizen's online ballot → the receipt code (shown once)."""
    config = config_of(edition)  # read once: the stored TOML is parsed for it
    closed = closed_message(edition, now, config)
    if closed:
        raise PbError(closed)
    if has_voted(edition, citizen):
        raise PbError(online.ALREADY_VOTED)
    paper = ballot_paper(edition, config)
    judged = review(paper, citizen, codes, declared=declared, today=kyiv.today(now))
    code = online.format_receipt(secrets.token_bytes(10))
    ballot_id = f"online-{secrets.token_hex(8)}"
    row = Ballot(edition_id=edition.id, ballot_id=ballot_id, channel=CHANNEL, source=SOURCE)
    for name in ("cast_on", "has_name", "settlement"):
        setattr(row, name, getattr(judged, name))
    row.voter_hash, row.projects = judged.voter, ",".join(judged.codes)
    row.full_name, row.birth_date = citizen.full_name, citizen.birth_on
    row.person_hash, row.receipt_hash = citizen.person_hash, receipt_hash(code)
    row.address = (citizen.address or judged.settlement or "")[:300] or None
    row.address_declared = needs_settlement(paper, citizen)
    row.frozen_reason, row.codes_key = grouping.frozen_columns(
        grouping.frozen_checks(paper.config),
        row.has_name,
        row.birth_date,
        row.voter_hash,
        row.cast_on,
        row.settlement,
        row.projects,
    )
    try:
        with db.session.begin_nested():
            db.session.add(row)
    except IntegrityError:
        raise PbError(online.ALREADY_VOTED) from None  # a parallel cast of this person won
    _mark_dirty(edition)
    return code
