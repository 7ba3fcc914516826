"""``send_mail``: SMTP when ``MAIL_SERVER`` is set, otherwise the outbox (database + .eml).

Every message is a row of the outbox first (a transactional outbox): with the default
``MAIL_DELIVERY = "background"`` the row is queued in the caller's transaction and, once that
transaction commits, a thread of the same process sends it over a kept-open SMTP connection. A
rolled-back request therefore sends nothing, a slow or dead mail server never holds a request,
and what a killed process left queued is sent by ``civic mail deliver``.

The outbox is not an archive of personal data: a one-time link (``secret=``) is cut out of the
stored copy as soon as the message left over SMTP or its token was spent or replaced
(``forget_when_replaced``), and ``purge`` deletes messages and their .eml files after the
retention period.
"""

from __future__ import annotations

import datetime as dt
import email
import email.policy
import hashlib
import logging
import os
import re
import smtplib
from email.header import Header
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid, parseaddr
from pathlib import Path

from flask import current_app, has_app_context
from sqlalchemy import bindparam, delete, event, insert, or_, select, update
from sqlalchemy.orm import Session, make_transient_to_detached, object_session

from civic.config import private_folder
from civic.database import bound_values, built_once, utcnow
from civic.extensions import db
from civic.mail.models import FAILED, QUEUED, SENDING, SENT, STORED, OutboxMessage

log = logging.getLogger(__name__)

DELIVERY_MODES = ("background", "inline", "queue")
BATCH = 50  # messages per database round and per progress step
PENDING_KEY = "civic.mail.pending"  # ids queued in a session, handed to the sender on commit
STALE_SENDING = dt.timedelta(minutes=10)  # a claim older than this was a process that died
SPENT_KEY = "civic.mail.spent"  # hashes of tokens spent in a session, cut out on commit
REDACTED = "[посилання вилучено з копії листа: лист надіслано або посилання вже використано]"
# A link (or a bare token) whose last path part may be the message's one-time token.
_LINK = re.compile(r"(?:https?://[^\s/]+(?:/[^\s/]*)*/)?([A-Za-z0-9_-]{16,})")
_EML_NAME = re.compile(r"^(\d{8}T\d{6})-\d+\.eml$")


def secret_hash(secret: str) -> str:
    """The hash under which a token is known here (and to the petitions: plain SHA-256)."""
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def cut_secret(body: str, hashed: str) -> str:
    """``body`` with every link ending in the token of hash ``hashed`` replaced by a note."""

    def replace(match: re.Match) -> str:
        return REDACTED if secret_hash(match.group(1)) == hashed else match.group(0)

    return _LINK.sub(replace, body)


def encode_subject(subject: str) -> str:
    """The Subject header as RFC 2047 encoded words that keep every space inside a word.

    The default policy of ``email`` folds a long Cyrillic subject between encoded words and
    the space at the fold is lost when a client decodes it ("оприлюдненніпетиції");
    ``Header`` splits inside the words instead. Line breaks of the text become spaces, so a
    title can never start a header of its own.
    """
    return Header(" ".join(subject.split()), "utf-8", header_name="Subject").encode()


# A header value that goes out exactly as given: printable ASCII, one short line.
_PLAIN_HEADER = re.compile(r"[\x20-\x7e]{1,900}")


def _set_header(message: EmailMessage, name: str, value: str) -> None:
    """``message[name] = value``, but a plain value (our addresses, dates and ids) is stored as
    it is: the default policy would parse it into a header object only to print the same text
    again (most of the cost of a message). Anything else (non-ASCII, a line break, an overlong
    line) takes the parsing path, which folds, encodes or refuses it as before."""
    if _PLAIN_HEADER.fullmatch(value) and len(name) + 2 + len(value) <= 78:
        message.set_raw(name, value)
    else:
        message[name] = value


def build_message(sender: str, to: str, subject: str, body: str, created_at) -> EmailMessage:
    message = EmailMessage()
    _set_header(message, "From", sender)
    _set_header(message, "To", to)
    message.set_raw("Subject", encode_subject(subject))
    _set_header(message, "Date", format_datetime(created_at))
    _set_header(
        message, "Message-ID", make_msgid(domain=sender.rpartition("@")[2] or "civic.local")
    )
    message.set_content(body)
    return message


def _message_of(row: OutboxMessage) -> EmailMessage:
    return build_message(row.sender, row.recipient, row.subject, row.body, row.created_at)


def connect(config) -> smtplib.SMTP:
    smtp = smtplib.SMTP(config["MAIL_SERVER"], int(config.get("MAIL_PORT") or 25), timeout=20)
    try:
        if config.get("MAIL_USE_TLS"):
            smtp.starttls()
        if config.get("MAIL_USERNAME"):
            smtp.login(config["MAIL_USERNAME"], config.get("MAIL_PASSWORD") or "")
    except BaseException:
        smtp.close()
        raise
    return smtp


