from __future__ import annotations

import datetime as dt

from sqlalchemy import String, Text
from sqlalchemy.orm import Mapped, mapped_column

from civic.database import Identified, UTCDateTime, utcnow
from civic.extensions import db

SENT = "sent"
STORED = "stored"
FAILED = "failed"
QUEUED = "queued"  # committed, waiting for the sender
SENDING = "sending"  # claimed by a sender (a web process's thread or `civic mail deliver`)
STATUSES = {
    SENT: "надіслано",
    STORED: "у скриньці",
    FAILED: "помилка",
    QUEUED: "у черзі",
    SENDING: "надсилається",
}


class OutboxMessage(Identified, db.Model):
    """Every outgoing message, whether sent over SMTP or kept here for an administrator."""

    __tablename__ = "outbox_messages"

    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    sender: Mapped[str] = mapped_column(String(254))
    recipient: Mapped[str] = mapped_column(String(254))
    subject: Mapped[str] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(Text)
    category: Mapped[str] = mapped_column(String(60), default="")
    status: Mapped[str] = mapped_column(String(20), default=STORED)
    error: Mapped[str] = mapped_column(String(500), default="")
    eml_name: Mapped[str] = mapped_column(String(200), default="")
    claimed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)
    # SHA-256 of the one-time token the body carries (a confirmation link), while it does: the
    # link is cut out of the stored copy once the message left over SMTP or the token was spent.
    secret_hash: Mapped[str | None] = mapped_column(String(64), nullable=True, index=True)
