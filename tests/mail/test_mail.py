"""Outgoing mail: the outbox without a server, real SMTP delivery over loopback."""

import email

import pytest

from civic.extensions import db
from civic.mail.models import OutboxMessage
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


def test_real_smtp_delivery(app_factory, smtp_server):
    controller, inbox = smtp_server
    app = app_factory(MAIL_SERVER=controller.hostname, MAIL_PORT=controller.port)
    with app.app_context():
        row = send_mail("citizen@example.com", "Підтвердження", "Посилання: http://x/")
        db.session.commit()
        assert row.status == "sent" and row.eml_name == ""
    assert len(inbox.messages) == 1
    assert inbox.messages[0]["Subject"] == "Підтвердження"


def test_unreachable_server_is_recorded_not_raised(app_factory):
    app = app_factory(MAIL_SERVER="127.0.0.1", MAIL_PORT=free_port())
    with app.app_context():
        row = send_mail("citizen@example.com", "Тема", "Текст")
        db.session.commit()
        assert row.status == "failed" and row.error


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
