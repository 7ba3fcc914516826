"""Shared PDF building blocks (reportlab): Cyrillic fonts, the ДСТУ 4163:2020 page, styles.

reportlab's built-in fonts and its bundled Vera have no Cyrillic: Ukrainian text would turn
into black boxes. civic ships Liberation Serif (metric-compatible with Times New Roman, SIL OFL)
in ``civic/fonts`` and registers it as a family so bold and italic are real faces. The
resolver falls back to fonts named by ``CIVIC_PDF_FONT_DIR`` or common system locations, and
fails loudly when none has Cyrillic. Every document starts in the serif (no stray Helvetica),
and is built in reportlab's invariant mode: the same inputs give byte-identical PDFs.
"""

from __future__ import annotations

import functools
import io
import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_JUSTIFY, TA_LEFT, TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import cm, mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    KeepTogether,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

FAMILY = "CivicSerif"
SHIPPED_FONTS = Path(__file__).resolve().parent / "fonts"
FACES = {
    "regular": ("LiberationSerif-Regular.ttf", "DejaVuSerif.ttf"),
    "bold": ("LiberationSerif-Bold.ttf", "DejaVuSerif-Bold.ttf"),
    "italic": ("LiberationSerif-Italic.ttf", "DejaVuSerif-Italic.ttf"),
    "bolditalic": ("LiberationSerif-BoldItalic.ttf", "DejaVuSerif-BoldItalic.ttf"),
}
SYSTEM_FONT_DIRS = (
    "/usr/share/fonts/truetype/liberation2",
    "/usr/share/fonts/truetype/liberation",
    "/usr/share/fonts/truetype/dejavu",
)
CYRILLIC_PROBE = "АБВҐЄІЇабвґєіїʼ№"


class FontNotFound(RuntimeError):
    """No TrueType font with Cyrillic was found for PDF output."""


def _font_dirs() -> list[Path]:
    dirs = [SHIPPED_FONTS]
    if os.environ.get("CIVIC_PDF_FONT_DIR"):
        dirs.insert(0, Path(os.environ["CIVIC_PDF_FONT_DIR"]))
    dirs.extend(Path(d) for d in SYSTEM_FONT_DIRS)
    return dirs


def _has_cyrillic(font: TTFont) -> bool:
    mapping = font.face.charToGlyph
    return all(ord(ch) in mapping for ch in CYRILLIC_PROBE)


def _find_face(names: Sequence[str]) -> Path | None:
    for folder in _font_dirs():
        for name in names:
            path = folder / name
            if path.is_file():
                return path
    return None


@functools.cache
def register_fonts() -> str:
    """Register the serif family once; returns its name. Raises FontNotFound loudly."""
    registered = {}
    for face, names in FACES.items():
        path = _find_face(names)
        if path is None:
            if face == "regular":
                raise FontNotFound(
                    "no TrueType serif with Cyrillic found for PDF output; looked for "
                    f"{', '.join(names)} in {', '.join(map(str, _font_dirs()))}"
                )
            continue
        font = TTFont(f"{FAMILY}-{face}", str(path))
        if not _has_cyrillic(font):
            raise FontNotFound(f"{path} lacks Cyrillic glyphs needed for Ukrainian text")
        pdfmetrics.registerFont(font)
        registered[face] = font.fontName
    regular = registered["regular"]
    pdfmetrics.registerFontFamily(
        FAMILY,
        normal=regular,
        bold=registered.get("bold", regular),
        italic=registered.get("italic", regular),
        boldItalic=registered.get("bolditalic", registered.get("bold", regular)),
    )
    return FAMILY


def font(face: str = "regular") -> str:
    register_fonts()
    name = f"{FAMILY}-{face}"
    return name if name in pdfmetrics.getRegisteredFontNames() else f"{FAMILY}-regular"


@dataclass(frozen=True)
class Styles:
    body: ParagraphStyle
    body_left: ParagraphStyle
    title: ParagraphStyle
    heading: ParagraphStyle
    small: ParagraphStyle
    cell: ParagraphStyle
    cell_num: ParagraphStyle
    cell_head: ParagraphStyle
    right: ParagraphStyle


