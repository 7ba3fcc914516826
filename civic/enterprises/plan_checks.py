"""Checks of what a plan file states against itself (pure: values and bytes in, messages out).

An execution report states «Відхилення» and «% виконання» beside its plan and fact. They are
never used to derive anything, but a mismatch beyond rounding is a warning naming the line and
the column: the numbers were typed by hand, or the formulas point at the wrong cells. «Beyond
rounding» is exact interval arithmetic: every number is taken as written (``2 700,8`` stands for
anything in [2 700,75; 2 700,85]), so a deviation or a percentage is accepted when some values
inside those intervals give it.

A workbook saved by a program that does not calculate (a script, some accounting exports) has
formulas without cached values; openpyxl reads them as empty cells. Such a cell is refused with
its address rather than read as «no value».
"""

from __future__ import annotations

import io
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from civic.enterprises.plan_title import REPORT_PERIODS
from civic.enterprises.statements import ERROR, WARNING, Message, round_amount
from civic.formatting import agree, uk_number
from civic.tabular import column_letter

# The power of 1000 that turns a stated unit into тис. грн.
UNIT_SCALE = {"грн": Decimal("0.001"), "млн грн": Decimal(1000)}


@dataclass(frozen=True)
class Stated:
    """One number as the file wrote it: its line code, column (a ``PlanColumn``), value, the
    half of its last written digit (its rounding), and its line."""

    code: str
    column: object
    value: Decimal
    half: Decimal
    line: int


def half_unit(cell: object) -> Decimal:
    """Half a unit of the last digit ``cell`` was written with: ``"1 234,5"`` → 0.05."""
    if isinstance(cell, bool) or cell is None:
        return Decimal("0.5")
    if isinstance(cell, float):
        cell = Decimal(repr(cell))
    if isinstance(cell, int):
        return Decimal("0.5")
    if isinstance(cell, Decimal):
        places = max(-cell.as_tuple().exponent, 0)
    else:
        text = str(cell).strip().rstrip(")")
        separator = max(text.rfind(","), text.rfind("."))
        places = len(text) - separator - 1 if separator >= 0 else 0
    return Decimal(5) * Decimal(10) ** -(places + 1)


def scale(value: Decimal, measure: str, unit: str) -> Decimal:
    """A stated amount in тис. грн (percentages stay as they are)."""
    if measure == "percent" or unit not in UNIT_SCALE:
        return round_amount(value)
    return round_amount(value * UNIT_SCALE[unit])


def _where(item: Stated) -> str:
    column = item.column
    letter = column_letter(column.position + 1)
    period = REPORT_PERIODS.get(column.period, column.period)
    return f"стовпець {letter} «{column.header}» ({period}), код рядка {item.code}"


def _show(value: Decimal) -> str:
    if value and abs(value.adjusted()) > 18:  # a fuzzed 1e-300 plan: no 300-digit message
        return format(value, ".2E").replace(".", ",")
    return uk_number(value.normalize() if value == value.to_integral() else value)


def check_stated(stated: Iterable[Stated]) -> list[Message]:
    """Warnings where a stated deviation is not fact − plan, or a stated % of execution is not
    fact ÷ plan × 100, beyond the rounding of the numbers as written."""
    groups: dict[tuple[str, str], dict[str, Stated]] = {}
    for item in stated:
        groups.setdefault((item.code, item.column.period), {})[item.column.measure] = item
    messages = []
    for measures in groups.values():
        plan, fact = measures.get("plan"), measures.get("fact")
        if plan is None or fact is None:
            continue
        if (dev := measures.get("deviation")) is not None:
            expected = fact.value - plan.value
            if abs(dev.value - expected) > plan.half + fact.half + dev.half:
                messages.append(
                    Message(
                        WARNING,
                        f"{_where(dev)}: відхилення {_show(dev.value)}, а факт − план = "
                        f"{_show(expected)}; різниця більша за округлення",
                        dev.line,
                    )
                )
        percent = measures.get("percent")
        if percent is None or abs(plan.value) <= plan.half:
            continue
        corners = [
            (f / p) * 100
            for f in (fact.value - fact.half, fact.value + fact.half)
            for p in (plan.value - plan.half, plan.value + plan.half)
        ]
        low, high = min(corners) - percent.half, max(corners) + percent.half
        if not low <= percent.value <= high:
            ratio = fact.value / plan.value * 100
            # A plan written as 1e-300 makes a ratio too long to round to 0.1 in 28 digits.
            computed = ratio.quantize(Decimal("0.1")) if ratio.adjusted() < 20 else ratio
            messages.append(
                Message(
                    WARNING,
                    f"{_where(percent)}: виконання {_show(percent.value)} %, а факт ÷ план × 100 = "
                    f"{_show(computed)} %; різниця більша за округлення",
                    percent.line,
                )
            )
    return messages


def _has_formulas(data: bytes) -> bool:
    """Whether any worksheet holds a formula element (``<f>``); the book was inspected for
    bombs before, so its parts are safe to inflate."""
    import zipfile

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as book:
            return any(
                b"<f>" in (part := book.read(name)) or b"<f " in part or b":f>" in part
                for name in book.namelist()
                if name.startswith("xl/worksheets/") and name.endswith(".xml")
            )
    except Exception:  # noqa: BLE001 - a book openpyxl has read once already
        return True


def uncached_formulas(data: bytes, filename: str, limit: int = 5) -> list[Message]:
    """Errors for formula cells of the first sheet that have no cached value."""
    if data[:4] != b"PK\x03\x04" or not filename.lower().endswith((".xlsx", ".xlsm")):
        return []
    if not _has_formulas(data):
        return []  # most books have none: no second and third reading of the sheet
    import warnings

    from openpyxl import load_workbook

    found = []
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            formulas = load_workbook(io.BytesIO(data), read_only=True, data_only=False)
            values = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        pairs = zip(
            formulas.worksheets[0].iter_rows(values_only=True),
            values.worksheets[0].iter_rows(values_only=True),
            strict=False,
        )
        for line, (with_formulas, with_values) in enumerate(pairs, 1):
            for col, formula in enumerate(with_formulas):
                text = getattr(formula, "text", formula)
                cached = with_values[col] if col < len(with_values) else None
                if isinstance(text, str) and text.startswith("=") and cached is None:
                    found.append((line, col, text))
    except Exception:  # noqa: BLE001 - the table was read once already; nothing more to say
        return []
    messages = [
        Message(
            ERROR,
            f"клітинка {column_letter(col + 1)}{line}: формула «{text[:60]}» без збереженого "
            "значення (книгу збережено без обчислення формул); відкрийте файл в Excel або "
            "LibreOffice Calc і збережіть його ще раз",
            line,
        )
        for line, col, text in found[:limit]
    ]
    if len(found) > limit:
        messages.append(
            Message(
                ERROR,
                f"і ще {agree(len(found) - limit, ('формула', 'формули', 'формул'))} без "
                "збереженого значення",
            )
        )
    return messages
