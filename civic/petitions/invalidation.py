"""Bulk invalidation of signatures (a domain, a network, a time span): preview, invalidate or
propose it, and a second moderator's confirmation or rejection of a proposal.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
from dataclasses import dataclass

from flask import current_app
from sqlalchemy import func, select, update
from sqlalchemy.orm import selectinload
from sqlalchemy.orm.attributes import set_committed_value

from civic.extensions import db
from civic.formatting import agree
from civic.petitions import lifecycle
from civic.petitions.models import Invalidation, Petition, Signature
from civic.petitions.services import SIGNATURE, PetitionError, _audit
from civic.petitions.signatures import counted_clause, recount


@dataclass(frozen=True)
class InvalidationCriteria:
    email_domain: str = ""
    ip_network: str = ""
    signed_from: dt.datetime | None = None
    signed_to: dt.datetime | None = None

    def is_empty(self) -> bool:
        return not (self.email_domain or self.ip_network or self.signed_from or self.signed_to)


def parse_network(value: str):
    try:
        return ipaddress.ip_network(value.strip(), strict=False)
    except ValueError:
        raise PetitionError(
            f"«{value}» — не IP-адреса чи мережа (очікувано, напр., 203.0.113.0/24).", "ip_network"
        ) from None


def _matching(
    petition: Petition,
    criteria: InvalidationCriteria,
    *,
    confirmed_before: dt.datetime | None = None,
) -> list[Signature]:
    """Counted signatures matching ``criteria`` (confirmed by ``confirmed_before`` if given)."""
    if criteria.is_empty():
        raise PetitionError("Вкажіть хоча б одну умову: домен, мережу або проміжок часу.")
    network = parse_network(criteria.ip_network) if criteria.ip_network else None
    query = select(Signature).where(Signature.petition_id == petition.id, counted_clause())
    if criteria.email_domain:
        query = query.where(
            Signature.email_domain == criteria.email_domain.strip().lower().lstrip("@")
        )
    if criteria.signed_from:
        query = query.where(Signature.created_at >= criteria.signed_from)
    if criteria.signed_to:
        query = query.where(Signature.created_at <= criteria.signed_to)
    if confirmed_before:
        query = query.where(Signature.confirmed_at <= confirmed_before)
    rows = list(db.session.scalars(query))
    if network is not None:
        rows = [s for s in rows if s.ip and _ip_in(s.ip, network)]
    return rows


def _ip_in(ip: str, network) -> bool:
    try:
        return ipaddress.ip_address(ip) in network
    except ValueError:
        return False


def preview_invalidation(petition: Petition, criteria: InvalidationCriteria) -> int:
    return len(_matching(petition, criteria))


def invalidation_limits() -> tuple[int, float]:
    """(signatures, share) one moderator may invalidate on a petition without a second one."""
    cfg = current_app.config
    return (
        int(cfg.get("PETITION_INVALIDATION_SOLO_COUNT", lifecycle.DEFAULT_INVALIDATION_SOLO_COUNT)),
        float(
            cfg.get("PETITION_INVALIDATION_SOLO_SHARE", lifecycle.DEFAULT_INVALIDATION_SOLO_SHARE)
        ),
    )


PROPOSED, APPLIED, REJECTED = "proposed", "applied", "rejected"


def criteria_of(record: Invalidation) -> InvalidationCriteria:
    return InvalidationCriteria(
        email_domain=record.email_domain or "",
        ip_network=record.ip_network or "",
        signed_from=record.signed_from,
        signed_to=record.signed_to,
    )


def _record_details(record: Invalidation, count: int) -> dict:
    """What both audit events of an invalidation say: the record, how many signatures, why, and
    the criteria that chose them."""
    return {
        "invalidation": record.id,
        "count": count,
        "reason": record.reason,
        "email_domain": record.email_domain or "",
        "ip_network": record.ip_network or "",
        "signed_from": record.signed_from,
        "signed_to": record.signed_to,
    }


def pending_invalidations(petition: Petition) -> list[Invalidation]:
    return list(
        db.session.scalars(
            select(Invalidation)
            .where(Invalidation.petition_id == petition.id, Invalidation.status == PROPOSED)
            .options(selectinload(Invalidation.created_by))
            .order_by(Invalidation.id)
        )
    )


def invalidate_signatures(
    petition: Petition, criteria: InvalidationCriteria, *, actor, reason: str, now: dt.datetime
) -> Invalidation:
    """Invalidate the matching signatures, or only propose it when, with what this petition
    has already lost, that is more than one moderator may do (``invalidation_limits``): then
    a different moderator confirms or rejects the proposal (the record's ``status``)."""
    rows = _matching(petition, criteria)
    if not reason.strip():
        raise PetitionError("Вкажіть причину анулювання.", "reason")
    pending = next(iter(pending_invalidations(petition)), None)
    if pending is not None:
        raise PetitionError(
            f"Пропозиція анулювання № {pending.id} ({agree(pending.count, SIGNATURE)}) ще чекає "
            "другого модератора: спершу її мають підтвердити або відхилити."
        )
    already, ever_counted = db.session.execute(
        select(
            func.count(Signature.id).filter(Signature.invalidated_at.is_not(None)),
            func.count(Signature.id),
        ).where(Signature.petition_id == petition.id, Signature.confirmed_at.is_not(None))
    ).one()
    solo_count, solo_share = invalidation_limits()
    proposal = lifecycle.invalidation_needs_second_moderator(
        already=already,
        matched=len(rows),
        ever_counted=ever_counted,
        solo_count=solo_count,
        solo_share=solo_share,
    )
    record = Invalidation(
        petition_id=petition.id,
        created_at=now,
        created_by_id=getattr(actor, "id", None),
        email_domain=criteria.email_domain,
        ip_network=criteria.ip_network,
        signed_from=criteria.signed_from,
        signed_to=criteria.signed_to,
        reason=reason.strip(),
        count=len(rows),
        status=PROPOSED if proposal else APPLIED,
        decided_by_id=None if proposal else getattr(actor, "id", None),
        decided_at=None if proposal else now,
    )
    db.session.add(record)
    db.session.flush()
    if proposal:
        _audit(
            "invalidation_proposed",
            petition,
            actor=actor,
            already_invalidated=already,
            solo_count=solo_count,
            solo_share=solo_share,
            **_record_details(record, len(rows)),
        )
        return record
    _apply_invalidation(petition, record, rows, actor=actor, now=now)
    return record


def _apply_invalidation(petition, record: Invalidation, rows, *, actor, now, **details) -> None:
    ids = [s.id for s in rows]
    if ids:
        db.session.execute(
            update(Signature)
            .where(Signature.id.in_(ids), Signature.invalidated_at.is_(None))
            .values(invalidated_at=now, invalidation_id=record.id)
            .execution_options(synchronize_session=False)
        )
    for signature in rows:
        set_committed_value(signature, "invalidated_at", now)
        set_committed_value(signature, "invalidation_id", record.id)
    remaining = recount(petition.id)
    db.session.refresh(petition)
    _audit(
        "signatures_invalidated",
        petition,
        actor=actor,
        remaining=remaining,
        **_record_details(record, len(rows)),
        **details,
    )


def _decide_invalidation(petition: Petition, invalidation_id: int, actor, status: str, now):
    """Claim a proposal for ``status`` (one conditional UPDATE: one decision wins)."""
    record = db.session.get(Invalidation, invalidation_id)
    if record is None or record.petition_id != petition.id:
        raise PetitionError(f"Пропозиції анулювання № {invalidation_id} немає.")
    problem = lifecycle.check_invalidation_decider(record.created_by_id, actor.id)
    if problem:
        raise PetitionError(problem)
    claimed = db.session.execute(
        update(Invalidation)
        .where(Invalidation.id == record.id, Invalidation.status == PROPOSED)
        .values(status=status, decided_by_id=actor.id, decided_at=now)
        .execution_options(synchronize_session=False)
    ).rowcount
    if claimed != 1:
        raise PetitionError(
            f"Пропозицію анулювання № {record.id} вже розглянув інший модератор; оновіть сторінку."
        )
    db.session.refresh(record)
    return record


def confirm_invalidation(
    petition: Petition, invalidation_id: int, *, actor, now: dt.datetime
) -> Invalidation:
    """A second moderator confirms: exactly the signatures the proposal matched (confirmed
    before it was made, still counted) are invalidated."""
    record = _decide_invalidation(petition, invalidation_id, actor, APPLIED, now)
    rows = _matching(petition, criteria_of(record), confirmed_before=record.created_at)
    proposed_count = record.count
    record.count = len(rows)
    db.session.flush()
    proposer = record.created_by
    _apply_invalidation(
        petition,
        record,
        rows,
        actor=actor,
        now=now,
        proposed_by=proposer.login if proposer else None,
        proposed_count=proposed_count,
    )
    return record


def reject_invalidation(
    petition: Petition, invalidation_id: int, *, actor, now: dt.datetime
) -> Invalidation:
    record = _decide_invalidation(petition, invalidation_id, actor, REJECTED, now)
    proposer = record.created_by
    _audit(
        "invalidation_rejected",
        petition,
        actor=actor,
        invalidation=record.id,
        count=record.count,
        proposed_by=proposer.login if proposer else None,
    )
    return record
