"""The occasions calendar: fixed and movable days, the rule checker, the official list."""

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from civic.reports.defaults import load_defaults
from civic.reports.occasions import (
    RuleError,
    check_rule,
    occasions_between,
    occurrence,
)

OFFICIAL_OCCASIONS = load_defaults().occasions


@pytest.mark.parametrize(
    ("rule", "year", "expected"),
    [
        ("11/sat/4", 2020, dt.date(2020, 11, 28)),  # День пам'яті жертв голодоморів 2020
        ("11/sat/4", 2021, dt.date(2021, 11, 27)),
        ("11/sat/4", 2023, dt.date(2023, 11, 25)),
        ("11/sun/3", 2020, dt.date(2020, 11, 15)),
        ("07/sun/last", 2020, dt.date(2020, 7, 26)),
        ("11-21", 2020, dt.date(2020, 11, 21)),
        ("02-29", 2021, None),
        ("02-29", 2024, dt.date(2024, 2, 29)),
        ("05/fri/5", 2020, dt.date(2020, 5, 29)),
        ("06/fri/5", 2020, None),
    ],
)
def test_occurrence(rule, year, expected):
    assert occurrence(rule, year) == expected


@pytest.mark.parametrize(
    "rule", ["", "11/31", "13-01", "11-31", "11/xyz/1", "11/sat/6", "00/sat/1"]
)
def test_bad_rules_are_explained(rule):
    with pytest.raises(RuleError):
        check_rule(rule)


@given(st.integers(min_value=1990, max_value=2100), st.sampled_from(["mon", "sat", "sun"]))
def test_fourth_weekday_is_in_days_22_to_28(year, day):
    found = occurrence(f"11/{day}/4", year)
    assert 22 <= found.day <= 28 and found.strftime("%a").lower()[:3] == day


def test_november_2020_has_the_seeds_occasions():
    names = {
        o.name: day
        for day, o in occasions_between(
            list(OFFICIAL_OCCASIONS), dt.date(2020, 11, 1), dt.date(2020, 11, 30)
        )
    }
    assert names[
        "Всеукраїнський день працівників культури та майстрів народного мистецтва"
    ] == dt.date(2020, 11, 9)
    assert names["Міжнародний день бухгалтера"] == dt.date(2020, 11, 10)
    assert names["День працівників радіо, телебачення та звʼязку"] == dt.date(2020, 11, 16)
    assert names["День Гідності та Свободи"] == dt.date(2020, 11, 21)
    assert names["День памʼяті жертв голодоморів"] == dt.date(2020, 11, 28)


def test_rules_limited_to_years():
    by_year = {
        y: {
            o.name
            for _, o in occasions_between(
                list(OFFICIAL_OCCASIONS), dt.date(y, 10, 1), dt.date(y, 10, 31)
            )
        }
        for y in (2020, 2024)
    }
    assert "День захисника України" in by_year[2020]
    assert "День захисників і захисниць України" in by_year[2024]
    assert "День захисника України" not in by_year[2024]


def test_official_list_covers_every_month_and_every_rule_reads():
    months = {
        day.month
        for day, _ in occasions_between(
            list(OFFICIAL_OCCASIONS), dt.date(2024, 1, 1), dt.date(2024, 12, 31)
        )
    }
    assert months == set(range(1, 13))
    assert len(OFFICIAL_OCCASIONS) >= 50
