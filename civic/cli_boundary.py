"""The command line's side of the request boundary (``docs/decisions/0002-request-boundary.md``)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import click

from civic.extensions import db


@contextmanager
def committed(*refusals: type[Exception], said: str = "") -> Iterator[None]:
    """Commit once when the block ends; on one of ``refusals`` roll back and stop the command
    with the error's Ukrainian text (after ``said``), as :class:`click.ClickException`."""
    try:
        yield
    except refusals as exc:
        db.session.rollback()
        raise click.ClickException(f"{said}{exc}") from exc
    db.session.commit()
