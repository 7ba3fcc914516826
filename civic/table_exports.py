"""Writing tables safely: CSV and XLSX exports whose text cells Excel will not run as formulas.

Pure: takes headers and rows, returns bytes. The reading side is :mod:`civic.tabular`.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterable, Sequence
from decimal import Decimal

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: object) -> object:
    """Make a text cell safe to open in Excel: a leading = + - @ becomes literal text."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def write_csv(
    headers: Sequence[str], rows: Iterable[Sequence[object]], *, bom: bool = True
) -> bytes:
    """CSV in UTF-8 (with BOM so Excel reads Cyrillic), ``,`` delimiter, cells neutralised.

    Numbers use ``.`` decimals and dates ISO form, as open-data standards ask.
    """
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([neutralise(h) for h in headers])
    for row in rows:
        writer.writerow([_export_text(v) for v in row])
    data = out.getvalue().encode("utf-8")
    return (b"\xef\xbb\xbf" + data) if bom else data


def _export_text(value: object) -> object:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if isinstance(value, int | Decimal):
        return str(value)
    return neutralise(str(value))


def write_xlsx(
    headers: Sequence[str], rows: Iterable[Sequence[object]], *, sheet_title: str = "Дані"
) -> bytes:
    """An XLSX workbook with one sheet; numbers stay numbers, text cells are neutralised."""
    import warnings

    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet(title=sheet_title[:31])
    sheet.append([str(h) for h in headers])
    for row in rows:
        cells = []
        for value in row:
            if isinstance(value, Decimal):
                value = float(value)  # Excel keeps every number as a double anyway
            cells.append(neutralise(value) if isinstance(value, str) else value)
        sheet.append(cells)
    buffer = io.BytesIO()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        book.save(buffer)
    return buffer.getvalue()
