"""PB rules engine: whole-process `civic pb outcome` against pabutools on the same files.

Ours is the command a user types, as the README writes it: the installed ``civic`` console script
(``civic pb outcome FILE --rule RULE --json``, the script beside this Python, i.e. ``.venv/bin``).
Each measurement is a fresh process (interpreter start, imports, reading the file, counting),
timed by wall clock, with its peak resident memory from ``os.wait4``.  pabutools runs
the same way on the same file: ``parse_pabulib`` and then its rule (greedy: its utilitarian
greedy, which is the closest it has; MES with cost utilities; MES with ``voter_budget_increment=1``
for Add1; sequential Phragmén).

Two ratios are printed per file and rule: of the whole processes, and of the counts alone
(reading and parsing the file plus the rule, timed inside each process after the imports), since
on small files both processes are mostly interpreter start and imports.
"""

from __future__ import annotations

import json
import os
import platform
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PABULIB = ROOT.parent / "shared" / "data" / "pabulib"
QUICK = (
    "Poland_Lodz_2022.pb",
    "Netherlands_Assen_2024.pb",
    "Poland_Warszawa_2019_Targowek_Mieszkaniowy.pb",
    "Poland_Katowice_2023_Giszowiec.pb",
)
APPROVAL = ("approval", "choose-1")

# The console script the user runs (pip puts it beside the interpreter).
CIVIC = Path(sys.executable).with_name("civic")


def ours_command(path: Path, rule: str) -> list[str]:
    """`civic pb outcome FILE --rule RULE --json`, exactly as the README writes it."""
    return [str(CIVIC), "pb", "outcome", str(path), "--rule", rule, "--json"]


# The count alone is timed best of several runs (up to 5, or 1 s) inside one process.
BEST_OF = """
best, total, runs = None, 0.0, 0
while runs < 5 and total < 1:
    start = time.perf_counter()
    count()
    elapsed = time.perf_counter() - start
    best = elapsed if best is None else min(best, elapsed)
    total, runs = total + elapsed, runs + 1
    if sys.argv[3] == "once":
        break
print("ELAPSED", best)
"""
OURS_COUNT = (
    """
import sys, time
from civic.pb import pabulib, rules
def count():
    with open(sys.argv[1], encoding="utf-8") as handle:
        election = pabulib.read(handle)
    rules.outcome(election, sys.argv[2])
"""
    + BEST_OF
)
THEIRS = (
    """
import sys, time
from pabutools.election import parse_pabulib, Cost_Sat, Additive_Cardinal_Sat
from pabutools.election.profile import AbstractApprovalProfile
from pabutools import rules
path, rule = sys.argv[1], sys.argv[2]
def count():
    instance, profile = parse_pabulib(path)
    rule_of(instance, profile)
def rule_of(instance, profile):
    if rule == "equalshares":
        return rules.method_of_equal_shares(instance, profile, sat_class=Cost_Sat)
    if rule == "equalshares/add1":
        return rules.method_of_equal_shares(
            instance, profile, sat_class=Cost_Sat, voter_budget_increment=1
        )
    if rule == "phragmen":
        return rules.sequential_phragmen(instance, profile)
    sat = Cost_Sat if isinstance(profile, AbstractApprovalProfile) else Additive_Cardinal_Sat
    return rules.greedy_utilitarian_welfare(instance, profile, sat_class=sat)
"""
    + BEST_OF
)


def add_arguments(parser):
    group = parser.add_argument_group("pb-rules")
    group.add_argument("--pb-files", nargs="*", help="pabulib files (default: the shared ones)")
    group.add_argument(
        "--pb-rules",
        nargs="*",
        default=["auto", "equalshares/add1"],
        help="rules to time (auto = the file's own rule; MES rules only on approval files)",
    )
    group.add_argument(
        "--pb-timeout", type=float, default=300, help="seconds allowed to one pabutools run"
    )
    group.add_argument("--pb-repeat", type=int, default=3, help="runs of ours; the best counts")
    group.add_argument("--pb-json", help="also write the measurements to this JSON file")


def measure(argv, timeout=None, *, installed=False):
    """Wall time, peak RSS (MB), exit status, the time the process reports (ELAPSED) and the CPU
    time (user + system, which a busy machine inflates far less than wall time) of one fresh
    process; Nones on timeout. ``installed``: run as the user does, with the installed
    package and no PYTHONPATH of ours."""
    env = dict(os.environ)
    if not installed:
        env["PYTHONPATH"] = str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", "")
    start = time.perf_counter()
    child = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=env)
    deadline = None if timeout is None else start + timeout
    while True:
        pid, status, usage = os.wait4(child.pid, os.WNOHANG)
        if pid:
            break
        if deadline is not None and time.perf_counter() > deadline:
            child.kill()
            os.wait4(child.pid, 0)
            return None, None, None, None, None
        time.sleep(0.002)
    elapsed = time.perf_counter() - start
    child.returncode = os.waitstatus_to_exitcode(status)
    reported = None
    for line in child.stdout.read().decode("utf-8", "replace").splitlines():
        if line.startswith("ELAPSED "):
            reported = float(line.split()[1])
    child.stdout.close()
    cpu = usage.ru_utime + usage.ru_stime
    return elapsed, usage.ru_maxrss / 1024, child.returncode, reported, cpu


def meta(path):
    values = {}
    with open(path, encoding="utf-8-sig") as handle:
        for line in handle:
            if line.strip() == "PROJECTS":
                break
            key, _, value = line.strip().partition(";")
            values[key] = value
    return values


