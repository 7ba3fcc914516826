"""Stored legal clocks follow the working-day calendar in force.

When an administrator declares a day off (or a working day, or a martial-law period) the
moderation and answer deadlines already stored on open petitions are counted again from their
start, so the queue never shows a date the calculator itself would move.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import or_, select

from civic import kyiv
from civic.audit.models import AuditEvent
from civic.extensions import db
from civic.petitions import lifecycle
from civic.petitions import services as _services
from civic.petitions.lifecycle import State
from civic.petitions.models import Petition
from civic.workcalendar.services import calendar_changed, get_calendar


def moderation_started_on(petition: Petition) -> dt.date | None:
    """The day the 2-working-day clock started: confirmation, or the latest restoration."""
    restored = db.session.scalar(
        select(AuditEvent.created_at)
        .where(
            AuditEvent.object_type == "petition",
            AuditEvent.object_id == str(petition.id),
            AuditEvent.action == "petition.restored",
        )
        .order_by(AuditEvent.id.desc())
        .limit(1)
    )
    return kyiv.date_of(restored) if restored is not None else petition.confirmed_on


@calendar_changed.connect
def recompute_deadlines(_sender=None, **_) -> int:
    """Count the open clocks again on the calendar in force (flushes); how many moved.

    A moderation deadline counts its 2 working days from confirmation (or restoration), an
    answer deadline its 10 from the notice of consideration; each move is audited.
    """
    calendar = get_calendar()
    moderation = [s.value for s in lifecycle.IN_MODERATION]
    open_clocks = db.session.scalars(
        select(Petition).where(
            or_(
                Petition.state.in_(moderation) & Petition.moderation_due_on.is_not(None),
                (Petition.state == State.CONSIDERATION.value)
                & Petition.consideration_started_on.is_not(None),
            ),
            or_(Petition.calendar_version.is_(None), Petition.calendar_version != calendar.version),
        )
    )
    moved = 0
    for petition in open_clocks:
        if petition.state in moderation:
            start = moderation_started_on(petition)
            field = "moderation_due_on"
            due = lifecycle.moderation_due_on(calendar, start) if start else None
        else:
            field = "answer_due_on"
            due = lifecycle.answer_due_on(calendar, petition.consideration_started_on)
        petition.calendar_version = calendar.version
        old = getattr(petition, field)
        if due is not None and due != old:
            setattr(petition, field, due)
            _services._audit(
                "deadline_moved",
                petition,
                deadline=field,
                old=old,
                new=due,
                calendar=calendar.version,
            )
            moved += 1
    db.session.flush()
    return moved
