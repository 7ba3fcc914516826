"""`python -m benchmarks.voting_load [--voters N] [--threads N]`: online PB votes per second.

The deployment shape of ``benchmarks.load`` (``gunicorn -w 2 --threads 4`` on loopback, a
throwaway PostgreSQL) with an edition open for online voting. Each simulated citizen arrives
already signed in: the load generator plays the identity provider and writes the signed session
cookie the development provider would have left (the served instance's ``SECRET_KEY`` is the
generator's), with its CSRF token, so only the cast itself is measured. Every tenth citizen
casts twice at once; the second must be told «Ви вже проголосували». At the end the database
must hold exactly one ballot per citizen whose cast was accepted, and none twice.
"""

from __future__ import annotations

import argparse
import hashlib
import http.client
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from pathlib import Path

from benchmarks.load import CpuMeter, civic, free_port, percentile, wait_http

REPO = Path(__file__).resolve().parents[1]
SECRET = "voting-load-secret"
PERSONAL_KEY = "voting-load-personal-data-key"
SLUG = "gb-online"
TARGET = 100.0


def _seed(env: dict) -> None:
    """The example edition open for online voting today, in the served database."""
    code = (
        "from civic import create_app\n"
        "from tests.pb.online_support import open_online_edition\n"
        "app = create_app()\n"
        "with app.app_context():\n"
        "    open_online_edition()\n"
    )
    subprocess.run([sys.executable, "-c", code], cwd=REPO, env=env, check=True, timeout=300)


def _cookies(n: int) -> list[tuple[str, str]]:
    """(session cookie, CSRF token) of ``n`` distinct signed-in citizens of Nizhyn."""
    import datetime as dt

    from flask import Flask
    from itsdangerous import URLSafeTimedSerializer

    from civic.identity.citizen import citizen_from_idgovua
    from civic.identity.development import Person

    app = Flask("load")
    app.secret_key = SECRET
    cookies = app.session_interface.get_signing_serializer(app)
    tokens = URLSafeTimedSerializer(SECRET, salt="wtf-csrf-token")
    out = []
    for k in range(n):
        born = dt.date(1950, 1, 1) + dt.timedelta(days=k % 18000)
        person = Person("Навантаження", f"Особа{k}", "Тестова", born, "м. Ніжин, вул. Гоголя, 1")
        citizen = citizen_from_idgovua(person.answer(k % 10000), key=PERSONAL_KEY, provider="dev")
        raw = hashlib.sha1(os.urandom(32)).hexdigest()
        payload = {
            "identity.citizen": {"citizen": citizen.as_dict(), "at": int(time.time())},
            "csrf_token": raw,
        }
        out.append((cookies.dumps(payload), tokens.dumps(raw)))
    return out


def _cast(port: int, jobs: list, results: list, latencies: list, lock: threading.Lock) -> None:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    while True:
        with lock:
            if not jobs:
                break
            index, cookie, token = jobs.pop()
        body = urllib.parse.urlencode(
            [("csrf_token", token), ("project", "М-01"), ("project", "В-01")]
        )
        headers = {
            "Content-Type": "application/x-www-form-urlencoded",
            "Cookie": f"session={cookie}",
        }
        started = time.perf_counter()
        connection.request("POST", f"/pb/{SLUG}/vote/cast", body, headers)
        response = connection.getresponse()
        text = response.read().decode("utf-8", "replace")
        elapsed = time.perf_counter() - started
        with lock:
            results.append((index, response.status, "Ви вже проголосували" in text))
            latencies.append(elapsed)
    connection.close()


def _stored(database_url: str) -> tuple[int, int]:
    import sqlalchemy as sa

    engine = sa.create_engine(database_url)
    with engine.connect() as connection:
        rows, people = connection.execute(
            sa.text("SELECT COUNT(*), COUNT(DISTINCT person_hash) FROM pb_ballots")
        ).one()
    engine.dispose()
    return rows, people


