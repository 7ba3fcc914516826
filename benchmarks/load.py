"""`python -m benchmarks.load [--quick] [--backend sqlite|postgresql|both] [--seconds N]`.

A bounded load test against the real deployment shape: a temporary instance with the demo,
``gunicorn -w 2 --threads 4`` (``docs/deployment.md``) on loopback, a loopback SMTP server
(aiosmtpd) that catches the confirmation mails. Two scenarios, one after the other, each bounded in time and request count:

* public page views (landing, petitions, a petition, PB results and API, enterprises, petitions
  API) from keep-alive ``http.client`` connections;
* petition signing as a citizen does it: GET the petition (CSRF token + session cookie), POST the
  signature, take the link from the caught mail, GET it, POST the confirmation.

It reports requests/s, p50/p99 latency and errors per scenario, then checks in the database that
every accepted signature is stored (and confirmed) exactly once. Nothing leaves 127.0.0.1.
"""

from __future__ import annotations

import argparse
import base64
import email
import email.policy
import http.client
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
CSRF = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')
LINK = re.compile(r"/petitions/signatures/([A-Za-z0-9_\-]+)")
PUBLIC_PATHS = [
    "/",
    "/petitions",
    "{petition}",
    "/pb/gb-2021",
    "/api/v1/pb/gb-2021/results",
    "/enterprises",
    "/api/v1/petitions",
]

TARGET_SIGNATURES = 200.0
TARGET_VIEWS = 500.0
TARGET_P99_MS = 250.0


def letters(number: int) -> str:
    """A number spelled in letters: names with digits are refused by the signing form."""
    return "".join("абвгдежзик"[int(d)] for d in str(number))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# --- the mail catcher --------------------------------------------------------------------------


def message_text(content: bytes) -> str:
    """The text of a mail as civic sends it (one ``text/plain`` part, base64 or 7/8bit): enough
    to find the link, at a fraction of the cost of the full ``email.policy.default`` parse,
    which the load generator paid on the cores it shares with the server. Any other shape
    (multipart, quoted-printable...) takes the full parse."""
    head, _, body = content.partition(b"\r\n\r\n")
    headers = head.lower()
    if b"multipart/" in headers or b"quoted-printable" in headers:
        message = email.message_from_bytes(content, policy=email.policy.default)
        return message.get_body(("plain",)).get_content()
    if b"content-transfer-encoding: base64" in headers:
        body = base64.b64decode(body)
    return body.decode("utf-8", "replace")


class MailBox:
    """Confirmation links by recipient, filled by the SMTP handler (its own thread).

    Every simulated citizen (``load-…@``) gets exactly one mail, with a link: a mail without
    one or a second mail to an address is noted in ``problems`` and fails the run (a missing
    one fails the citizen's wait)."""

    def __init__(self) -> None:
        self.links: dict[str, str] = {}
        self.cond = threading.Condition()
        self.count = 0
        self.seen: set[str] = set()
        self.problems: list[str] = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's API)
        found = LINK.search(message_text(envelope.content))
        with self.cond:
            self.count += 1
            for rcpt in envelope.rcpt_tos:
                address = rcpt.lower()
                if not address.startswith("load-"):
                    continue  # the demo's own mail, sent when the server starts
                if found is None:
                    self.problems.append(f"a mail without a link to {address}")
                    continue
                if address in self.seen:
                    self.problems.append(f"a second mail to {address}")
                self.seen.add(address)
                self.links[address] = found.group(1)
            self.cond.notify_all()
        return "250 OK"

    def wait_link(self, address: str, timeout: float = 20.0) -> str | None:
        deadline = time.monotonic() + timeout
        with self.cond:
            while address not in self.links:
                left = deadline - time.monotonic()
                if left <= 0:
                    return None
                self.cond.wait(left)
            return self.links.pop(address)


# --- HTTP client -------------------------------------------------------------------------------


