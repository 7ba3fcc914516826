"""The ``civic`` console script: everything ``flask`` offers plus civic's own groups.

Domain groups (``users``, ``audit``, ``pb``, ...) and ``demo`` are registered on ``app.cli`` by
``create_app``, so ``app.test_cli_runner()`` sees exactly what the console script offers.
"""

from __future__ import annotations

import importlib
import importlib.util

import click
from flask.cli import FlaskGroup, with_appcontext


def _create_app():
    from civic import create_app

    return create_app()


@click.group(cls=FlaskGroup, create_app=_create_app, help="civic — робочий інструмент відділу.")
def main():
    pass


@click.command("demo")
@with_appcontext
def demo_command():
    """Load the demo data set (idempotent): accounts and each module's examples."""
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
