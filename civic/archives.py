"""Inspecting an uploaded XLSX archive before openpyxl touches it (pure: bytes in, a verdict out).

An XLSX is a ZIP of XML parts. openpyxl trusts it: a 1 MB file whose ``sharedStrings.xml``
inflates to 1 GB holds a worker for minutes and gigabytes of memory, and a workbook may carry
macros (``vbaProject.bin``, Excel 4 macro sheets), ActiveX controls, OLE objects and links to
other workbooks that a colleague's Excel would run or follow when the stored original is
downloaded again. :func:`inspect_xlsx` reads the ZIP directory and then inflates every member as
a stream, counting what really comes out (declared sizes can lie), and refuses with a Ukrainian
:class:`ArchiveError` at the first of:

* too many members, a name that escapes the archive (``../``, ``/abs``, ``C:``, ``\\``), an
  encrypted member, a compression method other than stored/deflate, a ZIP inside the ZIP;
* declared or actual uncompressed bytes over :attr:`XlsxLimits.max_uncompressed`, a member
  whose compression ratio is absurd (over :attr:`XlsxLimits.max_ratio`), sizes that do not
  match the data (a lying header: the CRC check fails);
* more worksheet rows than :attr:`XlsxLimits.max_rows` (``<row>`` elements, counted, not the
  ``<dimension>`` the file claims);
* macro, ActiveX, OLE/embedding or external-link parts, macro-enabled content types, external
  relationships other than hyperlinks, DDE formulas (``=cmd|'/c calc'!A1``).

Inflating costs at most ``max_uncompressed`` bytes of CPU and one chunk of memory per member.
"""

from __future__ import annotations

import itertools
import re
import zipfile
from dataclasses import dataclass
from io import BytesIO
from posixpath import normpath

__all__ = ["ArchiveError", "XlsxLimits", "inspect_xlsx"]

CHUNK = 256 * 1024


class ArchiveError(ValueError):
    """The archive is refused; the text is Ukrainian and says why."""


@dataclass(frozen=True)
class XlsxLimits:
    """Bounds on an uploaded workbook (``UPLOAD_XLSX_*`` settings)."""

    max_uncompressed: int = 256 * 1024 * 1024
    max_rows: int = 1_048_576
    max_ratio: int = 200
    max_members: int = 1000
    # The ratio is judged only for members that inflate past this: a tiny part that compresses
    # well (an empty styles.xml) is harmless.
    ratio_floor: int = 1024 * 1024

    @classmethod
    def from_settings(cls, settings) -> XlsxLimits:
        """Limits from a mapping of ``UPLOAD_XLSX_*`` keys (e.g. a Flask config)."""
        default = cls()
        return cls(
            max_uncompressed=int(
                settings.get("UPLOAD_XLSX_MAX_UNCOMPRESSED", default.max_uncompressed)
            ),
            max_rows=int(settings.get("UPLOAD_XLSX_MAX_ROWS", default.max_rows)),
            max_ratio=int(settings.get("UPLOAD_XLSX_MAX_RATIO", default.max_ratio)),
            max_members=int(settings.get("UPLOAD_XLSX_MAX_MEMBERS", default.max_members)),
        )


def _mb(n: int) -> str:
    return f"{n / (1024 * 1024):.0f} МБ" if n >= 1024 * 1024 else f"{n} байт"


# Parts that carry code or reach outside the file (matched on the lower-cased member name).
_FORBIDDEN_PARTS = (
    (re.compile(r"(^|/)vbaproject(signature)?\.bin$"), "макроси VBA (vbaProject.bin)"),
    (re.compile(r"(^|/)xl/macrosheets/"), "аркуші макросів Excel 4.0"),
    (re.compile(r"(^|/)xl/dialogsheets/"), "діалогові аркуші макросів"),
    (re.compile(r"(^|/)xl/externallinks/"), "зв'язки з іншими книгами (externalLinks)"),
    (re.compile(r"(^|/)xl/activex/"), "елементи ActiveX"),
    (re.compile(r"(^|/)xl/embeddings/"), "вбудовані об'єкти OLE (embeddings)"),
    (re.compile(r"oleobject[^/]*$"), "вбудовані об'єкти OLE"),
    (re.compile(r"(^|/)customui/"), "власну стрічку з викликами макросів (customUI)"),
)
_MACRO_CONTENT = re.compile(
    rb"macroenabled|vbaproject|ms-excel\.(?:macrosheet|intlmacrosheet|dialogsheet)|"
    rb"ms-office\.activex|oleobject|externallink",
    re.IGNORECASE,
)
# One relationship element (the attribute values are quoted with " or ').
_RELATIONSHIP = re.compile(rb"<(?:\w{1,20}:)?Relationship\b([^>]*)>", re.IGNORECASE)
_ATTRIBUTE = re.compile(rb"""(\w+)\s*=\s*(?:"([^"]*)"|'([^']*)')""")
# Row elements of a worksheet: ``<row`` not followed by ``Breaks`` (``<rowBreaks>``), counted
# with bytes.count; a namespace-prefixed ``<x:row`` (rare) with a regular expression.
_ROW_PREFIXED = re.compile(rb"<\w{1,20}:row[\s>/]")
# A DDE formula: ``<f>cmd|' /C calc'!A0</f>`` — an application name, ``|``, a topic, ``!``.
_FORMULA = re.compile(rb"<f[\s>][^<]{0,1200}")
_FORMULA_PREFIXED = re.compile(rb"<\w{1,20}:f[\s>][^<]{0,1200}")
_DDE = re.compile(rb">[^<|]*\|[^<]*!")
_CARRY = 2048  # longer than any match above: a match cut by a chunk edge is seen whole
_NESTED_ZIP = (b"PK\x03\x04", b"PK\x05\x06", b"PK\x07\x08")
_CFB = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # an OLE compound file (a .bin, a .doc inside)


