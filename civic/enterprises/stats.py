"""Figures of the enterprises module for the department's monthly report."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from flask import current_app
from sqlalchemy import select
from sqlalchemy.orm import defer

from civic import kyiv
from civic.enterprises import plan_fact
from civic.enterprises.models import Enterprise, PlanFigure, Upload
from civic.enterprises.plans import parse_plan, split_kind
from civic.extensions import db


def monthly_statistics(first_day: dt.date, last_day: dt.date) -> dict:
    """Uploads (statements and plans) made from ``first_day`` to ``last_day`` inclusive, Kyiv time.

    → ``{"uploads": int, "enterprises_updated": int, "enterprise_names": [str, ...],
    "plans": int, "execution_reports": int, "deviation_share": Decimal, "deviations": [...]}``;
    names are full names, sorted, each once. ``plans`` and ``execution_reports`` count the plan
    files received (a file with a «Факт» figure is an execution report); ``deviations`` lists,
    per enterprise and year, the money indicators whose execution to date in the latest report
    received strays from the plan by more than ``ENTERPRISE_PLAN_DEVIATION_SHARE``:
    ``{"name", "year", "quarter", "indicators": [(title, percent), ...]}``.
    """
    start, end = kyiv.period_bounds(first_day, last_day)
    rows = db.session.execute(
        select(Upload, Enterprise.id, Enterprise.name)
        .options(defer(Upload.content))  # read only for an upload without kept figures
        .join(Enterprise, Upload.enterprise_id == Enterprise.id)
        .where(Upload.uploaded_at >= start, Upload.uploaded_at < end)
        .order_by(Upload.uploaded_at, Upload.id)
    ).all()
    names = {enterprise_id: name for _, enterprise_id, name in rows}
    share = Decimal(str(current_app.config.get("ENTERPRISE_PLAN_DEVIATION_SHARE", 0.1)))
    plans = reports = 0
    latest: dict[tuple[int, int], tuple[str, Upload, dict]] = {}
    kept = _kept_figures([u.id for u, _, _ in rows if u.form == "plan" and u.withdrawn_at is None])
    for upload, enterprise_id, name in rows:
        if upload.form != "plan" or upload.withdrawn_at is not None:
            continue
        figures = kept.get(upload.id) or _plan_figures(upload)
        has_fact = any(split_kind(k)[0] == "fact" for kinds in figures.values() for k in kinds)
        reports += has_fact
        plans += not has_fact
        if has_fact:
            latest[enterprise_id, upload.year] = (name, upload, figures)
    deviations = []
    for name, upload, figures in sorted(latest.values(), key=lambda v: (v[0], v[1].year)):
        items = plan_fact.build_plan_fact(figures, plan_fact.codes_for(upload.edition))
        found = plan_fact.deviations(items, share)
        if found:
            deviations.append(
                {
                    "name": name,
                    "year": upload.year,
                    "quarter": max(d.quarter for d in found),
                    "indicators": [(d.indicator.title, d.percent) for d in found],
                }
            )
    return {
        "uploads": len(rows),
        "enterprises_updated": len(names),
        "enterprise_names": sorted(names.values()),
        "plans": plans,
        "execution_reports": reports,
        "deviation_share": share,
        "deviations": deviations,
    }


def _kept_figures(upload_ids: list[int]) -> dict[int, dict[str, dict[str, Decimal]]]:
    """``{upload id: {code: {kind: value}}}`` of the figures each plan version kept as it was
    received (``enterprise_plan_figures``, since migration 0020): one query for the month
    instead of reading every kept file again."""
    found: dict[int, dict[str, dict[str, Decimal]]] = {}
    for chunk in (upload_ids[i : i + 500] for i in range(0, len(upload_ids), 500)):
        for upload_id, code, kind, value in db.session.execute(
            select(PlanFigure.upload_id, PlanFigure.code, PlanFigure.kind, PlanFigure.value).where(
                PlanFigure.upload_id.in_(chunk)
            )
        ):
            found.setdefault(upload_id, {}).setdefault(code, {})[kind] = value
    return found


def _plan_figures(upload: Upload) -> dict[str, dict[str, Decimal]]:
    """The figures of the file as it was received, read from the kept file: only for an upload
    made before its figures were kept (migration 0020 kept the figures then in force only)."""
    figures: dict[str, dict[str, Decimal]] = {}
    for fact in parse_plan(upload.content, upload.filename).facts:
        figures.setdefault(fact.code, {})[fact.kind] = fact.value
    return figures
