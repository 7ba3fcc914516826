"""civic.kyiv: legal dates from moments, Kyiv days and months in UTC, typed Kyiv times (pure)."""

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from civic import kyiv
from civic.kyiv import KyivTimeError


def utc(*args) -> dt.datetime:
    return dt.datetime(*args, tzinfo=dt.UTC)


# 2026: clocks go forward on Sunday 29 March (03:00 → 04:00), back on Sunday 25 October
# (04:00 → 03:00).
@pytest.mark.parametrize(
    ("moment", "day"),
    [
        (utc(2026, 12, 3, 23, 30), dt.date(2026, 12, 4)),  # 01:30 Kyiv: the day UTC misses
        (utc(2026, 12, 3, 21, 59), dt.date(2026, 12, 3)),  # 23:59 Kyiv (winter, UTC+2)
        (utc(2026, 12, 3, 22, 0), dt.date(2026, 12, 4)),  # 00:00 Kyiv
        (utc(2026, 7, 1, 20, 59), dt.date(2026, 7, 1)),  # 23:59 Kyiv (summer, UTC+3)
        (utc(2026, 7, 1, 21, 0), dt.date(2026, 7, 2)),  # 00:00 Kyiv
        (utc(2026, 12, 31, 22, 30), dt.date(2027, 1, 1)),  # New Year in Kyiv, not yet in UTC
        (utc(2026, 3, 28, 21, 59), dt.date(2026, 3, 28)),  # the night before spring-forward
        (utc(2026, 3, 28, 22, 0), dt.date(2026, 3, 29)),
        (utc(2026, 10, 24, 20, 59), dt.date(2026, 10, 24)),  # the night before fall-back
        (utc(2026, 10, 24, 21, 0), dt.date(2026, 10, 25)),
        (dt.datetime(2026, 12, 4, 1, 30, tzinfo=kyiv.ZONE), dt.date(2026, 12, 4)),
    ],
)
def test_today_is_the_kyiv_date_of_the_moment(moment, day):
    assert kyiv.today(moment) == day == kyiv.date_of(moment)


def test_a_naive_moment_is_refused():
    with pytest.raises(TypeError):
        kyiv.today(dt.datetime(2026, 12, 3, 23, 30))


@pytest.mark.parametrize(
    ("local", "fold", "expected"),
    [
        ((2026, 3, 29, 2, 59), 0, utc(2026, 3, 29, 0, 59)),  # still winter, UTC+2
        ((2026, 3, 29, 4, 0), 0, utc(2026, 3, 29, 1, 0)),  # summer, UTC+3
        ((2026, 10, 25, 2, 59), 0, utc(2026, 10, 24, 23, 59)),  # still summer
        ((2026, 10, 25, 3, 30), 0, utc(2026, 10, 25, 0, 30)),  # first 03:30 (summer)
        ((2026, 10, 25, 3, 30), 1, utc(2026, 10, 25, 1, 30)),  # second 03:30 (winter)
        ((2026, 10, 25, 4, 0), 0, utc(2026, 10, 25, 2, 0)),  # winter, UTC+2
        ((2026, 7, 1, 10, 0), 0, utc(2026, 7, 1, 7, 0)),
        ((2026, 12, 3, 10, 0), 0, utc(2026, 12, 3, 8, 0)),
    ],
)
def test_to_utc_across_the_clock_changes(local, fold, expected):
    assert kyiv.to_utc(dt.datetime(*local), fold=fold) == expected


@pytest.mark.parametrize("minute", [0, 30, 59])
def test_the_spring_gap_does_not_exist(minute):
    with pytest.raises(KyivTimeError, match="не існує"):
        kyiv.to_utc(dt.datetime(2026, 3, 29, 3, minute))


@pytest.mark.parametrize(
    ("day", "start", "end", "hours"),
    [
        (dt.date(2026, 12, 4), utc(2026, 12, 3, 22), utc(2026, 12, 4, 22), 24),
        (dt.date(2026, 7, 1), utc(2026, 6, 30, 21), utc(2026, 7, 1, 21), 24),
        (dt.date(2026, 3, 29), utc(2026, 3, 28, 22), utc(2026, 3, 29, 21), 23),
        (dt.date(2026, 10, 25), utc(2026, 10, 24, 21), utc(2026, 10, 25, 22), 25),
    ],
)
def test_day_bounds(day, start, end, hours):
    assert kyiv.day_bounds(day) == (start, end)
    assert end - start == dt.timedelta(hours=hours)


@pytest.mark.parametrize(
    ("month", "start", "end"),
    [
        (dt.date(2026, 3, 15), utc(2026, 2, 28, 22), utc(2026, 3, 31, 21)),  # into summer
        (dt.date(2026, 10, 1), utc(2026, 9, 30, 21), utc(2026, 10, 31, 22)),  # into winter
        (dt.date(2026, 12, 31), utc(2026, 11, 30, 22), utc(2026, 12, 31, 22)),
        (dt.date(2024, 2, 29), utc(2024, 1, 31, 22), utc(2024, 2, 29, 22)),
    ],
)
def test_month_bounds(month, start, end):
    assert kyiv.month_bounds(month) == (start, end)


