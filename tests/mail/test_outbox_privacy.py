"""The outbox keeps no personal data or live links longer than it must, and staff reads are logged.

A citizen submits and signs petitions over HTTP; the confirmation mails land in the outbox (no
SMTP server: the table and ``instance/outbox/*.eml``). After the retention period every purge
command leaves neither the address, nor the name, nor the token in either place; a spent link is
cut out of the stored copy at once; a message that left over SMTP keeps no link; an administrator
opening the outbox leaves an audit event.
"""

from __future__ import annotations

import datetime as dt
import email
import email.policy
import re
from pathlib import Path

import pytest
from sqlalchemy import text

from civic.audit.models import AuditEvent
from civic.extensions import db
from civic.mail.models import SENT, OutboxMessage
from civic.mail.services import REDACTED
from civic.petitions import services
from civic.petitions.models import Petition

TITLE = "Встановити світлофор біля школи № 7"
TEXT = "Просимо встановити світлофор біля школи № 7, бо діти щодня переходять жваву дорогу."
AUTHOR = ("Савчук Ірина Петрівна", "savchuk@example.com")
SIGNER = ("Коваль Олена Миколаївна", "koval@example.com")
LINK = re.compile(r"http://localhost(/petitions/(?:author|signatures)/([A-Za-z0-9_-]{20,}))")


def outbox_folder(app) -> Path:
    return Path(app.instance_path) / "outbox"


def eml_texts(app) -> list[str]:
    """Each .eml file as stored (raw) and as a mail program shows it (decoded body)."""
    out = []
    for path in sorted(outbox_folder(app).glob("*.eml")):
        raw = path.read_bytes()
        message = email.message_from_bytes(raw, policy=email.policy.default)
        out.append(raw.decode("utf-8", "replace") + "\n" + message.get_content())
    return out


def table_text() -> str:
    """Every value of every outbox row, as one text to grep."""
    db.session.expire_all()
    rows = db.session.execute(text("SELECT * FROM outbox_messages")).all()
    return "\n".join(" | ".join(str(v) for v in row) for row in rows)


def submit_and_sign(client, create_user) -> list[str]:
    """A petition submitted and one signed over HTTP; returns the tokens mailed."""
    response = client.post(
        "/petitions/new",
        data={
            "title": TITLE,
            "text": TEXT,
            "author_name": AUTHOR[0],
            "author_email": AUTHOR[1],
            "step": "submit",
        },
    )
    assert response.status_code in (200, 201, 302), response.get_data(as_text=True)[:300]
    moderator = create_user("mod1", "moderator")
    now = services.utcnow()
    petition, _ = services.submit_petition(
        "Облаштувати велодоріжку вулицею Шевченка", TEXT, "Автор", "a@example.com", ip=None, now=now
    )
    services.confirm_petition(petition, now=now)
    services.publish_petition(petition, actor=moderator, version=None, today=services.today_kyiv())
    db.session.commit()
    signed = client.post(
        f"/petitions/{petition.id}/sign", data={"full_name": SIGNER[0], "email": SIGNER[1]}
    )
    assert signed.status_code == 201
    db.session.expire_all()
    bodies = [m.body for m in db.session.scalars(db.select(OutboxMessage))]
    return [match[2] for body in bodies for match in LINK.finditer(body)]


@pytest.mark.parametrize(
    "command",
    [
        ["petitions", "purge-personal-data"],
        ["pb", "purge-personal-data"],
        ["mail", "purge-personal-data"],
    ],
    ids=["petitions", "pb", "mail"],
)
def test_purge_leaves_no_address_name_or_token_in_the_outbox(
    app, client, runner, create_user, command
):
    tokens = submit_and_sign(client, create_user)
    # The HTTP author's link and the signer's; the published petition's author link is already
    # cut (publication spent it), its publication notice carries none.
    assert len(tokens) == 2
    # The signer's name never reaches a mail (tests/petitions/test_integrity.py); the address does.
    personal = [*AUTHOR, SIGNER[1], *tokens]
    stored = table_text() + "\n".join(eml_texts(app))
    assert all(value in stored for value in personal)  # what the purge has to remove

    today = services.today_kyiv()
    early = runner.invoke(args=[*command, "--today", f"{today + dt.timedelta(days=30)}"])
    assert early.exit_code == 0, early.output
    assert "видалено листів 0, файлів 0" in early.output
    assert AUTHOR[1] in table_text() and len(eml_texts(app)) == 4  # within retention: kept

    late = today + dt.timedelta(days=app.config["RETENTION_DAYS"] + 2)
    result = runner.invoke(args=[*command, "--today", late.isoformat()])
    assert result.exit_code == 0, result.output
    assert "видалено листів 4, файлів 4" in result.output
    left = table_text() + "\n".join(eml_texts(app))
    assert [value for value in personal if value in left] == []
    assert list(outbox_folder(app).iterdir()) == []


