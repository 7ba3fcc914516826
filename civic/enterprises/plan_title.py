"""The title block above a financial plan's table, as councils' files carry it.

Real files (the order of Мінекономіки №205 in the edition of №1070, councils' own templates and
accounting software exports) put above the «Код рядка» header: an appendix note, the
«ЗАТВЕРДЖЕНО» block (who approved the plan: «Рішення виконавчого комітету … від ДД.ММ.РРРР
№ …», or a signature), the codes table («Підприємство … за ЄДРПОУ 12345678», «Рік 2025»), the
status boxes «Проект | Уточнений | Зміни» with an «Х» under one of them, the title («Фінансовий
план … на 2025 рік», «Звіт про виконання фінансового плану за I квартал 2025 року») and the unit
(«Одиниці виміру: тис. гривень»). This module reads them from plain rows (pure: no file, no
clock) into a :class:`TitleBlock`; what it cannot accept is an error naming the cell.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from civic.enterprises.statements import ERROR, Message
from civic.tabular import column_letter

STATUSES = {
    "project": "Проєкт",
    "approved": "Затверджений",
    "refined": "Уточнений",
    "amended": "Зміни",
}
# Statuses whose figures are in force (a «Проєкт» is kept but never replaces them).
IN_FORCE = ("approved", "refined", "amended", "")
REPORT_PERIODS = {
    "q1": "I квартал",
    "q2": "II квартал",
    "q3": "III квартал",
    "q4": "IV квартал",
    "h1": "I півріччя",
    "m9": "9 місяців",
    "year": "рік",
}


def period_phrase(period: str, year: int) -> str:
    """«за I квартал 2025 року», «за 9 місяців 2025 року», «за 2025 рік»."""
    if period == "year":
        return f"за {year} рік"
    return f"за {REPORT_PERIODS[period]} {year} року"


UNITS = {"тис. грн": 1, "грн": 0, "млн грн": 2}  # → the power of 1000 below thousands
MONTHS = (
    "січня",
    "лютого",
    "березня",
    "квітня",
    "травня",
    "червня",
    "липня",
    "серпня",
    "вересня",
    "жовтня",
    "листопада",
    "грудня",
)

_MARKS = {"x", "х", "v", "✓", "✔", "+", "×"}
# A status box or a word in the title: «ПРОЄКТ», «Уточнений», «Зміни», «зі змінами».
_STATUS_WORDS = (
    (re.compile(r"^прое?є?кт$"), "project"),
    (re.compile(r"^уточнений$"), "refined"),
    (re.compile(r"^зміни$"), "amended"),
)
_STATUS_TITLE = (
    (re.compile(r"(?<!\w)прое?є?кт(?!\w)"), "project"),
    (re.compile(r"(?<!\w)уточнен\w*\s+фінансов\w*\s+план"), "refined"),
    (re.compile(r"(?<!\w)(зміни\s+до\s+фінансового\s+плану|зі\s+змінами|змінений)"), "amended"),
    (re.compile(r"(?<!\w)затверджений(?!\w)"), "approved"),
)
_ROMAN = {"i": "1", "ii": "2", "iii": "3", "iv": "4"}
_PERIOD = tuple(
    (re.compile(pattern), key)
    for pattern, key in {
        r"\bза\s+(iv|iii|ii|i|1|2|3|4)\s*-?\s*(?:й\s*)?квартал": "q",
        r"\bза\s+(?:i\s+|1\s+|перше\s+)?півріччя": "h1",
        r"\bза\s+(?:9|дев'ять|девʼять|дев’ять)\s+місяц": "m9",
        r"\bза\s+(?:\d{4}\s+)?(?:рік|року)\b": "year",
    }.items()
)
_DATE = re.compile(
    r"(\d{1,2})\s*[./]\s*(\d{1,2})\s*[./]\s*(\d{4})|(\d{1,2})\s+("
    + "|".join(MONTHS)
    + r")\s+(\d{4})"
)
_DECISION = re.compile(r"(рішення|розпорядження|наказ|протокол)\b", re.IGNORECASE)
_NUMBER = re.compile(r"№\s*([0-9][\w/\-–.]*)")
_HINT = re.compile(r"^\(.*\)$|^м\.\s*п\.?$", re.IGNORECASE)  # «(найменування органу…)», «М. П.»
# At a word's start only: from inside a word, each «одиниц» of a 30 000-letter cell would scan
# to the word's end again (minutes for a hostile title block).
_UNIT_LINE = re.compile(r"(?<!\w)одиниц\w*\s+вимір\w*\s*[:\-–]?\s*(.*)", re.IGNORECASE)
_UNIT_TEXT = (
    (re.compile(r"^\(?\s*млн\.?\s*(грн|гривень)\.?\s*\)?$"), "млн грн"),
    (re.compile(r"^\(?\s*тис\.?\s*(грн|гривень)\.?\s*\)?$"), "тис. грн"),
    (re.compile(r"^\(?\s*(грн|гривень|гривні)\.?\s*\)?$"), "грн"),
)


@dataclass(frozen=True)
class TitleBlock:
    """What the rows above the header said (empty strings where they said nothing)."""

    document: str = ""  # "plan" (фінансовий план) or "execution" (звіт про виконання)
    status: str = ""  # a key of STATUSES
    period: str = ""  # a key of REPORT_PERIODS (an execution report's period)
    unit: str = ""  # a key of UNITS
    edrpou: str = ""
    edrpou_cell: str = ""
    year: int | None = None
    year_cell: str = ""
    approved_by: str = ""
    decision: str = ""
    approved_on: dt.date | None = None
    messages: list[Message] = field(default_factory=list)


_ROMAN_TOKEN = re.compile(r"(?<!\w)[iіv]{1,4}(?!\w)")


def latin_roman(text: str) -> str:
    """Roman numerals typed with the Cyrillic «І» («ІІ квартал») → Latin («ii квартал»)."""
    return _ROMAN_TOKEN.sub(lambda m: m[0].replace("і", "i"), text)


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return " ".join(str(value).replace("\u00a0", " ").split())


def _word(text: str) -> str:
    return re.sub(r"[«»\"'“”.:;,!]", "", text).strip().casefold()


def _cell(line: int, col: int) -> str:
    return f"{column_letter(col + 1)}{line}"


def parse_decision_date(text: str) -> dt.date | None:
    """The date after «від» in a decision («від 19.12.2024 №», «від 19 грудня 2024 року»)."""
    for found in _DATE.finditer(re.sub('[«»"]', "", text.casefold())):
        day, month, year = (
            (found[1], found[2], found[3])
            if found[1]
            else (found[4], str(MONTHS.index(found[5]) + 1), found[6])
        )
        try:
            return dt.date(int(year), int(month), int(day))
        except ValueError:
            continue
    return None


def _status_boxes(rows, messages) -> str | None:
    """The status marked with «Х» under the boxes «Проект | Уточнений | Зміни» (or in the
    cell beside a box). None when there are no boxes."""
    for index, (line, cells) in enumerate(rows):
        boxes = {}
        for col, value in enumerate(cells):
            word = _word(_text(value))
            for pattern, status in _STATUS_WORDS:
                if pattern.match(word):
                    boxes[col] = status
        if len(boxes) < 2:
            continue
        marked = set()
        nearby = [(line, cells)] + list(rows[index + 1 : index + 3])
        for mark_line, mark_cells in nearby:
            for col, value in enumerate(mark_cells):
                if _word(_text(value)) not in _MARKS:
                    continue
                # under a box, or right of it in the same row
                box = col if mark_line != line else col - 1
                if box in boxes:
                    marked.add((boxes[box], _cell(mark_line, col)))
        if _several_marked(marked, line, messages):
            return None
        return next(iter(marked))[0] if marked else ""
    return _status_column(rows, messages)


def _several_marked(marked, line: int, messages) -> bool:
    """Two different statuses marked: an error naming both cells."""
    if len({status for status, _ in marked}) < 2:
        return False
    cells_named = ", ".join(sorted(cell for _, cell in marked))
    messages.append(
        Message(
            ERROR,
            f"клітинки {cells_named}: позначено кілька статусів плану водночас; "
            "має бути позначено один: «Проект», «Уточнений» або «Зміни»",
            line,
        )
    )
    return True


def _status_column(rows, messages) -> str | None:
    """The boxes written down one column («Проект» / «Уточнений» / «Зміни», one a row, as
    the order's form prints them) with the «Х» in the cell right of one. None when there are
    no such boxes."""
    boxes: dict[int, list[tuple[int, str, Sequence[object]]]] = {}
    for line, cells in rows:
        for col, value in enumerate(cells):
            word = _word(_text(value))
            status = next((s for p, s in _STATUS_WORDS if p.match(word)), None)
            if status:
                boxes.setdefault(col, []).append((line, status, cells))
    for col, column in boxes.items():
        if len(column) < 2:
            continue
        marked = [
            (status, _cell(line, col + 1))
            for line, status, cells in column
            if col + 1 < len(cells) and _word(_text(cells[col + 1])) in _MARKS
        ]
        if _several_marked(marked, column[0][0], messages):
            return None
        return marked[0][0] if marked else ""
    return None


def _ends_approval(cells) -> bool:
    """A row that is no longer the approval block: the status boxes, the codes table, the
    title (real files often leave no blank row between them)."""
    words = [_word(_text(v)) for v in cells]
    joined = " ".join(w for w in words if w)
    return (
        any(p.match(w) for w in words for p, _ in _STATUS_WORDS)
        or any(w in ("рік", "коди") or "єдрпоу" in w for w in words)
        or joined.startswith(("підприємство", "фінансовий план", "звіт"))
    )


def _approval(rows) -> tuple[str, str, dt.date | None]:
    """(approved by, decision, its date) from the «ЗАТВЕРДЖЕНО» block: the cells at and right
    of that word in the rows below it, up to a blank row or the codes table."""
    for index, (_line, cells) in enumerate(rows):
        col = next(
            (
                c
                for c, v in enumerate(cells)
                if _word(_text(v)).startswith(("затверджено", "затверджую"))
            ),
            None,
        )
        if col is None:
            continue
        first = _text(cells[col])
        parts = [re.sub(r"^(затверджено|затверджую)\s*:?\s*", "", first, flags=re.IGNORECASE)]
        for _, below in rows[index + 1 : index + 8]:
            texts = [_text(v) for v in below[col:]]
            joined = " ".join(t for t in texts if t)
            if not joined or _ends_approval(below):
                break
            parts.append(joined)
        parts = [p for p in parts if p and not _HINT.match(p)]
        text = " ".join(parts)
        decision = ""
        if found := _DECISION.search(text):
            decision = text[found.start() :].strip(" ,;")
            decision = decision[0].upper() + decision[1:]
            if number := _NUMBER.search(decision):
                decision = decision[: number.end()]  # what follows the number is not the decision
        approved_on = parse_decision_date(decision) if decision else None
        if decision and not approved_on and not _NUMBER.search(decision):
            decision = ""  # an unfilled template: «Рішення … від №»
        people = text[: found.start()].strip(" ,;") if found else text
        approved_by = people or (
            re.sub(r"\s+від\b.*$", "", decision.split(" ", 1)[1]) if decision else ""
        )
        return approved_by[:300], decision[:300], approved_on
    return "", "", None


def _period(texts: Sequence[str]) -> str:
    for text in texts:
        low = latin_roman(text.casefold())
        if "звіт" not in low and not low.startswith("за "):
            continue
        for pattern, key in _PERIOD:
            if found := pattern.search(low):
                return f"q{_ROMAN.get(found[1], found[1])}" if key == "q" else key
    return ""


def _unit(rows, messages) -> str:
    for line, cells in rows:
        for col, value in enumerate(cells):
            text = _text(value)
            stated = text
            if found := _UNIT_LINE.search(text):
                stated = found[1] or next(
                    (_text(v) for v in cells[col + 1 :] if _text(v)),
                    "",
                )
            elif not any(p.match(text.casefold()) for p, _ in _UNIT_TEXT):
                continue
            low = stated.casefold().strip(" .")
            unit = next((u for p, u in _UNIT_TEXT if p.match(low)), None)
            if unit is None:
                messages.append(
                    Message(
                        ERROR,
                        f"клітинка {_cell(line, col)}: одиниця виміру «{stated}» не підтримується; "
                        "очікувалося «тис. грн» (або «грн» чи «млн грн» — їх буде переведено "
                        "в тис. грн)",
                        line,
                    )
                )
                return ""
            return unit
    return ""


def _next_filled(texts: Sequence[str], col: int) -> tuple[int, str] | None:
    """The first non-empty (column, text) right of ``col``, without copying the row (a row of
    16 384 «Рік» cells would otherwise be copied once per cell)."""
    for after in range(col + 1, len(texts)):
        if texts[after]:
            return after, texts[after]
    return None


def _codes(rows) -> tuple[str, str, int | None, str]:
    """(ЄДРПОУ, its cell, year, its cell) from the codes table («за ЄДРПОУ | 12345678»,
    «Рік | 2025») or a cell holding both («код за ЄДРПОУ 12345678»)."""
    edrpou = edrpou_cell = year_cell = ""
    year = None
    for line, cells in rows:
        texts = [_text(v) for v in cells]
        for col, text in enumerate(texts):
            low = text.casefold()
            if "єдрпоу" in low and not edrpou:
                if found := re.search(r"\b(\d{6,8})\b", text):
                    edrpou, edrpou_cell = found[1].zfill(8), _cell(line, col)
                    continue
                after = _next_filled(texts, col)
                if after and re.fullmatch(r"\d{6,8}", after[1]):
                    edrpou, edrpou_cell = after[1].zfill(8), _cell(line, after[0])
            if _word(text) == "рік" and year is None:
                after = _next_filled(texts, col)
                if after and re.fullmatch(r"\d{4}", after[1]):
                    year, year_cell = int(after[1]), _cell(line, after[0])
    return edrpou, edrpou_cell, year, year_cell


def read_title(rows: Sequence[tuple[int, Sequence[object]]]) -> TitleBlock:
    """Read the rows above the header (``(line, cells)`` as the file has them)."""
    rows = list(rows)
    messages: list[Message] = []
    texts = [_text(v) for _, cells in rows for v in cells if _text(v)]
    lowered = " ".join(texts).casefold()
    document = ""
    if "звіт про виконання фінансового плану" in lowered:
        document = "execution"
    elif re.search(r"(?<!\w)фінансовий\s+план", lowered):
        document = "plan"
    status = _status_boxes(rows, messages)
    if status is None and not messages:
        status = ""
        for text in texts:
            low = text.casefold()
            if low.startswith(("затверджено", "затверджую", "рішення", "від ")):
                continue  # the approval block is not a status mark
            found = next((s for p, s in _STATUS_TITLE if p.search(low)), "")
            if found:
                status = found
                break
    approval = _approval(rows)
    if not status and any(approval[:2]):
        status = "approved"
    # Fields in order: what the file is, its unit, the codes table, the approval block.
    return TitleBlock(
        document,
        status or "",
        _period(texts) if document != "plan" else "",
        _unit(rows, messages),
        *_codes(rows),
        *approval,
        messages,
    )