@pytest.mark.parametrize(
    ("text", "fold", "expected"),
    [
        ("01.07.2026 10:00", 0, utc(2026, 7, 1, 7, 0)),  # as the pages show moments
        ("1.7.2026 10:00", 0, utc(2026, 7, 1, 7, 0)),
        ("  01.07.2026   10:00 ", 0, utc(2026, 7, 1, 7, 0)),
        ("2026-07-01 10:00", 0, utc(2026, 7, 1, 7, 0)),  # ISO
        ("2026-07-01T10:00", 0, utc(2026, 7, 1, 7, 0)),
        ("03.12.2026 10:00", 0, utc(2026, 12, 3, 8, 0)),
        ("2026-12-03 10:00", 0, utc(2026, 12, 3, 8, 0)),
        ("04.12.2026", 0, utc(2026, 12, 3, 22, 0)),  # a date alone: its Kyiv midnight
        ("2026-07-01T10:00+00:00", 0, utc(2026, 7, 1, 10, 0)),  # an explicit offset stays
        ("25.10.2026 03:30", 0, utc(2026, 10, 25, 0, 30)),
        ("25.10.2026 03:30", 1, utc(2026, 10, 25, 1, 30)),
    ],
)
def test_parse_local(text, fold, expected):
    assert kyiv.parse_local(text, fold=fold) == expected


@pytest.mark.parametrize(
    ("reader", "text", "message"),
    [
        (kyiv.parse_local, "вчора", "ДД.ММ.РРРР ГГ:ХХ"),
        (kyiv.parse_local, "", "ДД.ММ.РРРР ГГ:ХХ"),
        (kyiv.parse_local, "31.02.2026 10:00", "ДД.ММ.РРРР ГГ:ХХ"),
        (kyiv.parse_local, "01.07.2026 25:00", "ДД.ММ.РРРР ГГ:ХХ"),
        (kyiv.parse_local, "2026-07-01 10:00; DROP TABLE", "ДД.ММ.РРРР ГГ:ХХ"),
        (kyiv.parse_local, "29.03.2026 03:30", "не існує"),
        (kyiv.parse_date, "", "дату не вказано"),
        (kyiv.parse_date, "вчора", "«вчора» — не дата \\(очікувалося ДД.ММ.РРРР або РРРР-ММ-ДД\\)"),
        (kyiv.parse_date, "23/11/2020", "не дата"),
        (kyiv.parse_date, "31.02.2004", "31.02.2004 — такої дати не існує"),
        (kyiv.parse_date, "2023-02-29", "такої дати не існує"),
        (kyiv.parse_month, "2020-13", "РРРР-ММ"),
        (kyiv.parse_month, "20-11", "РРРР-ММ"),
        (kyiv.parse_month, "листопад", "РРРР-ММ"),
        (kyiv.parse_month, "", "РРРР-ММ"),
        (kyiv.parse_month, "2020-00", "РРРР-ММ"),
    ],
)
def test_what_cannot_be_read_is_refused_in_ukrainian(reader, text, message):
    with pytest.raises(KyivTimeError, match=message):
        reader(text)


@given(st.datetimes(min_value=dt.datetime(1995, 1, 1), max_value=dt.datetime(2100, 1, 1)))
def test_a_moment_lies_within_its_kyiv_day_and_month(naive_utc):
    moment = naive_utc.replace(tzinfo=dt.UTC)
    day = kyiv.today(moment)
    start, end = kyiv.day_bounds(day)
    assert start <= moment < end
    first, last = kyiv.month_bounds(day)
    assert first <= start < end <= last


@pytest.mark.parametrize(
    ("first", "last", "start", "end"),
    [
        (dt.date(2026, 11, 1), dt.date(2026, 11, 30), utc(2026, 10, 31, 22), utc(2026, 11, 30, 22)),
        (dt.date(2026, 3, 29), dt.date(2026, 3, 29), utc(2026, 3, 28, 22), utc(2026, 3, 29, 21)),
        (dt.date(2026, 10, 1), dt.date(2026, 10, 31), utc(2026, 9, 30, 21), utc(2026, 10, 31, 22)),
    ],
)
def test_period_bounds_cover_the_kyiv_days_inclusive(first, last, start, end):
    assert kyiv.period_bounds(first, last) == (start, end)


@pytest.mark.parametrize(
    ("month", "first", "last"),
    [
        (dt.date(2024, 2, 10), dt.date(2024, 2, 1), dt.date(2024, 2, 29)),
        (dt.date(2026, 12, 31), dt.date(2026, 12, 1), dt.date(2026, 12, 31)),
        (dt.date(2026, 11, 1), dt.date(2026, 11, 1), dt.date(2026, 11, 30)),
    ],
)
def test_month_days(month, first, last):
    assert kyiv.month_days(month) == (first, last)
    assert kyiv.month_bounds(month) == kyiv.period_bounds(first, last)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("23.11.2020", dt.date(2020, 11, 23)),
        ("3.1.2021", dt.date(2021, 1, 3)),
        (" 2020-11-23 ", dt.date(2020, 11, 23)),  # what a browser's date input sends
        ("29.02.2024", dt.date(2024, 2, 29)),
    ],
)
def test_parse_date(text, expected):
    assert kyiv.parse_date(text) == expected


@given(st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2100, 12, 31)))
def test_parse_date_reads_what_the_pages_print(day):
    from civic.formatting import uk_date

    assert kyiv.parse_date(uk_date(day)) == day == kyiv.parse_date(day.isoformat())


@given(st.dates(min_value=dt.date(1990, 1, 1), max_value=dt.date(2100, 12, 31)))
def test_month_days_contain_the_day(day):
    first, last = kyiv.month_days(day)
    assert first.day == 1 and first <= day <= last and (last + dt.timedelta(days=1)).day == 1
    assert kyiv.parse_month(f"{day:%Y-%m}") == first
