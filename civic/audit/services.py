"""Recording and verifying audit events. Every domain action goes through ``record_event``."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator

from flask import has_request_context, request
from flask_login import current_user
from sqlalchemy import select, text

from civic.audit.chain import (
    GENESIS,
    ChainCheck,
    ChainedEvent,
    canonical_json,
    event_hash,
    verify_chain,
)
from civic.audit.models import AuditEvent, event_payload
from civic.extensions import db

# An arbitrary constant that names the audit chain's advisory lock on PostgreSQL.
_AUDIT_LOCK_KEY = 7_346_001


def _current_actor():
    if has_request_context() and current_user and current_user.is_authenticated:
        return current_user
    return None


def record_event(
    action: str,
    *,
    object_type: str | None = None,
    object_id: object = None,
    details: dict | None = None,
    actor=None,
    now: dt.datetime | None = None,
) -> AuditEvent:
    """Append one event to the chain (flushes, never commits: the caller commits once).

    ``actor`` defaults to the logged-in user of the current request; CLI commands pass the
    user they act as, or nothing for the system.
    """
    actor = actor if actor is not None else _current_actor()
    session = db.session
    if session.get_bind().dialect.name == "postgresql":
        # Serialise writers so two transactions never link to the same previous event.
        session.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _AUDIT_LOCK_KEY})
    last = session.execute(
        select(AuditEvent.id, AuditEvent.hash).order_by(AuditEvent.id.desc()).limit(1)
    ).first()
    prev_hash = last.hash if last else GENESIS
    next_id = (last.id + 1) if last else 1
    event = AuditEvent(
        id=next_id,
        created_at=(now or dt.datetime.now(dt.UTC)),
        actor_id=getattr(actor, "id", None),
        actor_login=getattr(actor, "login", None),
        action=action,
        object_type=object_type,
        object_id=None if object_id is None else str(object_id),
        # Stored exactly as hashed: Decimals, dates and the like become their text.
        details=json.loads(canonical_json(details or {})),
        ip=request.remote_addr if has_request_context() else None,
        prev_hash=prev_hash,
    )
    event.hash = event_hash(prev_hash, event.payload())
    session.add(event)
    session.flush()
    return event


def _iter_chained(batch: int = 5000) -> Iterator[ChainedEvent]:
    table = AuditEvent.__table__
    last_id = 0
    while True:
        rows = db.session.execute(
            select(table).where(table.c.id > last_id).order_by(table.c.id).limit(batch)
        ).all()
        if not rows:
            return
        for row in rows:
            yield ChainedEvent(row.id, event_payload(row), row.prev_hash, row.hash)
        last_id = rows[-1].id


def verify_audit_chain() -> ChainCheck:
    return verify_chain(_iter_chained())


def list_events(*, page: int = 1, per_page: int = 50, action: str | None = None):
    query = select(AuditEvent).order_by(AuditEvent.id.desc())
    if action:
        query = query.where(AuditEvent.action == action)
    return db.paginate(query, page=page, per_page=per_page, error_out=False)
