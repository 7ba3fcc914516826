"""Backup and restore round trip on both databases: every table comes back as it was."""

from sqlalchemy import MetaData, select

from civic.audit.models import AuditEvent
from civic.audit.services import record_event
from civic.extensions import db


def _snapshot() -> dict[str, list[tuple]]:
    meta = MetaData()
    meta.reflect(bind=db.engine)
    out = {}
    with db.engine.connect() as conn:
        for name, table in sorted(meta.tables.items()):
            order = list(table.primary_key.columns) or list(table.columns)
            out[name] = [tuple(r) for r in conn.execute(select(table).order_by(*order))]
    return out


def test_backup_and_restore_round_trip(runner, create_user, tmp_path):
    create_user("ira", "editor", full_name="Ірина «Лапки» Ґудзь")
    for i in range(3):
        record_event("test.event", details={"i": i, "text": "ґєїʼ"})
    db.session.commit()
    before = _snapshot()
    out = tmp_path / "copy.bak"
    result = runner.invoke(args=["backup", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert out.stat().st_size > 0

    # Change the data after the backup: add, edit and delete rows.
    create_user("late", "moderator")
    record_event("test.after")
    db.session.commit()
    assert _snapshot() != before

    db.session.remove()
    restored = runner.invoke(args=["restore", str(out), "--yes"])
    assert restored.exit_code == 0, restored.output
    db.session.remove()
    after = _snapshot()
    assert {k: v for k, v in after.items() if k != "audit_events"} == {
        k: v for k, v in before.items() if k != "audit_events"
    }
    assert "Журнал аудиту з копії прийнято: 4 записи" in restored.output
    verify = runner.invoke(args=["audit", "verify"])
    # 3 events + user.created from the copy, then the rollback itself, recorded with the
    # anchor it rewound (6 events: + late's user.created, test.after).
    assert verify.exit_code == 0 and "OK 5 events" in verify.output, verify.output
    adopted = db.session.scalars(select(AuditEvent).order_by(AuditEvent.id.desc())).first()
    assert adopted.action == "audit.adopted"
    assert adopted.details["previous_anchor"]["count"] == 6
    assert after["audit_events"][:4] == before["audit_events"]


def test_restore_refuses_other_files(runner, tmp_path):
    junk = tmp_path / "junk.bak"
    junk.write_bytes(b"not a backup")
    result = runner.invoke(args=["restore", str(junk), "--yes"])
    assert result.exit_code != 0
    assert "не є резервною копією" in result.output


def test_backup_to_unwritable_place_fails_clearly(runner, tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    result = runner.invoke(args=["backup", "--out", str(blocker / "sub" / "copy.bak")])
    assert result.exit_code != 0
    assert "не вдалося записати резервну копію" in result.output
    assert not (blocker / "sub").exists()
