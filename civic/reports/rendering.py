"""The monthly report as an official PDF (ДСТУ 4163:2020 look) with the shared ``civic.pdf``."""

from __future__ import annotations

from reportlab.lib.units import cm
from reportlab.platypus import Spacer

from civic import pdf
from civic.formatting import uk_month
from civic.kyiv import parse_month
from civic.reports.monthly import MonthlyReport


def render_report_pdf(report: MonthlyReport, *, author: str) -> bytes:
    """A4, 14 pt serif, justified paragraphs with a first-line indent, a centred title, page
    numbers from page 2 and the signature kept with the last paragraph. Byte-identical for the
    same report and author."""
    st = pdf.styles()
    story: list = [pdf.paragraph(report.title, st.title), Spacer(1, 0.2 * cm)]
    body = [pdf.paragraph(p.text, st.body) for p in report.paragraphs]
    signature = pdf.signature_block(report.signer_position, report.signer_name)
    if body:
        story.extend(body[:-1])
        story.append(pdf.keep_with_signature(body[-1], signature))
    else:
        story.append(signature)
    return pdf.build_pdf(
        story,
        title=report.title,
        author=author,
        subject=f"Щомісячний звіт про роботу відділу за {uk_month(parse_month(report.month))} року",
        keywords=("звіт про роботу відділу", uk_month(parse_month(report.month)), report.month),
    )
