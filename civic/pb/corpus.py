"""Does civic reproduce the official outcomes of a corpus of pabulib files?  (pure)

A file that records its official outcome (a `selected` column in PROJECTS) is counted under the
rule its META declares (:func:`civic.pb.rules.outcome` with ``rule="auto"``) and judged:

- ``agree``: the funded projects are exactly those the file marks (see
  :func:`civic.pb.rules.official_selection`);
- ``differ``: civic funds other projects (the verdict lists both differences);
- ``refused``: civic cannot count the declared rule (the Ukrainian reason says why).

``civic pb corpus DIR`` prints these per rule; ``python -m benchmarks pb-corpus DIR`` times it.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from civic.pb import rules
from civic.pb.pabulib import Election

AGREE, DIFFER, REFUSED = "agree", "differ", "refused"
VERDICTS = (AGREE, DIFFER, REFUSED)


@dataclass(frozen=True, slots=True)
class Verdict:
    """How civic's count of one file compares with the official outcome it records."""

    rule: str
    verdict: str
    extra: tuple[str, ...] = ()
    missing: tuple[str, ...] = ()
    reason: str = ""


def records_outcome(election: Election) -> bool:
    """True when the file has a `selected` column (the official outcome)."""
    return "selected" in election.project_columns


def judge(election: Election) -> Verdict:
    """Count ``election`` under its declared rule and compare with its `selected` column."""
    rule = election.rule or "unknown"
    try:
        result = rules.outcome(election)
    except ValueError as error:  # RuleNotCounted, or a file the rule cannot count
        return Verdict(rule, REFUSED, reason=str(error))
    official = rules.official_selection(election)
    chosen = frozenset(result.selected)
    if chosen == official:
        return Verdict(rule, AGREE)
    return Verdict(
        rule,
        DIFFER,
        extra=tuple(sorted(chosen - official)),
        missing=tuple(sorted(official - chosen)),
    )


def tally(verdicts: Iterable[Verdict]) -> dict[str, Counter[str]]:
    """Agree / differ / refused counts per declared rule, rules in text order."""
    counts: dict[str, Counter[str]] = {}
    for v in verdicts:
        counts.setdefault(v.rule, Counter())[v.verdict] += 1
    return dict(sorted(counts.items()))
