"""An upload checked against itself (pure: bytes and plain values in, messages out).

A file's title rows often say whose and which year's report it is («Баланс на 31.12.2020»,
«Звіт про виконання фінансового плану 2020 року», «код за ЄДРПОУ 12345678»). When they do and
it is not what the editor chose, the upload is refused with the cell named: a 2020 plan of one
enterprise must not be accepted as another's 2021 plan. Year-on-year jumps beyond a factor are
warnings: a value in hryvnias typed into a form in thousands is a thousandfold jump.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator, Mapping
from datetime import date
from decimal import Decimal

from civic.enterprises.statements import ERROR, WARNING, Message
from civic.formatting import uk_number
from civic.tabular import decode, sniff_delimiter

TITLE_ROWS = 12  # the header («Код рядка») comes within the first rows of real files
MONTHS = {
    "січня": 1,
    "лютого": 2,
    "березня": 3,
    "квітня": 4,
    "травня": 5,
    "червня": 6,
    "липня": 7,
    "серпня": 8,
    "вересня": 9,
    "жовтня": 10,
    "листопада": 11,
    "грудня": 12,
}
_EDRPOU = re.compile(r"ЄДРПОУ\D{0,20}?(\d{8})\b", re.IGNORECASE)
_DOTTED = re.compile(r"\b(\d{2})\.(\d{2})\.(\d{4})\b")
_WORDS = re.compile(r"\b(\d{1,2})\s+(" + "|".join(MONTHS) + r")\s+(\d{4})\b", re.IGNORECASE)
_DECISION_DATE = re.compile(
    r"\bвід\s+«?\d{1,2}»?(?:\s*[./]\s*\d{1,2}\s*[./]\s*|\s+(?:"
    + "|".join(MONTHS)
    + r")\s+)\d{4}(?:\s*(?:р\.|року|р\b))?",
    re.IGNORECASE,
)
_YEAR = re.compile(r"\b(?:за|на)\s+(\d{4})\s*(?:рік|року|р\.)|\b(\d{4})\s+року\b", re.IGNORECASE)


def _column(index: int) -> str:
    name = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        name = chr(65 + rest) + name
    return name


def title_cells(data: bytes, filename: str) -> Iterator[tuple[int, int, str]]:
    """``(line, column, text)`` of the text cells above the header row («Код рядка»)."""
    if data[:4] == b"PK\x03\x04":
        from openpyxl import load_workbook

        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        try:
            rows = book.worksheets[0].iter_rows(max_row=TITLE_ROWS, values_only=True)
            lines = [list(row) for row in rows]
        finally:
            book.close()
    else:
        text, _ = decode(data[:20_000], file=filename)
        raw = text.splitlines()[:TITLE_ROWS]
        delimiter = sniff_delimiter(raw[0]) if raw else ";"
        lines = [line.split(delimiter) for line in raw]
    for n, cells in enumerate(lines, 1):
        texts = [str(c).strip() if c is not None else "" for c in cells]
        if any("код рядка" in t.lower() for t in texts):
            return
        for col, value in enumerate(texts):
            if value:
                yield n, col, value


def _dates(text: str) -> Iterator[date]:
    for day, month, year in _DOTTED.findall(text):
        try:
            yield date(int(year), int(month), int(day))
        except ValueError:
            continue
    for day, month, year in _WORDS.findall(text):
        try:
            yield date(int(year), MONTHS[month.lower()], int(day))
        except ValueError:
            continue


def _plain(name: str) -> str:
    """A name as it is compared: lower case, no quotes, single spaces («КП "Ніжинтепло"»)."""
    name = re.sub(r"[«»\"'“”„`’]", " ", name.lower())
    return " ".join(name.split())


def _other_enterprise(text: str, chosen: tuple[str, ...], others: Mapping[str, str]):
    """The other registered enterprise a title cell names, unless it names the chosen one too
    (one name may contain another: «Ніжинтепло» in «КП «Ніжинтепло» НМР»)."""
    plain = f" {_plain(text)} "
    if any(f" {_plain(name)} " in plain for name in chosen if _plain(name)):
        return None
    for name, edrpou in others.items():
        if len(_plain(name)) >= 4 and f" {_plain(name)} " in plain:
            return edrpou, name
    return None


def identity_problems(
    data: bytes,
    filename: str,
    *,
    edrpou: str,
    enterprise: str,
    year: int,
    names: tuple[str, ...] = (),
    others: Mapping[str, str] | None = None,
) -> list[Message]:
    """Errors for a title that names another enterprise (by ЄДРПОУ, or by the name of another
    registered enterprise: ``others`` maps each of their names to their ЄДРПОУ) or another
    year than the ones chosen. ``names`` are the chosen enterprise's own names."""
    problems = []
    for line, col, text in title_cells(data, filename):
        where = f"клітинка {_column(col)}{line}"
        other = _other_enterprise(text, names or (enterprise,), others or {})
        if other and not _EDRPOU.search(text):
            problems.append(
                Message(
                    ERROR,
                    f"{where}: у заголовку файлу названо {other[1]} ({other[0]}), а обрано "
                    f"{enterprise} ({edrpou}); перевірте, чий це звіт",
                    line,
                )
            )
        for found in _EDRPOU.findall(text):
            if found != edrpou:
                problems.append(
                    Message(
                        ERROR,
                        f"{where}: у заголовку файлу код ЄДРПОУ {found}, а обрано {enterprise} "
                        f"({edrpou}); перевірте, чий це звіт",
                        line,
                    )
                )
        # The date of a decision («від 19.12.2024 № 512»: a plan is approved the year before
        # its own) names no report year. A balance «на 01.01.2021» closes the year 2020.
        dated = _DECISION_DATE.sub(" ", text)
        years = {int(a or b) for a, b in _YEAR.findall(dated)}
        years |= {d.year - 1 if (d.month, d.day) == (1, 1) else d.year for d in _dates(dated)}
        for named in sorted(years - {year}):
            problems.append(
                Message(
                    ERROR,
                    f"{where}: у заголовку файлу «{text[:80]}» — {named} рік, а обрано {year}; "
                    "перевірте рік звіту",
                    line,
                )
            )
    return problems


def _amount(value: Decimal) -> str:
    """«1 000 000», «12,5»: the pages' digit grouping, without trailing zeros."""
    return uk_number(value.normalize())


def jump_warnings(
    values: Mapping[tuple[str, str], tuple[Decimal, int]],
    previous: Mapping[tuple[str, str], Decimal],
    *,
    year: int,
    factor: Decimal,
) -> list[Message]:
    """A warning for each ``(code, kind)`` whose value moved more than ``factor`` times since
    the previous year (both non-zero): «рядок 2000: 1 234 → 45 678, у 37 разів більше»."""
    warnings = []
    for key, (value, line) in sorted(values.items()):
        before = previous.get(key)
        if not before or not value:
            continue
        ratio = abs(value / before)
        if ratio > factor or ratio < 1 / factor:
            times = ratio if ratio >= 1 else 1 / ratio
            way = "більше" if ratio >= 1 else "менше"
            warnings.append(
                Message(
                    WARNING,
                    f"код рядка {key[0]}: {_amount(before)} за {year - 1} рік → {_amount(value)} за "
                    f"{year} рік, "
                    f"у {times:.0f} разів {way}; перевірте одиниці виміру й рік",
                    line,
                )
            )
    return warnings