def _check_name(name: str) -> None:
    if (
        not name
        or "\x00" in name
        or "\\" in name
        or name.startswith("/")
        or re.match(r"^[A-Za-z]:", name)
        or normpath(name).startswith("..")
        or any(part == ".." for part in name.split("/"))
    ):
        shown = name.replace("\x00", "\\0")[:200]
        raise ArchiveError(
            f"книга містить файл з небезпечною назвою «{shown}» (шлях за межі архіву); "
            "збережіть книгу в Excel заново як .xlsx"
        )


def _refuse_part(name: str, what: str) -> None:
    raise ArchiveError(
        f"книга містить {what} (частина «{name[:200]}»); такі файли не приймаються — "
        "збережіть книгу як звичайну «Книгу Excel (.xlsx)» без макросів і зовнішніх зв'язків"
    )


def inspect_xlsx(data: bytes, limits: XlsxLimits | None = None) -> None:
    """Refuse a hostile or oversized XLSX with :class:`ArchiveError`; return if it is safe."""
    limits = limits or XlsxLimits()
    try:
        archive = zipfile.ZipFile(BytesIO(data))
        infos = archive.infolist()
    except Exception as exc:  # noqa: BLE001 - zipfile parsing untrusted bytes: damaged
        raise ArchiveError("не вдалося відкрити книгу Excel (.xlsx); файл пошкоджено") from exc
    if len(infos) > limits.max_members:
        raise ArchiveError(
            f"у книзі забагато внутрішніх файлів ({len(infos)}; найбільше — "
            f"{limits.max_members}); це не звичайна книга Excel"
        )
    declared = 0
    for info in infos:
        _check_name(info.filename)
        lowered = info.filename.lower()
        for pattern, what in _FORBIDDEN_PARTS:
            if pattern.search(lowered):
                _refuse_part(info.filename, what)
        if lowered.endswith((".zip", ".xlsx", ".xlsm", ".xlsb", ".docx", ".jar")):
            _refuse_part(info.filename, "вкладений архів")
        if info.flag_bits & 0x1:
            raise ArchiveError(
                f"частину «{info.filename[:200]}» книги зашифровано; зніміть пароль і "
                "збережіть книгу заново"
            )
        if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            raise ArchiveError(
                f"частину «{info.filename[:200]}» стиснуто незвичним методом "
                f"({info.compress_type}); збережіть книгу в Excel заново як .xlsx"
            )
        declared += info.file_size
        _check_ratio(info.filename, info.file_size, info.compress_size, limits)
    if declared > limits.max_uncompressed:
        raise _too_big(f"заявлений розмір — {_mb(declared)}", limits)
    names = {info.filename for info in infos}
    if "[Content_Types].xml" not in names:
        raise ArchiveError("не вдалося відкрити книгу Excel (.xlsx); файл пошкоджено")
    total, rows = 0, 0
    for info in infos:
        total, found_rows = _inflate(archive, info, total, limits)
        rows += found_rows
        if rows > limits.max_rows:
            raise ArchiveError(
                f"у книзі понад {limits.max_rows:,} рядків".replace(",", " ")
                + "; розділіть дані на кілька файлів"
            )


def _too_big(how: str, limits: XlsxLimits) -> ArchiveError:
    return ArchiveError(
        f"книга Excel після розпакування завелика ({how}; "
        f"найбільше — {_mb(limits.max_uncompressed)}); розділіть дані на кілька файлів "
        "або надішліть CSV"
    )


