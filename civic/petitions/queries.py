"""Reading petitions: public lists and search, signers' pages, similar titles, the moderators'
queues, and the SQL filter for a petition's effective state on a day.
"""

from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass

from sqlalchemy import and_, bindparam, case, false, func, not_, or_, select, true
from sqlalchemy.orm import selectinload

from civic import kyiv
from civic.database import built_once, paginate_rows
from civic.extensions import db
from civic.petitions import lifecycle, screening
from civic.petitions.lifecycle import Clock, State
from civic.petitions.models import Petition, Signature, SignatureHour
from civic.petitions.services import petition_threshold, threshold_setting
from civic.petitions.signatures import counted_clause

SIGNERS_PER_PAGE = 100  # the public list of signers
SIGNERS_ON_PETITION = 20  # the first of them, on the petition's page


def effective_state(petition: Petition, today: dt.date) -> State:
    return lifecycle.effective_state(
        petition.state_enum,
        petition.collection_ends_on,
        petition.signature_count,
        petition_threshold(petition),
        today,
    )


def _clock_clause(at: Clock, today: dt.date, default_threshold: int):
    """SQL for ``lifecycle.clock(...) == at``; the threshold as ``petition_threshold`` takes it."""
    over = and_(Petition.collection_ends_on.is_not(None), Petition.collection_ends_on < today)
    threshold = func.coalesce(func.nullif(Petition.threshold, 0), default_threshold)
    reached = Petition.signature_count >= threshold
    if at == Clock.RUNNING:
        return not_(over)
    return and_(over, reached if at == Clock.REACHED else not_(reached))


def state_clause(state: State, today: dt.date):
    """Petitions whose *effective* state is ``state`` on ``today``: built from
    ``lifecycle.stored_as``, so it selects what ``effective_state`` decides."""
    default_threshold = threshold_setting()
    alternatives = []
    for stored, clocks in lifecycle.stored_as(state).items():
        condition = Petition.state == stored.value
        if clocks != frozenset(Clock):
            at = or_(*(_clock_clause(c, today, default_threshold) for c in sorted(clocks)))
            condition = and_(condition, at)
        alternatives.append(condition)
    return or_(*alternatives) if alternatives else false()


def public_clause():
    return Petition.state.in_([s.value for s in lifecycle.PUBLIC_STATES])


def search_clause(q: str):
    """Petitions whose title or text holds every word of ``q`` (case, apostrophes and
    look-alike letters folded)."""
    words = screening.normalise(q).replace("\\", "").replace("%", "").replace("_", " ").split()
    if not words:
        return true()
    return and_(*(Petition.search_text.like(f"%{word}%") for word in words[:10]))


# The public list's orders: the query parameter ``sort`` → its label.
PUBLIC_SORTS = {
    "newest": "спершу нові",
    "signatures": "за кількістю підписів",
    "ending": "збір скоро завершиться",
}


def list_public(
    *,
    today: dt.date,
    status: str | None = None,
    q: str | None = None,
    sort: str = "newest",
    page=1,
):
    query = select(Petition).where(public_clause())
    if status:
        query = query.where(state_clause(State(status), today))
    if q:
        query = query.where(search_clause(q))
    newest = (Petition.published_on.desc(), Petition.id.desc())
    if sort == "signatures":
        query = query.order_by(Petition.signature_count.desc(), *newest)
    elif sort == "ending":
        # Petitions still collecting, the nearest end first; then the rest, newest first.
        collecting = state_clause(State.COLLECTING, today)
        query = query.order_by(
            case((collecting, 0), else_=1),
            case((collecting, Petition.collection_ends_on), else_=None),
            *newest,
        )
    else:
        query = query.order_by(*newest)
    return db.paginate(query, page=page, per_page=20, error_out=False)


def _counted_signatures(petition_id: int):
    return select(Signature).where(Signature.petition_id == petition_id, counted_clause())


def list_signers(petition: Petition) -> list[Signature]:
    """Every counted signature in the order of confirmation (exports, moderators' checks)."""
    query = _counted_signatures(petition.id).order_by(Signature.confirmed_at, Signature.id)
    return list(db.session.scalars(query))


def signers_page(petition: Petition, *, page: int = 1, per_page: int | None = None):
    """One page of the public list of signers (name and date rows), oldest first.

    The total is the petition's counter, which every confirmation and invalidation keeps equal
    to the number of counted signatures (``civic petitions tick`` recounts).
    """
    query = (
        _counted_signatures(petition.id)
        .with_only_columns(Signature.full_name, Signature.confirmed_at)
        .order_by(Signature.confirmed_at, Signature.id)
    )
    per_page = per_page or SIGNERS_PER_PAGE
    return paginate_rows(
        query, page=max(page, 1), per_page=per_page, total=petition.signature_count
    )


