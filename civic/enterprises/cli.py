"""``civic enterprises …``: registry, statement and plan imports, show, export, catalogue."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click
from flask.cli import AppGroup

from civic.cli_boundary import committed
from civic.database import utcnow
from civic.enterprises import exports, line_catalogue, services
from civic.enterprises.catalogue import DEFAULT_EDITIONS, FORMS
from civic.enterprises.plan_title import STATUSES, period_phrase
from civic.extensions import db
from civic.files import write_output
from civic.formatting import agree
from civic.tabular import TabularError

cli = AppGroup("enterprises", help="Комунальні підприємства: звітність, плани, відкриті дані.")
catalogue_cli = AppGroup("catalogue", help="Каталог кодів рядків.")
cli.add_command(catalogue_cli)


def _read(path: str) -> bytes:
    try:
        return Path(path).read_bytes()
    except OSError as exc:
        raise click.ClickException(f"Не вдалося прочитати файл «{path}»: {exc.strerror}") from exc


def _echo_messages(messages) -> None:
    for message in messages:
        prefix = "ПОМИЛКА" if message.level == "error" else "Попередження"
        click.echo(f"{prefix}: {message.as_text()}", err=True)


def _refuse(exc: services.UploadRefused, file: str | None = None):
    db.session.rollback()
    _echo_messages(exc.messages)
    named = f"Файл «{Path(file).name}»" if file else "Файл"
    raise click.ClickException(f"{named} не прийнято; нічого не змінено.")


@cli.command("import-list")
@click.argument("file", type=click.Path(dir_okay=False))
def import_list_command(file):
    """Import the enterprise list (Код ЄДРПОУ; Назва підприємства; Тип звітності)."""
    try:
        created, updated, messages = services.import_enterprise_list(_read(file), Path(file).name)
    except services.UploadRefused as exc:
        _refuse(exc)
    db.session.commit()
    _echo_messages(messages)
    click.echo(f"Підприємств додано: {created}, оновлено: {updated}.")


def _report_upload(outcome) -> None:
    _echo_messages(outcome.messages)
    upload = outcome.upload
    if upload.form == "plan":
        click.echo(_plan_note(upload))
    note = (
        f"; попередній файл №{outcome.replaced.id} збережено в історії" if outcome.replaced else ""
    )
    click.echo(
        f"Прийнято завантаження №{upload.id}: "
        f"{agree(upload.value_count, ('значення', 'значення', 'значень'))}, "
        f"попереджень: {sum(m.level == 'warning' for m in outcome.messages)}{note}."
    )


def _plan_note(upload) -> str:
    if upload.report_period:
        return f"Звіт про виконання плану {period_phrase(upload.report_period, upload.year)}."
    approval = f"; {upload.decision}" if upload.decision else ""
    force = "чинна" if upload.is_current else "збережена, не чинна"
    status = STATUSES.get(upload.plan_status, "без позначки статусу")
    return f"Версія фінансового плану на {upload.year} рік: «{status}»{approval} ({force})."


@cli.command("import-statement")
@click.argument("file", type=click.Path(dir_okay=False))
@click.option("--edrpou", required=True, help="Код ЄДРПОУ підприємства.")
@click.option("--year", required=True, type=int)
@click.option("--form", "form", required=True, type=click.Choice(["1", "2"]))
@click.option("--unit", default=services.DEFAULT_UNIT, show_default=True)
def import_statement_command(file, edrpou, year, form, unit):
    """Import Form 1 (balance) or Form 2 (financial results) of one enterprise and year."""
    try:
        outcome = services.import_statement(
            _read(file), Path(file).name, edrpou=edrpou, year=year, form=form, unit=unit
        )
    except services.UploadRefused as exc:
        _refuse(exc)
    db.session.commit()
    _report_upload(outcome)


@cli.command("import-plan")
@click.argument("file", type=click.Path(dir_okay=False))
@click.option("--edrpou", required=True)
@click.option("--year", required=True, type=int)
@click.option("--unit", default=services.DEFAULT_UNIT, show_default=True)
@click.option(
    "--status",
    type=click.Choice(["", *STATUSES]),
    default="",
    help="Статус плану (project, approved, refined, amended); типово — як у файлі.",
)
def import_plan_command(file, edrpou, year, unit, status):
    """Import a financial plan or its execution report; each version is kept."""
    try:
        outcome = services.import_plan(
            _read(file), Path(file).name, edrpou=edrpou, year=year, unit=unit, status=status
        )
    except services.UploadRefused as exc:
        _refuse(exc, file)
    db.session.commit()
    _report_upload(outcome)


@cli.command("show")
@click.argument("edrpou")
@click.option("--json", "as_json", is_flag=True, help="Машинозчитуваний JSON.")
def show_command(edrpou, as_json):
    """Show an enterprise's statements, plan and indicators."""
    enterprise = services.get_enterprise(
        edrpou.strip().zfill(8) if edrpou.strip().isdigit() else edrpou
    )
    if enterprise is None:
        raise click.ClickException(f"Підприємство з кодом ЄДРПОУ {edrpou} не знайдено.")
    data = services.load_enterprise_data(enterprise)
    if as_json:
        click.echo(
            json.dumps(services.enterprise_json(enterprise, data), ensure_ascii=False, indent=2)
        )
        return
    click.echo(
        f"{enterprise.edrpou}  {enterprise.name}  (тип звітності {enterprise.reporting_type})"
    )
    indicators = data.indicators()
    for year in data.years:
        click.echo(f"\n{year}:")
        for name, values in (("Форма 1", data.form1.get(year)), ("Форма 2", data.form2.get(year))):
            if values:
                click.echo(f"  {name}: " + ", ".join(f"{c}={v}" for c, v in sorted(values.items())))
        if year in data.plan:
            click.echo(f"  План: {len(data.plan[year])} рядків")
        for item in indicators.get(year, []):
            if item.value is not None:
                click.echo(f"  {item.title}: {item.value}{(' ' + item.unit) if item.unit else ''}")


