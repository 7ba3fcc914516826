"""Tampering with a real database behind civic's back, then `civic audit verify`.

Events are created through the app (logins over HTTP, a staff account); the tampering goes
through a separate raw connection, as someone with database access but without the instance
folder would do it.
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import sqlalchemy as sa

from civic.audit.chain import GENESIS, RECORDS, canonical_json, legacy_hash
from civic.audit.models import AuditEvent, event_payload
from civic.audit.services import record_event
from civic.extensions import db
from civic.formatting import agree

REPO = Path(__file__).resolve().parents[2]
ALL_ROWS = sa.select(AuditEvent.__table__).order_by(AuditEvent.__table__.c.id)


@pytest.fixture
def events(app, client, create_user):
    """Seven real events: an account created, failed and successful logins, a logout."""
    create_user("ira", "editor", password="correct-horse")
    client.post("/login", data={"login": "ira", "password": "bad-password"})
    client.post("/login", data={"login": "nobody", "password": "x"})
    client.post("/login", data={"login": "ira", "password": "correct-horse"})
    client.post("/logout")
    record_event("test.action", details={"сума": "399500.00"})
    db.session.commit()
    count = db.session.scalar(sa.select(sa.func.count()).select_from(AuditEvent))
    assert count >= 5
    db.session.remove()
    return count


@pytest.fixture
def raw(database_url):
    """A connection of its own to the same database: what an intruder would use."""
    engine = sa.create_engine(database_url.replace("postgresql://", "postgresql+psycopg://"))
    if engine.dialect.name == "postgresql":
        # The table's owner can switch off the append-only trigger; so can an intruder who
        # holds that role. Everything below is what the chain and the anchor must still catch.
        with engine.begin() as conn:
            conn.execute(sa.text("ALTER TABLE audit_events DISABLE TRIGGER USER"))

    def run(sql, **params):
        with engine.begin() as conn:
            statement = sa.text(sql) if isinstance(sql, str) else sql
            result = conn.execute(statement, params)
            return result.all() if result.returns_rows else None

    yield run
    engine.dispose()


def verify(runner):
    db.session.remove()
    result = runner.invoke(args=["audit", "verify"])
    return result.exit_code, result.output


def anchor_file(app) -> Path:
    return Path(app.instance_path) / "audit_anchor.json"


def test_untouched_chain_verifies_and_is_anchored(app, runner, events):
    code, out = verify(runner)
    assert (code, out.strip()) == (0, f"OK {events} events")
    anchor = json.loads(anchor_file(app).read_text())
    last = db.session.execute(
        sa.select(AuditEvent.id, AuditEvent.hash).order_by(AuditEvent.id.desc()).limit(1)
    ).one()
    assert anchor == {"count": events, "head": last.hash, "keyed_from": 1}
    assert oct(os.stat(Path(app.instance_path) / "audit_key").st_mode & 0o777) == "0o600"


def test_deleted_tail(runner, raw, events):
    raw("DELETE FROM audit_events WHERE id > :n", n=events - 2)
    code, out = verify(runner)
    assert code == 1, out
    assert (
        f"видалено останні записи: журнал закінчується на id {events - 2}, а якір зафіксував "
        f"{events} записів"
    ) in out


def test_deleted_all(runner, raw, events):
    raw("DELETE FROM audit_events")
    code, out = verify(runner)
    assert (
        code == 1
        and f"усі записи журналу видалено: якір зафіксував {agree(events, RECORDS)}" in out
    )


def test_edited_row(runner, raw, events):
    raw("UPDATE audit_events SET action = 'auth.nothing_happened' WHERE id = 3")
    code, out = verify(runner)
    assert (
        code == 1 and "запис id 3: вміст не відповідає хешу — запис змінено або підроблено" in out
    )


def test_edited_note(runner, raw, events):
    raw("UPDATE audit_events SET note = 'погоджено заднім числом' WHERE id = 2")
    code, out = verify(runner)
    assert code == 1 and "запис id 2: змінено поле note" in out


def _recompute_unkeyed(raw, start: int, end: int | None = None) -> None:
    """What the old `civic audit verify` accepted: edit a row, then re-hash it and every later
    row with plain SHA-256 (all an intruder without the key can compute)."""
    rows = raw(ALL_ROWS)
    prev = GENESIS
    for row in rows:
        if row.id >= start and (end is None or row.id <= end):
            payload = event_payload(row)
            if row.id == start:
                payload["action"] = "auth.nothing_happened"
            new = legacy_hash(prev, payload)
            raw(
                "UPDATE audit_events SET action = :a, prev_hash = :p, hash = :h WHERE id = :i",
                a=payload["action"],
                p=prev,
                h=new,
                i=row.id,
            )
            prev = new
        else:
            prev = row.hash


def test_edited_and_recomputed_chain(runner, raw, events):
    _recompute_unkeyed(raw, 2)
    code, out = verify(runner)
    assert code == 1
    assert f"записи id 2–{events}: хеш обчислено без ключа" in out
    assert f"запис id {events} не збігається з якорем" in out


def test_recomputed_with_a_guessed_key(runner, raw, events):
    import hmac

    rows = raw(ALL_ROWS)
    prev = GENESIS
    for row in rows:
        payload = event_payload(row)
        data = b"civic-audit-v2\n" + (prev + "\n" + canonical_json(payload)).encode()
        new = hmac.new(b"test-secret", data, hashlib.sha256).hexdigest()
        raw(
            "UPDATE audit_events SET prev_hash = :p, hash = :h WHERE id = :i",
            p=prev,
            h=new,
            i=row.id,
        )
        prev = new
    code, out = verify(runner)
    assert code == 1 and "ключ змінено (AUDIT_KEY, файл audit_key) або журнал замінено" in out


def test_inserted_row(runner, raw, events):
    row = raw("SELECT * FROM audit_events WHERE id = :n", n=events)[0]
    raw(
        "INSERT INTO audit_events (id, created_at, action, details, prev_hash, hash) "
        "VALUES (:i, :c, 'auth.login', '{}', :p, :h)",
        i=events + 1,
        c=row.created_at,
        p=row.hash,
        h=hashlib.sha256(b"forged").hexdigest(),
    )
    code, out = verify(runner)
    assert code == 1 and f"запис id {events + 1}: вміст не відповідає хешу" in out


def test_reordered_rows(runner, raw, events):
    """Rows 2 and 4 change places (their ids are exchanged)."""
    raw("UPDATE audit_events SET id = -2 WHERE id = 2")
    raw("UPDATE audit_events SET id = 2 WHERE id = 4")
    raw("UPDATE audit_events SET id = 4 WHERE id = -2")
    code, out = verify(runner)
    assert code == 1
    assert "записи id 2–5: посилання на попередній запис (prev_hash) не збігається" in out


def test_deleted_middle_row(runner, raw, events):
    raw("DELETE FROM audit_events WHERE id = 3")
    code, out = verify(runner)
    assert code == 1 and "запис id 3 відсутній: його видалено з середини журналу" in out


def test_deleted_anchor(app, runner, events):
    anchor_file(app).unlink()
    code, out = verify(runner)
    assert code == 1 and f"якоря журналу немає, а записів {events}" in out


def test_damaged_anchor(app, runner, raw, events):
    anchor_file(app).write_text("{not json")
    raw("UPDATE audit_events SET note = 'x' WHERE id = 1")
    code, out = verify(runner)
    assert code == 1 and "пошкоджено (очікувано JSON з count, head, keyed_from)" in out
    assert "запис id 1: змінено поле note" in out and "якоря журналу немає" not in out


def test_off_box_anchor_copy(app, runner, raw, events, tmp_path):
    """A copy of the anchor kept elsewhere still catches truncation when the local one was
    rewound with it."""
    copy = tmp_path / "off-box-anchor.json"
    copy.write_bytes(anchor_file(app).read_bytes())
    raw("DELETE FROM audit_events WHERE id > 2")
    anchor_file(app).unlink()
    db.session.remove()
    result = runner.invoke(args=["audit", "verify", "--anchor", str(copy)])
    assert result.exit_code == 1 and f"а якір зафіксував {agree(events, RECORDS)}" in result.output


def test_verify_in_a_subprocess(app, database_url, raw, events):
    """The console script as cron runs it: exit status and the Ukrainian text on stderr."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("CIVIC_")}
    env.update({"CIVIC_DATABASE_URL": database_url, "CIVIC_INSTANCE_PATH": app.instance_path})
    civic = [sys.executable, "-c", "from civic.cli import main; main()", "audit", "verify"]
    ok = subprocess.run(civic, env=env, capture_output=True, text=True, timeout=120, cwd=REPO)
    assert (ok.returncode, ok.stdout.strip()) == (0, f"OK {events} events")
    raw("DELETE FROM audit_events WHERE id >= :n", n=events - 1)
    raw("UPDATE audit_events SET note = 'x' WHERE id = 1")
    broken = subprocess.run(civic, env=env, capture_output=True, text=True, timeout=120, cwd=REPO)
    assert broken.returncode == 1
    assert "ЖУРНАЛ АУДИТУ ПОШКОДЖЕНО" in broken.stderr
    assert "запис id 1: змінено поле note" in broken.stderr
    assert f"журнал закінчується на id {events - 2}" in broken.stderr
    assert "Traceback" not in broken.stderr


