"""The background sender: one thread per web process that sends committed outbox messages.

``send_mail`` notes the ids it queued in the session; when that session commits, the ids go to
this process's sender (a rollback drops them, so nothing the user did not get is sent). The
thread keeps one SMTP connection open while there is work and closes it after a quiet spell. A
process killed with messages still queued leaves them in the database for ``civic mail deliver``.
"""

from __future__ import annotations

import atexit
import logging
import os
import queue
import threading
import time

from flask import Flask, current_app
from sqlalchemy import event
from sqlalchemy.orm import Session

from civic.extensions import db
from civic.mail import services

log = logging.getLogger(__name__)

IDLE_SECONDS = 5.0  # close the SMTP connection after this long without work
# After the first message, wait this long for others: one database round and one wake-up per
# batch instead of per message (a busy web process queues dozens a second); mail is not urgent.
BATCH_WINDOW = 0.05


class Sender:
    def __init__(self, app: Flask) -> None:
        self.app = app
        self.lock = threading.Lock()
        self.queue: queue.Queue[int] = queue.Queue()
        self.thread: threading.Thread | None = None
        self.pid = os.getpid()

    def submit(self, ids: list[int]) -> None:
        with self.lock:
            if self.pid != os.getpid():  # a forked child: the parent's thread is not here
                self.queue, self.thread, self.pid = queue.Queue(), None, os.getpid()
            if self.thread is None or not self.thread.is_alive():
                self.thread = threading.Thread(target=self._run, name="civic-mail", daemon=True)
                self.thread.start()
        for message_id in ids:
            self.queue.put(message_id)

    def wait(self, timeout: float = 10.0) -> bool:
        """Block until everything submitted so far was handled; False on timeout."""
        deadline = time.monotonic() + timeout
        while self.queue.unfinished_tasks:
            if time.monotonic() > deadline:
                return False
            time.sleep(0.005)
        return True

    def _take_batch(self) -> list[int] | None:
        try:
            first = self.queue.get(timeout=IDLE_SECONDS)
        except queue.Empty:
            return None
        batch = [first]
        deadline = time.monotonic() + BATCH_WINDOW
        while len(batch) < services.BATCH:
            left = deadline - time.monotonic()
            if left <= 0:
                break
            try:
                batch.append(self.queue.get(timeout=left))
            except queue.Empty:
                break
        return batch

    def _run(self) -> None:
        connection = None
        while True:
            batch = self._take_batch()
            if batch is None:
                services.close(connection)
                connection = None
                continue
            try:
                with self.app.app_context():
                    try:
                        connection = services.deliver(batch, connection, claim_first=False)
                    except Exception:
                        db.session.rollback()
                        raise
            except Exception:  # the messages stay queued for `civic mail deliver`
                log.exception("the mail sender failed on outbox messages %s", batch)
                services.close(connection)
                connection = None
            finally:
                for _ in batch:
                    self.queue.task_done()


def sender_for(app: Flask) -> Sender:
    sender = app.extensions.get("civic_mail_sender")
    if sender is None:
        sender = app.extensions["civic_mail_sender"] = Sender(app)
        atexit.register(sender.wait, 5.0)
    return sender


def wait_for_delivery(app: Flask | None = None, timeout: float = 10.0) -> bool:
    """Wait until this process's sender has handled every committed message (tests, CLI)."""
    app = app or current_app._get_current_object()
    sender = app.extensions.get("civic_mail_sender")
    return True if sender is None else sender.wait(timeout)


@event.listens_for(Session, "after_commit")
def _hand_over(session: Session) -> None:
    if session.in_nested_transaction():
        return  # SQLAlchemy 2.1 fires this for a released SAVEPOINT too: the commit is to come
    ids = session.info.pop(services.PENDING_KEY, None)
    if ids:
        sender_for(current_app._get_current_object()).submit(ids)


@event.listens_for(Session, "after_rollback")
def _drop(session: Session) -> None:
    session.info.pop(services.PENDING_KEY, None)
