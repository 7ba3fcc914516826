"""The month's report: built from the journal, the modules and the template; stored as numbered
draft versions, edited, finalised with its PDF and SHA-256.

Services flush; the view or CLI command commits once.
"""

from __future__ import annotations

import datetime as dt
import hashlib

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError

from civic.audit.services import record_event
from civic.database import utcnow
from civic.extensions import db
from civic.reports import monthly
from civic.reports.journal import journal_items
from civic.reports.models import ReportVersion
from civic.reports.module_stats import gather_module_stats
from civic.reports.services import ReportError, flush_or_refuse, report_settings, setting

_EDITED_MEANWHILE = (
    "Цю чернетку тим часом змінив інший користувач. Перевірте її та внесіть зміни ще раз."
)


def build_report(month: dt.date) -> monthly.MonthlyReport:
    """The month's report from the journal, the modules and the template (nothing stored)."""
    return monthly.build_monthly_report(
        month, journal_items(month), gather_module_stats(month), report_settings()
    )


def report_author() -> str:
    return setting("DEPARTMENT_NAME", "Відділ")


def render_pdf(report: monthly.MonthlyReport) -> bytes:
    # reportlab (and PIL beneath it) is imported when a PDF is made, not with the app.
    from civic.reports.rendering import render_report_pdf

    return render_report_pdf(report, author=report_author())


def list_versions(month: dt.date | None = None) -> list[ReportVersion]:
    query = select(ReportVersion).order_by(
        ReportVersion.month_on.desc(), ReportVersion.number.desc()
    )
    if month is not None:
        query = query.where(ReportVersion.month_on == month.replace(day=1))
    return list(db.session.scalars(query))


def latest_version(month: dt.date) -> ReportVersion | None:
    versions = list_versions(month)
    return versions[0] if versions else None


def generate_draft(month: dt.date, *, actor=None) -> ReportVersion:
    """A new draft version of the month's report from current data (regenerating adds one)."""
    month = month.replace(day=1)
    report = build_report(month)
    number = (
        db.session.scalar(
            select(func.max(ReportVersion.number)).where(ReportVersion.month_on == month)
        )
        or 0
    ) + 1
    version = ReportVersion(
        month_on=month,
        number=number,
        status="draft",
        content=report.to_dict(),
        created_by_id=getattr(actor, "id", None),
    )
    db.session.add(version)
    flush_or_refuse(
        IntegrityError, "Інший користувач щойно створив версію цього звіту; оновіть сторінку."
    )
    record_event(
        "report.draft_generated",
        object_type="report_version",
        object_id=version.id,
        details={"month": f"{month:%Y-%m}", "number": number},
        actor=actor,
    )
    return version


def version_report(version: ReportVersion) -> monthly.MonthlyReport:
    return monthly.MonthlyReport.from_dict(version.content)


def update_draft(
    version: ReportVersion,
    *,
    texts: list[str],
    title: str,
    signer_position: str,
    signer_name: str,
    expected_version: int | None = None,
    added: list[str] | None = None,
    order: list[int] | None = None,
    actor=None,
) -> ReportVersion:
    if version.is_final:
        raise ReportError("Затверджений звіт змінювати не можна; створіть нову версію.")
    stored = version_report(version)
    if len(texts) != len(stored.paragraphs):
        raise ReportError("Форма не відповідає чернетці; оновіть сторінку.")
    if expected_version is not None and expected_version != version.version_id:
        raise ReportError(_EDITED_MEANWHILE)
    report = stored.with_edits(
        texts,
        title=title,
        signer_position=signer_position,
        signer_name=signer_name,
        added=added or (),
        order=order,
    )
    if not report.title:
        raise ReportError("Заголовок звіту не може бути порожнім.")
    version.content = report.to_dict()
    version.updated_at = utcnow()
    flush_or_refuse(StaleDataError, _EDITED_MEANWHILE)
    record_event(
        "report.draft_edited",
        object_type="report_version",
        object_id=version.id,
        details={"paragraphs": len(report.paragraphs)},
        actor=actor,
    )
    return version


def finalise(
    version: ReportVersion,
    *,
    actor=None,
    actor_name: str = "",
    expected_version: int | None = None,
) -> ReportVersion:
    """Render the PDF and store it with its SHA-256, who and when; the version never changes.

    ``actor_name`` names who finalised it when there is no ``actor`` (a CLI run)."""
    if version.is_final:
        raise ReportError("Цю версію вже затверджено.")
    if expected_version is not None and expected_version != version.version_id:
        raise ReportError(
            "Цю чернетку тим часом змінив інший користувач. Перевірте її перед затвердженням."
        )
    data = render_pdf(version_report(version))
    version.pdf = data
    version.pdf_sha256 = hashlib.sha256(data).hexdigest()
    version.status = "final"
    version.finalised_at = utcnow()
    version.finalised_by_id = getattr(actor, "id", None)
    version.finalised_by_name = actor_name or (
        getattr(actor, "full_name", None) or getattr(actor, "login", None)
    )
    flush_or_refuse(StaleDataError, "Цю чернетку тим часом змінив інший користувач.")
    record_event(
        "report.finalised",
        object_type="report_version",
        object_id=version.id,
        details={
            "month": f"{version.month_on:%Y-%m}",
            "number": version.number,
            "sha256": version.pdf_sha256,
        },
        actor=actor,
    )
    return version
