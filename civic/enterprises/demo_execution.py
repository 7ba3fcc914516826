"""Demo: two enterprises' 2019 financial plans with four quarters of execution (SYNTHETIC).

КП «Ніжинське УВКГ» keeps close to its plan; КП «КК «Північна»» earns about a fifth less than
planned, beyond the monthly report's default share (``ENTERPRISE_PLAN_DEVIATION_SHARE``, 10 %),
so the November 2020 report names it. Both full-year reports arrive in November 2020, with the
2019 statements, and go through the same import service as a staff upload.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from civic.enterprises import services
from civic.enterprises.demo import PLAN_LINES, plan_xlsx
from civic.enterprises.models import Upload
from civic.extensions import db

YEAR = 2019
# edrpou → (revenue plan, revenue fact, cost plan, cost fact) by quarter, тис. грн.
QUARTERS = {
    "99001016": (
        ("14000", "14500", "14500", "15000"),
        ("13650.4", "14980.2", "14120.7", "15310.9"),
        ("12900", "13300", "13300", "13800"),
        ("12710.3", "13520.8", "13105.2", "14020.6"),
    ),
    "99001022": (
        ("2100", "2200", "2200", "2300"),
        ("1790.5", "1804.2", "1850.0", "1799.3"),
        ("1980", "2050", "2050", "2120"),
        ("1901.2", "1978.4", "2003.9", "2050.1"),
    ),
}
NET_SHARE = Decimal("0.55")  # net result as a share of the gross result (after tax and overheads)
TENTH = Decimal("0.1")


def _kinds(plan: list[Decimal], fact: list[Decimal]) -> dict[str, Decimal]:
    kinds: dict[str, Decimal] = {}
    for measure, values in (("plan", plan), ("fact", fact)):
        for q, value in enumerate(values, 1):
            kinds[f"{measure}_q{q}"] = value
        kinds[f"{measure}_year"] = sum(values, Decimal(0))
    for period in ("q1", "q2", "q3", "q4", "year"):
        p, f = kinds[f"plan_{period}"], kinds[f"fact_{period}"]
        kinds[f"deviation_{period}"] = f - p
        if p:
            kinds[f"percent_{period}"] = (f / p * 100).quantize(TENTH)
    kinds["prev_fact_year"] = (kinds["fact_year"] * Decimal("0.96")).quantize(TENTH)
    return kinds


def execution_lines(edrpou: str) -> dict[str, tuple[str, dict[str, Decimal]]]:
    """The plan lines of one demo enterprise's 2019 report: {code: (title, {kind: value})}."""
    revenue_plan, revenue_fact, cost_plan, cost_fact = (
        [Decimal(v) for v in values] for values in QUARTERS[edrpou]
    )
    gross_plan = [r - c for r, c in zip(revenue_plan, cost_plan, strict=True)]
    gross_fact = [r - c for r, c in zip(revenue_fact, cost_fact, strict=True)]
    values = {
        "1000": (revenue_plan, revenue_fact),
        "1010": (cost_plan, cost_fact),
        "1020": (gross_plan, gross_fact),
        "1170": (
            [(g * NET_SHARE).quantize(TENTH) for g in gross_plan],
            [(g * NET_SHARE).quantize(TENTH) for g in gross_fact],
        ),
    }
    return {code: (title, _kinds(*values[code])) for code, title, _ in PLAN_LINES}


def load_execution_demo(echo) -> None:
    """Upload the two 2019 reports once (a second run finds them and adds nothing)."""
    added = 0
    for number, edrpou in enumerate(QUARTERS):
        enterprise = services.get_enterprise(edrpou)
        if enterprise is None or not enterprise.is_demo:
            continue
        exists = db.session.scalar(
            db.select(Upload.id).where(
                Upload.enterprise_id == enterprise.id, Upload.year == YEAR, Upload.form == "plan"
            )
        )
        if exists:
            continue
        services.import_plan(
            plan_xlsx(execution_lines(edrpou), enterprise=enterprise.name, year=YEAR),
            f"{edrpou}_plan_{YEAR}.xlsx",
            edrpou=edrpou,
            year=YEAR,
            now=dt.datetime(2020, 11, 26 + number, 11, 0, tzinfo=dt.UTC),
        )
        added += 1
    if added:
        echo(
            f"Комунальні підприємства: звіти про виконання фінансових планів {YEAR} року — {added}"
        )
