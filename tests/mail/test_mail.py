"""Outgoing mail: the outbox without a server, real SMTP delivery over loopback."""

import datetime as dt
import email

import pytest

from civic.database import utcnow
from civic.extensions import db
from civic.mail.models import OutboxMessage
from civic.mail.sender import wait_for_delivery
from civic.mail.services import send_mail
from tests.mail.smtp import free_port


def test_without_server_keeps_message_in_outbox_and_eml(app):
    row = send_mail("citizen@example.com", "Тема листа", "Текст українською: ґ є ї.")
    db.session.commit()
    assert row.status == "stored"
    eml = app.instance_path + "/outbox/" + row.eml_name
    with open(eml, "rb") as handle:
        parsed = email.message_from_bytes(handle.read())
    assert parsed["To"] == "citizen@example.com"
    assert "ґ є ї" in parsed.get_payload(decode=True).decode("utf-8")


def _status(message_id: int) -> tuple[str, str]:
    db.session.expire_all()
    row = db.session.get(OutboxMessage, message_id)
    return row.status, row.error


def test_real_smtp_delivery_after_commit(app_factory, smtp_server):
    controller, inbox = smtp_server
    app = app_factory(MAIL_SERVER=controller.hostname, MAIL_PORT=controller.port)
    with app.app_context():
        rows = [send_mail(f"c{i}@example.com", f"Підтвердження {i}", "http://x/") for i in range(3)]
        assert {row.status for row in rows} == {"queued"}  # nothing leaves before the commit
        db.session.commit()
        assert wait_for_delivery(app)
        assert [_status(row.id) for row in rows] == [("sent", "")] * 3
    assert sorted(m["Subject"] for m in inbox.messages) == [f"Підтвердження {i}" for i in range(3)]
    assert inbox.sessions == 1  # one kept-open connection for the three


@pytest.mark.parametrize(
    "sender",
    [
        "civic@rada.example.org",
        "Civic Council <civic@rada.example.org>",
        "Рада <civic@rada.example.org>",
    ],
)
def test_the_envelope_names_the_sender_and_the_recipient(app_factory, smtp_server, sender):
    controller, inbox = smtp_server
    app = app_factory(
        MAIL_SERVER=controller.hostname, MAIL_PORT=controller.port, MAIL_SENDER=sender
    )
    with app.app_context():
        send_mail("citizen@example.com", "Конверт", "Текст")
        db.session.commit()
        assert wait_for_delivery(app)
    assert inbox.envelopes == [("civic@rada.example.org", ["citizen@example.com"])]
    assert str(inbox.messages[0]["From"]) == sender
    assert inbox.messages[0].get_content().splitlines() == ["Текст"]


def test_rolled_back_mail_is_never_sent(app_factory, smtp_server):
    controller, inbox = smtp_server
    app = app_factory(MAIL_SERVER=controller.hostname, MAIL_PORT=controller.port)
    with app.app_context():
        send_mail("citizen@example.com", "Не надсилати", "Текст")
        db.session.rollback()
        send_mail("citizen@example.com", "Надіслати", "Текст")
        db.session.commit()
        assert wait_for_delivery(app)
        assert db.session.scalar(db.select(db.func.count(OutboxMessage.id))) == 1
    assert [m["Subject"] for m in inbox.messages] == ["Надіслати"]


def test_inline_delivery(app_factory, smtp_server):
    controller, inbox = smtp_server
    app = app_factory(
        MAIL_SERVER=controller.hostname, MAIL_PORT=controller.port, MAIL_DELIVERY="inline"
    )
    with app.app_context():
        row = send_mail("citizen@example.com", "Одразу", "Текст")
        assert row.status == "sent" and len(inbox.messages) == 1
        db.session.commit()


def test_unreachable_server_is_recorded_not_raised(app_factory):
    app = app_factory(MAIL_SERVER="127.0.0.1", MAIL_PORT=free_port())
    with app.app_context():
        row = send_mail("citizen@example.com", "Тема", "Текст")
        db.session.commit()
        assert wait_for_delivery(app)
        status, error = _status(row.id)
        assert status == "failed" and error


def test_deliver_command_sends_what_a_dead_process_left(app_factory, smtp_server):
    """Queued rows (a killed worker's), abandoned claims and, with --failed, failures."""
    controller, inbox = smtp_server
    port = free_port()  # nobody listens here yet
    app = app_factory(MAIL_SERVER=controller.hostname, MAIL_PORT=port, MAIL_DELIVERY="queue")
    runner = app.test_cli_runner()
    with app.app_context():
        fresh = send_mail("a@example.com", "Щойно", "Текст")
        old = send_mail("b@example.com", "Давно в черзі", "Текст")
        old.created_at -= dt.timedelta(minutes=5)
        claimed = send_mail("c@example.com", "Покинуто", "Текст")
        claimed.status, claimed.claimed_at = "sending", utcnow() - dt.timedelta(hours=1)
        db.session.commit()
        result = runner.invoke(args=["mail", "deliver"])
        assert result.exit_code == 1 and "не вдалося: 2" in result.output  # server down
        assert _status(old.id)[0] == "failed" and _status(fresh.id)[0] == "queued"
        app.config["MAIL_PORT"] = controller.port
        result = runner.invoke(args=["mail", "deliver", "--failed", "--older-than", "0"])
        assert result.exit_code == 0, result.output
        assert "Надіслано: 3; не вдалося: 0" in result.output
        assert {_status(r.id)[0] for r in (fresh, old, claimed)} == {"sent"}
        result = runner.invoke(args=["mail", "deliver", "--failed", "--older-than", "0"])
        assert "Надіслано: 0" in result.output  # nothing is sent twice
    assert sorted(m["Subject"] for m in inbox.messages) == ["Давно в черзі", "Покинуто", "Щойно"]