def run(voters: int, threads: int) -> bool:
    from tests.support.postgres import PostgresServer

    base = Path(tempfile.mkdtemp(prefix="civic-voting-load-"))
    port = free_port()
    pg = PostgresServer().start()
    gunicorn = None
    try:
        pg.execute("CREATE DATABASE civic_voting")
        database_url = pg.url("civic_voting")
        env = {
            **os.environ,
            "CIVIC_INSTANCE_PATH": str(base / "instance"),
            "CIVIC_DATABASE_URL": database_url,
            "CIVIC_SECRET_KEY": SECRET,
            "CIVIC_PERSONAL_DATA_KEY": PERSONAL_KEY,
            "CIVIC_PUBLIC_BASE_URL": f"http://127.0.0.1:{port}",
            "CIVIC_IDENTITY_PROVIDERS": '["dev", "email"]',
            "CIVIC_RATELIMIT_ENABLED": "false",
            "PYTHONPATH": str(REPO),
        }
        civic(env, "db", "upgrade")
        _seed(env)
        gunicorn = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "-w", "2", "--threads", "4"]
            + ["-b", f"127.0.0.1:{port}", "--log-level", "warning", "civic:create_app()"],
            cwd=REPO,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=open(base / "gunicorn.log", "wb"),  # noqa: SIM115 (closed with the process)
        )
        wait_http(port, gunicorn)
        people = _cookies(voters)
        # Every tenth citizen sends the same cast twice: the pair lands at about the same time.
        jobs = []
        for index, (cookie, token) in enumerate(people):
            jobs.append((index, cookie, token))
            if index % 10 == 0:
                jobs.append((index, cookie, token))
        jobs.reverse()
        sent = len(jobs)
        results, latencies, lock = [], [], threading.Lock()
        workers = [
            threading.Thread(target=_cast, args=(port, jobs, results, latencies, lock))
            for _ in range(threads)
        ]
        with CpuMeter(gunicorn.pid, pg.postmaster_pid()) as cpu:
            started = time.perf_counter()
            for worker in workers:
                worker.start()
            for worker in workers:
                worker.join()
            elapsed = time.perf_counter() - started
        accepted = {i for i, status, _ in results if status == 201}
        refused = [r for r in results if r[1] == 409 and r[2]]
        other = [r for r in results if r[1] not in (201, 409)]
        rows, distinct = _stored(database_url)
        rate = len(accepted) / elapsed
        print(
            f"online voting: {sent} casts ({voters} citizens, every tenth twice) in "
            f"{elapsed:.1f} s = {rate:.0f} votes/s accepted; p50 "
            f"{percentile(latencies, 0.5) * 1000:.0f} ms, p99 "
            f"{percentile(latencies, 0.99) * 1000:.0f} ms; CPU server {cpu.server:.1f} s, "
            f"database {cpu.database:.1f} s, generator {cpu.client:.1f} s"
        )
        print(
            f"  accepted {len(accepted)}, told «already voted» {len(refused)}, other "
            f"{len(other)}; stored {rows} ballots of {distinct} people"
        )
        ok = (
            len(accepted) == voters
            and rows == distinct == voters
            and len(refused) == sent - voters
            and not other
        )
        print(f"  {'OK' if ok else 'FAILED'}: one ballot per citizen; target {TARGET:.0f} votes/s")
        return ok
    finally:
        if gunicorn is not None:
            gunicorn.send_signal(signal.SIGTERM)
            try:
                gunicorn.wait(timeout=20)
            except subprocess.TimeoutExpired:
                gunicorn.kill()
        pg.stop()
        shutil.rmtree(base, ignore_errors=True)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--voters", type=int, default=2000)
    parser.add_argument("--threads", type=int, default=16)
    args = parser.parse_args(argv)
    return 0 if run(args.voters, args.threads) else 1


if __name__ == "__main__":
    sys.exit(main())
