"""`civic pb outcome` / `civic pb check` through the console script's direct path
(:mod:`civic.console`, no click) print and exit exactly as through click."""

import contextlib
import io
import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from civic import console
from civic.cli import main as click_main
from civic.pb import file_commands

from .test_check import VALID

CIVIC = Path(sys.executable).with_name("civic")  # the installed console script


@pytest.fixture(scope="module")
def pool(tmp_path_factory):
    """Files of every kind a user may name: good, unusual, broken, absent, not a file."""
    folder = tmp_path_factory.mktemp("files")
    texts = {
        "good.pb": VALID,
        "cents.pb": VALID.replace("budget;100", "budget;100.50"),
        "bom.pb": "\ufeff" + VALID,
        "broken.pb": VALID.replace("VOTES\n", ""),
        "no-budget.pb": VALID.replace("budget;100\n", ""),
        "unknown-rule.pb": VALID.replace("rule;greedy", "rule;lottery"),
        "warnings.pb": VALID.replace("currency;UAH", "currency;гривня"),
        'квіти; "лапки".pb': VALID,
    }
    for name, text in texts.items():
        (folder / name).write_text(text, encoding="utf-8")
    (folder / "cp1251.pb").write_bytes(VALID.replace("Park", "Парк").encode("cp1251"))
    (folder / "empty.pb").write_bytes(b"")
    (folder / "nul.pb").write_bytes(b"\x00" * 64)
    (folder / "a-folder.pb").mkdir()
    return [str(folder / name) for name in sorted(os.listdir(folder))] + [
        str(folder / "missing.pb")
    ]


def direct(argv):
    """(status, stdout, stderr) of ``civic.console.main(argv)`` in this process."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            status = console.main(argv, prog_name="civic")
        except SystemExit as stop:
            status = stop.code
    return status or 0, out.getvalue(), err.getvalue()


def through_click(argv):
    result = CliRunner().invoke(click_main, argv, prog_name="civic", catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


OPTIONS = st.sampled_from(
    [
        ["--json"],
        ["--rule", "greedy"],
        ["--rule=equalshares"],
        ["--rule", "auto"],
        ["--rule", "equalshares/add1"],
        ["--rule", "lottery"],
        ["--rule"],
        ["--rule="],
        ["--json=yes"],
        ["--help"],
        ["--"],
        ["-"],
        ["-x"],
    ]
)


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.data())
def test_direct_path_prints_and_exits_as_click_does(pool, data):
    command = data.draw(st.sampled_from(["outcome", "check"]))
    parts = data.draw(
        st.lists(st.one_of(st.sampled_from(pool).map(lambda p: [p]), OPTIONS), max_size=5)
    )
    argv = ["pb", command, *(token for part in parts for token in part)]
    assert direct(argv) == through_click(argv)


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["outcome", "a.pb"], {"files": ["a.pb"], "rule": "auto", "as_json": False}),
        (
            ["outcome", "--json", "a.pb", "--rule", "greedy", "b.pb"],
            {"files": ["a.pb", "b.pb"], "rule": "greedy", "as_json": True},
        ),
        (
            ["outcome", "--rule=greedy", "--rule", "phragmen", "a.pb"],
            {"files": ["a.pb"], "rule": "phragmen", "as_json": False},
        ),
        (["check", "a.pb", "b.pb"], {"files": ["a.pb", "b.pb"]}),
        (["outcome", "--rule", "lottery", "a.pb"], None),
        (["outcome", "--json"], None),
        (["outcome", "a.pb", "--help"], None),
        (["outcome", "--", "-a.pb"], None),
        (["check", "--json", "a.pb"], None),
        (["corpus", "a.pb"], None),
    ],
)
def test_parse_takes_only_command_lines_it_understands_fully(args, expected):
    assert file_commands.parse(args[0], args[1:]) == expected


def test_a_closed_pipe_ends_the_command_quietly_with_status_1(pool):
    good = next(p for p in pool if p.endswith("good.pb"))
    read, write = os.pipe()
    os.close(read)
    try:
        result = subprocess.run(
            [str(CIVIC), "pb", "outcome", "--json", good, good],
            stdout=write,
            stderr=subprocess.PIPE,
            env={"PATH": "/usr/bin:/bin"},
            timeout=60,
        )
    finally:
        os.close(write)
    assert result.returncode == 1
    assert result.stderr == b""
