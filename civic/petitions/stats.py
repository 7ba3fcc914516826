"""Petition statistics for a period: the KPI page, ``civic petitions kpi`` and the monthly report.

``monthly_statistics(first_day, last_day)`` is the interface the monthly report calls.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter

from sqlalchemy import func, select

from civic import kyiv
from civic.extensions import db
from civic.petitions import lifecycle
from civic.petitions.models import Petition, Signature
from civic.petitions.services import petition_threshold


def _between(column, first_day: dt.date, last_day: dt.date):
    return column.between(first_day, last_day)


def _share(flags: list[bool]) -> float | None:
    return round(sum(flags) / len(flags), 4) if flags else None


def monthly_statistics(first_day: dt.date, last_day: dt.date) -> dict:
    """Counts for petitions' activity between ``first_day`` and ``last_day`` (inclusive).

    Keys: received (submitted and confirmed by the author in the period), published, refused,
    refused_by_reason ({code: n}), answered, reached_threshold (collections that closed in the
    period with the threshold reached, as of the period's end), signatures (confirmed in the
    period, not invalidated), decided_within_2_days_share and answered_within_10_days_share
    (0..1, None when nothing was decided/answered).
    """
    session = db.session
    received = session.scalar(
        select(func.count(Petition.id)).where(_between(Petition.confirmed_on, first_day, last_day))
    )
    published = list(
        session.scalars(
            select(Petition).where(_between(Petition.published_on, first_day, last_day))
        )
    )
    refused = list(
        session.scalars(select(Petition).where(_between(Petition.refused_on, first_day, last_day)))
    )
    answered = list(
        session.scalars(select(Petition).where(_between(Petition.answered_on, first_day, last_day)))
    )
    # Collections whose last day fell before the period's end: closed on read as on tick.
    reached = 0
    for petition in session.scalars(
        select(Petition).where(
            _between(
                Petition.collection_ends_on,
                first_day - dt.timedelta(days=1),
                last_day - dt.timedelta(days=1),
            )
        )
    ):
        if petition.reached_threshold is not None:
            reached += bool(petition.reached_threshold)
        elif petition.state == lifecycle.State.COLLECTING.value:
            reached += lifecycle.threshold_reached(
                petition.signature_count, petition_threshold(petition)
            )
    start, end = kyiv.period_bounds(first_day, last_day)
    signatures = session.scalar(
        select(func.count(Signature.id)).where(
            Signature.confirmed_at >= start,
            Signature.confirmed_at < end,
            Signature.invalidated_at.is_(None),
        )
    )
    decided = [
        lifecycle.in_time(p.decided_on, p.moderation_due_on)
        for p in published + refused
        if p.moderation_due_on is not None and p.decided_on is not None
    ]
    answered_flags = [
        lifecycle.in_time(p.answered_on, p.answer_due_on)
        for p in answered
        if p.answer_due_on is not None and p.reached_threshold
    ]
    by_reason = Counter(p.refusal_reason_code for p in refused if p.refusal_reason_code)
    return {
        "first_day": first_day.isoformat(),
        "last_day": last_day.isoformat(),
        "received": int(received or 0),
        "published": len(published),
        "refused": len(refused),
        "refused_by_reason": dict(sorted(by_reason.items())),
        "answered": len(answered),
        "reached_threshold": reached,
        "signatures": int(signatures or 0),
        "decided_within_2_days_share": _share(decided),
        "answered_within_10_days_share": _share(answered_flags),
    }