def close(connection: smtplib.SMTP | None) -> None:
    if connection is None:
        return
    try:
        connection.quit()
    except (OSError, smtplib.SMTPException):
        connection.close()


class ServerUnreachable(OSError):
    """Connecting to the mail server failed: the rest of a batch would fail the same way."""


def _transmit(connection: smtplib.SMTP, message: EmailMessage, envelope) -> None:
    """``connection.send_message(message)``; with a plain ASCII ``envelope`` (sender, recipient:
    the row's, which built the message's From and To) without reading the addresses back out of
    the headers and copying the message, which is what ``send_message`` spends its time on."""
    sender, recipient = envelope or (None, None)
    if sender and recipient and _PLAIN_HEADER.fullmatch(sender + recipient):
        data = message.as_bytes(policy=message.policy.clone(linesep="\r\n"))
        connection.sendmail(parseaddr(sender)[1], [recipient], data)
    else:
        connection.send_message(message)


def _send(
    message: EmailMessage, connection: smtplib.SMTP | None, config, envelope=None
) -> smtplib.SMTP:
    """Send over ``connection`` (opened if None, reopened once if the server dropped it)."""
    if connection is not None:
        try:
            _transmit(connection, message, envelope)
            return connection
        except smtplib.SMTPServerDisconnected:
            connection.close()
    try:
        connection = connect(config)
    except (OSError, smtplib.SMTPException) as exc:
        raise ServerUnreachable(str(exc)) from exc
    try:
        _transmit(connection, message, envelope)
    except BaseException:
        close(connection)
        raise
    return connection


def delivery_mode(config) -> str:
    mode = config.get("MAIL_DELIVERY") or "background"
    if mode not in DELIVERY_MODES:
        raise RuntimeError(f"MAIL_DELIVERY must be one of {DELIVERY_MODES}, not {mode!r}")
    return mode


def send_mail(
    to: str, subject: str, body: str, *, category: str = "", secret: str | None = None
) -> OutboxMessage:
    """Send (or queue, or keep) one plain-text message; always a row of the outbox (flushes).

    ``secret`` is the one-time token the body carries (in a link): the stored copy keeps it only
    until the message left over SMTP or the token was spent. A failing SMTP server does not
    fail the caller: the message stays in the outbox with the error, for an administrator to
    see and for ``civic mail deliver --failed`` to resend.
    """
    cfg = current_app.config
    mode = delivery_mode(cfg) if cfg.get("MAIL_SERVER") else None
    values = {
        "created_at": utcnow(),
        "sender": cfg.get("MAIL_SENDER") or "civic@localhost",
        "recipient": to,
        "subject": subject,
        "body": body,
        "category": category,
        "status": QUEUED if mode in ("background", "queue") else STORED,
        "error": "",
        "eml_name": "",
        "claimed_at": None,
        "secret_hash": secret_hash(secret) if secret and secret in body else None,
    }
    row = _insert_row(values)  # the id names the .eml file and goes to the sender
    if mode is None:
        row.eml_name = f"{row.created_at:%Y%m%dT%H%M%S}-{row.id:06d}.eml"
        _write_private(outbox_folder() / row.eml_name, _message_of(row).as_bytes())
        db.session.flush()
    elif mode == "inline":
        _deliver_row(row, None, cfg, close_after=True)
        db.session.flush()
    elif mode == "background":
        db.session.info.setdefault(PENDING_KEY, []).append(row.id)
    return row


#: Every column of an outbox row but its id (``send_mail`` gives each a value).
OUTBOX_COLUMNS = tuple(c.name for c in OutboxMessage.__table__.c if not c.primary_key)


@built_once
def _insert_statement():
    table = OutboxMessage.__table__
    return insert(table).values(bound_values(table, OUTBOX_COLUMNS)).returning(table.c.id)


def _insert_row(values: dict) -> OutboxMessage:
    """One Core ``INSERT … RETURNING id`` (the statement built once) instead of the ORM's
    unit-of-work flush; the row then joins the session as stored, so later changes to it
    (the .eml name, the outcome of an inline send) are flushed as before."""
    db.session.flush()  # what the caller changed before goes first, as with the ORM's flush
    new_id = db.session.execute(_insert_statement(), values).scalar_one()
    row = OutboxMessage(id=new_id, **values)
    make_transient_to_detached(row)
    db.session.add(row)
    return row


def outbox_folder() -> Path:
    return private_folder(Path(current_app.instance_path) / "outbox")


