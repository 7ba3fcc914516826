"""Tables of what became of the winners: one implementation per winning project and its dated
milestones, each with an optional photo (cleaned by civic.photos, kept in the database like the
other uploads)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from civic.database import Identified, UTCDateTime, utcnow
from civic.extensions import db


class Implementation(Identified, db.Model):
    __tablename__ = "pb_implementations"

    project_id: Mapped[int] = mapped_column(
        sa.ForeignKey("pb_projects.id", ondelete="CASCADE"), unique=True
    )
    status: Mapped[str] = mapped_column(sa.String(20))
    percent_done: Mapped[int] = mapped_column(sa.Integer, default=0)
    spent: Mapped[Decimal] = mapped_column(sa.Numeric(14, 2), default=Decimal("0"))
    cancel_reason: Mapped[str] = mapped_column(sa.Text, default="")
    done_on: Mapped[dt.date | None] = mapped_column(sa.Date)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    version: Mapped[int] = mapped_column(sa.Integer, default=1)

    milestones: Mapped[list[Milestone]] = relationship(
        back_populates="implementation",
        cascade="all, delete-orphan",
        order_by="(Milestone.happened_on, Milestone.id)",
        lazy="selectin",
    )

    __mapper_args__ = {"version_id_col": version}


class Milestone(Identified, db.Model):
    __tablename__ = "pb_milestones"

    implementation_id: Mapped[int] = mapped_column(
        sa.ForeignKey("pb_implementations.id", ondelete="CASCADE"), index=True
    )
    happened_on: Mapped[dt.date] = mapped_column(sa.Date)
    text: Mapped[str] = mapped_column(sa.String(500))
    photo: Mapped[bytes | None] = mapped_column(sa.LargeBinary, deferred=True)
    photo_type: Mapped[str] = mapped_column(sa.String(20), default="")
    photo_sha256: Mapped[str] = mapped_column(sa.String(64), default="")
    photo_width: Mapped[int] = mapped_column(sa.Integer, default=0)
    photo_height: Mapped[int] = mapped_column(sa.Integer, default=0)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)

    implementation: Mapped[Implementation] = relationship(back_populates="milestones")

    @property
    def has_photo(self) -> bool:
        return bool(self.photo_sha256)
