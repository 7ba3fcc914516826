"""Two commission members saving one winner's implementation at the same moment, as deployed
(gunicorn -w 2 --threads 4 on PostgreSQL): one first record, no lost update, no server error."""

from __future__ import annotations

import re
from urllib.parse import quote

import pytest
from sqlalchemy import func, select

from civic.audit.models import AuditEvent
from civic.extensions import db
from civic.pb.implementation_models import Implementation
from tests.support.served import Browser, Gunicorn, at_once

SLUG = "gb-2021"
PARALLEL = 6


def _updates() -> int:
    return db.session.scalar(
        select(func.count())
        .select_from(AuditEvent)
        .where(AuditEvent.action == "pb.implementation_updated")
    )


@pytest.mark.postgresql_only
def test_parallel_saves_of_one_winner_keep_one_record_and_lose_no_update(
    app, database_url, tmp_path, create_user, closed
):
    code = closed.result["selected"][0]
    for n in range(PARALLEL):
        create_user(f"member{n}", "commission", password=f"counting-member-{n}-2026")
    db.session.commit()
    page = f"/staff/pb/{SLUG}/implementation"
    with Gunicorn(database_url, tmp_path / "instance") as server:
        members = [
            Browser(server.url).log_in(f"member{n}", f"counting-member-{n}-2026")
            for n in range(PARALLEL)
        ]
        tokens = [m.get(page).csrf() for m in members]

        def first_record(i):
            return members[i].post(
                f"{page}/{quote(code)}",
                {
                    "csrf_token": tokens[i],
                    f"p-{code}-status": "contract",
                    f"p-{code}-percent_done": str(i),
                    f"p-{code}-version": "0",
                },
            )

        created = at_once(PARALLEL, first_record)
        assert [r.status for r in created] == [302] * PARALLEL, [
            getattr(r, "text", r) for r in created
        ]
        db.session.expire_all()
        (row,) = db.session.scalars(select(Implementation)).all()
        assert _updates() == 1 and row.version == 1 and row.percent_done in range(PARALLEL)
        told = [m.get(page).text for m in members]
        assert sum("щойно змінив" in t for t in told) == PARALLEL - 1

        # Everyone saw version 1; they all save at once: one wins, the others are told.
        seen = [
            re.search(r'name="p-[^"]+-version"[^>]*value="(\d+)"', m.get(page).text)
            for m in members
        ]
        assert all(s and s.group(1) == "1" for s in seen)

        def update(i):
            return members[i].post(
                f"{page}/{quote(code)}",
                {
                    "csrf_token": tokens[i],
                    f"p-{code}-status": "works",
                    f"p-{code}-percent_done": str(50 + i),
                    f"p-{code}-version": "1",
                },
            )

        updated = at_once(PARALLEL, update)
        assert [r.status for r in updated] == [302] * PARALLEL
        db.session.expire_all()
        row = db.session.get(Implementation, row.id)
        assert row.version == 2 and row.status == "works" and 50 <= row.percent_done < 50 + PARALLEL
        assert _updates() == 2  # exactly one of the parallel saves was kept
        told = [m.get(page).text for m in members]
        assert sum("щойно змінив" in t for t in told) == PARALLEL - 1
        assert "Traceback" not in server.output()
