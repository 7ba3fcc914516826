"""The plan reader on files in the shapes councils publish: the official plan with its
«ЗАТВЕРДЖЕНО» block, status boxes and merged quarter header; the quarterly execution report
with its six columns in cp1251 / UTF-8 BOM CSV and XLSX; hostile variants."""

import re
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from civic.enterprises.plan_title import read_title
from civic.enterprises.plans import parse_plan
from tests.enterprises.plan_files import (
    approval,
    codes,
    csv_bytes,
    plan_rows,
    plan_xlsx,
    report_rows,
    status_boxes,
    with_cached_values,
    xlsx,
)
from tests.support import hostile

PLAN = {
    "1000": ("8 823,4", "9 000,0", "9 600,0", "2 300,0", "2 400,0", "2 400,0", "2 500,0"),
    "1170": ("263,6", "270,0", "(35,5)", "-10", "-10", "-10", "(5,5)"),
}
REPORT = {
    "1000": ("2 563", "2 700,8", "3 251,2", "+550,4", "120,4"),
    "1010": ("(2 100,0)", "(2 300,0)", "(2 500,5)", "(200,5)", "108,7"),
}


def kinds(result, code):
    return {f.kind: f.value for f in result.facts if f.code == code}


def test_official_plan_with_approval_block_status_box_and_merged_quarters():
    result = parse_plan(plan_xlsx(PLAN), "plan.xlsx")
    assert result.ok and result.messages == []
    title = result.title
    assert (result.document, result.period, result.unit) == ("plan", "", "тис. грн")
    assert title.status == "refined"
    assert (
        title.decision
        == "Рішення виконавчого комітету Ніжинської міської ради від 19.12.2024 № 512"
    )
    assert title.approved_on.isoformat() == "2024-12-19"
    assert (title.edrpou, title.year) == ("03357168", 2025)
    assert kinds(result, "1000") == {
        "prev_fact_year": Decimal("8823.40"),
        "current_plan_year": Decimal("9000.00"),
        "plan_year": Decimal("9600.00"),
        "plan_q1": Decimal("2300.00"),
        "plan_q2": Decimal("2400.00"),
        "plan_q3": Decimal("2400.00"),
        "plan_q4": Decimal("2500.00"),
    }
    assert kinds(result, "1170")["plan_year"] == Decimal("-35.50")  # «(35,5)» is negative


@pytest.mark.parametrize(
    ("rows", "status"),
    [
        (status_boxes("Проект"), "project"),
        (status_boxes("Уточнений"), "refined"),
        (status_boxes("Зміни"), "amended"),
        ([["ПРОЄКТ"]], "project"),
        ([["Проект"]], "project"),
        ([["Фінансовий план на 2025 рік (зі змінами)"]], "amended"),
        ([["Уточнений фінансовий план на 2025 рік"]], "refined"),
        ([["Зміни до фінансового плану на 2025 рік"]], "amended"),
        ([["Статус: затверджений"]], "approved"),
        (approval(), "approved"),  # a filled «ЗАТВЕРДЖЕНО» block and no other mark
        (approval(on="", number=""), ""),  # the unfilled template «від №»
        (status_boxes(None), ""),
        # the boxes down one column, the «Х» beside one (docs/examples' layout)
        ([["Проект"], ["Уточнений", "Х"], ["Зміни"]], "refined"),
        ([["Проект", "X"], ["Уточнений"], ["Зміни"]], "project"),
        ([["Проект"], ["Уточнений"], ["Зміни"]], ""),
        ([["Фінансовий план на 2025 рік"]], ""),
    ],
)
def test_status_marks(rows, status):
    assert read_title(list(enumerate(rows, 1))).status == status


def test_two_statuses_marked_down_a_column_is_refused_with_the_cells():
    title = read_title(list(enumerate([["Проект", "Х"], ["Уточнений"], ["Зміни", "х"]], 1)))
    (error,) = [m for m in title.messages if m.level == "error"]
    assert "B1, B3" in error.text and "позначено кілька статусів" in error.text


def test_two_statuses_marked_is_refused_with_the_cells():
    rows = status_boxes("Проект")
    rows[1][6] = "Х"
    title = read_title(list(enumerate(rows, 1)))
    assert [m.text for m in title.messages] == [
        "клітинки E2, G2: позначено кілька статусів плану водночас; має бути позначено один: "
        "«Проект», «Уточнений» або «Зміни»"
    ]


