"""Before `make test` starts pytest: is everything the suite needs on this machine?

The suite needs Chromium (the browser tests), PostgreSQL's server binaries ``initdb`` and
``pg_ctl`` (every database test runs on PostgreSQL too) and the real data in ``../shared``.
Run as root on Debian, this installs what is missing as ``.ci/run`` does (``apt-get install
chromium postgresql``, a ``postgres`` system user to run the server); otherwise, or if that did
not help, it stops with one line naming what to install — rather than failing a few tests
halfway through a long run.  ``CIVIC_TEST_BACKENDS=sqlite`` needs no PostgreSQL.

    python -m tests.support.preflight      # exit 0: all there; 1: the line says what is missing
"""

from __future__ import annotations

import os
import pwd
import shutil
import subprocess
import sys
from pathlib import Path

from tests.support.browser import chromium_executable
from tests.support.postgres import PostgresUnavailable, server_bindir

SHARED = Path(__file__).resolve().parents[2].parent / "shared"
PG_USER = os.environ.get("CIVIC_TEST_PG_USER", "postgres")  # PostgreSQL will not run as root


def _user_exists(name: str) -> bool:
    try:
        pwd.getpwnam(name)
    except KeyError:
        return False
    return True


def missing() -> list[tuple[str, str | None]]:
    """What is absent: (what, the Debian package that provides it, or None)."""
    absent: list[tuple[str, str | None]] = []
    if chromium_executable() is None:
        absent.append(("Chromium", "chromium"))
    if "postgresql" in os.environ.get("CIVIC_TEST_BACKENDS", "sqlite,postgresql").split(","):
        try:
            bindir = server_bindir()
        except PostgresUnavailable:
            absent.append(("PostgreSQL (initdb, pg_ctl)", "postgresql"))
        else:
            lacking = [name for name in ("initdb", "pg_ctl") if not (bindir / name).is_file()]
            if lacking:
                absent.append((f"PostgreSQL ({', '.join(lacking)} у {bindir})", "postgresql"))
        if os.geteuid() == 0 and not _user_exists(PG_USER):
            absent.append((f"системний користувач / system user «{PG_USER}»", None))
    if not SHARED.is_dir():
        absent.append(
            (f"{SHARED} (pabulib-вибори і зразок звіту, ../shared/ поруч із checkout)", None)
        )
    return absent


def _install(packages: list[str]) -> None:
    """As root on Debian: what `.ci/run` did for a bare machine."""
    if os.geteuid() != 0:
        return
    apt = shutil.which("apt-get")
    if apt and packages:
        env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
        print(f"civic: встановлюю / installing {' '.join(packages)} (apt-get)", file=sys.stderr)
        subprocess.run([apt, "update", "-qq"], env=env, check=False)
        install = [apt, "install", "-y", "-qq", "--no-install-recommends", *packages]
        subprocess.run(install, env=env, check=False)
    useradd = shutil.which("useradd")
    if useradd and not _user_exists(PG_USER):
        shell = ["--shell", "/usr/sbin/nologin"]
        subprocess.run([useradd, "--system", "--no-create-home", *shell, PG_USER], check=False)


def main() -> int:
    absent = missing()
    if absent:
        _install(sorted({package for _, package in absent if package}))
        absent = missing()
    if not absent:
        return 0
    names = "; ".join(what for what, _ in absent)
    packages = sorted({package for _, package in absent if package})
    hint = f" — встановіть / install: apt-get install {' '.join(packages)}" if packages else ""
    if "postgresql" in packages:
        hint += " (або без PostgreSQL / or without it: CIVIC_TEST_BACKENDS=sqlite)"
    print(f"civic: для тестів бракує / the tests need: {names}{hint}", file=sys.stderr)
    return 1


if __name__ == "__main__":
    sys.exit(main())