def test_a_rolled_back_append_is_not_anchored(app, runner, events):
    record_event("test.rolled_back")
    db.session.rollback()
    with pytest.raises(RuntimeError), db.session.begin_nested():
        record_event("test.savepoint")
        raise RuntimeError
    db.session.commit()
    assert json.loads(anchor_file(app).read_text())["count"] == events
    assert verify(runner) == (0, f"OK {events} events\n")


# A database made before the key existed: unkeyed rows, no anchor.


def _make_legacy(app, raw) -> None:
    """Turn the events into what the old code wrote: plain SHA-256 links, no anchor."""
    prev = GENESIS
    for row in raw(ALL_ROWS):
        new = legacy_hash(prev, event_payload(row))
        raw(
            "UPDATE audit_events SET prev_hash = :p, hash = :h WHERE id = :i",
            p=prev,
            h=new,
            i=row.id,
        )
        prev = new
    anchor_file(app).unlink()


def test_upgrade_from_an_unkeyed_chain(app, runner, raw, events):
    _make_legacy(app, raw)
    code, out = verify(runner)
    assert code == 1 and "виконайте `civic audit adopt`" in out

    adopted = runner.invoke(args=["audit", "adopt"])
    assert adopted.exit_code == 0, adopted.output
    assert f"Журнал прийнято: {agree(events, RECORDS)}, з них {events} — до ключа" in adopted.output
    assert json.loads(anchor_file(app).read_text())["keyed_from"] == events + 1

    record_event("test.after_upgrade")
    db.session.commit()
    code, out = verify(runner)
    assert code == 0
    assert out.startswith(f"OK {events + 2} events (перші {events} записано до ключа")

    # The legacy part cannot be rewritten now: the first keyed row covers its last hash.
    _recompute_unkeyed(raw, 2, events)
    code, out = verify(runner)
    assert code == 1 and f"запис id {events + 1}: посилання на попередній запис" in out


