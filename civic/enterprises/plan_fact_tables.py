"""The plan-vs-fact table and chart of an enterprise's page (pure).

One :class:`~civic.enterprises.dashboard.Table` spec feeds the page's table, its CSV download,
the open-data file and the openbudget-shaped file, so the four can never disagree. Rows are
:class:`~civic.enterprises.plan_fact.QuarterRow` paired with their year.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

from civic.enterprises import plan_fact
from civic.enterprises.dashboard import Cell, Column, Table, plan_chart


@dataclass(frozen=True)
class YearRow:
    year: int
    row: plan_fact.QuarterRow


@dataclass(frozen=True)
class PlanFactYear:
    year: int
    items: list[plan_fact.IndicatorPlanFact]
    rows: list[YearRow]
    charts: list[tuple[str, str]]  # (caption, SVG)


def plan_editions(uploads: Sequence) -> dict[int, str]:
    """Plan year → the catalogue edition of its current upload."""
    return {u.year: u.edition for u in uploads if u.form == "plan" and u.is_current}


def plan_fact_years(
    plan: Mapping[int, Mapping[str, Mapping[str, Decimal]]],
    editions: Mapping[int, str],
    *,
    with_charts: bool = True,
) -> list[PlanFactYear]:
    """Every plan year with at least one indicator, the latest first (``with_charts=False`` for the
    exports, which draw none)."""
    years = []
    for year in sorted(plan, reverse=True):
        items = plan_fact.build_plan_fact(plan[year], plan_fact.codes_for(editions.get(year)))
        if not items:
            continue
        rows = [YearRow(year, r) for r in plan_fact.quarter_rows(items)]
        drawn = plan_fact_charts(year, plan[year], items) if with_charts else []
        years.append(PlanFactYear(year, items, rows, drawn))
    return years


def all_rows(years: Sequence[PlanFactYear]) -> list[YearRow]:
    return [row for year in years for row in year.rows]


def _title(indicator: plan_fact.PlanIndicator) -> str:
    return f"{indicator.title}, {indicator.unit}"


PLAN_FACT_TABLE = Table(
    (
        Column(None, "year", lambda r: r.year, "text"),
        Column("Показник", None, lambda r: _title(r.row.indicator), "heading"),
        Column(None, "indicator", lambda r: r.row.indicator.key, "text"),
        Column(None, "title", lambda r: r.row.indicator.title, "text"),
        Column(None, "unit", lambda r: r.row.indicator.unit, "text"),
        Column(None, "code", lambda r: r.row.code, "text"),
        Column("Квартал", None, lambda r: r.row.quarter_title, "text"),
        Column(None, "quarter", lambda r: r.row.quarter, "text"),
        Column("План", "plan", lambda r: r.row.own.plan),
        Column(
            "Факт",
            "fact",
            lambda r: Cell(r.row.own.fact, r.row.own.marker, against="plan"),
            "cell",
            "marker",
        ),
        Column("Відхилення", "deviation", lambda r: r.row.own.deviation),
        Column("% виконання", "percent", lambda r: r.row.own.percent),
        Column("План з початку року", "plan_to_date", lambda r: r.row.to_date.plan),
        Column("Факт з початку року", "fact_to_date", lambda r: r.row.to_date.fact),
        Column("Відхилення з початку року", "deviation_to_date", lambda r: r.row.to_date.deviation),
        Column("% з початку року", "percent_to_date", lambda r: r.row.to_date.percent),
    )
)

CHART_INDICATORS = ("revenue", "costs")


def plan_fact_charts(
    year: int, kinds_by_code: Mapping[str, Mapping[str, Decimal]], items
) -> list[tuple[str, str]]:
    """(caption, SVG): one chart of plan and fact by quarter for revenue and one for costs (the
    dashboard's plan chart), where the year has them."""
    return [
        (
            f"{_title(item.indicator)}: план і факт за кварталами",
            plan_chart(kinds_by_code, year, item.code, {item.code: item.indicator.title}),
        )
        for item in items
        if item.indicator.key in CHART_INDICATORS
    ]