def test_one_refused_recipient_fails_alone(app_factory, smtp_server):
    controller, inbox = smtp_server
    app = app_factory(MAIL_SERVER=controller.hostname, MAIL_PORT=controller.port)
    with app.app_context():
        rows = [send_mail(to, "Лист", "Текст") for to in ("a@x.ua", "refused@x.ua", "b@x.ua")]
        db.session.commit()
        assert wait_for_delivery(app)
        assert [_status(r.id)[0] for r in rows] == ["sent", "failed", "sent"]
        assert "No such user" in _status(rows[1].id)[1]
    assert inbox.sessions == 2  # the refusal ends its connection; the next message opens one


def test_unreachable_server_is_tried_once_per_batch(app_factory, monkeypatch):
    from civic.mail import services

    attempts = []

    def refuse(config):
        attempts.append(config["MAIL_PORT"])
        raise ConnectionRefusedError("Connection refused")

    app = app_factory(MAIL_SERVER="127.0.0.1", MAIL_PORT=25, MAIL_DELIVERY="queue")
    monkeypatch.setattr(services, "connect", refuse)
    with app.app_context():
        rows = [send_mail(f"c{i}@example.com", "Тема", "Текст") for i in range(5)]
        db.session.commit()
        assert services.deliver([r.id for r in rows]) is None
        assert {_status(r.id) for r in rows} == {("failed", "Connection refused")}
    assert len(attempts) == 1


def test_deliver_command_needs_a_server(runner):
    result = runner.invoke(args=["mail", "deliver"])
    assert result.exit_code != 0 and "Поштовий сервер не налаштовано" in result.output


@pytest.mark.parametrize(("role", "status"), [(None, 302), ("moderator", 403), ("admin", 200)])
def test_outbox_page_permissions(client, create_user, login, role, status):
    send_mail("citizen@example.com", "Видимий лист", "Текст")
    db.session.commit()
    if role:
        create_user("user1", role)
        login("user1")
    response = client.get("/staff/outbox")
    assert response.status_code == status
    if status == 200:
        assert "Видимий лист" in response.get_data(as_text=True)
        message = db.session.scalar(db.select(OutboxMessage))
        detail = client.get(f"/staff/outbox/{message.id}")
        assert detail.status_code == 200 and "Текст" in detail.get_data(as_text=True)
        assert client.get("/staff/outbox/9999").status_code == 404


def test_mail_queued_before_a_savepoint_goes_out_with_the_real_commit(app_factory, smtp_server):
    controller, inbox = smtp_server
    app = app_factory(MAIL_SERVER=controller.hostname, MAIL_PORT=controller.port)
    with app.app_context():
        first = send_mail("a@example.com", "Перший", "Текст")
        with db.session.begin_nested():  # e.g. signing's race-safe insert
            db.session.execute(db.select(OutboxMessage.id))
        assert wait_for_delivery(app)  # a sender handed the id now would find no row yet
        second = send_mail("b@example.com", "Другий", "Текст")
        db.session.commit()
        assert wait_for_delivery(app)
        assert [_status(first.id), _status(second.id)] == [("sent", "")] * 2
    assert sorted(m["Subject"] for m in inbox.messages) == ["Другий", "Перший"]


def test_parallel_connections_send_every_message_once(app_factory, smtp_server):
    """Many commits at once go out over several connections: each message exactly once, each
    marked sent and cut off its one-time link by the batch UPDATE."""
    controller, inbox = smtp_server
    app = app_factory(
        MAIL_SERVER=controller.hostname, MAIL_PORT=controller.port, MAIL_SENDER_CONNECTIONS=3
    )
    secrets = [f"token{i:02d}-abcdefghijklmnopqrstuvwxyz" for i in range(24)]
    with app.app_context():
        rows = []
        for i, secret in enumerate(secrets):
            rows.append(
                send_mail(f"c{i}@example.com", f"Лист {i}", f"http://x/s/{secret}\n", secret=secret)
            )
            db.session.commit()
        ids = [row.id for row in rows]
        assert wait_for_delivery(app)
        db.session.expire_all()
        stored = {
            r.id: r
            for r in db.session.scalars(db.select(OutboxMessage).where(OutboxMessage.id.in_(ids)))
        }
        assert {(r.status, r.error, r.secret_hash) for r in stored.values()} == {("sent", "", None)}
        assert not any(s in r.body for r in stored.values() for s in secrets)
    assert sorted(m["To"] for m in inbox.messages) == sorted(f"c{i}@example.com" for i in range(24))
    assert sorted(b.strip() for b in inbox.bodies()) == sorted(f"http://x/s/{s}" for s in secrets)
