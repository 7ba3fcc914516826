"""The financial plan's catalogues: sections, the lines each line sums, editions by year."""

import datetime as dt

import pytest

from civic.enterprises import catalogue as cat
from civic.enterprises.catalogue import (
    EDITIONS,
    PLAN_205,
    PLAN_26119,
    SECTION_ORDER,
    edition_for_year,
    parse_catalogue,
)
from civic.tabular import TabularError
from tests.enterprises.conftest import DATA

HEADER = "Код рядка;Назва коду;Розділ;Сума рядків"


def catalogue_csv(*rows: str) -> bytes:
    return ("\r\n".join([HEADER, *rows]) + "\r\n").encode("utf-8")


def test_sections_and_sums_are_read():
    lines = parse_catalogue(
        catalogue_csv(
            "1000;Дохід;І;",  # Cyrillic «І», as people type it
            "1010;Собівартість;i;",
            "1020;Валовий прибуток;I.;1000 − 1010",
            "4000;Капітальні інвестиції;IV;+4010+4020",
            "4010;Будівництво;IV;",
            "4020;Обладнання;IV;",
        ),
        "cat.csv",
    )
    by_code = {line.code: line for line in lines}
    assert [line.section for line in lines] == ["I", "I", "I", "IV", "IV", "IV"]
    assert by_code["1020"].sums == ("+1000", "-1010")
    assert by_code["4000"].sums == ("+4010", "+4020")
    assert by_code["1000"].sums == ()


def test_forms_1_and_2_keep_working_without_the_new_columns():
    lines = parse_catalogue((DATA / "form2.csv").read_bytes(), "form2.csv")
    assert lines and all(line.section == "" and line.sums == () for line in lines)


@pytest.mark.parametrize(
    ("rows", "line", "column", "text"),
    [
        (
            ("1000;Дохід;I;", "1020;Валовий прибуток;I;+1000 -1010"),
            3,
            "Сума рядків",
            "невідомий код 1010",
        ),
        (
            ("1020;Валовий;I;+1000 +1030", "1000;Дохід;I;", "1030;Інше;I;+1020"),
            2,
            "Сума рядків",
            "рядки сумують самі себе: 1020 → 1030 → 1020",
        ),
        (("1020;Валовий;I;+1020",), 2, "Сума рядків", "рядки сумують самі себе: 1020 → 1020"),
        (("1000;Дохід;VIII;",), 2, "Розділ", "«VIII» — невідомий розділ"),
        (("1000;Дохід;I;=1010-1020",), 2, "Сума рядків", "«=1010-1020» — не сума рядків"),
        (("1000;Дохід;I;1010 плюс 1020",), 2, "Сума рядків", "не сума рядків"),
    ],
)
def test_bad_sections_and_sums_are_refused_with_file_line_and_column(rows, line, column, text):
    with pytest.raises(TabularError) as caught:
        parse_catalogue(catalogue_csv(*rows), "cat.csv")
    error = caught.value
    assert (error.file, error.line, error.column) == ("cat.csv", line, column)
    assert text in error.message


@pytest.mark.parametrize(
    ("form", "year", "edition"),
    [
        ("plan", 2016, PLAN_205),  # before the first listed edition: the first
        ("plan", 2019, PLAN_205),  # order № 1070 in force since 14.09.2018
        ("plan", 2024, PLAN_205),
        ("plan", 2025, PLAN_26119),  # order № 26119 of 18.11.2024
        ("plan", 2031, PLAN_26119),
        ("1", 2025, "НП(С)БО 1 (2013)"),
        ("2", 2019, "НП(С)БО 1 (2013)"),
    ],
)
def test_edition_for_year(form, year, edition):
    assert edition_for_year(form, year) == edition


def test_editions_as_the_sources_give_them():
    # The dates and numbers the sources confirmed (docs/enterprises.md, «Джерела»).
    by_name = {e.name: e for e in EDITIONS}
    first, second = by_name[PLAN_205], by_name[PLAN_26119]
    assert first.valid_from == dt.date(2018, 9, 14)  # ligazakon: «действует с 14.09.2018»
    assert "від 02.03.2015 № 205" in first.basis and "19.03.2015 за № 300/26745" in first.basis
    assert "від 31.07.2018 № 1070" in first.basis and "28.08.2018 за № 971/32423" in first.basis
    assert second.valid_from == dt.date(2024, 11, 18)
    assert "від 18.11.2024 № 26119" in second.basis
    assert first.valid_to == second.valid_from - dt.timedelta(days=1)


def shipped():
    return [e for e in cat.editions_of("plan") if e.seed]


@pytest.mark.parametrize("edition", shipped(), ids=lambda e: e.seed)
def test_shipped_catalogue_is_well_formed(edition):
    data = (DATA / edition.seed).read_bytes()
    lines = parse_catalogue(data, edition.seed)  # no cycles, every summed code exists
    raw_codes = [row.split(";")[0] for row in data.decode("utf-8").splitlines()[1:] if row]
    assert len(raw_codes) == len(set(raw_codes)) == len(lines)
    codes = {line.code for line in lines}
    assert all(term[1:] in codes and term[0] in "+-" for line in lines for term in line.sums)
    order = [SECTION_ORDER[line.section] for line in lines]
    assert order == sorted(order) and all(line.section for line in lines)


def test_shipped_lines_of_the_2018_edition():
    # The four lines the project has shipped since the first plan reader, in section I; the
    # official text of the form could not be read here, so docs/enterprises.md lists them as
    # not confirmed. The titles are the literals of the shipped file.
    lines = {line.code: line for line in cat_lines(PLAN_205)}
    assert (
        lines["1000"].title == "Дохід (виручка) від реалізації продукції (товарів, робіт, послуг)"
    )
    assert lines["1010"].title == "Собівартість реалізованої продукції (товарів, робіт, послуг)"
    assert lines["1010"].sign == "expense"
    assert lines["1020"].title == "Валовий прибуток (збиток)"
    assert lines["1020"].sums == ("+1000", "-1010")
    assert lines["1170"].title == "Чистий фінансовий результат: прибуток (збиток)"


def cat_lines(edition):
    name = cat.seed_file("plan", edition)
    return parse_catalogue((DATA / name).read_bytes(), name)


def test_no_catalogue_is_shipped_for_an_edition_whose_form_was_not_read():
    assert cat.seed_file("plan", PLAN_26119) is None
