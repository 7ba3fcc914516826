"""``civic report ...``: the month's report as PDF or JSON, and the journal's import."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click
from flask.cli import AppGroup

from civic import kyiv
from civic.errors import DomainError
from civic.extensions import db
from civic.files import write_output
from civic.formatting import agree
from civic.reports import journal as activity_journal
from civic.reports import versions
from civic.tabular import TabularError

cli = AppGroup("report", help="Щомісячний звіт відділу: PDF, JSON, журнал діяльності.")


def _month(value: str):
    try:
        return kyiv.parse_month(value)
    except kyiv.KyivTimeError as exc:
        raise click.BadParameter(str(exc)) from None


@cli.command("pdf")
@click.option("--month", "month_text", required=True, help="Місяць РРРР-ММ, напр. 2020-11.")
@click.option("--out", "out", required=True, type=click.Path(dir_okay=False, path_type=Path))
@click.option("--final", is_flag=True, help="Затвердити: зберегти PDF із SHA-256 як версію.")
@click.option("--by", "by_login", default=None, help="Логін того, хто затверджує (для --final).")
def pdf_command(month_text: str, out: Path, final: bool, by_login: str | None) -> None:
    """Write the month's report as PDF (the newest draft's text if one was edited)."""
    month = _month(month_text)
    actor = None
    if by_login:
        from civic.auth.services import get_user_by_login

        actor = get_user_by_login(by_login)
        if actor is None:
            raise click.BadParameter(f"користувача «{by_login}» немає", param_hint="--by")
    latest = versions.latest_version(month)
    if final:
        if latest is not None and latest.is_final:
            click.echo(
                f"Звіт за {month_text} уже затверджено (версія {latest.number}); записую її PDF.",
                err=True,
            )
            version = latest
        else:
            version = latest or versions.generate_draft(month, actor=actor)
            try:
                versions.finalise(
                    version,
                    actor=actor,
                    actor_name="" if actor else "civic report pdf --final",
                )
            except DomainError as exc:
                db.session.rollback()
                raise click.ClickException(exc.message) from None
            db.session.commit()
        data = version.pdf
        click.echo(f"Версія {version.number}, SHA-256 {version.pdf_sha256}", err=True)
    else:
        report = (
            versions.version_report(latest)
            if latest is not None and not latest.is_final
            else versions.build_report(month)
        )
        data = versions.render_pdf(report)
    write_output(out, data)
    click.echo(f"Записано {out} ({len(data)} байт).", err=True)


@cli.command("json")
@click.option("--month", "month_text", required=True, help="Місяць РРРР-ММ.")
@click.option("--out", "out", type=click.Path(dir_okay=False, path_type=Path), default=None)
def json_command(month_text: str, out: Path | None) -> None:
    """Print (or write to --out) the month's report model as JSON, from current data."""
    report = versions.build_report(_month(month_text))
    text = json.dumps(report.to_dict(), ensure_ascii=False, indent=2)
    if out is None:
        click.echo(text)
    else:
        write_output(out, (text + "\n").encode("utf-8"))
        click.echo(f"Записано {out}.", err=True)


journal = AppGroup("journal", help="Журнал діяльності відділу.")
cli.add_command(journal)


@journal.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--type",
    "type_code",
    default="news",
    show_default=True,
    help="Тип для рядків без стовпця «Тип».",
)
def journal_import(file: Path, type_code: str) -> None:
    """Import a CSV/XLSX list (columns: Дата, Заголовок, [Посилання], [Тип], [Кількість])."""
    try:
        result = activity_journal.import_journal(
            file.read_bytes(), file.name, default_type=type_code
        )
    except (TabularError, DomainError) as exc:
        db.session.rollback()
        click.echo(str(exc), err=True)
        sys.exit(1)
    db.session.commit()
    summary = ", ".join(f"{code}: {n}" for code, n in sorted(result.by_type.items()))
    click.echo(f"Імпортовано {agree(result.rows, ('запис', 'записи', 'записів'))} ({summary}).")
