"""The background sender: a few threads per web process that send committed outbox messages.

``send_mail`` notes the ids it queued in the session; when that session commits, the ids go to
this process's sender (a rollback drops them, so nothing the user did not get is sent). Each
thread takes batches from one queue and keeps its own SMTP connection open while there is work,
closing it after a quiet spell. A process killed with messages still queued leaves them in the
database for ``civic mail deliver``.

Why more than one thread: a message costs about a millisecond of CPU but four round trips to
the mail server, and under load every round trip waits for the interpreter lock the request
threads hold; one thread then needed ~14 ms a message and confirmation mails queued for a
quarter of a second (issue 15 point 5). ``MAIL_SENDER_CONNECTIONS`` threads wait in parallel.
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
CONNECTIONS = 4  # sender threads (and SMTP connections) per process: MAIL_SENDER_CONNECTIONS


class Sender:
    def __init__(self, app: Flask) -> None:
        self.app = app
        self.lock = threading.Lock()
        self.taking = threading.Lock()  # one thread at a time gathers a batch
        self.queue: queue.Queue[int] = queue.Queue()
        self.threads: list[threading.Thread] = []
        self.pid = os.getpid()
        self.connections = max(1, int(app.config.get("MAIL_SENDER_CONNECTIONS") or CONNECTIONS))

    def submit(self, ids: list[int]) -> None:
        with self.lock:
            if self.pid != os.getpid():  # a forked child: the parent's threads are not here
                self.queue, self.threads, self.pid = queue.Queue(), [], os.getpid()
            self.threads = [t for t in self.threads if t.is_alive()]
            while len(self.threads) < self.connections:
                thread = threading.Thread(target=self._run, name="civic-mail", daemon=True)
                thread.start()
                self.threads.append(thread)
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
        """The next batch: what one commit handed over stays one batch (one connection), the
        other threads wait their turn to gather theirs. None after a quiet spell."""
        if not self.taking.acquire(timeout=IDLE_SECONDS):
            return None
        try:
            return self._gather()
        finally:
            self.taking.release()

    def _gather(self) -> list[int] | None:
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