@pytest.mark.parametrize(
    ("text", "on", "decision"),
    [
        ("від 19.12.2024 № 512", "2024-12-19", "Рішення виконавчого комітету від 19.12.2024 № 512"),
        ("від 19 грудня 2024 року № 512", "2024-12-19", None),
        ("від «26» грудня 2024 р. № 7/2", "2024-12-26", None),
        ("№ 512", None, "Рішення виконавчого комітету № 512"),
    ],
)
def test_decision_date_and_number(text, on, decision):
    rows = [["ЗАТВЕРДЖЕНО"], ["Рішення виконавчого комітету"], [text]]
    title = read_title(list(enumerate(rows, 1)))
    assert (title.approved_on.isoformat() if title.approved_on else None) == on
    assert title.decision == (decision or f"Рішення виконавчого комітету {text}")
    assert title.status == "approved"


def test_a_signature_block_names_who_approved():
    rows = [["ЗАТВЕРДЖУЮ"], ["Міський голова"], ["Олександр КОДОЛА"], ["20.12.2024"]]
    title = read_title(list(enumerate(rows, 1)))
    assert title.approved_by.startswith("Міський голова Олександр КОДОЛА")
    assert title.status == "approved"


@pytest.mark.parametrize(
    ("period_text", "period"),
    [
        ("за I квартал 2025 року", "q1"),
        ("за І квартал 2025 року", "q1"),  # the Cyrillic «І»
        ("за 1 квартал 2025 року", "q1"),
        ("за ІІ квартал 2025 року", "q2"),
        ("за I півріччя 2025 року", "h1"),
        ("за 9 місяців 2025 року", "m9"),
        ("за 2025 рік", "year"),
    ],
)
@pytest.mark.parametrize("encoding", ["cp1251", "utf-8-sig"])
def test_execution_report_csv_period_from_title(period_text, period, encoding):
    data = csv_bytes(report_rows(REPORT, period=period_text), encoding)
    result = parse_plan(data, "звіт.csv")
    assert result.ok and result.warnings == []
    assert (result.document, result.period) == ("execution", period)
    assert kinds(result, "1000") == {
        f"prev_fact_{period}": Decimal("2563.00"),
        f"plan_{period}": Decimal("2700.80"),
        f"fact_{period}": Decimal("3251.20"),
        f"deviation_{period}": Decimal("550.40"),
        f"percent_{period}": Decimal("120.40"),
    }
    assert kinds(result, "1010")[f"fact_{period}"] == Decimal("-2500.50")


def test_execution_report_xlsx_reads_the_same_as_csv():
    from_xlsx = parse_plan(xlsx(report_rows(REPORT)), "звіт.xlsx")
    from_csv = parse_plan(csv_bytes(report_rows(REPORT)), "звіт.csv")
    assert from_xlsx.ok and from_xlsx.facts == from_csv.facts


def test_deviation_and_percent_mismatches_name_line_and_column():
    bad = dict(REPORT, **{"1010": ("(2 100,0)", "(2 300,0)", "(2 500,5)", "(100,5)", "118,7")})
    result = parse_plan(csv_bytes(report_rows(bad)), "звіт.csv")
    assert result.ok  # warnings only: nothing is derived from them
    assert [m.as_text() for m in result.warnings] == [
        "Рядок 19: стовпець F «Відхилення (+;-)» (I квартал), код рядка 1010: відхилення -100,5, "
        "а факт − план = -200,5; різниця більша за округлення",
        "Рядок 19: стовпець G «% виконання» (I квартал), код рядка 1010: виконання 118,7 %, "
        "а факт ÷ план × 100 = 108,7 %; різниця більша за округлення",
    ]


@settings(max_examples=60, deadline=None)
@given(
    st.decimals(min_value=1, max_value=10**6, places=2),
    st.decimals(min_value=0, max_value=10**6, places=2),
)
def test_rounded_deviation_and_percent_are_never_warned(plan, fact):
    """Plan and fact as a council rounds them (one decimal), the deviation and % computed from
    the unrounded values and rounded the same way: within rounding, so no warning."""

    def shown(value):
        return f"{value.quantize(Decimal('0.1'))}".replace(".", ",")

    row = (
        "1",
        shown(plan),
        shown(fact),
        shown(fact - plan),
        shown(fact / plan * 100),
    )
    result = parse_plan(csv_bytes(report_rows({"1000": row})), "звіт.csv")
    assert result.ok and result.warnings == []


@pytest.mark.parametrize(
    ("unit", "factor"),
    [
        ("Одиниці виміру: тис. гривень", Decimal(1)),
        ("тис. грн", Decimal(1)),
        ("Одиниця виміру: грн", Decimal("0.001")),
        ("(гривень)", Decimal("0.001")),
        ("Одиниці виміру: млн грн", Decimal(1000)),
    ],
)
def test_stated_units_are_converted_to_thousands(unit, factor):
    result = parse_plan(csv_bytes(report_rows(REPORT, unit=unit)), "звіт.csv")
    assert result.ok
    values = kinds(result, "1000")
    assert values["plan_q1"] == (Decimal("2700.8") * factor).quantize(Decimal("0.01"))
    assert values["percent_q1"] == Decimal("120.40")  # a percentage is no amount
    converted = [m.text for m in result.warnings if "переведено" in m.text]
    assert bool(converted) == (factor != 1)


