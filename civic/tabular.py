"""Reading tables the way Ukrainian offices produce them (exports: :mod:`civic.table_exports`).

Offices send CSV in UTF-8 (with or without BOM) or Windows-1251, separated by ``;`` (Excel's
default in the Ukrainian locale) or ``,``, and XLSX where cells hold numbers or text. Numbers
are written ``1 234,56`` (space or no-break space groups, comma decimals), negatives as
``( 4 567 )``, and ``-`` or an empty cell means "no value". Dates come as ``ДД.ММ.РРРР`` or ISO.

Every problem is a :class:`TabularError` whose text is Ukrainian and names the file, the line
and the column. The module is pure: it takes bytes and returns plain data.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import itertools
import re
from collections.abc import Iterator, Sequence
from contextvars import ContextVar
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from operator import itemgetter

from civic import kyiv
from civic.archives import ArchiveError, XlsxLimits, inspect_xlsx


def column_letter(number: int) -> str:
    """A spreadsheet column's letters from its 1-based number: 1 → ``A``, 28 → ``AB``."""
    letters = ""
    while number > 0:
        number, rest = divmod(number - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


MAX_BYTES = 200 * 1024 * 1024
# The limits every XLSX is inspected against before openpyxl reads it. The application sets
# them from its ``UPLOAD_XLSX_*`` settings for each request and CLI command (an app context);
# ``open_table(..., xlsx_limits=...)`` overrides them for one call.
XLSX_LIMITS: ContextVar[XlsxLimits | None] = ContextVar("XLSX_LIMITS", default=None)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


class TabularError(ValueError):
    """A problem with an uploaded table, with its place: file, line (1-based) and column."""

    def __init__(
        self,
        message: str,
        *,
        file: str | None = None,
        line: int | None = None,
        column: str | None = None,
    ) -> None:
        self.message = message
        self.file = file
        self.line = line
        self.column = column
        super().__init__(self.__str__())

    def __str__(self) -> str:
        where = []
        if self.file:
            where.append(f"Файл «{self.file}»")
        if self.line is not None:
            where.append(f"рядок {self.line}")
        if self.column:
            where.append(f"стовпець «{self.column}»")
        prefix = ", ".join(where)
        if prefix:
            prefix = prefix[0].upper() + prefix[1:]
            return f"{prefix}: {self.message}"
        return self.message


# ---------------------------------------------------------------- decoding and sniffing


def decode(data: bytes, *, file: str | None = None) -> tuple[str, str]:
    """Bytes → (text, encoding): UTF-8 with or without BOM, else Windows-1251."""
    if b"\x00" in data[:4096]:
        raise TabularError(
            "файл не схожий на текстову таблицю (містить нульові байти); "
            "очікувався CSV у UTF-8 або Windows-1251, або XLSX",
            file=file,
        )
    if data.startswith(b"\xef\xbb\xbf"):
        try:
            return data[3:].decode("utf-8", errors="strict"), "utf-8-sig"
        except UnicodeDecodeError as exc:
            raise TabularError(
                "файл позначено як UTF-8 (має BOM), але тут трапилися байти не в UTF-8; "
                "збережіть файл як CSV UTF-8",
                file=file,
                line=data.count(b"\n", 0, 3 + exc.start) + 1,
            ) from exc
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1251"), "cp1251"
    except UnicodeDecodeError as exc:
        raise TabularError(
            "не вдалося прочитати кодування; збережіть файл як CSV UTF-8",
            file=file,
            line=data.count(b"\n", 0, exc.start) + 1,
        ) from exc


def sniff_delimiter(header_line: str) -> str:
    """The delimiter of a header line: the most frequent of ``;``, ``,`` and tab."""
    counts = {d: header_line.count(d) for d in (";", ",", "\t")}
    best = max(counts, key=lambda d: (counts[d], d == ";"))
    return best if counts[best] else ";"


def clean_cell(value: str) -> str:
    """Trim a text cell and drop control characters (keeping none of them in the data)."""
    return _CONTROL.sub("", value).strip()


def normalise_header(value: object) -> str:
    text = "" if value is None else str(value)
    text = text.replace("\u00a0", " ").replace("\ufeff", "")
    return re.sub(r"\s+", " ", clean_cell(text)).casefold()


# ---------------------------------------------------------------- the table reader


@dataclass(frozen=True)
class Row:
    """One data row: its line number in the file and cells keyed by canonical column name."""

    line: int
    cells: dict[str, object]

    def get(self, name: str, default: object = None) -> object:
        return self.cells.get(name, default)


@dataclass
class Table:
    """An opened table: where the header was found and an iterator over its rows."""

    file: str
    kind: str  # "csv" or "xlsx"
    headers: list[str]
    header_line: int
    columns: dict[str, int]  # canonical name → position
    encoding: str | None = None
    delimiter: str | None = None
    _rows: Iterator[tuple[int, Sequence[object]]] = field(default=iter(()), repr=False)
    # The rows above the header (title, approval block, unit), as read: ``(line, cells)``.
    preamble: list[tuple[int, Sequence[object]]] = field(default_factory=list, repr=False)
    # A CSV's decoded text as the csv reader reads it (:class:`_Lines`), None for XLSX.
    _source: _Lines | None = field(default=None, repr=False)

    def __iter__(self) -> Iterator[Row]:
        for line, raw in self._rows:
            if all(_blank(v) for v in raw):
                continue
            cells = {}
            for name, pos in self.columns.items():
                value = raw[pos] if pos < len(raw) else None
                cells[name] = clean_cell(value) if isinstance(value, str) else value
            yield Row(line, cells)

    def release(self) -> None:
        """Let the decoded text of a CSV go (another process reads it, this one is done)."""
        if self._source is not None:
            self._source.text = ""

    def values(self, names: Sequence[str]) -> Iterator[tuple[int, tuple[object, ...]]]:
        """The same rows as iterating the table, as ``(line, values)`` with the values of
        ``names`` in that order (None for a column the file lacks): no dict and no
        :class:`Row` per row, and one control-character scan per row instead of one per cell,
        for files of a million lines."""
        yield from _values(self._rows, [self.columns.get(name) for name in names])

    def value_columns(
        self, names: Sequence[str], size: int
    ) -> Iterator[tuple[tuple[int, ...], list[tuple[object, ...]]]]:
        """The rows of :meth:`values` up to ``size`` at a time, column by column: ``(lines,
        columns)`` with ``columns[k]`` the values of ``names[k]``.  A chunk of plain text
        lines (no quote, control character or blank line, every column present) is cut from
        the text without the csv reader or a Python step per line (issue 15: a million-ballot
        import); any other chunk goes through the csv reader, as :meth:`values` reads it."""
        positions = [self.columns.get(name) for name in names]
        need = max((p for p in positions if p is not None), default=-1) + 1
        search, join = _CONTROL.search, "".join
        source = self._source if positions and None not in positions else None
        while True:
            if source is not None:
                at = source.pos, source.line
                block, count = source.take(size)
                if not count:
                    source.text = ""  # read to the end: the decoded file can go
                    return
                columns = _plain_columns(block, self.delimiter or ";", positions, need)
                if columns is not None:
                    yield tuple(range(at[1] + 1, at[1] + count + 1)), columns
                    continue
                source.pos, source.line = at  # the csv reader reads this chunk
            pairs = list(itertools.islice(self._rows, size))
            if not pairs:
                return
            lines, raws = zip(*pairs, strict=True)
            if (
                self.kind == "csv"  # every cell a str
                and None not in positions
                and min(map(len, raws)) >= need
                and all(map(str.strip, joined := list(map(join, raws))))
                and search(join(joined)) is None
            ):
                columns = [tuple(map(str.strip, map(itemgetter(p), raws))) for p in positions]
                yield lines, columns
                continue
            kept = list(_values(iter(pairs), positions))
            if kept:
                lines, values = zip(*kept, strict=True)
                yield lines, list(zip(*values, strict=True))


def _plain_columns(block: str, delimiter: str, positions, need: int) -> list[tuple] | None:
    """The stripped cells at ``positions`` of a block of whole CSV lines, column by column,
    when the csv reader would read each line as the line split at ``delimiter`` (no quote, no
    lone CR, no control character, no field over the csv field limit) and no line is blank or
    short of ``need`` cells; else None."""
    if '"' in block or _CONTROL.search(block) is not None:
        return None
    text = block.replace("\r\n", "\n")
    if "\r" in text:
        return None
    if text.endswith("\n"):
        text = text[:-1]
    lines = text.split("\n")
    if max(map(len, lines)) > csv.field_size_limit():
        return None
    if not all(map(str.strip, text.replace(delimiter, "").split("\n"))):
        return None  # a blank line: the csv reading skips it
    widths = set(map(str.count, lines, itertools.repeat(delimiter)))
    if len(widths) == 1:  # every line as wide: one split of the whole block
        width = widths.pop() + 1
        if width < need:
            return None
        cells = text.replace("\n", delimiter).split(delimiter)
        return [tuple(map(str.strip, cells[p::width])) for p in positions]
    rows = [line.split(delimiter) for line in lines]
    if min(map(len, rows)) < need:
        return None
    return [tuple(map(str.strip, map(itemgetter(p), rows))) for p in positions]


def _values(rows, positions) -> Iterator[tuple[int, tuple[object, ...]]]:
    """:meth:`Table.values` of ``rows`` (line, raw cells) at ``positions``."""
    search, join = _CONTROL.search, "".join
    for line, raw in rows:
        if all(type(v) is str for v in raw):
            if not join(raw).strip():
                continue  # a blank line, as in __iter__ (``str.strip`` drops the same)
            if search(join(raw)) is None:
                width = len(raw)
                yield (
                    line,
                    tuple(
                        raw[p].strip() if p is not None and p < width else None for p in positions
                    ),
                )
                continue
        elif all(_blank(v) for v in raw):
            continue
        yield (
            line,
            tuple(
                (clean_cell(v) if isinstance(v, str) else v)
                if p is not None and (v := raw[p] if p < len(raw) else None) is not None
                else None
                for p in positions
            ),
        )


def _blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


@dataclass(frozen=True)
class Column:
    """A column the reader looks for: its canonical name and the header texts that mean it."""

    name: str
    aliases: tuple[str, ...]
    required: bool = True

    def matches(self, header: str) -> bool:
        return normalise_header(header) in {normalise_header(a) for a in (self.name, *self.aliases)}


def _map_columns(headers: Sequence[object], columns: Sequence[Column]) -> dict[str, int] | None:
    mapping: dict[str, int] = {}
    for pos, header in enumerate(headers):
        for column in columns:
            if column.name not in mapping and column.matches(str(header or "")):
                mapping[column.name] = pos
                break
    if all(c.name in mapping for c in columns if c.required):
        return mapping
    return None


def _missing_message(headers: Sequence[object], columns: Sequence[Column]) -> str:
    found = [str(h) for h in headers if not _blank(h)]
    missing = [
        c for c in columns if c.required and not any(c.matches(str(h or "")) for h in headers)
    ]
    names = ", ".join(f"«{c.aliases[0] if c.aliases else c.name}»" for c in missing)
    return (
        f"не знайдено обов'язкових стовпців: {names}; "
        f"у заголовку є: {', '.join(f'«{h}»' for h in found) or 'нічого'}"
    )


def open_table(
    data: bytes,
    filename: str,
    columns: Sequence[Column],
    *,
    header_search_rows: int = 1,
    max_bytes: int = MAX_BYTES,
    xlsx_limits: XlsxLimits | None = None,
) -> Table:
    """Open a CSV or XLSX file and locate its header among the first ``header_search_rows``.

    Rows are read lazily (a million-row file is never held as objects at once). An XLSX is
    inspected first (:func:`civic.archives.inspect_xlsx`): a zip bomb, a macro-enabled book or
    one with external links is refused before openpyxl sees a byte of it.
    """
    if not data or data.isspace():  # isspace: no copy of a 100 MB file
        raise TabularError("файл порожній", file=filename)
    if len(data) > max_bytes:
        raise TabularError(
            f"файл завеликий ({len(data) // (1024 * 1024)} МБ; найбільше — "
            f"{max_bytes // (1024 * 1024)} МБ)",
            file=filename,
        )
    if data[:4] == b"PK\x03\x04":
        try:
            inspect_xlsx(data, xlsx_limits or XLSX_LIMITS.get() or XlsxLimits())
        except ArchiveError as exc:
            raise TabularError(str(exc), file=filename) from exc
        return _open_xlsx(data, filename, columns, header_search_rows)
    if filename.lower().endswith((".xlsx", ".xlsm")):
        raise TabularError("файл має розширення .xlsx, але не є книгою Excel", file=filename)
    if filename.lower().endswith(".xls"):
        raise TabularError(
            "старий формат Excel (.xls) не підтримується; збережіть файл як .xlsx або CSV",
            file=filename,
        )
    return _open_csv(data, filename, columns, header_search_rows)


def _open_csv(data: bytes, filename: str, columns, header_search_rows: int) -> Table:
    text, encoding = decode(data, file=filename)
    if "\r" in text and "\n" not in text:
        text = text.replace("\r", "\n")  # old Mac line ends
    head = itertools.islice(_lines(text), max(header_search_rows, 1) * 4)
    first = next((ln for ln in head if ln.strip()), "")
    delimiter = sniff_delimiter(first)
    # Lines are cut lazily from the decoded text: neither a list of every line nor a StringIO
    # copy (four bytes a character) of a 100 MB file is ever made.
    source = _Lines(text)
    reader = csv.reader(source, delimiter=delimiter, quotechar='"')
    rows = _numbered(reader, filename, source)
    line, raw, mapping, above = _find_header(rows, filename, columns, header_search_rows)
    headers = [clean_cell(h) for h in raw]
    return Table(filename, "csv", headers, line, mapping, encoding, delimiter, rows, above, source)


def _find_header(rows, filename: str, columns, header_search_rows: int):
    """The first of the first ``header_search_rows`` rows that names the columns → (line, raw
    row, mapping, the rows above it); the rows after it stay in ``rows``.  None found: a TabularError naming what
    is missing from the first row."""
    scanned = []
    for line, raw in rows:
        scanned.append((line, raw))
        mapping = _map_columns(raw, columns)
        if mapping is not None:
            return line, raw, mapping, scanned[:-1]
        if len(scanned) >= header_search_rows:
            break
    headers = scanned[0][1] if scanned else []
    raise TabularError(
        _missing_message(headers, columns), file=filename, line=scanned[0][0] if scanned else 1
    )


def _lines(text: str) -> Iterator[str]:
    """The lines of ``text`` with their line ends, one at a time (csv joins quoted multi-line
    fields itself)."""
    start, find, end = 0, text.find, len(text)
    while start < end:
        stop = find("\n", start)
        if stop < 0:
            yield text[start:]
            return
        yield text[start : stop + 1]
        start = stop + 1


class _Lines:
    """The lines of a decoded text with their line ends, one at a time, and the number of the
    last one given (csv joins quoted multi-line fields itself; its records' line numbers are
    ``line``): :meth:`Table.value_columns` takes plain blocks of lines from the same place."""

    __slots__ = ("text", "pos", "line")

    def __init__(self, text: str) -> None:
        self.text, self.pos, self.line = text, 0, 0

    def __iter__(self) -> _Lines:
        return self

    def __next__(self) -> str:
        text, start = self.text, self.pos
        if start >= len(text):
            raise StopIteration
        self.pos = text.find("\n", start) + 1 or len(text)
        self.line += 1
        return text[start : self.pos]

    def take(self, size: int) -> tuple[str, int]:
        """The next ``size`` lines (fewer at the end) as one text, and how many they are."""
        text, start = self.text, self.pos
        end, count, length, find = start, 0, len(text), text.find
        while count < size and end < length:
            end = find("\n", end) + 1 or length
            count += 1
        self.pos, self.line = end, self.line + count
        return text[start:end], count


CSV_ERRORS = (
    (
        "new-line character seen in unquoted field",
        "окремий символ повернення каретки (CR) "
        "посеред рядка; збережіть файл зі звичайними кінцями рядків",
    ),
    ("line contains nul", "рядок містить нульовий байт; це не текстовий файл CSV"),
    ("field larger than field limit", "завелике поле; імовірно, не закрито лапки"),
    ("unexpected end of data", "файл закінчився всередині лапок; перевірте лапки"),
)


def _csv_problem(exc: csv.Error) -> str:
    """A Ukrainian explanation of the csv module's (English) complaint."""
    text = str(exc).casefold()
    for needle, message in CSV_ERRORS:
        if needle in text:
            return f"порушено структуру CSV: {message}"
    return "порушено структуру CSV; перевірте лапки та роздільники"


def _numbered(reader, filename: str | None, source: _Lines) -> Iterator[tuple[int, list[str]]]:
    """The csv reader's records with the line number of each one's last line."""
    try:
        for raw in reader:
            yield source.line, raw
    except csv.Error as exc:
        raise TabularError(_csv_problem(exc), file=filename, line=max(source.line, 1)) from exc


DAMAGED_XLSX = "не вдалося відкрити книгу Excel (.xlsx); файл пошкоджено"


def _open_xlsx(data: bytes, filename: str, columns, header_search_rows: int) -> Table:
    import warnings

    from openpyxl import load_workbook

    # openpyxl parses untrusted bytes (zip, deflate, XML): whatever it raises on a damaged
    # file (BadZipFile, zlib.error, ParseError, KeyError, ...) means "the file is damaged".
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # openpyxl warns about styles it does not know
            book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
            sheet = book.worksheets[0]
    except Exception as exc:  # noqa: BLE001 - see above
        raise TabularError(DAMAGED_XLSX, file=filename) from exc

    it = _xlsx_rows(sheet, filename)
    line, raw, mapping, above = _find_header(it, filename, columns, header_search_rows)
    headers = ["" if h is None else clean_cell(str(h)) for h in raw]
    return Table(filename, "xlsx", headers, line, mapping, None, None, it, above)


def _xlsx_rows(sheet, filename: str) -> Iterator[tuple[int, Sequence[object]]]:
    """Numbered rows of a read-only sheet, which openpyxl decompresses and parses lazily: a
    damaged part found midway is a :class:`TabularError` at the row it stopped on."""
    line = 0
    rows = sheet.iter_rows(values_only=True)
    while True:
        try:
            raw = next(rows)
        except StopIteration:
            return
        except Exception as exc:  # noqa: BLE001 - openpyxl reading a damaged file
            raise TabularError(DAMAGED_XLSX, file=filename, line=line + 1) from exc
        line += 1
        yield line, raw


# ---------------------------------------------------------------- values


_NUMBER_SPACES = re.compile(r"[\s\u00a0\u202f\u2009']")


def parse_number(value: object) -> Decimal | None:
    """A Ukrainian office number → Decimal, or None for "no value".

    ``1 234,56`` · ``1234.56`` · ``1 234`` · ``( 4 567 )`` (negative) · ``-4567`` · ``−4567``
    · ``-`` or empty → None. Raises ValueError (Ukrainian text) for anything else.
    """
    if value is None:
        return None
    if isinstance(value, bool):
        raise ValueError("очікувалося число")
    if isinstance(value, int | Decimal | float):
        number = Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
        return _bounded(number, value)
    text = _NUMBER_SPACES.sub("", str(value)).replace("\u2212", "-").replace("\u2013", "-")
    if text in ("", "-", "—", "–"):
        return None
    negative = False
    if text.startswith("(") and text.endswith(")"):
        negative, text = True, text[1:-1]
    if text.count(",") == 1 and "." not in text:
        text = text.replace(",", ".")
    elif text.count(",") >= 1 and text.count(".") == 1 and text.rfind(",") < text.rfind("."):
        text = text.replace(",", "")  # 1,234.56
    if not re.fullmatch(r"[+-]?\d+(\.\d+)?", text):
        raise ValueError(f"«{value}» — не число (очікувалося, наприклад, 1 234,56)")
    try:
        number = Decimal(text)
    except InvalidOperation as exc:  # pragma: no cover - the regex already guards
        raise ValueError(f"«{value}» — не число") from exc
    return _bounded(-number if negative else number, value)


# No amount in a council's table comes near this; larger numbers (or 1e300 from a spreadsheet)
# would overflow decimal arithmetic and the database's NUMERIC columns.
NUMBER_LIMIT = Decimal(10) ** 15


def _bounded(number: Decimal, value: object) -> Decimal:
    if not number.is_finite():
        raise ValueError(f"«{value}» — не число")
    if abs(number) >= NUMBER_LIMIT:
        raise ValueError(f"«{value}» — завелике число (до 999 999 999 999 999)")
    return number


def parse_date(value: object) -> dt.date:
    """``ДД.ММ.РРРР`` or ISO ``РРРР-ММ-ДД`` (or an Excel date cell) → date (:func:`kyiv.parse_date`).

    Raises ValueError with a Ukrainian message: «31.02.2004 — такої дати не існує».
    """
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    return kyiv.parse_date(clean_cell(str(value or "")).split(" ")[0].split("T")[0])
