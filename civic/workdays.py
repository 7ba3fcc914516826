"""The working-day calendar (pure): "the N-th working day after D" for legal clocks.

Rules (КЗпП ст. 67, 73; Law 2136-IX of 15.03.2022 «Про організацію трудових відносин в умовах
воєнного стану», in force from 24.03.2022):

- a working day is Monday–Friday, minus official days off (holidays, including a holiday moved
  from a weekend, and days off moved by Cabinet recommendation), plus Saturdays declared working
  in exchange for a moved day off (e.g. Saturday 11.01.2020 for Monday 06.01.2020);
- while holidays are suspended (martial law, from 24.03.2022) holidays and moved days are
  ordinary days: only the weekend counts as days off;
- days declared by the council (a declared non-working day, or a working day) override both.

The calendar is plain data passed in: :func:`build_calendar` gives it a version (a hash of its
contents) that every computed deadline records. :func:`seed_days` reads the ``holidays`` package
(pure data, no I/O) for the pre-war official calendar.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass

# Martial law was introduced on 24.02.2022; Law 2136-IX made holidays working days from 24.03.2022.
MARTIAL_LAW_START = dt.date(2022, 2, 24)
HOLIDAYS_WORKING_FROM = dt.date(2022, 3, 24)
SEED_FIRST_YEAR = 2015
SEED_LAST_YEAR = 2030


@dataclass(frozen=True)
class Calendar:
    """Everything a working-day computation needs, and the version recorded with deadlines."""

    official_days_off: frozenset[dt.date] = frozenset()
    official_working_days: frozenset[dt.date] = frozenset()
    declared_days_off: frozenset[dt.date] = frozenset()
    declared_working_days: frozenset[dt.date] = frozenset()
    # Periods (first day, last day or None if open) when official holidays and moved days off
    # do not apply (martial law under Law 2136-IX).
    suspensions: tuple[tuple[dt.date, dt.date | None], ...] = ()
    version: str = ""


def _suspended(calendar: Calendar, day: dt.date) -> bool:
    return any(start <= day and (end is None or day <= end) for start, end in calendar.suspensions)


def is_working_day(calendar: Calendar, day: dt.date) -> bool:
    """Whether ``day`` is a working day under ``calendar`` (see the module rules)."""
    if day in calendar.declared_days_off:
        return False
    if day in calendar.declared_working_days:
        return True
    if not _suspended(calendar, day):
        if day in calendar.official_days_off:
            return False
        if day in calendar.official_working_days:
            return True
    return day.weekday() < 5


def add_working_days(calendar: Calendar, start: dt.date, n: int) -> dt.date:
    """The ``n``-th working day after ``start`` (``start`` itself is not counted; n ≥ 0).

    ``n == 0`` gives ``start`` itself. A term "within N working days of D" ends on this day.
    """
    if n < 0:
        raise ValueError("n must not be negative")
    day = start
    remaining = n
    while remaining:
        day += dt.timedelta(days=1)
        if is_working_day(calendar, day):
            remaining -= 1
    return day


def next_working_day(calendar: Calendar, day: dt.date) -> dt.date:
    """``day`` itself if it is a working day, else the first working day after it."""
    while not is_working_day(calendar, day):
        day += dt.timedelta(days=1)
    return day


def working_days_between(calendar: Calendar, start: dt.date, end: dt.date) -> int:
    """How many working days lie in (start, end]; negative when ``end`` is before ``start``."""
    if end < start:
        return -working_days_between(calendar, end, start)
    count = 0
    day = start
    while day < end:
        day += dt.timedelta(days=1)
        if is_working_day(calendar, day):
            count += 1
    return count


def calendar_version(
    official: tuple[Iterable[dt.date], Iterable[dt.date]],
    declared: tuple[Iterable[dt.date], Iterable[dt.date]],
    suspensions: Iterable[tuple[dt.date, dt.date | None]],
) -> str:
    """A short, stable hash of the calendar's contents (recorded with each deadline)."""
    payload = {
        "official_off": sorted(d.isoformat() for d in official[0]),
        "official_working": sorted(d.isoformat() for d in official[1]),
        "declared_off": sorted(d.isoformat() for d in declared[0]),
        "declared_working": sorted(d.isoformat() for d in declared[1]),
        "suspensions": sorted(
            [s.isoformat(), e.isoformat() if e else None] for s, e in suspensions
        ),
    }
    digest = hashlib.sha256(json.dumps(payload, sort_keys=True).encode("utf-8")).hexdigest()
    return digest[:16]


def build_calendar(
    *,
    official_days_off: Iterable[dt.date] = (),
    official_working_days: Iterable[dt.date] = (),
    declared_days_off: Iterable[dt.date] = (),
    declared_working_days: Iterable[dt.date] = (),
    suspensions: Iterable[tuple[dt.date, dt.date | None]] = (),
) -> Calendar:
    """A :class:`Calendar` with its version computed from its contents."""
    off, working = frozenset(official_days_off), frozenset(official_working_days)
    d_off, d_working = frozenset(declared_days_off), frozenset(declared_working_days)
    periods = tuple(sorted(suspensions, key=lambda p: p[0]))
    return Calendar(
        official_days_off=off,
        official_working_days=working,
        declared_days_off=d_off,
        declared_working_days=d_working,
        suspensions=periods,
        version=calendar_version((off, working), (d_off, d_working), periods),
    )


def seed_days(
    first_year: int = SEED_FIRST_YEAR, last_year: int = SEED_LAST_YEAR
) -> tuple[frozenset[dt.date], frozenset[dt.date]]:
    """Official days off on weekdays and working weekend days from the ``holidays`` package.

    The package knows Ukraine's holidays, their moves off the weekend ("observed") and the
    Cabinet's moved days off with the Saturdays worked in exchange (e.g. 06.01.2020 off for
    Saturday 11.01.2020). Only weekdays matter for the days off.
    """
    import holidays  # a pure data package; imported here to keep module import cheap

    years = range(first_year, last_year + 1)
    ua = holidays.country_holidays("UA", years=years, categories=("public", "workday"))
    days_off = frozenset(day for day in ua if day.weekday() < 5 and day.year in years)
    working = frozenset(day for day in ua.weekend_workdays if day.year in years)
    return days_off, working


def default_calendar(
    suspensions: Iterable[tuple[dt.date, dt.date | None]] = ((HOLIDAYS_WORKING_FROM, None),),
) -> Calendar:
    """The seeded calendar with holidays suspended from 24.03.2022 (no declared days)."""
    days_off, working = seed_days()
    return build_calendar(
        official_days_off=days_off, official_working_days=working, suspensions=suspensions
    )
