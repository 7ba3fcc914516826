import pytest
from click.testing import CliRunner

from civic.pb import check
from civic.pb.cli import cli

from .conftest import PABULIB, needs_shared

VALID = """META
key;value
description;Test
country;Ukraine
unit;Nizhyn
instance;2021
num_projects;3
num_votes;4
budget;100
vote_type;approval
rule;greedy
date_begin;09.11.2020
date_end;22.11.2020
min_length;1
max_length;2
currency;UAH
PROJECTS
project_id;cost;votes;name;selected
1;60;3;Park;1
2;50;2;Road;0
3;30;1;Lamp;1
VOTES
voter_id;vote
a;1,2
b;1,2
c;1
d;3
"""


def problems(text):
    return [(p.line, p.level, p.message) for p in check.check_text(text)]


def test_a_consistent_file_has_no_problems():
    assert problems(VALID) == []


@pytest.mark.parametrize(
    ("change", "line", "fragment"),
    [
        (("num_votes;4", "num_votes;5"), 8, "num_votes = 5, а голосів у секції VOTES 4"),
        (("num_projects;3", "num_projects;2"), 7, "num_projects = 2"),
        (
            ("1;60;3;Park;1", "1;60;4;Park;1"),
            19,
            "votes проєкту «1» = 4, а перерахунок із VOTES дає 3",
        ),
        (("d;3", "a;3"), 27, "виборець «a» уже голосував у рядку 24"),
        (("d;3", "d;3,9"), 27, "невідомий проєкт «9»"),
        (("d;3", "d;3,3"), 27, "проєкт «3» двічі в одному голосі"),
        (("c;1", "c;1,2,3"), 26, "у голосі 3 проєктів, а max_length = 2"),
        (("min_length;1", "min_length;2"), 26, "min_length = 2"),
        (("2;50;2;Road;0", "2;50;2;Road;1"), 20, "позначено обраним"),
        (("3;30;1;Lamp;1", "3;30;1;Lamp;0"), 21, "обирає проєкт «3», а його позначено 0"),
        (("3;30;1;Lamp;1", "3;300;1;Lamp;1"), 21, "дорожчий за весь бюджет"),
        (("currency;UAH", "currency;гривня"), 16, "currency"),
    ],
)
def test_each_problem_is_named_with_its_line(change, line, fragment):
    found = problems(VALID.replace(*change))
    assert any(p[0] == line and p[1] == "error" and fragment in p[2] for p in found), found


def test_selected_projects_over_budget_are_an_error():
    text = VALID.replace("rule;greedy", "rule;equalshares").replace(
        "2;50;2;Road;0", "2;50;2;Road;1"
    )
    found = problems(text)
    assert (9, "error", "обрані проєкти коштують 140, більше за бюджет 100") in found


def test_structure_errors_stop_the_check_with_the_line():
    assert problems(VALID.replace("PROJECTS\n", "")) == [
        (17, "error", "очікувалося полів: 2, знайдено: 5")
    ]


def test_points_are_checked_against_the_limits():
    text = (
        VALID.replace("vote_type;approval", "vote_type;cumulative\nmax_sum_points;3")
        .replace("voter_id;vote", "voter_id;vote;points")
        .replace("a;1,2", "a;1,2;2,2")
        .replace("b;1,2", "b;1,2;1,1")
        .replace("c;1\n", "c;1;1\n")
        .replace("d;3\n", "d;3;1\n")
        .replace("project_id;cost;votes;name;selected", "project_id;cost;votes;score;name;selected")
        .replace("1;60;3;Park;1", "1;60;3;4;Park;1")
        .replace("2;50;2;Road;0", "2;50;2;3;Road;0")
        .replace("3;30;1;Lamp;1", "3;30;1;1;Lamp;1")
    )
    found = problems(text)
    assert found == [(25, "error", "сума балів 4 поза межами [None, 3]")]


def test_warnings_alone_do_not_fail_the_command(tmp_path):
    path = tmp_path / "warn.pb"
    path.write_text(
        VALID.replace("voter_id;vote", "vote;voter_id")
        .replace("a;1,2", '"1,2";a')
        .replace("b;1,2", '"1,2";b')
        .replace("c;1", "1;c")
        .replace("d;3", "3;d"),
        encoding="utf-8",
    )
    result = CliRunner().invoke(cli, ["check", str(path)])
    assert result.exit_code == 0, result.output
    assert "попереджень 1" in result.output
    assert "стовпці VOTES у незвичному порядку" in result.output


def test_check_command_reports_missing_and_undecodable_files(tmp_path):
    bad = tmp_path / "cp1251.pb"
    bad.write_bytes(VALID.replace("Park", "Парк").encode("cp1251"))
    result = CliRunner().invoke(cli, ["check", str(bad), str(tmp_path / "none.pb")])
    assert result.exit_code == 1
    assert "рядок 19" not in result.output  # the reader never got that far
    assert "Рядок 19: файл не в кодуванні UTF-8" in result.output
    assert "файл не знайдено" in result.output


@needs_shared
def test_checker_accepts_the_valid_example():
    result = CliRunner().invoke(cli, ["check", str(PABULIB / "checker_example_valid.pb")])
    assert result.exit_code == 0, result.output
    assert result.output.strip().endswith("гаразд")


@needs_shared
def test_checker_rejects_the_invalid_example_naming_its_problems():
    result = CliRunner().invoke(cli, ["check", str(PABULIB / "checker_example_invalid.pb")])
    assert result.exit_code == 1
    assert "помилок 3" in result.output
    assert "рядок 20: помилка: currency = «non_existing»" in result.output
    assert "рядок 29: помилка: sex = «X»" in result.output
    assert "рядок 30: помилка: sex = «Z»" in result.output


@needs_shared
def test_every_real_election_passes_the_checker():
    paths = [str(p) for p in sorted(PABULIB.glob("Poland_*.pb")) + sorted(PABULIB.glob("Neth*.pb"))]
    result = CliRunner().invoke(cli, ["check", *paths])
    assert result.exit_code == 0, result.output
    assert result.output.count("гаразд") == len(paths)
