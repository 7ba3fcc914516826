"""The calendar of occasions (pure): professional and memorial days and when they fall.

A rule is text an admin can edit:

- ``"11-21"`` — a fixed day (21 November);
- ``"11/sat/4"`` — the fourth Saturday of November (День пам'яті жертв голодоморів,
  Указ Президента № 1310/98 and № 431/2007);
- ``"07/sun/last"`` — the last Sunday of July.

Days were set by decrees of the President of Ukraine and laws; some changed date or name
(e.g. День захисників і захисниць України moved from 14 October to 1 October in 2023), so a
rule may be limited to years with ``from_year`` / ``to_year``.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_FIXED = re.compile(r"^(\d{2})-(\d{2})$")
_FLOATING = re.compile(r"^(\d{2})/(mon|tue|wed|thu|fri|sat|sun)/([1-5]|last)$")

CATEGORIES = {
    "state": "Державне свято",
    "professional": "Професійне свято",
    "memorial": "Пам'ятна дата",
    "international": "Міжнародний день",
}


class RuleError(ValueError):
    """A date rule that cannot be read; the message is Ukrainian, for the form."""


def check_rule(rule: str) -> str:
    """Validate a rule and return it normalised; raises RuleError with a Ukrainian message."""
    rule = (rule or "").strip().lower()
    fixed = _FIXED.match(rule)
    if fixed:
        month, day = int(fixed[1]), int(fixed[2])
        if not 1 <= month <= 12 or not 1 <= day <= (29 if month == 2 else 31):
            raise RuleError(f"дати «{rule}» не існує (очікується ММ-ДД, напр. 11-21)")
        if day > calendar.monthrange(2024, month)[1]:
            raise RuleError(f"дати «{rule}» не існує")
        return rule
    if _FLOATING.match(rule):
        if not 1 <= int(rule[:2]) <= 12:
            raise RuleError(f"місяця «{rule[:2]}» не існує")
        return rule
    raise RuleError(
        f"не вдалося прочитати правило «{rule}»: очікується ММ-ДД (11-21), "
        "ММ/день/номер (11/sat/4 — четверта субота листопада) або ММ/день/last"
    )


def occurrence(rule: str, year: int) -> dt.date | None:
    """The date a rule gives in ``year``; None when that year has no such day (29 February)."""
    rule = check_rule(rule)
    fixed = _FIXED.match(rule)
    if fixed:
        month, day = int(fixed[1]), int(fixed[2])
        if day > calendar.monthrange(year, month)[1]:
            return None
        return dt.date(year, month, day)
    month_text, weekday_text, nth = rule.split("/")
    month, weekday = int(month_text), WEEKDAYS.index(weekday_text)
    days = [
        dt.date(year, month, d)
        for d in range(1, calendar.monthrange(year, month)[1] + 1)
        if dt.date(year, month, d).weekday() == weekday
    ]
    if nth == "last":
        return days[-1]
    index = int(nth) - 1
    return days[index] if index < len(days) else None


@dataclass(frozen=True)
class Occasion:
    name: str
    rule: str
    category: str = "professional"
    from_year: int | None = None
    to_year: int | None = None

    def on(self, year: int) -> dt.date | None:
        if self.from_year is not None and year < self.from_year:
            return None
        if self.to_year is not None and year > self.to_year:
            return None
        return occurrence(self.rule, year)


def occasions_between(
    occasions: list[Occasion], first: dt.date, last: dt.date
) -> list[tuple[dt.date, Occasion]]:
    """Every (date, occasion) with ``first <= date <= last``, by date then name."""
    found = []
    for year in range(first.year, last.year + 1):
        for occasion in occasions:
            day = occasion.on(year)
            if day is not None and first <= day <= last:
                found.append((day, occasion))
    return sorted(found, key=lambda item: (item[0], item[1].name))
