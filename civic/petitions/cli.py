"""``civic petitions``: open-data export, KPI, the clock tick and the personal-data purge."""

from __future__ import annotations

import json
import sys

import click
from flask.cli import AppGroup

from civic import kyiv, table_exports
from civic.extensions import db
from civic.files import write_output
from civic.petitions import opendata, retention, services, signatures, signing, stats

cli = AppGroup("petitions", help="Електронні петиції.")


def _write(data: bytes, out: str | None) -> None:
    if out:
        write_output(out, data)
        click.echo(f"Записано: {out}", err=True)
    else:
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()


@cli.command("export")
@click.option(
    "--format", "fmt", type=click.Choice(["json", "csv", "xlsx"]), default="json", show_default=True
)
@click.option(
    "--out",
    type=click.Path(dir_okay=False, writable=True),
    default=None,
    help="File to write (stdout by default).",
)
def export_command(fmt: str, out: str | None) -> None:
    """Published petitions in the national open-data schema."""
    rows = opendata.export_rows(today=services.today_kyiv())
    if fmt == "json":
        data = (json.dumps(rows, ensure_ascii=False, indent=2) + "\n").encode("utf-8")
    else:
        table = [[row[f] for f in opendata.EXPORT_FIELDS] for row in rows]
        if fmt == "csv":
            data = table_exports.write_csv(opendata.EXPORT_FIELDS, table)
        else:
            if not out:
                raise click.UsageError("XLSX is binary: give --out FILE.")
            data = table_exports.write_xlsx(opendata.EXPORT_FIELDS, table, sheet_title="Петиції")
    _write(data, out)


@cli.command("kpi")
@click.option("--month", required=True, help="YYYY-MM")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
def kpi_command(month: str, as_json: bool) -> None:
    """Petition statistics for a month (the same figures the monthly report uses)."""
    try:
        first, last = kyiv.month_days(kyiv.parse_month(month))
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--month") from None
    figures = stats.monthly_statistics(first, last)
    if as_json:
        click.echo(json.dumps(figures, ensure_ascii=False, indent=2))
        return

    def share(value):
        return "—" if value is None else f"{value * 100:.0f} %"

    click.echo(f"Петиції за {first:%d.%m.%Y}–{last:%d.%m.%Y}")
    click.echo(f"  надійшло (підтверджено автором): {figures['received']}")
    click.echo(f"  оприлюднено: {figures['published']}")
    click.echo(f"  відмовлено: {figures['refused']}")
    for code, n in figures["refused_by_reason"].items():
        click.echo(f"    {code}: {n}")
    click.echo(f"  вчасно (2 робочі дні) вирішено: {share(figures['decided_within_2_days_share'])}")
    click.echo(f"  набрали необхідну кількість підписів: {figures['reached_threshold']}")
    click.echo(f"  надано відповідей: {figures['answered']}")
    click.echo(
        f"  вчасно (10 робочих днів) відповіли: {share(figures['answered_within_10_days_share'])}"
    )
    click.echo(f"  підписів підтверджено: {figures['signatures']}")


@cli.command("tick")
def tick_command() -> None:
    """Recount open petitions' signature counters, then record the state changes the clock has
    made due (for cron; pages compute the same)."""
    corrections = signatures.recount_signatures()
    for c in corrections:
        click.echo(f"№ {c.petition_id}: лічильник підписів {c.stored} → {c.counted} (виправлено)")
    changed = services.tick(today=services.today_kyiv())
    signing.prune_counters(services.utcnow())
    db.session.commit()
    for petition in changed:
        click.echo(f"№ {petition.id}: {petition.state}")
    click.echo(f"Змінено станів: {len(changed)}")


@cli.command("rehash")
def rehash_command() -> None:
    """Recompute signers' keyed e-mail hashes in the canonical form (once, after upgrading)."""
    changed, clashes = signatures.rehash_signatures()
    db.session.commit()
    click.echo(f"Перераховано відбитків адрес: {changed}")
    for signature in clashes:
        click.echo(
            f"№ {signature.petition_id}: підпис {signature.id} ({signature.email_domain}) — та сама "
            "скринька, що й раніший підпис; перевірте й за потреби анулюйте"
        )
    if clashes:
        click.echo(f"Збігів з раніше поданими підписами: {len(clashes)}")


@cli.command("purge-personal-data")
@click.option("--today", default=None, help="Дата РРРР-ММ-ДД (типово сьогодні).")
def purge_command(today: str | None) -> None:
    """Anonymise signers' e-mails of petitions closed more than the retention period ago
    (and delete the outbox older than it: the confirmation mails carry names and links)."""
    from civic.mail.cli import parse_today, purge_outbox

    day = parse_today(today)
    petitions, signatures = retention.purge_personal_data(today=day or services.today_kyiv())
    click.echo(f"Знеособлено петицій: {petitions}, підписів: {signatures}")
    purge_outbox(day)
    db.session.commit()
