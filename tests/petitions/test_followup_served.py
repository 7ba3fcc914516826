"""Moderators recording the first follow-up of one answer at the same moment, as deployed
(gunicorn -w 2 --threads 4 on PostgreSQL): one record, no server error.

Each request reads "no row yet" and INSERTs the same primary key; the first save runs in a
savepoint, so the losers update the one row instead of answering 500.
"""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from civic.extensions import db
from civic.petitions import services
from civic.petitions.followup_models import PetitionFollowup
from tests.conftest import STAFF_PASSWORD
from tests.petitions.conftest import under_consideration
from tests.support.served import Browser, Gunicorn, at_once

PARALLEL = 6


@pytest.mark.postgresql_only
def test_parallel_first_follow_ups_keep_one_record_and_no_error(
    database_url, tmp_path, create_user, make_petition, moderators
):
    petition = under_consideration(make_petition, moderators[0])
    services.record_answer(
        petition,
        actor=moderators[1],
        version=None,
        outcome="partly",
        text="Перехід облаштують навесні.",
        answered_on=dt.date(2020, 11, 10),
        today=dt.date(2020, 11, 10),
    )
    for n in range(PARALLEL):
        create_user(f"desk{n}", "moderator")
    db.session.commit()
    page = f"/staff/petitions/{petition.id}"
    with Gunicorn(database_url, tmp_path / "instance") as server:
        desks = []
        for n in range(PARALLEL):
            desk = Browser(server.url)
            answer = desk.submit("/login", {"login": f"desk{n}", "password": STAFF_PASSWORD})
            assert answer.status == 302, answer.text[:500]
            desk.token = desk.get(page).csrf()
            desks.append(desk)

        def record(i):
            return desks[i].post(
                f"{page}/followup",
                {"csrf_token": desks[i].token, "action": f"Дія {i}", "status": "promised"},
            )

        answers = at_once(PARALLEL, record)
        statuses = [getattr(a, "status", repr(a)) for a in answers]
        output = server.output()
    assert statuses == [302] * PARALLEL, output[-3000:]
    db.session.expire_all()
    (row,) = db.session.scalars(
        select(PetitionFollowup).where(PetitionFollowup.petition_id == petition.id)
    ).all()
    assert row.action in {f"Дія {i}" for i in range(PARALLEL)}
    assert "Traceback" not in output
