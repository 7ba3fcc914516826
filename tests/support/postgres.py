"""A throwaway PostgreSQL server for the test suite, started with the system's binaries.

PostgreSQL refuses to run as root, so when the suite runs as root (CI does) the server runs
as the ``postgres`` system user (or ``CIVIC_TEST_PG_USER``) through ``runuser``.
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path


class PostgresUnavailable(RuntimeError):
    pass


def server_bindir() -> Path:
    found = shutil.which("pg_ctl")
    if found:
        return Path(os.path.realpath(found)).parent
    candidates = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"))
    if candidates:
        return Path(candidates[-1]).parent
    raise PostgresUnavailable("pg_ctl not found (install PostgreSQL server binaries)")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class PostgresServer:
    def __init__(self) -> None:
        self.bindir = server_bindir()
        self.base = Path(tempfile.mkdtemp(prefix="civic-pg-"))
        self.port = _free_port()
        self.user = None
        if os.geteuid() == 0:
            self.user = os.environ.get("CIVIC_TEST_PG_USER", "postgres")
            try:
                pw = pwd.getpwnam(self.user)
            except KeyError as exc:
                raise PostgresUnavailable(
                    f"running as root and there is no '{self.user}' user to run PostgreSQL"
                ) from exc
            os.chown(self.base, pw.pw_uid, pw.pw_gid)
            os.chmod(self.base, 0o700)

    def _run(self, *args: str) -> None:
        cmd = [str(self.bindir / args[0]), *args[1:]]
        if self.user:
            cmd = ["runuser", "-u", self.user, "--", *cmd]
        result = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
        if result.returncode != 0:
            raise PostgresUnavailable(
                f"{' '.join(args[:1])} failed: {result.stdout[-2000:]} {result.stderr[-2000:]}"
            )

    def start(self) -> PostgresServer:
        data = self.base / "data"
        self._run(
            "initdb",
            "-D",
            str(data),
            "-U",
            "civic",
            "--auth=trust",
            "-E",
            "UTF8",
            "--no-locale",
            "--no-sync",
        )
        # Under pytest-xdist each worker starts its own server: should another process take the
        # free port before this server binds it, start again on another one.
        for attempt in range(3):
            try:
                self.resume()
                return self
            except PostgresUnavailable:
                if attempt == 2:
                    raise
                self.port = _free_port()
        return self

    def resume(self) -> None:
        """Start the server on its existing data folder and port (after :meth:`pause`)."""
        options = (
            f"-p {self.port} -k {self.base} -c listen_addresses=127.0.0.1 -c fsync=off "
            "-c synchronous_commit=off -c full_page_writes=off -c max_connections=300"
        )
        self._run(
            "pg_ctl",
            "-D",
            str(self.base / "data"),
            "-o",
            options,
            "-l",
            str(self.base / "log"),
            "-w",
            "-t",
            "60",
            "start",
        )

    def pause(self) -> None:
        """Stop the server (closing every connection) but keep its data for :meth:`resume`."""
        self._run("pg_ctl", "-D", str(self.base / "data"), "-m", "fast", "-w", "stop")

    def postmaster_pid(self) -> int:
        return int((self.base / "data" / "postmaster.pid").read_text().split()[0])

    def url(self, dbname: str = "postgres") -> str:
        return f"postgresql+psycopg://civic@127.0.0.1:{self.port}/{dbname}"

    def execute(self, sql: str) -> None:
        import psycopg

        with psycopg.connect(
            host="127.0.0.1", port=self.port, user="civic", dbname="postgres", autocommit=True
        ) as conn:
            conn.execute(sql)

    def stop(self) -> None:
        try:
            self._run("pg_ctl", "-D", str(self.base / "data"), "-m", "immediate", "stop")
        finally:
            shutil.rmtree(self.base, ignore_errors=True)
