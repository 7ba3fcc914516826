"""Demo data: the journal of November 2020 that reproduces the department's real report."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import func, select

from civic.extensions import db
from civic.reports import demo_data, journal, services
from civic.reports.models import JournalEntry, Occasion


def load_demo(echo) -> None:
    services.ensure_defaults()
    template = services.get_template()
    if not template.signer_position:
        template.signer_position = demo_data.SIGNER_POSITION
    if not template.signer_name:
        template.signer_name = demo_data.SIGNER_NAME
    first, last = dt.date(2020, 11, 1), dt.date(2020, 11, 30)
    existing = db.session.scalar(
        select(func.count(JournalEntry.id)).where(JournalEntry.occurred_on.between(first, last))
    )
    if not existing:
        occasions = {o.name: o.id for o in db.session.scalars(select(Occasion))}
        for on, code, title, count, link, occasion in demo_data.NOVEMBER_2020:
            journal.add_entry(
                occurred_on=on,
                type_code=code,
                title=title,
                count=count,
                link=link,
                occasion_id=occasions.get(occasion) if occasion else None,
                audit=False,
            )
    db.session.flush()
    echo(
        "Звіт: журнал за листопад 2020 року (316 новин, 125 актів, 60 матеріалів з фото, "
        "5 привітань); `civic report pdf --month 2020-11 --out звіт.pdf`."
    )
