"""The console script and the demo command."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

from civic import create_app
from civic.auth.models import User
from civic.extensions import db


def test_demo_is_idempotent_and_prints_accounts(runner):
    first = runner.invoke(args=["demo"])
    assert first.exit_code == 0, first.output
    assert "commission2" in first.output and "demo-count2-2026" in first.output
    count = db.session.scalar(db.select(db.func.count(User.id)))
    second = runner.invoke(args=["demo"])
    assert second.exit_code == 0, second.output
    assert db.session.scalar(db.select(db.func.count(User.id))) == count
    roles = {u.login: u.roles for u in db.session.scalars(db.select(User))}
    assert roles["admin"] == {"admin"} and roles["commission"] == {"commission"}
    assert roles["moderator"] == {"moderator"} and roles["editor"] == {"editor"}


def test_console_script_lists_domain_groups(tmp_path):
    env = {"CIVIC_INSTANCE_PATH": str(tmp_path), "PATH": "/usr/bin:/bin"}
    result = subprocess.run(
        [sys.executable, "-m", "civic", "--help"],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    for group in ("users", "audit", "demo", "db", "run", "shell"):
        assert group in result.stdout


# --- Start-up: the console script imports a command only when it runs (issue 15) ---

CIVIC = Path(sys.executable).with_name("civic")  # the installed console script
PABULIB = Path(__file__).resolve().parents[2] / "shared" / "data" / "pabulib"
HEAVY = ("flask", "werkzeug", "sqlalchemy", "civic.extensions", "reportlab", "openpyxl", "PIL")
# What `civic pb outcome` of a file of whole amounts no longer pays for at start-up
# (docs/performance.md). Not listed: re, collections, typing and contextlib, which the runpy of
# REPORT_MODULES imports itself.
OUTCOME_SPARES = (
    *("dataclasses", "inspect", "ast", "json", "datetime", "click"),
    *("fractions", "decimal", "csv"),
)


# Runs a script or code as ``python`` would, then reports every module it imported (on exit).
REPORT_MODULES = """
import atexit, runpy, sys
atexit.register(lambda: print("MODULES", *sorted(sys.modules), file=sys.stderr))
target, sys.argv = sys.argv[1], sys.argv[1:]
if target == "-c":
    exec(sys.argv[1])
else:
    runpy.run_path(target, run_name="__main__")
