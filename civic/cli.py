"""The ``civic`` console script: Flask's commands (``run``, ``shell``, ``routes``, ``db``) plus
civic's own groups, each imported on first use.

Start-up is what a user waits for on every command, so this module imports only ``click``:

* :class:`LazyGroup` lists its subcommands from a table (name → ``"module:attribute"``, help) and
  imports a subcommand only when it runs, so ``civic --help`` and ``civic pb outcome`` import
  neither Flask nor SQLAlchemy nor the domains;
* a subcommand marked as needing the app gets Flask's :class:`~flask.cli.ScriptInfo` (which
  builds the app with :func:`civic.create_app`) when it is looked up; the app itself is built
  only when the command runs, by ``with_appcontext`` — commands that need no app never build it.

``create_app`` registers the same domain groups and top-level commands on ``app.cli``, so
``app.test_cli_runner()`` sees what the console script offers (``tests/test_cli.py`` checks that
both lists agree). Flask's group options ``--app`` and ``--env-file`` are not offered: civic
always builds its own app and reads its settings from ``instance/config.py`` and ``CIVIC_*``.
"""

from __future__ import annotations

import importlib
import os
import sys
from typing import NamedTuple

import click


class Lazy(NamedTuple):
    """A subcommand imported on first use: ``target`` is ``"module:attribute"``; when the
    attribute is a group of another name, the subcommand is its command of this name."""

    target: str
    help: str
    needs_app: bool = True
    #: Whether the app it needs has the web views and every CLI group; False: the database
    #: only (``create_app(web=False)``), for the commission's count commands.
    web: bool = True

    def short_help(self, limit: int = 45) -> str:
        """The line ``--help`` lists, shortened as click shortens the command's own help."""
        return click.Command(None, help=self.help).get_short_help_str(limit)


def load(target: str, name: str) -> click.Command:
    module, _, attribute = target.partition(":")
    command = importlib.import_module(module)
    for part in attribute.split("."):
        command = getattr(command, part)
    if isinstance(command, click.Group) and command.name != name:
        command = command.commands[name]
    return command


def provide_app(ctx: click.Context, *, web: bool = True) -> None:
    """Let ``with_appcontext`` build civic's app for this invocation (unless a caller, such as
    ``app.test_cli_runner()``, already gave one); ``web=False``: without the views."""
    from flask.cli import ScriptInfo

    if ctx.find_object(ScriptInfo) is None:
        os.environ["FLASK_RUN_FROM_CLI"] = "true"
        build = _create_app if web else _create_database_app
        ctx.find_root().obj = ScriptInfo(create_app=build, set_debug_flag=True)


def _create_app():
    from civic import create_app

    return create_app()


def _create_database_app():
    from civic import create_app

    return create_app(web=False)


class LazyGroup(click.Group):
    """A click group whose subcommands are imported by dotted path when they are used."""

    def __init__(self, *args, lazy: dict[str, Lazy] | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.lazy = dict(lazy or {})

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*super().list_commands(ctx), *self.lazy})

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        entry = self.lazy.get(name)
        if entry is None:
            return super().get_command(ctx, name)
        if entry.needs_app:
            provide_app(ctx, web=entry.web)
        return load(entry.target, name)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        """The command list from the table, without importing the commands."""
        names = [n for n in self.list_commands(ctx) if n in self.lazy or n in self.commands]
        if not names:
            return
        limit = formatter.width - 6 - max(len(n) for n in names)
        rows = []
        for name in names:
            if name in self.lazy:
                text = self.lazy[name].short_help(limit)
            else:
                command = self.commands[name]
                if command.hidden:
                    continue
                text = command.get_short_help_str(limit)
            rows.append((name, text))
        with formatter.section("Commands"):
            formatter.write_dl(rows)


def _set_debug(ctx: click.Context, param: click.Parameter, value: bool | None) -> bool | None:
    # As Flask's --debug/--no-debug: the app's debug flag comes from FLASK_DEBUG.
    if value is not None:
        os.environ["FLASK_DEBUG"] = "1" if value else "0"
    return value


