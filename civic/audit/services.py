"""Recording and verifying audit events. Every domain action goes through ``record_event``."""

from __future__ import annotations

import datetime as dt
import json
import logging
from collections.abc import Iterator
from pathlib import Path

from flask import current_app, has_request_context, request
from flask_login import current_user
from sqlalchemy import event as sa_event
from sqlalchemy import select, text
from sqlalchemy.orm import Session

from civic.audit.anchor import AnchorError, advance_anchor, read_anchor, reset_anchor
from civic.audit.chain import (
    ANCHOR_MISSING,
    GENESIS,
    Anchor,
    ChainCheck,
    ChainedEvent,
    canonical_json,
    keyed_hash,
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
    event.hash = keyed_hash(audit_key(), prev_hash, event.payload())
    session.add(event)
    session.flush()
    pending = session.info.setdefault(_PENDING, {"path": str(anchor_path()), "create": False})
    pending["create"] = pending["create"] or prev_hash == GENESIS
    return event


class AuditError(Exception):
    """A refusal with a Ukrainian message for the CLI."""


_PENDING = "civic.audit.pending_anchor"


def record_change(
    action: str, obj, details: dict, *, actor=None, object_type: str | None = None, key: str = "id"
) -> AuditEvent:
    """Write a service's change to ``obj`` and record ``action`` on it: the session is flushed
    first, so a new row has its id (and a stale one fails) before the event names it.

    The event's object is ``obj``'s ``key`` attribute under ``object_type``, by default the
    model's ``audit_type`` (its class name in snake case, e.g. ``report_version``)."""
    db.session.flush()
    return record_event(
        action,
        object_type=object_type or audit_type(obj),
        object_id=getattr(obj, key),
        details=details,
        actor=actor,
    )


def audit_type(obj) -> str:
    """``ReportVersion`` → ``report_version``: how the audit trail names a model's rows."""
    name = type(obj).__name__
    return "".join(f"_{c.lower()}" if c.isupper() and i else c.lower() for i, c in enumerate(name))


def audit_key() -> bytes:
    """The chain's HMAC key: ``AUDIT_KEY`` (set from the instance folder's ``audit_key``)."""
    key = str(current_app.config.get("AUDIT_KEY") or "")
    if not key:
        raise RuntimeError("AUDIT_KEY is empty")
    return key.encode("utf-8")


def anchor_path() -> Path:
    """``AUDIT_ANCHOR`` if set (e.g. a file on another volume), else the instance folder's."""
    configured = current_app.config.get("AUDIT_ANCHOR")
    return Path(configured) if configured else Path(current_app.instance_path) / "audit_anchor.json"


# The anchor follows every commit that appended events. The head is read inside the
# transaction, just before it commits (on PostgreSQL still under the chain's advisory lock), so
# a savepoint rolled back or rows appended by someone else can never be anchored by mistake;
# it is written once the commit has succeeded.


@sa_event.listens_for(Session, "before_commit")
def _read_head(session) -> None:
    pending = session.info.get(_PENDING)
    if pending is None:
        return
    last = session.execute(
        select(AuditEvent.id, AuditEvent.hash).order_by(AuditEvent.id.desc()).limit(1)
    ).first()
    pending["head"] = (last.id, last.hash) if last else None


@sa_event.listens_for(Session, "after_commit")
def _write_anchor(session) -> None:
    pending = session.info.pop(_PENDING, None)
    if not pending or not pending.get("head"):
        return
    count, head = pending["head"]
    try:
        if pending.get("reset") is not None:
            keyed_from, replacing = pending["reset"]
            reset_anchor(Path(pending["path"]), Anchor(count, head, keyed_from), replacing)
        else:
            advance_anchor(Path(pending["path"]), Anchor(count, head), create=pending["create"])
    except Exception:  # noqa: BLE001 (the commit has happened; it must not look failed)
        # The rows are committed; the anchor lags behind them, which `civic audit verify`
        # accepts (the rows beyond it are keyed). Say so in the log, never fail the request.
        logging.getLogger("civic.audit").exception(
            "audit anchor %s could not be written", pending["path"]
        )


@sa_event.listens_for(Session, "after_rollback")
def _forget_pending(session) -> None:
    session.info.pop(_PENDING, None)


def _iter_chained(batch: int = 5000) -> Iterator[ChainedEvent]:
    table = AuditEvent.__table__
    last_id = None  # not 0: a row slipped in with id 0 or below must be read too
    while True:
        query = select(table).order_by(table.c.id).limit(batch)
        if last_id is not None:
            query = query.where(table.c.id > last_id)
        rows = db.session.execute(query).all()
        if not rows:
            return
        for row in rows:
            yield ChainedEvent(row.id, event_payload(row), row.prev_hash, row.hash)
        last_id = rows[-1].id


def verify_audit_chain(anchor_file: Path | None = None) -> ChainCheck:
    """Check every row and the anchor (read first, so rows appended meanwhile are fine).

    Raises ``AnchorError`` if the anchor file is there but unreadable.
    """
    anchor = read_anchor(anchor_file or anchor_path())
    return verify_chain(_iter_chained(), audit_key(), anchor)


def adopt_audit_chain(actor=None) -> ChainCheck:
    """Accept the chain as it stands and anchor it: after an upgrade from an unkeyed chain or
    with no anchor yet, or after restoring a backup.

    The chain itself must hold (legacy rows by the old rule, later ones by the key); the
    previous anchor, if any, is recorded in an ``audit.adopted`` event, so a rollback stays in
    the log. Flushes; once the caller commits, the anchor is replaced with the new head.
    """
    path = anchor_path()
    try:
        previous = read_anchor(path)
        damaged = False
    except AnchorError:
        previous, damaged = None, True
    check = verify_chain(_iter_chained(), audit_key(), None)
    breaks = [b for b in check.breaks if b.kind != ANCHOR_MISSING]
    if breaks:
        raise AuditError(
            "Журнал не прийнято, у ньому є розриви:\n" + "\n".join(f"  {b.message}" for b in breaks)
        )
    record_event(
        "audit.adopted",
        object_type="audit",
        details={
            "count": check.count,
            "head": check.head,
            "legacy_count": check.legacy_count,
            "previous_anchor": previous.to_json() if previous else None,
            "previous_anchor_damaged": damaged,
        },
        actor=actor,
    )
    db.session.info[_PENDING]["reset"] = (check.keyed_from, previous)
    return check


def list_events(
    *,
    page: int = 1,
    per_page: int = 50,
    action: str | None = None,
    actor_id: int | None = None,
    object_type: str | None = None,
    object_id: str | None = None,
    since: dt.datetime | None = None,
    until: dt.datetime | None = None,
    views: bool | None = None,
):
    """Events, newest first; ``views`` True: only views of personal data, False: none of them."""
    from civic.audit.sentences import PERSONAL_DATA_VIEWS

    query = select(AuditEvent).order_by(AuditEvent.id.desc())
    if action:
        query = query.where(AuditEvent.action == action)
    if actor_id is not None:
        query = query.where(AuditEvent.actor_id == actor_id)
    if object_type:
        query = query.where(AuditEvent.object_type == object_type)
    if object_id:
        query = query.where(AuditEvent.object_id == object_id)
    if since is not None:
        query = query.where(AuditEvent.created_at >= since)
    if until is not None:
        query = query.where(AuditEvent.created_at < until)
    if views is True:
        query = query.where(AuditEvent.action.in_(sorted(PERSONAL_DATA_VIEWS)))
    elif views is False:
        query = query.where(AuditEvent.action.not_in(sorted(PERSONAL_DATA_VIEWS)))
    return db.paginate(query, page=page, per_page=per_page, error_out=False)