@functools.cache
def styles(size: float = 14) -> Styles:
    """ДСТУ 4163:2020 look: serif 14 pt, justified, 1.25 cm first-line indent."""
    register_fonts()
    regular, bold = font("regular"), font("bold")
    leading = size * 1.2
    body = ParagraphStyle(
        "body",
        fontName=regular,
        fontSize=size,
        leading=leading,
        alignment=TA_JUSTIFY,
        firstLineIndent=1.25 * cm,
        spaceAfter=0,
        bulletFontName=regular,
    )
    small_size = max(size - 3, 9)
    cell = ParagraphStyle(
        "cell_base", fontName=regular, fontSize=10, leading=12, bulletFontName=regular
    )
    # The styles below the body start flush left, with no first-line indent.
    left = ParagraphStyle("body_left", parent=body, alignment=TA_LEFT, firstLineIndent=0)
    return Styles(
        body=body,
        body_left=left,
        title=ParagraphStyle(
            "title", parent=left, fontName=bold, alignment=TA_CENTER, spaceAfter=size * 0.8
        ),
        heading=ParagraphStyle(
            "heading", parent=left, fontName=bold, spaceBefore=size * 0.6, spaceAfter=size * 0.3
        ),
        small=ParagraphStyle("small", parent=left, fontSize=small_size, leading=small_size * 1.2),
        cell=ParagraphStyle("cell", parent=cell, alignment=TA_LEFT),
        cell_num=ParagraphStyle("cell_num", parent=cell, alignment=TA_RIGHT),
        cell_head=ParagraphStyle("cell_head", parent=cell, fontName=bold, alignment=TA_CENTER),
        right=ParagraphStyle("right", parent=left, alignment=TA_RIGHT),
    )


def escape(text: str) -> str:
    """Escape text for a reportlab Paragraph (its mini-markup uses <, > and &)."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def paragraph(text: str, style: ParagraphStyle | None = None) -> Paragraph:
    return Paragraph(escape(text), style or styles().body)


def table(
    rows: Sequence[Sequence[object]],
    col_widths: Sequence[float] | None = None,
    *,
    numeric_columns: Iterable[int] = (),
    header_rows: int = 1,
) -> Table:
    """A ruled table; text cells wrap, numeric columns are right-aligned."""
    st = styles()
    numeric = set(numeric_columns)
    data = []
    for r, row in enumerate(rows):
        cells = []
        for c, value in enumerate(row):
            if isinstance(value, Paragraph | Table):
                cells.append(value)
                continue
            style = st.cell_head if r < header_rows else (st.cell_num if c in numeric else st.cell)
            cells.append(Paragraph(escape("" if value is None else str(value)), style))
        data.append(cells)
    t = Table(data, colWidths=col_widths, repeatRows=header_rows)
    t.setStyle(
        TableStyle(
            [
                ("FONTNAME", (0, 0), (-1, -1), font("regular")),
                ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("BACKGROUND", (0, 0), (-1, header_rows - 1), colors.HexColor("#eeeeee"))
                if header_rows
                else ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LEFTPADDING", (0, 0), (-1, -1), 3),
                ("RIGHTPADDING", (0, 0), (-1, -1), 3),
            ]
        )
    )
    return t


def signature_block(
    position: str, name: str, *, width: float | None = None, split: float = 0.6
) -> Table:
    """Position on the left, the name on the right, as ДСТУ 4163:2020 lays out a signature."""
    st = styles()
    width = width or (A4[0] - 4 * cm)
    t = Table(
        [[Paragraph(escape(position), st.body_left), Paragraph(escape(name), st.right)]],
        colWidths=[width * split, width * (1 - split)],
    )
    t.setStyle(
        TableStyle(
            [
                # Table cells start in the table's font even when they hold Paragraphs.
                ("FONTNAME", (0, 0), (-1, -1), font("regular")),
                ("VALIGN", (0, 0), (-1, -1), "BOTTOM"),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("RIGHTPADDING", (0, 0), (-1, -1), 0),
            ]
        )
    )
    return t


def keep_with_signature(last_paragraph, signature, gap: float = 1.5 * cm) -> KeepTogether:
    """Keep the signature on the same page as the paragraph before it."""
    return KeepTogether([last_paragraph, Spacer(1, gap), signature])


def _page_number(canvas: Canvas, doc) -> None:
    # ДСТУ 4163:2020: numbers from the second page, centred in the top margin.
    if doc.page < 2:
        return
    canvas.saveState()
    canvas.setFont(font("regular"), 12)
    canvas.drawCentredString(
        doc.leftMargin + doc.width / 2, A4[1] - doc.topMargin / 2, str(doc.page)
    )
    canvas.restoreState()


def build_pdf(
    story: list,
    *,
    title: str,
    author: str,
    subject: str = "",
    keywords: Sequence[str] = (),
    creator: str = "civic",
) -> bytes:
    """Render a story on A4 with ДСТУ margins (left 30, right 10, top/bottom 20 mm).

    Byte-identical for the same story: invariant mode fixes the dates and the document id.
    """
    register_fonts()
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=30 * mm,
        rightMargin=10 * mm,
        topMargin=20 * mm,
        bottomMargin=20 * mm,
        title=title,
        author=author,
        subject=subject,
        keywords=list(keywords),
        creator=creator,
        producer="civic (reportlab)",
        lang="uk-UA",
        invariant=1,
        # The canvas would otherwise start in Helvetica and list it, unembedded, on every page.
        initialFontName=font("regular"),
        initialFontSize=14,
    )
    doc.build(story, onFirstPage=_page_number, onLaterPages=_page_number)
    return buffer.getvalue()