def _write_private(path: Path, data: bytes) -> None:
    """Write a file only its owner can read (it holds an address and maybe a live link)."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)


def _redact(row: OutboxMessage) -> None:
    """Cut the one-time link out of the stored copy (the row and its .eml file)."""
    if not row.secret_hash:
        return
    row.body = cut_secret(row.body, row.secret_hash)
    row.secret_hash = None
    _redact_file(row.eml_name, row.body)


def _redact_file(eml_name: str, body: str) -> None:
    """The message's .eml file (if it has one) with ``body``, the copy without the link."""
    path = outbox_folder() / eml_name if eml_name else None
    if path is not None and path.is_file():
        message = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
        message.set_content(body)
        _write_private(path, message.as_bytes())


def forget_when_replaced(attribute) -> None:
    """Treat a token-hash column of another domain as the owner of mailed links: when a value
    is replaced or cleared (the token was spent, withdrawn, superseded), the stored copies of
    the messages carrying that token lose the link when the session commits."""

    def spent(target, value, oldvalue, initiator):
        if isinstance(oldvalue, str) and oldvalue and oldvalue != value:
            session = object_session(target) or db.session
            session.info.setdefault(SPENT_KEY, set()).add(oldvalue)

    event.listen(attribute, "set", spent, active_history=True)


def forget_secret(token_hash: str | None) -> None:
    """The same for a token spent by a Core UPDATE (no ORM attribute event fires): the stored
    copies of the messages carrying it lose the link when the session commits."""
    if token_hash:
        db.session.info.setdefault(SPENT_KEY, set()).add(token_hash)


@built_once
def _carrying_statement():
    c = OutboxMessage.__table__.c
    return select(c.id).where(c.secret_hash.in_(bindparam("hashes", expanding=True)))


@event.listens_for(Session, "before_commit")
def _cut_spent_links(session: Session) -> None:
    hashes = session.info.pop(SPENT_KEY, None)
    if not hashes or not has_app_context():
        return
    # Usually the message already left and lost its link: one Core look-up, no ORM query.
    ids = session.execute(_carrying_statement(), {"hashes": sorted(hashes)}).scalars().all()
    if not ids:
        return
    rows = session.scalars(select(OutboxMessage).where(OutboxMessage.id.in_(ids)))
    for row in rows:
        _redact(row)
    session.flush()


@event.listens_for(Session, "after_rollback")
def _keep_links(session: Session) -> None:
    session.info.pop(SPENT_KEY, None)


def purge(*, now: dt.datetime, retention_days: int) -> tuple[int, int]:
    """Delete outbox messages older than the retention period and their .eml files (flushes).

    Files are judged by the time in their name, so a file whose row never committed (a request
    rolled back after writing it) goes too. Returns (messages, files) deleted.
    """
    cutoff = now - dt.timedelta(days=retention_days)
    result = db.session.execute(
        delete(OutboxMessage)
        .where(OutboxMessage.created_at < cutoff)
        .execution_options(synchronize_session=False)
    )
    db.session.flush()
    files = 0
    folder = Path(current_app.instance_path) / "outbox"
    for path in sorted(folder.glob("*.eml")) if folder.is_dir() else ():
        match = _EML_NAME.match(path.name)
        if match is None:
            continue
        written = dt.datetime.strptime(match.group(1), "%Y%m%dT%H%M%S").replace(tzinfo=dt.UTC)
        if written < cutoff:
            path.unlink(missing_ok=True)
            files += 1
    return result.rowcount or 0, files


def _deliver_row(row: OutboxMessage, connection, cfg, *, close_after: bool = False):
    """Send one outbox message and record the outcome; returns the connection to go on with
    (None after a failure) and, when the server could not even be reached, the error."""
    unreachable = None
    try:
        connection = _send(_message_of(row), connection, cfg, (row.sender, row.recipient))
        row.status, row.error = SENT, ""
        _redact(row)  # the recipient has the link; the copy kept here needs none
    except (OSError, smtplib.SMTPException) as exc:
        log.warning("SMTP delivery of outbox message %s failed: %s", row.id, exc)
        row.status, row.error = FAILED, str(exc)[:500]
        if isinstance(exc, ServerUnreachable):
            unreachable = row.error
        close(connection)
        connection = None
    if close_after:
        close(connection)
        connection = None
    return connection, unreachable


def claim(ids: list[int]) -> list[int]:
    """Mark queued messages as being sent by this caller (commits): each goes to one sender."""
    claimed = []
    for message_id in ids:
        result = db.session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.id == message_id, OutboxMessage.status == QUEUED)
            .values(status=SENDING, claimed_at=utcnow())
            .execution_options(synchronize_session=False)
        )
        if result.rowcount == 1:
            claimed.append(message_id)
    db.session.commit()
    return claimed


