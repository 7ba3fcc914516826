"""The dashboards' table and chart specs (pure): the HTML rows and the CSV rows agree."""

from decimal import Decimal as D
from types import SimpleNamespace

from hypothesis import given
from hypothesis import strategies as st

from civic.enterprises import dashboard
from civic.enterprises.services import EnterpriseData

YEARS = (2018, 2019, 2020)
amounts = st.one_of(st.none(), st.decimals(-(10**6), 10**6, places=1, allow_nan=False))


def _enterprise(n: int, rtype: str = "З"):
    return SimpleNamespace(
        id=n,
        edrpou=f"{99000000 + n:08d}",
        name=f"Комунальне підприємство № {n}",
        display_name=f"КП № {n}",
        reporting_type=rtype,
        is_demo=False,
    )


def _year_values(draw_codes):
    return st.fixed_dictionaries({c: amounts for c in draw_codes}).map(
        lambda d: {k: v for k, v in d.items() if v is not None}
    )


form1_years = st.dictionaries(st.sampled_from(YEARS), _year_values(("1300", "1495", "1695")))
form2_years = st.dictionaries(st.sampled_from(YEARS), _year_values(("2000", "2350", "2355")))


def _data(n, form1, form2, plan=None):
    return EnterpriseData(_enterprise(n), form1=form1, form2=form2, plan=plan or {})


def _agree(table: dashboard.Table, rows) -> None:
    """Every column shown in both places has the same value in the HTML row and the CSV row."""
    headers = table.csv_headers()
    for row in rows:
        csv = dict(zip(headers, table.csv_row(row), strict=True))
        for column, value in table.html_row(row):
            if column.csv is None:
                continue
            if column.format == "cell":
                assert csv[column.csv] == value.value
                if column.trend:
                    assert csv[column.trend] == value.marker
            else:
                assert csv[column.csv] == value


@given(st.lists(st.tuples(form1_years, form2_years), max_size=4))
def test_summary_html_and_csv_agree(facts):
    enterprises = [_enterprise(n) for n in range(len(facts))]
    lines = {n: f for n, f in enumerate(facts)}
    rows = dashboard.summary_rows(enterprises, lines)
    assert [r.enterprise for r in rows] == enterprises
    _agree(dashboard.SUMMARY_TABLE, rows)


@given(st.lists(st.tuples(form1_years, form2_years), max_size=4), st.sampled_from((None, *YEARS)))
def test_comparison_html_and_csv_agree(facts, year):
    loaded = [(_enterprise(n), _data(n, f1, f2)) for n, (f1, f2) in enumerate(facts)]
    years, shown, rows = dashboard.compare_rows(loaded, year)
    assert shown in years or (not years and shown is None)
    assert shown == year or year not in years
    _agree(dashboard.COMPARE_TABLE, rows)


@given(form1_years, form2_years)
def test_one_enterprises_tables_agree(form1, form2):
    data = _data(1, form1, form2)
    tables = dashboard.detail_tables(data, {})
    _agree(dashboard.lines_table(tables.years), tables.lines)
    _agree(dashboard.indicators_table(tables.years), tables.indicators)


def test_summary_marks_the_latest_year_against_the_one_before():
    lines = {1: ({2019: {"1300": D(100)}, 2020: {"1300": D(90)}}, {2020: {"2000": D(5)}})}
    (row,) = dashboard.summary_rows([_enterprise(1), _enterprise(2)][:1], lines)
    assert row.year == 2020
    assert (row.assets.value, row.assets.marker) == (D(90), "▼")
    assert (row.revenue.value, row.revenue.marker) == (D(5), "")
    (empty,) = dashboard.summary_rows([_enterprise(2)], lines)
    assert empty.year is None and empty.revenue == dashboard.Cell(None, "")
    assert dashboard.SUMMARY_TABLE.csv_row(empty)[:4] == [
        "99000002",
        "Комунальне підприємство № 2",
        "З",
        None,
    ]


def test_csv_puts_trends_beside_or_after_the_values():
    assert dashboard.SUMMARY_TABLE.csv_headers()[4:6] == ["revenue_2000", "revenue_trend"]
    assert dashboard.lines_table([2019, 2020]).csv_headers() == [
        "code",
        "title",
        "2019",
        "2020",
        "2019_trend",
        "2020_trend",
    ]


def test_plan_table_shows_periods_by_title_and_exports_their_codes():
    plan = {"1000": {"plan_q1": D(10), "fact_q1": D(9)}}
    data = _data(1, {}, {}, {2020: plan})
    tables = dashboard.detail_tables(data, {"1000": "Дохід"})
    table = dashboard.plan_table(tables.plan_year)
    (row,) = tables.plan
    html = {c.title: v for c, v in table.html_row(row)}
    assert html["Період"] == "I квартал" and html["Показник"] == "Дохід"
    assert table.csv_row(row)[:4] == [2020, "1000", "Дохід", "q1"]
    _agree(table, tables.plan)


def test_detail_charts_for_a_small_set_of_facts():
    form1 = {2019: {"1300": D(100), "1495": D(60)}, 2020: {"1300": D(120)}}
    form2 = {2019: {"2000": D(50), "2350": D(4)}, 2020: {"2000": D(70), "2355": D(3)}}
    charts = dashboard.detail_charts([2019, 2020], form1, form2)
    assert "Чистий дохід (р. 2000): 2019 — 50, 2020 — 70" in charts["money"]
    assert "Чистий фін. результат: 2019 — 4, 2020 — −3" in charts["money"].replace("-", "−")
    assert "Активи (р. 1300): 2019 — 100, 2020 — 120" in charts["balance"]
    assert dashboard.detail_charts([], {}, {}) == {"money": "", "balance": ""}


def test_plan_chart_names_the_line_and_the_quarters():
    plan = {"1000": {"plan_q1": D(10), "fact_q1": D(9), "plan_q2": D(12)}}
    svg = dashboard.plan_chart(plan, 2020, "1000", {"1000": "Дохід"})
    assert "План і факт за кварталами 2020 року: Дохід, тис. грн" in svg
    assert "I квартал: План — 10, Факт — 9" in svg


def test_compare_chart_has_a_bar_per_enterprise_with_revenue():
    loaded = [
        (_enterprise(1), _data(1, {}, {2020: {"2000": D(70)}})),
        (_enterprise(2), _data(2, {2020: {"1300": D(5)}}, {})),
    ]
    _, year, rows = dashboard.compare_rows(loaded, None)
    svg = dashboard.compare_chart(rows, year)
    assert year == 2020 and "Чистий дохід за 2020 рік" in svg
    assert "КП № 1" in svg and "КП № 2" not in svg
    assert dashboard.compare_chart([], None) == ""
