"""`civic pb ...` commands of the commission's count (they need the app and its database).

Registered by :func:`register` on :data:`group`, from which the ``pb`` group of
:mod:`civic.pb.cli` imports each command on first use.  Each command calls
one service and commits once; a :class:`~civic.errors.DomainError` (``PbError`` and every
other refusal) rolls back, prints the Ukrainian message on stderr and exits with status 1.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import sys
from pathlib import Path

import click
from flask.cli import with_appcontext

from civic.files import write_output


def _date(value: str | None) -> dt.date | None:
    if value is None:
        return None
    from civic.tabular import parse_date

    try:
        return parse_date(value)
    except ValueError as error:
        raise click.BadParameter(str(error)) from None


def _read(path: str) -> bytes:
    try:
        return Path(path).read_bytes()
    except FileNotFoundError:
        raise click.ClickException(f"Файл «{path}» не знайдено.") from None
    except OSError as error:
        raise click.ClickException(
            f"Файл «{path}» не вдалося прочитати ({error.strerror})."
        ) from None


def _operation(func):
    """Commit once on success; on a DomainError roll back and exit 1 with the Ukrainian message
    (and the per-line problems under it) — the CLI's side of the request boundary."""

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        from civic.errors import DomainError
        from civic.extensions import db

        try:
            value = func(*args, **kwargs)
            db.session.commit()
            return value
        except DomainError as error:
            db.session.rollback()
            click.echo(f"Помилка: {error}", err=True)
            sys.exit(1)

    return with_appcontext(wrapper)


def _import_into(group: click.Group):
    """``civic pb <group> import --edition SLUG FILE``: one file into one edition, one
    transaction (:func:`_operation`)."""

    def decorate(func):
        command = click.argument("file")(_operation(func))
        return group.command("import")(click.option("--edition", "slug", required=True)(command))

    return decorate


def _pabulib_votes(text: str) -> int:
    """Roughly how many votes a pabulib file holds (for a progress bar): lines of its VOTES
    section after the header."""
    at = text.find("\nVOTES")
    return max(0, text.count("\n", at + 1) - 1) if at >= 0 else 0


def _edition(slug: str):
    from civic.pb.services import PbError, get_edition

    edition = get_edition(slug)
    if edition is None:
        raise PbError(f"Видання «{slug}» не знайдено.")
    return edition


