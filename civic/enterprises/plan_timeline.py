"""Which version of a year's financial plan is in force, and the amendments timeline (pure).

A council approves an enterprise's plan for a year, then may refine it («Уточнений») or amend it
(«Зміни») by later decisions; a draft («Проєкт») may be published before any of them. Every
uploaded version is kept. The version **in force** is the newest approved, refined or amended
one — newest by its decision date, or by the day it was uploaded when the file names no
decision. A «Проєкт» never replaces the figures in force: it only appears in the timeline.

An execution report is kept per period (I квартал, I півріччя, 9 місяців, рік): a newer report
for the same period replaces the older one; a report for another period leaves it in place. The
figures in force for a year are the plan in force, then each period's report over it (a report
states the plan it was executed against, so its plan, fact, deviation and % stay together).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

from civic.enterprises.plan_title import IN_FORCE, REPORT_PERIODS, STATUSES
from civic.enterprises.statements import ERROR, Message

# The report periods in the order they replace each other's numbers.
PERIOD_ORDER = ("q1", "q2", "h1", "q3", "m9", "q4", "year")
# The key lines the timeline shows: (label, codes in order of preference, kind).
KEY_LINES = (
    ("Дохід (виручка)", ("1000",)),
    ("Собівартість", ("1010",)),
    ("Чистий фінансовий результат", ("1170",)),
)


@dataclass(frozen=True)
class Version:
    """One kept upload of a year's plan-form file, as the rules need it."""

    id: int
    status: str  # a key of STATUSES, or "" (uploaded before statuses were kept)
    period: str  # "" for a plan, a key of REPORT_PERIODS for an execution report
    approved_on: dt.date | None
    uploaded_on: dt.date
    uploaded_at: dt.datetime

    @property
    def order(self) -> tuple:
        return (self.approved_on or self.uploaded_on, self.uploaded_at, self.id)


def resolve_status(result, requested: str) -> tuple[str, list[Message]]:
    """The status a plan upload is kept with: the one chosen (``requested``), else the file's
    mark, else «Затверджений». A choice that contradicts the file's mark is an error."""
    if result.document == "execution":
        return "", []
    marked = result.title.status
    if requested and marked and requested != marked:
        return requested, [
            Message(
                ERROR,
                f"у файлі план позначено як «{STATUSES[marked]}», а обрано «{STATUSES[requested]}»; "
                "виправте позначку у файлі або виберіть той самий статус",
            )
        ]
    return requested or marked or "approved", []


def plan_in_force(versions: Iterable[Version]) -> Version | None:
    """The newest approved, refined or amended plan version (never a «Проєкт»)."""
    plans = [v for v in versions if not v.period and v.status in IN_FORCE]
    return max(plans, key=lambda v: v.order, default=None)


def sources_in_force(versions: Sequence[Version]) -> list[Version]:
    """The versions whose figures are in force, in the order they are laid over each other."""
    plan = plan_in_force(versions)
    latest: dict[str, Version] = {}
    for version in sorted(versions, key=lambda v: (v.uploaded_at, v.id)):
        if version.period:
            latest[version.period] = version
    reports = [latest[p] for p in PERIOD_ORDER if p in latest]
    return ([plan] if plan else []) + reports


@dataclass(frozen=True)
class KeyLine:
    label: str
    code: str
    value: Decimal | None
    change: Decimal | None  # against the previous version in the timeline


@dataclass(frozen=True)
class TimelineEntry:
    version: Version
    status_label: str
    in_force: bool
    lines: tuple[KeyLine, ...]


def _key_value(figures: Mapping[tuple[str, str], Decimal], codes: tuple[str, ...]):
    for code in codes:
        if (code, "plan_year") in figures:
            return code, figures[code, "plan_year"]
    return codes[0], None


def build_timeline(
    versions: Sequence[Version], figures: Mapping[int, Mapping[tuple[str, str], Decimal]]
) -> list[TimelineEntry]:
    """The year's plan versions, oldest first, with the key lines' plan for the year and their
    change against the version before (``figures``: version id → {(code, kind): value})."""
    plans = sorted((v for v in versions if not v.period), key=lambda v: v.order)
    current = plan_in_force(plans)
    entries = []
    before: dict[str, Decimal | None] = {}
    for version in plans:
        lines = []
        for label, codes in KEY_LINES:
            code, value = _key_value(figures.get(version.id, {}), codes)
            previous = before.get(label)
            change = value - previous if value is not None and previous is not None else None
            lines.append(KeyLine(label, code, value, change))
            if value is not None:
                before[label] = value
        entries.append(
            TimelineEntry(
                version,
                STATUSES.get(version.status, "без позначки статусу"),
                current is not None and version.id == current.id,
                tuple(lines),
            )
        )
    return entries


def period_label(period: str) -> str:
    return REPORT_PERIODS.get(period, "")
