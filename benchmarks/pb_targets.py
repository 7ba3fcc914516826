"""Issue 15's targets for the `civic` command, each printed beside its figure and the peer's
figure from the same run (`python -m benchmarks pb-rules`, `make bench`).

* start-up: `civic --help`, `civic pb check FILE` and `civic pb outcome FILE` as fresh processes
  of the installed console script, against a bare `python -c pass` of the same interpreter
  (the peer: what no Python command can undercut), target ≤ 0.15 s over it;
* greedy on Warsaw 2026 ≤ 0.4 s whole process and ≥ 50× pabutools (the shared files have no
  whole-city Warsaw 2026 file; Łódź 2022, 90 494 ballots, stands in);
* MES+Add1 ≥ 20× pabutools, whole process, on every file where pabutools needs > 0.5 s.

Wall time and CPU time (user + system) are both given: on a busy machine wall time is mostly
waiting for a core. When a ratio is out of reach the floor is shown: a `civic` process cannot
take less than `python -c pass`, so 20× needs pabutools' process to take 20× that floor.
"""

from __future__ import annotations

import subprocess
import sys

from benchmarks.pb_rules import CIVIC, PABULIB, ROOT, measure

STARTUP_LIMIT = 0.15
GREEDY_LIMIT = 0.4
GREEDY_RATIO = 50
ADD1_RATIO = 20
ADD1_WHEN_PEER_OVER = 0.5
STAND_IN = "Poland_Lodz_2022.pb"
SAMPLE = PABULIB / "Poland_Warszawa_2019_Las.pb"


def compile_civic() -> None:
    """Byte-compile civic as a user's first run (or a non-editable ``pip install``) leaves it:
    with ``PYTHONDONTWRITEBYTECODE`` set, an editable install would otherwise compile every
    module from source in every process, which no user's second run does."""
    subprocess.run(
        [sys.executable, "-m", "compileall", "-q", str(ROOT / "civic")],
        check=True,
        stdout=subprocess.DEVNULL,
    )


def best(argv, repeat):
    """Best wall and best CPU seconds of ``repeat`` fresh processes (each must succeed)."""
    runs = [measure(argv, installed=True) for _ in range(repeat)]
    if any(run[2] != 0 for run in runs):
        raise SystemExit(f"pb-rules: {' '.join(map(str, argv))} failed")
    return min(run[0] for run in runs), min(run[4] for run in runs)


def startup(repeat: int = 15) -> dict:
    """Whole-process seconds (wall, CPU) of the light commands and of `python -c pass`."""
    commands = {
        "python -c pass": [sys.executable, "-c", "pass"],
        "civic --help": [str(CIVIC), "--help"],
        f"civic pb check {SAMPLE.name}": [str(CIVIC), "pb", "check", str(SAMPLE)],
        f"civic pb outcome --json {SAMPLE.name}": [
            str(CIVIC),
            "pb",
            "outcome",
            "--json",
            str(SAMPLE),
        ],
    }
    if not SAMPLE.exists():
        commands = {k: v for k, v in commands.items() if SAMPLE.name not in k}
    return {name: best(argv, repeat) for name, argv in commands.items()}


def _verdict(ok: bool) -> str:
    return "met" if ok else "NOT met"


def report(figures: dict, results: list[dict]) -> None:
    """Print every target with its figure and the peer's, from this run."""
    print("# Targets (issue 15) — figures from this run; wall / CPU (user + system) seconds")
    floor_wall, floor_cpu = figures["python -c pass"]
    print(f"start-up peer: python -c pass {floor_wall:.3f} / {floor_cpu:.3f}")
    for name, (wall, cpu) in figures.items():
        if name == "python -c pass":
            continue
        over_wall, over_cpu = wall - floor_wall, cpu - floor_cpu
        print(
            f"start-up: {name}: {wall:.3f} / {cpu:.3f}, over python -c pass"
            f" +{over_wall:.3f} / +{over_cpu:.3f} (target ≤ +{STARTUP_LIMIT}):"
            f" {_verdict(over_wall <= STARTUP_LIMIT)} on wall,"
            f" {_verdict(over_cpu <= STARTUP_LIMIT)} on CPU"
        )
    stand_in = [r for r in results if r["file"] == STAND_IN and r["rule"].startswith("greedy")]
    for row in stand_in:
        print(
            f"greedy, {STAND_IN} (stand-in for Warsaw 2026), {row['rule']}: civic"
            f" {row['ours_s']:.3f} / {row['ours_cpu_s']:.3f} (target ≤ {GREEDY_LIMIT}):"
            f" {_verdict(row['ours_s'] <= GREEDY_LIMIT)} on wall,"
            f" {_verdict(row['ours_cpu_s'] <= GREEDY_LIMIT)} on CPU; pabutools "
            + (
                "did not finish"
                if row["pabutools_s"] is None
                else f"{row['pabutools_s']:.2f} / {row['pabutools_cpu_s']:.2f}: {row['ratio']}× /"
                f" {row['cpu_ratio']}× (target ≥ {GREEDY_RATIO}×):"
                f" {_verdict(row['ratio'] >= GREEDY_RATIO)} on wall,"
                f" {_verdict(row['cpu_ratio'] >= GREEDY_RATIO)} on CPU"
            )
        )
    if not stand_in:
        print(f"greedy, {STAND_IN}: not in this run (give it with --pb-files)")
    add1 = [r for r in results if r["rule"] == "equalshares/add1"]
    slow = [r for r in add1 if r["pabutools_cpu_s"] and r["pabutools_cpu_s"] > ADD1_WHEN_PEER_OVER]
    unfinished = [r for r in add1 if r["pabutools_s"] is None]
    short = [r for r in slow if r["cpu_ratio"] < ADD1_RATIO]
    if not add1:
        print("MES+Add1: not in this run (--pb-rules equalshares/add1)")
        return
    print(
        f"MES+Add1 ≥ {ADD1_RATIO}× pabutools (CPU) where pabutools needs"
        f" > {ADD1_WHEN_PEER_OVER} s: {len(slow) - len(short)} of {len(slow)} files"
        f" ({_verdict(not short)}); {len(unfinished)} more where pabutools did not finish"
    )
    for row in short:
        need = row["pabutools_cpu_s"] / ADD1_RATIO
        print(
            f"  {row['file']}: civic {row['ours_cpu_s']:.3f} CPU (count alone"
            f" {row['ours_count_s']:.4f}), pabutools {row['pabutools_cpu_s']:.2f}:"
            f" {row['cpu_ratio']}×; {ADD1_RATIO}× needs civic ≤ {need:.3f}, the floor"
            f" (python -c pass) is {floor_cpu:.3f}, i.e. at most"
            f" {row['pabutools_cpu_s'] / floor_cpu:.1f}× for any Python command"
        )