def test_a_spent_link_is_cut_out_of_the_stored_mail(app, client, create_user):
    submit_and_sign(client, create_user)
    signature_mail = db.session.scalar(
        db.select(OutboxMessage).where(OutboxMessage.category == "petition.signature")
    )
    link, token = LINK.search(signature_mail.body).groups()
    eml = outbox_folder(app) / signature_mail.eml_name
    assert token in eml.read_text(errors="replace") or token in eml_texts(app)[-1]

    confirmed = client.post(link)
    assert confirmed.status_code == 200
    assert client.post(link).status_code == 404  # spent
    db.session.expire_all()
    row = db.session.get(OutboxMessage, signature_mail.id)
    assert token not in row.body and REDACTED in row.body and "петицію №" in row.body
    assert row.secret_hash is None
    stored = eml.read_bytes()
    shown = email.message_from_bytes(stored, policy=email.policy.default)
    assert token.encode() not in stored and token not in shown.get_content()
    assert REDACTED in shown.get_content() and shown["To"] == SIGNER[1]

    # The author's link stays usable (and stored) until publication, then it goes as well.
    author_mail = db.session.scalar(
        db.select(OutboxMessage).where(OutboxMessage.recipient == AUTHOR[1])
    )
    author_link, author_token = LINK.search(author_mail.body).groups()
    assert client.post(f"{author_link}/confirm").status_code == 302
    db.session.expire_all()
    assert author_token in db.session.get(OutboxMessage, author_mail.id).body
    petition = db.session.scalar(db.select(Petition).where(Petition.title == TITLE))
    services.publish_petition(
        petition,
        actor=create_user("mod2", "moderator"),
        version=None,
        today=services.today_kyiv(),
    )
    db.session.commit()
    db.session.expire_all()
    assert author_token not in db.session.get(OutboxMessage, author_mail.id).body
    assert author_token not in "\n".join(eml_texts(app))
    assert client.get(author_link).status_code == 404


def test_a_message_sent_over_smtp_keeps_no_link(app_factory, smtp_server, create_user):
    controller, inbox = smtp_server
    app = app_factory(
        MAIL_SERVER=controller.hostname, MAIL_PORT=controller.port, MAIL_DELIVERY="inline"
    )
    with app.app_context():
        petition, token = services.submit_petition(
            TITLE, TEXT, *AUTHOR, ip=None, now=services.utcnow()
        )
        db.session.commit()
        received = [m for m in inbox.messages if m["To"] == AUTHOR[1]][-1]
        assert token in received.get_content()  # the citizen got the link
        row = db.session.scalar(
            db.select(OutboxMessage).where(OutboxMessage.recipient == AUTHOR[1])
        )
        assert row.status == SENT
        assert token not in row.body and REDACTED in row.body
        assert not outbox_folder(app).exists() or list(outbox_folder(app).iterdir()) == []


def test_staff_reading_the_outbox_is_audited(app, client, create_user, login):
    submit_and_sign(client, create_user)
    create_user("admin", "admin")
    login("admin")
    message = db.session.scalar(db.select(OutboxMessage).order_by(OutboxMessage.id))

    listing = client.get("/staff/outbox")
    assert listing.status_code == 200 and AUTHOR[1] in listing.get_data(as_text=True)
    opened = client.get(f"/staff/outbox/{message.id}")
    assert opened.status_code == 200

    db.session.expire_all()
    events = db.session.scalars(
        db.select(AuditEvent).where(AuditEvent.action.like("mail.%")).order_by(AuditEvent.id)
    ).all()
    assert [(e.action, e.actor_login, e.object_type) for e in events] == [
        ("mail.outbox_viewed", "admin", "outbox_page"),
        ("mail.message_viewed", "admin", "outbox_message"),
    ]
    assert events[1].object_id == str(message.id)
    assert message.id in events[0].details["messages"]
    assert events[1].details == {"recipient_domain": "example.com", "category": message.category}
