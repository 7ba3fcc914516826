"""Moderators saving an answered petition's first follow-up at the same moment, as deployed
(gunicorn -w 2 --threads 4 on PostgreSQL): one row, one audit event per save, no server error."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select

from civic.audit.models import AuditEvent
from civic.extensions import db
from civic.petitions.followup_models import PetitionFollowup
from tests.support.served import Browser, Gunicorn, at_once

PARALLEL = 6
PASSWORD = "follow-up-moderator-2026"
D = dt.date


@pytest.mark.postgresql_only
def test_parallel_first_follow_ups_keep_one_row_and_no_server_error(
    database_url, tmp_path, answered, create_user
):
    petition = answered
    for n in range(PARALLEL):
        create_user(f"follow{n}", "moderator", password=PASSWORD)
    page = f"/staff/petitions/{petition.id}"
    with Gunicorn(database_url, tmp_path / "instance") as server:
        staff = [Browser(server.url).log_in(f"follow{n}", PASSWORD) for n in range(PARALLEL)]
        tokens = [s.get(page).csrf() for s in staff]
        answers = at_once(
            PARALLEL,
            lambda i: staff[i].post(
                f"{page}/followup",
                {"csrf_token": tokens[i], "action": f"Дія {i}", "status": "promised"},
            ),
        )
        statuses = [getattr(a, "status", repr(a)) for a in answers]
        assert statuses == [302] * PARALLEL, server.output()
    db.session.expire_all()
    (row,) = db.session.scalars(select(PetitionFollowup)).all()
    assert row.action in {f"Дія {i}" for i in range(PARALLEL)}
    events = db.session.scalar(
        select(func.count()).select_from(AuditEvent).where(AuditEvent.action == "petition.followup")
    )
    assert events == PARALLEL
