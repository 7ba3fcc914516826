"""``civic workdays add DATE N``: the N-th working day after DATE under the current calendar."""

from __future__ import annotations

import datetime as dt

import click
from flask.cli import AppGroup

from civic import kyiv, workdays
from civic.workcalendar.services import get_calendar

cli = AppGroup("workdays", help="Календар робочих днів.")


def _date(_ctx, _param, value: str) -> dt.date:
    try:
        return kyiv.parse_date(value)
    except kyiv.KyivTimeError as exc:
        raise click.BadParameter(f"{exc}.") from None


@cli.command("add")
@click.argument("start", callback=_date, metavar="DATE")
@click.argument("n", type=click.IntRange(min=0))
def add_command(start: dt.date, n: int) -> None:
    """Print the ISO date N working days after DATE (DATE itself is not counted)."""
    click.echo(workdays.add_working_days(get_calendar(), start, n).isoformat())


@cli.command("check")
@click.argument("day", callback=_date, metavar="DATE")
def check_command(day: dt.date) -> None:
    """Say whether DATE is a working day and which calendar version answered."""
    calendar = get_calendar()
    verdict = "робочий" if workdays.is_working_day(calendar, day) else "неробочий"
    click.echo(f"{day.isoformat()} {verdict} (версія календаря {calendar.version})")