def _is_database_error(exc: BaseException) -> bool:
    """An SQLAlchemy connection or schema error (without importing SQLAlchemy when no command
    has)."""
    exc_module = sys.modules.get("sqlalchemy.exc")
    return exc_module is not None and isinstance(
        exc, (exc_module.OperationalError, exc_module.ProgrammingError)
    )


class CivicGroup(LazyGroup):
    """The console script's group: database failures become a Ukrainian message, not a trace;
    an unknown name is looked up among Flask's plugin commands (``flask.commands``)."""

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        command = super().get_command(ctx, name)
        if command is None:
            from importlib.metadata import entry_points

            for entry in entry_points(group="flask.commands"):
                if entry.name == name:
                    provide_app(ctx)
                    return entry.load()
        return command

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except Exception as exc:
            if not _is_database_error(exc):
                raise
            detail = str(getattr(exc, "orig", exc)).splitlines()[0][:200]
            raise click.ClickException(
                f"Помилка бази даних ({detail}). Якщо базу ще не створено або не оновлено, "
                "виконайте «civic db upgrade»; перевірте також CIVIC_DATABASE_URL."
            ) from exc


#: Every command of ``civic``. The domain groups and ``demo``/``backup``/``restore`` are also
#: what ``create_app`` registers on ``app.cli``; ``run``, ``shell``, ``routes`` are Flask's own
#: and ``db`` is Flask-Migrate's.
COMMANDS = {
    "users": Lazy("civic.auth.cli:cli", "Облікові записи працівників."),
    "audit": Lazy("civic.audit.cli:cli", "Журнал аудиту."),
    "mail": Lazy("civic.mail.cli:cli", "Вихідна пошта."),
    "workdays": Lazy("civic.workcalendar.cli:cli", "Календар робочих днів."),
    # The pb group itself needs no app: `pb outcome` and `pb check` read files only.
    "pb": Lazy("civic.pb.cli:cli", "Громадський бюджет", needs_app=False),
    "petitions": Lazy("civic.petitions.cli:cli", "Електронні петиції."),
    "enterprises": Lazy(
        "civic.enterprises.cli:cli", "Комунальні підприємства: звітність, плани, відкриті дані."
    ),
    "report": Lazy(
        "civic.reports.cli:cli", "Щомісячний звіт відділу: PDF, JSON, журнал діяльності."
    ),
    "demo": Lazy(
        "civic.admin:demo_command",
        "Завантажити демонстраційні дані (повторний запуск нічого не дублює): облікові записи й приклади кожного модуля.",
    ),
    "backup": Lazy(
        "civic.admin:backup_command",
        "Зробити резервну копію всієї бази (SQLite — онлайн-копія, PostgreSQL — pg_dump).",
    ),
    "restore": Lazy(
        "civic.admin:restore_command",
        "Замінити базу резервною копією, зробленою командою «civic backup».",
    ),
    "db": Lazy("flask_migrate.cli:db", "Perform database migrations."),
    "run": Lazy("flask.cli:run_command", "Run a development server."),
    "shell": Lazy("flask.cli:shell_command", "Run a shell in the app context."),
    "routes": Lazy("flask.cli:routes_command", "Show the routes for the app."),
}

#: Flask's own commands, which ``app.cli`` does not hold (``db`` it does: Flask-Migrate's
#: ``init_app`` registers it).
FLASK_COMMANDS = ("run", "shell", "routes")

main = CivicGroup(
    "civic",
    help="civic — робочий інструмент відділу.",
    lazy=COMMANDS,
    params=[
        click.Option(
            ["--debug/--no-debug"],
            default=None,
            expose_value=False,
            is_eager=True,
            callback=_set_debug,
            help="Режим налагодження (FLASK_DEBUG).",
        )
    ],
)
