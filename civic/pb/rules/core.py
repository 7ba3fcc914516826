"""The plain data every rule shares: projects, decisions, outcomes, exact amounts, scores.

Pure: only the standard library.  Amounts are ``int`` or ``Fraction`` inside the rules; callers
may pass ``Decimal`` and turn results back with :func:`as_decimal`.
"""

from __future__ import annotations

from civic.pb.records import Record

if TYPE_CHECKING := False:  # not typing's: importing typing costs start-up (civic/__init__.py)
    from collections.abc import Callable, Iterable, Sequence
    from datetime import date
    from decimal import Decimal
    from fractions import Fraction
    from typing import Any

    Amount = int | Fraction
    TieBreak = str | Callable[["Project"], object]

WITHDRAWN_COST = 999_999_999
"""pabulib's marker cost of a project withdrawn after the vote: greedy rules skip it."""

GREEDY_RULES = (
    "greedy",
    "greedy-no-skip",
    "greedy-threshold",
    "greedy-exclusive",
    "greedy-custom",
)
RULES = (
    *GREEDY_RULES,
    "equalshares",
    "equalshares/add1",
    "equalshares/add1-comparison",
    "phragmen",
)

FUNDED = "funded"
DOES_NOT_FIT = "does_not_fit"
BELOW_THRESHOLD = "below_threshold"
WITHDRAWN = "withdrawn"
STOPPED = "stopped"
NOT_SELECTED = "not_selected"
EXCLUDED = "excluded"
FUNDED_FROM_RESERVE = "funded_from_reserve"


class Project(Record):
    """A project as the rules see it."""

    __slots__ = _fields = ("id", "cost", "category", "submitted_on", "name")

    def __init__(
        self,
        id: str,
        cost: int | Fraction | Decimal,
        category: str | None = None,
        submitted_on: date | None = None,
        name: str = "",
    ) -> None:
        self._init(id, cost, category, submitted_on, name)

    @property
    def is_withdrawn(self) -> bool:
        return self.cost == WITHDRAWN_COST


class Decision(Record):
    """What a rule decided about one project, and why."""

    __slots__ = _fields = ("project_id", "rank", "score", "cost", "status")

    def __init__(self, project_id: str, rank: int, score: Amount, cost: Amount, status: str):
        self._init(project_id, rank, score, cost, status)

    @property
    def is_funded(self) -> bool:
        return self.status in (FUNDED, FUNDED_FROM_RESERVE)


class Outcome(Record):
    """The result of a rule: the funded projects in selection order and a decision for each.

    Equality leaves ``decisions`` out (two outcomes funding the same are equal)."""

    __slots__ = _fields = ("rule", "budget", "selected", "cost", "decisions", "reserve")
    _compare = ("rule", "budget", "selected", "cost", "reserve")

    def __init__(
        self,
        rule: str,
        budget: Amount,
        selected: tuple[str, ...],
        cost: Amount,
        decisions: tuple[Decision, ...] = (),
        reserve: Amount = 0,
    ) -> None:
        self._init(rule, budget, selected, cost, decisions, reserve)

    @property
    def leftover(self) -> Amount:
        """The part of the budget not spent (money taken from a reserve is not the budget's)."""
        return self.budget + self.reserve - self.cost


def _exact(value: int | Fraction | Decimal) -> Amount:
    if isinstance(value, (bool, float)):
        raise TypeError(f"amounts must be exact (int, Fraction or Decimal), got {value!r}")
    if isinstance(value, int):
        return value
    # Imported here: fractions imports re and decimal, which a count of whole amounts (every
    # `civic pb outcome` of a file with whole costs) does without (issue 15, start-up).
    from fractions import Fraction

    value = Fraction(value)
    return value.numerator if value.denominator == 1 else value


def as_decimal(value: int | Fraction) -> Decimal:
    """An exact ``Decimal`` of an amount with a terminating decimal expansion (money always has)."""
    from decimal import Decimal
    from fractions import Fraction

    value = Fraction(value)
    result = Decimal(value.numerator) / Decimal(value.denominator)
    if Fraction(result) != value:
        raise ValueError(f"{value} has no exact decimal form")
    return result


def count_scores(
    ballots: Iterable[Sequence[str]], points: Iterable[Sequence[Amount]] | None = None
) -> dict[str, Amount]:
    """Recount the greedy score of every voted project: approvals, or the sum of points."""
    # collections costs a `civic pb outcome` process its import; only greedy rules need it here
    from collections import Counter, defaultdict
    from itertools import chain

    if points is None:
        return dict(Counter(chain.from_iterable(ballots)))
    totals: dict[str, Amount] = defaultdict(int)
    for ballot, pts in zip(ballots, points, strict=True):
        for pid, value in zip(ballot, pts, strict=True):
            totals[pid] += value
    return dict(totals)


def rank_points(
    ballots: Iterable[Sequence[str]], points_per_rank: Sequence[int | Fraction | Decimal]
) -> dict[str, Amount]:
    """Scores of ranked ballots: the k-th project a ballot names gets ``points_per_rank[k]``.

    A ballot longer than the list gives its further projects nothing.  Kraków's participatory
    budget, where a voter ranks three projects, is ``points_per_rank=(3, 2, 1)``: the sums its
    pabulib files record in the PROJECTS `score` column.
    """
    from collections import Counter

    weights = [_exact(p) for p in points_per_rank]
    if any(w < 0 for w in weights):
        raise ValueError("points per rank must not be negative")
    totals: Counter[str] = Counter()
    width = len(weights)
    for ballot in ballots:
        for pid, value in zip(ballot[:width], weights, strict=False):
            totals[pid] += value
    return dict(totals)


def borda_points(length: int) -> tuple[int, ...]:
    """``(length, length - 1, ..., 1)``: points for ranked ballots of at most ``length`` projects."""
    if length < 1:
        raise ValueError("a ranked ballot names at least one project")
    return tuple(range(length, 0, -1))


def _tie_key(tie_break: TieBreak, projects: Sequence[Project]) -> Callable[[int], Any]:
    if callable(tie_break):
        return lambda i: (tie_break(projects[i]), i)
    if tie_break == "file_order":
        return lambda i: i
    if tie_break == "cheaper":
        return lambda i: (_exact(projects[i].cost), i)
    if tie_break == "dearer":
        return lambda i: (-_exact(projects[i].cost), i)
    if tie_break == "project_id":
        return lambda i: (projects[i].id, i)
    if tie_break == "earlier_submission":
        from datetime import date  # here: its import costs every `civic pb outcome` process

        return lambda i: (projects[i].submitted_on or date.max, i)
    raise ValueError(f"unknown tie-break {tie_break!r}")
