"""Building the pure calendar from the seed and the editable rows; editing those rows."""

from __future__ import annotations

import datetime as dt
from functools import lru_cache

from flask import g, has_app_context

from civic import workdays
from civic.audit.services import record_event
from civic.errors import DomainError
from civic.extensions import db
from civic.workcalendar.models import DAY_KINDS, DAY_OFF, DeclaredDay, MartialLawPeriod


class CalendarError(DomainError, ValueError):
    """A Ukrainian message about a calendar edit that was refused."""


@lru_cache(maxsize=1)
def _seed() -> tuple[frozenset[dt.date], frozenset[dt.date]]:
    return workdays.seed_days()


def list_declared_days() -> list[DeclaredDay]:
    return list(db.session.scalars(db.select(DeclaredDay).order_by(DeclaredDay.day_on)))


def list_martial_law_periods() -> list[MartialLawPeriod]:
    return list(
        db.session.scalars(db.select(MartialLawPeriod).order_by(MartialLawPeriod.starts_on))
    )


def build_current_calendar() -> workdays.Calendar:
    """The calendar in force: the seeded official days plus this database's rows."""
    official_off, official_working = _seed()
    days = list_declared_days()
    periods = list_martial_law_periods()
    return workdays.build_calendar(
        official_days_off=official_off,
        official_working_days=official_working,
        declared_days_off=[d.day_on for d in days if d.kind == DAY_OFF],
        declared_working_days=[d.day_on for d in days if d.kind != DAY_OFF],
        suspensions=[(p.holidays_working_from, p.ends_on) for p in periods],
    )


def get_calendar() -> workdays.Calendar:
    """The current calendar, built once per request (or app context)."""
    if has_app_context():
        cached = g.get("_civic_calendar")
        if cached is None:
            cached = g._civic_calendar = build_current_calendar()
        return cached
    return build_current_calendar()


def _forget() -> None:
    if has_app_context():
        g.pop("_civic_calendar", None)


_OBJECT_TYPES = {DeclaredDay: "declared_day", MartialLawPeriod: "martial_law_period"}


def _record(action: str, row, details: dict, actor) -> None:
    record_event(
        f"workcalendar.{action}",
        object_type=_OBJECT_TYPES[type(row)],
        object_id=row.id,
        details=details,
        actor=actor,
    )


def _saved(action: str, row, details: dict, actor):
    """Write ``row`` (new or changed), log it, and let the next read rebuild the calendar."""
    db.session.add(row)
    db.session.flush()
    _record(action, row, details, actor)
    _forget()
    return row


def _removed(action: str, row, details: dict, actor) -> None:
    _record(action, row, details, actor)
    db.session.delete(row)
    db.session.flush()
    _forget()


def declare_day(day_on: dt.date, kind: str, note: str = "", *, actor=None) -> DeclaredDay:
    if kind not in DAY_KINDS:
        raise CalendarError("Невідомий вид дня.")
    existing = db.session.scalar(db.select(DeclaredDay).where(DeclaredDay.day_on == day_on))
    if existing is not None:
        raise CalendarError(f"День {day_on:%d.%m.%Y} уже оголошено; спершу вилучіть його.")
    row = DeclaredDay(day_on=day_on, kind=kind, note=note.strip())
    return _saved("day_declared", row, {"day": day_on, "kind": kind, "note": row.note}, actor)


def remove_declared_day(row: DeclaredDay, *, actor=None) -> None:
    _removed("day_removed", row, {"day": row.day_on, "kind": row.kind}, actor)


def add_martial_law_period(
    starts_on: dt.date,
    ends_on: dt.date | None,
    holidays_working_from: dt.date | None = None,
    note: str = "",
    *,
    actor=None,
) -> MartialLawPeriod:
    working_from = holidays_working_from or starts_on
    if ends_on is not None and ends_on < starts_on:
        raise CalendarError("Кінець періоду не може бути раніше за його початок.")
    if working_from < starts_on:
        raise CalendarError("Свята стають робочими днями не раніше за початок періоду.")
    row = MartialLawPeriod(
        starts_on=starts_on, ends_on=ends_on, holidays_working_from=working_from, note=note.strip()
    )
    details = {"starts_on": starts_on, "ends_on": ends_on, "holidays_working_from": working_from}
    return _saved("martial_law_added", row, details, actor)


def end_martial_law_period(row: MartialLawPeriod, ends_on: dt.date, *, actor=None) -> None:
    if ends_on < row.starts_on:
        raise CalendarError("Кінець періоду не може бути раніше за його початок.")
    row.ends_on = ends_on
    _saved("martial_law_ended", row, {"ends_on": ends_on}, actor)


def remove_martial_law_period(row: MartialLawPeriod, *, actor=None) -> None:
    _removed(
        "martial_law_removed", row, {"starts_on": row.starts_on, "ends_on": row.ends_on}, actor
    )
