"""Plan vs fact by quarter (pure): deviation, % execution, markers, the year to date."""

from decimal import ROUND_HALF_UP
from decimal import Decimal as D

import pytest
from hypothesis import given
from hypothesis import strategies as st

from civic.enterprises import plan_fact, plan_fact_tables
from civic.enterprises.indicators import trend

MONEY = plan_fact.INDICATOR_BY_KEY["revenue"]
LEVEL = plan_fact.INDICATOR_BY_KEY["staff"]
amounts = st.decimals(-(10**7), 10**7, places=1, allow_nan=False, allow_infinity=False)
maybe = st.one_of(st.none(), amounts)


@pytest.mark.parametrize(
    ("plan", "fact", "deviation", "percent", "marker"),
    [
        (D("100"), D("110"), D("10"), D("110.0"), "▲"),
        (D("100"), D("90"), D("-10"), D("90.0"), "▼"),
        (D("100"), D("100"), D("0"), D("100.0"), "■"),
        (D("3"), D("1"), D("-2"), D("33.3"), "▼"),  # rounded to 0.1
        (D("3"), D("2"), D("-1"), D("66.7"), "▼"),
        (D("0"), D("50"), D("50"), None, "▲"),  # a zero plan has no % execution
        (D("0"), D("0"), D("0"), None, "■"),
        (D("-200"), D("-100"), D("100"), D("50.0"), "▲"),  # a planned loss
        (None, D("5"), None, None, ""),
        (D("5"), None, None, None, ""),
    ],
)
def test_comparison_table(plan, fact, deviation, percent, marker):
    c = plan_fact.Comparison(plan, fact)
    assert (c.deviation, c.percent, c.marker) == (deviation, percent, marker)


@given(amounts, amounts)
def test_deviation_is_fact_minus_plan_and_percent_is_fact_over_plan(plan, fact):
    c = plan_fact.Comparison(plan, fact)
    assert c.deviation == fact - plan
    if plan == 0:
        assert c.percent is None
    else:
        expected = (fact / plan * 100).quantize(D("0.1"), rounding=ROUND_HALF_UP)
        assert c.percent == expected
    assert c.marker == trend(fact, plan)  # the dashboard's own markers, no second scale


def _kinds(plans, facts, extra=None):
    kinds = {}
    for q, (p, f) in enumerate(zip(plans, facts, strict=True), 1):
        if p is not None:
            kinds[f"plan_q{q}"] = p
        if f is not None:
            kinds[f"fact_q{q}"] = f
    return {**kinds, **(extra or {})}


@given(st.lists(maybe, min_size=4, max_size=4), st.lists(maybe, min_size=4, max_size=4))
def test_money_to_date_sums_the_quarters_given(plans, facts):
    item = plan_fact.indicator_plan_fact(MONEY, "1000", _kinds(plans, facts))
    for n in range(1, 5):
        to_date = item.to_date[n - 1]
        if plans[n - 1] is None and facts[n - 1] is None:
            assert to_date.is_empty
            continue
        for measure, values in (("plan", plans), ("fact", facts)):
            got = getattr(to_date, measure)
            if any(v is None for v in values[:n]):
                assert got is None  # never a partial sum that looks like the year to date
            else:
                assert got == sum(values[:n], D(0))


@given(st.lists(maybe, min_size=4, max_size=4), st.lists(maybe, min_size=4, max_size=4))
def test_levels_are_never_summed(plans, facts):
    item = plan_fact.indicator_plan_fact(LEVEL, "7000", _kinds(plans, facts))
    assert all(c.is_empty for c in item.to_date)
    assert [q.plan for q in item.quarters] == plans
    assert [q.fact for q in item.quarters] == facts


def test_the_files_cumulative_columns_win_over_the_sum():
    kinds = _kinds(
        [D(10)] * 4,
        [D(9)] * 4,
        {"plan_h1": D(21), "fact_h1": D(19), "fact_m9": D(30), "plan_year": D(44)},
    )
    item = plan_fact.indicator_plan_fact(MONEY, "1000", kinds)
    assert [(c.plan, c.fact) for c in item.to_date] == [
        (D(10), D(9)),
        (D(21), D(19)),
        (D(30), D(30)),  # plan: the sum (no plan_m9), fact: the file's 9 months
        (D(44), D(36)),  # plan: the year column; fact: no fact_year, so the quarters' sum
    ]
    assert item.year == plan_fact.Comparison(D(44), None)


def test_only_indicators_with_a_code_of_the_edition_are_built():
    plan = {"1000": {"plan_q1": D(1), "fact_q1": D(2)}, "1010": {"plan_q1": D(3)}}
    assert plan_fact.build_plan_fact(plan, plan_fact.codes_for("невідома редакція")) == []
    assert plan_fact.build_plan_fact(plan, plan_fact.codes_for(None)) == []
    built = plan_fact.build_plan_fact(plan, {"revenue": "1000", "staff": "9999"})
    assert [i.indicator.key for i in built] == ["revenue"]  # no figures under 9999
    assert [r.quarter for r in plan_fact.quarter_rows(built)] == [1]  # empty quarters left out


