"""The comparison step of equalshares.net: the proportional outcome against the greedy one.

Pure: only the standard library.  Wieliczka's Green Budget 2023 (pabulib's
`equalshares/add1-comparison`) was counted so: the Method of Equal Shares with the Add1
completion of equalshares.net's compute tool (each voter's share raised by one unit of currency
while the outcome stays within the budget), then the comparison step — every voter prefers the
outcome that funds more of the projects they voted for, and when more voters prefer the greedy
outcome (by number of votes, skipping what does not fit) than the proportional one, the greedy
outcome is taken instead.  A tie keeps the proportional outcome.
"""

from __future__ import annotations

from civic.pb.records import Record
from civic.pb.rules.core import Outcome, Project, count_scores
from civic.pb.rules.greedy import greedy
from civic.pb.rules.mes import method_of_equal_shares

if TYPE_CHECKING := False:  # not typing's: importing typing costs start-up (civic/__init__.py)
    from collections.abc import Iterable, Sequence
    from decimal import Decimal
    from fractions import Fraction

RULE = "equalshares/add1-comparison"


class Preferences(Record):
    """How many voters prefer each of two outcomes (the rest like them equally)."""

    __slots__ = _fields = ("proportional", "greedy")

    def __init__(self, proportional: int, greedy: int) -> None:
        self._init(proportional, greedy)

    @property
    def greedy_wins(self) -> bool:
        return self.greedy > self.proportional


def preferences(
    ballots: Iterable[Iterable[str]],
    proportional: Iterable[str],
    greedy_selected: Iterable[str],
    *,
    weights: Sequence[int] | None = None,
) -> Preferences:
    """Voters who prefer each outcome: the one funding more of the projects they voted for."""
    mine, theirs = frozenset(proportional), frozenset(greedy_selected)
    prefer_mine = prefer_theirs = 0
    for n, ballot in enumerate(ballots):
        ids = frozenset(ballot)
        weight = 1 if weights is None else weights[n]
        here, there = len(ids & mine), len(ids & theirs)
        if here > there:
            prefer_mine += weight
        elif there > here:
            prefer_theirs += weight
    return Preferences(prefer_mine, prefer_theirs)


def equal_shares_comparison(
    projects: Sequence[Project],
    ballots: Sequence[Iterable[str]],
    budget: int | Fraction | Decimal,
    *,
    weights: Sequence[int] | None = None,
) -> tuple[Outcome, Preferences]:
    """MES with equalshares.net's Add1, then the comparison step; the outcome and the count.

    The outcome is MES's unless more voters prefer the greedy outcome; its ``rule`` is
    `equalshares/add1-comparison` either way.
    """
    ballots = [tuple(b) for b in ballots]
    proportional = method_of_equal_shares(
        projects,
        ballots,
        budget,
        weights=weights,
        voter_budget_increment=1,
        stop_when_exhaustive=False,
    )
    if weights is None:
        scores = count_scores(ballots)
    else:
        scores = {}
        for ballot, weight in zip(ballots, weights, strict=True):
            for pid in set(ballot):
                scores[pid] = scores.get(pid, 0) + weight
    by_votes = greedy(projects, scores, budget)
    count = preferences(ballots, proportional.selected, by_votes.selected, weights=weights)
    chosen = by_votes if count.greedy_wins else proportional
    renamed = Outcome(
        RULE, chosen.budget, chosen.selected, chosen.cost, chosen.decisions, chosen.reserve
    )
    return renamed, count