def deliver(ids: list[int], connection: smtplib.SMTP | None = None, *, claim_first: bool = True):
    """Send the queued messages among ``ids`` (commits); returns the connection still open.

    ``claim_first`` marks them as being sent in a transaction of its own before talking to the
    server, so two senders never take the same message (``civic mail deliver``). The web
    process's own threads skip it: each holds the only reference to the messages it was just
    handed, and the cron job leaves messages younger than a minute alone — one write
    transaction per batch instead of two, which matters to SQLite's single writer. In the
    worst case (a thread stalled for over a minute) a message goes out twice, never zero times.

    The batch is read as plain rows and its outcomes are written back with one executemany
    UPDATE (status, error, and the copy without its one-time link): no ORM object per message.
    """
    cfg = current_app.config
    if claim_first:
        ids = claim(ids)
        wanted = SENDING
    else:
        wanted = QUEUED
    if not ids:
        return connection
    rows = db.session.execute(_batch_statement(), {"ids": ids, "status": wanted}).all()
    outcomes, unreachable = [], None
    for row in rows:
        if unreachable:  # one failed connection per batch, not one per message
            outcomes.append(_outcome(row, FAILED, unreachable))
            continue
        message = build_message(row.sender, row.recipient, row.subject, row.body, row.created_at)
        try:
            connection = _send(message, connection, cfg, (row.sender, row.recipient))
        except (OSError, smtplib.SMTPException) as exc:
            log.warning("SMTP delivery of outbox message %s failed: %s", row.id, exc)
            error = str(exc)[:500]
            outcomes.append(_outcome(row, FAILED, error))
            if isinstance(exc, ServerUnreachable):
                unreachable = error
            close(connection)
            connection = None
            continue
        outcomes.append(_outcome(row, SENT, ""))
    if outcomes:
        db.session.execute(_outcome_statement(), outcomes)
    db.session.commit()
    return connection


@built_once
def _batch_statement():
    c = OutboxMessage.__table__.c
    return (
        select(
            c.id, c.sender, c.recipient, c.subject, c.body, c.created_at, c.secret_hash, c.eml_name
        )
        .where(c.id.in_(bindparam("ids", expanding=True)), c.status == bindparam("status"))
        .order_by(c.id)
    )


@built_once
def _outcome_statement():
    table = OutboxMessage.__table__
    return (
        update(table)
        .where(table.c.id == bindparam("message_id"))
        .values(
            status=bindparam("new_status"),
            error=bindparam("new_error"),
            body=bindparam("new_body"),
            secret_hash=bindparam("new_secret_hash"),
        )
    )


def _outcome(row, status: str, error: str) -> dict:
    """The values ``_outcome_statement`` writes for one message: a sent message loses its
    one-time link (the row and its .eml file, as ``_redact``), a failed one keeps it."""
    body, secret = row.body, row.secret_hash
    if status == SENT and secret:
        body, secret = cut_secret(body, secret), None
        _redact_file(row.eml_name, body)
    return {
        "message_id": row.id,
        "new_status": status,
        "new_error": error,
        "new_body": body,
        "new_secret_hash": secret,
    }


def waiting_ids(*, now: dt.datetime, older_than: dt.timedelta, failed: bool = False) -> list[int]:
    """Messages a sender should pick up: queued for longer than ``older_than`` (their process
    is gone or behind), claims abandoned by a dead process, and with ``failed`` the failures."""
    conditions = [
        (OutboxMessage.status == QUEUED) & (OutboxMessage.created_at <= now - older_than),
        (OutboxMessage.status == SENDING) & (OutboxMessage.claimed_at < now - STALE_SENDING),
    ]
    if failed:
        conditions.append(OutboxMessage.status == FAILED)
    query = select(OutboxMessage.id).where(or_(*conditions)).order_by(OutboxMessage.id)
    return list(db.session.scalars(query))


def requeue(ids: list[int]) -> None:
    """Put failed or abandoned messages back in the queue (commits)."""
    if ids:
        db.session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.id.in_(ids), OutboxMessage.status.in_([FAILED, SENDING]))
            .values(status=QUEUED)
            .execution_options(synchronize_session=False)
        )
    db.session.commit()


def statuses(ids: list[int]) -> list[str]:
    query = select(OutboxMessage.status).where(OutboxMessage.id.in_(ids))
    return list(db.session.scalars(query))


def list_outbox(*, page: int = 1, per_page: int = 50):
    query = db.select(OutboxMessage).order_by(OutboxMessage.id.desc())
    return db.paginate(query, page=page, per_page=per_page, error_out=False)
