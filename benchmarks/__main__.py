"""`python -m benchmarks [--quick] [suite ...]`: run the benchmark suites (`make bench`).

pb-rules and pb-import run in this process; the petitions, enterprises and report suites run as
their own processes (`python -m benchmarks.<name>`), each with its own options.
`python -m benchmarks pb-corpus [DIR ...]` (not part of the default run) counts folders of
pabulib files and prints how many official outcomes civic reproduces per rule.
"""

import argparse
import subprocess
import sys

from benchmarks.pb_import import add_arguments as add_pb_import_arguments
from benchmarks.pb_import import run_pb_import
from benchmarks.pb_rules import add_arguments as add_pb_rules_arguments
from benchmarks.pb_rules import run_pb_rules

# Smaller inputs for --quick runs of the separate-process suites.
QUICK_OPTIONS = {
    "petitions": ["--signatures", "300", "--petitions", "300"],
    "enterprises": ["--enterprises", "20", "--rows", "20000"],
    "reports_monthly": ["--entries", "2000", "--repeat", "2"],
}


def _module_suite(module: str):
    def run(args) -> None:
        extra = QUICK_OPTIONS[module] if args.quick else []
        subprocess.run([sys.executable, "-m", f"benchmarks.{module}", *extra], check=True)

    return run


SUITES = {
    "pb-rules": run_pb_rules,
    "pb-import": run_pb_import,
    "petitions": _module_suite("petitions"),
    "enterprises": _module_suite("enterprises"),
    "reports": _module_suite("reports_monthly"),
}


def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["pb-corpus"]:
        from benchmarks.pb_corpus import main as pb_corpus

        pb_corpus(argv[1:])
        return
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__)
    parser.add_argument("suites", nargs="*", choices=[[], *SUITES], default=[])
    parser.add_argument("--quick", action="store_true", help="a few inputs only")
    add_pb_rules_arguments(parser)
    add_pb_import_arguments(parser)
    args = parser.parse_args(argv)
    for name in args.suites or SUITES:
        print(f"== {name}", flush=True)
        SUITES[name](args)


if __name__ == "__main__":
    main()
