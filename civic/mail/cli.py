"""``civic mail deliver``: send what the web processes left in the queue (run it from cron);
``civic mail purge-personal-data``: delete the outbox after the retention period."""

from __future__ import annotations

import datetime as dt
import sys

import click
from flask import current_app
from flask.cli import AppGroup

from civic import kyiv, personal_data
from civic.database import utcnow
from civic.extensions import db
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


def purge_outbox(today: dt.date | None = None) -> None:
    """Delete outbox messages (rows and .eml files) older than RETENTION_DAYS (flushes); every
    personal-data purge command calls it, so the outbox never outlives the data it mailed."""
    days = personal_data.retention_days(current_app.config)
    now = kyiv.day_bounds(today)[0] if today else utcnow()  # the Kyiv day's start
    messages, files = services.purge(now=now, retention_days=days)
    click.echo(f"Вихідна пошта старша за {days} днів: видалено листів {messages}, файлів {files}.")


def parse_today(value: str | None) -> dt.date | None:
    if not value:
        return None
    try:
        return kyiv.parse_date(value)
    except kyiv.KyivTimeError as exc:
        raise click.BadParameter(f"{exc}.", param_hint="--today") from None


@cli.command("purge-personal-data")
@click.option("--today", default=None, help="Дата РРРР-ММ-ДД (типово сьогодні).")
def purge_command(today: str | None) -> None:
    """Видалити листи й файли .eml, старші за строк зберігання (RETENTION_DAYS)."""
    purge_outbox(parse_today(today))
    db.session.commit()
