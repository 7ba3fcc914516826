"""Plan vs fact of a communal enterprise's financial plan, by quarter (pure).

From one enterprise-year's plan facts (``{code: {kind: value}}``, kinds as
:func:`civic.enterprises.plans.split_kind` reads them: ``plan_q1`` … ``fact_year``) this builds,
per indicator × quarter, the plan, the fact, the deviation (fact − plan), the % execution
(fact / plan × 100; no value when the plan is 0 or either side is missing), the marker the
dashboard uses everywhere (``indicators.trend``: ▲ fact above plan, ▼ below, ■ equal), and the
year to date.

Indicators are found by their line code in the plan's catalogue edition (:data:`CODES`). The
codes are data that depend on the edition of the form, so one mapping per edition name holds
them; ``docs/enterprises.md`` says where each code was confirmed and which indicators are left
out because their code could not be confirmed.

Money (тис. грн) and levels (staff, average monthly salary) differ: a level quarter is a state,
not a flow, so levels have no year-to-date sum. The year to date of a money indicator is the
file's own cumulative column where it has one (``I півріччя``, ``9 місяців``, the year), else the
sum of the quarters given; quarters are never added to make a stored year value
(``plans.py``).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from civic.enterprises.catalogue import PLAN_205
from civic.enterprises.indicators import trend

HUNDRED = Decimal(100)
PERCENT_PLACES = Decimal("0.1")
QUARTERS = ("q1", "q2", "q3", "q4")
QUARTER_TITLES = ("I квартал", "II квартал", "III квартал", "IV квартал")
# The file's cumulative column that equals the year to date after each quarter.
CUMULATIVE = {"q2": "h1", "q3": "m9", "q4": "year"}


@dataclass(frozen=True)
class PlanIndicator:
    key: str
    title: str
    unit: str
    money: bool  # False: a level (people, a salary) — never summed across quarters


INDICATORS = (
    PlanIndicator("revenue", "Чистий дохід від реалізації", "тис. грн", True),
    PlanIndicator("costs", "Собівартість реалізованої продукції", "тис. грн", True),
    PlanIndicator("net", "Чистий фінансовий результат", "тис. грн", True),
    PlanIndicator("budget", "Сплата до бюджету (розділ II, усього)", "тис. грн", True),
    PlanIndicator("capex", "Капітальні інвестиції (розділ IV, усього)", "тис. грн", True),
    PlanIndicator("staff", "Штатна чисельність працівників", "осіб", False),
    PlanIndicator("salary", "Середньомісячна заробітна плата", "грн", False),
)
INDICATOR_BY_KEY = {i.key: i for i in INDICATORS}

# Catalogue edition name → indicator key → line code. Only codes confirmed for that edition are
# listed (docs/enterprises.md names the source of each); an indicator without a code is left out.
# The seed catalogue's lines (civic/enterprises/data/plan.csv; not confirmed from the official
# text, see docs/enterprises.md), under the seed edition's name before and after issue 18 point 1
# named it after order № 1070 (uploads keep the name they were stored with).
_SEED_205 = {"revenue": "1000", "costs": "1010", "net": "1170"}
CODES: dict[str, dict[str, str]] = {
    "МЕРТ № 205 (2015)": _SEED_205,
    PLAN_205: _SEED_205,
}


def codes_for(edition: str | None) -> dict[str, str]:
    """The indicator → line code map of a catalogue edition (empty for an unknown edition)."""
    return dict(CODES.get(edition or "", {}))


def percent(fact: Decimal | None, plan: Decimal | None) -> Decimal | None:
    """% execution = fact / plan × 100, to 0.1; None when either is missing or the plan is 0."""
    if fact is None or plan is None or plan == 0:
        return None
    return (fact / plan * HUNDRED).quantize(PERCENT_PLACES, rounding=ROUND_HALF_UP)


def deviation(fact: Decimal | None, plan: Decimal | None) -> Decimal | None:
    """Deviation = fact − plan (the form's «Відхилення (+;-)»); None when either is missing."""
    if fact is None or plan is None:
        return None
    return fact - plan


@dataclass(frozen=True)
class Comparison:
    """Plan and fact of one period with what follows from them."""

    plan: Decimal | None
    fact: Decimal | None

    @property
    def deviation(self) -> Decimal | None:
        return deviation(self.fact, self.plan)

    @property
    def percent(self) -> Decimal | None:
        return percent(self.fact, self.plan)

    @property
    def marker(self) -> str:
        return trend(self.fact, self.plan)

    @property
    def is_empty(self) -> bool:
        return self.plan is None and self.fact is None


EMPTY = Comparison(None, None)


@dataclass(frozen=True)
class QuarterRow:
    """One indicator in one quarter: the quarter itself and, for money, the year to date."""

    indicator: PlanIndicator
    code: str
    quarter: int  # 1..4
    own: Comparison
    to_date: Comparison  # EMPTY for levels

    @property
    def quarter_title(self) -> str:
        return QUARTER_TITLES[self.quarter - 1]


@dataclass(frozen=True)
class IndicatorPlanFact:
    indicator: PlanIndicator
    code: str
    quarters: tuple[Comparison, ...]  # four, as given in the file
    to_date: tuple[Comparison, ...]  # four; all EMPTY for levels
    year: Comparison  # the file's year columns, as given

    @property
    def last_quarter(self) -> int:
        """The last quarter (1..4) with a fact, or 0."""
        return max((i + 1 for i, q in enumerate(self.quarters) if q.fact is not None), default=0)

    def rows(self) -> list[QuarterRow]:
        return [
            QuarterRow(self.indicator, self.code, i + 1, q, self.to_date[i])
            for i, q in enumerate(self.quarters)
            if not (q.is_empty and self.to_date[i].is_empty)
        ]


def _to_date(kinds: Mapping[str, Decimal], measure: str, quarter: int) -> Decimal | None:
    """The file's cumulative column for quarters 2–4 if it has one, else the sum of quarters
    1..``quarter`` when all of them are there."""
    period = QUARTERS[quarter - 1]
    if period in CUMULATIVE and f"{measure}_{CUMULATIVE[period]}" in kinds:
        return kinds[f"{measure}_{CUMULATIVE[period]}"]
    values = [kinds.get(f"{measure}_{q}") for q in QUARTERS[:quarter]]
    if any(v is None for v in values):
        return None
    return sum(values, Decimal(0))


def indicator_plan_fact(
    indicator: PlanIndicator, code: str, kinds: Mapping[str, Decimal]
) -> IndicatorPlanFact:
    quarters = tuple(Comparison(kinds.get(f"plan_{q}"), kinds.get(f"fact_{q}")) for q in QUARTERS)
    if indicator.money:
        to_date = tuple(
            Comparison(_to_date(kinds, "plan", n), _to_date(kinds, "fact", n))
            if not quarters[n - 1].is_empty
            else EMPTY
            for n in range(1, 5)
        )
    else:
        to_date = (EMPTY,) * 4
    year = Comparison(kinds.get("plan_year"), kinds.get("fact_year"))
    return IndicatorPlanFact(indicator, code, quarters, to_date, year)


def build_plan_fact(
    plan: Mapping[str, Mapping[str, Decimal]], codes: Mapping[str, str]
) -> list[IndicatorPlanFact]:
    """Every indicator with a code in ``codes`` and at least one plan or fact figure, in the
    order of :data:`INDICATORS`."""
    out = []
    for indicator in INDICATORS:
        code = codes.get(indicator.key)
        if code is None or code not in plan:
            continue
        item = indicator_plan_fact(indicator, code, plan[code])
        if all(q.is_empty for q in item.quarters) and item.year.is_empty:
            continue
        out.append(item)
    return out


def quarter_rows(items: Iterable[IndicatorPlanFact]) -> list[QuarterRow]:
    """Indicator × quarter rows for the table and its CSV."""
    return [row for item in items for row in item.rows()]


@dataclass(frozen=True)
class Deviation:
    """An indicator whose year-to-date execution strays from the plan beyond the share."""

    indicator: PlanIndicator
    quarter: int
    percent: Decimal


def deviations(items: Sequence[IndicatorPlanFact], share: Decimal) -> list[Deviation]:
    """Money indicators whose execution to date, at the last quarter with a fact, differs from
    100 % by more than ``share`` (0.1 = 10 %). The net result is left out: its sign can flip,
    so its % says nothing about the size of the miss."""
    limit = share * HUNDRED
    out = []
    for item in items:
        if not item.indicator.money or item.indicator.key == "net":
            continue
        quarter = item.last_quarter
        if not quarter:
            continue
        value = item.to_date[quarter - 1].percent
        if value is not None and abs(value - HUNDRED) > limit:
            out.append(Deviation(item.indicator, quarter, value))
    return out
