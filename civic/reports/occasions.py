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


def _o(name, rule, category="professional", from_year=None, to_year=None) -> Occasion:
    return Occasion(name, rule, category, from_year, to_year)


# Official days of Ukraine (decrees of the President, laws of Ukraine) that a city council's
# department usually greets or marks. Admins edit the calendar; this is its starting point.
OFFICIAL_OCCASIONS: tuple[Occasion, ...] = (
    _o("Новий рік", "01-01", "state"),
    _o("День Соборності України", "01-22", "state"),
    _o("Міжнародний день памʼяті жертв Голокосту", "01-27", "memorial"),
    _o("День памʼяті Героїв Крут", "01-29", "memorial"),
    _o("День вшанування учасників бойових дій на території інших держав", "02-15", "memorial"),
    _o("День Героїв Небесної Сотні", "02-20", "memorial"),
    _o("Міжнародний день рідної мови", "02-21", "international"),
    _o("Міжнародний жіночий день", "03-08", "state"),
    _o("День українського добровольця", "03-14", "memorial", 2017),
    _o("День Національної гвардії України", "03-26", "professional"),
    _o(
        "День працівників житлово-комунального господарства і побутового обслуговування",
        "03/sun/4",
    ),
    _o("День довкілля", "04/sat/3"),
    _o("День Чорнобильської трагедії", "04-26", "memorial"),
    _o("День прикордонника", "04-30"),
    _o("День праці", "05-01", "state"),
    _o("День матері", "05/sun/2", "state"),
    _o("День памʼяті та примирення", "05-08", "memorial", None, 2022),
    _o("День памʼяті та перемоги над нацизмом у Другій світовій війні", "05-08", "memorial", 2023),
    _o("День памʼяті жертв геноциду кримськотатарського народу", "05-18", "memorial"),
    _o("День памʼяті жертв політичних репресій", "05/sun/3", "memorial"),
    _o("Міжнародний день захисту дітей", "06-01", "international"),
    _o("День журналіста", "06-06"),
    _o("День медичного працівника", "06/sun/3"),
    _o("День скорботи і вшанування памʼяті жертв війни в Україні", "06-22", "memorial"),
    _o("День державної служби", "06-23"),
    _o("День Конституції України", "06-28", "state"),
    _o("День Національної поліції України", "07-04"),
    _o("День Української Державності", "07-15", "state", 2024),
    _o("День металурга", "07/sun/3"),
    _o("День працівників торгівлі", "07/sun/last"),
    _o("День молоді", "08-12", "state", 2021),
    _o("День будівельника", "08/sun/2"),
    _o("День Державного Прапора України", "08-23", "state"),
    _o("День Незалежності України", "08-24", "state"),
    _o("День шахтаря", "08/sun/last"),
    _o("День памʼяті захисників України", "08-29", "memorial", 2019),
    _o("День знань", "09-01", "state"),
    _o("День підприємця", "09/sun/1"),
    _o("День рятівника", "09-17"),
    _o("День фармацевтичного працівника", "09/sat/3"),
    _o("День партизанської слави", "09-22", "memorial"),
    _o("Міжнародний день людей похилого віку та День ветеранів", "10-01"),
    _o("День захисників і захисниць України", "10-01", "state", 2023),
    _o("День захисника України", "10-14", "state", 2015, 2022),
    _o("День юриста", "10-08"),
    _o("День працівників харчової промисловості", "10/sun/3"),
    _o("День визволення України від фашистських загарбників", "10-28", "memorial"),
    _o("День автомобіліста і дорожника", "10/sun/last"),
    _o("День працівників соціальної сфери", "11/sun/1"),
    _o("День ракетних військ і артилерії", "11-03"),
    _o("День залізничника", "11-04"),
    _o("День української писемності та мови", "11-09", "state"),
    _o("Всеукраїнський день працівників культури та майстрів народного мистецтва", "11-09"),
    _o("Міжнародний день бухгалтера", "11-10", "international"),
    _o("День працівників радіо, телебачення та звʼязку", "11-16"),
    _o("Міжнародний день студентів", "11-17", "international"),
    _o("День працівників сільського господарства", "11/sun/3"),
    _o("День Гідності та Свободи", "11-21", "state"),
    _o("День памʼяті жертв голодоморів", "11/sat/4", "memorial"),
    _o("Міжнародний день людей з інвалідністю", "12-03", "international"),
    _o("Всеукраїнський день волонтера", "12-05"),
    _o("День Збройних Сил України", "12-06", "state"),
    _o("День місцевого самоврядування", "12-07", "state"),
    _o(
        "День вшанування учасників ліквідації наслідків аварії на Чорнобильській АЕС",
        "12-14",
        "memorial",
    ),
    _o("День енергетика", "12-22"),
    _o("Різдво Христове", "12-25", "state"),
)
