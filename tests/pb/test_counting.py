"""The count: per-category greedy, min_votes, ties, the pooled leftover, the digest."""

import json
from collections import Counter
from dataclasses import replace
from datetime import date
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from civic.pb.ballots import BallotIn, VotingRules, judge
from civic.pb.counting import ProjectIn, canonical_document, canonical_json, count
from civic.pb.edition import Category, EditionConfig

D = Decimal
CONFIG = EditionConfig(
    slug="t",
    title="Тест на 2021 рік",
    voting_starts_on=date(2020, 11, 9),
    voting_ends_on=date(2020, 11, 22),
    categories=(
        Category("small", "Малі", D("1159863.30"), 1),
        Category("large", "Великі", D("2706347.70"), 1),
    ),
    settlements=(),
)
PROJECTS = [
    ProjectIn("S1", "Перший", "small", D("398000"), date(2020, 8, 1)),
    ProjectIn("S2", "Другий", "small", D("350000"), date(2020, 8, 2)),
    ProjectIn("S3", "Третій", "small", D("299900"), date(2020, 8, 3)),
    ProjectIn("S4", "WORKOUT – смуга перешкод", "small", D("399500"), date(2020, 8, 4)),
    ProjectIn("S5", "Дорогий малий", "small", D("450000"), date(2020, 8, 5)),
    ProjectIn("L1", "Великий 1", "large", D("1401280"), date(2020, 8, 1)),
    ProjectIn("L2", "Великий 2", "large", D("1000000"), date(2020, 8, 2)),
    ProjectIn("L3", "Великий 3", "large", D("1650000"), date(2020, 8, 3)),
    ProjectIn("X1", "Не допущений", "small", D("1000"), date(2020, 8, 3), admitted=False),
]


def rules_for(config, projects):
    return VotingRules(
        config.voting_starts_on,
        config.voting_ends_on,
        config.min_age,
        config.settlements,
        {p.code: p.category for p in projects if p.admitted},
        {c.code: c.max_choices for c in config.categories},
        config.duplicates,
    )


def make_ballots(votes: dict[str, int], channel="paper"):
    out = []
    for code, n in votes.items():
        for k in range(n):
            out.append(
                BallotIn(
                    f"{code}-{k}-{channel}",
                    channel,
                    date(2020, 11, 10),
                    True,
                    date(1980, 1, 1),
                    f"{code}-{k}-{channel}",
                    "Ніжин",
                    (code,),
                )
            )
    return out


def run(config=CONFIG, projects=PROJECTS, votes=None, online=None):
    ballots = make_ballots(votes or {}) + make_ballots(online or {}, "online")
    return count(config, projects, ballots, judge(ballots, rules_for(config, projects)))


VOTES = {"S1": 30, "S2": 26, "S3": 21, "S4": 19, "S5": 18, "L1": 34, "L2": 28, "L3": 16}


def test_the_pool_funds_workout_as_in_nizhyn_2021():
    result = run(votes=VOTES)
    data = result.as_json()
    assert data["budget"]["small"] == {
        "budget": "1159863.30",
        "spent": "1047900.00",
        "left": "111963.30",
    }
    assert data["budget"]["large"]["left"] == "305067.70"
    assert data["budget"]["pool"]["available"] == "417031.00"
    assert data["budget"]["pool"]["selected"] == ["S4"]
    assert data["selected"] == ["S1", "S2", "S3", "L1", "L2", "S4"]
    s4 = next(p for p in data["projects"] if p["code"] == "S4")
    assert s4 == {**s4, "rank": 4, "selected": True, "funded_from": "pool", "cost": "399500.00"}
    assert "X1" not in {p["code"] for p in data["projects"]}


def test_keep_leaves_the_leftovers():
    result = run(config=replace(CONFIG, leftover="keep"), votes=VOTES)
    assert result.pool is None
    assert "S4" not in result.selected


def test_no_skip_stops_at_the_first_project_that_does_not_fit():
    result = run(
        config=replace(CONFIG, rule="greedy-no-skip", leftover="keep"),
        votes={"S1": 30, "S4": 29, "S5": 28, "S3": 5},
    )
    # 398 000 + 399 500 = 797 500; S5 (450 000) does not fit: the walk stops, S3 is not funded.
    assert [c for c in result.selected if c.startswith("S")] == ["S1", "S4"]
    skip = run(
        config=replace(CONFIG, leftover="keep"), votes={"S1": 30, "S4": 29, "S5": 28, "S3": 5}
    )
    assert "S3" in skip.selected


def test_min_votes_excludes_projects_with_fewer_votes():
    result = run(config=replace(CONFIG, min_votes=20), votes=VOTES)
    assert "S4" not in result.selected  # 19 votes
    assert "S3" in result.selected


