"""Every shared real election: recounts, official greedy outcomes, and pabutools as the oracle."""

from functools import lru_cache

import pabutools.election as pabutools_election
import pabutools.rules as pabutools_rules
import pytest

from civic.pb import pabulib, rules

from .conftest import shared_files, vote_type

APPROVAL = ("approval", "choose-1")
LARGE = "Poland_Lodz_2022.pb"  # 90 494 ballots: pabutools needs ~30 s per rule here


@lru_cache(maxsize=4)
def ours(path):
    return pabulib.read(path.read_text(encoding="utf-8"))


@lru_cache(maxsize=2)
def theirs(path):
    return pabutools_election.parse_pabulib(str(path))


def approval_files(**kwargs):
    return shared_files(only=lambda p: vote_type(p) in APPROVAL, **kwargs)


def slow_if_large(params):
    return [
        pytest.param(*p.values, marks=pytest.mark.slow, id=p.id)
        if p.values[0] is not None and p.values[0].name == LARGE
        else p
        for p in params
    ]


@pytest.mark.parametrize("path", shared_files())
def test_recount_equals_votes_and_score_columns(path):
    e = ours(path)
    approvals = rules.count_scores(e.ballots)
    scores = rules.count_scores(e.ballots, e.points) if e.points is not None else approvals
    checked = 0
    for p in e.projects:
        if p.number("votes") is not None:
            assert p.number("votes") == approvals.get(p.id, 0), p.id
            checked += 1
        if p.number("score") is not None:
            assert p.number("score") == scores.get(p.id, 0), p.id
            checked += 1
    assert checked >= len(e.projects)


@pytest.mark.parametrize(
    "path",
    shared_files(
        only=lambda p: ours(p).rule in rules.RULES and "selected" in ours(p).project_columns
    ),
)
def test_official_rule_gives_the_selected_column(path):
    e = ours(path)
    outcome = rules.outcome(e)
    assert set(outcome.selected) == {p.id for p in e.projects if p.is_selected}
    assert outcome.cost <= e.budget


@pytest.mark.parametrize("path", shared_files(only=lambda p: ours(p).rule in rules.GREEDY_RULES))
def test_greedy_family_outcome_is_affordable_in_ranking_order(path):
    e = ours(path)
    outcome = rules.outcome(e)
    funded = [d for d in outcome.decisions if d.is_funded]
    assert [d.project_id for d in funded] == list(outcome.selected)
    assert [d.score for d in funded] == sorted((d.score for d in funded), reverse=True)


def pabutools_selected(path, rule):
    instance, profile = theirs(path)
    if rule == "equalshares":
        result = pabutools_rules.method_of_equal_shares(
            instance, profile, sat_class=pabutools_election.Cost_Sat
        )
    elif rule == "equalshares/add1":
        result = pabutools_rules.method_of_equal_shares(
            instance, profile, sat_class=pabutools_election.Cost_Sat, voter_budget_increment=1
        )
    else:
        result = pabutools_rules.sequential_phragmen(instance, profile)
    return {p.name for p in result}


@pytest.mark.parametrize("rule", ["equalshares", "phragmen"])
@pytest.mark.parametrize("path", slow_if_large(approval_files()))
def test_mes_and_phragmen_equal_pabutools(path, rule):
    assert set(rules.outcome(ours(path), rule).selected) == pabutools_selected(path, rule)


# pabutools' Add1 reruns MES once per unit of per-voter budget: on Łódź 2022 (90 494 ballots,
# about 30 s per run) that would take hours, so that one file is compared on plain MES only.
@pytest.mark.parametrize("path", approval_files(exclude=(LARGE,)))
def test_mes_add1_equals_pabutools(path):
    ours_ = rules.outcome(ours(path), "equalshares/add1")
    assert set(ours_.selected) == pabutools_selected(path, "equalshares/add1")
    assert ours_.cost <= ours(path).budget
