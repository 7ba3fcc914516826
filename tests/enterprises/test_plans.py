import io
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl import Workbook

from civic.enterprises.plans import detect_measure, detect_period, parse_plan
from tests.enterprises.conftest import example, seed_lines


def xlsx(rows, merges=()) -> bytes:
    book = Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    for merge in merges:
        sheet.merge_cells(merge)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def by_kind(result, code):
    return {f.kind: f.value for f in result.facts if f.code == code}


@pytest.mark.parametrize(
    ("text", "period"),
    [
        ("I квартал", "q1"),
        ("II квартал", "q2"),
        ("III квартал", "q3"),
        ("IV квартал", "q4"),
        ("1 квартал", "q1"),
        ("II кв.", "q2"),
        ("IV кв", "q4"),
        ("2-й квартал", "q2"),
        ("План на рік", "year"),
        ("рік", "year"),
        ("Факт минулого року", None),
        ("I півріччя", "h1"),
        ("9 місяців", "m9"),
        ("План", None),
        ("Найменування показника", None),
    ],
)
def test_detect_period(text, period):
    assert detect_period(text) == period


@pytest.mark.parametrize(
    ("text", "measure"),
    [
        ("План", "plan"),
        ("Факт", "fact"),
        ("Відхилення, +/-", "deviation"),
        ("% виконання", "percent"),
        ("Виконання, %", "percent"),
        ("Факт минулого року", "prev_fact"),
        ("Минулого року, факт", "prev_fact"),
        ("План на рік, % виконання", "percent"),
        ("Код рядка", None),
        ("Найменування показника", None),
        ("Фактично", "fact"),
    ],
)
def test_detect_measure(text, measure):
    assert detect_measure(text) == measure


def test_example_template_with_merged_titles_and_two_header_rows():
    result = parse_plan(example("enterprise-plan-2020.xlsx"), "plan.xlsx", seed_lines("plan"))
    assert result.ok and result.messages == []
    revenue = by_kind(result, "1000")
    assert revenue["plan_year"] == Decimal("9000.0")
    assert set(revenue) >= {
        "plan_q1",
        "fact_q1",
        "deviation_q4",
        "percent_q4",
        "prev_fact_year",
        "fact_year",
    }
    # Stated columns are kept as given; the year is the year column, not a sum.
    assert revenue["deviation_q2"] == revenue["fact_q2"] - revenue["plan_q2"]
    titles = {f.code: f.title for f in result.facts}
    assert titles["1000"].startswith("Дохід (виручка)")
    assert len({f.code for f in result.facts}) == 4


def test_single_header_row_without_quarters_is_the_year():
    data = xlsx(
        [
            ["Звіт про виконання фінансового плану за 2020 рік"],
            [],
            [
                "Найменування показника",
                "Код рядка",
                "Факт минулого року",
                "План",
                "Факт",
                "Відхилення",
                "% виконання",
            ],
            ["Дохід", 1000, "1 000,0", 1200, "1 150,5", "(49,5)", "95,9"],
        ],
        merges=["A1:G1"],
    )
    result = parse_plan(data, "p.xlsx")
    assert result.ok
    assert by_kind(result, "1000") == {
        "prev_fact_year": Decimal("1000.0"),
        "plan_year": Decimal("1200"),
        "fact_year": Decimal("1150.5"),
        "deviation_year": Decimal("-49.5"),
        "percent_year": Decimal("95.9"),
    }


def test_quarters_without_a_year_column_are_never_summed_into_a_year():
    data = xlsx(
        [
            ["Код рядка", "I квартал", None, "II квартал", None],
            [None, "План", "Факт", "План", "Факт"],
            ["1000", 100, 90, 100, 110],
        ],
        merges=["B1:C1", "D1:E1"],
    )
    result = parse_plan(data, "p.xlsx")
    assert result.ok
    assert by_kind(result, "1000") == {
        "plan_q1": Decimal("100"),
        "fact_q1": Decimal("90"),
        "plan_q2": Decimal("100"),
        "fact_q2": Decimal("110"),
    }


