"""`python -m benchmarks pb-corpus [DIR ...]`: how many official outcomes civic reproduces.

Runs the installed ``civic pb corpus DIR --json`` (the script beside this Python) once over
every folder given (default: the shared pabulib sample, ``../shared/data/pabulib``), and prints
per declared rule how many files that record an official outcome civic's ``--rule auto`` agrees
with, differs from or refuses, the total share, and the wall time, CPU time and peak memory of
the one process — not one process per file, as 1 400 interpreter starts would cost more than
the counts.  ``--pb-corpus-json FILE`` also writes the figures and every miss to FILE.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

from benchmarks.pb_rules import CIVIC, PABULIB, load, machine

VERDICTS = ("agree", "differ", "refused")


def corpus_figures(lines: list[str]) -> tuple[dict[str, Counter], list[dict]]:
    per_rule: dict[str, Counter] = {}
    misses = []
    for line in lines:
        record = json.loads(line)
        per_rule.setdefault(record["rule"], Counter())[record["verdict"]] += 1
        if record["verdict"] != "agree":
            misses.append(record)
    return dict(sorted(per_rule.items())), misses


def _measure(argv: list[str]) -> tuple[float, float, int, float, list[str]]:
    """Wall time, peak RSS (MB), exit status, CPU time and stdout lines of one process (its
    output goes to a file, so a long corpus never blocks on a full pipe)."""
    with tempfile.TemporaryFile() as output:
        start = time.perf_counter()
        child = subprocess.Popen(argv, stdout=output, stderr=subprocess.DEVNULL)
        _, status, usage = os.wait4(child.pid, 0)
        wall = time.perf_counter() - start
        output.seek(0)
        lines = output.read().decode("utf-8").splitlines()
    cpu = usage.ru_utime + usage.ru_stime
    return wall, usage.ru_maxrss / 1024, os.waitstatus_to_exitcode(status), cpu, lines


def run(folders: list[Path], out: Path | None = None) -> dict:
    if not CIVIC.exists():
        raise SystemExit(
            f"pb-corpus: {CIVIC} is absent; install civic first (make .venv/.installed)"
        )
    argv = [str(CIVIC), "pb", "corpus", *map(str, folders), "--json"]
    wall, rss, status, cpu, lines = _measure(argv)
    per_rule, misses = corpus_figures(lines)
    total = Counter()
    print(f"machine: {machine()}; load {load()}")
    print(f"folders: {', '.join(map(str, folders))}")
    print(f"{'rule':<30}{'agree':>8}{'differ':>8}{'refused':>9}")
    for rule, counts in per_rule.items():
        total.update(counts)
        print(f"{rule:<30}{counts['agree']:>8}{counts['differ']:>8}{counts['refused']:>9}")
    files = sum(total.values())
    print(f"{'all':<30}{total['agree']:>8}{total['differ']:>8}{total['refused']:>9}")
    share = 100 * total["agree"] / files if files else 0.0
    print(f"agree: {total['agree']} of {files} files that record an outcome ({share:.2f} %)")
    print(f"one process: wall {wall:.1f} s, CPU {cpu:.1f} s, peak RSS {rss:.0f} MB, exit {status}")
    for miss in misses:
        why = miss.get("reason") or f"extra {miss.get('extra')}, missing {miss.get('missing')}"
        print(f"  {miss['verdict']}: {Path(miss['file']).name} ({miss['rule']}): {why}")
    figures = {
        "per_rule": {rule: dict(c) for rule, c in per_rule.items()},
        "agree": total["agree"],
        "files": files,
        "wall_s": wall,
        "cpu_s": cpu,
        "peak_rss_mb": rss,
        "misses": misses,
    }
    if out is not None:
        out.write_text(json.dumps(figures, ensure_ascii=False, indent=1), encoding="utf-8")
    return figures


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks pb-corpus", description=__doc__)
    parser.add_argument("folders", nargs="*", type=Path, help="folders of .pb files")
    parser.add_argument("--pb-corpus-json", type=Path, help="also write the figures here")
    args = parser.parse_args(argv)
    folders = args.folders or [PABULIB]
    for folder in folders:
        if not folder.exists():
            raise SystemExit(f"pb-corpus: {folder} does not exist")
    run(folders, args.pb_corpus_json)


if __name__ == "__main__":
    main(sys.argv[1:])
