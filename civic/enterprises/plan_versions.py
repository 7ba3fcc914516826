"""Operations on a year's financial plan versions and execution reports (they flush; the
caller commits). The rules of which version is in force are in :mod:`plan_timeline`."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import delete, select

from civic import kyiv
from civic.enterprises.models import Enterprise, Fact, PlanFigure, Upload
from civic.enterprises.plan_timeline import (
    TimelineEntry,
    Version,
    build_timeline,
    sources_in_force,
)
from civic.enterprises.statements import ERROR, Message
from civic.extensions import db

PLAN = "plan"


def _version(upload: Upload) -> Version:
    return Version(
        upload.id,
        upload.plan_status,
        upload.report_period,
        upload.approved_on,
        kyiv.local(upload.uploaded_at).date(),
        upload.uploaded_at,
    )


def _row(cell: str) -> int | None:
    digits = "".join(ch for ch in cell if ch.isdigit())
    return int(digits) if digits else None


def identity_errors(result, enterprise: Enterprise, year: int) -> list[Message]:
    """The codes table's ЄДРПОУ and year («за ЄДРПОУ | 12345678», «Рік | 2025») against the
    enterprise and year the file is uploaded for."""
    title, errors = result.title, []
    already = " ".join(m.text for m in result.errors)
    if title.edrpou and title.edrpou != enterprise.edrpou and title.edrpou not in already:
        other = db.session.scalar(select(Enterprise).where(Enterprise.edrpou == title.edrpou))
        whose = f" ({other.display_name})" if other else ""
        errors.append(
            Message(
                ERROR,
                f"клітинка {title.edrpou_cell}: у файлі код ЄДРПОУ {title.edrpou}{whose}, а файл "
                f"завантажується для {enterprise.display_name} ({enterprise.edrpou}); це файл "
                "іншого підприємства",
                _row(title.edrpou_cell),
            )
        )
    if title.year and title.year != year:
        errors.append(
            Message(
                ERROR,
                f"клітинка {title.year_cell}: у файлі зазначено {title.year} рік, а обрано {year}; "
                "перевірте рік плану",
                _row(title.year_cell),
            )
        )
    return errors


def keep_version(upload: Upload, result, status: str) -> Upload | None:
    """Record ``upload`` as a version (its status, approval and every figure), then lay the
    figures in force again. → the upload whose figures it displaced, if any."""
    title = result.title
    upload.plan_status = status
    upload.report_period = result.period
    upload.approved_on = title.approved_on
    upload.decision = title.decision
    upload.approved_by = title.approved_by
    db.session.add_all(
        PlanFigure(
            upload_id=upload.id,
            code=f.code,
            kind=f.kind,
            value=f.value,
            title=f.title[:400],
        )
        for f in result.facts
    )
    db.session.flush()
    before = {
        u.report_period: u
        for u in _uploads(upload.enterprise_id, upload.year)
        if u.is_current and u.id != upload.id
    }
    compose_plan_facts(upload.enterprise_id, upload.year)
    displaced = before.get(upload.report_period)
    return displaced if displaced is not None and not displaced.is_current else None


def _uploads(enterprise_id: int, year: int) -> list[Upload]:
    return list(
        db.session.scalars(
            select(Upload).where(
                Upload.enterprise_id == enterprise_id,
                Upload.year == year,
                Upload.form == PLAN,
                Upload.withdrawn_at.is_(None),
            )
        )
    )


def compose_plan_facts(enterprise_id: int, year: int) -> None:
    """Rewrite the year's plan facts from the versions in force (:func:`sources_in_force`),
    and mark exactly those uploads current."""
    uploads = _uploads(enterprise_id, year)
    by_id = {u.id: u for u in uploads}
    sources = sources_in_force([_version(u) for u in uploads])
    in_force = {v.id for v in sources}
    for upload in uploads:
        upload.is_current = upload.id in in_force
    db.session.execute(
        delete(Fact).where(
            Fact.enterprise_id == enterprise_id, Fact.year == year, Fact.form == PLAN
        )
    )
    figures = _figures([v.id for v in sources])
    values: dict[tuple[str, str], tuple[PlanFigure, Upload]] = {}
    for version in sources:
        for figure in figures.get(version.id, []):
            values[figure.code, figure.kind] = (figure, by_id[version.id])
    db.session.add_all(Fact.of(figure, upload, upload.unit) for figure, upload in values.values())
    db.session.flush()


def _figures(upload_ids: list[int]) -> dict[int, list[PlanFigure]]:
    found: dict[int, list[PlanFigure]] = {}
    if not upload_ids:
        return found
    rows = db.session.scalars(
        select(PlanFigure).where(PlanFigure.upload_id.in_(upload_ids)).order_by(PlanFigure.id)
    )
    for figure in rows:
        found.setdefault(figure.upload_id, []).append(figure)
    return found


def plan_timeline(enterprise: Enterprise) -> dict[int, list[tuple[Upload, TimelineEntry]]]:
    """``{year: [(upload, entry), …]}`` of the enterprise's plan versions, newest year first."""
    uploads = list(
        db.session.scalars(
            select(Upload).where(
                Upload.enterprise_id == enterprise.id,
                Upload.form == PLAN,
                Upload.withdrawn_at.is_(None),
                Upload.report_period == "",
            )
        )
    )
    figures = {
        upload_id: {(f.code, f.kind): f.value for f in items if f.kind == "plan_year"}
        for upload_id, items in _figures([u.id for u in uploads]).items()
    }
    by_id = {u.id: u for u in uploads}
    years: dict[int, list[tuple[Upload, TimelineEntry]]] = {}
    for year in sorted({u.year for u in uploads}, reverse=True):
        versions = [_version(u) for u in uploads if u.year == year]
        years[year] = [(by_id[e.version.id], e) for e in build_timeline(versions, figures)]
    return years


def plan_figures(upload: Upload) -> dict[tuple[str, str], Decimal]:
    """Every figure a kept version holds (for the staff's view of one upload)."""
    return {(f.code, f.kind): f.value for f in _figures([upload.id]).get(upload.id, [])}
