"""Issue 19's rule families: points per rank, exclusive groups, the 80 % completion, category
caps — properties on random small elections, agreement with pabutools, and what pabulib files
declare in their META."""

from fractions import Fraction

import pabutools.election as pabutools_election
import pabutools.rules as pabutools_rules
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from civic.pb import pabulib, rules
from civic.pb.rules import Project

from .test_properties import IDS


@st.composite
def ranked_elections(draw, max_projects=6, max_voters=9, max_cost=30):
    n = draw(st.integers(1, max_projects))
    ids = IDS[:n]
    costs = draw(st.lists(st.integers(1, max_cost), min_size=n, max_size=n))
    projects = [Project(pid, cost) for pid, cost in zip(ids, costs, strict=True)]
    ballots = draw(
        st.lists(
            st.permutations(ids).flatmap(lambda p: st.integers(0, len(p)).map(lambda k: p[:k])),
            max_size=max_voters,
        )
    )
    budget = draw(st.integers(0, 2 * max_cost) | st.fractions(0, 2 * max_cost, max_denominator=4))
    points = draw(st.lists(st.integers(0, 5), min_size=1, max_size=4).map(sorted))[::-1]
    return projects, [tuple(b) for b in ballots], budget, tuple(points)


@st.composite
def groups_of(draw, projects):
    ids = [p.id for p in projects]
    if len(ids) < 2:
        return []
    return draw(
        st.lists(st.lists(st.sampled_from(ids), min_size=2, max_size=3, unique=True), max_size=3)
    )


@pytest.mark.parametrize(
    ("ballots", "points", "expected"),
    [
        ([("a", "b", "c")], (3, 2, 1), {"a": 3, "b": 2, "c": 1}),
        ([("a", "b", "c"), ("c", "a")], (3, 2, 1), {"a": 5, "b": 2, "c": 4}),
        ([("a", "b", "c")], (1,), {"a": 1}),  # a ballot longer than the points: the rest get 0
        ([("a",), ("a",)], (2, 1), {"a": 4}),
        ([], (3, 2, 1), {}),
    ],
)
def test_rank_points_gives_each_rank_its_points(ballots, points, expected):
    assert rules.rank_points(ballots, points) == expected


def test_borda_points_count_down_to_one():
    assert rules.borda_points(3) == (3, 2, 1)
    assert rules.borda_points(1) == (1,)
    with pytest.raises(ValueError):
        rules.borda_points(0)


@settings(max_examples=80, deadline=None)
@given(ranked_elections())
def test_points_greedy_equals_pabutools_cardinal_greedy(election):
    """pabutools has no points-per-rank greedy; a cardinal ballot worth ``points x cost`` makes
    its welfare-per-cost greedy walk down the points, which is the same rule."""
    projects, ballots, budget, points = election
    scores = rules.rank_points(ballots, points)
    outcome = rules.greedy(projects, scores, budget, tie_break="project_id")
    by_id = {p.id: pabutools_election.Project(p.id, p.cost) for p in projects}
    instance = pabutools_election.Instance(by_id.values(), budget_limit=Fraction(budget))
    cardinal = []
    for ballot in ballots:
        marks = {}
        for pid, value in zip(ballot, points, strict=False):
            marks[by_id[pid]] = value * by_id[pid].cost
        cardinal.append(pabutools_election.CardinalBallot(marks))
    profile = pabutools_election.CardinalProfile(cardinal)
    expected = pabutools_rules.greedy_utilitarian_welfare(
        instance, profile, sat_class=pabutools_election.Additive_Cardinal_Sat
    )
    assert sorted(outcome.selected) == sorted(p.name for p in expected)


@settings(max_examples=80, deadline=None)
@given(ranked_elections(), st.data(), st.booleans())
def test_exclusive_groups_never_fund_two_of_a_group_and_stay_within_budget(election, data, skip):
    projects, ballots, budget, points = election
    groups = data.draw(groups_of(projects))
    scores = rules.rank_points(ballots, points)
    outcome = rules.greedy(projects, scores, budget, skip=skip, exclusive=groups)
    funded = set(outcome.selected)
    for group in groups:
        assert len(funded & set(group)) <= 1
    assert outcome.cost <= budget
    assert outcome.cost == sum(p.cost for p in projects if p.id in funded)
    for d in outcome.decisions:
        if d.status == rules.EXCLUDED:
            assert any(d.project_id in g and funded & set(g) for g in groups)
    # With no groups the rule is plain greedy.
    plain = rules.greedy(projects, scores, budget, skip=skip)
    assert rules.greedy(projects, scores, budget, skip=skip, exclusive=()) == plain