class PetitionRow:
    """A petition as its public page reads it: the columns of one Core row (attribute access,
    as on the ORM object) and ``state_enum``; no ORM object, identity map or version check."""

    __slots__ = ("_row",)

    def __init__(self, row) -> None:
        self._row = row

    def __getattr__(self, name: str):
        return getattr(self._row, name)

    @property
    def state_enum(self) -> State:
        return State(self._row.state)


@built_once
def _petition_row_statement():
    table = Petition.__table__
    return select(table).where(table.c.id == bindparam("petition_id"))


def petition_row(petition_id: int) -> PetitionRow | None:
    """The petition's columns in one statement built once (the public page, read only)."""
    row = db.session.execute(_petition_row_statement(), {"petition_id": petition_id}).first()
    return None if row is None else PetitionRow(row)


@dataclass(frozen=True)
class FirstSigners:
    """The first signers shown on the petition's page: ``items`` are (name, date) rows."""

    items: list
    total: int

    @property
    def has_next(self) -> bool:
        return self.total > len(self.items)


@built_once
def _first_signers_statement():
    s = Signature.__table__.c
    return (
        select(s.full_name, s.confirmed_at)
        .where(
            s.petition_id == bindparam("petition_id"),
            s.confirmed_at.is_not(None),
            s.invalidated_at.is_(None),
        )
        .order_by(s.confirmed_at, s.id)
        .limit(bindparam("limit"))
    )


def first_signers(petition: Petition, *, limit: int | None = None) -> FirstSigners:
    """The oldest ``limit`` counted signers in one statement built once (the petition's page):
    what ``signers_page`` gives for page 1, without a pagination object."""
    if not petition.signature_count:
        return FirstSigners([], 0)
    rows = db.session.execute(
        _first_signers_statement(),
        {"petition_id": petition.id, "limit": limit or SIGNERS_ON_PETITION},
    ).all()
    return FirstSigners(rows, petition.signature_count)


def suggest_similar(
    title: str, *, today: dt.date, exclude: int | None = None, include_moderation: bool = False
):
    """Petitions still collecting or under consideration with a similar title.

    Moderators (``include_moderation``) also see petitions waiting in the queue; the public
    never sees titles that are not published.
    """
    live = [state_clause(State.COLLECTING, today), state_clause(State.CONSIDERATION, today)]
    if include_moderation:
        live.append(Petition.state.in_([s.value for s in lifecycle.IN_MODERATION]))
    rows = db.session.execute(select(Petition.id, Petition.title).where(or_(*live))).all()
    return screening.similar_titles(title, [(r.id, r.title) for r in rows if r.id != exclude])


def moderation_queue(today: dt.date) -> dict[str, list[Petition]]:
    rows = db.session.scalars(
        select(Petition)
        .where(Petition.state.in_([s.value for s in lifecycle.IN_MODERATION]))
        .options(selectinload(Petition.locked_by))
        .order_by(Petition.moderation_due_on, Petition.id)
    )
    buckets: dict[str, list[Petition]] = {b: [] for b in lifecycle.BUCKET_LABELS}
    for petition in rows:
        buckets[lifecycle.queue_bucket(petition.moderation_due_on, today)].append(petition)
    return buckets


def consideration_queue(today: dt.date) -> list[Petition]:
    """Published petitions that need the council's action (consideration, appeals)."""
    return list(
        db.session.scalars(
            select(Petition)
            .where(
                or_(
                    state_clause(State.CONSIDERATION, today),
                    state_clause(State.NOT_SUPPORTED, today),
                )
            )
            .order_by(Petition.answer_due_on.is_(None).desc(), Petition.answer_due_on, Petition.id)
        )
    )


@built_once
def _by_hour_statement():
    h = SignatureHour.__table__.c
    return select(h.hour, h.count).where(h.petition_id == bindparam("petition_id"), h.count > 0)


def signatures_by_day(petition: Petition) -> list[tuple[dt.date, int]]:
    """Counted signatures per Kyiv day of confirmation, in day order (days with none left out):
    the petition page's progress chart and its table.

    The database keeps the count per UTC hour (``SignatureHour``, by triggers), so the page
    reads one row per hour with signatures, not one per signature; Kyiv's offset from UTC is
    a whole number of hours (+2, +3 in summer, and so throughout tzdata since 1924), so every
    UTC hour lies within one Kyiv day.
    """
    rows = db.session.execute(_by_hour_statement(), {"petition_id": petition.id})
    days: dict[dt.date, int] = {}
    for hour, count in rows:
        day = _kyiv_day_of_hour(hour)
        days[day] = days.get(day, 0) + count
    return sorted(days.items())


@functools.lru_cache(maxsize=8192)
def _kyiv_day_of_hour(hour: str | dt.datetime) -> dt.date:
    """The Kyiv date of a UTC hour as the database gives it (every page view asks again for
    the same hours of the same petitions)."""
    if isinstance(hour, str):
        hour = dt.datetime.fromisoformat(hour)
    return kyiv.date_of(hour.replace(tzinfo=dt.UTC))