@cli.command("export")
@click.option(
    "--format",
    "fmt",
    required=True,
    type=click.Choice(["csv", "xlsx", "json", "datapackage", "openbudget"]),
)
@click.option(
    "--out",
    "out",
    required=True,
    type=click.Path(),
    help="Файл (csv, xlsx, json, openbudget — ZIP) або тека (datapackage).",
)
def export_command(fmt, out):
    """Export open data: the long fact table, JSON, a Frictionless data package or openbudget ZIP."""
    now = utcnow()
    target = Path(out)
    if fmt == "datapackage":
        target.mkdir(parents=True, exist_ok=True)
        files = exports.datapackage_files(now)
        with click.progressbar(files.items(), label="Запис пакета даних", file=sys.stderr) as bar:
            for name, data in bar:
                write_output(target / name, data)
        click.echo(f"Пакет даних записано в {target} ({len(files)} файли).")
        return
    data = {
        "csv": exports.export_csv,
        "xlsx": exports.export_xlsx,
        "json": lambda: exports.export_json(now),
        "openbudget": exports.openbudget_zip,
    }[fmt]()
    write_output(target, data)
    click.echo(f"Записано {target} ({len(data)} байтів).")


@catalogue_cli.command("load")
@click.argument("file", type=click.Path(dir_okay=False))
@click.option("--form", "form", required=True, type=click.Choice(list(FORMS)))
@click.option("--edition", default=None, help="Редакція форми (типово — чинна за замовчуванням).")
def catalogue_load_command(file, form, edition):
    """Load a line catalogue (Код рядка; Назва коду; Опис коду; Одиниці виміру)."""
    edition = edition or DEFAULT_EDITIONS[form]
    with committed(TabularError):
        count = line_catalogue.load_catalogue_file(_read(file), Path(file).name, form, edition)
    click.echo(f"Каталог «{FORMS[form]}», редакція «{edition}»: завантажено рядків — {count}.")


@catalogue_cli.command("seed")
def catalogue_seed_command():
    """Store the shipped НП(С)БО 1 catalogues where none are stored yet."""
    count = line_catalogue.seed_catalogue()
    db.session.commit()
    click.echo(f"Завантажено рядків каталогу: {count}.")