def test_every_mapped_code_is_a_line_of_the_seed_catalogue():
    """The map never names a code that the edition's catalogue lacks (codes are not invented)."""
    from civic.enterprises.catalogue import DEFAULT_EDITIONS
    from tests.enterprises.conftest import seed_lines

    codes = {line.code for line in seed_lines("plan")}
    assert DEFAULT_EDITIONS["plan"] in plan_fact.CODES
    for edition in plan_fact.CODES:
        assert set(plan_fact.codes_for(edition).values()) <= codes


def _item(key, plans, facts):
    return plan_fact.indicator_plan_fact(plan_fact.INDICATOR_BY_KEY[key], "x", _kinds(plans, facts))


def test_deviations_beyond_the_share_at_the_last_quarter_with_a_fact():
    items = [
        _item("revenue", [D(100)] * 4, [D(80), D(85), None, None]),  # 82.5 % to date at Q2
        _item("costs", [D(100)] * 4, [D(90), D(90), None, None]),  # exactly 90 %: not beyond
        _item("net", [D(10)] * 4, [D(-5), D(-5), None, None]),  # sign flips: never judged
        _item("staff", [D(100)] * 4, [D(50), D(50), None, None]),  # a level: never judged
    ]
    found = plan_fact.deviations(items, D("0.10"))
    assert [(d.indicator.key, d.quarter, d.percent) for d in found] == [("revenue", 2, D("82.5"))]
    assert plan_fact.deviations(items, D("0.2")) == []


@given(st.lists(amounts, min_size=4, max_size=4), st.lists(amounts, min_size=4, max_size=4))
def test_a_deviation_is_listed_exactly_when_beyond_the_share(plans, facts):
    item = _item("revenue", plans, facts)
    share = D("0.1")
    listed = plan_fact.deviations([item], share)
    percent = item.to_date[3].percent
    assert bool(listed) == (percent is not None and abs(percent - 100) > share * 100)


def test_the_table_spec_gives_the_html_and_the_csv_the_same_numbers():
    items = [
        _item("revenue", [D(100), D(120), D(0), None], [D(90), D(130), D(5), D(7)]),
        _item("staff", [D(50)] * 4, [D(48)] * 4),
    ]
    years = [
        plan_fact_tables.PlanFactYear(
            2021,
            items,
            [plan_fact_tables.YearRow(2021, r) for r in plan_fact.quarter_rows(items)],
            "",
        )
    ]
    table = plan_fact_tables.PLAN_FACT_TABLE
    headers = table.csv_headers()
    rows = plan_fact_tables.all_rows(years)
    assert len(rows) == 8
    for row in rows:
        csv = dict(zip(headers, table.csv_row(row), strict=True))
        own, to_date = row.row.own, row.row.to_date
        assert (csv["plan"], csv["fact"], csv["deviation"], csv["percent"]) == (
            own.plan,
            own.fact,
            own.deviation,
            own.percent,
        )
        assert csv["marker"] == own.marker
        for column, value in table.html_row(row):
            if column.csv == "fact":
                assert (value.value, value.marker, value.against) == (own.fact, own.marker, "plan")
            elif column.csv:
                assert csv[column.csv] == value
        if row.row.indicator.key == "staff":
            assert csv["plan_to_date"] is None and csv["fact_to_date"] is None
        else:
            assert csv["fact_to_date"] == to_date.fact
    zero_plan = next(r for r in rows if r.row.quarter == 3 and r.row.indicator.key == "revenue")
    assert zero_plan.row.own.percent is None


def test_each_year_gets_a_revenue_and_a_costs_chart_with_the_tables_numbers():
    plan = {
        2021: {
            "1000": {"plan_q1": D(100), "fact_q1": D(90)},
            "1010": {"plan_q1": D(80), "fact_q1": D(85)},
            "1170": {"plan_q1": D(5), "fact_q1": D(1)},
        },
        2020: {"1170": {"plan_q1": D(5)}},
    }
    edition = next(iter(plan_fact.CODES))
    years = plan_fact_tables.plan_fact_years(plan, {2021: edition, 2020: edition})
    assert [y.year for y in years] == [2021, 2020]
    captions = [caption for caption, _ in years[0].charts]
    assert [c.split(",")[0] for c in captions] == [
        "Чистий дохід від реалізації",
        "Собівартість реалізованої продукції",
    ]
    assert all("План — 100" in svg or "План — 80" in svg for _, svg in years[0].charts)
    assert years[1].charts == []  # the net result alone is not charted
    assert (
        plan_fact_tables.plan_fact_years(plan, {2021: edition}, with_charts=False)[0].charts == []
    )
