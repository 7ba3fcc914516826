from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from civic.database import Identified, UTCDateTime, WindowCounter, utcnow
from civic.extensions import db
from civic.mail.services import forget_when_replaced
from civic.petitions.lifecycle import State


class RefusalReasonRow(db.Model):
    """The seeded catalogue of refusal reasons (see lifecycle.REFUSAL_REASONS)."""

    __tablename__ = "petition_refusal_reasons"

    code: Mapped[str] = mapped_column(sa.String(40), primary_key=True)
    title: Mapped[str] = mapped_column(sa.String(200))
    legal_basis: Mapped[str] = mapped_column(sa.String(300))
    public_explanation: Mapped[str] = mapped_column(sa.Text)
    is_hidden: Mapped[bool] = mapped_column(sa.Boolean, default=False)
    needs_second_moderator: Mapped[bool] = mapped_column(sa.Boolean, default=False)
    needs_text: Mapped[bool] = mapped_column(sa.Boolean, default=False)
    sort_order: Mapped[int] = mapped_column(sa.Integer, default=0)


class Petition(Identified, db.Model):
    __tablename__ = "petitions"
    __table_args__ = (sa.Index("ix_petitions_state", "state"),)

    title: Mapped[str] = mapped_column(sa.String(200))
    text: Mapped[str] = mapped_column(sa.Text)
    author_name: Mapped[str] = mapped_column(sa.String(200))
    # Title and text folded by screening.normalise (case, apostrophes, look-alike letters), so
    # search works the same on SQLite (whose LIKE folds ASCII only) and PostgreSQL.
    search_text: Mapped[str] = mapped_column(sa.Text, default="")
    author_email: Mapped[str | None] = mapped_column(sa.String(254))
    state: Mapped[str] = mapped_column(sa.String(20), default=State.UNCONFIRMED.value)
    version_id: Mapped[int] = mapped_column(sa.Integer, nullable=False)
    author_token_hash: Mapped[str | None] = mapped_column(sa.String(64), unique=True)
    submitted_ip: Mapped[str | None] = mapped_column(sa.String(45))

    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    confirmed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    confirmed_on: Mapped[dt.date | None] = mapped_column(sa.Date)
    moderation_due_on: Mapped[dt.date | None] = mapped_column(sa.Date)
    calendar_version: Mapped[str | None] = mapped_column(sa.String(40))

    decided_on: Mapped[dt.date | None] = mapped_column(sa.Date)
    decided_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    published_on: Mapped[dt.date | None] = mapped_column(sa.Date)
    collection_ends_on: Mapped[dt.date | None] = mapped_column(sa.Date)
    threshold: Mapped[int | None] = mapped_column(sa.Integer)

    refusal_reason_code: Mapped[str | None] = mapped_column(
        sa.ForeignKey("petition_refusal_reasons.code")
    )
    refusal_explanation: Mapped[str] = mapped_column(sa.Text, default="")
    duplicate_of_id: Mapped[int | None] = mapped_column(sa.ForeignKey("petitions.id"))
    refusal_proposed_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    refused_on: Mapped[dt.date | None] = mapped_column(sa.Date)
    is_text_hidden: Mapped[bool] = mapped_column(sa.Boolean, default=False)

    withdrawn_on: Mapped[dt.date | None] = mapped_column(sa.Date)
    closed_on: Mapped[dt.date | None] = mapped_column(sa.Date)
    reached_threshold: Mapped[bool | None] = mapped_column(sa.Boolean)
    consideration_started_on: Mapped[dt.date | None] = mapped_column(sa.Date)
    answer_due_on: Mapped[dt.date | None] = mapped_column(sa.Date)
    answer_outcome: Mapped[str | None] = mapped_column(sa.String(20))
    answer_text: Mapped[str] = mapped_column(sa.Text, default="")
    answer_url: Mapped[str] = mapped_column(sa.String(500), default="")
    answered_on: Mapped[dt.date | None] = mapped_column(sa.Date)
    archived_on: Mapped[dt.date | None] = mapped_column(sa.Date)
    taken_down_on: Mapped[dt.date | None] = mapped_column(sa.Date)
    takedown_reason: Mapped[str] = mapped_column(sa.Text, default="")
    personal_data_purged_on: Mapped[dt.date | None] = mapped_column(sa.Date)

    signature_count: Mapped[int] = mapped_column(sa.Integer, default=0)

    # The soft lock: who opened the petition for moderation last, and when.
    locked_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    locked_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)

    # Loaded when used (refused petitions, the moderators' pages), not with every petition.
    refusal_reason: Mapped[RefusalReasonRow | None] = relationship()
    locked_by = relationship("User", foreign_keys=[locked_by_id])
    refusal_proposed_by = relationship("User", foreign_keys=[refusal_proposed_by_id])

    __mapper_args__ = {"version_id_col": version_id}

    @property
    def state_enum(self) -> State:
        return State(self.state)