def test_upgrade_refuses_a_legacy_row_hashed_after_the_switch(app, runner, raw, events):
    _make_legacy(app, raw)
    assert runner.invoke(args=["audit", "adopt"]).exit_code == 0
    # An intruder replaces the adoption event by an unkeyed one.
    row = raw(ALL_ROWS.where(AuditEvent.__table__.c.id == events + 1))[0]
    payload = event_payload(row) | {"details": {"count": 0}}
    raw(
        "UPDATE audit_events SET details = :d, hash = :h WHERE id = :i",
        d=json.dumps(payload["details"]),
        h=legacy_hash(row.prev_hash, payload),
        i=row.id,
    )
    code, out = verify(runner)
    assert code == 1 and f"запис id {events + 1}: хеш обчислено без ключа" in out


def test_adopt_refuses_a_broken_chain(app, runner, raw, events):
    raw("UPDATE audit_events SET action = 'x' WHERE id = 2")
    anchor = anchor_file(app).read_text()
    result = runner.invoke(args=["audit", "adopt"])
    assert result.exit_code == 1
    assert "Журнал не прийнято, у ньому є розриви" in result.output
    assert "запис id 2: вміст не відповідає хешу" in result.output
    assert anchor_file(app).read_text() == anchor  # nothing changed
    assert db.session.scalar(sa.select(sa.func.max(AuditEvent.id))) == events


@pytest.mark.postgresql_only
@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE audit_events SET note = 'x' WHERE id = 1",
        "DELETE FROM audit_events WHERE id = 2",
        "TRUNCATE audit_events",
    ],
)
def test_postgresql_refuses_to_change_the_log(database_url, runner, events, sql):
    engine = sa.create_engine(database_url)
    try:
        refused = pytest.raises(sa.exc.DBAPIError, match="audit_events is append-only")
        with refused, engine.begin() as conn:
            conn.execute(sa.text(sql))
    finally:
        engine.dispose()
    assert verify(runner) == (0, f"OK {events} events\n")


def test_row_slipped_in_before_the_first(runner, raw, events):
    first = raw(ALL_ROWS.limit(1))[0]
    raw(
        "INSERT INTO audit_events (id, created_at, action, details, prev_hash, hash) "
        "VALUES (0, :c, 'auth.login', '{}', :p, :h)",
        c=first.created_at,
        p="1" * 64,
        h="2" * 64,
    )
    code, out = verify(runner)
    assert code == 1 and "запис id 0: такого номера в журналі бути не може" in out
