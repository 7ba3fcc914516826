"""``civic mail deliver``: send what the web processes left in the queue (run it from cron)."""

from __future__ import annotations

import datetime as dt
import sys

import click
from flask import current_app
from flask.cli import AppGroup

from civic.database import utcnow
from civic.mail import services

cli = AppGroup("mail", help="Вихідна пошта.")


@cli.command("deliver")
@click.option(
    "--older-than",
    type=click.IntRange(min=0),
    default=60,
    show_default=True,
    help="Only messages queued at least this many seconds ago (the web processes send newer).",
)
@click.option("--failed", is_flag=True, help="Also try again the messages that failed.")
def deliver_command(older_than: int, failed: bool) -> None:
    """Надіслати листи, що чекають у черзі (і, з --failed, невдалі)."""
    if not current_app.config.get("MAIL_SERVER"):
        raise click.ClickException("Поштовий сервер не налаштовано (CIVIC_MAIL_SERVER).")
    ids = services.waiting_ids(
        now=utcnow(), older_than=dt.timedelta(seconds=older_than), failed=failed
    )
    services.requeue(ids)
    counts = {"sent": 0, "failed": 0}
    connection = None
    with click.progressbar(length=len(ids), label="Надсилання", file=sys.stderr) as bar:
        for start in range(0, len(ids), services.BATCH):
            batch = ids[start : start + services.BATCH]
            connection = services.deliver(batch, connection)
            for status in services.statuses(batch):
                counts[status] = counts.get(status, 0) + 1
            bar.update(len(batch))
    services.close(connection)
    click.echo(
        f"Надіслано: {counts.get('sent', 0)}; не вдалося: {counts.get('failed', 0)} "
        f"(з {len(ids)} у черзі)."
    )
    if counts.get("failed"):
        raise SystemExit(1)
