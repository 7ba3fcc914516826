"""`civic pb corpus`: civic's `--rule auto` against the official outcomes pabulib files record."""

import json

import pytest
from click.testing import CliRunner

from civic.pb import corpus, pabulib
from civic.pb.cli import cli

from .conftest import PABULIB, needs_shared

# Every shared file that records its official outcome, and what civic must say of it.  The
# shared folder is a sample (32 such files) of the 1 423 in pabulib; docs/pb.md lists the
# misses over the whole corpus.
SHARED_EXPECTED = {
    "Netherlands_Assen_2024.pb": "agree",
    "Poland_Czestochowa_2024_Lisiniec.pb": "agree",
    "Poland_Czestochowa_2024_Polnoc.pb": "agree",
    "Poland_Czestochowa_2024_Trzech_Wieszczow.pb": "agree",
    "Poland_Czestochowa_2025_Trzech_Wieszczow.pb": "agree",
    "Poland_Gdynia_2021_Pustki_Cisowskie-Demptowo__small.pb": "agree",
    "Poland_Gdynia_2022_Dzialki_Lesne__small.pb": "agree",  # selected=2: a turnout award
    "Poland_Gdynia_2022_Pustki_Cisowskie-Demptowo__large.pb": "agree",
    "Poland_Gdynia_2023_Dzialki_Lesne__small.pb": "agree",
    "Poland_Gdynia_2023_Pogorze__small.pb": "agree",
    "Poland_Katowice_2020_Zarzecze.pb": "agree",
    "Poland_Katowice_2022_Zaleze.pb": "agree",
    "Poland_Katowice_2023_Giszowiec.pb": "agree",
    "Poland_Katowice_2024_Kostuchna.pb": "agree",
    "Poland_Lodz_2022.pb": "agree",
    "Poland_Lodz_2022_Stare_Polesie.pb": "agree",
    "Poland_Lodz_2023_Piastow-Kurak.pb": "agree",
    "Poland_Lodz_2024_Nowosolna.pb": "agree",
    "Poland_Lodz_2025_Stare_Polesie.pb": "agree",
    "Poland_Warszawa_2017_Grochow_Poludniowy.pb": "agree",
    "Poland_Warszawa_2019_Las.pb": "agree",
    "Poland_Warszawa_2019_Muranow.pb": "agree",
    "Poland_Warszawa_2019_Obszar_4-PiekielkoZeranAnnopol.pb": "agree",
    "Poland_Warszawa_2019_Rejon_Poludniowy.pb": "agree",
    "Poland_Warszawa_2019_Targowek_FabrycznyElsnerow_i_Utrata.pb": "agree",
    "Poland_Warszawa_2019_Targowek_Mieszkaniowy.pb": "agree",  # a tie at the budget edge
    "Poland_Warszawa_2026_Kolo_Ulrychow.pb": "agree",
    "Poland_Wroclaw_2016_Rejon_nr_8_750.pb": "agree",
    "Poland_Wroclaw_2017_Rejon_nr_13_750.pb": "agree",
    "Poland_Wroclaw_2017_Rejon_nr_5_250.pb": "agree",
    "Poland_Wroclaw_2018_Rejon_nr_13_250.pb": "agree",
    "Poland_Wroclaw_2018_Rejon_nr_8_250.pb": "agree",
}


def run(*args):
    return CliRunner().invoke(cli, list(args))


@needs_shared
def test_corpus_over_the_shared_files_matches_the_table():
    result = run("corpus", str(PABULIB), "--json")
    assert result.exit_code == 0, result.output
    verdicts = {}
    for line in result.output.splitlines():
        record = json.loads(line)
        verdicts[record["file"].rsplit("/", 1)[-1]] = record["verdict"]
    assert verdicts == SHARED_EXPECTED


@needs_shared
def test_corpus_prints_the_figures_per_rule_in_ukrainian():
    result = run("corpus", str(PABULIB))
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert f"Файлів з офіційним результатом: {len(SHARED_EXPECTED)}" in lines
    rows = {line.split()[0]: line.split()[1:] for line in lines if line[:1].islower()}
    assert rows["greedy-no-skip"] == ["10", "0", "0"]
    assert rows["усього"] == [str(len(SHARED_EXPECTED)), "0", "0"]
    assert lines[-1].startswith(f"Збігається: {len(SHARED_EXPECTED)} з {len(SHARED_EXPECTED)}")


def _pb(rule, projects, votes, extra=""):
    return (
        f"META\nkey;value\nbudget;100\nvote_type;approval\nrule;{rule}\n{extra}"
        "PROJECTS\nproject_id;cost;votes;name;selected\n"
        + "".join(f"{p}\n" for p in projects)
        + "VOTES\nvoter_id;vote\n"
        + "".join(f"{v}\n" for v in votes)
    )


@pytest.fixture
def folder(tmp_path):
    (tmp_path / "agree.pb").write_text(
        _pb("greedy", ["a;60;2;A;1", "b;50;1;B;0"], ["1;a,b", "2;a"]), encoding="utf-8"
    )
    (tmp_path / "differ.pb").write_text(
        _pb("greedy", ["a;60;2;A;0", "b;50;1;B;1"], ["1;a,b", "2;a"]), encoding="utf-8"
    )
    (tmp_path / "refused.pb").write_text(_pb("unknown", ["a;60;2;A;1"], ["1;a"]), encoding="utf-8")
    no_outcome = _pb("greedy", ["a;60;2;A;1"], ["1;a"]).replace(";selected", "").replace("A;1", "A")
    (tmp_path / "no-outcome.pb").write_text(no_outcome, encoding="utf-8")
    (tmp_path / "broken.pb").write_text("META\n", encoding="utf-8")
    return tmp_path


def test_corpus_judges_each_file_and_explains_each_miss(folder):
    result = run("corpus", str(folder), "--json")
    assert result.exit_code == 0, result.output
    records = {
        json.loads(line)["file"].rsplit("/", 1)[-1]: json.loads(line)
        for line in result.output.splitlines()
        if line.startswith("{")
    }
    assert set(records) == {"agree.pb", "differ.pb", "refused.pb"}
    assert records["agree.pb"]["verdict"] == "agree"
    assert records["differ.pb"] == {
        "file": str(folder / "differ.pb"),
        "rule": "greedy",
        "verdict": "differ",
        "extra": ["a"],
        "missing": ["b"],
    }
    assert records["refused.pb"]["verdict"] == "refused"
    assert "не називає правила" in records["refused.pb"]["reason"]
    text = run("corpus", str(folder)).output
    assert "differ.pb: greedy: відрізняється: civic обирає також a; офіційно обрано також b" in text
    assert "broken.pb: помилка:" in text
    assert "Збігається: 1 з 3" in text


def test_judge_and_tally_are_plain_functions():
    agree = pabulib.read(_pb("greedy", ["a;60;2;A;1", "b;50;1;B;0"], ["1;a,b", "2;a"]))
    refused = pabulib.read(_pb("unknown", ["a;60;2;A;1"], ["1;a"]))
    verdicts = [corpus.judge(agree), corpus.judge(refused), corpus.judge(agree)]
    assert [v.verdict for v in verdicts] == ["agree", "refused", "agree"]
    assert corpus.tally(verdicts) == {"greedy": {"agree": 2}, "unknown": {"refused": 1}}
