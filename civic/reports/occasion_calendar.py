"""The stored calendar of occasions: listing, dates in a year or a period, editing.

The date rules themselves are pure (``occasions.py``). Services flush; the caller commits.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from civic.extensions import db
from civic.reports import occasions
from civic.reports.defaults import load_defaults
from civic.reports.models import Occasion
from civic.reports.services import ReportError, record_saved, setting


def list_occasions() -> list[Occasion]:
    return list(db.session.scalars(select(Occasion).order_by(Occasion.rule, Occasion.name)))


def _as_pure(o: Occasion) -> occasions.Occasion:
    return occasions.Occasion(o.name, o.rule, o.category, o.from_year, o.to_year)


def occasions_of_year(year: int) -> list[tuple[dt.date | None, Occasion]]:
    """Every occasion (active or not) with its date in ``year``, by date; undated ones last."""
    listing = [(_as_pure(o).on(year), o) for o in list_occasions()]
    return sorted(listing, key=lambda i: (i[0] is None, i[0] or dt.date.max, i[1].name))


def occasions_in(first: dt.date, last: dt.date) -> list[tuple[dt.date, Occasion]]:
    rows = [o for o in list_occasions() if o.is_active]
    by_name = {o.name: o for o in rows}
    return [
        (day, by_name[p.name])
        for day, p in occasions.occasions_between([_as_pure(o) for o in rows], first, last)
    ]


def upcoming_occasions(today: dt.date, days: int | None = None) -> list[tuple[dt.date, Occasion]]:
    """Occasions from today to the end of the coming month, so greetings are ready in time."""
    days = days if days is not None else int(setting("REPORT_UPCOMING_DAYS", 35))
    last = today + dt.timedelta(days=days)
    rows = list(db.session.scalars(select(Occasion)))
    if not rows:  # before the calendar is first saved: the official list, nothing written
        return occasions.occasions_between(list(load_defaults().occasions), today, last)
    active = [o for o in rows if o.is_active]
    by_name = {o.name: o for o in active}
    pure = [_as_pure(o) for o in active]
    return [(day, by_name[p.name]) for day, p in occasions.occasions_between(pure, today, last)]


def save_occasion(
    occasion: Occasion | None,
    *,
    name: str,
    rule: str,
    category: str,
    from_year=None,
    to_year=None,
    is_active=True,
    actor=None,
) -> Occasion:
    try:
        rule = occasions.check_rule(rule)
    except occasions.RuleError as exc:
        raise ReportError(f"Правило дати: {exc}.") from None
    if category not in occasions.CATEGORIES:
        raise ReportError("Невідома категорія нагоди.")
    clash = db.session.scalar(select(Occasion).where(Occasion.name == name.strip()))
    if clash is not None and clash is not occasion:
        raise ReportError(f"Нагода «{name}» уже є в календарі.")
    created = occasion is None
    occasion = occasion or Occasion()
    occasion.name, occasion.rule, occasion.category = name.strip(), rule, category
    occasion.from_year, occasion.to_year, occasion.is_active = from_year, to_year, is_active
    details = {"name": occasion.name, "rule": rule}
    record_saved(occasion, "occasion", created=created, details=details, actor=actor)
    return occasion
