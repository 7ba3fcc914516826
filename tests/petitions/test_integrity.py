"""Issue 12, "integrity under attack": signature counting, confirmation mail, bulk invalidation.

The races run against the app as deployed (gunicorn -w 2 --threads 4) on SQLite and PostgreSQL.
"""

from __future__ import annotations

import re

from sqlalchemy import func, select, update

from civic.audit.models import AuditEvent
from civic.extensions import db
from civic.mail.models import OutboxMessage
from civic.petitions import services
from civic.petitions.models import Invalidation, Petition, Signature
from tests.support.served import Browser, Gunicorn, Response, at_once

LINK = re.compile(r"/petitions/signatures/([A-Za-z0-9_-]+)")


def counted(petition_id: int) -> int:
    return db.session.scalar(
        select(func.count(Signature.id)).where(
            Signature.petition_id == petition_id,
            Signature.confirmed_at.is_not(None),
            Signature.invalidated_at.is_(None),
        )
    )


def stored_count(petition_id: int) -> int:
    db.session.expire_all()
    return db.session.get(Petition, petition_id).signature_count


def last_link_token(recipient: str) -> str:
    body = db.session.scalars(
        select(OutboxMessage.body)
        .where(OutboxMessage.recipient == recipient)
        .order_by(OutboxMessage.id.desc())
    ).first()
    return LINK.search(body).group(1)


def events(action: str) -> list[AuditEvent]:
    return list(
        db.session.scalars(
            select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id)
        )
    )


# --- point 1: one confirmation link, many requests -------------------------------------------


def test_one_link_posted_20_times_at_once_counts_one_signature(
    database_url, tmp_path, make_petition
):
    petition = make_petition("collecting", on=services.today_kyiv(), signatures=3)
    services.sign_petition(
        petition, "Коваль Ірина Петрівна", "koval@example.com", ip="10.0.0.2", now=services.utcnow()
    )
    db.session.commit()
    petition_id, token = petition.id, last_link_token("koval@example.com")
    before = stored_count(petition_id)
    assert before == counted(petition_id) == 3
    db.session.remove()

    with Gunicorn(database_url, tmp_path / "served") as server:
        path = f"/petitions/signatures/{token}"
        visitors = [Browser(server.url) for _ in range(20)]
        csrf = [visitor.get(path).csrf() for visitor in visitors]
        results = at_once(20, lambda i: visitors[i].post(path, {"csrf_token": csrf[i]}))
        log = server.output()

    assert all(isinstance(r, Response) for r in results), results
    statuses = sorted(r.status for r in results)
    assert all(status < 500 for status in statuses), (statuses, log[-3000:])
    thanked = [r for r in results if r.status == 200 and "підпис зараховано" in r.text]
    assert len(thanked) == 1, statuses
    assert stored_count(petition_id) == counted(petition_id) == before + 1


# --- point 1: the tick recounts -------------------------------------------------------------


def test_tick_corrects_a_tampered_counter_and_records_the_correction(make_petition, runner, caplog):
    petition = make_petition("collecting", on=services.today_kyiv(), signatures=2)
    honest = make_petition("collecting", on=services.today_kyiv(), signatures=1)
    db.session.execute(
        update(Petition).where(Petition.id == petition.id).values(signature_count=251)
    )
    db.session.commit()

    with caplog.at_level("WARNING", logger="civic.petitions.services"):
        result = runner.invoke(args=["petitions", "tick"])

    assert result.exit_code == 0, result.output
    assert f"№ {petition.id}: лічильник підписів 251 → 2" in result.output
    assert f"№ {honest.id}: лічильник" not in result.output
    assert stored_count(petition.id) == counted(petition.id) == 2
    assert stored_count(honest.id) == 1
    (event,) = events("petition.signature_count_corrected")
    assert event.object_id == str(petition.id)
    assert (event.details["stored"], event.details["counted"]) == (251, 2)
    assert any(
        "251" in r.getMessage() and str(petition.id) in r.getMessage() for r in caplog.records
    )
    # a second tick finds nothing to correct
    again = runner.invoke(args=["petitions", "tick"])
    assert "лічильник" not in again.output
    assert len(events("petition.signature_count_corrected")) == 1