"""


def _imported(argv, tmp_path):
    """Run ``argv[0]`` (a script, or ``-c`` and code) with ``argv[1:]``; its result and every
    module it imported."""
    env = {"CIVIC_INSTANCE_PATH": str(tmp_path / "instance"), "PATH": "/usr/bin:/bin"}
    result = subprocess.run(
        [sys.executable, "-c", REPORT_MODULES, *argv],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    modules = set()
    for line in result.stderr.splitlines():
        if line.startswith("MODULES "):
            modules = set(line.split()[1:])
    return result, modules


def _heavy(modules):
    return sorted(m for m in modules if m.split(".")[0] in HEAVY or m in HEAVY)


@pytest.mark.parametrize(
    "args",
    [
        ["--help"],
        ["pb", "--help"],
        ["pb", "outcome", "--json", str(PABULIB / "Netherlands_Assen_2024.pb")],
        ["pb", "outcome", "--rule", "greedy", str(PABULIB / "Poland_Warszawa_2019_Las.pb")],
        # a quoted META comment
        ["pb", "outcome", "--json", str(PABULIB / "Poland_Gdynia_2022_Dzialki_Lesne__small.pb")],
        ["pb", "check", str(PABULIB / "checker_example_valid.pb")],
    ],
    ids=["help", "pb-help", "pb-outcome-json", "pb-outcome-table", "pb-outcome-quoted", "pb-check"],
)
def test_commands_that_need_no_app_import_no_framework(args, tmp_path, shared_dir):
    result, modules = _imported([str(CIVIC), *args], tmp_path)
    assert result.returncode == 0, result.stderr[-2000:]
    # `pb outcome` and `pb check` of plain files run without click (civic.console).
    direct = args[0] == "pb" and args[1] in ("outcome", "check")
    assert ("civic.cli" in modules and "click" in modules) is not direct
    assert _heavy(modules) == []
    if args[:2] == ["pb", "outcome"]:
        assert sorted(modules.intersection(OUTCOME_SPARES)) == []
    assert not (tmp_path / "instance").exists()  # no app was built (it creates the instance)


def test_pb_outcome_through_the_console_script_prints_the_winners(tmp_path, shared_dir):
    path = shared_dir / "data" / "pabulib" / "Netherlands_Assen_2024.pb"
    result = subprocess.run(
        [str(CIVIC), "pb", "outcome", "--json", str(path)],
        capture_output=True,
        text=True,
        env={"CIVIC_INSTANCE_PATH": str(tmp_path), "PATH": "/usr/bin:/bin"},
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    record = json.loads(result.stdout)
    assert record["rule"] == "equalshares/add1"
    assert record["selected"] == ["3", "9", "11", "2", "13", "14", "5", "6", "12"]


def test_building_the_app_imports_no_pdf_or_spreadsheet_library(tmp_path):
    code = "from civic import create_app; create_app()"
    result, modules = _imported(["-c", code], tmp_path)
    assert result.returncode == 0, result.stderr[-2000:]
    assert "flask" in modules and "civic.pb.views" in modules
    assert [m for m in modules if m.split(".")[0] in ("reportlab", "openpyxl", "PIL")] == []


def test_console_script_offers_what_the_app_registers(app):
    from civic.cli import COMMANDS, FLASK_COMMANDS, load, main

    assert set(main.list_commands(None)) == set(COMMANDS)
    assert set(COMMANDS) - set(FLASK_COMMANDS) == set(app.cli.commands)
    for name, entry in COMMANDS.items():
        command = load(entry.target, name)
        if name not in FLASK_COMMANDS:
            assert command is app.cli.commands[name], name
        assert entry.short_help(1000) == command.get_short_help_str(1000), name


def test_pb_group_lists_each_count_command_with_its_own_help(app):
    from civic.cli import load
    from civic.pb.cli import COUNT_COMMANDS, cli
    from civic.pb.commands import group

    assert app.cli.commands["pb"] is cli
    assert set(cli.list_commands(None)) == {"check", "outcome", "corpus", *group.commands}
    assert set(COUNT_COMMANDS) == set(group.commands)
    for name, entry in COUNT_COMMANDS.items():
        command = load(entry.target, name)
        assert command is group.commands[name]
        assert entry.short_help(1000) == command.get_short_help_str(1000), name


def test_console_script_builds_the_app_for_commands_that_need_it(database_url, tmp_path):
    env = {
        "CIVIC_INSTANCE_PATH": str(tmp_path / "instance"),
        "CIVIC_DATABASE_URL": database_url,
        "PATH": "/usr/bin:/bin",
    }

    def civic(*args, stdin=None):
        return subprocess.run(
            [str(CIVIC), *args], input=stdin, capture_output=True, text=True, env=env, timeout=120
        )

    created = civic(
        "users",
        "create",
        "olena",
        "--role",
        "admin",
        "--password-stdin",
        stdin="Ніжин-рада-адмін-2026\n",
    )
    assert created.returncode == 0, created.stderr
    listed = civic("users", "list")
    assert listed.returncode == 0, listed.stderr
    assert listed.stdout.split("\t")[:2] == ["olena", "admin"]
    missing = civic("pb", "tally", "--edition", "nemaie")
    assert missing.returncode == 1 and "Видання «nemaie» не знайдено." in missing.stderr


def test_console_script_on_an_empty_database_says_what_to_do(tmp_path):
    env = {
        "CIVIC_INSTANCE_PATH": str(tmp_path / "instance"),
        "CIVIC_DATABASE_URL": f"sqlite:///{tmp_path / 'empty.sqlite'}",
        "PATH": "/usr/bin:/bin",
    }
    result = subprocess.run(
        [str(CIVIC), "users", "list"], capture_output=True, text=True, env=env, timeout=120
    )
    assert result.returncode == 1
    assert "Помилка бази даних" in result.stderr and "civic db upgrade" in result.stderr
    assert "Traceback" not in result.stderr


def test_count_commands_build_the_app_without_its_views(database_url, tmp_path):
    """`civic pb ballots import` and `civic pb tally` (issue 15 point 4) build the app without
    the web views, CLI groups, Flask-Migrate, the web's extensions and the other domains'
    models, and count what the whole app counts."""
    examples = Path(__file__).resolve().parents[1] / "docs" / "examples"
    env = {
        "CIVIC_INSTANCE_PATH": str(tmp_path / "instance"),
        "CIVIC_DATABASE_URL": database_url,
        "CIVIC_PERSONAL_DATA_KEY": "test",
        "PATH": "/usr/bin:/bin",
    }

    def civic(*args):
        result = subprocess.run(
            [sys.executable, "-c", REPORT_MODULES, str(CIVIC), *args],
            capture_output=True,
            text=True,
            env=env,
            timeout=300,
        )
        assert result.returncode == 0, result.stderr[-2000:]
        modules = next(
            set(line.split()[1:]) for line in result.stderr.splitlines() if "MODULES " in line
        )
        return result.stdout, modules

    civic("pb", "edition", "create", "--config", str(examples / "pb-edition.toml"))
    civic("pb", "projects", "import", "--edition", "gb-2021", str(examples / "pb-projects.csv"))
    imported, modules = civic(
        "pb", "ballots", "import", "--edition", "gb-2021", str(examples / "pb-ballots.csv")
    )
    assert "Бюлетенів імпортовано" in imported
    text, tally_modules = civic("pb", "tally", "--edition", "gb-2021", "--json")
    for loaded in (modules, tally_modules):
        assert {"civic.pb.models", "civic.audit.models", "civic.auth.models"} <= loaded
        web = {"civic.pb.views", "civic.auth.views", "alembic", "reportlab", "flask_wtf"}
        assert not (web | {"flask_limiter", "civic.petitions.models"}) & loaded

    app = create_app(
        {"SQLALCHEMY_DATABASE_URI": database_url, "PERSONAL_DATA_KEY": "test"},
        instance_path=tmp_path / "instance",
    )
    result = app.test_cli_runner().invoke(args=["pb", "tally", "--edition", "gb-2021", "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output) == json.loads(text)
    with app.app_context():
        db.engine.dispose()
