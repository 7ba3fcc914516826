from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from civic.enterprises.statements import ERROR, WARNING, parse_enterprise_list, parse_statement
from tests.enterprises.conftest import BALANCED, example, form1_csv, seed_lines

F1, F2 = seed_lines("1"), seed_lines("2")


def facts(result, kind="end"):
    return {f.code: f.value for f in result.facts if f.kind == kind}


def texts(result, level=None):
    return [m.as_text() for m in result.messages if level is None or m.level == level]


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("1 234,5", Decimal("1234.5")),
        ("1\u00a0234,5", Decimal("1234.5")),
        ("1\u202f234,50", Decimal("1234.50")),
        ("1234.5", Decimal("1234.5")),
        ('"1 234,5"', Decimal("1234.5")),
        ("( 4 567 )", Decimal("4567")),  # an expense line: parentheses stored as a positive amount
        ("(4567)", Decimal("4567")),
        ("-4567", Decimal("4567")),
        ("-", None),
        ("—", None),
        ("", None),
    ],
)
def test_numbers_on_an_expense_line(cell, expected):
    data = (f"Код рядка;За звітний період\r\n2000;100\r\n2350;1\r\n2050;{cell}\r\n").encode()
    result = parse_statement(data, "f2.csv", "2", F2)
    assert result.ok, texts(result)
    assert facts(result, "current").get("2050") == expected


@pytest.mark.parametrize(
    ("cell", "expected"),
    [("(1 250,0)", Decimal("-1250.0")), ("-980,4", Decimal("-980.4")), ("0", Decimal("0"))],
)
def test_lines_that_may_be_negative_keep_the_sign(cell, expected):
    rows = dict(BALANCED, **{"1420": cell})
    result = parse_statement(form1_csv(rows), "f1.csv", "1", F1)
    assert result.ok and facts(result)["1420"] == expected


def test_impossible_negative_is_an_error_with_its_line():
    rows = dict(BALANCED, **{"1165": "(15,0)"})
    result = parse_statement(form1_csv(rows), "f1.csv", "1", F1)
    assert not result.ok
    assert texts(result, ERROR) == [
        "Рядок 8: рядок 1165 «Гроші та їх еквіваленти» не може бути від'ємним, а вказано -15.0"
    ]


def test_balance_check_1300_equals_1900():
    rows = dict(BALANCED, **{"1900": "999"})
    result = parse_statement(form1_csv(rows), "f1.csv", "1", F1)
    assert texts(result, ERROR) == [
        "Рядок 7: баланс не сходиться («На кінець звітного періоду»): рядок 1300 = 1000, а рядок 1900 = 999"
    ]


def test_unknown_code_warns_and_keeps_the_value():
    rows = dict(BALANCED, **{"1999": "5"})
    result = parse_statement(form1_csv(rows), "f1.csv", "1", F1)
    assert result.ok
    assert texts(result, WARNING) == [
        "Рядок 8: код рядка 1999 невідомий для цієї форми; значення збережено"
    ]
    assert facts(result)["1999"] == Decimal("5")


def test_missing_key_lines_warn():
    result = parse_statement(form1_csv({"1000": "5"}), "f1.csv", "1", F1)
    assert result.ok
    warnings = texts(result, WARNING)
    assert "немає ключового рядка 1300 (стовпець «На кінець звітного періоду»)" in warnings
    assert len(warnings) == 6


def test_net_profit_and_loss_key_group_and_both_filled():
    data = "Код рядка;За звітний період\r\n2000;100\r\n2350;5\r\n2355;(3)\r\n".encode()
    result = parse_statement(data, "f2.csv", "2", F2)
    assert texts(result, ERROR) == [
        "Рядок 4: у рядках 2350 (прибуток) і 2355 (збиток) обидва значення не нульові "
        "(«За звітний період»); має бути заповнений лише один"
    ]
    only_revenue = parse_statement(
        "Код рядка;За звітний період\r\n2000;100\r\n".encode("cp1251"), "f2.csv", "2", F2
    )
    assert "немає ключового рядка 2350 або 2355 (стовпець «За звітний період»)" in texts(
        only_revenue, WARNING
    )


def test_sum_check_warns():
    rows = dict(BALANCED, **{"1095": "700"})
    result = parse_statement(form1_csv(rows), "f1.csv", "1", F1)
    assert result.ok
    assert (
        "Рядок 4: рядок 1300 = 1000, а сума рядків 1095 + 1195 = 900 («На кінець звітного періоду»)"
        in texts(result)
    )


def test_bad_number_and_duplicate_code_are_errors():
    data = form1_csv(BALANCED) + "1165;десять\r\n1095;800\r\n".encode()
    result = parse_statement(data, "f1.csv", "1", F1)
    assert texts(result, ERROR) == [
        "Рядок 8: стовпець «На кінець звітного періоду»: «десять» — не число (очікувалося, наприклад, 1 234,56)",
        "Рядок 9: код рядка 1095 уже був у рядку 2",
    ]


def test_missing_column_is_an_error_naming_what_was_found():
    data = "Код рядка;Сума\r\n1300;5\r\n".encode()
    result = parse_statement(data, "f1.csv", "1", F1)
    assert not result.ok
    assert "не знайдено обов'язкових стовпців: «На кінець звітного періоду»" in texts(result)[0]


