"""ЄДРПОУ codes: always 8-digit text, with the official check digit (python-stdnum).

The check digit (Методика формування ідентифікаційного коду, Держкомстат): digits 1–7 are
weighted 1…7, or 7,1,2,3,4,5,6 for codes from 30 000 000 to 60 000 000; the sum is taken mod 11.
A remainder of 10 repeats the sum with every weight increased by 2; if it is 10 again, the check
digit is 0.  ``stdnum.ua.edrpou`` picks the weights by the first digit (3, 4 or 5), i.e. the
range 30 000 000 ≤ code < 60 000 000.  civic's own copy used ``30 000 000 < code < 60 000 000``;
the two differ for the code 30000000 alone, which neither accepts (its check digit is 5 under
the 7,1,2… weights and 3 under 1…7), so every code is judged as before.
"""

from __future__ import annotations

import re
from decimal import Decimal

from stdnum.ua import edrpou

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
    return int(edrpou.calc_check_digit(code[:7]))


def is_valid_edrpou(code: str) -> bool:
    """True for 8 digits whose last digit is the check digit."""
    return bool(re.fullmatch(r"\d{8}", code or "")) and edrpou.is_valid(code)
