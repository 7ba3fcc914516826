"""Figures of the enterprises module for the department's monthly report."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from civic import kyiv
from civic.enterprises.models import Enterprise, Upload
from civic.extensions import db


def monthly_statistics(first_day: dt.date, last_day: dt.date) -> dict:
    """Uploads (statements and plans) made from ``first_day`` to ``last_day`` inclusive, Kyiv time.

    → ``{"uploads": int, "enterprises_updated": int, "enterprise_names": [str, ...]}``; names are
    full names, sorted, each once.
    """
    start, end = kyiv.period_bounds(first_day, last_day)
    rows = db.session.execute(
        select(Upload.id, Enterprise.id, Enterprise.name)
        .join(Enterprise, Upload.enterprise_id == Enterprise.id)
        .where(Upload.uploaded_at >= start, Upload.uploaded_at < end)
    ).all()
    names = {enterprise_id: name for _, enterprise_id, name in rows}
    return {
        "uploads": len(rows),
        "enterprises_updated": len(names),
        "enterprise_names": sorted(names.values()),
    }
