import click
from flask.cli import AppGroup

from civic.audit.anchor import AnchorError
from civic.audit.chain import ANCHOR_MISSING, RECORDS
from civic.audit.services import AuditError, adopt_audit_chain, anchor_path, verify_audit_chain
from civic.cli_boundary import committed
from civic.formatting import agree

cli = AppGroup("audit", help="Журнал аудиту.")

# At most this many breaks are listed; the count of the rest is printed.
_SHOWN = 50


@cli.command("verify")
@click.option(
    "--anchor",
    "anchor_file",
    type=click.Path(dir_okay=False),
    default=None,
    help="Звірити з копією якоря з іншого сервера (типово — AUDIT_ANCHOR).",
)
def verify_command(anchor_file):
    """Check the audit chain and its anchor: prints OK <n> events, or lists every break (exit 1)."""
    from pathlib import Path

    path = Path(anchor_file) if anchor_file else anchor_path()
    damaged = None
    try:
        result = verify_audit_chain(path)
    except AnchorError as exc:
        damaged = str(exc)
        result = verify_audit_chain(Path("/nonexistent/civic-audit-anchor"))
    breaks = [b for b in result.breaks if not (damaged and b.kind == ANCHOR_MISSING)]
    if result.ok:
        line = f"OK {result.count} events"
        if result.legacy_count:
            line += (
                f" (перші {result.legacy_count} записано до ключа журналу і перевірено "
                "за старим правилом)"
            )
        click.echo(line)
        return
    click.echo(f"ЖУРНАЛ АУДИТУ ПОШКОДЖЕНО: прочитано записів {result.count}, якір {path}", err=True)
    if damaged:
        click.echo(f"  {damaged}", err=True)
    for item in breaks[:_SHOWN]:
        click.echo(f"  {item.message}", err=True)
    if len(breaks) > _SHOWN:
        click.echo(f"  … і ще {len(breaks) - _SHOWN} розривів", err=True)
    raise SystemExit(1)


@cli.command("adopt")
def adopt_command():
    """Accept the chain as it stands and anchor it (after an upgrade from an unkeyed chain)."""
    with committed(AuditError):
        check = adopt_audit_chain()
    legacy = (
        f", з них {check.legacy_count} — до ключа (старе правило)" if check.legacy_count else ""
    )
    click.echo(
        f"Журнал прийнято: {agree(check.count, RECORDS)}{legacy}; подію audit.adopted додано, "
        f"якір {anchor_path()} оновлено"
    )
