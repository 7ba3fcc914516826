"""Property tests on random small elections: agreement with pabutools (a test dependency,
never skipped), budget limits."""

from fractions import Fraction

import pabutools.election as pabutools_election
import pabutools.rules as pabutools_rules
from hypothesis import given, settings
from hypothesis import strategies as st

from civic.pb import rules
from civic.pb.rules import Project

# Ids chosen so that text order differs from numeric order, as in real files.
IDS = ["1", "2", "10", "11", "3", "a7", "B"]


@st.composite
def elections(draw, max_projects=6, max_voters=9, max_cost=30):
    n = draw(st.integers(1, max_projects))
    ids = IDS[:n]
    costs = draw(st.lists(st.integers(0, max_cost), min_size=n, max_size=n))
    projects = [Project(pid, cost) for pid, cost in zip(ids, costs, strict=True)]
    ballots = draw(
        st.lists(st.sets(st.sampled_from(ids)).map(sorted).map(tuple), max_size=max_voters)
    )
    budget = draw(st.integers(0, 2 * max_cost) | st.fractions(0, 2 * max_cost, max_denominator=4))
    return projects, ballots, budget


def pabutools_input(projects, ballots, budget):
    by_id = {p.id: pabutools_election.Project(p.id, p.cost) for p in projects}
    instance = pabutools_election.Instance(by_id.values(), budget_limit=Fraction(budget))
    profile = pabutools_election.ApprovalProfile(
        [pabutools_election.ApprovalBallot(by_id[pid] for pid in b) for b in ballots]
    )
    return instance, profile


def names(allocation):
    return sorted(p.name for p in allocation)


@settings(max_examples=150, deadline=None)
@given(elections())
def test_mes_equals_pabutools(election):
    projects, ballots, budget = election
    instance, profile = pabutools_input(*election)
    expected = pabutools_rules.method_of_equal_shares(
        instance, profile, sat_class=pabutools_election.Cost_Sat
    )
    outcome = rules.method_of_equal_shares(projects, ballots, budget)
    assert sorted(outcome.selected) == names(expected)
    assert outcome.cost <= budget


@settings(max_examples=150, deadline=None)
@given(elections(max_cost=12))
def test_mes_add1_equals_pabutools(election):
    projects, ballots, budget = election
    instance, profile = pabutools_input(*election)
    expected = pabutools_rules.method_of_equal_shares(
        instance, profile, sat_class=pabutools_election.Cost_Sat, voter_budget_increment=1
    )
    outcome = rules.equal_shares_add1(projects, ballots, budget)
    assert sorted(outcome.selected) == names(expected)
    assert outcome.cost <= budget


@settings(max_examples=150, deadline=None)
@given(elections())
def test_phragmen_equals_pabutools(election):
    projects, ballots, budget = election
    expected = pabutools_rules.sequential_phragmen(*pabutools_input(*election))
    outcome = rules.sequential_phragmen(projects, ballots, budget)
    assert sorted(outcome.selected) == names(expected)
    assert outcome.cost <= budget


@settings(max_examples=100, deadline=None)
@given(elections())
def test_greedy_equals_pabutools_greedy_welfare(election):
    projects, ballots, budget = election
    scores = rules.count_scores(ballots)
    # pabutools' greedy walks down satisfaction per unit of cost; with cost utilities that is
    # the number of approvals (free projects always fit either way).  It breaks ties by id as
    # text: compare on that order.
    outcome = rules.greedy(projects, scores, budget, tie_break="project_id")
    instance, profile = pabutools_input(*election)
    expected = pabutools_rules.greedy_utilitarian_welfare(
        instance, profile, sat_class=pabutools_election.Cost_Sat
    )
    assert sorted(outcome.selected) == names(expected)


@settings(max_examples=200, deadline=None)
@given(
    elections(max_cost=50),
    st.booleans(),
    st.none() | st.integers(0, 4),
    st.sampled_from(["file_order", "cheaper", "dearer", "project_id"]),
)
def test_greedy_stays_within_budget_and_skip_leaves_nothing_affordable(
    election, skip, threshold, tie_break
):
    projects, ballots, budget = election
    scores = rules.count_scores(ballots)
    outcome = rules.greedy(
        projects, scores, budget, skip=skip, threshold=threshold, tie_break=tie_break
    )
    assert outcome.cost == sum(p.cost for p in projects if p.id in outcome.selected)
    assert outcome.cost <= budget
    assert len(set(outcome.selected)) == len(outcome.selected)
    if skip:
        for d in outcome.decisions:
            if d.status == "does_not_fit":
                assert d.cost > outcome.leftover
    ranks = [d.score for d in outcome.decisions]
    assert ranks == sorted(ranks, reverse=True)
