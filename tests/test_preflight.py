"""`make test` on a machine that lacks a tool: it stops before pytest with one line saying what
to install (or, as root on Debian, installs it with apt-get first)."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent


def _tool(folder: Path, name: str, body: str = "exit 0") -> None:
    path = folder / name
    path.write_text(f"#!/bin/sh\n{body}\n")
    path.chmod(0o755)


@pytest.fixture
def bare_bin(tmp_path):
    """A PATH with a Chromium and a ``pg_ctl`` but no ``initdb``, and an ``apt-get`` that only
    writes down what it was asked to do."""
    folder = tmp_path / "bin"
    folder.mkdir()
    _tool(folder, "chromium")
    _tool(folder, "pg_ctl")
    _tool(folder, "apt-get", f'echo "$@" >> {tmp_path / "apt.log"}')
    for name in ("make", "sh"):
        os.symlink(shutil.which(name), folder / name)
    return folder


def _env(folder: Path, **extra) -> dict:
    keep = {k: v for k, v in os.environ.items() if k in ("HOME", "LANG", "TMPDIR")}
    return {**keep, "PATH": str(folder), **extra}


def _preflight(folder: Path, **extra) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "tests.support.preflight"],
        cwd=REPO,
        env=_env(folder, **extra),
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_make_test_stops_before_pytest_naming_what_to_install(bare_bin):
    venv = sys.prefix  # this run's virtualenv, taken as installed
    result = subprocess.run(
        ["make", "--no-print-directory", f"VENV={venv}", "-o", f"{venv}/.installed-test", "test"],
        cwd=REPO,
        env=_env(bare_bin),
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode != 0
    assert "pytest -n" not in result.stdout  # make never reached the suite
    last = result.stderr.strip().splitlines()[-2]  # the line before make's own «Error 1»
    assert last.startswith("civic: для тестів бракує / the tests need: PostgreSQL (initdb у ")
    assert "apt-get install postgresql" in last and "Chromium" not in last


def test_preflight_says_one_line_or_installs_as_root(bare_bin, tmp_path):
    result = _preflight(bare_bin)
    assert result.returncode == 1 and result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert "initdb" in lines[-1] and "CIVIC_TEST_BACKENDS=sqlite" in lines[-1]
    apt_log = tmp_path / "apt.log"
    if os.geteuid() == 0:  # as .ci/run did: apt-get update, then install what is missing
        asked = apt_log.read_text().splitlines()
        assert asked == ["update -qq", "install -y -qq --no-install-recommends postgresql"]
        assert len(lines) == 2 and "installing postgresql" in lines[0]
    else:
        assert not apt_log.exists() and len(lines) == 1


def test_preflight_passes_when_everything_is_there(bare_bin, tmp_path):
    _tool(bare_bin, "initdb")
    result = _preflight(bare_bin)
    assert (result.returncode, result.stdout, result.stderr) == (0, "", "")
    assert not (tmp_path / "apt.log").exists()


def test_a_sqlite_only_run_needs_no_postgresql(bare_bin):
    (bare_bin / "pg_ctl").unlink()
    result = _preflight(bare_bin, CIVIC_TEST_BACKENDS="sqlite")
    assert (result.returncode, result.stderr) == (0, "")


def test_no_chromium_is_named(bare_bin):
    (bare_bin / "chromium").unlink()
    _tool(bare_bin, "initdb")
    result = _preflight(bare_bin)
    assert result.returncode == 1
    assert (
        result.stderr.strip()
        .splitlines()[-1]
        .startswith(
            "civic: для тестів бракує / the tests need: Chromium — встановіть / install: "
            "apt-get install chromium"
        )
    )