def test_an_unknown_unit_is_refused_with_its_cell():
    result = parse_plan(csv_bytes(report_rows(REPORT, unit="Одиниці виміру: дол. США")), "з.csv")
    assert not result.ok and result.errors[0].as_text().startswith(
        "Рядок 14: клітинка A14: одиниця виміру «дол. США» не підтримується"
    )


def test_formula_without_a_cached_value_is_refused_with_the_cell():
    data = xlsx(report_rows(REPORT), formulas={"F18": "=E18-D18"})
    result = parse_plan(data, "звіт.xlsx")
    assert [m.as_text() for m in result.errors] == [
        "Рядок 18: клітинка F18: формула «=E18-D18» без збереженого значення (книгу збережено без "
        "обчислення формул); відкрийте файл в Excel або LibreOffice Calc і збережіть його ще раз"
    ]
    cached = parse_plan(with_cached_values(data), "звіт.xlsx")
    assert cached.ok and kinds(cached, "1000")["deviation_q1"] == Decimal("550.40")


def test_empty_rows_sections_and_numbering_rows_are_skipped():
    rows = report_rows(REPORT)
    rows.insert(-1, [])
    rows.insert(-1, ["Витрати"])
    rows.insert(-1, [None] * 7)
    result = parse_plan(xlsx(rows), "звіт.xlsx")
    assert result.ok and {f.code for f in result.facts} == {"1000", "1010"}


@pytest.mark.parametrize(
    ("data", "name", "needle"),
    [
        (b"\x00\x01" + csv_bytes(report_rows(REPORT)), "звіт.csv", "нульові байти"),
        (hostile.xlsm(xlsx(report_rows(REPORT))), "звіт.xlsx", "макроси vba"),
        (hostile.bomb(xlsx(report_rows(REPORT))), "звіт.xlsx", "zip-бомбу"),
        (b"", "звіт.csv", "файл порожній"),
    ],
)
def test_hostile_files_are_refused_in_ukrainian(data, name, needle):
    result = parse_plan(data, name)
    assert not result.ok and result.facts == []
    assert needle in result.errors[0].text.casefold()
    assert all(re.search("[а-яіїєґ]{4}", m.text) and "Error" not in m.text for m in result.errors)


def test_plan_in_hryvnias_with_numbers_as_text():
    rows = plan_rows(
        {"1000": ("8 823 400", "9 000 000", "9 600 000,50", "2 300 000", None, None, None)},
        unit="Одиниці виміру: грн",
    )
    result = parse_plan(csv_bytes(rows, "utf-8-sig"), "план.csv")
    assert result.ok
    assert kinds(result, "1000")["plan_year"] == Decimal("9600.00")
    assert "plan_q2" not in kinds(result, "1000")


def test_an_approval_block_without_a_blank_row_after_it_ends_at_the_status_boxes():
    rows = approval(col=4)[1:4] + status_boxes("Зміни") + codes(year=2020)
    title = read_title(list(enumerate(rows, 1)))
    assert (
        title.decision
        == "Рішення виконавчого комітету Ніжинської міської ради від 19.12.2024 № 512"
    )
    assert (title.status, title.year, title.edrpou) == ("amended", 2020, "03357168")


@pytest.mark.parametrize("plan", ["1e-300", "0.000000000000000000000000001", "1e20"])
def test_a_stated_percent_against_an_extreme_plan_is_a_warning_not_an_error(plan):
    """Found by the fuzzer: a float cell of 1e-300 as the plan made the computed % too long to
    round, and the upload failed with a server error instead of a warning."""
    from civic.enterprises.plan_checks import Stated, check_stated, half_unit
    from civic.enterprises.plans import PlanColumn

    def stated(measure, value):
        column = PlanColumn(2, measure, "q1", measure)
        return Stated("1000", column, Decimal(value), half_unit(float(value)), 7)

    messages = check_stated([stated("plan", plan), stated("fact", "5"), stated("percent", "1")])
    (warning,) = messages
    assert warning.level == "warning" and "факт ÷ план × 100" in warning.text


def test_a_hostile_title_block_is_read_whole():
    """The title block is at most the 20 rows above the header, but its cells may be 30 000
    letters (an XLSX cell's limit) and its rows 16 384 cells wide: the unit and the year are
    still found (its speed is measured by benchmarks/enterprises.py, never asserted here)."""
    rows = [(line, ["одиниц" * 5000, "Рік"] * 8) for line in range(1, 19)]
    rows += [(19, ["Рік"] * 16384), (20, ["Одиниці виміру: тис. грн", "Рік", "2025"])]
    title = read_title(rows)
    assert (title.unit, title.year, title.year_cell) == ("тис. грн", 2025, "C20")
