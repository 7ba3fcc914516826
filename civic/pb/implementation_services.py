"""What became of the winners: staff record each winning project's implementation and its dated
milestones with photos; the public page, open data and the monthly report read them.

Services flush; the request boundary (or the CLI, or the demo) commits once.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from civic import database
from civic.audit.services import record_event
from civic.extensions import db
from civic.pb import implementation
from civic.pb.implementation import STATUS_TITLES, ImplementationError
from civic.pb.implementation_models import Implementation, Milestone
from civic.pb.models import CLOSED, Edition, Project
from civic.photos import clean_photo

STALE = "Цей запис щойно змінив інший працівник. Перегляньте його й спробуйте ще раз."
OPEN_DATA_FIELDS = (
    "edition",
    "code",
    "title",
    "cost",
    "status",
    "status_title",
    "percent_done",
    "spent",
    "done_on",
    "cancel_reason",
    "milestones",
)


@dataclass(frozen=True)
class Winner:
    project: Project
    implementation: Implementation | None

    @property
    def status_title(self) -> str:
        return STATUS_TITLES[self.implementation.status] if self.implementation else ""


def list_winners(edition: Edition) -> list[Winner]:
    """The edition's funded projects in the order of its result, each with its implementation."""
    codes = list((edition.result or {}).get("selected") or ())
    if not codes:
        return []
    projects = {
        p.code: p
        for p in db.session.scalars(
            select(Project).where(Project.edition_id == edition.id, Project.code.in_(codes))
        )
    }
    found = {
        i.project_id: i
        for i in db.session.scalars(
            select(Implementation).where(
                Implementation.project_id.in_([p.id for p in projects.values()])
            )
        )
    }
    return [Winner(projects[c], found.get(projects[c].id)) for c in codes if c in projects]


def _winner(edition: Edition, code: str) -> Winner:
    if edition.status != CLOSED:
        raise ImplementationError(
            "Реалізацію записують після закриття підрахунку: переможців ще не визначено."
        )
    for winner in list_winners(edition):
        if winner.project.code == code:
            return winner
    raise ImplementationError(f"Проєкт «{code}» не є переможцем цього видання.")


def record_progress(
    edition: Edition,
    code: str,
    *,
    expected_version: int | None = None,
    today: dt.date,
    actor=None,
    **reported,
) -> Implementation:
    """Set a winner's status, % done and money spent (``reported``: the keyword arguments of
    :func:`civic.pb.implementation.check_progress`; audited). ``expected_version`` is the
    version the form showed (0: no record yet): a stale form is refused instead of overwriting
    a colleague; None (the CLI, the demo) checks nothing."""
    winner = _winner(edition, code)
    progress = asdict(implementation.check_progress(**reported, today=today))
    fields = {**progress, "updated_at": database.utcnow()}
    # One writer per project at a time (PostgreSQL row lock; SQLite serialises writers), and the
    # record read again under the lock: a parallel save is seen, never overwritten.
    db.session.execute(select(Project.id).where(Project.id == winner.project.id).with_for_update())
    row = db.session.scalar(
        select(Implementation)
        .where(Implementation.project_id == winner.project.id)
        .execution_options(populate_existing=True)
    )
    if row is None:
        row = Implementation(project_id=winner.project.id, **fields)
        try:
            with db.session.begin_nested():  # two first records at once: one wins
                db.session.add(row)
        except IntegrityError:
            raise ImplementationError(STALE) from None
    elif expected_version is not None and expected_version != row.version:
        # 0: the form was shown before there was any record; someone has made one since.
        raise ImplementationError(STALE)
    else:
        for name, value in fields.items():
            setattr(row, name, value)
    db.session.flush()
    record_event(
        "pb.implementation_updated",
        object_type="pb_project",
        object_id=f"{edition.slug}/{code}",
        details=progress,
        actor=actor,
    )
    return row