@settings(max_examples=80, deadline=None)
@given(ranked_elections(), st.fractions(0, 1, max_denominator=10))
def test_completion_funds_at_most_one_project_from_the_reserve(election, share):
    projects, ballots, budget, points = election
    scores = rules.rank_points(ballots, points)
    outcome = rules.greedy(projects, scores, budget, skip=False, completion=share)
    from_reserve = [d for d in outcome.decisions if d.status == rules.FUNDED_FROM_RESERVE]
    assert len(from_reserve) <= 1
    assert outcome.cost == sum(p.cost for p in projects if p.id in outcome.selected)
    assert outcome.cost <= budget + outcome.reserve
    if from_reserve:
        d = from_reserve[0]
        assert outcome.selected[-1] == d.project_id
        assert d.cost - outcome.reserve >= share * d.cost  # the money left covered the share
        assert outcome.leftover == 0
    else:
        assert outcome.reserve == 0
        # Without a reserve project the rule is the no-skip greedy.
        assert outcome.selected == rules.greedy(projects, scores, budget, skip=False).selected


@settings(max_examples=80, deadline=None)
@given(
    ranked_elections(),
    st.data(),
    st.booleans(),
    st.none() | st.fractions(0, 1, max_denominator=5),
    st.integers(1, 10),
)
def test_more_points_never_hurt_a_funded_project(election, data, skip, share, extra):
    projects, ballots, budget, points = election
    groups = data.draw(groups_of(projects))
    scores = rules.rank_points(ballots, points)
    before = rules.greedy(projects, scores, budget, skip=skip, exclusive=groups, completion=share)
    assume(before.selected)
    winner = data.draw(st.sampled_from(before.selected))
    raised = {**scores, winner: scores.get(winner, 0) + extra}
    after = rules.greedy(projects, raised, budget, skip=skip, exclusive=groups, completion=share)
    assert winner in after.selected


@settings(max_examples=80, deadline=None)
@given(ranked_elections(), st.data(), st.booleans(), st.booleans())
def test_category_caps_are_kept_and_the_pool_stays_within_budget(election, data, skip, pool):
    projects, ballots, budget, points = election
    categories = data.draw(st.lists(st.sampled_from("xy"), min_size=len(projects)))
    projects = [
        Project(p.id, p.cost, category=c) for p, c in zip(projects, categories, strict=False)
    ]
    caps = {"x": data.draw(st.integers(0, 40)), "y": data.draw(st.integers(0, 40))}
    groups = data.draw(groups_of(projects))
    scores = rules.rank_points(ballots, points)
    outcome = rules.greedy_by_category(
        projects, scores, budget, caps, skip=skip, pool=pool, exclusive=groups
    )
    funded = set(outcome.selected)
    assert len(funded) == len(outcome.selected)
    assert outcome.cost == sum(p.cost for p in projects if p.id in funded)
    assert outcome.cost <= budget
    for group in groups:
        assert len(funded & set(group)) <= 1
    if not pool:
        for category, cap in caps.items():
            assert sum(p.cost for p in projects if p.id in funded and p.category == category) <= cap
    assert {d.project_id for d in outcome.decisions} == {p.id for p in projects}


def test_category_caps_then_pool_fill_from_the_leftovers():
    projects = [
        Project("a", 30, category="x"),
        Project("b", 30, category="x"),
        Project("c", 10, category="y"),
        Project("d", 25, category="y"),
    ]
    scores = {"a": 9, "b": 8, "c": 7, "d": 6}
    strict = rules.greedy_by_category(
        projects, scores, 100, {"x": 40, "y": 40}, skip=False, pool=False
    )
    assert strict.selected == ("a", "c", "d")
    pooled = rules.greedy_by_category(projects, scores, 100, {"x": 40, "y": 40}, skip=False)
    assert pooled.selected == ("a", "c", "d", "b")  # the 35 the categories left pays for b
    assert pooled.cost == 95


def test_poznan_completion_funds_the_project_that_stops_the_walk():
    projects = [Project("a", 60), Project("b", 50), Project("c", 10)]
    scores = {"a": 3, "b": 2, "c": 1}
    outcome = rules.greedy(projects, scores, 100, skip=False, completion=Fraction(4, 5))
    assert outcome.selected == ("a", "b")  # 40 left covers 80 % of b's 50
    assert outcome.reserve == 10
    assert [d.status for d in outcome.decisions] == [
        rules.FUNDED,
        rules.FUNDED_FROM_RESERVE,
        rules.STOPPED,
    ]
    short = rules.greedy(projects, scores, 100, skip=False, completion=Fraction(9, 10))
    assert short.selected == ("a",) and short.reserve == 0


def _pb(meta: dict, projects: list[str], votes: list[str], vote_header="voter_id;vote") -> str:
    lines = ["META", "key;value", *(f"{k};{v}" for k, v in meta.items())]
    lines += ["PROJECTS", "project_id;cost;votes;name;selected", *projects]
    lines += ["VOTES", vote_header, *votes]
    return "\n".join(lines) + "\n"


