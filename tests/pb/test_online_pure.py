"""The pure side of online voting: receipt codes, the voting window, settlements in a provider's
address, the refusals in words, and the edition's online settings."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from civic.pb import ballots as judging
from civic.pb import online
from civic.pb.edition import EditionError, dump_edition, parse_edition
from tests.pb.online_support import EXAMPLES, online_toml

TODAY = dt.date(2027, 5, 12)


@given(st.binary(min_size=10, max_size=10))
def test_a_receipt_code_reads_back_however_it_is_typed(raw):
    code = online.format_receipt(raw)
    assert len(code) == 19 and code.count("-") == 3
    normalised = online.normalise_receipt(code)
    assert len(normalised) == online.RECEIPT_LENGTH
    typed = f"  {code.lower().replace('-', ' ')} ".replace("0", "o").replace("1", "l")
    assert online.normalise_receipt(typed) == normalised
    assert online.normalise_receipt(code.replace("-", "")) == normalised


def test_different_bytes_give_different_codes():
    codes = {online.format_receipt(bytes([n]) * 10) for n in range(256)}
    assert len(codes) == 256


@pytest.mark.parametrize(
    "typed", ["", "   ", "ABC", "A" * 17, "UUUU-UUUU-UUUU-UUUU", "ЖЖЖЖ-ЖЖЖЖ-ЖЖЖЖ-ЖЖЖЖ", None]
)
def test_what_cannot_be_a_code_is_not_looked_up(typed):
    assert online.normalise_receipt(typed) == ""


def test_a_receipt_needs_ten_random_bytes():
    with pytest.raises(ValueError):
        online.format_receipt(b"short")


def _config(**changes):
    return parse_edition(online_toml(TODAY, **changes))


@pytest.mark.parametrize(
    ("today", "is_closed", "expected"),
    [
        (TODAY, False, None),
        (TODAY - dt.timedelta(days=2), False, None),  # the first online day
        (TODAY + dt.timedelta(days=9), False, None),  # the last online day
        (TODAY - dt.timedelta(days=3), False, "ще не почалося"),
        (TODAY + dt.timedelta(days=10), False, "завершено"),
        (TODAY, True, "завершено"),  # the count is closed
    ],
)
def test_online_voting_is_open_on_its_days_only(today, is_closed, expected):
    message = online.closed_message(_config(), is_closed=is_closed, today=today)
    if expected is None:
        assert message is None
    else:
        assert expected in message and "10.05.2027" in message and "21.05.2027" in message


def test_an_edition_without_online_voting_is_never_open():
    config = dataclasses.replace(_config(), online_voting=False)
    assert "не проводиться" in online.closed_message(config, is_closed=False, today=TODAY)


@pytest.mark.parametrize(
    ("address", "found"),
    [
        ("м. Ніжин, вул. Гоголя, 4", "м. Ніжин"),
        ("Чернігівська, Ніжин", "Ніжин"),
        ("Чернігівська обл., Ніжинський р-н, м.Ніжин, вул. Овдіївська, 2", "м.Ніжин"),
        ("м. Чернігів, просп. Миру, 7", "м. Чернігів"),
        ("", None),
        (None, None),
    ],
)
def test_the_settlement_of_a_providers_address(address, found):
    settlement = online.settlement_of(address, ("Ніжин",))
    assert settlement == found
    rules = _rules()
    ballot = judging.BallotIn("1", "online", TODAY, True, dt.date(1980, 1, 1), "v", settlement, ())
    resident = judging.FrozenChecks(rules)(True, ballot.birth_date, "v", TODAY, settlement)
    assert (resident is None) == (found is not None and "Ніжин" in found)


def _rules():
    return judging.VotingRules(
        voting_starts_on=TODAY - dt.timedelta(days=3),
        voting_ends_on=TODAY + dt.timedelta(days=10),
        min_age=16,
        settlements=("Ніжин",),
        projects={"М-01": "small", "М-04": "small", "В-01": "large"},
        max_choices={"small": 1, "large": 1},
    )


@pytest.mark.parametrize("reason", judging.REASONS)
def test_every_refusal_is_ukrainian_words_without_codes(reason):
    message = online.refusal(
        reason,
        _rules(),
        categories={"small": "Малі проєкти", "large": "Великі проєкти"},
        choices=("М-01", "М-04"),
    )
    assert message and reason not in message
    assert not any("a" <= ch.lower() <= "z" for ch in message.replace("ID.GOV.UA", ""))


def test_too_many_choices_names_the_category_and_its_limit():
    categories = {"small": "Малі проєкти", "large": "Великі проєкти"}
    message = online.refusal(
        judging.TOO_MANY_CHOICES, _rules(), categories=categories, choices=("М-01", "М-04", "В-01")
    )
    assert message == "Обрано забагато проєктів: у категорії «Малі проєкти» — не більше 1 проєкту."
    assert online.too_many_in(("В-01",), _rules().projects, _rules().max_choices) == []


def test_underage_and_residence_refusals_say_the_rule():
    rules = _rules()
    assert "16 років" in online.refusal(judging.UNDERAGE, rules, categories={})
    declared = online.refusal(judging.NOT_RESIDENT, rules, categories={}, declared=True)
    assert declared.startswith("Зазначений вами населений пункт") and "Ніжин" in declared


def test_online_settings_default_to_the_voting_period_and_round_trip():
    text = (EXAMPLES / "pb-edition.toml").read_text(encoding="utf-8")
    plain = parse_edition(text)
    assert plain.online_voting is False and plain.online_starts_on is None
    assert "online" not in dump_edition(plain)  # editions without it do not change
    opened = parse_edition(text.replace("min_age = 16", "min_age = 16\nonline_voting = true"))
    assert (opened.online_starts_on, opened.online_ends_on) == (
        plain.voting_starts_on,
        plain.voting_ends_on,
    )
    config = _config()
    assert parse_edition(dump_edition(config)) == config


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({"online_starts_on": TODAY - dt.timedelta(days=4)}, "в межах строку голосування"),
        ({"online_ends_on": TODAY + dt.timedelta(days=11)}, "в межах строку голосування"),
        (
            {"online_starts_on": TODAY + dt.timedelta(days=2), "online_ends_on": TODAY},
            "раніше за його початок",
        ),
    ],
)
def test_online_dates_outside_the_voting_period_are_refused(changes, expected):
    with pytest.raises(EditionError, match=expected):
        _config(**changes)


def test_online_voting_must_be_true_or_false():
    text = (EXAMPLES / "pb-edition.toml").read_text(encoding="utf-8")
    with pytest.raises(EditionError, match="«online_voting» має бути true або false"):
        parse_edition(text.replace("min_age = 16", 'min_age = 16\nonline_voting = "так"'))