def register(cli: click.Group) -> None:
    edition_group = click.Group("edition", help="Видання громадського бюджету.")
    projects_group = click.Group("projects", help="Проєкти видання.")
    ballots_group = click.Group("ballots", help="Бюлетені видання.")
    for group in (edition_group, projects_group, ballots_group):
        cli.add_command(group)

    @edition_group.command("create")
    @click.option("--config", "config_path", required=True, help="Файл налаштувань TOML.")
    @_operation
    def edition_create(config_path: str) -> None:
        """Створити видання з файлу TOML (або оновити, поки немає бюлетенів)."""
        from civic.pb.services import save_edition

        try:
            text = _read(config_path).decode("utf-8-sig")
        except UnicodeDecodeError:
            raise click.ClickException(f"Файл «{config_path}» не в кодуванні UTF-8.") from None
        edition = save_edition(text)
        click.echo(f"Видання «{edition.slug}» ({edition.title}) збережено.")

    @edition_group.command("list")
    @_operation
    def edition_list() -> None:
        """Перелік видань."""
        from civic.pb.services import count_ballots, list_editions

        for e in list_editions():
            click.echo(f"{e.slug}\t{e.status_title}\t{count_ballots(e)} бюлетенів\t{e.title}")

    @_import_into(projects_group)
    def projects_import(slug: str, file: str) -> None:
        """Імпортувати проєкти з CSV або XLSX."""
        from civic.pb.imports import import_projects

        n = import_projects(_edition(slug), _read(file), Path(file).name)
        click.echo(f"Проєктів імпортовано: {n}.")

    @_import_into(ballots_group)
    def ballots_import(slug: str, file: str) -> None:
        """Імпортувати бюлетені (CSV або XLSX) однією транзакцією."""
        from civic.pb.imports import import_ballots, table_lines

        data = _read(file)
        edition = _edition(slug)
        with click.progressbar(
            length=table_lines(data), label="Імпорт бюлетенів", file=sys.stderr
        ) as bar:
            report = import_ballots(
                edition, data, Path(file).name, progress=bar.update, reader_process=True
            )
        click.echo(f"Бюлетенів імпортовано: {report.rows} (SHA-256 {report.sha256}).")

    @cli.command("import-pb")
    @click.argument("file")
    @click.option("--edition", "slug", required=True, help="Ідентифікатор нового видання.")
    @_operation
    def import_pb(file: str, slug: str) -> None:
        """Створити видання з файлу pabulib (.pb): налаштування, проєкти, голоси."""
        from civic.pb.pabulib_import import import_pabulib

        try:
            text = _read(file).decode("utf-8-sig")
        except UnicodeDecodeError:
            raise click.ClickException(f"Файл «{file}» не в кодуванні UTF-8.") from None
        votes = _pabulib_votes(text)
        with click.progressbar(length=votes, label="Імпорт голосів", file=sys.stderr) as bar:
            edition = import_pabulib(text, slug, Path(file).name, progress=bar.update)
        click.echo(f"Видання «{edition.slug}» створено з файлу «{Path(file).name}».")

    @cli.command("tally")
    @click.option("--edition", "slug", required=True)
    @click.option("--json", "as_json", is_flag=True, help="Вивести результат у JSON.")
    @click.option("--on", "on", default=None, help="Дата підрахунку (ДД.ММ.РРРР).")
    @click.option(
        "--what-if",
        "what_if",
        is_flag=True,
        help="Обчислити також результати інших правил і пояснення до них (таблиця «а якби» "
        "на публічній сторінці).",
    )
    @_operation
    def tally_command(slug: str, as_json: bool, on: str | None, what_if: bool) -> None:
        """Перевірити бюлетені та підрахувати голоси (закритий підрахунок лише перераховується)."""
        from civic.pb.services import tally

        edition = _edition(slug)
        stored = edition.digest if edition.is_closed else None
        result = tally(edition, counted_on=_date(on), what_if=what_if)
        if as_json:
            click.echo(json.dumps(result.as_json(), ensure_ascii=False, indent=2))
        else:
            click.echo(
                f"Отримано: {result.received}; дійсних: {result.valid}; недійсних: "
                f"{result.invalid}. Обрано: {', '.join(result.selected) or 'нічого'}."
            )
            click.echo(f"Контрольна сума: {result.digest}")
        if stored is not None:
            same = stored == result.digest
            click.echo(
                "Перерахунок збігається з протоколом."
                if same
                else f"УВАГА: перерахунок не збігається з протоколом ({stored}).",
                err=True,
            )
            if not same:
                sys.exit(2)

    @cli.command("close")
    @click.option("--edition", "slug", required=True)
    @click.option("--on", "on", default=None, help="Дата підрахунку (ДД.ММ.РРРР), типово сьогодні.")
    @_operation
    def close_command(slug: str, on: str | None) -> None:
        """Закрити підрахунок: остаточний результат, далі змін немає."""
        from civic import database, kyiv
        from civic.pb.services import close_edition

        on_date = _date(on) or kyiv.today(database.utcnow())
        result = close_edition(_edition(slug), on=on_date)
        click.echo(f"Підрахунок закрито. Контрольна сума: {result.digest}")

    @cli.command("reopen")
    @click.option("--edition", "slug", required=True)
    @click.option("--reason", required=True, help="Причина (записується до журналу аудиту).")
    @_operation
    def reopen_command(slug: str, reason: str) -> None:
        """Відкрити закритий підрахунок знову (з причиною в журналі аудиту)."""
        from civic.pb.services import reopen_edition

        reopen_edition(_edition(slug), reason=reason)
        click.echo("Підрахунок відкрито знову; подію записано до журналу аудиту.")

    @cli.command("export")
    @click.option("--edition", "slug", required=True)
    @click.option(
        "--format", "fmt", type=click.Choice(["csv", "xlsx", "json", "pb", "pdf"]), required=True
    )
    @click.option("--out", "out", required=True, help="Файл для запису ('-' — стандартний вивід).")
    @_operation
    def export_command(slug: str, fmt: str, out: str) -> None:
        """Експортувати результат: csv, xlsx, json, pb (pabulib) або pdf (протокол)."""
        from civic.pb.exports import export_edition

        data = export_edition(_edition(slug), fmt)
        if out == "-":
            sys.stdout.buffer.write(data)
        else:
            write_output(out, data)
            click.echo(f"Записано {out} ({len(data)} байт).", err=True)

    @cli.command("purge-personal-data")
    @click.option("--today", "today", default=None, help="Дата (типово сьогодні).")
    @_operation
    def purge_command(today: str | None) -> None:
        """Знищити ПІБ, дати народження й адреси після строку зберігання (після закриття)."""
        from civic import database, kyiv
        from civic.mail.cli import purge_outbox
        from civic.pb.services import purge_personal_data, retention_days

        purged = purge_personal_data(_date(today) or kyiv.today(database.utcnow()))
        if purged:
            click.echo(f"Персональні дані знищено: {', '.join(purged)}.")
        else:
            click.echo(f"Немає видань, закритих понад {retention_days()} днів тому.")
        purge_outbox(_date(today))


#: The commands above; :mod:`civic.pb.cli` lists them in ``COUNT_COMMANDS`` and takes them from
#: here when one runs.
group = click.Group("pb-count")
register(group)
