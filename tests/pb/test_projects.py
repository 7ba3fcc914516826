"""The project rows of a projects file, checked by the pure ``civic.pb.projects`` (no database)."""

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from civic.pb.projects import PROJECT_HEADERS, check_projects, problem

CATEGORIES = [("small", "Малі проєкти"), ("big", "Великі проєкти")]
GOOD = {"code": "A1", "title": "Сквер", "category": "small", "cost": "60 000,50"}


def check(*rows, filename="проєкти.csv"):
    return check_projects(list(enumerate(rows, start=2)), CATEGORIES, filename)


def test_a_good_row_becomes_the_values_of_a_project():
    rows, problems = check({**GOOD, "submitted_on": "01.09.2020", "status": "допущено"})
    assert problems == []
    assert rows == {
        "A1": {
            "code": "A1",
            "title": "Сквер",
            "category_code": "small",
            "cost": Decimal("60000.50"),
            "submitted_on": dt.date(2020, 9, 1),
            "is_admitted": True,
            "latitude": None,
            "longitude": None,
        }
    }


@pytest.mark.parametrize(
    ("typed", "code"),
    [
        ("small", "small"),
        ("SMALL", "small"),
        ("Великі проєкти", "big"),
        (" великі ПРОЄКТИ ", "big"),
    ],
)
def test_a_category_is_named_by_its_code_or_title_in_any_case(typed, code):
    rows, problems = check({**GOOD, "category": typed})
    assert problems == [] and rows["A1"]["category_code"] == code


@pytest.mark.parametrize(
    ("status", "admitted"),
    [("", True), ("допущено", True), ("Так", True), ("не допущено", False), ("відхилено", False)],
)
def test_the_status_says_whether_a_project_is_admitted(status, admitted):
    rows, problems = check({**GOOD, "status": status})
    assert problems == [] and rows["A1"]["is_admitted"] is admitted


@pytest.mark.parametrize(
    ("change", "column", "message"),
    [
        ({"code": ""}, "code", "код проєкту не вказано"),
        ({"code": "X" * 41}, "code", "код проєкту задовгий (до 40 знаків)"),
        ({"title": " "}, "title", "назву не вказано"),
        ({"title": "Н" * 401}, "title", "назва задовга (401 знаків; до 400)"),
        ({"category": "середні"}, "category", "«середні» — невідома категорія"),
        ({"cost": "0"}, "cost", "вартість має бути більшою за нуль"),
        ({"cost": ""}, "cost", "вартість має бути більшою за нуль"),
        ({"cost": "1000000000000"}, "cost", "«1000000000000» — завелика вартість"),
        ({"cost": "10,555"}, "cost", "«10,555» — більше двох знаків після коми"),
        ({"submitted_on": "31.02.2020"}, "submitted_on", "31.02.2020"),
        ({"status": "можливо"}, "status", "«можливо» — очікувалося «допущено» або «не допущено»"),
    ],
)
def test_each_bad_value_is_one_problem_naming_file_line_and_column(change, column, message):
    _rows, problems = check({**GOOD, **change})
    assert len(problems) == 1
    assert problems[0].startswith(f"Файл «проєкти.csv», рядок 2, «{PROJECT_HEADERS[column]}»: ")
    assert message in problems[0]


def test_an_unknown_category_lists_the_known_ones():
    _rows, problems = check({**GOOD, "category": "x"})
    assert problems[0].endswith("є: «small» (Малі проєкти), «big» (Великі проєкти)")


def test_a_repeated_code_is_a_problem_on_its_second_line_and_keeps_the_first():
    rows, problems = check(GOOD, {**GOOD, "title": "Інший"})
    assert list(rows) == ["A1"] and rows["A1"]["title"] == "Сквер"
    assert problems == [problem("проєкти.csv", 3, "Код", "проєкт «A1» повторюється у файлі")]


def test_every_problem_of_every_row_is_listed_in_line_order():
    _rows, problems = check(
        {**GOOD, "cost": "-1", "status": "?"}, {**GOOD, "code": "A2", "title": ""}, {"code": ""}
    )
    lines = [p.split(", ")[1] for p in problems]
    assert lines == ["рядок 2", "рядок 2", "рядок 3", "рядок 4"]


@pytest.mark.parametrize(
    ("line", "column", "expected"),
    [
        (7, "Вартість", "Файл «f.csv», рядок 7, «Вартість»: м"),
        (None, "Вартість", "Файл «f.csv», «Вартість»: м"),
        (7, None, "Файл «f.csv», рядок 7: м"),
        (None, None, "Файл «f.csv»: м"),
    ],
)
def test_a_problem_names_what_it_knows(line, column, expected):
    assert problem("f.csv", line, column, "м") == expected


@given(st.lists(st.sampled_from(["A1", "A2", "B1", ""]), max_size=8))
def test_each_row_is_either_a_project_or_has_a_problem(codes):
    rows, problems = check(*({**GOOD, "code": code} for code in codes))
    distinct = {c for c in codes if c}
    assert set(rows) == distinct
    assert len(problems) == len(codes) - len(distinct)
