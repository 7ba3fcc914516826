"""The follow-up of a petition's answer: read it, record it (audited; flushes, never commits)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from civic.audit.services import record_change
from civic.extensions import db
from civic.petitions.followup import FollowupError, check_followup
from civic.petitions.followup_models import PetitionFollowup


def get_followup(petition) -> PetitionFollowup | None:
    return db.session.scalar(
        select(PetitionFollowup).where(PetitionFollowup.petition_id == petition.id)
    )


def record_followup(petition, *, action: str, status: str, actor=None) -> PetitionFollowup:
    """Set the promised action of an answered petition and its status (audited; flushes)."""
    if not petition.answered_on:
        raise FollowupError("Виконання відстежують після оприлюднення відповіді на петицію.")
    action, status = check_followup(action=action, status=status)
    row = get_followup(petition)
    if row is None:
        try:
            with db.session.begin_nested():
                row = PetitionFollowup(petition_id=petition.id, action=action, status=status)
                db.session.add(row)
        except IntegrityError:  # a parallel first save won: this one updates its row
            row = get_followup(petition)
    row.action, row.status = action, status
    record_change("petition.followup", petition, {"action": action, "status": status}, actor=actor)
    return row
