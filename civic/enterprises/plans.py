"""Reading the council's template of a financial plan's execution report.

The header row is the first (of the top 20) holding «Код рядка»; merged title rows above it
are ignored. Columns are mapped by their header text, never by position: a measure (``План``,
``Факт``, ``Відхилення``, ``% виконання``, ``Факт минулого року``) and a period (``I квартал``
… ``IV квартал``, ``рік``; cumulative ``I півріччя`` / ``9 місяців``). The period may sit in a
merged cell above its measures (two header rows) or in the same cell («План на рік»). A column
without a period is the year.

Two rules (DOMAIN.md): plan and fact are never added together, and cumulative or quarterly
columns are never summed — a year value comes only from a year column.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from civic.enterprises.catalogue import MAX_CODE, Line, normalise_code
from civic.enterprises.statements import (
    ERROR,
    HEADER_SEARCH_ROWS,
    WARNING,
    Fact,
    Message,
    ParseResult,
    is_numbering_row,
    round_amount,
)
from civic.tabular import Column, TabularError, normalise_header, open_table

PERIODS = ("q1", "q2", "q3", "q4", "h1", "m9", "year")
PERIOD_LABELS = {
    "q1": "I квартал",
    "q2": "II квартал",
    "q3": "III квартал",
    "q4": "IV квартал",
    "h1": "I півріччя (наростаючим підсумком)",
    "m9": "9 місяців (наростаючим підсумком)",
    "year": "рік",
}
MEASURES = ("prev_fact", "plan", "fact", "deviation", "percent")
MEASURE_LABELS = {
    "prev_fact": "Факт минулого року",
    "plan": "План",
    "fact": "Факт",
    "deviation": "Відхилення",
    "percent": "% виконання",
}
_QUARTER = re.compile(r"(?<![\w])(iv|iii|ii|i|1|2|3|4)\s*-?\s*(?:й\s*)?кв(?:артал|\.|(?!\w))")
# A quarter as a header writes it (Roman or Arabic) → its period key.
_ROMAN = {
    name: f"q{n}" for n, roman in enumerate(("i", "ii", "iii", "iv"), 1) for name in (roman, str(n))
}


# The first pattern a header matches names it, so the more specific ones come first.
_PERIODS = (
    (re.compile("півріччя"), "h1"),
    (re.compile(r"\b9\s*місяц"), "m9"),
    (re.compile(r"(?<!\w)(рік|річний|річна|за рік)(?!\w)"), "year"),
)
_MEASURES = (
    (re.compile("минул.*факт|факт.*минул"), "prev_fact"),
    (re.compile("%|виконання"), "percent"),
    (re.compile("відхилення"), "deviation"),
    (re.compile(r"(?<!\w)план"), "plan"),
    (re.compile(r"(?<!\w)факт"), "fact"),
)


def _first_named(patterns, text: str) -> str | None:
    return next((name for pattern, name in patterns if pattern.search(text)), None)


def detect_period(text: str) -> str | None:
    """The period a header names, or None: ``II квартал`` → ``q2``, ``рік`` → ``year``."""
    t = normalise_header(text)
    if m := _QUARTER.search(t):
        return _ROMAN[m.group(1)]
    return _first_named(_PERIODS, t)


def detect_measure(text: str) -> str | None:
    """The measure a header names, or None (title, code and note columns)."""
    return _first_named(_MEASURES, normalise_header(text))


def _is_title_header(text: str) -> bool:
    t = normalise_header(text)
    return "найменування" in t or "показник" in t or "стаття" in t


@dataclass(frozen=True)
class PlanColumn:
    position: int
    measure: str
    period: str
    header: str

    @property
    def kind(self) -> str:
        return f"{self.measure}_{self.period}"


def map_plan_columns(top: list[str], sub: list[str] | None) -> list[PlanColumn]:
    """Combine the header row (``top``) and an optional sub-header row into plan columns.

    A blank top cell inherits the last period named to its left (a merged group header).
    """
    columns: list[PlanColumn] = []
    group: str | None = None
    for pos, head in enumerate(top):
        head = head or ""
        below = (sub[pos] if sub and pos < len(sub) else "") or ""
        if head.strip():
            own_period = detect_period(head)
            group = own_period if own_period and detect_measure(head) is None else None
            text = f"{head} {below}".strip()
        else:
            text = f"{PERIOD_LABELS.get(group, '') if group else ''} {below}".strip()
        measure = detect_measure(text)
        if measure is None and head.strip() and not below.strip() and detect_period(head):
            measure = "plan"  # an annual plan's bare quarter or year column holds the plan
        if measure is None:
            continue
        period = detect_period(text) or (group if not head.strip() else None) or "year"
        columns.append(PlanColumn(pos, measure, period, text))
    return columns


def parse_plan(data: bytes, filename: str, catalogue: Iterable[Line] = ()) -> ParseResult:
    """Read a plan execution report into facts of kinds like ``plan_q1`` or ``fact_year``."""
    lines = {line.code: line for line in catalogue}
    result = ParseResult()
    try:
        probe = open_table(
            data, filename, [Column("code", ("Код рядка",))], header_search_rows=HEADER_SEARCH_ROWS
        )
        top = list(probe.headers)
        code_pos = probe.columns["code"]
        # Second pass: every column by its position, so repeated headers («План») stay apart.
        table = open_table(
            data,
            filename,
            [Column(f"c{i}", (h,), required=(i == code_pos)) for i, h in enumerate(top)],
            header_search_rows=HEADER_SEARCH_ROWS,
        )
        title_pos = next((i for i, h in enumerate(top) if _is_title_header(h)), None)
        rows = iter(table)
        pending = []
        sub: list[str] | None = None
        for row in rows:
            cells = [row.get(f"c{i}") for i in range(len(top))]
            if normalise_code(cells[code_pos]) or sub is not None:
                pending.append((row, cells))
                break
            texts = ["" if c is None else str(c) for c in cells]
            if any(detect_measure(t) or detect_period(t) for t in texts):
                sub = texts  # the second header row under merged period groups
                continue
            pending.append((row, cells))
            break
        columns = map_plan_columns(top, sub)
        if not columns:
            result.messages.append(
                Message(
                    ERROR,
                    "у заголовку не знайдено жодного стовпця «План», «Факт», «Відхилення» "
                    "або «% виконання»",
                    probe.header_line,
                )
            )
            return result
        kinds = [c.kind for c in columns]
        for kind in sorted({k for k in kinds if kinds.count(k) > 1}):
            result.messages.append(
                Message(
                    ERROR, f"у заголовку двічі стовпець «{_kind_label(kind)}»", probe.header_line
                )
            )
        if result.errors:
            return result

        def all_rows():
            yield from pending
            for row in rows:
                yield row, [row.get(f"c{i}") for i in range(len(top))]

        seen: dict[str, int] = {}
        for row, cells in all_rows():
            code = normalise_code(cells[code_pos])
            if not code or is_numbering_row(cells):
                continue
            if len(code) > MAX_CODE:
                result.messages.append(
                    Message(
                        ERROR, f"«{code}» — задовгий код рядка (до {MAX_CODE} знаків)", row.line
                    )
                )
                continue
            if code in seen:
                result.messages.append(
                    Message(ERROR, f"код рядка {code} уже був у рядку {seen[code]}", row.line)
                )
                continue
            seen[code] = row.line
            if lines and code not in lines:
                result.messages.append(
                    Message(
                        WARNING, f"код рядка {code} невідомий для цієї редакції плану", row.line
                    )
                )
            title = "" if title_pos is None else str(cells[title_pos] or "").strip()
            for column in columns:
                value = result.amount(cells[column.position], column.header, row.line)
                if value is None:
                    continue
                result.facts.append(Fact(code, column.kind, round_amount(value), row.line, title))
    except TabularError as exc:
        result.messages.append(Message(ERROR, exc.message, exc.line))
        return result
    if not result.facts and not result.errors:
        result.messages.append(Message(ERROR, "у файлі немає жодного значення з кодом рядка"))
    result.messages.extend(check_plan(result.facts))
    return result


def _kind_label(kind: str) -> str:
    measure, period = (
        kind.split("_", 1)
        if not kind.startswith("prev_fact")
        else (
            "prev_fact",
            kind.removeprefix("prev_fact_"),
        )
    )
    return f"{MEASURE_LABELS[measure]}, {PERIOD_LABELS[period]}"


def split_kind(kind: str) -> tuple[str, str]:
    """``plan_q1`` → (``plan``, ``q1``); ``prev_fact_year`` → (``prev_fact``, ``year``)."""
    if kind.startswith("prev_fact_"):
        return "prev_fact", kind.removeprefix("prev_fact_")
    measure, _, period = kind.partition("_")
    return measure, period


def check_plan(facts: list[Fact]) -> list[Message]:
    """Warn where a stated deviation is not fact − plan (it is never used to derive either)."""
    by_code: dict[str, dict[str, Fact]] = {}
    for fact in facts:
        by_code.setdefault(fact.code, {})[fact.kind] = fact
    messages = []
    for code, kinds in by_code.items():
        for period in PERIODS:
            plan, fact, dev = (kinds.get(f"{m}_{period}") for m in ("plan", "fact", "deviation"))
            if plan and fact and dev and fact.value - plan.value != dev.value:
                messages.append(
                    Message(
                        WARNING,
                        f"рядок {code}, {PERIOD_LABELS[period]}: відхилення {dev.value}, "
                        f"а факт − план = {fact.value - plan.value}",
                        dev.line,
                    )
                )
    return messages


def quarter_series(values: dict[str, object], measure: str) -> list[object]:
    """The four quarters of one measure, as given (None where the file had none; never summed)."""
    return [values.get(f"{measure}_q{i}") for i in range(1, 5)]