def test_ordinal_file_is_counted_by_points_per_rank_like_krakow():
    # By approvals "b" (4 voters) beats "a" (3); by points 3-2-1 "a" (3 x 3 = 9) beats "b"
    # (4 x 2 = 8).
    text = _pb(
        {
            "description": "test",
            "num_projects": 3,
            "num_votes": 4,
            "budget": 100,
            "vote_type": "ordinal",
            "rule": "greedy",
            "max_length": 3,
        },
        ["a;100;3;A;1", "b;100;4;B;0", "c;10;1;C;0"],
        ["1;a,b", "2;a,b", "3;a,b", "4;c,b"],
    )
    election = pabulib.read(text)
    assert rules.declared_points(election) == (3, 2, 1)
    outcome = rules.outcome(election)
    assert outcome.selected == ("a",)
    assert set(outcome.selected) == rules.official_selection(election)
    assert rules.outcome(election, "equalshares").rule == "equalshares"  # sets, as before
    approvals = rules.greedy(rules.projects_of(election), rules.count_scores(election.ballots), 100)
    assert approvals.selected == ("b",)  # what civic did before issue 19


def test_exclusive_groups_and_completion_are_read_from_the_meta_comment():
    warsaw = _pb(
        {
            "budget": 100,
            "rule": "greedy-exclusive",
            "comment": "#1: Coordinates averaged. #2: According to the official report, "
            "projects 773 and 153 both targeted the area near ul. Konarskiego and could not "
            "be implemented simultaneously.",
        },
        ["773;10;9;A;1", "153;10;8;B;0", "2021;10;7;C;1"],
        ["1;773,153,2021"],
    )
    assert rules.declared_exclusive(pabulib.read(warsaw)) == [("773", "153")]
    result = rules.outcome(pabulib.read(warsaw))
    assert result.selected == ("773", "2021")
    assert result.decisions[1].status == rules.EXCLUDED
    poznan = _pb(
        {
            "budget": 100,
            "rule": "greedy-custom",
            "comment": "#1: ... if the remaining budget is enough to fund at least 80% of that "
            "project, we fund it as well ... We mark such project with number 2 in the selected "
            "column.",
        },
        ["a;60;9;A;1", "b;50;8;B;2", "c;5;7;C;0"],
        ["1;a,b,c"],
    )
    election = pabulib.read(poznan)
    assert rules.declared_completion(election) == Fraction(4, 5)
    assert rules.official_selection(election) == {"a", "b"}
    assert set(rules.outcome(election).selected) == {"a", "b"}


@pytest.mark.parametrize(
    ("rule", "comment", "says"),
    [
        ("unknown", "", "не називає правила"),
        (
            "unknown",
            "#2: This dataset contains online votes only, about half the votes are cast on paper",
            "паперовими бюлетенями, яких у файлі немає",
        ),
        (
            "unknown",
            "#3: Winners were selected according to the strict greedy rule within categories",
            "у межах граничної суми кожної категорії",
        ),
        (
            "unknown",
            "#1: The rule is unknown, however, it was most likely a greedy rule.",
            "--rule greedy)",
        ),
        ("greedy-custom", "#1: Not strictly following the typical greedy rule.", "правило 80 %"),
        ("borda-magic", "", "невідоме правило «borda-magic»"),
    ],
)
def test_rules_civic_cannot_count_are_explained_in_ukrainian(rule, comment, says):
    text = _pb({"budget": 100, "rule": rule, "comment": comment}, ["a;10;1;A;1"], ["1;a"])
    with pytest.raises(rules.RuleNotCounted) as caught:
        rules.outcome(pabulib.read(text))
    assert says in str(caught.value)
    assert "--rule" in str(caught.value) or rule == "borda-magic"


@pytest.mark.parametrize(
    "kwargs",
    [
        {"rule": "greedy"},
        {"rule": "greedy-no-skip", "threshold": 10},
        {"rule": "greedy", "points": (3, 2, 1), "exclusive": [("a", "b")]},
        {"rule": "greedy-no-skip", "completion": Fraction(4, 5), "per_category": True},
        {"rule": "greedy", "per_category": True, "pool": True},
        {"rule": "equalshares"},
        {"rule": "equalshares/add1"},
        {"rule": "equalshares/add1-comparison"},
        {"rule": "phragmen"},
    ],
)
def test_the_rule_in_words_is_one_ukrainian_sentence_without_codes(kwargs):
    text = rules.describe_rule(**kwargs)
    assert text.endswith(".") and text[0].isupper()
    for code in ("greedy", "skip", "equalshares", "add1", "phragmen", "None"):
        assert code not in text.lower()
    if "completion" in kwargs:
        assert "80 %" in text
    if "points" in kwargs:
        assert "3, 2, 1" in text


def test_the_checker_recounts_ordinal_scores_as_points_per_rank():
    from civic.pb.check import ERROR, check_text

    def text(score_a):
        return (
            "META\nkey;value\ndescription;t\ncountry;Poland\nunit;Kraków\ninstance;2019\n"
            "num_projects;2\nnum_votes;2\nbudget;100\nvote_type;ordinal\nrule;greedy\n"
            "max_length;2\nPROJECTS\nproject_id;cost;votes;score;name;selected\n"
            f"a;60;2;{score_a};A;1\nb;50;2;3;B;0\nVOTES\nvoter_id;vote\n1;a,b\n2;b,a\n"
        )

    assert [p for p in check_text(text(3)) if p.level == ERROR] == []
    errors = [str(p) for p in check_text(text(2)) if p.level == ERROR]
    assert any("score проєкту «a» = 2" in e for e in errors)
