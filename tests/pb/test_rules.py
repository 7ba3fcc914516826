from datetime import date
from decimal import Decimal
from fractions import Fraction

import pytest

from civic.pb import rules
from civic.pb.rules import Project, greedy


def projects(*costs, ids=None):
    ids = ids or [chr(ord("a") + k) for k in range(len(costs))]
    return [Project(pid, cost) for pid, cost in zip(ids, costs, strict=True)]


def statuses(outcome):
    return {d.project_id: d.status for d in outcome.decisions}


# Projects a..e; scores decide the ranking a, b, c, d, e.
FIVE = projects(50, 40, 30, 20, 10)
FIVE_SCORES = {"a": 90, "b": 80, "c": 70, "d": 60, "e": 50}


@pytest.mark.parametrize(
    ("budget", "skip", "selected", "cost"),
    [
        (150, True, ("a", "b", "c", "d", "e"), 150),
        (100, True, ("a", "b", "e"), 100),
        (100, False, ("a", "b"), 90),
        (75, True, ("a", "d"), 70),
        (75, False, ("a",), 50),
        (40, True, ("b",), 40),
        (40, False, (), 0),
        (0, True, (), 0),
    ],
)
def test_greedy_skip_and_no_skip(budget, skip, selected, cost):
    outcome = greedy(FIVE, FIVE_SCORES, budget, skip=skip)
    assert outcome.selected == selected
    assert outcome.cost == cost
    assert outcome.leftover == budget - cost
    assert outcome.rule == ("greedy" if skip else "greedy-no-skip")


def test_greedy_decisions_explain_every_project():
    outcome = greedy(FIVE, FIVE_SCORES, 75, skip=False)
    assert [d.rank for d in outcome.decisions] == [1, 2, 3, 4, 5]
    assert statuses(outcome) == {
        "a": "funded",
        "b": "does_not_fit",
        "c": "stopped",
        "d": "stopped",
        "e": "stopped",
    }
    outcome = greedy(FIVE, FIVE_SCORES, 75)
    assert statuses(outcome)["b"] == "does_not_fit"
    assert statuses(outcome)["d"] == "funded"


@pytest.mark.parametrize("skip", [True, False])
def test_threshold_excludes_low_scores_under_every_greedy_rule(skip):
    outcome = greedy(FIVE, FIVE_SCORES, 1000, skip=skip, threshold=70)
    assert outcome.selected == ("a", "b", "c")
    assert statuses(outcome)["d"] == "below_threshold"
    assert statuses(outcome)["c"] == "funded"  # a score equal to the threshold passes


@pytest.mark.parametrize("skip", [True, False])
def test_withdrawn_project_is_passed_over_without_stopping(skip):
    candidates = [Project("w", rules.WITHDRAWN_COST), *projects(30, 20)]
    outcome = greedy(candidates, {"w": 100, "a": 50, "b": 40}, 60, skip=skip)
    assert outcome.selected == ("a", "b")
    assert statuses(outcome)["w"] == "withdrawn"


TIED = [
    Project("10", 30, submitted_on=date(2020, 9, 3)),
    Project("9", 10, submitted_on=date(2020, 9, 1)),
    Project("2", 20, submitted_on=date(2020, 9, 2)),
]


@pytest.mark.parametrize(
    ("tie_break", "order"),
    [
        ("file_order", ("10", "9", "2")),
        ("cheaper", ("9", "2", "10")),
        ("dearer", ("10", "2", "9")),
        ("project_id", ("10", "2", "9")),  # text order, as pabulib ids are text
        ("earlier_submission", ("9", "2", "10")),
        (lambda p: int(p.id), ("2", "9", "10")),
    ],
    ids=["file_order", "cheaper", "dearer", "project_id", "earlier_submission", "key"],
)
def test_ties_follow_the_chosen_order(tie_break, order):
    outcome = greedy(TIED, {"10": 5, "9": 5, "2": 5}, 100, tie_break=tie_break)
    assert outcome.selected == order


def test_tie_at_the_budget_edge_goes_to_the_earlier_project_in_file_order():
    outcome = greedy(projects(60, 60), {"a": 7, "b": 7}, 100)
    assert outcome.selected == ("a",)
    outcome = greedy(list(reversed(projects(60, 60))), {"a": 7, "b": 7}, 100)
    assert outcome.selected == ("b",)