def add_milestone(
    edition: Edition,
    code: str,
    *,
    happened_on: dt.date | None,
    text: str,
    photo: bytes | None = None,
    today: dt.date,
    actor=None,
) -> Milestone:
    """A dated milestone of a winner's implementation, with a photo cleaned of its metadata."""
    winner = _winner(edition, code)
    if winner.implementation is None:
        raise ImplementationError(
            "Спершу вкажіть стан реалізації проєкту, потім додавайте етапи.", field="text"
        )
    happened_on, words = implementation.check_milestone(
        happened_on=happened_on, text=text, today=today
    )
    milestone = Milestone(implementation=winner.implementation, happened_on=happened_on, text=words)
    if photo:
        clean = clean_photo(photo)
        milestone.photo = clean.content
        milestone.photo_type = clean.content_type
        milestone.photo_sha256 = clean.sha256
        milestone.photo_width = clean.width
        milestone.photo_height = clean.height
    db.session.add(milestone)
    db.session.flush()
    record_event(
        "pb.milestone_added",
        object_type="pb_project",
        object_id=f"{edition.slug}/{code}",
        details={
            "milestone": milestone.id,
            "happened_on": happened_on,
            "text": words,
            "photo_sha256": milestone.photo_sha256,
        },
        actor=actor,
    )
    return milestone


def get_milestone_photo(edition: Edition, milestone_id: int) -> Milestone | None:
    """A milestone of this edition that has a photo, or None."""
    milestone = db.session.get(Milestone, milestone_id)
    if milestone is None or not milestone.has_photo:
        return None
    project = db.session.get(Project, milestone.implementation.project_id)
    return milestone if project.edition_id == edition.id else None


def open_data_rows(edition: Edition) -> list[dict]:
    """One row per winner, for CSV (milestones as one text cell) and JSON (a list)."""
    rows = []
    for winner in list_winners(edition):
        row = winner.implementation
        rows.append(
            {
                "edition": edition.slug,
                "code": winner.project.code,
                "title": winner.project.title,
                "cost": f"{winner.project.cost:.2f}",
                "status": row.status if row else "",
                "status_title": winner.status_title,
                "percent_done": row.percent_done if row else None,
                "spent": f"{row.spent:.2f}" if row else None,
                "done_on": row.done_on.isoformat() if row and row.done_on else None,
                "cancel_reason": row.cancel_reason if row else "",
                "milestones": [
                    {"on": m.happened_on.isoformat(), "text": m.text, "photo": m.has_photo}
                    for m in (row.milestones if row else ())
                ],
            }
        )
    return rows


def monthly_statistics(first_day: dt.date, last_day: dt.date) -> dict:
    """For the monthly report: projects completed and milestones recorded in the month.

    ``{"done": [titles], "milestones": [{"title", "on", "text"}], "in_works": n}`` — in_works
    counts the projects with a milestone in the month that are not done yet.
    """
    done = db.session.scalars(
        select(Project.title)
        .join(Implementation, Implementation.project_id == Project.id)
        .where(
            Implementation.status == implementation.DONE,
            Implementation.done_on >= first_day,
            Implementation.done_on <= last_day,
        )
        .order_by(Implementation.done_on, Project.code)
    ).all()
    stones = db.session.execute(
        select(Project.title, Milestone.happened_on, Milestone.text, Implementation.status)
        .join(Implementation, Milestone.implementation_id == Implementation.id)
        .join(Project, Implementation.project_id == Project.id)
        .where(Milestone.happened_on >= first_day, Milestone.happened_on <= last_day)
        .order_by(Milestone.happened_on, Milestone.id)
    ).all()
    in_works = {
        title
        for title, _, _, status in stones
        if status in (implementation.CONTRACT, implementation.WORKS)
    }
    return {
        "done": list(done),
        "milestones": [{"title": t, "on": on, "text": text} for t, on, text, _ in stones],
        "in_works": len(in_works),
    }
