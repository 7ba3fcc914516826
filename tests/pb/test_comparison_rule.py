"""Wieliczka's `equalshares/add1-comparison`: MES with equalshares.net's Add1 (raised while it
fits), then the comparison step against the greedy outcome — pabutools agreement, properties,
and a pabulib file declaring it."""

from fractions import Fraction

import pabutools.election as pabutools_election
import pabutools.rules as pabutools_rules
from hypothesis import assume, given, settings

from civic.pb import pabulib, rules
from civic.pb.rules import Project
from civic.pb.rules.comparison import Preferences, equal_shares_comparison, preferences

from .test_properties import elections, names, pabutools_input

# The greedy outcome {b, d} is preferred by two voters and MES's {b} by none.
PROJECTS = [Project("a", 4), Project("b", 1), Project("c", 3), Project("d", 1)]
BALLOTS = [("a", "b"), ("a", "b", "c", "d"), ("a", "b", "c", "d"), ("c",), ("a",)]


@settings(max_examples=120, deadline=None)
@given(elections(max_cost=12))
def test_add1_raised_while_it_fits_equals_pabutools_exhaustion_without_the_exhaustive_stop(
    election,
):
    projects, ballots, budget = election
    assume(ballots)  # pabutools raises the budget by 0 forever without voters
    instance, profile = pabutools_input(*election)
    expected = pabutools_rules.exhaustion_by_budget_increase(
        instance,
        profile,
        pabutools_rules.method_of_equal_shares,
        {"sat_class": pabutools_election.Cost_Sat},
        exhaustive_stop=False,
        budget_step=profile.num_ballots(),
    )
    outcome = raised_while_it_fits(projects, ballots, budget)
    assert (sorted(outcome.selected), outcome.cost <= budget) == (names(expected), True)


def raised_while_it_fits(projects, ballots, budget):
    return rules.method_of_equal_shares(
        projects, ballots, budget, voter_budget_increment=1, stop_when_exhaustive=False
    )


@settings(max_examples=150, deadline=None)
@given(elections(max_cost=12))
def test_the_comparison_keeps_the_outcome_more_voters_prefer_and_stays_within_budget(election):
    projects, ballots, budget = election
    outcome, count = equal_shares_comparison(projects, ballots, budget)
    proportional = raised_while_it_fits(projects, ballots, budget)
    by_votes = rules.greedy(projects, rules.count_scores(ballots), budget)
    assert outcome.rule == "equalshares/add1-comparison"
    assert outcome.cost <= budget
    assert count == preferences(ballots, proportional.selected, by_votes.selected)
    # Recount by hand: a voter prefers the outcome funding more of what they voted for.
    mes, greedy = set(proportional.selected), set(by_votes.selected)
    for_mes = sum(len(set(b) & mes) > len(set(b) & greedy) for b in ballots)
    for_greedy = sum(len(set(b) & greedy) > len(set(b) & mes) for b in ballots)
    assert (count.proportional, count.greedy) == (for_mes, for_greedy)
    assert outcome.selected == (by_votes if for_greedy > for_mes else proportional).selected


def test_greedy_replaces_mes_when_more_voters_prefer_it():
    outcome, count = equal_shares_comparison(PROJECTS, BALLOTS, 3)
    proportional = raised_while_it_fits(PROJECTS, BALLOTS, 3)
    assert proportional.selected == ("b",)
    assert (count.proportional, count.greedy) == (0, 2)
    assert outcome.selected == ("b", "d")


def test_a_tie_in_the_comparison_keeps_mes():
    # One voter prefers each outcome: no majority for greedy, so the proportional one stays.
    ballots = [("x",), ("z",)]
    count = preferences(ballots, ("x",), ("z",))
    assert (count.proportional, count.greedy) == (1, 1) and not count.greedy_wins
    assert preferences([("z",), *ballots], ("x",), ("z",)).greedy_wins
    assert preferences(ballots, ("x",), ("z",), weights=[3, 2]) == Preferences(3, 2)


def test_a_pabulib_file_declaring_the_comparison_is_counted_by_it():
    lines = [
        "META",
        "key;value",
        "description;comparison test",
        "num_projects;4",
        "num_votes;5",
        "budget;3",
        "vote_type;approval",
        "rule;equalshares/add1-comparison",
        "PROJECTS",
        "project_id;cost;votes;name;selected",
        *(f"{p.id};{p.cost};0;{p.id.upper()};{int(p.id in 'bd')}" for p in PROJECTS),
        "VOTES",
        "voter_id;vote",
        *(f"{n};{','.join(b)}" for n, b in enumerate(BALLOTS, 1)),
    ]
    election = pabulib.read("\n".join(lines) + "\n", strict=False)
    outcome = rules.outcome(election)
    assert set(outcome.selected) == rules.official_selection(election) == {"b", "d"}
    sentence = rules.describe_declared(election, "equalshares/add1-comparison")
    assert "порівняли" in sentence and "equalshares" not in sentence
    assert outcome.budget == Fraction(3)
