"""Ukrainian number agreement (pure).

A noun after a cardinal number takes one of three forms (Український правопис 2019, § 106;
the CLDR plural rules for ``uk``): «1 новину», «2 новини», «5 новин», «11 новин»,
«21 новину», «316 новин». The rule looks at the last two digits only.
"""

from __future__ import annotations

from dataclasses import dataclass


def plural_category(n: int) -> str:
    """``"one"``, ``"few"`` or ``"many"`` for a whole number ``n`` (CLDR ``uk``)."""
    n = abs(int(n))
    last, last_two = n % 10, n % 100
    if last == 1 and last_two != 11:
        return "one"
    if 2 <= last <= 4 and not 12 <= last_two <= 14:
        return "few"
    return "many"


@dataclass(frozen=True)
class Forms:
    """The three forms of a noun phrase after a number: 1 ``one``, 2 ``few``, 5 ``many``."""

    one: str
    few: str
    many: str

    def pick(self, n: int) -> str:
        return getattr(self, plural_category(n))


def group_digits(n: int) -> str:
    """``12345`` → ``12 345`` with a no-break space, as Ukrainian typography groups digits.

    Four-digit numbers stay ungrouped (``2021``, ``1234``) as ДСТУ 8302 allows.
    """
    text = str(abs(int(n)))
    if len(text) > 4:
        text = f"{int(text):,}".replace(",", "\u00a0")
    return ("-" if n < 0 else "") + text


def agree(n: int, forms: Forms | tuple[str, str, str]) -> str:
    """``agree(316, ("новину", "новини", "новин"))`` → ``"316 новин"``."""
    if not isinstance(forms, Forms):
        forms = Forms(*forms)
    return f"{group_digits(n)} {forms.pick(n)}"