class Client:
    """One keep-alive connection with a cookie jar of one (the session cookie)."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.conn: http.client.HTTPConnection | None = None
        self.cookie: str | None = None

    def request(
        self, method: str, path: str, body: dict | None = None, step: str = ""
    ) -> tuple[int, str]:
        headers = {"Connection": "keep-alive"}
        if step:  # benchmarks/gunicorn_hooks.py adds up the server CPU per step
            headers["X-Load-Step"] = step
        data = None
        if body is not None:
            data = urllib.parse.urlencode(body)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        if self.cookie:
            headers["Cookie"] = self.cookie
        for attempt in (1, 2):
            if self.conn is None:
                self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
            try:
                self.conn.request(method, path, body=data, headers=headers)
                response = self.conn.getresponse()
                text = response.read().decode("utf-8", "replace")
            except (http.client.HTTPException, ConnectionError):
                self.close()
                if attempt == 2:
                    raise
                continue  # the server closed a kept-alive connection: reconnect once
            for value in response.headers.get_all("Set-Cookie") or []:
                if value.startswith("session="):
                    self.cookie = value.split(";", 1)[0]
            if response.will_close:
                self.close()
            return response.status, text
        raise AssertionError("unreachable")

    def close(self) -> None:
        if self.conn is not None:
            self.conn.close()
            self.conn = None


# --- statistics --------------------------------------------------------------------------------


@dataclass
class Stats:
    latencies: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    errors: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    samples: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, name: str, seconds: float, ok: bool, detail: str = "") -> None:
        with self.lock:
            self.latencies[name].append(seconds)
            if not ok:
                self.errors[name] += 1
                if len(self.samples) < 5:
                    self.samples.append(f"{name}: {detail[:200]}")


def percentile(values: list[float], q: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def timed(stats: Stats, client: Client, name: str, method: str, path: str, body=None, expect=200):
    start = time.perf_counter()
    try:
        status, text = client.request(method, path, body, step=name)
        ok = status == expect
        detail = f"HTTP {status} {path}"
    except (OSError, http.client.HTTPException) as exc:
        status, text, ok, detail = 0, "", False, f"{type(exc).__name__}: {exc}"
    stats.add(name, time.perf_counter() - start, ok, detail)
    return ok, text


# --- scenarios ---------------------------------------------------------------------------------


def run_views(port: int, petition_path: str, threads: int, seconds: float, limit: int) -> dict:
    stats = Stats()
    paths = [p.format(petition=petition_path) for p in PUBLIC_PATHS]
    budget = iter(range(limit))
    budget_lock = threading.Lock()
    stop_at = time.monotonic() + seconds

    def worker(n: int) -> None:
        client = Client(port)
        i = n
        while time.monotonic() < stop_at:
            with budget_lock:
                if next(budget, None) is None:
                    break
            path = paths[i % len(paths)]
            timed(stats, client, path, "GET", path)
            i += 1
        client.close()

    elapsed = _run_threads(worker, threads)
    return _summary("public page views", stats, elapsed)


def run_signing(
    port: int, petitions: list[int], mailbox: MailBox, threads: int, seconds: float, limit: int
) -> tuple[dict, dict[int, set[str]]]:
    stats = Stats()
    accepted: dict[int, set[str]] = defaultdict(set)
    accepted_lock = threading.Lock()
    run = f"{int(time.time())}{os.getpid()}"
    budget = iter(range(limit))
    budget_lock = threading.Lock()
    stop_at = time.monotonic() + seconds
    done = [0]

    def worker(n: int) -> None:
        i = 0
        while time.monotonic() < stop_at:
            with budget_lock:
                if next(budget, None) is None:
                    break
            client = Client(port)  # a new citizen: a new session
            petition = petitions[(n + i) % len(petitions)]
            address = f"load-{run}-{n}-{i}@example.com"
            i += 1
            start = time.perf_counter()
            ok, text = timed(stats, client, "GET petition", "GET", f"/petitions/{petition}")
            token = CSRF.search(text) if ok else None
            if token is None:
                if ok:
                    stats.add("sign form", 0.0, False, f"no signing form on {petition}")
                client.close()
                continue
            ok, _ = timed(
                stats,
                client,
                "POST sign",
                "POST",
                f"/petitions/{petition}/sign",
                {
                    "csrf_token": token.group(1),
                    "full_name": f"Навантаженко Тест {letters(n)}-{letters(i)}",
                    "email": address,
                },
                expect=201,
            )
            if not ok:
                client.close()
                continue
            waited = time.perf_counter()
            link = mailbox.wait_link(address)
            if link is None:
                stats.add("confirmation mail", 0.0, False, f"no mail for {address}")
                client.close()
                continue
            stats.add("wait for the mail", time.perf_counter() - waited, True)
            path = f"/petitions/signatures/{link}"
            ok, text = timed(stats, client, "GET confirm", "GET", path)
            token = CSRF.search(text) if ok else None
            if token is None:
                client.close()
                continue
            ok, text = timed(
                stats, client, "POST confirm", "POST", path, {"csrf_token": token.group(1)}
            )
            client.close()
            if ok:
                stats.add("whole signature", time.perf_counter() - start, True)
                with accepted_lock:
                    accepted[petition].add(address)
                    done[0] += 1

    elapsed = _run_threads(worker, threads)
    summary = _summary("petition signing", stats, elapsed)
    summary["confirmed"] = done[0]
    summary["confirmed_per_s"] = done[0] / elapsed if elapsed else 0.0
    return summary, accepted


def _run_threads(worker, threads: int) -> float:
    pool = [threading.Thread(target=worker, args=(n,), daemon=True) for n in range(threads)]
    start = time.perf_counter()
    for t in pool:
        t.start()
    for t in pool:
        t.join()
    return time.perf_counter() - start


def _summary(name: str, stats: Stats, elapsed: float) -> dict:
    http_names = [n for n in stats.latencies if n not in ("whole signature", "wait for the mail")]
    every = [x for n in http_names for x in stats.latencies[n]]
    return {
        "scenario": name,
        "seconds": elapsed,
        "requests": len(every),
        "rps": len(every) / elapsed if elapsed else 0.0,
        "p50_ms": percentile(every, 0.50) * 1000,
        "p99_ms": percentile(every, 0.99) * 1000,
        "errors": sum(stats.errors.values()),
        "per_step": {
            n: (len(v), percentile(v, 0.5) * 1000, percentile(v, 0.99) * 1000, stats.errors[n])
            for n, v in stats.latencies.items()
        },
        "samples": stats.samples,
    }


# --- CPU accounting ----------------------------------------------------------------------------


def cpu_by_pid(pids: list[int]) -> dict[int, float]:
    """User + system CPU seconds of these processes (Linux /proc); those gone are left out."""
    tick = os.sysconf("SC_CLK_TCK")
    found = {}
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        found[pid] = (int(fields[11]) + int(fields[12])) / tick  # utime, stime
    return found


def children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pid:
                found.append(int(entry.name))
    return found


class CpuMeter:
    """CPU spent over a scenario by the server (gunicorn and its workers), by the database
    server (the postmaster and its backends, for PostgreSQL) and by this load generator with
    its SMTP catcher: the cost per request does not depend on what else the machine does."""

    def __init__(self, server_pid: int, database_pid: int | None = None) -> None:
        self.roots = {"server": server_pid, "database": database_pid}

    def _snapshot(self) -> dict[str, dict[int, float]]:
        return {
            name: cpu_by_pid([root, *children(root)]) if root else {}
            for name, root in self.roots.items()
        }

    def __enter__(self):
        self.start = self._snapshot()
        self.client_start = sum(os.times()[:2])
        return self

    def __exit__(self, *exc) -> None:
        end = self._snapshot()
        for name in self.roots:
            before = self.start[name]
            spent = sum(cpu - before.get(pid, 0.0) for pid, cpu in end[name].items())
            setattr(self, name, spent)
        self.client = sum(os.times()[:2]) - self.client_start


# --- the instance ------------------------------------------------------------------------------


def civic(env: dict, *args: str) -> None:
    subprocess.run(
        [sys.executable, "-m", "civic", *args],
        cwd=REPO,
        env=env,
        check=True,
        capture_output=True,
        timeout=300,
    )


def wait_http(port: int, process: subprocess.Popen, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError("gunicorn exited during start-up")
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", "/healthz")
            if conn.getresponse().status == 200:
                conn.close()
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise RuntimeError("gunicorn did not answer /healthz in time")


def collecting_petitions(port: int) -> list[int]:
    client = Client(port)
    _, text = client.request("GET", "/api/v1/petitions")
    ids = sorted({int(x) for x in re.findall(r"/petitions/(\d+)", text)})
    found = []
    for pid in ids:
        status, page = client.request("GET", f"/petitions/{pid}")
        if status == 200 and f'action="/petitions/{pid}/sign"' in page:
            found.append(pid)
    client.close()
    return found


def verify(database_url: str, accepted: dict[int, set[str]]) -> tuple[bool, str]:
    from sqlalchemy import create_engine, text

    engine = create_engine(database_url)
    problems = []
    total = 0
    with engine.connect() as conn:
        for petition, addresses in accepted.items():
            rows = conn.execute(
                text(
                    "SELECT email, count(*), count(confirmed_at) FROM petition_signatures "
                    "WHERE petition_id = :p AND email LIKE 'load-%' GROUP BY email"
                ),
                {"p": petition},
            ).all()
            stored = {r[0].lower(): (r[1], r[2]) for r in rows}
            for address in addresses:
                total += 1
                if stored.get(address) != (1, 1):
                    problems.append(f"{petition}/{address}: {stored.get(address)}")
            extra = {a for a, (_, confirmed) in stored.items() if confirmed} - addresses
            if extra:
                problems.append(f"{petition}: {len(extra)} confirmed but not accepted by client")
    engine.dispose()
    if problems:
        return False, f"{len(problems)} problems, e.g. {problems[:3]}"
    return True, f"all {total} accepted signatures stored and confirmed exactly once"


def run_backend(backend: str, args) -> dict:
    from aiosmtpd.controller import Controller

    base = Path(tempfile.mkdtemp(prefix=f"civic-load-{backend}-"))
    pg = None
    mailbox = MailBox()
    smtp_port = free_port()
    controller = Controller(mailbox, hostname="127.0.0.1", port=smtp_port)
    controller.start()
    port = free_port()
    env = {
        **os.environ,
        "CIVIC_INSTANCE_PATH": str(base / "instance"),
        "CIVIC_RATELIMIT_ENABLED": "false",
        # Every simulated citizen comes from 127.0.0.1: no per-petition block/domain limits.
        "CIVIC_PETITION_SIGN_LIMIT_PER_BLOCK": "",
        "CIVIC_PETITION_SIGN_LIMIT_PER_DOMAIN": "",
        "CIVIC_MAIL_SERVER": "127.0.0.1",
        "CIVIC_MAIL_PORT": str(smtp_port),
        "CIVIC_PUBLIC_BASE_URL": f"http://127.0.0.1:{port}",
        "PYTHONPATH": str(REPO),
    }
    cpu_folder = base / "cpu"
    cpu_folder.mkdir()
    env["CIVIC_LOAD_CPU_DIR"] = str(cpu_folder)
    if args.profile:
        env["CIVIC_LOAD_PROFILE"] = ",".join(SIGNING_STEPS)
    gunicorn = None
    result: dict = {}
    try:
        if backend == "postgresql":
            from tests.support.postgres import PostgresServer

            pg = PostgresServer().start()
            pg.execute("CREATE DATABASE civic_load")
            database_url = pg.url("civic_load")
            env["CIVIC_DATABASE_URL"] = database_url
        else:
            database_url = f"sqlite:///{base / 'instance' / 'civic.sqlite'}"
            env["CIVIC_DATABASE_URL"] = database_url
        print(f"[{backend}] migrating and loading the demo…", file=sys.stderr)
        civic(env, "db", "upgrade")
        civic(env, "demo")
        gunicorn = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "-w",
                str(args.workers),
                "-b",
                f"127.0.0.1:{port}",
                *(["--threads", str(args.gunicorn_threads)] if args.gunicorn_threads > 1 else []),
                "--log-level",
                "warning",
                "-c",
                str(REPO / "benchmarks" / "gunicorn_hooks.py"),
                "civic:create_app()",
            ],
            cwd=REPO,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=open(base / "gunicorn.log", "wb"),  # noqa: SIM115 (closed with the process)
        )
        wait_http(port, gunicorn)
        petitions = collecting_petitions(port)
        if not petitions:
            raise RuntimeError("the demo has no petition collecting signatures")
        print(f"[{backend}] public page views for {args.seconds:.0f} s…", file=sys.stderr)
        database_pid = pg.postmaster_pid() if pg is not None else None
        with CpuMeter(gunicorn.pid, database_pid) as cpu:
            views = run_views(
                port, f"/petitions/{petitions[0]}", args.threads, args.seconds, args.max_requests
            )
        views["cpu"] = (cpu.server, cpu.database, cpu.client)
        print(f"[{backend}] petition signing for {args.seconds:.0f} s…", file=sys.stderr)
        with CpuMeter(gunicorn.pid, database_pid) as cpu:
            signing, accepted = run_signing(
                port, petitions, mailbox, args.threads, args.seconds, args.max_signatures
            )
        signing["cpu"] = (cpu.server, cpu.database, cpu.client)
        ok, message = verify(database_url, accepted)
        if mailbox.problems:
            ok = False
            message += f"; mail: {len(mailbox.problems)} problems, e.g. {mailbox.problems[:3]}"
        result = {"backend": backend, "views": views, "signing": signing, "verified": (ok, message)}
    finally:
        if gunicorn is not None:
            gunicorn.send_signal(signal.SIGTERM)
            try:
                gunicorn.wait(timeout=20)
            except subprocess.TimeoutExpired:
                gunicorn.kill()
        result["step_cpu"] = _step_cpu(cpu_folder, args.profile, backend)
        controller.stop()
        if pg is not None:
            pg.stop()
        shutil.rmtree(base, ignore_errors=True)
    return result


def _step_cpu(folder: Path, profile: str | None, backend: str) -> dict[str, tuple[int, float]]:
    """The per-step CPU the workers wrote (benchmarks/gunicorn_hooks.py), summed over workers;
    with ``--profile DIR`` their cProfile dumps are merged into DIR/<backend>.pstats."""
    totals: dict[str, tuple[int, float]] = {}
    for path in folder.glob("*.json"):
        for step, value in json.loads(path.read_text()).items():
            n, cpu = totals.get(step, (0, 0.0))
            totals[step] = (n + value["requests"], cpu + value["cpu_s"])
    dumps = sorted(folder.glob("*.pstats"))
    if profile and dumps:
        import pstats

        merged = pstats.Stats(str(dumps[0]))
        for path in dumps[1:]:
            merged.add(str(path))
        Path(profile).mkdir(parents=True, exist_ok=True)
        merged.dump_stats(str(Path(profile) / f"{backend}.pstats"))
    return totals


SIGNING_STEPS = ("GET petition", "POST sign", "GET confirm", "POST confirm")


def report(result: dict) -> bool:
    views, signing = result["views"], result["signing"]
    ok_verify, message = result["verified"]
    print(f"\n== {result['backend']} ==")
    for s in (views, signing):
        print(
            f"{s['scenario']}: {s['requests']} requests in {s['seconds']:.1f} s = "
            f"{s['rps']:.0f} req/s; p50 {s['p50_ms']:.1f} ms, p99 {s['p99_ms']:.1f} ms; "
            f"errors {s['errors']}"
        )
        for name, (n, p50, p99, errors) in sorted(s["per_step"].items()):
            print(f"    {name:32} n={n:6} p50={p50:7.1f} ms p99={p99:7.1f} ms errors={errors}")
        for sample in s["samples"]:
            print(f"    error: {sample}")
        server, database, client = s["cpu"]
        per = 1000 / max(s["requests"], 1)
        print(
            f"    CPU: gunicorn {server:.1f} s = {server * per:.2f} ms per request "
            f"({server / s['seconds']:.2f} cores)"
            + (
                f"; PostgreSQL {database:.1f} s = {database * per:.2f} ms per request "
                f"({database / s['seconds']:.2f} cores)"
                if database
                else ""
            )
            + f"; load generator and SMTP {client:.1f} s ({client / s['seconds']:.2f} cores)"
        )
    steps = result.get("step_cpu") or {}
    if steps:
        print("    gunicorn thread CPU inside the signing requests (benchmarks/gunicorn_hooks.py):")
        inside = 0.0
        for name in SIGNING_STEPS:
            n, cpu = steps.get(name, (0, 0.0))
            inside += cpu
            print(f"    {name:32} n={n:6} {1000 * cpu / max(n, 1):6.2f} ms per request")
        confirmed = max(signing["confirmed"], 1)
        print(
            f"    per confirmed signature: {1000 * inside / confirmed:.2f} ms in the four "
            f"requests, {1000 * (signing['cpu'][0] - inside) / confirmed:.2f} ms elsewhere in "
            "gunicorn (mail sender thread, worker loop)"
        )
    server_cpu = signing["cpu"][0] + signing["cpu"][1]
    print(
        f"server CPU (gunicorn + database server) per confirmed signature: "
        f"{1000 * server_cpu / max(signing['confirmed'], 1):.2f} ms"
    )
    print(
        f"confirmed signatures: {signing['confirmed']} = {signing['confirmed_per_s']:.1f}/s; "
        f"database check: {'OK' if ok_verify else 'FAILED'} ({message})"
    )
    checks = {
        f"≥ {TARGET_SIGNATURES:.0f} confirmed signatures/s": signing["confirmed_per_s"]
        >= TARGET_SIGNATURES,
        f"≥ {TARGET_VIEWS:.0f} page views/s": views["rps"] >= TARGET_VIEWS,
        f"page-view p99 < {TARGET_P99_MS:.0f} ms": views["p99_ms"] < TARGET_P99_MS,
        "zero errors": views["errors"] == 0 and signing["errors"] == 0,
        "every accepted signature exactly once": ok_verify,
    }
    for name, met in checks.items():
        print(f"  target {name}: {'met' if met else 'NOT met'}")
    return ok_verify and views["errors"] == 0 and signing["errors"] == 0


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.load", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="3 s per scenario, 8 threads")
    parser.add_argument("--backend", choices=["sqlite", "postgresql", "both"], default="both")
    parser.add_argument("--seconds", type=float, default=None, help="per scenario (default 20)")
    parser.add_argument(
        "--threads",
        type=int,
        default=None,
        help="client threads (default 48: each citizen waits for a mail)",
    )
    # The defaults are the deployment of docs/deployment.md: gunicorn --workers 2 --threads 4.
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers")
    parser.add_argument(
        "--gunicorn-threads",
        type=int,
        default=4,
        help="threads per worker (>1: gthread workers; 1: sync workers)",
    )
    parser.add_argument("--max-requests", type=int, default=200_000)
    parser.add_argument(
        "--profile",
        metavar="DIR",
        default=None,
        help="profile the signing requests (cProfile, thread CPU); stats in DIR/<backend>.pstats",
    )
    parser.add_argument("--max-signatures", type=int, default=20_000)
    args = parser.parse_args(argv)
    if args.seconds is None:
        args.seconds = 3.0 if args.quick else 20.0
    if args.threads is None:
        args.threads = 8 if args.quick else 48
    backends = ["sqlite", "postgresql"] if args.backend == "both" else [args.backend]
    good = True
    for backend in backends:
        good = report(run_backend(backend, args)) and good
    return 0 if good else 1


if __name__ == "__main__":
    sys.exit(main())
