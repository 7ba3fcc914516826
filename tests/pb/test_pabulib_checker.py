"""`civic pb check` against pabulib-checker (the format maintainers' checker, PyPI) as an oracle.

Over every shared ``.pb`` file both must agree on valid / invalid and, for an invalid file, on
the fields its errors name.  Where they disagree on purpose the file is in
:data:`KNOWN_DIFFERENCES` with the reason (also in ``docs/pb.md``), and the test checks that the
difference is still exactly that one, so a change on either side is noticed.
"""

import contextlib
import io
import re

import pytest
from click.testing import CliRunner
from pabulib import Checker

from civic.pb.cli import cli

from .conftest import PABULIB, needs_shared, shared_files

#: file stem → (the checker's error kinds civic does not report, why civic is right to differ)
KNOWN_DIFFERENCES = {
    "checker_example_valid": (
        {"whitespace around list separator"},
        "the category «Environment, public health & safety» has a comma followed by a space; "
        "pabulib-checker 1.0.8 rejects whitespace around list separators because pabutools keeps "
        "it as part of the item.  civic never splits `category` (it counts by project id within "
        "its own edition categories), so the space changes nothing civic computes, and the file "
        "is the checker's own example of a valid file from before that rule.",
    ),
}

#: The fields an error of either checker can name; an error's kind is the fields it names.
FIELDS = (
    "currency",
    "sex",
    "age",
    "voting_method",
    "budget",
    "num_votes",
    "num_projects",
    "vote_type",
    "rule",
    "date_begin",
    "date_end",
    "min_length",
    "max_length",
    "selected",
    "votes",
    "cost",
    "points",
    "score",
    "project_id",
    "voter_id",
    "category",
)


def fields_named(text: str) -> set[str]:
    return {f for f in FIELDS if re.search(rf"(?<![\w]){f}(?![\w])", text)}


def oracle(path) -> dict[str, list[str]]:
    """pabulib-checker's errors of one file: kind → details (it prints as it goes: kept quiet)."""
    with contextlib.redirect_stdout(io.StringIO()):
        results = Checker().process_files([str(path)])
    outcome = results[path.stem]["results"]
    errors = outcome.get("errors", {}) if isinstance(outcome, dict) else {}
    return {kind: [str(d) for d in details.values()] for kind, details in errors.items()}


def civic_check(path) -> tuple[int, list[str]]:
    """`civic pb check FILE`: its exit code and its error lines."""
    result = CliRunner().invoke(cli, ["check", str(path)])
    return result.exit_code, [line for line in result.output.splitlines() if "помилка:" in line]


@pytest.mark.parametrize("path", shared_files())
def test_civic_check_agrees_with_pabulib_checker(path):
    theirs = oracle(path)
    code, ours = civic_check(path)
    assert code in (0, 1), ours
    ignored, _reason = KNOWN_DIFFERENCES.get(path.stem, (set(), ""))
    assert ignored <= set(theirs), f"{path.stem}: the recorded difference is gone: {theirs}"
    compared = {kind: details for kind, details in theirs.items() if kind not in ignored}
    assert (code == 0) == (not compared), (theirs, ours)
    # Where both find errors, every field the checker's errors name is named by civic's too.
    named_by_civic = set().union(*map(fields_named, ours)) if ours else set()
    for kind, details in compared.items():
        for detail in details:
            assert fields_named(detail) <= named_by_civic, (kind, detail, ours)


@needs_shared
def test_the_oracle_finds_the_invalid_example_invalid_for_the_same_fields():
    """The one invalid shared file: both checkers name currency and sex, nothing else."""
    path = PABULIB / "checker_example_invalid.pb"
    theirs = oracle(path)
    code, ours = civic_check(path)
    assert code == 1
    assert set().union(*(fields_named(d) for ds in theirs.values() for d in ds)) == {
        "currency",
        "sex",
    }
    assert set().union(*map(fields_named, ours)) == {"currency", "sex"}
    assert len(ours) == sum(map(len, theirs.values())) == 3
