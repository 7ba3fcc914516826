"""The audit chain's hashing rule as plain data, and tamper detection through the database."""

import pytest
from sqlalchemy import text

from civic.audit.chain import GENESIS, ChainedEvent, event_hash, verify_chain
from civic.audit.models import AuditEvent
from civic.audit.services import record_event, verify_audit_chain
from civic.extensions import db


def _chain(payloads):
    prev, out = GENESIS, []
    for i, payload in enumerate(payloads, 1):
        h = event_hash(prev, payload)
        out.append(ChainedEvent(i, payload, prev, h))
        prev = h
    return out


def test_intact_chain_verifies():
    events = _chain([{"a": 1}, {"b": "ґєїʼ"}, {"c": [1, 2]}])
    assert verify_chain(events).ok and verify_chain(events).count == 3


@pytest.mark.parametrize("index", [0, 1, 2])
def test_any_changed_payload_is_found(index):
    events = _chain([{"n": 1}, {"n": 2}, {"n": 3}])
    e = events[index]
    events[index] = ChainedEvent(e.id, {"n": 99}, e.prev_hash, e.hash)
    result = verify_chain(events)
    assert not result.ok and result.broken_id == index + 1 and result.count == index


def test_deleted_event_is_found():
    events = _chain([{"n": 1}, {"n": 2}, {"n": 3}])
    result = verify_chain([events[0], events[2]])
    assert not result.ok and result.broken_id == 3


def test_key_order_does_not_matter():
    assert event_hash(GENESIS, {"a": 1, "b": 2}) == event_hash(GENESIS, {"b": 2, "a": 1})


def test_recorded_events_chain_and_verify(app, runner):
    for i in range(5):
        record_event("test.action", object_type="thing", object_id=i, details={"i": i, "t": "ї"})
    db.session.commit()
    assert verify_audit_chain().ok
    result = runner.invoke(args=["audit", "verify"])
    assert result.exit_code == 0
    assert result.output.strip() == "OK 5 events"


def test_edit_behind_the_apps_back_is_detected(app, runner):
    for i in range(4):
        record_event("test.action", details={"i": i})
    db.session.commit()
    db.session.execute(text("UPDATE audit_events SET action = 'forged' WHERE id = 3"))
    db.session.commit()
    result = runner.invoke(args=["audit", "verify"])
    assert result.exit_code == 1
    assert "event 3" in result.output


def test_deleted_row_is_detected(app, runner):
    for i in range(3):
        record_event("test.action", details={"i": i})
    db.session.commit()
    db.session.execute(text("DELETE FROM audit_events WHERE id = 2"))
    db.session.commit()
    assert runner.invoke(args=["audit", "verify"]).exit_code == 1


def test_details_with_decimals_and_dates_survive_the_round_trip(app):
    import datetime as dt
    from decimal import Decimal

    record_event(
        "test.values", details={"money": Decimal("399500.00"), "on": dt.date(2020, 11, 23)}
    )
    db.session.commit()
    db.session.expire_all()
    event = db.session.scalar(db.select(AuditEvent))
    assert event.details == {"money": "399500.00", "on": "2020-11-23"}
    assert verify_audit_chain().ok


def test_logins_are_audited(client, create_user):
    create_user("ira", "editor", password="correct-horse")
    client.post("/login", data={"login": "ira", "password": "bad-password"})
    client.post("/login", data={"login": "ira", "password": "correct-horse"})
    actions = db.session.scalars(db.select(AuditEvent.action).order_by(AuditEvent.id)).all()
    assert actions[-2:] == ["auth.login_failed", "auth.login"]
    assert verify_audit_chain().ok


def test_audit_page_for_admin(client, create_user, login):
    create_user("boss", "admin")
    login("boss")
    html = client.get("/staff/audit").get_data(as_text=True)
    assert "auth.login" in html and "Журнал аудиту" in html
