"""Issue 19's edition settings: points per rank, exclusive groups, the completion share — the
TOML, the count and the results page."""

from dataclasses import replace
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from civic.extensions import db
from civic.pb import exports, imports, services
from civic.pb.ballots import BallotIn, judge
from civic.pb.counting import count, rule_text
from civic.pb.edition import EditionError, dump_edition, parse_edition
from tests.pb.test_counting import CONFIG, PROJECTS, rules_for

EXAMPLES = Path(__file__).resolve().parents[2] / "docs" / "examples"
HEAD = """slug = "t"
title = "Тест на 2021 рік"
voting_starts_on = 2020-11-09
voting_ends_on = 2020-11-22
"""
CATEGORY = """
[[categories]]
code = "small"
budget = "100"
"""


def ballot(n: int, *codes: str) -> BallotIn:
    return BallotIn(
        f"b{n}", "paper", date(2020, 11, 10), True, date(1980, 1, 1), f"v{n}", "Ніжин", codes
    )


def run(config, typed: list[tuple[str, ...]]):
    ballots = [ballot(n, *codes) for n, codes in enumerate(typed)]
    return count(config, PROJECTS, ballots, judge(ballots, rules_for(config, PROJECTS)))


def test_settings_are_read_checked_and_written_back():
    text = HEAD + 'points = [3, 2, 1]\ncompletion = 0.8\n[[exclusive]]\nprojects = ["A", "B"]\n'
    config = parse_edition(text + CATEGORY)
    assert config.points == (3, 2, 1)
    assert config.completion == Decimal("0.8")
    assert config.exclusive == (("A", "B"),)
    assert parse_edition(dump_edition(config)) == config
    plain = parse_edition(HEAD + CATEGORY)
    assert (plain.points, plain.completion, plain.exclusive) == ((), None, ())
    assert "points" not in dump_edition(plain) and "exclusive" not in dump_edition(plain)


@pytest.mark.parametrize(
    ("setting", "message"),
    [
        ("points = [1, 2]", "бали за нижче місце не можуть бути більшими"),
        ('points = "3,2,1"', "списком цілих невід'ємних балів"),
        ("points = [0]", "списком цілих невід'ємних балів"),
        ("completion = 1.5", "часткою більше 0 і не більше 1"),
        ('completion = "вісімдесят"', "часткою більше 0 і не більше 1"),
        ("completion = 0", "часткою більше 0 і не більше 1"),
        ('[[exclusive]]\nprojects = ["A"]', "щонайменше двох різних кодів"),
        ('[[exclusive]]\nprojects = ["A", "A"]', "щонайменше двох різних кодів"),
        ('exclusive = "A, B"', "списком таблиць [[exclusive]]"),
    ],
)
def test_bad_settings_get_a_ukrainian_message_naming_the_key(setting, message):
    with pytest.raises(EditionError) as caught:
        parse_edition(HEAD + setting + "\n" + CATEGORY)
    assert message in str(caught.value)


def test_points_per_rank_score_a_ballots_choices_in_order_within_a_category():
    config = replace(
        CONFIG,
        points=(3, 1),
        categories=tuple(replace(c, max_choices=2) for c in CONFIG.categories),
    )
    # S2 is named by more ballots (3) than S1 (2) but S1 is ranked first: 2 x 3 + 1 x 1 = 7
    # against S2's 1 + 1 + 3 = 5.
    result = run(config, [("S1", "S2"), ("S1", "S2"), ("S2",), ("S3", "S1"), ("L1", "L2")])
    votes = {p.code: p.votes for p in result.projects}
    assert votes["S1"] == 7 and votes["S2"] == 5 and votes["S3"] == 3
    assert votes["L1"] == 3 and votes["L2"] == 1  # ranks count within each category
    approvals = run(
        replace(config, points=()),
        [("S1", "S2"), ("S1", "S2"), ("S2",), ("S3", "S1"), ("L1", "L2")],
    )
    assert {p.code: p.votes for p in approvals.projects}["S2"] == 3


def test_an_exclusive_group_funds_only_its_best_voted_project_even_from_the_pool():
    config = replace(CONFIG, exclusive=(("S1", "S2"),))
    typed = [("S1",)] * 5 + [("S2",)] * 4 + [("S3",)] * 3 + [("L1",)] * 2
    result = run(config, typed)
    status = {p.code: p.status for p in result.projects}
    funded = {p.code for p in result.projects if p.selected}
    assert "S1" in funded and "S2" not in funded
    assert status["S2"] == "excluded"
    assert "S2" not in result.pool.selected
    without = run(CONFIG, typed)
    assert {p.code for p in without.projects if p.selected} >= {"S1", "S2"}
    assert result.digest != without.digest


def test_completion_funds_the_project_that_stops_the_walk_from_the_reserve():
    # small: 1 159 863.30; S1 398 000 + S2 350 000 leave 411 863.30; S5 (450 000) does not fit,
    # but 411 863.30 is over 80 % of it (360 000).
    config = replace(CONFIG, rule="greedy-no-skip", completion=Decimal("0.8"), leftover="keep")
    typed = [("S1",)] * 5 + [("S2",)] * 4 + [("S5",)] * 3 + [("S3",)] * 2
    result = run(config, typed)
    status = {p.code: p.status for p in result.projects}
    assert status["S5"] == "funded_from_reserve" and status["S3"] == "stopped"
    strict = run(replace(config, completion=Decimal("0.95")), typed)
    assert {p.code: p.status for p in strict.projects}["S5"] == "does_not_fit"


def test_the_rule_sentence_names_the_settings_without_codes():
    text = rule_text(replace(CONFIG, points=(3, 2, 1), exclusive=(("S1", "S2"),)))
    assert "3, 2, 1" in text and "не можна реалізувати разом" in text
    assert "greedy" not in text
    assert "залишки категорій об'єднуються" in text


def test_results_page_and_protocol_say_the_rule_in_plain_ukrainian(client, app):
    toml = (EXAMPLES / "pb-edition.toml").read_text(encoding="utf-8")
    toml = toml.replace(
        "[[categories]]", '[[exclusive]]\nprojects = ["М-01", "М-04"]\n\n[[categories]]', 1
    )
    edition = services.save_edition(toml)
    imports.import_projects(edition, (EXAMPLES / "pb-projects.csv").read_bytes(), "p.csv")
    imports.import_ballots(edition, (EXAMPLES / "pb-ballots.csv").read_bytes(), "b.csv")
    services.close_edition(edition, on=date(2020, 11, 23))
    db.session.commit()
    html = client.get(f"/pb/{edition.slug}").get_data(as_text=True)
    assert "Правило підрахунку." in html
    assert "не можна реалізувати разом" in html
    assert "(greedy" not in html
    assert "ні: не можна реалізувати разом з обраним проєктом" in html
    funded = {p["code"] for p in edition.result["projects"] if p["selected"]}
    assert not {"М-01", "М-04"} <= funded
    data = exports.protocol_data(edition)
    assert "не можна реалізувати разом" in data["edition"]["rule_text"]


def test_an_exclusive_group_across_categories_funds_one_project_only():
    config = replace(CONFIG, exclusive=(("S1", "L1"),))
    typed = [("S1",)] * 5 + [("L1",)] * 4 + [("L2",)] * 3
    result = run(config, typed)
    status = {p.code: p.status for p in result.projects}
    funded = {p.code for p in result.projects if p.selected}
    assert "S1" in funded and "L1" not in funded and status["L1"] == "excluded"
    assert "L2" in funded  # the large category's money goes to the next project
