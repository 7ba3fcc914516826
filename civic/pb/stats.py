"""Participatory-budget figures for the department's monthly report."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from civic.extensions import db
from civic.pb.models import Edition
from civic.pb.publication import results_public


def monthly_statistics(first_day: dt.date, last_day: dt.date) -> dict:
    """Editions counted between ``first_day`` and ``last_day`` (inclusive), with their numbers.

    Only editions whose results are public (the count closed: :func:`results_public`): the
    report is an official document, and a working tally is no result yet.

    ``{"editions": [{"slug", "title", "budget_year", "counted_on", "received", "valid",
    "invalid", "invalid_by_reason", "selected" (project titles), "votes"}], "implementation":
    {...}}`` — the winners' implementation in the month (implementation_services).
    """
    editions = db.session.scalars(
        select(Edition)
        .where(
            Edition.counted_on >= first_day,
            Edition.counted_on <= last_day,
        )
        .order_by(Edition.counted_on, Edition.slug)
    )
    out = []
    for edition in filter(results_public, editions):
        result = edition.result
        ballots = result.get("ballots", {})
        titles = {p["code"]: p["title"] for p in result.get("projects", [])}
        out.append(
            {
                "slug": edition.slug,
                "title": edition.title,
                "budget_year": edition.budget_year,
                "counted_on": edition.counted_on,
                "received": ballots.get("received", 0),
                "valid": ballots.get("valid", 0),
                "invalid": ballots.get("invalid", 0),
                "invalid_by_reason": {
                    k: v for k, v in ballots.get("invalid_by_reason", {}).items() if v
                },
                "selected": [titles.get(c, c) for c in result.get("selected", [])],
                "votes": sum(p["votes"] for p in result.get("projects", [])),
            }
        )
    from civic.pb.implementation_services import monthly_statistics as implementation_statistics

    return {"editions": out, "implementation": implementation_statistics(first_day, last_day)}
