"""Edition settings in TOML: the issue's exact file loads; mistakes give Ukrainian errors."""

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from civic.pb.edition import EditionError, budget_year_from_title, dump_edition, parse_edition

EXAMPLE = Path(__file__).resolve().parents[2] / "docs" / "examples" / "pb-edition.toml"


def test_the_issue_file_loads():
    config = parse_edition(EXAMPLE.read_text(encoding="utf-8"))
    assert config.slug == "gb-2021"
    assert config.voting_starts_on == date(2020, 11, 9)
    assert config.min_age == 16
    assert config.settlements == ("Ніжин",)
    assert [c.code for c in config.categories] == ["small", "large"]
    assert config.budget == Decimal("3866211.00")
    assert config.budget_year == 2021
    assert parse_edition(dump_edition(config)) == config


def test_a_date_in_quotes_may_be_written_as_the_pages_print_it():
    text = EXAMPLE.read_text(encoding="utf-8").replace(
        "voting_starts_on = 2020-11-09", 'voting_starts_on = "09.11.2020"'
    )
    assert parse_edition(text).voting_starts_on == date(2020, 11, 9)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (('rule = "greedy"', 'rule = "random"'), "«rule»"),
        (("min_age = 16", 'min_age = "16"'), "«min_age»"),
        (('budget = "1159863.30"', "budget = 1159863.30"), "у лапках"),
        (('budget = "1159863.30"', 'budget = "1159863.301"'), "копійками"),
        (("voting_ends_on = 2020-11-22", "voting_ends_on = 2020-11-01"), "раніше"),
        (
            ("voting_ends_on = 2020-11-22", 'voting_ends_on = "31.11.2020"'),
            "параметр «voting_ends_on»: 31.11.2020 — такої дати не існує",
        ),
        (
            ("voting_ends_on = 2020-11-22", 'voting_ends_on = "22 листопада"'),
            "«voting_ends_on»: «22 листопада» — не дата \\(очікувалося ДД.ММ.РРРР або РРРР-ММ-ДД\\)",
        ),
        (('slug = "gb-2021"', 'slug = "ГБ 2021"'), "«slug»"),
        (('code = "large"', 'code = "small"'), "повторюється"),
        (("leftover", "leftovr"), "невідомі параметри"),
        (("[[categories]]", "[[categories"), "TOML"),
    ],
)
def test_mistakes_are_named(change, message):
    text = EXAMPLE.read_text(encoding="utf-8").replace(*change, 1)
    with pytest.raises(EditionError, match=message):
        parse_edition(text)


@pytest.mark.parametrize(
    ("title", "year"),
    [
        ("Громадський бюджет міста Ніжина на 2021 рік", 2021),
        ("Бюджет участі на 2024 р.", 2024),
        ("ГБ-2019", 2019),
        ("Громадський бюджет", None),
    ],
)
def test_budget_year_from_title(title, year):
    assert budget_year_from_title(title) == year


@pytest.mark.parametrize(
    ("text", "where"),
    [
        # Found while fuzzing: the TOML syntax errors came in English, with no Ukrainian line.
        ('slug = "x"\n[[categories]\n', "рядок 2, позиція 13"),
        ('slug = "x"\ntitle = "\\q"\n', "рядок 2, позиція 12"),
        ('slug = "x"\nmin_age = ', "рядок 2 (кінець файлу)"),
    ],
)
def test_toml_syntax_errors_name_the_line_in_ukrainian(text, where):
    with pytest.raises(EditionError) as err:
        parse_edition(text)
    assert str(err.value).startswith(f"файл налаштувань не є коректним TOML: {where} — помилка")


@pytest.mark.parametrize(
    ("change", "message"),
    [
        # Found by fuzzing: values beyond the database's columns raised OverflowError (SQLite),
        # DataError (PostgreSQL) or decimal.InvalidOperation instead of an EditionError.
        (("min_age = 16", "min_age = 100000000000"), "«min_age» має бути цілим числом від 0"),
        (("min_votes = 0", "min_votes = 99999999999999"), "«min_votes» має бути цілим числом"),
        (("max_choices = 1", "max_choices = 10000000000"), "«max_choices» має бути цілим"),
        (("min_age = 16", "min_age = 16\nbudget_year = 99999999999"), "не рік бюджету"),
        (('budget = "1159863.30"', 'budget = "1e30"'), "завелика"),
        (('budget = "1159863.30"', 'budget = "1000000000000"'), "завелика"),
        (('рік"', "рік" + "ь" * 300 + '"'), "«title» задовгий"),
        (('title = "Малі проєкти"', 'title = "' + "М" * 201 + '"'), "«title» задовгий"),
    ],
)
def test_values_the_database_cannot_hold_are_named(change, message):
    text = EXAMPLE.read_text(encoding="utf-8").replace(*change, 1)
    assert text != EXAMPLE.read_text(encoding="utf-8")
    with pytest.raises(EditionError, match=message):
        parse_edition(text)
