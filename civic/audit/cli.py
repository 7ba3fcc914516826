import click
from flask.cli import AppGroup

from civic.audit.services import verify_audit_chain

cli = AppGroup("audit", help="Журнал аудиту.")


@cli.command("verify")
def verify_command():
    """Check the audit chain: prints OK <n> events, or names the first broken event."""
    result = verify_audit_chain()
    if result.ok:
        click.echo(f"OK {result.count} events")
        return
    click.echo(
        f"BROKEN at event {result.broken_id} ({result.problem}); "
        f"{result.count} events before it are intact",
        err=True,
    )
    raise SystemExit(1)
