"""Every table's rows, to prove that a failed or killed operation changed nothing."""

from __future__ import annotations

from sqlalchemy import MetaData, select

from civic.extensions import db


def reflected() -> MetaData:
    meta = MetaData()
    meta.reflect(bind=db.engine)
    return meta


def snapshot(meta: MetaData | None = None, *, session: bool = False) -> dict[str, list[tuple]]:
    """All rows of all tables in primary-key order: through a fresh connection, or through the
    app's session (``session=True``, as the view would see it after its rollback)."""
    meta = meta or reflected()
    out = {}
    if session:
        for name, table in sorted(meta.tables.items()):
            order = list(table.primary_key.columns) or list(table.columns)
            out[name] = [tuple(r) for r in db.session.execute(select(table).order_by(*order))]
        db.session.rollback()
        return out
    with db.engine.connect() as conn:
        for name, table in sorted(meta.tables.items()):
            order = list(table.primary_key.columns) or list(table.columns)
            out[name] = [tuple(r) for r in conn.execute(select(table).order_by(*order))]
    return out
