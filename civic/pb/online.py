"""Online voting in civic (pure): when it is open, where the voter lives, what the refusals say,
and the receipt code.

An identified citizen's online ballot is judged by :mod:`civic.pb.ballots` like any other; this
module only adds what the voting page needs before the ballot is stored: a specific Ukrainian
refusal for each reason a ballot would be invalid (the citizen can still change their choices),
and the receipt code shown once after casting (only its keyed hash is kept). No clock, no
randomness: the shell passes ``today`` and the random bytes in.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from datetime import date

from civic import formatting
from civic.pb import ballots as judging
from civic.pb.edition import EditionConfig

__all__ = [
    "ALREADY_VOTED",
    "RECEIPT_PURPOSE",
    "closed_message",
    "format_receipt",
    "normalise_receipt",
    "refusal",
    "settlement_of",
    "too_many_in",
]

RECEIPT_PURPOSE = "pb_receipt"
"""The keyed-hash purpose of a receipt code (never equal to a document's hash)."""

ALREADY_VOTED = (
    "Ви вже проголосували в цьому виданні громадського бюджету: кожна особа голосує лише один "
    "раз. Перевірити, що ваш бюлетень отримано, можна за кодом квитанції."
)

# Crockford's base32: no I, L, O, U, so a code read aloud or copied by hand stays one code.
_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
_READ_AS = str.maketrans({"O": "0", "I": "1", "L": "1"})
RECEIPT_LENGTH = 16  # 80 bits: guessing one among a million ballots is hopeless under the limits
_NOT_CODE = re.compile(r"[\s\-–—_.]+")


def format_receipt(random_bytes: bytes) -> str:
    """A receipt code from at least 10 random bytes: «7KQ2-M9XD-4TRB-H0WE» (16 characters)."""
    if len(random_bytes) < 10:
        raise ValueError("a receipt code needs 10 random bytes")
    number = int.from_bytes(random_bytes[:10], "big")
    chars = []
    for _ in range(RECEIPT_LENGTH):
        number, digit = divmod(number, 32)
        chars.append(_ALPHABET[digit])
    code = "".join(chars)
    return "-".join(code[i : i + 4] for i in range(0, RECEIPT_LENGTH, 4))


def normalise_receipt(text: str | None) -> str:
    """A typed code as it is hashed: case, spaces and dashes ignored, O read as 0 and I, L as 1
    ("" when it cannot be a code, so nothing is looked up)."""
    value = _NOT_CODE.sub("", (text or "").strip()).upper().translate(_READ_AS)
    if len(value) != RECEIPT_LENGTH or any(c not in _ALPHABET for c in value):
        return ""
    return value


def _day(value: date) -> str:
    return value.strftime("%d.%m.%Y")


def closed_message(config: EditionConfig, *, is_closed: bool, today: date) -> str | None:
    """Why an online ballot cannot be cast today (Ukrainian), or None while voting is open."""
    if not config.online_voting or config.online_starts_on is None:
        return "У цьому виданні громадського бюджету онлайн-голосування в civic не проводиться."
    period = f"з {_day(config.online_starts_on)} по {_day(config.online_ends_on)}"
    if is_closed or today > config.online_ends_on:
        return f"Онлайн-голосування завершено: воно тривало {period}."
    if today < config.online_starts_on:
        return f"Онлайн-голосування ще не почалося: воно триватиме {period}."
    return None


def settlement_of(address: str | None, settlements: Sequence[str]) -> str | None:
    """The settlement in a provider's address («м. Ніжин, вул. Гоголя, 4» → «м. Ніжин»): the
    first comma-separated part that is one of the edition's settlements, else the first part
    (which the residence check will then refuse)."""
    parts = [p.strip() for p in (address or "").split(",") if p.strip()]
    allowed = {judging.normalise_settlement(s) for s in settlements}
    for part in parts:
        if judging.normalise_settlement(part) in allowed:
            return part
    return parts[0] if parts else None


def too_many_in(
    choices: Sequence[str], projects: Mapping[str, str], max_choices: Mapping[str, int]
) -> list[tuple[str, int]]:
    """The categories where ``choices`` exceed the edition's limit: (category, limit) each."""
    chosen: dict[str, int] = {}
    for code in dict.fromkeys(choices):
        category = projects.get(code)
        if category is not None:
            chosen[category] = chosen.get(category, 0) + 1
    return [(c, max_choices.get(c, 0)) for c, n in chosen.items() if n > max_choices.get(c, 0)]


def refusal(
    reason: str,
    rules: judging.VotingRules,
    *,
    categories: Mapping[str, str],
    choices: Sequence[str] = (),
    declared: bool = False,
) -> str:
    """The Ukrainian refusal of an online ballot that :func:`civic.pb.ballots.judge_one` finds
    invalid for ``reason``; ``categories`` maps a category's code to its title."""
    if reason == judging.MISSING_DATA:
        return (
            "Сервіс ідентифікації не передав вашої дати народження, тож вік перевірити не можна. "
            "Проголосуйте на паперовому бланку в пункті голосування."
        )
    if reason == judging.OUTSIDE_VOTING_PERIOD:
        return "Сьогодні голосування в цьому виданні не триває."
    if reason == judging.UNDERAGE:
        years = formatting.agree(rules.min_age, ("рік", "роки", "років"))
        return (
            f"Голосувати можуть особи, яким на день голосування виповнилося {years}; за "
            "даними сервісу ідентифікації вам цього віку ще не виповнилося."
        )
    if reason == judging.NOT_RESIDENT:
        where = "Зазначений вами населений пункт" if declared else "Адреса, яку передав сервіс"
        names = ", ".join(rules.settlements)
        return f"{where} не належить до громади ({names}): голосувати можуть лише її мешканці."
    if reason == judging.NO_CHOICES:
        return "Оберіть щонайменше один проєкт."
    if reason == judging.UNKNOWN_PROJECT:
        return "Серед обраних є проєкт, якого немає серед допущених до голосування. Оберіть ще раз."
    if reason == judging.TOO_MANY_CHOICES:
        parts = [
            f"у категорії «{categories.get(code, code)}» — не більше "
            f"{formatting.agree(limit, ('проєкту', 'проєктів', 'проєктів'))}"
            for code, limit in too_many_in(choices, rules.projects, rules.max_choices)
        ]
        return "Обрано забагато проєктів: " + "; ".join(parts) + "."
    return "Бюлетень не відповідає вимогам положення про громадський бюджет."
