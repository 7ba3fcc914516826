"""Financial indicators of a communal enterprise, per year, each with a plain explanation.

Inputs are the statement values of one year (Form 1 «на кінець звітного періоду» and Form 2
«за звітний період») and, where an indicator averages two years, the previous year's Form 1
(or this year's «на початок звітного року» column). A missing input or a zero divisor gives no
value (None), never a wrong one. Formulas follow the indicators the openbudget.in.ua module
shows for communal enterprises (DOMAIN.md).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

Values = Mapping[str, Decimal]
HUNDRED = Decimal(100)
PLACES = Decimal("0.01")


@dataclass(frozen=True, slots=True)
class YearData:
    """One year's statement values: Form 1 end/start columns and Form 2 current column."""

    form1: Values
    form2: Values
    form1_start: Values | None = None


@dataclass(frozen=True, slots=True)
class IndicatorSpec:
    key: str
    title: str
    unit: str  # "" for a ratio, "%" or "тис. грн"
    formula: str
    explanation: str
    compute: Callable[[YearData, YearData | None], Decimal | None]


@dataclass(frozen=True, slots=True)
class Indicator:
    key: str
    title: str
    unit: str
    formula: str
    explanation: str
    value: Decimal | None


def _ratio(numerator: Decimal | None, denominator: Decimal | None) -> Decimal | None:
    if numerator is None or denominator is None or denominator == 0:
        return None
    return numerator / denominator


def _percent(numerator, denominator) -> Decimal | None:
    r = _ratio(numerator, denominator)
    return None if r is None else r * HUNDRED


def _profit_or_loss(form2: Values, profit_code: str, loss_code: str) -> Decimal | None:
    """The profit line, or minus the loss line (a loss is written positive); None if neither."""
    profit, loss = form2.get(profit_code), form2.get(loss_code)
    if profit is not None and profit != 0:
        return profit
    if loss is not None:
        return -abs(loss)
    return profit


def net_result(form2: Values) -> Decimal | None:
    """Net profit (2350), or minus the loss (2355); None if neither line is there."""
    return _profit_or_loss(form2, "2350", "2355")


def operating_result(form2: Values) -> Decimal | None:
    """Operating profit (2190), or minus the operating loss (2195)."""
    return _profit_or_loss(form2, "2190", "2195")


def _previous_form1(code: str, this: YearData, last: YearData | None) -> Decimal | None:
    if last is not None and code in last.form1:
        return last.form1[code]
    if this.form1_start is not None:
        return this.form1_start.get(code)
    return None


def _mean_positive(code: str, this: YearData, last: YearData | None) -> Decimal | None:
    now, before = this.form1.get(code), _previous_form1(code, this, last)
    if now is None or before is None:
        return None
    mean = (now + before) / 2
    return mean if mean > 0 else None  # a return on negative capital means nothing


def _current_ratio(y, _):
    return _ratio(y.form1.get("1195"), y.form1.get("1695"))


def _quick_ratio(y, _):
    current, stock = y.form1.get("1195"), y.form1.get("1100")
    if current is None or stock is None:
        return None
    return _ratio(current - stock, y.form1.get("1695"))


def _cash_ratio(y, _):
    return _ratio(y.form1.get("1165"), y.form1.get("1695"))


def _equity_to_assets(y, _):
    return _ratio(y.form1.get("1495"), y.form1.get("1900"))


def _liabilities_to_equity(y, _):
    total, equity = y.form1.get("1900"), y.form1.get("1495")
    if total is None or equity is None or equity <= 0:
        return None
    return _ratio(total - equity, equity)


def _return_on_sales(y, _):
    return _percent(net_result(y.form2), y.form2.get("2000"))


def _operating_margin(y, _):
    return _percent(operating_result(y.form2), y.form2.get("2000"))


def _ebitda(y, _):
    result, depreciation = operating_result(y.form2), y.form2.get("2515")
    if result is None or depreciation is None:
        return None
    return result + depreciation


def _roe(y, last):
    return _percent(net_result(y.form2), _mean_positive("1495", y, last))


def _roa(y, last):
    return _percent(net_result(y.form2), _mean_positive("1300", y, last))


def _revenue_growth(y, last):
    if last is None:
        return None
    now, before = y.form2.get("2000"), last.form2.get("2000")
    if now is None or before is None or before == 0:
        return None
    return (now / before - 1) * HUNDRED


def _wage_share(y, _):
    return _percent(y.form2.get("2505"), y.form2.get("2550"))


