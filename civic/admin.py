"""Top-level commands that need the app: ``civic demo``, ``civic backup``, ``civic restore``.

``create_app`` registers them on ``app.cli``; the console script (:mod:`civic.cli`) imports this
module only when one of them runs.
"""

from __future__ import annotations

import importlib
import importlib.util

import click
from flask.cli import with_appcontext


@click.command("demo")
@with_appcontext
def demo_command():
    """Завантажити демонстраційні дані (повторний запуск нічого не дублює): облікові записи й приклади кожного модуля."""
    from civic import DOMAINS
    from civic.extensions import db

    for domain in DOMAINS:
        if importlib.util.find_spec(f"civic.{domain}") is None:
            continue
        name = f"civic.{domain}.demo"
        if importlib.util.find_spec(name) is None:
            continue
        importlib.import_module(name).load_demo(click.echo)
        db.session.commit()


@click.command("backup")
@click.option("--out", "out", required=True, type=click.Path(dir_okay=False), help="Файл копії.")
@with_appcontext
def backup_command(out):
    """Зробити резервну копію всієї бази (SQLite — онлайн-копія, PostgreSQL — pg_dump)."""
    from flask import current_app

    from civic.backup import BackupError, backup_database

    try:
        size = backup_database(current_app.config["SQLALCHEMY_DATABASE_URI"], out)
    except BackupError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"Резервну копію записано: {out} ({size} байт)")


@click.command("restore")
@click.argument("source", type=click.Path(exists=True, dir_okay=False))
@click.option("--yes", is_flag=True, help="Не питати підтвердження.")
@with_appcontext
def restore_command(source, yes):
    """Замінити базу резервною копією, зробленою командою «civic backup»."""
    from flask import current_app

    from civic.backup import BackupError, restore_database
    from civic.extensions import db

    if not yes:
        click.confirm("Поточні дані буде замінено копією. Продовжити?", abort=True)
    db.session.remove()
    db.engine.dispose()
    try:
        restore_database(current_app.config["SQLALCHEMY_DATABASE_URI"], source)
    except BackupError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"Базу відновлено з {source}")
    # The audit log went back with the data: accept the restored chain and rewind its anchor,
    # recording the rollback (the anchor it replaces) as an `audit.adopted` event.
    from civic.audit.chain import RECORDS
    from civic.audit.services import AuditError, adopt_audit_chain
    from civic.cli_boundary import committed
    from civic.formatting import agree

    with committed(AuditError, said="журнал аудиту в копії не прийнято. "):
        check = adopt_audit_chain()
    click.echo(
        f"Журнал аудиту з копії прийнято: {agree(check.count, RECORDS)}, відкат записано в журнал"
    )