def test_empty_file_and_no_values():
    assert texts(parse_statement(b"", "x.csv", "1", F1)) == ["файл порожній"]
    only_header = parse_statement(form1_csv({}), "x.csv", "1", F1)
    assert texts(only_header) == ["у файлі немає жодного значення з кодом рядка"]


def test_rounding_to_cents_warns():
    rows = dict(BALANCED, **{"1165": "1,234"})
    result = parse_statement(form1_csv(rows), "f1.csv", "1", F1)
    assert facts(result)["1165"] == Decimal("1.23")
    assert "Рядок 8: рядок 1165: 1.234 округлено до 1.23" in texts(result, WARNING)


def test_cp1251_semicolon_example_with_title_rows_and_column_numbers():
    result = parse_statement(example("enterprise-form1-cp1251.csv"), "f1.csv", "1", F1)
    assert result.ok and result.messages == []
    end, start = facts(result, "end"), facts(result, "start")
    assert end["1010"] == Decimal("41305.6")  # a no-break space inside the number
    assert end["1012"] == Decimal("11802.1")  # «( 11 802,1 )» on a deduction line
    assert end["1420"] == Decimal("-980.4")
    assert "1000" not in start and "1595" not in end  # «-» and empty mean no value
    assert "2" not in end  # the «1;2;3;4» column-number row is not data


def test_utf8_bom_comma_example():
    result = parse_statement(example("enterprise-form2-utf8bom.csv"), "f2.csv", "2", F2)
    assert result.ok and result.messages == []
    assert facts(result, "current")["2000"] == Decimal("21450.7")
    assert facts(result, "previous")["2050"] == Decimal("17655.0")
    assert "2355" not in facts(result, "current")


def test_xlsx_with_title_row_and_numeric_and_text_cells():
    result = parse_statement(example("enterprise-form1-title.xlsx"), "f1.xlsx", "1", F1)
    assert result.ok, texts(result)
    assert facts(result) == {
        "1095": Decimal("41318.0"),
        "1100": Decimal("980.2"),
        "1165": Decimal("455.1"),
        "1195": Decimal("5251.0"),
        "1300": Decimal("46569.0"),
        "1495": Decimal("39019.6"),
        "1695": Decimal("7549.4"),
        "1900": Decimal("46569.0"),
    }


@settings(deadline=None)
@given(
    st.dictionaries(
        st.sampled_from(["1000", "1010", "1100", "1165"]),
        st.decimals(min_value=0, max_value=10**9, places=2),
        min_size=1,
    )
)
def test_written_numbers_read_back_exactly(values):
    rows = dict(BALANCED)
    rows.update(
        {
            code: f"{value:,.2f}".replace(",", " ").replace(".", ",")
            for code, value in values.items()
        }
    )
    result = parse_statement(form1_csv(rows), "f1.csv", "1", F1)
    read = facts(result)
    assert all(read[code] == value for code, value in values.items())


def test_enterprise_list_example():
    entries, messages = parse_enterprise_list(example("enterprises-list.csv"), "list.csv")
    assert [e.edrpou for e in entries] == ["09900113", "99001068", "99001074"]
    assert [e.reporting_type for e in entries] == ["З", "М", "МС"]
    assert entries[0].short_name == "КП «Ніжинське УВКГ»"
    assert messages == []


def test_enterprise_list_errors_and_warnings():
    data = (
        "Код ЄДРПОУ;Назва підприємства;Тип звітності\r\n"
        "32129;КП «А»;з\r\n"
        "00032128;КП «Б»;M\r\n"
        "abc;КП «В»;З\r\n"
        "14360570;;Х\r\n"
        "00032129;КП «Г»;МС\r\n"
    ).encode()
    entries, messages = parse_enterprise_list(data, "l.csv")
    assert [(e.edrpou, e.reporting_type) for e in entries] == [("00032129", "З"), ("00032128", "М")]
    assert [m.as_text() for m in messages] == [
        "Рядок 2: код ЄДРПОУ доповнено нулями зліва до 00032129",
        "Рядок 3: код ЄДРПОУ 00032128 не проходить перевірку контрольного розряду",
        "Рядок 4: «abc» — не код ЄДРПОУ (очікувалося 8 цифр)",
        "Рядок 5: не вказано назву підприємства",
        "Рядок 5: тип звітності «Х» невідомий (очікувалося З, М або МС)",
        "Рядок 6: код ЄДРПОУ 00032129 уже був у рядку 2",
    ]


@pytest.mark.parametrize(
    ("data", "filename", "message"),
    [
        (b"PK\x03\x04broken", "f.xlsx", "не вдалося відкрити книгу Excel (.xlsx); файл пошкоджено"),
        (b"\xd0\x9a", "f.xls", "старий формат Excel (.xls) не підтримується"),
        (b"\x00\x01\x02", "f.csv", "файл не схожий на текстову таблицю"),
    ],
)
def test_broken_files_are_reported_not_raised(data, filename, message):
    result = parse_statement(data, filename, "1", F1)
    assert not result.ok and message in result.errors[0].text
