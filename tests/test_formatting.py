import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from civic.formatting import (
    plural_category,
    short_name,
    uk_date,
    uk_date_long,
    uk_datetime,
    uk_money,
    uk_month,
    uk_month_name,
    uk_number,
)

NBSP = "\u00a0"


@pytest.mark.parametrize(
    ("value", "places", "expected"),
    [
        (Decimal("1234567.89"), None, "1 234 567,89"),
        (1234567.89, None, "1 234 567,89"),
        (316, None, "316"),
        (0, 2, "0,00"),
        (Decimal("-4567"), None, "-4 567"),
        ("399500", 2, "399 500,00"),
        (Decimal("0.5"), 0, "0"),
        (None, None, ""),
        (0, None, "0"),
        (999, 0, "999"),
        (1000, 0, "1 000"),
        (-1000, None, "-1 000"),
        (-999, None, "-999"),
        (12345678901234567, None, "12 345 678 901 234 567"),
        (1234, 2, "1 234,00"),
    ],
)
def test_uk_number(value, places, expected):
    assert uk_number(value, places).replace(NBSP, " ") == expected


def test_groups_are_no_break_spaces():
    assert uk_number(1000) == f"1{NBSP}000"


@pytest.mark.parametrize(
    ("value", "expected"),
    [(3866211, "3 866 211,00 грн"), (Decimal("417031"), "417 031,00 грн"), ("0.5", "0,50 грн")],
)
def test_uk_money(value, expected):
    assert uk_money(value).replace(NBSP, " ") == expected


@pytest.mark.parametrize(
    ("value", "short", "long"),
    [
        (dt.date(2020, 11, 23), "23.11.2020", "23 листопада 2020 року"),
        (dt.date(2021, 2, 5), "05.02.2021", "5 лютого 2021 року"),
        (dt.date(2022, 3, 1), "01.03.2022", "1 березня 2022 року"),
        (dt.datetime(2024, 5, 1, 9, 30), "01.05.2024", "1 травня 2024 року"),
        # stored moments are UTC; a page shows the Kyiv date (UTC+3 in summer, +2 in winter)
        (dt.datetime(2024, 5, 1, 21, 30, tzinfo=dt.UTC), "02.05.2024", "2 травня 2024 року"),
        (dt.datetime(2024, 12, 31, 21, 59, tzinfo=dt.UTC), "31.12.2024", "31 грудня 2024 року"),
        (dt.datetime(2024, 12, 31, 22, 0, tzinfo=dt.UTC), "01.01.2025", "1 січня 2025 року"),
    ],
)
def test_uk_dates(value, short, long):
    assert uk_date(value) == short
    assert uk_date_long(value) == long


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (dt.datetime(2020, 11, 23, 9, 5), "23.11.2020 09:05"),
        (dt.datetime(2020, 11, 23, 7, 5, tzinfo=dt.UTC), "23.11.2020 09:05"),
        (dt.datetime(2021, 7, 1, 23, 59, tzinfo=dt.UTC), "02.07.2021 02:59"),
        (None, ""),
    ],
)
def test_uk_datetime_in_kyiv_time(value, expected):
    assert uk_datetime(value) == expected


@pytest.mark.parametrize(
    ("month", "nominative", "genitive"),
    [
        (11, "листопад", "листопада"),
        (1, "січень", "січня"),
        (5, "травень", "травня"),
        (9, "вересень", "вересня"),
    ],
)
def test_month_names(month, nominative, genitive):
    assert uk_month(dt.date(2020, month, 1)) == f"{nominative} 2020"
    assert uk_month(dt.date(2020, month, 1), "genitive") == f"{genitive} 2020"
    assert uk_month_name(month) == nominative
    assert uk_month_name(month, "genitive") == genitive


def test_filters_registered_for_templates(tmp_path):
    from civic import create_app

    app = create_app({"TESTING": True}, instance_path=tmp_path)
    env = app.jinja_env
    rendered = env.from_string("{{ 3866211|uk_money }} {{ d|uk_date_long }}").render(
        d=dt.date(2020, 11, 23)
    )
    assert rendered.replace(NBSP, " ") == "3 866 211,00 грн 23 листопада 2020 року"


@pytest.mark.parametrize(
    ("n", "expected"),
    [
        (1, "1 значення"),
        (84, "84 значення"),
        (85, "85 значень"),
        (11, "11 значень"),
        (12, "12 значень"),
        (21, "21 значення"),
        (0, "0 значень"),
        (None, "0 значень"),
    ],
)
def test_uk_plural_filter_agrees_the_noun(tmp_path, n, expected):
    from civic import create_app

    app = create_app({"TESTING": True}, instance_path=tmp_path)
    template = app.jinja_env.from_string('{{ n|uk_plural("значення", "значення", "значень") }}')
    assert template.render(n=n) == expected
    days = app.jinja_env.from_string('{{ n|uk_plural("день", "дні", "днів") }}')
    assert (
        days.render(n=n).split()[1]
        == {"one": "день", "few": "дні", "many": "днів"}[plural_category(n or 0)]
    )


@pytest.mark.parametrize(
    ("full", "short"),
    [
        ("Шевченко Марія Василівна", "Шевченко М. В."),
        ("Шевченко Марія", "Шевченко М."),
        ("Адміністратор системи", "Адміністратор системи"),
        ("mod1", "mod1"),
        ("", ""),
        (None, ""),
        ("Лук'яненко  Оксана   Миколаївна", "Лук'яненко О. М."),
    ],
)
def test_short_name_names_a_colleague_without_gender(full, short):
    assert short_name(full) == short


@given(st.integers(min_value=-(10**12), max_value=10**12))
def test_web_report_and_chart_group_digits_alike(n):
    """The web filter, the report's number agreement and the charts print one «1 234»."""
    from civic.charts import Bar, bar_chart
    from civic.formatting import agree, group_digits

    web = uk_number(n)
    assert group_digits(n) == web
    assert agree(n, ("новину", "новини", "новин")).startswith(f"{web} ")
    assert f"Кількість: {web}<" in bar_chart([Bar("Кількість", n)], title="Т", chart_id="c")
    assert web.replace(NBSP, "").lstrip("-") == str(abs(n))
