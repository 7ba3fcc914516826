"""The report's PDF: Ukrainian text extractable, fonts embedded, byte-identical, ДСТУ look."""

import io

from pypdf import PdfReader

from civic.reports import demo_data
from civic.reports.defaults import default_settings
from civic.reports.monthly import (
    JournalItem,
    ModuleStats,
    ReportParagraph,
    build_monthly_report,
)
from civic.reports.rendering import render_report_pdf

AUTHOR = "Відділ інформаційно-аналітичної роботи"


def _report(extra_paragraphs=16):
    import datetime as dt

    entries = [JournalItem(*row) for row in demo_data.NOVEMBER_2020]
    entries.append(JournalItem(dt.date(2020, 11, 5), "other", "Ґудзик, Євгенія, Їжакевич — ʼ № 7."))
    report = build_monthly_report(
        dt.date(2020, 11, 1),
        entries,
        ModuleStats(),
        default_settings(signer_position=demo_data.SIGNER_POSITION, signer_name="О.О.Гук"),
    )
    if extra_paragraphs:
        more = tuple(
            ReportParagraph(f"x{i}", "Додатковий абзац для перевірки розриву сторінок. " * 6)
            for i in range(extra_paragraphs)
        ) + (ReportParagraph("last", "Останній абзац звіту перед підписом."),)
        report = type(report)(**{**report.__dict__, "paragraphs": report.paragraphs + more})
    return report


def _text(data: bytes) -> list[str]:
    return [page.extract_text() for page in PdfReader(io.BytesIO(data)).pages]


def test_pdf_has_the_ukrainian_sentences_without_boxes():
    pages = _text(render_report_pdf(_report(), author=AUTHOR))
    text = " ".join(" ".join(pages).split())
    for phrase in ("316 новин", "125 нормативних актів", "Ґудзик, Євгенія, Їжакевич", "ʼ", "№ 7"):
        assert phrase in text
    assert "■" not in text
    assert "О.О.Гук" in pages[-1] and "Т.в.о. начальника відділу" in pages[-1]


def test_every_font_embedded_no_helvetica_and_metadata():
    data = render_report_pdf(_report(), author=AUTHOR)
    reader = PdfReader(io.BytesIO(data))
    names = set()
    for page in reader.pages:
        for ref in page["/Resources"]["/Font"].values():
            font = ref.get_object()
            names.add(str(font["/BaseFont"]))
            descriptor = font.get("/FontDescriptor") or font["/DescendantFonts"][
                0
            ].get_object().get("/FontDescriptor", {})
            assert "/DescendantFonts" in font or "/FontFile2" in descriptor
    assert names and not any("Helvetica" in n for n in names)
    assert reader.metadata.title.startswith("Звіт про роботу відділу")
    assert reader.metadata.author == AUTHOR
    assert reader.metadata.subject == "Щомісячний звіт про роботу відділу за листопад 2020 року"
    assert reader.pages[0].mediabox.width == 595.2756  # A4


def test_two_runs_are_byte_identical():
    assert render_report_pdf(_report(), author=AUTHOR) == render_report_pdf(
        _report(), author=AUTHOR
    )


def test_signature_stays_with_the_last_paragraph_on_later_pages():
    pages = _text(render_report_pdf(_report(extra_paragraphs=16), author=AUTHOR))
    assert len(pages) >= 2
    assert "О.О.Гук" in pages[-1] and "Останній абзац звіту" in pages[-1]
    assert pages[1].splitlines()[0].strip() == "2"  # page numbers from page two
    assert not pages[0].splitlines()[0].strip().isdigit()
