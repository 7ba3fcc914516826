"""ЄДРПОУ codes: always 8-digit text, with the official check digit.

The check digit (Методика формування ідентифікаційного коду, Держкомстат): digits 1–7 are
weighted 1…7, or 7,1,2,3,4,5,6 when the code lies between 30 000 000 and 60 000 000; the sum
is taken mod 11. A remainder of 10 repeats the sum with every weight increased by 2; if it is
10 again, the check digit is 0.
"""

from __future__ import annotations

import re
from decimal import Decimal

_DIGITS = re.compile(r"\d{1,8}")


def normalise_edrpou(value: object) -> tuple[str | None, str | None]:
    """A cell → (8-digit text, None) or (None, Ukrainian error).

    Excel drops leading zeros of numeric cells, so shorter codes are padded with zeros.
    """
    if value is None:
        return None, "код ЄДРПОУ не вказано"
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, Decimal) and value == value.to_integral_value():
        value = int(value)
    text = str(value).strip().replace(" ", "").replace("\u00a0", "")
    if not text:
        return None, "код ЄДРПОУ не вказано"
    if not _DIGITS.fullmatch(text):
        return None, f"«{value}» — не код ЄДРПОУ (очікувалося 8 цифр)"
    return text.zfill(8), None


def check_digit(code: str) -> int:
    """The check digit of an 8-digit ЄДРПОУ code (computed from its first seven digits)."""
    digits = [int(c) for c in code[:7]]
    number = int(code)
    weights = [7, 1, 2, 3, 4, 5, 6] if 30_000_000 < number < 60_000_000 else [1, 2, 3, 4, 5, 6, 7]
    remainder = sum(d * w for d, w in zip(digits, weights, strict=True)) % 11
    if remainder == 10:
        remainder = sum(d * (w + 2) for d, w in zip(digits, weights, strict=True)) % 11
        if remainder == 10:
            remainder = 0
    return remainder


def is_valid_edrpou(code: str) -> bool:
    """True for 8 digits whose last digit is the check digit."""
    return bool(re.fullmatch(r"\d{8}", code or "")) and check_digit(code) == int(code[7])
