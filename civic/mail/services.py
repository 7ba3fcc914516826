"""``send_mail``: SMTP when ``MAIL_SERVER`` is set, otherwise the outbox (database + .eml)."""

from __future__ import annotations

import logging
import smtplib
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from pathlib import Path

from flask import current_app

from civic.database import utcnow
from civic.extensions import db
from civic.mail.models import FAILED, SENT, STORED, OutboxMessage

log = logging.getLogger(__name__)


def build_message(sender: str, to: str, subject: str, body: str, created_at) -> EmailMessage:
    message = EmailMessage()
    message["From"] = sender
    message["To"] = to
    message["Subject"] = subject
    message["Date"] = format_datetime(created_at)
    message["Message-ID"] = make_msgid(domain=sender.rpartition("@")[2] or "civic.local")
    message.set_content(body)
    return message


def _smtp_send(message: EmailMessage) -> None:
    cfg = current_app.config
    with smtplib.SMTP(cfg["MAIL_SERVER"], int(cfg.get("MAIL_PORT") or 25), timeout=20) as smtp:
        if cfg.get("MAIL_USE_TLS"):
            smtp.starttls()
        if cfg.get("MAIL_USERNAME"):
            smtp.login(cfg["MAIL_USERNAME"], cfg.get("MAIL_PASSWORD") or "")
        smtp.send_message(message)


def send_mail(to: str, subject: str, body: str, *, category: str = "") -> OutboxMessage:
    """Send (or keep) one plain-text message; always recorded in the outbox (flushes only).

    A failing SMTP server does not fail the caller: the message stays in the outbox with the
    error, for an administrator to see and resend by hand.
    """
    cfg = current_app.config
    row = OutboxMessage(
        created_at=utcnow(),
        sender=cfg.get("MAIL_SENDER") or "civic@localhost",
        recipient=to,
        subject=subject,
        body=body,
        category=category,
    )
    db.session.add(row)
    db.session.flush()
    message = build_message(row.sender, to, subject, body, row.created_at)
    if cfg.get("MAIL_SERVER"):
        try:
            _smtp_send(message)
            row.status = SENT
        except (OSError, smtplib.SMTPException) as exc:
            log.warning("SMTP delivery of outbox message %s failed: %s", row.id, exc)
            row.status = FAILED
            row.error = str(exc)[:500]
    else:
        folder = Path(current_app.instance_path) / "outbox"
        folder.mkdir(parents=True, exist_ok=True)
        name = f"{row.created_at:%Y%m%dT%H%M%S}-{row.id:06d}.eml"
        (folder / name).write_bytes(message.as_bytes())
        row.status = STORED
        row.eml_name = name
    db.session.flush()
    return row


def list_outbox(*, page: int = 1, per_page: int = 50):
    query = db.select(OutboxMessage).order_by(OutboxMessage.id.desc())
    return db.paginate(query, page=page, per_page=per_page, error_out=False)