def test_combined_headers_in_one_row_and_cumulative_periods():
    data = xlsx(
        [
            ["Код рядка", "План I півріччя", "Факт I півріччя", "План 9 місяців", "Факт 9 місяців"],
            ["1000", 200, 190, 300, 310],
        ]
    )
    result = parse_plan(data, "p.xlsx")
    assert by_kind(result, "1000") == {
        "plan_h1": Decimal("200"),
        "fact_h1": Decimal("190"),
        "plan_m9": Decimal("300"),
        "fact_m9": Decimal("310"),
    }


def test_plan_errors_and_warnings():
    no_measures = parse_plan(xlsx([["Код рядка", "Назва"], ["1000", "x"]]), "p.xlsx")
    assert [m.as_text() for m in no_measures.messages] == [
        "Рядок 1: у заголовку не знайдено жодного стовпця «План», «Факт», «Відхилення» або «% виконання»"
    ]
    twice = parse_plan(xlsx([["Код рядка", "План", "План"], ["1000", 1, 2]]), "p.xlsx")
    assert [m.as_text() for m in twice.messages] == [
        "Рядок 1: у заголовку двічі стовпець «План, рік»"
    ]
    bad = parse_plan(
        xlsx(
            [["Код рядка", "План", "Факт", "Відхилення"], ["1000", "сто", 5, 3], ["9999", 1, 2, 1]]
        ),
        "p.xlsx",
        seed_lines("plan"),
    )
    assert [m.as_text() for m in bad.messages] == [
        "Рядок 2: стовпець «План»: «сто» — не число (очікувалося, наприклад, 1 234,56)",
        "Рядок 3: код рядка 9999 невідомий для цієї редакції плану",
    ]
    wrong_deviation = parse_plan(
        xlsx([["Код рядка", "План", "Факт", "Відхилення"], ["1000", 10, 12, 5]]), "p.xlsx"
    )
    assert [m.as_text() for m in wrong_deviation.warnings] == [
        "Рядок 2: стовпець D «Відхилення» (рік), код рядка 1000: відхилення 5, "
        "а факт − план = 2; різниця більша за округлення"
    ]
    missing = parse_plan(xlsx([["Назва", "План"], ["x", 1]]), "p.xlsx")
    assert "не знайдено обов'язкових стовпців: «Код рядка»" in missing.messages[0].text


@settings(max_examples=25, deadline=None)
@given(st.lists(st.decimals(min_value=-(10**6), max_value=10**6, places=1), min_size=8, max_size=8))
def test_quarter_values_read_back_as_given(values):
    header = ["Код рядка"]
    sub = [None]
    for q in ("I", "II", "III", "IV"):
        header += [f"{q} квартал", None]
        sub += ["План", "Факт"]
    data = xlsx([header, sub, ["1000", *[float(v) for v in values]]])
    result = parse_plan(data, "p.xlsx")
    kinds = by_kind(result, "1000")
    assert "plan_year" not in kinds and "fact_year" not in kinds
    expected = dict(
        zip([f"{m}_q{q}" for q in range(1, 5) for m in ("plan", "fact")], values, strict=True)
    )
    assert kinds == expected


def test_annual_plan_with_bare_quarter_columns_reads_them_as_plan():
    data = xlsx(
        [
            [
                "Найменування показника",
                "Код рядка",
                "Факт минулого року",
                "Прогноз поточного року",
                "Плановий рік (усього)",
                "I кв.",
                "II кв.",
                "III кв.",
                "IV кв.",
            ],
            ["Дохід", "1000", 900, 950, 1000, 240, 250, 250, 260],
        ]
    )
    result = parse_plan(data, "p.xlsx")
    assert by_kind(result, "1000") == {
        "prev_fact_year": Decimal("900"),
        "plan_year": Decimal("1000"),
        "plan_q1": Decimal("240"),
        "plan_q2": Decimal("250"),
        "plan_q3": Decimal("250"),
        "plan_q4": Decimal("260"),
    }