class Signature(Identified, db.Model):
    __tablename__ = "petition_signatures"
    __table_args__ = (
        sa.UniqueConstraint("petition_id", "email_hash"),
        # One signature per identified person (docs/identity.md); NULL for e-mail signatures.
        sa.UniqueConstraint("petition_id", "person_hash"),
        sa.Index("ix_petition_signatures_petition_confirmed", "petition_id", "confirmed_at"),
    )

    petition_id: Mapped[int] = mapped_column(sa.ForeignKey("petitions.id", ondelete="CASCADE"))
    full_name: Mapped[str] = mapped_column(sa.String(200))
    # Raw address, kept until the retention period after closing ends (then None).
    email: Mapped[str | None] = mapped_column(sa.String(254))
    # HMAC-SHA256 of the normalised address: de-duplication survives anonymisation.
    email_hash: Mapped[str] = mapped_column(sa.String(64))
    email_domain: Mapped[str] = mapped_column(sa.String(254))
    ip: Mapped[str | None] = mapped_column(sa.String(45))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    token_hash: Mapped[str | None] = mapped_column(sa.String(64), unique=True)
    # When the last confirmation link was mailed: at most one per PETITION_CONFIRMATION_MAIL_MINUTES.
    confirmation_mailed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    confirmed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    invalidated_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    invalidation_id: Mapped[int | None] = mapped_column(sa.ForeignKey("petition_invalidations.id"))
    # The signer asked (at signing) to be mailed when the answer is published; purged with
    # the address.
    notify_on_answer: Mapped[bool] = mapped_column(
        sa.Boolean, default=False, server_default=sa.false()
    )
    # Signed through an identity provider (civic/identity): the keyed hash of the person's
    # РНОКПП / УНЗР / passport number (kept after the purge, like email_hash) and the method
    # ("dig_sign", "bank_id", "mobile_id", "dev"); both NULL for an e-mail signature.
    person_hash: Mapped[str | None] = mapped_column(sa.String(64))
    identity_method: Mapped[str | None] = mapped_column(sa.String(20))


class SignatureHour(db.Model):
    """Counted signatures (confirmed, not invalidated) of a petition per UTC hour of
    confirmation, for the petition page's chart. Written only by the database's triggers on
    ``petition_signatures`` (migration 0022), so it equals the grouped count whoever writes."""

    __tablename__ = "petition_signature_hours"

    petition_id: Mapped[int] = mapped_column(
        sa.ForeignKey("petitions.id", ondelete="CASCADE"), primary_key=True
    )
    hour: Mapped[dt.datetime] = mapped_column(sa.DateTime, primary_key=True)  # naive UTC
    count: Mapped[int] = mapped_column(sa.Integer)


class Invalidation(Identified, db.Model):
    """One bulk invalidation of fraudulent signatures, with its criteria.

    Large ones are first ``proposed`` by one moderator and ``applied`` or ``rejected`` by
    another (``decided_by``); small ones are ``applied`` at once.
    """

    __tablename__ = "petition_invalidations"

    petition_id: Mapped[int] = mapped_column(sa.ForeignKey("petitions.id", ondelete="CASCADE"))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    email_domain: Mapped[str] = mapped_column(sa.String(254), default="")
    ip_network: Mapped[str] = mapped_column(sa.String(50), default="")
    signed_from: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    signed_to: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    reason: Mapped[str] = mapped_column(sa.Text, default="")
    count: Mapped[int] = mapped_column(sa.Integer, default=0)
    status: Mapped[str] = mapped_column(sa.String(20), default="applied", server_default="applied")
    decided_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    decided_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)

    created_by = relationship("User", foreign_keys=[created_by_id])
    decided_by = relationship("User", foreign_keys=[decided_by_id])


class SignCounter(WindowCounter, db.Model):
    """Signings of one petition in one fixed window, per canonical address, domain or IP block.

    ``kind`` is "address" (``key`` the keyed hash of the canonical address), "domain" or
    "block" (``203.0.113.0/24``); ``window_start`` is Unix seconds. The row is incremented with
    one upsert inside the signing transaction, so parallel workers queue on it and a refused
    signing (rolled back) does not count. ``civic petitions tick`` deletes windows that ended.
    """

    __tablename__ = "petition_sign_counters"
    __table_args__ = (
        sa.PrimaryKeyConstraint("petition_id", "kind", "key", "seconds", "window_start"),
    )

    petition_id: Mapped[int] = mapped_column(sa.ForeignKey("petitions.id", ondelete="CASCADE"))
    key: Mapped[str] = mapped_column(sa.String(254))


# A mailed confirmation link stops being kept in the outbox once its token is spent or replaced.
forget_when_replaced(Petition.author_token_hash)
forget_when_replaced(Signature.token_hash)


# The follow-up of an answer (issue 17 point 3): its own file, registered with the other tables.
from civic.petitions.followup_models import PetitionFollowup  # noqa: E402, F401
