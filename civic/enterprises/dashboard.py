"""Tables and charts behind the public dashboards (pure).

Each public table is a :class:`Table` spec — columns with an HTML header, a CSV header and one
value getter — so the HTML table and its CSV download are made from the same values and can
never disagree. The views load the data (``services``) and hand it here.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from civic import charts
from civic.enterprises.indicators import (
    SPEC_BY_KEY,
    Indicator,
    net_result,
    operating_result,
    trend,
)
from civic.enterprises.plans import PERIOD_LABELS

# (form, code or derived key, title); derived keys combine a profit and a loss line.
KEY_LINES: tuple[tuple[str, str, str], ...] = (
    ("1", "1095", "Необоротні активи"),
    ("1", "1195", "Оборотні активи"),
    ("1", "1300", "Усього активів (баланс)"),
    ("1", "1495", "Власний капітал"),
    ("1", "1595", "Довгострокові зобов'язання"),
    ("1", "1695", "Поточні зобов'язання"),
    ("2", "2000", "Чистий дохід від реалізації"),
    ("2", "2050", "Собівартість реалізації"),
    ("2", "operating", "Операційний результат (р. 2190 або −р. 2195)"),
    ("2", "2515", "Амортизація"),
    ("2", "net", "Чистий фінансовий результат (р. 2350 або −р. 2355)"),
)


def line_value(form1: Mapping[str, Decimal], form2: Mapping[str, Decimal], form: str, code: str):
    if code == "net":
        return net_result(form2)
    if code == "operating":
        return operating_result(form2)
    return (form1 if form == "1" else form2).get(code)


@dataclass(frozen=True)
class Cell:
    value: Decimal | None
    marker: str  # ▲ ▼ ■ or "" against the previous column
    against: str = "year"  # what the marker compares with: the year before, or "plan"

    @property
    def css(self) -> str:
        return {"▲": "up", "▼": "down", "■": "flat"}.get(self.marker, "")


@dataclass(frozen=True)
class TableRow:
    code: str
    title: str
    cells: list[Cell]
    form: str = ""


def key_line_rows(
    years: Sequence[int],
    form1: Mapping[int, Mapping[str, Decimal]],
    form2: Mapping[int, Mapping[str, Decimal]],
) -> list[TableRow]:
    """Key lines × years, each cell with a year-over-year marker; rows with no data are left out."""
    rows = []
    for form, code, title in KEY_LINES:
        values = [line_value(form1.get(y, {}), form2.get(y, {}), form, code) for y in years]
        if all(v is None for v in values):
            continue
        cells = [Cell(v, trend(v, values[i - 1]) if i else "") for i, v in enumerate(values)]
        rows.append(TableRow(code if code.isdigit() else "", title, cells, form))
    return rows


def indicator_rows(
    years: Sequence[int], by_year: Mapping[int, list[Indicator]]
) -> list[tuple[Indicator, list[Cell]]]:
    """Indicators × years (the first year's Indicator carries the title and explanation)."""
    if not by_year:
        return []
    specs = next(iter(by_year.values()))
    rows = []
    for position, spec in enumerate(specs):
        values = [by_year[y][position].value if y in by_year else None for y in years]
        if all(v is None for v in values):
            continue
        rows.append(
            (spec, [Cell(v, trend(v, values[i - 1]) if i else "") for i, v in enumerate(values)])
        )
    return rows


@dataclass(frozen=True)
class PlanRow:
    code: str
    title: str
    period: str
    period_title: str
    prev_fact: Decimal | None
    plan: Decimal | None
    fact: Decimal | None
    deviation: Decimal | None
    percent: Decimal | None


def plan_rows(
    plan: Mapping[str, Mapping[str, Decimal]], titles: Mapping[str, str]
) -> list[PlanRow]:
    """Plan lines × periods as given in the file — quarters are shown, never summed."""
    rows = []
    for code in sorted(plan):
        kinds = plan[code]
        for period in ("q1", "q2", "q3", "q4", "h1", "m9", "year"):
            values = {
                m: kinds.get(f"{m}_{period}")
                for m in ("prev_fact", "plan", "fact", "deviation", "percent")
            }
            if all(v is None for v in values.values()):
                continue
            rows.append(
                PlanRow(code, titles.get(code, ""), period, PERIOD_LABELS[period], **values)
            )
    return rows


def quarter_values(kinds: Mapping[str, Decimal], measure: str) -> list[Decimal | None]:
    return [kinds.get(f"{measure}_q{i}") for i in range(1, 5)]


# ---------------------------------------------------------------- table specs


@dataclass(frozen=True)
class Column:
    """One column of a public table.

    ``title`` heads it in the HTML table (None: CSV only), ``csv`` in the CSV (None: HTML only);
    ``get`` takes a row and returns the value both show. ``format`` says how the HTML shows it:
    ``number``, ``text``, ``heading`` (text heading its row), ``cell`` (a :class:`Cell`: its value and ▲▼■ marker; the CSV gets the
    value under ``csv`` and the marker under ``trend``), ``enterprise`` / ``enterprise_code``
    (the row's header: the enterprise's name as a link, with its ЄДРПОУ below), ``indicator``
    (the row's header: an :class:`Indicator`'s title, unit and formula). ``source`` takes a
    row and returns the key of the upload the value comes from (the HTML names the file).
    """

    title: str | None
    csv: str | None
    get: Callable[[Any], Any]
    format: str = "number"
    trend: str | None = None
    source: Callable[[Any], Any] | None = None


@dataclass(frozen=True)
class Table:
    """Columns in order; ``trends_last`` puts the CSV's marker columns after all the values."""

    columns: tuple[Column, ...]
    trends_last: bool = False

    @property
    def html_columns(self) -> list[Column]:
        return [c for c in self.columns if c.title is not None]

    def html_row(self, row) -> list[tuple[Column, Any]]:
        return [(c, c.get(row)) for c in self.html_columns]

    def csv_headers(self) -> list[str]:
        values, trends = [], []
        for c in self.columns:
            if c.csv is None:
                continue
            values.append(c.csv)
            if c.trend:
                (trends if self.trends_last else values).append(c.trend)
        return values + trends

    def csv_row(self, row) -> list:
        values, trends = [], []
        for c in self.columns:
            if c.csv is None:
                continue
            value = c.get(row)
            if c.format == "cell":
                values.append(value.value)
                if c.trend:
                    (trends if self.trends_last else values).append(value.marker)
            else:
                values.append(value)
        return values + trends

    def csv_rows(self, rows) -> list[list]:
        return [self.csv_row(r) for r in rows]


def _enterprise_columns(html_format: str) -> tuple[Column, ...]:
    return (
        Column("Підприємство", None, lambda r: r.enterprise, html_format),
        Column(None, "edrpou", lambda r: r.enterprise.edrpou, "text"),
        Column(None, "name", lambda r: r.enterprise.name, "text"),
    )


# ---------------------------------------------------------------- the list of enterprises


SUMMARY_COLUMNS = {  # column → (form, line); "net" is 2350 or minus 2355
    "revenue": ("2", "2000"),
    "net": ("2", "net"),
    "assets": ("1", "1300"),
    "equity": ("1", "1495"),
}
SUMMARY_FORM1 = {"1300", "1495"}
SUMMARY_FORM2 = {"2000", "2350", "2355"}


@dataclass(frozen=True)
class SummaryRow:
    enterprise: Any
    year: int | None
    revenue: Cell
    net: Cell
    assets: Cell
    equity: Cell


def summary_rows(enterprises: Sequence, lines: Mapping[int, tuple[Mapping, Mapping]]):
    """Each enterprise's latest year with a marker against the year before; ``lines`` is
    ``{enterprise id: (form 1 by year, form 2 by year)}``."""
    rows = []
    for enterprise in enterprises:
        form1, form2 = lines.get(enterprise.id, ({}, {}))
        years = sorted(form2) or sorted(form1)
        latest = years[-1] if years else None
        previous = latest - 1 if latest else None

        def pair(form, code, form1=form1, form2=form2, latest=latest, previous=previous):
            now = line_value(form1.get(latest, {}), form2.get(latest, {}), form, code)
            before = line_value(form1.get(previous, {}), form2.get(previous, {}), form, code)
            return Cell(now, trend(now, before) if latest else "")

        cells = {name: pair(*line) for name, line in SUMMARY_COLUMNS.items()}
        rows.append(SummaryRow(enterprise, latest, **cells))
    return rows


SUMMARY_TABLE = Table(
    (
        *_enterprise_columns("enterprise_code"),
        Column("Тип звітності", "reporting_type", lambda r: r.enterprise.reporting_type, "text"),
        Column("Рік", "year", lambda r: r.year, "text"),
        Column(
            "Чистий дохід (р. 2000)", "revenue_2000", lambda r: r.revenue, "cell", "revenue_trend"
        ),
        Column("Чистий фін. результат", "net_result", lambda r: r.net, "cell", "net_result_trend"),
        Column("Активи (р. 1300)", "assets_1300", lambda r: r.assets, "cell", "assets_trend"),
        Column(
            "Власний капітал (р. 1495)", "equity_1495", lambda r: r.equity, "cell", "equity_trend"
        ),
    )
)


# ---------------------------------------------------------------- one enterprise


@dataclass(frozen=True)
class DetailTables:
    years: list[int]
    lines: list[TableRow]
    indicators: list[tuple[Indicator, list[Cell]]]
    plan_year: int | None
    plan: list[PlanRow]
    titles: dict[str, str] = field(default_factory=dict)


def detail_tables(data, plan_titles: Mapping[str, str]) -> DetailTables:
    """The tables of one enterprise's page from its data (``services.EnterpriseData``) and the
    plan catalogue's line titles (the file's own titles win)."""
    years = sorted(set(data.form1) | set(data.form2))
    plan_year = max(data.plan) if data.plan else None
    titles = {**plan_titles, **data.plan_titles}
    return DetailTables(
        years=years,
        lines=key_line_rows(years, data.form1, data.form2),
        indicators=indicator_rows(years, data.indicators()),
        plan_year=plan_year,
        plan=plan_rows(data.plan[plan_year], titles) if plan_year else [],
        titles=titles,
    )


def lines_table(years: Sequence[int]) -> Table:
    """Rows are :class:`TableRow`; each year's cell names the upload (year, form) it is from."""
    return Table(
        (
            Column("Код", "code", lambda r: r.code, "text"),
            Column("Рядок", "title", lambda r: r.title, "heading"),
            *(
                Column(
                    str(y),
                    str(y),
                    lambda r, i=i: r.cells[i],
                    "cell",
                    f"{y}_trend",
                    source=lambda r, y=y: (y, r.form),
                )
                for i, y in enumerate(years)
            ),
        ),
        trends_last=True,
    )


def indicators_table(years: Sequence[int]) -> Table:
    """Rows are ``(Indicator, cells)``; the CSV has no trend columns."""
    return Table(
        (
            Column("Показник", None, lambda r: r[0], "indicator"),
            Column(None, "indicator", lambda r: r[0].key, "text"),
            Column(None, "title", lambda r: r[0].title, "text"),
            Column(None, "unit", lambda r: r[0].unit, "text"),
            Column(None, "formula", lambda r: r[0].formula, "text"),
            *(Column(str(y), str(y), lambda r, i=i: r[1][i], "cell") for i, y in enumerate(years)),
            Column("Що це означає", None, lambda r: r[0].explanation, "text"),
        )
    )


def plan_table(plan_year: int | None) -> Table:
    return Table(
        (
            Column(None, "year", lambda r: plan_year, "text"),
            Column("Код", "code", lambda r: r.code, "text"),
            Column("Показник", "title", lambda r: r.title, "heading"),
            Column(None, "period", lambda r: r.period, "text"),
            Column("Період", None, lambda r: r.period_title, "text"),
            Column("Факт минулого року", "prev_fact", lambda r: r.prev_fact),
            Column("План", "plan", lambda r: r.plan),
            Column("Факт", "fact", lambda r: r.fact),
            Column("Відхилення", "deviation", lambda r: r.deviation),
            Column("% виконання", "percent", lambda r: r.percent),
        )
    )


def detail_specs(tables: DetailTables, uploads: Sequence) -> dict[str, tuple[Table, list]]:
    """One enterprise's tables by their CSV name: each spec with its rows, for the page's HTML
    tables and their CSV downloads alike."""
    return {
        "lines": (lines_table(tables.years), tables.lines),
        "indicators": (indicators_table(tables.years), tables.indicators),
        "plan": (plan_table(tables.plan_year), tables.plan),
        "sources": (SOURCES_TABLE, list(uploads)),
    }


SOURCES_TABLE = Table(  # CSV only: the page shows the files with their document names
    (
        Column(None, "upload_id", lambda u: u.id, "text"),
        Column(None, "year", lambda u: u.year, "text"),
        Column(None, "form", lambda u: u.form, "text"),
        Column(None, "file", lambda u: u.filename, "text"),
        Column(None, "sha256", lambda u: u.file_hash, "text"),
        Column(None, "size", lambda u: u.size, "text"),
        Column(None, "unit", lambda u: u.unit, "text"),
        Column(None, "uploaded_at", lambda u: u.uploaded_at, "text"),
        Column(None, "values", lambda u: u.value_count, "text"),
    )
)


def detail_charts(years: Sequence[int], form1: Mapping, form2: Mapping) -> dict[str, str]:
    """The money and the balance charts of one enterprise (SVG; empty without data)."""
    if not years:
        return {"money": "", "balance": ""}
    labels = [str(y) for y in years]
    return {
        "money": charts.line_chart(
            labels,
            [
                charts.Series(
                    "Чистий дохід (р. 2000)", [form2.get(y, {}).get("2000") for y in years]
                ),
                charts.Series(
                    "Чистий фін. результат", [net_result(form2.get(y, {})) for y in years]
                ),
            ],
            title="Дохід і чистий фінансовий результат, тис. грн",
        ),
        "balance": charts.line_chart(
            labels,
            [
                charts.Series(name, [form1.get(y, {}).get(code) for y in years])
                for code, name in (
                    ("1300", "Активи (р. 1300)"),
                    ("1495", "Власний капітал (р. 1495)"),
                    ("1695", "Поточні зобов'язання (р. 1695)"),
                )
            ],
            title="Майно, власний капітал і борги, тис. грн",
        ),
    }


def plan_chart(
    plan: Mapping[str, Mapping[str, Decimal]], plan_year: int, code: str, titles: Mapping[str, str]
) -> str:
    """Plan and fact of one plan line by quarter (SVG)."""
    kinds = plan[code]
    return charts.grouped_bar_chart(
        ["I квартал", "II квартал", "III квартал", "IV квартал"],
        [
            charts.Series("План", quarter_values(kinds, "plan")),
            charts.Series("Факт", quarter_values(kinds, "fact")),
        ],
        title=f"План і факт за кварталами {plan_year} року: {titles.get(code, code)}, тис. грн",
    )


# ---------------------------------------------------------------- comparison


COMPARE_INDICATORS = ("current_ratio", "equity_to_assets", "return_on_sales", "roe")


@dataclass(frozen=True)
class CompareRow:
    enterprise: Any
    year: int | None
    revenue: Decimal | None
    net: Decimal | None
    assets: Decimal | None
    equity: Decimal | None
    indicators: Mapping[str, Decimal | None]


def compare_rows(loaded: Sequence, year: int | None) -> tuple[list[int], int | None, list]:
    """``loaded`` is ``[(enterprise, EnterpriseData)]``; → (years with data, the year shown —
    ``year`` when it has data, else the latest —, one row per enterprise for that year)."""
    years = sorted({y for _, d in loaded for y in set(d.form1) | set(d.form2)})
    if year not in years:
        year = years[-1] if years else None
    rows = []
    for enterprise, data in loaded:
        f1, f2 = data.form1.get(year, {}), data.form2.get(year, {})
        indicators = {i.key: i.value for i in data.indicators().get(year, [])}
        rows.append(
            CompareRow(
                enterprise,
                year,
                revenue=f2.get("2000"),
                net=net_result(f2),
                assets=f1.get("1300"),
                equity=f1.get("1495"),
                indicators={k: indicators.get(k) for k in COMPARE_INDICATORS},
            )
        )
    return years, year, rows


def _indicator_title(key: str) -> str:
    spec = SPEC_BY_KEY[key]
    return f"{spec.title}, {spec.unit}" if spec.unit else spec.title


COMPARE_TABLE = Table(
    (
        *_enterprise_columns("enterprise"),
        Column(None, "year", lambda r: r.year, "text"),
        Column("Чистий дохід", "revenue_2000", lambda r: r.revenue),
        Column("Чистий фін. результат", "net_result", lambda r: r.net),
        Column("Активи", "assets_1300", lambda r: r.assets),
        Column("Власний капітал", "equity_1495", lambda r: r.equity),
        *(
            Column(_indicator_title(k), k, lambda r, k=k: r.indicators[k])
            for k in COMPARE_INDICATORS
        ),
    )
)


def compare_chart(rows: Sequence[CompareRow], year: int | None) -> str:
    """Net revenue of every enterprise with a figure that year (SVG; empty without data)."""
    if not rows or not year:
        return ""
    return charts.bar_chart(
        [charts.Bar(r.enterprise.display_name, r.revenue) for r in rows if r.revenue is not None],
        title=f"Чистий дохід за {year} рік, тис. грн",
    )
