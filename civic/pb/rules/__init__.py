"""Participatory-budget rules in exact arithmetic: greedy and its cities' variants, MES, Phragmén.

Pure and fast: only the standard library, no clock, no files, no floats.  Amounts may be given
as ``int``, ``Fraction`` or ``Decimal`` and come back as ``int`` or ``Fraction`` (use
:func:`as_decimal` for a ``Decimal``).  Scores are approval counts, sums of points, or points
per rank of ranked ballots.

Plain-data API (for the counting workflow and the what-if analysis)::

    Project(id, cost, category=None, submitted_on=None, name="")
    count_scores(ballots, points=None) -> dict[id, score]
    rank_points(ballots, points_per_rank) -> dict[id, score]     # ranked ballots: 3, 2, 1
    greedy(projects, scores, budget, *, skip=True, threshold=None,
           tie_break="file_order", exclusive=(), completion=None) -> Outcome
    greedy_by_category(projects, scores, budget, caps, *, skip=True, pool=True, ...) -> Outcome
    method_of_equal_shares(projects, ballots, budget, *, weights=None,
                           voter_budget_increment=None) -> Outcome
    equal_shares_add1(projects, ballots, budget, *, weights=None) -> Outcome
    sequential_phragmen(projects, ballots, budget, *, weights=None) -> Outcome
    outcome(election, rule="auto", *, tie_break="file_order") -> Outcome   # a parsed .pb file
    describe_rule(...) -> str                                     # one plain Ukrainian sentence

``Outcome`` holds ``selected`` (project ids in the order the rule chose them), ``cost``,
``budget``, ``reserve`` (what a completion rule took beyond the budget), ``leftover`` and
``decisions``: one :class:`Decision` per project with its rank, score and status — ``funded``,
``funded_from_reserve``, ``does_not_fit``, ``below_threshold``, ``withdrawn``, ``excluded`` (a
project of an exclusive group another member of which is funded), ``stopped`` (no-skip greedy
after the first project that did not fit) or ``not_selected`` (MES, Phragmén).

``tie_break`` orders projects of equal score: ``"file_order"`` (the order of ``projects``, which
is how the cities' official outcomes in pabulib break ties), ``"cheaper"``, ``"dearer"``,
``"earlier_submission"``, ``"project_id"`` (text order) or a key function of a ``Project``.

The code is split by family: :mod:`.core` (plain data, scores), :mod:`.greedy`, :mod:`.mes`
(MES and Phragmén, as pabutools 1.2 exactly), :mod:`.declared` (what a pabulib file declares)
and :mod:`.wording` (the rule in words).
"""

from civic.pb.rules.core import (
    BELOW_THRESHOLD,
    DOES_NOT_FIT,
    EXCLUDED,
    FUNDED,
    FUNDED_FROM_RESERVE,
    GREEDY_RULES,
    NOT_SELECTED,
    RULES,
    STOPPED,
    WITHDRAWN,
    WITHDRAWN_COST,
    Decision,
    Outcome,
    Project,
    as_decimal,
    borda_points,
    count_scores,
    rank_points,
)
from civic.pb.rules.declared import (
    RuleNotCounted,
    declared_completion,
    declared_exclusive,
    declared_points,
    describe_declared,
    official_selection,
    outcome,
    projects_of,
)
from civic.pb.rules.greedy import greedy, greedy_by_category
from civic.pb.rules.mes import equal_shares_add1, method_of_equal_shares, sequential_phragmen
from civic.pb.rules.wording import describe_rule

__all__ = [
    "BELOW_THRESHOLD",
    "DOES_NOT_FIT",
    "EXCLUDED",
    "FUNDED",
    "FUNDED_FROM_RESERVE",
    "GREEDY_RULES",
    "NOT_SELECTED",
    "RULES",
    "STOPPED",
    "WITHDRAWN",
    "WITHDRAWN_COST",
    "Decision",
    "Outcome",
    "Project",
    "RuleNotCounted",
    "as_decimal",
    "borda_points",
    "count_scores",
    "declared_completion",
    "declared_exclusive",
    "declared_points",
    "describe_declared",
    "describe_rule",
    "equal_shares_add1",
    "greedy",
    "greedy_by_category",
    "method_of_equal_shares",
    "official_selection",
    "outcome",
    "projects_of",
    "rank_points",
    "sequential_phragmen",
]
