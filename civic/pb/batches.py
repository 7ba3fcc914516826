"""What the ballot-entry page shows about a batch, and invalid ballots in natural order."""

from __future__ import annotations

import math
from dataclasses import dataclass

from natsort import natsort_keygen
from sqlalchemy import func, select

from civic.extensions import db
from civic.pb.models import Entry

_natural = natsort_keygen()


def count_batch_entries(edition, batch: str, operator) -> tuple[int, int]:
    """Forms of ``batch`` typed so far: by ``operator``, and by anyone (both copies count once)."""
    if not batch:
        return 0, 0
    where = (Entry.edition_id == edition.id, Entry.batch == batch)
    mine = db.session.scalar(
        select(func.count()).select_from(Entry).where(*where, Entry.operator_id == operator.id)
    )
    forms = db.session.scalar(select(func.count(func.distinct(Entry.number))).where(*where))
    return mine or 0, forms or 0


@dataclass
class Page:
    """The attributes of a Flask-SQLAlchemy page that the templates use."""

    items: list
    page: int
    per_page: int
    total: int

    @property
    def pages(self) -> int:
        return max(1, math.ceil(self.total / self.per_page))

    @property
    def has_prev(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages

    @property
    def prev_num(self) -> int:
        return self.page - 1

    @property
    def next_num(self) -> int:
        return self.page + 1


def natural_page(keys: list[tuple[str, int]], model, *, page: int, per_page: int) -> Page:
    """One page of ``model`` rows given ``(label, id)`` pairs, ordered naturally by label."""
    page = max(page, 1)
    ordered = sorted(keys, key=lambda k: _natural(k[0]))
    chosen = [row_id for _label, row_id in ordered[(page - 1) * per_page : page * per_page]]
    rows = {r.id: r for r in db.session.scalars(select(model).where(model.id.in_(chosen)))}
    return Page([rows[i] for i in chosen if i in rows], page, per_page, len(ordered))
