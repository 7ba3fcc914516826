"""The activity journal, entry types, the occasions calendar, the report template and the
report versions (a finalised version keeps its PDF bytes and SHA-256 unchanged)."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from civic.database import Identified, UTCDateTime, utcnow
from civic.extensions import db


class EntryType(Identified, db.Model):
    """A kind of journal entry; admins add new kinds. ``form_*`` count it with agreement."""

    __tablename__ = "report_entry_types"

    code: Mapped[str] = mapped_column(sa.String(40), unique=True)
    label: Mapped[str] = mapped_column(sa.String(200))
    form_one: Mapped[str | None] = mapped_column(sa.String(120))
    form_few: Mapped[str | None] = mapped_column(sa.String(120))
    form_many: Mapped[str | None] = mapped_column(sa.String(120))
    needs_occasion: Mapped[bool] = mapped_column(sa.Boolean, default=False)
    position: Mapped[int] = mapped_column(sa.Integer, default=0)
    is_active: Mapped[bool] = mapped_column(sa.Boolean, default=True)


class Occasion(Identified, db.Model):
    """A professional, memorial or state day; ``rule`` says when (see reports/occasions.py)."""

    __tablename__ = "report_occasions"

    name: Mapped[str] = mapped_column(sa.String(300), unique=True)
    rule: Mapped[str] = mapped_column(sa.String(20))
    category: Mapped[str] = mapped_column(sa.String(20), default="professional")
    from_year: Mapped[int | None] = mapped_column(sa.Integer)
    to_year: Mapped[int | None] = mapped_column(sa.Integer)
    is_active: Mapped[bool] = mapped_column(sa.Boolean, default=True)


class JournalImport(Identified, db.Model):
    """One imported CSV/XLSX list; the file hash refuses a second import of the same file."""

    __tablename__ = "report_journal_imports"

    filename: Mapped[str] = mapped_column(sa.String(255))
    sha256: Mapped[str] = mapped_column(sa.String(64), unique=True)
    rows: Mapped[int] = mapped_column(sa.Integer, default=0)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL")
    )


class JournalEntry(Identified, db.Model):
    __tablename__ = "report_journal_entries"

    occurred_on: Mapped[dt.date] = mapped_column(sa.Date, index=True)
    type_id: Mapped[int] = mapped_column(sa.ForeignKey("report_entry_types.id"), index=True)
    title: Mapped[str] = mapped_column(sa.String(1000))
    link: Mapped[str | None] = mapped_column(sa.String(1000))
    count: Mapped[int] = mapped_column(sa.Integer, default=1)
    occasion_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("report_occasions.id", ondelete="SET NULL")
    )
    import_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("report_journal_imports.id", ondelete="SET NULL")
    )
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL")
    )

    entry_type: Mapped[EntryType] = relationship(lazy="joined")
    occasion: Mapped[Occasion | None] = relationship(lazy="joined")

    @property
    def type_code(self) -> str:
        """The entry type's code, as the journal form and the imports name the type."""
        return self.entry_type.code


class ReportTemplate(Identified, db.Model):
    """The department's report template: title, signer and the ordered paragraphs."""

    __tablename__ = "report_templates"

    title: Mapped[str] = mapped_column(sa.Text)
    signer_position: Mapped[str] = mapped_column(sa.String(200), default="")
    signer_name: Mapped[str] = mapped_column(sa.String(200), default="")
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)

    paragraphs: Mapped[list[ReportParagraphTemplate]] = relationship(
        back_populates="template",
        cascade="all, delete-orphan",
        order_by="ReportParagraphTemplate.position",
        lazy="selectin",
    )


class ReportParagraphTemplate(Identified, db.Model):
    __tablename__ = "report_paragraph_templates"
    __table_args__ = (sa.UniqueConstraint("template_id", "key"),)

    template_id: Mapped[int] = mapped_column(
        sa.ForeignKey("report_templates.id", ondelete="CASCADE")
    )
    key: Mapped[str] = mapped_column(sa.String(40))
    position: Mapped[int] = mapped_column(sa.Integer, default=0)
    text: Mapped[str] = mapped_column(sa.Text)
    requires: Mapped[str | None] = mapped_column(sa.String(40))

    template: Mapped[ReportTemplate] = relationship(back_populates="paragraphs")


class ReportVersion(Identified, db.Model):
    """One version of a month's report. Drafts are edited; a final version never changes."""

    __tablename__ = "report_versions"
    __table_args__ = (sa.UniqueConstraint("month_on", "number"),)

    month_on: Mapped[dt.date] = mapped_column(sa.Date, index=True)
    number: Mapped[int] = mapped_column(sa.Integer)
    status: Mapped[str] = mapped_column(sa.String(10), default="draft")  # draft | final
    content: Mapped[dict] = mapped_column(sa.JSON)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL")
    )
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    finalised_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    finalised_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL")
    )
    finalised_by_name: Mapped[str | None] = mapped_column(sa.String(200))
    pdf: Mapped[bytes | None] = mapped_column(sa.LargeBinary, deferred=True)
    pdf_sha256: Mapped[str | None] = mapped_column(sa.String(64))
    version_id: Mapped[int] = mapped_column(sa.Integer, nullable=False, default=1)

    __mapper_args__ = {"version_id_col": version_id}

    @property
    def is_final(self) -> bool:
        return self.status == "final"