def _check_ratio(name: str, size: int, compressed: int, limits: XlsxLimits) -> None:
    if size > limits.ratio_floor and size > limits.max_ratio * max(compressed, 1):
        raise ArchiveError(
            f"частина «{name[:200]}» книги стиснута в {size // max(compressed, 1)} разів "
            f"(найбільше — у {limits.max_ratio}); схоже на «zip-бомбу», файл не прийнято"
        )


def _inflate(
    archive: zipfile.ZipFile, info: zipfile.ZipInfo, total: int, limits: XlsxLimits
) -> tuple[int, int]:
    """Stream one member with a cap; returns the running total and the rows it holds."""
    lowered = info.filename.lower()
    is_sheet = lowered.startswith("xl/worksheets/") and lowered.endswith(".xml")
    is_rels = lowered.endswith(".rels")
    is_types = info.filename == "[Content_Types].xml"
    keep = is_rels or is_types  # small XML read whole (bounded by the cap)
    kept: list[bytes] = []
    rows, size, carry, first = 0, 0, b"", True
    try:
        with archive.open(info) as stream:
            while True:
                chunk = stream.read(CHUNK)
                if not chunk:
                    break
                if first:
                    if chunk.startswith(_NESTED_ZIP):
                        _refuse_part(info.filename, "вкладений архів")
                    if chunk.startswith(_CFB):
                        _refuse_part(info.filename, "вбудований двійковий об'єкт OLE")
                    first = False
                size += len(chunk)
                total += len(chunk)
                if total > limits.max_uncompressed:
                    raise _too_big(f"розпаковано вже понад {_mb(total)}", limits)
                _check_ratio(info.filename, size, info.compress_size, limits)
                if keep:
                    kept.append(chunk)
                if is_sheet:
                    buffer = carry + chunk
                    cut = max(len(buffer) - _CARRY, 0)
                    rows += _scan_sheet(info.filename, buffer, cut)
                    carry = buffer[cut:]
            if is_sheet:
                rows += _scan_sheet(info.filename, carry, len(carry))
    except ArchiveError:
        raise
    except Exception as exc:  # noqa: BLE001 - zlib.error, "Bad CRC-32", EOFError, struct.error
        # (sizes or data that do not match their header, a damaged stream) all land here
        raise ArchiveError(
            f"не вдалося розпакувати частину «{info.filename[:200]}» книги Excel: файл "
            "пошкоджено або його заголовки не відповідають даним"
        ) from exc
    if size != info.file_size:
        raise ArchiveError(
            f"частина «{info.filename[:200]}» книги має інший розмір, ніж заявлено в архіві; "
            "файл пошкоджено або підроблено"
        )
    if keep:
        _check_xml_part(info.filename, b"".join(kept), is_types)
    return total, rows


def _scan_sheet(name: str, buffer: bytes, cut: int) -> int:
    """Rows starting before ``cut`` in a piece of worksheet XML; refuses a DDE formula."""
    rows = buffer.count(b"<row", 0, cut + 3) - buffer.count(b"<rowBreaks", 0, cut + 9)
    if b":row" in buffer:
        rows += sum(1 for m in _ROW_PREFIXED.finditer(buffer) if m.start() < cut)
    if b"|" in buffer:
        formulas = _FORMULA.finditer(buffer)
        if b":f" in buffer:
            formulas = itertools.chain(formulas, _FORMULA_PREFIXED.finditer(buffer))
        if any(_DDE.match(m.group(), m.group().find(b">")) for m in formulas):
            _refuse_part(name, "формули DDE (запуск інших програм)")
    return rows


def _check_xml_part(name: str, text: bytes, is_types: bool) -> None:
    if b"<!DOCTYPE" in text.upper() or b"<!ENTITY" in text.upper():
        _refuse_part(name, "оголошення DTD/сутностей XML")
    if is_types:
        found = _MACRO_CONTENT.search(text)
        if found:
            _refuse_part(name, f"тип вмісту з макросами або зв'язками («{found.group().decode()}»)")
        return
    for element in _RELATIONSHIP.finditer(text):
        attributes = {
            key.lower(): (double if double is not None else single)
            for key, double, single in (
                (m.group(1), m.group(2), m.group(3)) for m in _ATTRIBUTE.finditer(element[1])
            )
        }
        kind = attributes.get(b"type", b"").rsplit(b"/", 1)[-1].lower()
        if _MACRO_CONTENT.search(kind) or kind in (b"attachedtemplate", b"frame", b"control"):
            _refuse_part(name, f"зв'язок типу «{kind.decode(errors='replace')}»")
        external = attributes.get(b"targetmode", b"").lower() == b"external"
        if external and kind != b"hyperlink":
            _refuse_part(
                name, f"зовнішній зв'язок типу «{kind.decode(errors='replace')}» (поза файлом)"
            )
