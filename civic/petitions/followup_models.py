"""The table of a petition answer's follow-up: the promised action and its status."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from civic.database import UTCDateTime, utcnow
from civic.extensions import db


class PetitionFollowup(db.Model):
    __tablename__ = "petition_followups"

    petition_id: Mapped[int] = mapped_column(
        ForeignKey("petitions.id", ondelete="CASCADE"), primary_key=True
    )
    action: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(20))
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
