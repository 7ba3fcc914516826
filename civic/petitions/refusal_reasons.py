"""The catalogue of refusal reasons in the database, seeded from ``lifecycle.REFUSAL_REASONS``
(each with its legal basis, DOMAIN.md); moderators pick one when refusing."""

from __future__ import annotations

from dataclasses import asdict

from sqlalchemy import select

from civic.extensions import db
from civic.petitions import lifecycle
from civic.petitions.models import RefusalReasonRow


def ensure_refusal_reasons() -> int:
    """Insert the catalogue's reasons that are missing (idempotent); returns how many.

    Migration ``0012_seed_defaults`` does it at ``civic db upgrade``; reads never call this."""
    have = set(db.session.scalars(select(RefusalReasonRow.code)))
    added = 0
    for order, reason in enumerate(lifecycle.REFUSAL_REASONS):
        if reason.code in have:
            continue
        # The row's columns are the reason's fields, plus its place in the catalogue.
        db.session.add(RefusalReasonRow(**asdict(reason), sort_order=order))
        added += 1
    if added:
        db.session.flush()
    return added


def list_refusal_reasons() -> list[RefusalReasonRow]:
    return list(db.session.scalars(select(RefusalReasonRow).order_by(RefusalReasonRow.sort_order)))


def reason_of(row: RefusalReasonRow) -> lifecycle.RefusalReason:
    return lifecycle.RefusalReason(
        row.code,
        row.title,
        row.legal_basis,
        row.public_explanation,
        row.is_hidden,
        row.needs_second_moderator,
        row.needs_text,
    )