SPECS: tuple[IndicatorSpec, ...] = (
    IndicatorSpec(
        "current_ratio",
        "Коефіцієнт покриття (поточної ліквідності)",
        "",
        "р. 1195 / р. 1695",
        "Скільки гривень оборотних активів (гроші, запаси, борги перед підприємством) припадає на "
        "кожну гривню боргів, які треба погасити протягом року. Менше 1 — підприємству може "
        "забракнути коштів, щоб вчасно розрахуватися.",
        _current_ratio,
    ),
    IndicatorSpec(
        "quick_ratio",
        "Коефіцієнт швидкої ліквідності",
        "",
        "(р. 1195 − р. 1100) / р. 1695",
        "Те саме, що коефіцієнт покриття, але без запасів, які не продаси швидко: чим "
        "підприємство може розрахуватися з поточними боргами найближчим часом.",
        _quick_ratio,
    ),
    IndicatorSpec(
        "cash_ratio",
        "Коефіцієнт абсолютної ліквідності",
        "",
        "р. 1165 / р. 1695",
        "Яку частку поточних боргів підприємство могло б погасити просто зараз грошима з рахунків "
        "і каси.",
        _cash_ratio,
    ),
    IndicatorSpec(
        "equity_to_assets",
        "Коефіцієнт автономії (частка власного капіталу)",
        "",
        "р. 1495 / р. 1900",
        "Яка частка майна підприємства належить йому самому, а не куплена в борг. Близько 0,5 і "
        "вище — підприємство фінансово незалежне; від'ємне значення — борги більші за майно.",
        _equity_to_assets,
    ),
    IndicatorSpec(
        "liabilities_to_equity",
        "Співвідношення позикового і власного капіталу",
        "",
        "(р. 1900 − р. 1495) / р. 1495",
        "Скільки гривень боргів припадає на гривню власного капіталу. Більше 1 — підприємство "
        "живе переважно в борг. Не рахується, якщо власний капітал від'ємний.",
        _liabilities_to_equity,
    ),
    IndicatorSpec(
        "return_on_sales",
        "Рентабельність продажу (чиста)",
        "%",
        "(р. 2350 або −р. 2355) / р. 2000 × 100",
        "Скільки копійок чистого прибутку (або збитку, зі знаком мінус) приносить кожна гривня "
        "доходу від послуг.",
        _return_on_sales,
    ),
    IndicatorSpec(
        "operating_margin",
        "Операційна рентабельність",
        "%",
        "(р. 2190 або −р. 2195) / р. 2000 × 100",
        "Результат основної діяльності (без фінансових та інших доходів і витрат) на гривню "
        "доходу від послуг.",
        _operating_margin,
    ),
    IndicatorSpec(
        "ebitda",
        "EBITDA (операційний результат до амортизації)",
        "тис. грн",
        "(р. 2190 або −р. 2195) + р. 2515",
        "Скільки грошей генерує основна діяльність, якщо не зважати на знос майна: операційний "
        "прибуток плюс амортизація.",
        _ebitda,
    ),
    IndicatorSpec(
        "roe",
        "Рентабельність власного капіталу (ROE)",
        "%",
        "(р. 2350 або −р. 2355) / середнє р. 1495 за цей і минулий рік × 100",
        "Скільки прибутку за рік принесла кожна гривня, вкладена громадою як власник. Не "
        "рахується, якщо власний капітал від'ємний.",
        _roe,
    ),
    IndicatorSpec(
        "roa",
        "Рентабельність активів (ROA)",
        "%",
        "(р. 2350 або −р. 2355) / середнє р. 1300 за цей і минулий рік × 100",
        "Скільки прибутку за рік принесла кожна гривня майна підприємства.",
        _roa,
    ),
    IndicatorSpec(
        "revenue_growth",
        "Зміна чистого доходу за рік",
        "%",
        "(р. 2000 цього року / р. 2000 минулого року − 1) × 100",
        "На скільки відсотків дохід від послуг зріс (або, зі знаком мінус, зменшився) порівняно "
        "з минулим роком.",
        _revenue_growth,
    ),
    IndicatorSpec(
        "wage_share",
        "Частка оплати праці в операційних витратах",
        "%",
        "р. 2505 / р. 2550 × 100",
        "Яку частину всіх витрат основної діяльності становить заробітна плата.",
        _wage_share,
    ),
)
SPEC_BY_KEY = {spec.key: spec for spec in SPECS}


def _round(value: Decimal | None) -> Decimal | None:
    return None if value is None else value.quantize(PLACES, rounding=ROUND_HALF_UP)


def compute_indicators(this: YearData, last: YearData | None = None) -> list[Indicator]:
    """Every indicator for one year (rounded to 0.01); ``value`` is None if inputs are missing."""
    return [
        Indicator(s.key, s.title, s.unit, s.formula, s.explanation, _round(s.compute(this, last)))
        for s in SPECS
    ]


def indicators_by_year(years: Mapping[int, YearData]) -> dict[int, list[Indicator]]:
    """Indicators for every year, each with the year before as its ``last`` (if present)."""
    return {
        year: compute_indicators(data, years.get(year - 1)) for year, data in sorted(years.items())
    }


def current_ratio(this: YearData) -> Decimal | None:
    return _round(_current_ratio(this, None))


def equity_to_assets(this: YearData) -> Decimal | None:
    return _round(_equity_to_assets(this, None))


def return_on_sales(this: YearData) -> Decimal | None:
    return _round(_return_on_sales(this, None))


def ebitda(this: YearData) -> Decimal | None:
    return _round(_ebitda(this, None))


def roe(this: YearData, last: YearData | None = None) -> Decimal | None:
    return _round(_roe(this, last))


def trend(now: Decimal | None, before: Decimal | None) -> str:
    """Year-over-year marker: ``▲`` up, ``▼`` down, ``■`` same, ``""`` when a year is missing."""
    if now is None or before is None:
        return ""
    return "▲" if now > before else "▼" if now < before else "■"
