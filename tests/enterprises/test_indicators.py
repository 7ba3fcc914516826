from decimal import Decimal as D

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from civic.enterprises.indicators import (
    SPECS,
    YearData,
    compute_indicators,
    current_ratio,
    ebitda,
    equity_to_assets,
    indicators_by_year,
    net_result,
    return_on_sales,
    roe,
    trend,
)

FULL1 = {
    "1100": D(50),
    "1165": D(30),
    "1195": D(200),
    "1300": D(1000),
    "1495": D(600),
    "1695": D(400),
    "1900": D(1000),
}
FULL2 = {
    "2000": D(500),
    "2190": D(60),
    "2350": D(40),
    "2505": D(100),
    "2515": D(25),
    "2550": D(400),
}


def year(form1=None, form2=None, start=None):
    return YearData(form1 or {}, form2 or {}, start)


@pytest.mark.parametrize(
    ("function", "data", "expected"),
    [
        (current_ratio, year(FULL1), D("0.50")),
        (current_ratio, year({"1195": D(200)}), None),
        (current_ratio, year({"1195": D(200), "1695": D(0)}), None),
        (equity_to_assets, year(FULL1), D("0.60")),
        (equity_to_assets, year({"1495": D(-300), "1900": D(1000)}), D("-0.30")),
        (equity_to_assets, year({"1900": D(1000)}), None),
        (return_on_sales, year(form2=FULL2), D("8.00")),
        (return_on_sales, year(form2={"2000": D(500), "2355": D(25)}), D("-5.00")),
        (return_on_sales, year(form2={"2000": D(500), "2350": D(0), "2355": D(25)}), D("-5.00")),
        (return_on_sales, year(form2={"2000": D(500)}), None),
        (return_on_sales, year(form2={"2350": D(40)}), None),
        (ebitda, year(form2=FULL2), D("85.00")),
        (ebitda, year(form2={"2195": D(70), "2515": D(25)}), D("-45.00")),
        (ebitda, year(form2={"2190": D(60)}), None),
        (roe, year(FULL1, FULL2), None),  # no previous year's equity
        (roe, year(FULL1, FULL2, start={"1495": D(200)}), D("10.00")),  # 40 / mean(600, 200)
        (roe, year({"1495": D(-100)}, FULL2, start={"1495": D(-50)}), None),  # negative capital
    ],
)
def test_indicator_table(function, data, expected):
    assert function(data) == expected


def test_roe_uses_last_year_before_the_start_column():
    last = year({"1495": D(400)})
    this = year(FULL1, FULL2, start={"1495": D(999)})
    assert roe(this, last) == D("8.00")  # 40 / mean(600, 400) × 100


def test_every_indicator_has_title_formula_and_explanation():
    items = compute_indicators(
        year(FULL1, FULL2), year({"1495": D(400), "1300": D(900)}, {"2000": D(400)})
    )
    assert {i.key for i in items} == {s.key for s in SPECS}
    assert all(i.title and i.formula and len(i.explanation) > 40 for i in items)
    values = {i.key: i.value for i in items}
    assert values["quick_ratio"] == D("0.38")
    assert values["cash_ratio"] == D("0.08")
    assert values["liabilities_to_equity"] == D("0.67")
    assert values["operating_margin"] == D("12.00")
    assert values["roa"] == D("4.21")  # 40 / mean(1000, 900) × 100
    assert values["revenue_growth"] == D("25.00")
    assert values["wage_share"] == D("25.00")


def test_indicators_by_year_pairs_each_year_with_the_one_before():
    result = indicators_by_year(
        {2019: year({"1495": D(400)}, {"2000": D(400)}), 2020: year(FULL1, FULL2)}
    )
    by_key = {i.key: i.value for i in result[2020]}
    assert by_key["roe"] == D("8.00") and by_key["revenue_growth"] == D("25.00")
    assert {i.key: i.value for i in result[2019]}["roe"] is None


def test_no_inputs_no_values():
    assert all(i.value is None for i in compute_indicators(year()))


@pytest.mark.parametrize(
    ("form2", "expected"),
    [
        ({"2350": D(5)}, D(5)),
        ({"2355": D(5)}, D(-5)),
        ({"2350": D(0)}, D(0)),
        ({}, None),
        ({"2350": D(0), "2355": D(3)}, D(-3)),
    ],
)
def test_net_result(form2, expected):
    assert net_result(form2) == expected


@pytest.mark.parametrize(
    ("now", "before", "marker"),
    [(D(2), D(1), "▲"), (D(1), D(2), "▼"), (D(1), D(1), "■"), (None, D(1), ""), (D(1), None, "")],
)
def test_trend(now, before, marker):
    assert trend(now, before) == marker


codes1 = st.sampled_from(sorted(FULL1))
codes2 = st.sampled_from(sorted(FULL2))


@settings(deadline=None)
@given(st.sets(codes1), st.sets(codes2))
def test_removing_inputs_never_invents_a_value(drop1, drop2):
    """With inputs missing an indicator is either the full-data value or None, never another number."""
    full = {i.key: i.value for i in compute_indicators(year(FULL1, FULL2))}
    partial = compute_indicators(
        year(
            {k: v for k, v in FULL1.items() if k not in drop1},
            {k: v for k, v in FULL2.items() if k not in drop2},
        )
    )
    assert all(i.value is None or i.value == full[i.key] for i in partial)