def test_unknown_tie_break_is_refused():
    with pytest.raises(ValueError, match="tie-break"):
        greedy(FIVE, FIVE_SCORES, 10, tie_break="lottery")


def test_amounts_may_be_decimal_or_fraction_but_not_float():
    candidates = [Project("a", Decimal("0.10")), Project("b", Fraction(1, 5))]
    outcome = greedy(candidates, {"a": 2, "b": 1}, Decimal("0.30"))
    assert outcome.selected == ("a", "b")
    assert outcome.cost == Fraction(3, 10)
    assert outcome.leftover == 0
    assert rules.as_decimal(outcome.cost) == Decimal("0.3")
    with pytest.raises(TypeError, match="exact"):
        greedy(candidates, {"a": 2}, 0.3)


def test_unscored_projects_score_zero_and_still_get_money_left():
    outcome = greedy(projects(10, 10), {"a": 3}, 100)
    assert outcome.selected == ("a", "b")
    assert [d.score for d in outcome.decisions] == [3, 0]


def test_count_scores_counts_approvals_or_sums_points():
    ballots = [("a", "b"), ("a",), ("c", "a")]
    assert rules.count_scores(ballots) == {"a": 3, "b": 1, "c": 1}
    points = [(2, 1), (3,), (1, Fraction(1, 2))]
    assert rules.count_scores(ballots, points) == {"a": Fraction(11, 2), "b": 1, "c": 1}


# Method of Equal Shares with cost utilities: worked examples.


def test_mes_funds_a_group_in_proportion_to_its_size():
    # 3 voters want a+b, 1 voter wants c; each project costs 3 of a budget of 8 (2 per voter).
    candidates = projects(3, 3, 3)
    ballots = [("a", "b"), ("a", "b"), ("a", "b"), ("c",)]
    outcome = rules.method_of_equal_shares(candidates, ballots, 8)
    # The majority pays 1 each for a, then 1 each for b; the single voter can't afford c (2 < 3).
    assert outcome.selected == ("a", "b")
    assert outcome.cost == 6


def test_mes_breaks_ties_by_project_id_as_text():
    candidates = projects(5, 5, ids=["9", "10"])
    outcome = rules.method_of_equal_shares(candidates, [("9",), ("10",)], 10)
    assert outcome.selected == ("10", "9")


def test_add1_completes_what_plain_mes_leaves():
    candidates = projects(3, 3, 3)
    ballots = [("a", "b"), ("a", "b"), ("a", "b"), ("c",)]
    outcome = rules.equal_shares_add1(candidates, ballots, 9)
    assert outcome.rule == "equalshares/add1"
    assert set(outcome.selected) == {"a", "b", "c"}
    assert outcome.cost <= 9


def test_mes_weights_equal_repeated_ballots():
    candidates = projects(3, 3, 3)
    repeated = [("a", "b")] * 3 + [("c",)]
    weighted = rules.method_of_equal_shares(candidates, [("a", "b"), ("c",)], 8, weights=[3, 1])
    assert weighted.selected == rules.method_of_equal_shares(candidates, repeated, 8).selected


def test_mes_with_cost_utilities_ignores_free_projects_and_handles_no_ballots():
    # A project of cost 0 brings cost-utility 0: like pabutools, MES never selects it.
    candidates = [Project("free", 0), *projects(3)]
    assert rules.method_of_equal_shares(candidates, [("free", "a")], 3).selected == ("a",)
    assert rules.method_of_equal_shares(candidates, [], 3).selected == ()


def test_phragmen_buys_in_order_of_load_and_stops_at_the_first_that_does_not_fit():
    candidates = projects(4, 2, 3)
    ballots = [("a",), ("a",), ("b",), ("c",), ("c",), ("c",)]
    # loads: a 4/2 = 2, b 2/1 = 2, c 3/3 = 1 -> c, then a (ties with b; "a" < "b"), then b
    assert rules.sequential_phragmen(candidates, ballots, 9).selected == ("c", "a", "b")
    # with 6 the next pick a (4) does not fit: Phragmén stops there even though b would
    assert rules.sequential_phragmen(candidates, ballots, 6).selected == ("c",)


def test_rules_refuse_unknown_projects_in_ballots():
    with pytest.raises(ValueError, match="unknown project"):
        rules.method_of_equal_shares(projects(1), [("zz",)], 5)
