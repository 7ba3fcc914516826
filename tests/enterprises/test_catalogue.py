import pytest

from civic.enterprises.catalogue import key_groups, parse_catalogue
from civic.tabular import TabularError
from tests.enterprises.conftest import example, seed_lines


def test_seed_catalogues_hold_the_main_lines():
    form1 = {line.code: line for line in seed_lines("1")}
    form2 = {line.code: line for line in seed_lines("2")}
    assert {"1095", "1195", "1300", "1495", "1595", "1695", "1900"} <= set(form1)
    assert {"2000", "2050", "2190", "2195", "2350", "2355", "2515"} <= set(form2)
    assert (
        form1["1012"].sign == "expense"
        and form1["1300"].sign == "nonnegative"
        and form1["1495"].sign == "any"
    )
    assert key_groups(seed_lines("2"))["2350/2355"] == ["2350", "2355"]
    assert all(
        line.description and line.unit == "тис. грн" for line in [*form1.values(), *form2.values()]
    )


def test_example_catalogue_file():
    lines = parse_catalogue(example("enterprise-catalogue.csv"), "cat.csv")
    assert [line.code for line in lines] == ["1000", "1010", "1020", "1170"]
    assert lines[0].sign == "any" and lines[0].key == ""


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (
            "Код рядка;Назва коду\r\nабв;Щось\r\n",
            "Файл «c.csv», рядок 2, стовпець «Код рядка»: «абв» — не код рядка",
        ),
        (
            "Код рядка;Назва коду\r\n1000;А\r\n1000;Б\r\n",
            "Файл «c.csv», рядок 3: код 1000 повторюється",
        ),
        ("Код рядка;Назва коду\r\n1000;\r\n", "рядок 1000 без назви"),
        ("Код рядка;Назва коду;Знак\r\n1000;А;плюс\r\n", "«плюс» — невідомий знак"),
        ("Код рядка;Назва коду\r\n", "у файлі немає жодного рядка з кодом"),
        ("Код;Опис\r\n1;2\r\n", "не знайдено обов'язкових стовпців: «Назва коду»"),
    ],
)
def test_catalogue_errors(body, message):
    with pytest.raises(TabularError) as info:
        parse_catalogue(body.encode(), "c.csv")
    assert message in str(info.value)
