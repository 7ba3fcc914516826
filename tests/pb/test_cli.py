import json

import pytest
from click.testing import CliRunner

from civic.pb.cli import cli

from .conftest import PABULIB, needs_shared
from .test_check import VALID

EXPECTED_KEYS = ["file", "rule", "selected", "cost", "budget"]


def run(*args):
    return CliRunner().invoke(cli, list(args))


def json_lines(output):
    return [json.loads(line) for line in output.splitlines()]


@pytest.fixture
def files(tmp_path):
    good = tmp_path / "good.pb"
    good.write_text(VALID, encoding="utf-8")
    cents = tmp_path / "cents.pb"
    cents.write_text(
        VALID.replace("budget;100", "budget;100.50").replace("3;30;1;Lamp;1", "3;40.5;1;Lamp;1"),
        encoding="utf-8",
    )
    broken = tmp_path / "broken.pb"
    broken.write_text(VALID.replace("VOTES\n", ""), encoding="utf-8")
    return good, cents, broken


def test_outcome_json_contract(files):
    good, cents, _ = files
    result = run("outcome", "--json", str(good), str(cents))
    assert result.exit_code == 0, result.output
    first, second = json_lines(result.output)
    assert list(first) == EXPECTED_KEYS
    assert first == {
        "file": str(good),
        "rule": "greedy",
        "selected": ["1", "3"],
        "cost": "90",
        "budget": "100",
    }
    assert second["cost"] == "100.5" and second["budget"] == "100.5"


def test_an_unreadable_file_gives_an_error_line_the_others_still_run(files, tmp_path):
    good, _, broken = files
    missing = tmp_path / "missing.pb"
    result = run("outcome", "--json", str(broken), str(missing), str(good))
    assert result.exit_code == 1
    lines = json_lines(result.output)
    assert lines[0] == {"file": str(broken), "error": lines[0]["error"]}
    assert lines[0]["error"].startswith("Рядок 22: ")
    assert lines[1] == {"file": str(missing), "error": "файл не знайдено"}
    assert lines[2]["selected"] == ["1", "3"]


def test_json_lines_are_the_bytes_json_dumps_writes(tmp_path):
    """`outcome --json` writes its lines without the json module; names with quotes,
    backslashes, control characters and Cyrillic come out as ``json.dumps`` writes them."""
    names = ['квіти "лапки".pb', "back\\slash.pb", "tab\tnew\x01line.pb"]
    for name in names:
        (tmp_path / name).write_text(VALID, encoding="utf-8")
    paths = [str(tmp_path / name) for name in names] + [str(tmp_path / "немає\x1f.pb")]
    result = run("outcome", "--json", *paths)
    lines = result.output.splitlines()
    assert [json.loads(line)["file"] for line in lines] == paths
    assert lines == [json.dumps(json.loads(line), ensure_ascii=False) for line in lines]
    assert json.loads(lines[-1]) == {"file": paths[-1], "error": "файл не знайдено"}


@pytest.mark.parametrize(
    ("rule", "selected"),
    [
        ("auto", ["1", "3"]),
        ("greedy", ["1", "3"]),
        ("greedy-no-skip", ["1"]),
        ("equalshares", ["1"]),
        ("equalshares/add1", ["1", "3"]),
        ("phragmen", ["1", "3"]),
    ],
)
def test_rule_option_overrides_meta(files, rule, selected):
    result = run("outcome", "--json", "--rule", rule, str(files[0]))
    assert result.exit_code == 0, result.output
    (line,) = json_lines(result.output)
    assert line["selected"] == selected
    assert line["rule"] == (rule if rule != "auto" else "greedy")


def test_unknown_meta_rule_is_an_error_line(files, tmp_path):
    odd = tmp_path / "odd.pb"
    odd.write_text(VALID.replace("rule;greedy", "rule;poznan"), encoding="utf-8")
    result = run("outcome", "--json", str(odd))
    assert result.exit_code == 1
    assert json_lines(result.output)[0]["error"].startswith("невідоме правило «poznan»")


def test_table_is_in_ukrainian(files):
    result = run("outcome", str(files[0]))
    assert result.exit_code == 0
    lines = result.output.splitlines()
    assert lines[1] == ("Правило: greedy; бюджет: 100; обрано проєктів: 2 на суму 90; залишок: 10")
    assert lines[2].startswith("Проєкти фінансуються за кількістю голосів")  # the rule in words
    assert lines[3].split() == ["Місце", "Проєкт", "Бали", "Вартість", "Обрано"]
    assert lines[4].split() == ["1", "1", "Park", "3", "60", "так"]
    assert lines[5].split() == ["2", "2", "Road", "2", "50", "ні:", "не", "вміщується"]


def test_table_errors_go_to_stderr_with_exit_1(files):
    result = run("outcome", str(files[2]))
    assert result.exit_code == 1
    assert "помилка: Рядок 22" in result.output


@needs_shared
def test_outcome_on_real_files_matches_their_selected_column():
    paths = [PABULIB / "Poland_Warszawa_2019_Las.pb", PABULIB / "Netherlands_Assen_2024.pb"]
    result = run("outcome", "--json", *map(str, paths))
    assert result.exit_code == 0, result.output
    las, assen = json_lines(result.output)
    assert las["rule"] == "greedy" and las["budget"] == "120905"
    assert assen["rule"] == "equalshares/add1"
    assert sorted(assen["selected"], key=int) == ["2", "3", "5", "6", "9", "11", "12", "13", "14"]
