"""The pure working-day calendar: tables of known days and properties."""

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from civic import workdays

D = dt.date
CAL = workdays.default_calendar()


@pytest.mark.parametrize(
    ("start", "n", "expected"),
    [
        (D(2020, 12, 30), 2, D(2021, 1, 4)),  # the example: 1 Jan off, then a weekend
        (D(2020, 1, 3), 1, D(2020, 1, 8)),  # 6 Jan moved off (for Sat 11 Jan), 7 Jan Christmas
        (D(2020, 1, 10), 1, D(2020, 1, 11)),  # Saturday 11.01.2020 was a working day
        (D(2020, 1, 10), 2, D(2020, 1, 13)),
        (D(2021, 1, 6), 1, D(2021, 1, 11)),  # 7 Jan Christmas, 8 Jan moved off (Sat 16 Jan)
        (D(2021, 1, 15), 1, D(2021, 1, 16)),  # Saturday 16.01.2021 worked
        (D(2021, 8, 20), 1, D(2021, 8, 25)),  # 23 Aug moved off, 24 Aug Independence Day
        (D(2021, 8, 27), 1, D(2021, 8, 28)),  # Saturday 28.08.2021 worked
        (D(2021, 10, 13), 1, D(2021, 10, 18)),  # 14 Oct holiday, 15 Oct moved off
        (D(2021, 10, 22), 1, D(2021, 10, 23)),  # Saturday 23.10.2021 worked
        (D(2020, 11, 5), 2, D(2020, 11, 9)),  # an ordinary November week
        (D(2024, 4, 30), 1, D(2024, 5, 1)),  # martial law: 1 May 2024 is a working day
        (D(2022, 3, 7), 1, D(2022, 3, 9)),  # 8 March 2022 still off (before 24.03.2022)
        (D(2022, 5, 6), 1, D(2022, 5, 9)),  # 9 May 2022 under Law 2136-IX: working
        (D(2020, 11, 6), 0, D(2020, 11, 6)),
    ],
)
def test_add_working_days(start, n, expected):
    assert workdays.add_working_days(CAL, start, n) == expected


@pytest.mark.parametrize(
    ("day", "working"),
    [
        (D(2020, 1, 11), True),  # working Saturday
        (D(2020, 1, 6), False),  # moved day off
        (D(2020, 1, 1), False),
        (D(2021, 5, 3), False),  # 1 May on Saturday → observed Monday
        (D(2021, 5, 4), False),  # Easter on 2 May → observed Tuesday
        (D(2021, 8, 23), False),
        (D(2021, 8, 28), True),
        (D(2024, 5, 1), True),
        (D(2024, 12, 25), True),  # Christmas under martial law
        (D(2024, 12, 28), False),  # an ordinary Saturday
        (D(2023, 1, 2), True),
    ],
)
def test_is_working_day(day, working):
    assert workdays.is_working_day(CAL, day) is working


def test_declared_days_override_seed_and_martial_law():
    cal = workdays.build_calendar(
        official_days_off=CAL.official_days_off,
        official_working_days=CAL.official_working_days,
        declared_days_off=[D(2024, 5, 2)],
        declared_working_days=[D(2024, 5, 4)],
        suspensions=CAL.suspensions,
    )
    assert not workdays.is_working_day(cal, D(2024, 5, 2))
    assert workdays.is_working_day(cal, D(2024, 5, 4))  # a Saturday declared working
    assert workdays.add_working_days(cal, D(2024, 5, 1), 1) == D(2024, 5, 3)
    assert cal.version != CAL.version


def test_end_of_martial_law_brings_holidays_back():
    ended = workdays.default_calendar(suspensions=[(D(2022, 3, 24), D(2023, 12, 31))])
    assert not workdays.is_working_day(ended, D(2024, 1, 1))
    assert workdays.is_working_day(ended, D(2023, 5, 1))
    assert ended.version != CAL.version


def test_version_depends_only_on_contents():
    a = workdays.build_calendar(declared_days_off=[D(2021, 1, 2), D(2021, 1, 3)])
    b = workdays.build_calendar(declared_days_off=[D(2021, 1, 3), D(2021, 1, 2)])
    assert a.version == b.version and len(a.version) == 16


def test_negative_n_is_refused():
    with pytest.raises(ValueError):
        workdays.add_working_days(CAL, D(2021, 1, 1), -1)


def test_seed_knows_moved_days_and_working_saturdays():
    days_off, working = workdays.seed_days(2020, 2021)
    assert {D(2020, 1, 6), D(2021, 1, 8), D(2021, 8, 23), D(2021, 10, 15)} <= days_off
    assert {D(2020, 1, 11), D(2021, 1, 16), D(2021, 8, 28), D(2021, 10, 23)} <= working


dates = st.dates(min_value=D(2016, 1, 1), max_value=D(2027, 12, 31))


@settings(max_examples=200, deadline=None)
@given(start=dates, n=st.integers(min_value=1, max_value=40))
def test_deadline_is_never_on_a_non_working_day(start, n):
    due = workdays.add_working_days(CAL, start, n)
    assert workdays.is_working_day(CAL, due)
    assert due > start
    assert workdays.working_days_between(CAL, start, due) == n


@settings(max_examples=100, deadline=None)
@given(start=dates, n=st.integers(min_value=0, max_value=30))
def test_adding_is_monotonic_and_composable(start, n):
    one = workdays.add_working_days(CAL, start, n)
    assert workdays.add_working_days(CAL, start, n + 1) > one
    assert workdays.add_working_days(CAL, one, 1) == workdays.add_working_days(CAL, start, n + 1)
