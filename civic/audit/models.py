from __future__ import annotations

import datetime as dt

from sqlalchemy import JSON, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from civic.database import Identified, UTCDateTime
from civic.extensions import db


class AuditEvent(Identified, db.Model):
    """One recorded action. Rows are only ever inserted; ``civic audit verify`` checks them."""

    __tablename__ = "audit_events"

    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, index=True)
    actor_id: Mapped[int | None] = mapped_column(Integer, index=True)
    actor_login: Mapped[str | None] = mapped_column(String(80))
    action: Mapped[str] = mapped_column(String(80), index=True)
    object_type: Mapped[str | None] = mapped_column(String(80))
    object_id: Mapped[str | None] = mapped_column(String(120))
    details: Mapped[dict] = mapped_column(JSON, default=dict)
    ip: Mapped[str | None] = mapped_column(String(64))
    prev_hash: Mapped[str] = mapped_column(String(64), unique=True)
    hash: Mapped[str] = mapped_column(String(64), unique=True)
    note: Mapped[str | None] = mapped_column(Text)

    def payload(self) -> dict:
        return event_payload(self)


def event_payload(row) -> dict:
    """Every column of an event but its hashes (a model or a table row with the same
    attributes): what the keyed hash covers. The legacy rule leaves ``note`` out."""
    created = row.created_at
    if created.tzinfo is None:  # SQLite keeps no offset; values are written in UTC
        created = created.replace(tzinfo=dt.UTC)
    return {
        "id": row.id,
        "created_at": created.astimezone(dt.UTC).isoformat(timespec="microseconds"),
        "actor_id": row.actor_id,
        "actor_login": row.actor_login,
        "action": row.action,
        "object_type": row.object_type,
        "object_id": row.object_id,
        "details": row.details or {},
        "ip": row.ip,
        "note": row.note,
    }
