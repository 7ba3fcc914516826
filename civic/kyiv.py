"""The council's time, Europe/Kyiv (pure): legal dates from moments and back.

Moments are stored as aware UTC; every date that carries legal meaning (a protocol's date of
counting, a report's month, a petition's day) is the *Kyiv* date of a moment, and every local time
a person types is Kyiv time, as the pages show it.  Nothing here reads the clock: callers pass
``now`` (an aware moment) in.

Kyiv is UTC+2 in winter and UTC+3 in summer; the clocks go forward from 03:00 to 04:00 on the last
Sunday of March (03:xx does not exist) and back from 04:00 to 03:00 on the last Sunday of October
(03:xx happens twice).
"""

from __future__ import annotations

import datetime as dt
import re
from zoneinfo import ZoneInfo

ZONE = ZoneInfo("Europe/Kyiv")

__all__ = [
    "ZONE",
    "KyivTimeError",
    "date_of",
    "day_bounds",
    "local",
    "month_bounds",
    "month_days",
    "parse_date",
    "parse_local",
    "parse_month",
    "period_bounds",
    "to_utc",
    "today",
]


class KyivTimeError(ValueError):
    """A local time that cannot be read (the message is Ukrainian, for the user)."""


def _aware(moment: dt.datetime) -> dt.datetime:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise TypeError("an aware datetime is required (naive moments are ambiguous)")
    return moment


def local(moment: dt.datetime) -> dt.datetime:
    """An aware moment as Kyiv wall-clock time (aware, tzinfo Europe/Kyiv)."""
    return _aware(moment).astimezone(ZONE)


def date_of(moment: dt.datetime) -> dt.date:
    """The Kyiv date of an aware moment: 2026-12-03 23:30 UTC → 2026-12-04."""
    return local(moment).date()


def today(now: dt.datetime) -> dt.date:
    """Today's legal date at the moment ``now`` (aware; usually ``civic.database.utcnow()``)."""
    return date_of(now)


def to_utc(naive: dt.datetime, *, fold: int = 0) -> dt.datetime:
    """A naive Kyiv wall-clock time as an aware UTC moment.

    A time in the spring gap (03:00–03:59 on the last Sunday of March) does not exist and is
    refused.  A time in the autumn overlap (03:00–03:59 on the last Sunday of October) happens
    twice: ``fold=0`` takes the first (summer, UTC+3), ``fold=1`` the second (winter, UTC+2).
    """
    if naive.tzinfo is not None:
        raise TypeError("a naive Kyiv wall-clock time is required")
    moment = naive.replace(tzinfo=ZONE, fold=fold)
    utc = moment.astimezone(dt.UTC)
    if utc.astimezone(ZONE).replace(tzinfo=None) != naive:
        raise KyivTimeError(
            f"{naive:%d.%m.%Y %H:%M} за київським часом не існує: о 03:00 годинник "
            "переводять на 04:00."
        )
    return utc


def day_bounds(day: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """The Kyiv day as a half-open UTC interval ``[start, end)`` (23 or 25 hours at DST)."""
    start = to_utc(dt.datetime.combine(day, dt.time.min))
    end = to_utc(dt.datetime.combine(day + dt.timedelta(days=1), dt.time.min))
    return start, end


def period_bounds(first_day: dt.date, last_day: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """Kyiv days ``first_day`` to ``last_day`` inclusive as a half-open UTC interval."""
    return day_bounds(first_day)[0], day_bounds(last_day)[1]


def month_days(month: dt.date) -> tuple[dt.date, dt.date]:
    """The first and the last day of the month containing ``month``."""
    first = month.replace(day=1)
    following = (first + dt.timedelta(days=32)).replace(day=1)
    return first, following - dt.timedelta(days=1)


def month_bounds(month: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """The Kyiv month containing ``month`` as a half-open UTC interval ``[start, end)``."""
    return period_bounds(*month_days(month))


_DOTTED = re.compile(
    r"(?P<d>\d{1,2})\.(?P<m>\d{1,2})\.(?P<y>\d{4})(?:[ T]+(?P<H>\d{1,2}):(?P<M>\d{2}))?"
)
_DOTTED_DATE = re.compile(r"(?P<d>\d{1,2})\.(?P<m>\d{1,2})\.(?P<y>\d{4})")
_ISO_DATE = re.compile(r"(?P<y>\d{4})-(?P<m>\d{1,2})-(?P<d>\d{1,2})")


def parse_date(text: str) -> dt.date:
    """A date as people and files write it: ``ДД.ММ.РРРР`` (the pages' form) or ISO ``РРРР-ММ-ДД``.

    The one reader of typed dates (forms, CLI options, uploaded tables).  Raises
    :class:`KyivTimeError` with a Ukrainian message: «31.02.2004 — такої дати не існує».
    """
    value = (text or "").strip()
    if not value:
        raise KyivTimeError("дату не вказано")
    match = _DOTTED_DATE.fullmatch(value) or _ISO_DATE.fullmatch(value)
    if match is None:
        raise KyivTimeError(f"«{value}» — не дата (очікувалося ДД.ММ.РРРР або РРРР-ММ-ДД)")
    try:
        return dt.date(int(match["y"]), int(match["m"]), int(match["d"]))
    except ValueError:
        raise KyivTimeError(f"{value} — такої дати не існує") from None


def parse_month(text: str) -> dt.date:
    """A month as typed, ``РРРР-ММ`` (``"2020-11"``) → its first day; :class:`KyivTimeError` else."""
    match = re.fullmatch(r"\s*(\d{4})-(\d{1,2})\s*", text or "")
    if not match or not 1 <= int(match[2]) <= 12:
        raise KyivTimeError(f"місяць «{text}» не розпізнано: очікується РРРР-ММ, напр. 2020-11")
    return dt.date(int(match[1]), int(match[2]), 1)


def parse_local(text: str, *, fold: int = 0) -> dt.datetime:
    """What a person typed as Kyiv time → an aware UTC moment.

    Accepts the pages' own form ``ДД.ММ.РРРР ГГ:ХХ`` and ISO ``РРРР-ММ-ДД ГГ:ХХ`` (a date alone
    means 00:00).  An explicit offset (``2026-07-01T10:00+00:00``) is honoured as written.
    """
    value = " ".join((text or "").split())
    expected = "очікувано дату й час за київським часом: ДД.ММ.РРРР ГГ:ХХ або РРРР-ММ-ДД ГГ:ХХ"
    match = _DOTTED.fullmatch(value)
    try:
        if match:
            parsed = dt.datetime(
                int(match["y"]),
                int(match["m"]),
                int(match["d"]),
                int(match["H"] or 0),
                int(match["M"] or 0),
            )
        else:
            parsed = dt.datetime.fromisoformat(value)
    except ValueError:
        raise KyivTimeError(f"«{text}» — {expected}.") from None
    if parsed.tzinfo is not None:
        return parsed.astimezone(dt.UTC)
    return to_utc(parsed, fold=fold)
