"""The moderators' soft edit lock: who is working on a petition now (a courtesy notice; the
row version is what refuses a save made over a colleague's). Written with plain UPDATEs so the
optimistic version never moves; taken by a POST the open page sends, never by a GET.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import update

from civic.extensions import db
from civic.formatting import short_name
from civic.petitions.models import Petition

LOCK_MINUTES = 30


@dataclass(frozen=True)
class LockInfo:
    holder: str | None  # who else is working on it (login / name), None if nobody


def lock_for(petition: Petition, user, *, now: dt.datetime) -> LockInfo:
    """Who else holds the soft lock now, as the moderation page shows it (reads only)."""
    holder = petition.locked_by_id not in (None, user.id) and lock_holder(petition, now=now)
    return LockInfo(holder or None)


def open_for_moderation(petition: Petition, user, *, now: dt.datetime) -> LockInfo:
    """Take the soft lock unless another moderator took it within LOCK_MINUTES.

    Taken by a POST the moderation page sends when it opens (and again while it stays open),
    never by the GET that shows the page (docs/decisions/0002).

    The lock is written with a plain UPDATE so it does not bump the optimistic version.
    """
    fresh = petition.locked_at is not None and now - petition.locked_at < dt.timedelta(
        minutes=LOCK_MINUTES
    )
    if fresh and petition.locked_by_id not in (None, user.id):
        holder = petition.locked_by
        return LockInfo(
            short_name(holder.full_name) or holder.login if holder else "інший модератор"
        )
    db.session.execute(
        update(Petition)
        .where(Petition.id == petition.id)
        .values(locked_by_id=user.id, locked_at=now)
        .execution_options(synchronize_session=False)
    )
    return LockInfo(None)


def leave_moderation(petition: Petition, user) -> bool:
    """The moderator closed the petition's page: their soft lock goes (another's stays).

    A plain UPDATE like the lock itself, so the optimistic version does not move. True if a
    lock was released.
    """
    result = db.session.execute(
        update(Petition)
        .where(Petition.id == petition.id, Petition.locked_by_id == user.id)
        .values(locked_by_id=None, locked_at=None)
        .execution_options(synchronize_session=False)
    )
    return bool(result.rowcount)


def lock_holder(petition: Petition, *, now: dt.datetime) -> str | None:
    """Who is working on the petition now (a lock younger than LOCK_MINUTES), for lists."""
    if petition.locked_at is None or petition.locked_by is None:
        return None
    if now - petition.locked_at >= dt.timedelta(minutes=LOCK_MINUTES):
        return None
    return short_name(petition.locked_by.full_name) or petition.locked_by.login
