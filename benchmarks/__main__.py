"""`python -m benchmarks [--quick] [suite ...]`: run the benchmark suites."""

import argparse

from benchmarks.pb_rules import add_arguments as add_pb_rules_arguments
from benchmarks.pb_rules import run_pb_rules

SUITES = {"pb-rules": run_pb_rules}


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__)
    parser.add_argument("suites", nargs="*", choices=[[], *SUITES], default=[])
    parser.add_argument("--quick", action="store_true", help="a few inputs only")
    add_pb_rules_arguments(parser)
    args = parser.parse_args(argv)
    for name in args.suites or SUITES:
        SUITES[name](args)


if __name__ == "__main__":
    main()
