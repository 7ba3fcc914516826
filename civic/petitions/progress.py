"""A petition's signatures over time (pure): running totals per day for the petition page."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence


def running_totals(
    per_day: Sequence[tuple[dt.date, int]], first: dt.date, last: dt.date
) -> list[tuple[dt.date, int, int]]:
    """``(day, signed that day, total so far)`` for every day from ``first`` to ``last``
    (days before ``first`` count in the first day's total; none are dropped)."""
    counts = dict(per_day)
    total = sum(n for day, n in per_day if day < first)
    out = []
    day = first
    while day <= last:
        new = counts.get(day, 0)
        total += new
        out.append((day, new, total))
        day += dt.timedelta(days=1)
    return out


def chart_span(
    per_day: Sequence[tuple[dt.date, int]],
    published_on: dt.date | None,
    ends_on: dt.date | None,
    today: dt.date,
) -> tuple[dt.date, dt.date] | None:
    """The days the chart covers: from publication (or the first signature) to today or the end
    of collection, whichever is earlier, and never before the last signature; None: nothing."""
    if not per_day:
        return None
    first = min(published_on or per_day[0][0], per_day[0][0])
    last = min(today, ends_on) if ends_on else today
    return first, max(last, per_day[-1][0])
