"""Enterprises, their uploads (with the file kept for history) and the long fact table."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from civic.database import Identified, UTCDateTime, utcnow
from civic.extensions import db


class Enterprise(Identified, db.Model):
    __tablename__ = "enterprises"

    edrpou: Mapped[str] = mapped_column(sa.String(8), unique=True)
    name: Mapped[str] = mapped_column(sa.String(400))
    short_name: Mapped[str] = mapped_column(sa.String(200), default="")
    legal_form: Mapped[str] = mapped_column(sa.String(200), default="")
    sector: Mapped[str] = mapped_column(sa.String(200), default="")
    reporting_type: Mapped[str] = mapped_column(sa.String(2))
    website: Mapped[str] = mapped_column(sa.String(300), default="")
    is_demo: Mapped[bool] = mapped_column(sa.Boolean, default=False)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)

    @property
    def display_name(self) -> str:
        return self.short_name or self.name


class CatalogueLine(Identified, db.Model):
    __tablename__ = "enterprise_catalogue_lines"
    __table_args__ = (sa.UniqueConstraint("form", "edition", "code"),)

    form: Mapped[str] = mapped_column(sa.String(10))  # "1", "2" or "plan"
    edition: Mapped[str] = mapped_column(sa.String(60))
    code: Mapped[str] = mapped_column(sa.String(10))
    title: Mapped[str] = mapped_column(sa.String(400))
    description: Mapped[str] = mapped_column(sa.Text, default="")
    unit: Mapped[str] = mapped_column(sa.String(30), default="тис. грн")
    key: Mapped[str] = mapped_column(sa.String(30), default="")
    sign: Mapped[str] = mapped_column(sa.String(12), default="any")


class Upload(Identified, db.Model):
    """One accepted file for (enterprise, year, form); older ones stay as history."""

    __tablename__ = "enterprise_uploads"
    __table_args__ = (
        sa.UniqueConstraint("enterprise_id", "year", "form", "file_hash"),
        sa.Index("ix_enterprise_uploads_uploaded_at", "uploaded_at"),
    )

    enterprise_id: Mapped[int] = mapped_column(sa.ForeignKey("enterprises.id", ondelete="CASCADE"))
    year: Mapped[int] = mapped_column(sa.Integer)
    form: Mapped[str] = mapped_column(sa.String(10))
    edition: Mapped[str] = mapped_column(sa.String(60))
    unit: Mapped[str] = mapped_column(sa.String(30), default="тис. грн")
    filename: Mapped[str] = mapped_column(sa.String(300))
    file_hash: Mapped[str] = mapped_column(sa.String(64))
    size: Mapped[int] = mapped_column(sa.Integer)
    content: Mapped[bytes] = mapped_column(sa.LargeBinary)
    uploaded_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    uploaded_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL"), nullable=True
    )
    uploaded_by_login: Mapped[str] = mapped_column(sa.String(80), default="")
    is_current: Mapped[bool] = mapped_column(sa.Boolean, default=True)
    value_count: Mapped[int] = mapped_column(sa.Integer, default=0)
    messages: Mapped[list] = mapped_column(sa.JSON, default=list)
    # A wrong upload is withdrawn, not deleted: it stays in the history, its facts are gone.
    withdrawn_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    withdrawn_by_login: Mapped[str] = mapped_column(sa.String(80), default="")
    withdrawal_reason: Mapped[str] = mapped_column(sa.String(500), default="")
    # A financial plan's version (plan_status: project/approved/refined/amended; "" before
    # versions were kept) or, with a report_period (q1 … year), its execution report.
    plan_status: Mapped[str] = mapped_column(sa.String(20), default="")
    report_period: Mapped[str] = mapped_column(sa.String(10), default="")
    approved_on: Mapped[dt.date | None] = mapped_column(sa.Date)
    decision: Mapped[str] = mapped_column(sa.String(300), default="")
    approved_by: Mapped[str] = mapped_column(sa.String(300), default="")

    enterprise: Mapped[Enterprise] = relationship()


class PlanFigure(Identified, db.Model):
    """One number of a plan file as uploaded, kept for every version (the facts hold only
    the numbers in force)."""

    __tablename__ = "enterprise_plan_figures"
    __table_args__ = (sa.UniqueConstraint("upload_id", "code", "kind"),)

    upload_id: Mapped[int] = mapped_column(
        sa.ForeignKey("enterprise_uploads.id", ondelete="CASCADE"), index=True
    )
    code: Mapped[str] = mapped_column(sa.String(10))
    kind: Mapped[str] = mapped_column(sa.String(30))
    value: Mapped[Decimal] = mapped_column(sa.Numeric(18, 2))
    title: Mapped[str] = mapped_column(sa.String(400), default="")


class Fact(Identified, db.Model):
    """One number of the current upload of a statement or plan, with its source upload."""

    __tablename__ = "enterprise_facts"
    __table_args__ = (sa.UniqueConstraint("enterprise_id", "year", "form", "code", "kind"),)

    enterprise_id: Mapped[int] = mapped_column(sa.ForeignKey("enterprises.id", ondelete="CASCADE"))
    upload_id: Mapped[int] = mapped_column(
        sa.ForeignKey("enterprise_uploads.id", ondelete="CASCADE"), index=True
    )
    year: Mapped[int] = mapped_column(sa.Integer)
    form: Mapped[str] = mapped_column(sa.String(10))
    code: Mapped[str] = mapped_column(sa.String(10))
    kind: Mapped[str] = mapped_column(sa.String(30))
    value: Mapped[Decimal] = mapped_column(sa.Numeric(18, 2))
    unit: Mapped[str] = mapped_column(sa.String(30), default="тис. грн")
    title: Mapped[str] = mapped_column(sa.String(400), default="")

    upload: Mapped[Upload] = relationship()

    @classmethod
    def of(cls, number, upload: Upload, unit: str) -> Fact:
        """The stored fact of a number read from ``upload`` (anything with a code, kind, value
        and title: a parsed fact or a kept plan figure)."""
        fields = {name: getattr(upload, name) for name in ("enterprise_id", "year", "form")}
        fields |= {name: getattr(number, name) for name in ("code", "kind", "value")}
        return cls(upload_id=upload.id, unit=unit, title=number.title[:400], **fields)