def test_ties_by_earlier_submission_then_cheaper_then_lot():
    votes = {"S2": 10, "S3": 10}
    base = run(config=replace(CONFIG, leftover="keep"), votes=votes)
    assert [p.code for p in base.projects[:2]] == ["S2", "S3"]  # S2 submitted earlier
    assert base.ties[0]["order"][:2] == ["S2", "S3"]
    cheaper = run(config=replace(CONFIG, tie_break="cheaper", leftover="keep"), votes=votes)
    assert [p.code for p in cheaper.projects[:2]] == ["S3", "S2"]
    lot = run(
        config=replace(CONFIG, tie_break="lot", lot_order=("S3", "S2"), leftover="keep"),
        votes=votes,
    )
    assert [p.code for p in lot.projects[:2]] == ["S3", "S2"]


def test_paper_and_online_votes_are_split():
    result = run(votes={"S1": 3}, online={"S1": 2})
    s1 = next(p for p in result.projects if p.code == "S1")
    assert (s1.votes, s1.votes_paper, s1.votes_online) == (5, 3, 2)
    assert result.by_channel["online"]["valid"] == 2


def test_digest_is_sha256_of_the_canonical_document_and_stable():
    import hashlib

    ballots = make_ballots(VOTES)
    verdicts = judge(ballots, rules_for(CONFIG, PROJECTS))
    result = count(CONFIG, PROJECTS, ballots, verdicts)
    document = canonical_document(CONFIG, PROJECTS, ballots, verdicts, result)
    assert result.digest == hashlib.sha256(canonical_json(document).encode()).hexdigest()
    shuffled = list(reversed(ballots))
    again = count(
        CONFIG, list(reversed(PROJECTS)), shuffled, judge(shuffled, rules_for(CONFIG, PROJECTS))
    )
    assert again.digest == result.digest
    changed = count(replace(CONFIG, min_votes=1), PROJECTS, ballots, verdicts)
    assert changed.digest != result.digest
    json.dumps(result.as_json())  # serialisable as is


@settings(max_examples=60, deadline=None)
@given(
    st.dictionaries(st.sampled_from([p.code for p in PROJECTS if p.admitted]), st.integers(0, 40)),
    st.sampled_from(["greedy", "greedy-no-skip"]),
    st.sampled_from(["pool", "keep"]),
    st.sampled_from(["earlier_submission", "cheaper", "lot"]),
    st.integers(0, 30),
)
def test_budgets_are_never_exceeded(votes, rule, leftover, tie_break, min_votes):
    config = replace(CONFIG, rule=rule, leftover=leftover, tie_break=tie_break, min_votes=min_votes)
    result = run(config=config, votes=votes)
    costs = {p.code: p.cost for p in PROJECTS}
    spent = sum((costs[c] for c in result.selected), D(0))
    assert spent <= CONFIG.budget
    for category in result.categories:
        assert D(0) <= category.spent <= category.budget
    if result.pool is not None:
        assert result.pool.spent <= result.pool.available
    assert result.received == result.valid + result.invalid
    for p in result.projects:
        if p.selected:
            assert p.votes >= min_votes


def test_what_if_rules_stay_within_the_whole_budget():
    from civic.pb.counting import what_if

    ballots = make_ballots(VOTES)
    verdicts = judge(ballots, rules_for(CONFIG, PROJECTS))
    outcomes = what_if(CONFIG, PROJECTS, Counter(v.choices for v in verdicts if v.is_valid))
    costs = {p.code: p.cost for p in PROJECTS}
    assert set(outcomes) == {"equalshares/add1", "phragmen"}
    for selected in outcomes.values():
        assert selected and "X1" not in selected
        assert sum(costs[c] for c in selected) <= CONFIG.budget


@settings(max_examples=40, deadline=None)
@given(
    st.lists(
        st.tuples(st.sampled_from(["S1", "S2", "S4", "L1", "L2", "Z9"]), st.booleans()), max_size=40
    ),
    st.randoms(use_true_random=False),
)
def test_recount_digest_is_stable_under_any_order(picks, rng):
    ballots = [
        BallotIn(
            f"b{k}",
            "online" if online else "paper",
            date(2020, 11, 10),
            True,
            date(1980, 1, 1),
            f"v{k % 7}",
            "Ніжин",
            (code,),
        )
        for k, (code, online) in enumerate(picks)
    ]
    rules = rules_for(CONFIG, PROJECTS)
    first = count(CONFIG, PROJECTS, ballots, judge(ballots, rules))
    shuffled = list(ballots)
    rng.shuffle(shuffled)
    again = count(CONFIG, PROJECTS, shuffled, judge(shuffled, rules))
    assert again.digest == first.digest
    assert again.as_json() == first.as_json()
    assert first.received == first.valid + first.invalid
