"""Shared PDF pieces: Cyrillic fonts embedded, no Helvetica, byte-identical output."""

import io

import pytest
from pypdf import PdfReader

from civic import pdf

TEXT = "Ґанок, Євген, Їжак, ім'я — ʼ № 316 новин"


def _story(paragraphs: int = 40):
    st = pdf.styles()
    story = [pdf.paragraph("Звіт про роботу відділу", st.title)]
    story += [pdf.paragraph(f"{TEXT}. " * 4) for _ in range(paragraphs)]
    story.append(
        pdf.table([["Код", "Назва", "Голоси"], ["P1", "Сквер <b>", "214"]], numeric_columns=[2])
    )
    story.append(
        pdf.keep_with_signature(
            pdf.paragraph("Останній абзац."),
            pdf.signature_block("Т.в.о. начальника відділу", "О.О.Гук"),
        )
    )
    return story


def _fonts(reader: PdfReader) -> set[tuple[str, bool]]:
    found = set()
    for page in reader.pages:
        for ref in page["/Resources"]["/Font"].values():
            f = ref.get_object()
            embedded = "/DescendantFonts" in f or "/FontFile2" in f.get("/FontDescriptor", {})
            found.add((str(f["/BaseFont"]), embedded))
    return found


def test_text_is_extractable_ukrainian_without_boxes():
    data = pdf.build_pdf(_story(), title="Звіт", author="Відділ")
    reader = PdfReader(io.BytesIO(data))
    text = "".join(page.extract_text() for page in reader.pages)
    assert "Ґанок, Євген, Їжак" in text and "№ 316" in text and "О.О.Гук" in text
    assert "■" not in text
    assert "Сквер <b>" in text  # markup characters are escaped, not interpreted


def test_every_font_embedded_and_no_helvetica():
    reader = PdfReader(io.BytesIO(pdf.build_pdf(_story(), title="Звіт", author="Відділ")))
    fonts = _fonts(reader)
    assert fonts and all(embedded for _, embedded in fonts)
    assert not any("Helvetica" in name for name, _ in fonts)


def test_byte_identical_for_same_input():
    assert pdf.build_pdf(_story(), title="Звіт", author="В") == pdf.build_pdf(
        _story(), title="Звіт", author="В"
    )


def test_metadata_in_ukrainian():
    data = pdf.build_pdf(
        _story(3),
        title="Протокол лічильної комісії",
        author="Ніжинська міська рада",
        subject="Громадський бюджет",
    )
    meta = PdfReader(io.BytesIO(data)).metadata
    assert meta.title == "Протокол лічильної комісії"
    assert meta.author == "Ніжинська міська рада"


def test_page_numbers_from_page_two():
    reader = PdfReader(io.BytesIO(pdf.build_pdf(_story(80), title="Т", author="А")))
    assert len(reader.pages) >= 3
    first = reader.pages[0].extract_text().splitlines()
    second = reader.pages[1].extract_text().splitlines()
    assert "1" not in first[:1]
    assert "2" in [line.strip() for line in second[:2]]


def test_missing_font_fails_loudly(monkeypatch, tmp_path):
    monkeypatch.setattr(pdf, "SHIPPED_FONTS", tmp_path)
    monkeypatch.setattr(pdf, "SYSTEM_FONT_DIRS", ())
    monkeypatch.delenv("CIVIC_PDF_FONT_DIR", raising=False)
    pdf.register_fonts.cache_clear()
    try:
        with pytest.raises(pdf.FontNotFound, match="Cyrillic"):
            pdf.register_fonts()
    finally:
        monkeypatch.undo()
        pdf.register_fonts.cache_clear()
        pdf.register_fonts()