def machine():
    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    try:
        pages = os.sysconf("SC_PHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
        ram = f"{pages / 2**30:.1f} GiB"
    except (ValueError, OSError):
        ram = "unknown"
    return f"{cpu}; {os.cpu_count()} cores; {ram} RAM; Python {platform.python_version()}"


def load():
    try:
        return " ".join(Path("/proc/loadavg").read_text().split()[:3])
    except OSError:
        return "unknown"


def run_pb_rules(args):
    if args.pb_files:
        files = [Path(f) for f in args.pb_files]
    elif PABULIB.is_dir():
        files = sorted(PABULIB.glob("*.pb"), key=lambda p: p.stat().st_size)
        files = [f for f in files if not f.name.startswith("checker_")]
        if args.quick:
            files = [f for f in files if f.name in QUICK]
    else:
        print(f"pb-rules: no files given and {PABULIB} is absent; nothing to do")
        return []
    if not CIVIC.exists():
        raise SystemExit(
            f"pb-rules: {CIVIC} is absent; install civic first (make .venv/.installed)"
        )
    from benchmarks import pb_targets

    pb_targets.compile_civic()
    print(f"# PB rules engine vs pabutools — {machine()}; load average {load()}")
    startup = pb_targets.startup()
    for name, (wall, cpu) in startup.items():
        print(f"start-up: {name:58} {wall:6.3f} s wall {cpu:6.3f} s CPU", flush=True)
    print(f"# ours: {' '.join(ours_command(Path('FILE'), 'RULE'))}")
    print(
        f"{'file':44} {'rule':17} {'ballots':>7} | {'ours s':>6} {'MB':>4} {'pabutools s':>11}"
        f" {'MB':>5} {'ratio':>6} | cpu: {'ours s':>6} {'pabutools s':>11} {'ratio':>6}"
        f" | count: {'ours s':>6} {'pabutools s':>11} {'ratio':>6}"
    )
    results = []
    for path in files:
        info = meta(path)
        done = set()
        for rule in args.pb_rules:
            actual = info.get("rule", "?") if rule == "auto" else rule
            if actual in done:
                continue
            done.add(actual)
            if (
                actual.startswith(("equalshares", "phragmen"))
                and info.get("vote_type") not in APPROVAL
            ):
                continue
            ours = [
                measure(ours_command(path, rule), installed=True)
                for _ in range(max(1, args.pb_repeat))
            ]
            if any(run[2] != 0 for run in ours):
                print(f"{path.name}: civic pb outcome failed", file=sys.stderr)
                continue
            ours_time = min(run[0] for run in ours)
            ours_mb = max(run[1] for run in ours)
            ours_cpu = min(run[4] for run in ours)
            ours_count = measure([sys.executable, "-c", OURS_COUNT, str(path), rule, "best"])[3]
            theirs_time, theirs_mb, _, theirs_count, theirs_cpu = measure(
                [sys.executable, "-c", THEIRS, str(path), actual, "once"], timeout=args.pb_timeout
            )
            if theirs_count is not None and theirs_count < 1:
                theirs_count = measure([sys.executable, "-c", THEIRS, str(path), actual, "best"])[3]
            row = {
                "file": path.name,
                "rule": actual,
                "ballots": int(info.get("num_votes", 0) or 0),
                "ours_s": round(ours_time, 3),
                "ours_peak_mb": round(ours_mb, 1),
                "pabutools_s": None if theirs_time is None else round(theirs_time, 2),
                "pabutools_peak_mb": None if theirs_mb is None else round(theirs_mb, 1),
                "ratio": None if theirs_time is None else round(theirs_time / ours_time, 1),
                "ours_cpu_s": round(ours_cpu, 3),
                "pabutools_cpu_s": None if theirs_cpu is None else round(theirs_cpu, 2),
                "cpu_ratio": None if theirs_cpu is None else round(theirs_cpu / ours_cpu, 1),
                "ours_count_s": round(ours_count, 4),
                "pabutools_count_s": None if theirs_count is None else round(theirs_count, 3),
                "count_ratio": None
                if theirs_count is None
                else round(theirs_count / max(ours_count, 1e-6), 1),
            }
            results.append(row)
            if theirs_time is None:
                limit = f">{args.pb_timeout:.0f}"
                theirs = (limit, "?", f">{args.pb_timeout / ours_time:.0f}x", limit)
                cpu = f"{ours_cpu:>6.3f} {limit:>11} {'?':>6}"
                count_ratio = f">{args.pb_timeout / ours_count:.0f}x"
            else:
                theirs = (
                    f"{theirs_time:.2f}",
                    f"{theirs_mb:.0f}",
                    f"{row['ratio']}x",
                    f"{theirs_count:.3f}",
                )
                count_ratio = f"{row['count_ratio']}x"
                cpu = f"{ours_cpu:>6.3f} {theirs_cpu:>11.2f} {str(row['cpu_ratio']) + 'x':>6}"
            print(
                f"{path.name[:44]:44} {actual:17} {row['ballots']:>7} | {ours_time:>6.3f}"
                f" {ours_mb:>4.0f} {theirs[0]:>11} {theirs[1]:>5} {theirs[2]:>6} | cpu: {cpu} |"
                f" count: {ours_count:>6.3f} {theirs[3]:>11} {count_ratio:>6}",
                flush=True,
            )
    pb_targets.report(startup, results)
    print(f"# load average at the end {load()}")
    if args.pb_json:
        Path(args.pb_json).write_text(
            json.dumps(
                {"machine": machine(), "load": load(), "startup": startup, "results": results},
                indent=1,
            ),
            encoding="utf-8",
        )
    return results
