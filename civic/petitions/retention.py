"""Personal-data retention: what is purged from petitions closed longer than the retention
period ago (Закон «Про захист персональних даних»: kept only as long as needed)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import func, select, update

from civic import personal_data
from civic.extensions import db
from civic.petitions import lifecycle
from civic.petitions.lifecycle import State
from civic.petitions.models import Petition, Signature
from civic.petitions.services import _audit, retention_days_setting


def _closed_on_expr():
    return func.coalesce(
        Petition.archived_on,
        Petition.closed_on,
        Petition.refused_on,
        Petition.withdrawn_on,
        Petition.taken_down_on,
    )


def purge_personal_data(*, today: dt.date, actor=None) -> tuple[int, int]:
    """Anonymise e-mails of petitions closed more than the retention period ago.

    Names stay public (the law requires the list of signers); e-mails go, their keyed hash
    stays so a second signature from the same address is still refused. Identified signatures
    keep their person hash for the same reason (nothing else of the provider's answer is
    stored: docs/identity.md).
    """
    cutoff = personal_data.retention_cutoff(today, retention_days_setting())
    closed = [s.value for s in lifecycle.CLOSED_STATES | {State.CONSIDERATION}]
    petitions = list(
        db.session.scalars(
            select(Petition).where(
                Petition.state.in_(closed),
                Petition.personal_data_purged_on.is_(None),
                _closed_on_expr().is_not(None),
                _closed_on_expr() <= cutoff,
            )
        )
    )
    signatures = 0
    for petition in petitions:
        result = db.session.execute(
            update(Signature)
            .where(Signature.petition_id == petition.id)
            .values(email=None, token_hash=None, ip=None, notify_on_answer=False)
            .execution_options(synchronize_session=False)
        )
        signatures += result.rowcount or 0
        petition.author_email = None
        petition.submitted_ip = None
        petition.author_token_hash = None
        petition.personal_data_purged_on = today
        db.session.flush()
        _audit("personal_data_purged", petition, actor=actor, signatures=result.rowcount)
    return len(petitions), signatures
