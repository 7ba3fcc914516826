"""Participatory-budget tables: editions, categories, projects, ballots, paper entries."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from civic.database import Identified, UTCDateTime, WindowCounter, utcnow
from civic.extensions import db

DRAFT = "draft"
COUNTED = "counted"
CLOSED = "closed"
STATUS_TITLES = {DRAFT: "триває введення", COUNTED: "підраховано", CLOSED: "підрахунок закрито"}


class Edition(Identified, db.Model):
    """One yearly round of a participatory budget, with its counting settings."""

    __tablename__ = "pb_editions"

    slug: Mapped[str] = mapped_column(sa.String(64), unique=True)
    title: Mapped[str] = mapped_column(sa.String(300))
    budget_year: Mapped[int | None] = mapped_column(sa.Integer)
    voting_starts_on: Mapped[dt.date] = mapped_column(sa.Date)
    voting_ends_on: Mapped[dt.date] = mapped_column(sa.Date)
    min_age: Mapped[int] = mapped_column(sa.Integer, default=16)
    settlements: Mapped[list] = mapped_column(sa.JSON, default=list)
    duplicates: Mapped[str] = mapped_column(sa.String(20), default="first_cast")
    rule: Mapped[str] = mapped_column(sa.String(20), default="greedy")
    min_votes: Mapped[int] = mapped_column(sa.Integer, default=0)
    tie_break: Mapped[str] = mapped_column(sa.String(30), default="earlier_submission")
    leftover: Mapped[str] = mapped_column(sa.String(10), default="pool")
    lot_order: Mapped[list] = mapped_column(sa.JSON, default=list)
    require_identity: Mapped[bool] = mapped_column(sa.Boolean, default=True)
    # Online voting in civic by identified citizens (civic.pb.voting), on these days only.
    online_voting: Mapped[bool] = mapped_column(
        sa.Boolean, default=False, server_default=sa.false()
    )
    online_starts_on: Mapped[dt.date | None] = mapped_column(sa.Date)
    online_ends_on: Mapped[dt.date | None] = mapped_column(sa.Date)
    config_toml: Mapped[str] = mapped_column(sa.Text, default="")
    # The counting commission as the protocol names it: [{"role", "full_name", "position"}].
    commission: Mapped[list] = mapped_column(sa.JSON, default=list)
    protocol_number: Mapped[str] = mapped_column(sa.String(40), default="")
    protocol_on: Mapped[dt.date | None] = mapped_column(sa.Date)
    status: Mapped[str] = mapped_column(sa.String(10), default=DRAFT)
    counted_on: Mapped[dt.date | None] = mapped_column(sa.Date)
    result: Mapped[dict | None] = mapped_column(sa.JSON)
    digest: Mapped[str | None] = mapped_column(sa.String(64))
    # SHA-256 of the ballots' fixed columns (civic.pb.digest), written when ballots are stored;
    # None: ballots changed since, the next count computes it.
    ballots_digest: Mapped[str | None] = mapped_column(sa.String(64))
    closed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    closed_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    personal_data_purged_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    version: Mapped[int] = mapped_column(sa.Integer, default=1)

    __mapper_args__ = {"version_id_col": version}

    categories: Mapped[list[Category]] = relationship(
        back_populates="edition",
        cascade="all, delete-orphan",
        order_by="Category.position",
        lazy="selectin",
    )

    @property
    def is_closed(self) -> bool:
        return self.status == CLOSED

    @property
    def budget(self) -> Decimal:
        return sum((c.budget for c in self.categories), Decimal(0))

    @property
    def status_title(self) -> str:
        return STATUS_TITLES.get(self.status, self.status)


class Category(Identified, db.Model):
    __tablename__ = "pb_categories"
    __table_args__ = (sa.UniqueConstraint("edition_id", "code"),)

    edition_id: Mapped[int] = mapped_column(sa.ForeignKey("pb_editions.id", ondelete="CASCADE"))
    code: Mapped[str] = mapped_column(sa.String(20))
    title: Mapped[str] = mapped_column(sa.String(200))
    budget: Mapped[Decimal] = mapped_column(sa.Numeric(14, 2))
    max_choices: Mapped[int] = mapped_column(sa.Integer, default=1)
    position: Mapped[int] = mapped_column(sa.Integer, default=0)

    edition: Mapped[Edition] = relationship(back_populates="categories")


class Project(Identified, db.Model):
    __tablename__ = "pb_projects"
    __table_args__ = (sa.UniqueConstraint("edition_id", "code"),)

    edition_id: Mapped[int] = mapped_column(
        sa.ForeignKey("pb_editions.id", ondelete="CASCADE"), index=True
    )
    code: Mapped[str] = mapped_column(sa.String(40))
    title: Mapped[str] = mapped_column(sa.String(400))
    category_code: Mapped[str] = mapped_column(sa.String(20))
    cost: Mapped[Decimal] = mapped_column(sa.Numeric(14, 2))
    submitted_on: Mapped[dt.date | None] = mapped_column(sa.Date)
    is_admitted: Mapped[bool] = mapped_column(sa.Boolean, default=True)
    # Where the project will be built (pabulib's `latitude` / `longitude`): the map of winners.
    latitude: Mapped[Decimal | None] = mapped_column(sa.Numeric(9, 6))
    longitude: Mapped[Decimal | None] = mapped_column(sa.Numeric(9, 6))


class ImportedFile(Identified, db.Model):
    """A file imported into an edition, by content hash, so the same file is never counted twice."""

    __tablename__ = "pb_imported_files"
    __table_args__ = (sa.UniqueConstraint("edition_id", "kind", "sha256"),)

    edition_id: Mapped[int] = mapped_column(sa.ForeignKey("pb_editions.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(sa.String(20))  # projects, ballots, pabulib
    filename: Mapped[str] = mapped_column(sa.String(300))
    sha256: Mapped[str] = mapped_column(sa.String(64))
    rows: Mapped[int] = mapped_column(sa.Integer, default=0)
    imported_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    imported_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL")
    )


class Ballot(Identified, db.Model):
    """A ballot as it counts: imported, from a pabulib file, or paper entered twice and agreed.

    The document is kept only as an HMAC of its normalised number (``voter_hash``), and of its
    last four characters (``check_hash``: the voter's second factor on the check-my-ballot
    page).  ``reason`` is the verdict of the last tally (None: valid, or not yet counted).
    ``frozen_reason`` and ``codes_key`` are written when the ballot is stored
    (:class:`civic.pb.ballots.FrozenChecks`: "" when they pass;
    :func:`civic.pb.ballots.codes_key`); None only for rows stored before they existed, which
    the next count fills in.  The count groups ballots by them (``ix_pb_ballots_groups`` covers
    its ``GROUP BY``).
    """

    __tablename__ = "pb_ballots"
    __table_args__ = (
        sa.UniqueConstraint("edition_id", "ballot_id"),
        # One online ballot cast in civic per identified person (civic.pb.voting).
        sa.UniqueConstraint("edition_id", "person_hash"),
        sa.Index("ix_pb_ballots_edition_id_receipt_hash", "edition_id", "receipt_hash"),
        sa.Index("ix_pb_ballots_edition_id_voter_hash", "edition_id", "voter_hash"),
        sa.Index(
            "ix_pb_ballots_groups", "edition_id", "frozen_reason", "codes_key", "channel", "reason"
        ),
    )

    edition_id: Mapped[int] = mapped_column(sa.ForeignKey("pb_editions.id", ondelete="CASCADE"))
    ballot_id: Mapped[str] = mapped_column(sa.String(60))
    channel: Mapped[str] = mapped_column(sa.String(10))  # paper, online
    source: Mapped[str] = mapped_column(sa.String(10))  # import, entry, pabulib, vote
    cast_on: Mapped[dt.date | None] = mapped_column(sa.Date)
    full_name: Mapped[str | None] = mapped_column(sa.String(200))
    has_name: Mapped[bool] = mapped_column(sa.Boolean, default=False)
    birth_date: Mapped[dt.date | None] = mapped_column(sa.Date)
    voter_hash: Mapped[str | None] = mapped_column(sa.String(64))
    settlement: Mapped[str | None] = mapped_column(sa.String(120))
    address: Mapped[str | None] = mapped_column(sa.String(300))
    projects: Mapped[str] = mapped_column(sa.Text, default="")
    import_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("pb_imported_files.id", ondelete="SET NULL")
    )
    reason: Mapped[str | None] = mapped_column(sa.String(30))
    frozen_reason: Mapped[str | None] = mapped_column(sa.String(30))
    codes_key: Mapped[str | None] = mapped_column(sa.Text)
    check_hash: Mapped[str | None] = mapped_column(sa.String(64))
    # A ballot cast online in civic (source "vote"): the identity's person key (unique per
    # edition), the keyed hash of the receipt code the voter was shown once, and whether the
    # settlement was declared by the voter (the provider gave no address: the commission checks).
    person_hash: Mapped[str | None] = mapped_column(sa.String(64))
    receipt_hash: Mapped[str | None] = mapped_column(sa.String(64))
    address_declared: Mapped[bool] = mapped_column(
        sa.Boolean, default=False, server_default=sa.false()
    )


class CountState(db.Model):
    """What the last count (or import) of an edition's ballots found, group by group, once every
    stored verdict (``Ballot.reason``) was brought in line: the next count reads this one row
    instead of a million ballots while the ballots (``ballots_digest``, which every path that
    stores or changes a ballot clears) and the judging rules (``rules_digest``) are the same
    (:mod:`civic.pb.grouping`).  ``groups`` is zlib-compressed JSON."""

    __tablename__ = "pb_count_states"

    edition_id: Mapped[int] = mapped_column(
        sa.ForeignKey("pb_editions.id", ondelete="CASCADE"), primary_key=True
    )
    ballots_digest: Mapped[str] = mapped_column(sa.String(64))
    rules_digest: Mapped[str] = mapped_column(sa.String(64))
    groups: Mapped[bytes] = mapped_column(sa.LargeBinary)


class CheckCounter(WindowCounter, db.Model):
    """Attempts of the check-my-ballot page in one fixed window, per address or form number.

    ``kind`` is "address" (the visitor's IP) or "form" (the form number typed); ``window_start``
    is Unix seconds.  Incremented by one upsert per attempt, so parallel gunicorn workers queue
    on the row and agree on the count.
    """

    __tablename__ = "pb_check_counters"
    __table_args__ = (
        sa.PrimaryKeyConstraint("edition_id", "kind", "key", "seconds", "window_start"),
    )

    edition_id: Mapped[int] = mapped_column(sa.ForeignKey("pb_editions.id", ondelete="CASCADE"))
    key: Mapped[str] = mapped_column(sa.String(64))


class Entry(Identified, db.Model):
    """One operator's typing of one paper ballot (copy 1 or 2)."""

    __tablename__ = "pb_entries"
    __table_args__ = (
        sa.UniqueConstraint("edition_id", "batch", "number", "copy"),
        sa.UniqueConstraint("edition_id", "batch", "number", "operator_id"),
    )

    edition_id: Mapped[int] = mapped_column(sa.ForeignKey("pb_editions.id", ondelete="CASCADE"))
    batch: Mapped[str] = mapped_column(sa.String(20))
    number: Mapped[str] = mapped_column(sa.String(20))
    copy: Mapped[int] = mapped_column(sa.Integer)
    operator_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    cast_on: Mapped[dt.date | None] = mapped_column(sa.Date)
    full_name: Mapped[str | None] = mapped_column(sa.String(200))
    birth_date: Mapped[dt.date | None] = mapped_column(sa.Date)
    document_hash: Mapped[str | None] = mapped_column(sa.String(64))
    check_hash: Mapped[str | None] = mapped_column(sa.String(64))
    settlement: Mapped[str | None] = mapped_column(sa.String(120))
    address: Mapped[str | None] = mapped_column(sa.String(300))
    projects: Mapped[str] = mapped_column(sa.Text, default="")
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)

    operator = relationship("User", lazy="joined")


class Discrepancy(Identified, db.Model):
    """Two entries of one paper ballot that differ; a commission member decides on the paper."""

    __tablename__ = "pb_discrepancies"
    __table_args__ = (sa.UniqueConstraint("edition_id", "batch", "number"),)

    edition_id: Mapped[int] = mapped_column(sa.ForeignKey("pb_editions.id", ondelete="CASCADE"))
    batch: Mapped[str] = mapped_column(sa.String(20))
    number: Mapped[str] = mapped_column(sa.String(20))
    fields: Mapped[list] = mapped_column(sa.JSON, default=list)
    is_resolved: Mapped[bool] = mapped_column(sa.Boolean, default=False)
    resolved_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    resolved_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    note: Mapped[str | None] = mapped_column(sa.Text)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    version: Mapped[int] = mapped_column(sa.Integer, default=1)

    __mapper_args__ = {"version_id_col": version}

    resolved_by = relationship("User", lazy="joined")


# What became of the winners (issue 17 point 3): its own file, registered with the other tables.
from civic.pb.implementation_models import Implementation, Milestone  # noqa: E402, F401
