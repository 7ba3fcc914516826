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
from dataclasses import dataclass, field

from civic.enterprises.catalogue import MAX_CODE, Line, normalise_code
from civic.enterprises.plan_checks import Stated, check_stated, half_unit, scale, uncached_formulas
from civic.enterprises.plan_title import TitleBlock, latin_roman, read_title
from civic.enterprises.statements import (
    ERROR,
    HEADER_SEARCH_ROWS,
    WARNING,
    Fact,
    Message,
    ParseResult,
    is_numbering_row,
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
MEASURES = ("prev_fact", "current_plan", "plan", "fact", "deviation", "percent")
MEASURE_LABELS = {
    "prev_fact": "Факт минулого року",
    "current_plan": "План поточного року",
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
    # The official plan's «(Фінансовий) план поточного року»: the year before the planned one.
    (re.compile(r"(?<!\w)план\w*\s+поточного\s+року"), "current_plan"),
    (re.compile("%|виконання"), "percent"),
    (re.compile("відхилення"), "deviation"),
    (re.compile(r"(?<!\w)план"), "plan"),
    (re.compile(r"(?<!\w)факт"), "fact"),
)


def _first_named(patterns, text: str) -> str | None:
    return next((name for pattern, name in patterns if pattern.search(text)), None)


def detect_period(text: str) -> str | None:
    """The period a header names, or None: ``II квартал`` → ``q2``, ``рік`` → ``year``."""
    t = latin_roman(normalise_header(text))
    if m := _QUARTER.search(t):
        return _ROMAN[m.group(1)]
    return _first_named(_PERIODS, t)


def bare_quarter(text: str) -> str | None:
    """A quarter written as a bare Roman numeral under «за кварталами»: ``II`` → ``q2``."""
    t = latin_roman(normalise_header(text)).rstrip(".")
    return _ROMAN.get(t) if t in ("i", "ii", "iii", "iv") else None


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


def _quarter_alone(text: str) -> str | None:
    """«II квартал» with no measure, under «за кварталами»: the plan of that quarter."""
    period = detect_period(text) if text.strip() and detect_measure(text) is None else None
    return period if period in ("q1", "q2", "q3", "q4") else None


def map_plan_columns(
    top: list[str], sub: list[str] | None, default_period: str = "year"
) -> list[PlanColumn]:
    """Combine the header row (``top``) and an optional sub-header row into plan columns.

    A blank top cell inherits the last period named to its left (a merged group header). A
    column naming no period is ``default_period``: the year, or the period an execution report's
    title names («за I квартал 2025 року» → «План звітного періоду» is the plan of I квартал).
    """
    columns: list[PlanColumn] = []
    group: str | None = None
    quarters = False  # under «у тому числі за кварталами», whose cells below are «I» … «IV»
    for pos, head in enumerate(top):
        head = head or ""
        below = (sub[pos] if sub and pos < len(sub) else "") or ""
        if head.strip():
            own_period = detect_period(head)
            group = own_period if own_period and detect_measure(head) is None else None
            quarters = own_period is None and "квартал" in normalise_header(head)
            text = f"{head} {below}".strip()
        else:
            text = f"{PERIOD_LABELS.get(group, '') if group else ''} {below}".strip()
        if quarters and (bare := bare_quarter(below) or _quarter_alone(below)):
            columns.append(PlanColumn(pos, "plan", bare, f"{PERIOD_LABELS[bare]}"))
            continue
        measure = detect_measure(text)
        if measure is None and head.strip() and not below.strip() and detect_period(head):
            measure = "plan"  # an annual plan's bare quarter or year column holds the plan
        if measure is None:
            continue
        period = detect_period(text) or (group if not head.strip() else None) or default_period
        columns.append(PlanColumn(pos, measure, period, text))
    return columns


@dataclass
class PlanParse(ParseResult):
    """A read plan file: its facts and messages, what its title said, and what it is."""

    title: TitleBlock = field(default_factory=TitleBlock)
    document: str = "plan"  # "plan" or "execution"
    period: str = ""  # an execution report's period (a key of REPORT_PERIODS), else ""
    unit: str = ""  # the unit the file states, or "" (the upload's own unit applies)


def _document(title: TitleBlock, columns: list[PlanColumn]) -> str:
    """A plan, or its execution report: the title says; else a fact column makes a report."""
    if title.document:
        return title.document
    return (
        "execution"
        if any(
            c.measure != "plan" and c.measure != "current_plan" and c.measure != "prev_fact"
            for c in columns
        )
        else "plan"
    )


def parse_plan(data: bytes, filename: str, catalogue: Iterable[Line] = ()) -> PlanParse:
    """Read a financial plan or its execution report into facts of kinds like ``plan_q1`` or
    ``fact_year``, with the title block above the header (:mod:`plan_title`).

    Amounts stated in «грн» or «млн грн» are converted to тис. грн; percentages are kept.
    """
    lines = {line.code: line for line in catalogue}
    result = PlanParse()
    try:
        probe = open_table(
            data, filename, [Column("code", ("Код рядка",))], header_search_rows=HEADER_SEARCH_ROWS
        )
        title = read_title(probe.preamble)
        result.title = title
        result.messages.extend(title.messages)
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
            if any(detect_measure(t) or detect_period(t) or bare_quarter(t) for t in texts):
                sub = texts  # the second header row under merged period groups
                continue
            pending.append((row, cells))
            break
        report_period = title.period if title.document != "plan" else ""
        columns = map_plan_columns(top, sub, report_period or "year")
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
        result.document = _document(title, columns)
        result.period = (report_period or "year") if result.document == "execution" else ""
        result.unit = title.unit
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
        stated: list[Stated] = []
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
            title_text = "" if title_pos is None else str(cells[title_pos] or "").strip()
            for column in columns:
                value = result.amount(cells[column.position], column.header, row.line)
                if value is None:
                    continue
                stated.append(
                    Stated(code, column, value, half_unit(cells[column.position]), row.line)
                )
                result.facts.append(
                    Fact(
                        code,
                        column.kind,
                        scale(value, column.measure, title.unit),
                        row.line,
                        title_text,
                    )
                )
    except TabularError as exc:
        result.messages.append(Message(ERROR, exc.message, exc.line))
        return result
    if not result.facts and not result.errors:
        result.messages.append(Message(ERROR, "у файлі немає жодного значення з кодом рядка"))
    if not result.errors:
        result.messages.extend(uncached_formulas(data, filename))
    if title.unit in ("грн", "млн грн") and result.facts:
        result.messages.append(
            Message(
                WARNING,
                f"суми у файлі зазначено в «{title.unit}»; їх переведено в тис. грн "
                "(відсотки виконання — без змін)",
            )
        )
    result.messages.extend(check_stated(stated))
    return result


def _kind_label(kind: str) -> str:
    measure, period = split_kind(kind)
    return f"{MEASURE_LABELS[measure]}, {PERIOD_LABELS[period]}"


def split_kind(kind: str) -> tuple[str, str]:
    """``plan_q1`` → (``plan``, ``q1``); ``prev_fact_year`` → (``prev_fact``, ``year``)."""
    measure, _, period = kind.rpartition("_")
    return measure, period


def quarter_series(values: dict[str, object], measure: str) -> list[object]:
    """The four quarters of one measure, as given (None where the file had none; never summed)."""
    return [values.get(f"{measure}_q{i}") for i in range(1, 5)]
