"""Tables behind the public dashboards (pure): the same rows feed the HTML and the CSV."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

from civic.enterprises.indicators import Indicator, net_result, operating_result, trend
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
