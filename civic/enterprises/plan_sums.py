"""Checking a financial plan's subtotals against its catalogue (pure).

Every catalogue line with ``sums`` (``1020 = +1000 −1010``) must equal the signed sum of those
lines, separately in each measure and period column of the file that holds amounts: the previous
year's fact, the plan and the fact (``prev_fact_*``, ``plan_*``, ``fact_*``). Deviation and
% execution columns are derived, never summed. A mismatch is an ERROR naming the line, the
column, what the file says and what the sum gives, so the upload is refused and nothing stored.

Tolerance: each amount of a plan is rounded on its own to the last digit of its unit (plans are
filled in тис. грн to one decimal; a file in гривнях to whole гривні at most), so a subtotal of ``n``
lines may differ from their sum by up to half that digit for each of the ``n + 1`` rounded
numbers: ``0.05 × (n + 1)`` тис. грн — 0.15 тис. грн for 1020 = 1000 − 1010 — or
``0.5 × (n + 1)`` грн. More than that is an error.

Lines missing from the file are not assumed to be zero (none of the sources read for the
catalogue says that an empty line means zero): where some but not all summed lines are in a column, that column
is not checked and a WARNING says which lines are missing; where none is, nothing is said.
Lines marked ``витрата`` (printed in parentheses) are summed by their magnitude, so ``(7 652,9)``
and ``7 652,9`` in line 1010 are both subtracted from 1000.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal

from civic.enterprises.catalogue import DEFAULT_UNIT, Line
from civic.enterprises.plans import MEASURE_LABELS, PERIOD_LABELS, split_kind
from civic.enterprises.statements import ERROR, WARNING, Fact, Message
from civic.formatting import uk_number

SUMMED_MEASURES = ("prev_fact", "plan", "fact")


def rounding_step(unit: str) -> Decimal:
    """The last digit amounts in ``unit`` are filled to: 0.1 тис. грн, 1 грн, 0.001 млн грн."""
    text = unit.lower()
    if "млн" in text:
        return Decimal("0.001")
    if "тис" in text:
        return Decimal("0.1")
    if "грн" in text or "грив" in text:
        return Decimal("1")
    return Decimal("0.1")


def tolerance(terms: int, unit: str = DEFAULT_UNIT) -> Decimal:
    """The largest difference rounding explains for a subtotal of ``terms`` lines."""
    return rounding_step(unit) / 2 * (terms + 1)


def formula(sums: Iterable[str]) -> str:
    """``("+1000", "-1010")`` → ``1000 − 1010`` (the text the messages show)."""
    text = ""
    for term in sums:
        sign, code = term[0], term[1:]
        if not text:
            text = code if sign == "+" else f"−{code}"
        else:
            text += f" {'+' if sign == '+' else '−'} {code}"
    return text


def column_label(kind: str) -> str:
    """``plan_q1`` → ``план, I квартал``; ``prev_fact_year`` → ``факт минулого року``."""
    measure, period = split_kind(kind)
    name = MEASURE_LABELS[measure].lower()
    return (
        name if (measure, period) == ("prev_fact", "year") else f"{name}, {PERIOD_LABELS[period]}"
    )


def _amount(value: Decimal) -> str:
    return uk_number(value, 1 if value == value.quantize(Decimal("0.1")) else 2)


def check_sums(
    facts: Iterable[Fact], catalogue: Iterable[Line], *, unit: str = DEFAULT_UNIT
) -> list[Message]:
    """Errors for subtotals that don't add up, warnings for subtotals that can't be checked."""
    lines = {line.code: line for line in catalogue}
    values: dict[str, dict[str, Fact]] = {}
    for fact in facts:
        values.setdefault(fact.code, {})[fact.kind] = fact
    messages: list[Message] = []
    for code, line in lines.items():
        if not line.sums or code not in values:
            continue
        for kind, total in values[code].items():
            if split_kind(kind)[0] not in SUMMED_MEASURES:
                continue
            present = [t for t in line.sums if kind in values.get(t[1:], {})]
            if not present:
                continue
            label = f"рядок {code} «{line.title}» ({column_label(kind)})"
            if len(present) < len(line.sums):
                missing = ", ".join(t[1:] for t in line.sums if t not in present)
                messages.append(
                    Message(
                        WARNING,
                        f"{label}: суму рядків {formula(line.sums)} не перевірено — у файлі "
                        f"немає рядків {missing} (порожній рядок не вважається нулем)",
                        total.line,
                    )
                )
                continue
            expected = sum((_term(t, values, lines, kind) for t in line.sums), Decimal(0))
            if abs(total.value - expected) > tolerance(len(line.sums), unit):
                messages.append(
                    Message(
                        ERROR,
                        f"{label}: {_amount(total.value)}, а сума рядків {formula(line.sums)} "
                        f"дає {_amount(expected)}",
                        total.line,
                    )
                )
    return messages


def _term(term: str, values, lines: dict[str, Line], kind: str) -> Decimal:
    code = term[1:]
    value = values[code][kind].value
    if code in lines and lines[code].sign == "expense":
        value = abs(value)
    return value if term[0] == "+" else -value
