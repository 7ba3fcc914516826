"""The amendments timeline of an enterprise's financial plans, for its public page (a template
global, so the page includes it with one line)."""

from __future__ import annotations

from civic.enterprises import plan_versions
from civic.enterprises.plan_title import STATUSES, period_phrase
from civic.enterprises.views import bp


@bp.app_template_global("plan_timeline")
def plan_timeline(enterprise):
    """``{year: [(upload, entry), …]}`` (GET only reads)."""
    return plan_versions.plan_timeline(enterprise)


@bp.app_template_global("plan_status_label")
def plan_status_label(upload) -> str:
    if upload.report_period:
        return f"звіт про виконання {period_phrase(upload.report_period, upload.year)}"
    return STATUSES.get(upload.plan_status, "без позначки статусу")
