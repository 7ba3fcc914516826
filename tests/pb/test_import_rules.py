"""`civic pb import-pb` keeps what a pabulib file declares: points per rank for ordinal ballots,
exclusive groups, the 80 % completion — so the commission's tally gives the city's outcome."""

import json

import pytest

from civic.pb import pabulib, rules


def invoke(runner, *args):
    return runner.invoke(args=["pb", *args])


ORDINAL = """META
key;value
description;Kraków-like
num_projects;3
num_votes;4
budget;100
vote_type;ordinal
rule;greedy
max_length;3
PROJECTS
project_id;cost;votes;score;name;selected
a;100;3;9;A;1
b;100;4;8;B;0
c;10;1;3;C;0
VOTES
voter_id;vote
1;a,b
2;a,b
3;a,b
4;c,b
"""

POZNAN = """META
key;value
description;Poznań-like
num_projects;3
num_votes;3
budget;100
vote_type;approval
rule;greedy-custom
comment;#1: ... if the remaining budget is enough to fund at least 80% of that project, we fund it as well ... We mark such project with number 2 in the selected column.
PROJECTS
project_id;cost;votes;name;selected
a;60;3;A;1
b;50;2;B;2
c;5;1;C;0
VOTES
voter_id;vote
1;a,b,c
2;a,b
3;a
"""

WARSAW = """META
key;value
description;Warsaw-like
num_projects;3
num_votes;3
budget;100
vote_type;approval
rule;greedy-exclusive
comment;#1: According to the report, projects x and y targeted the same square and could not be implemented simultaneously.
PROJECTS
project_id;cost;votes;name;selected
x;50;3;X;1
y;40;2;Y;0
z;40;1;Z;1
VOTES
voter_id;vote
1;x,y,z
2;x,y
3;x
"""


@pytest.mark.parametrize(
    ("name", "text", "sentence"),
    [
        ("ordinal", ORDINAL, "за сумою балів (за місця в бюлетені — 3, 2, 1)"),
        ("poznan", POZNAN, "щонайменше на 80 % вартості"),
        ("warsaw", WARSAW, "не можна реалізувати разом"),
    ],
)
def test_import_pb_counts_by_the_rule_the_file_declares(runner, tmp_path, name, text, sentence):
    path = tmp_path / f"{name}.pb"
    path.write_text(text, encoding="utf-8")
    result = invoke(runner, "import-pb", str(path), "--edition", f"t-{name}")
    assert result.exit_code == 0, result.output
    counted = json.loads(invoke(runner, "tally", "--edition", f"t-{name}", "--json").output)
    election = pabulib.read(text)
    assert set(counted["selected"]) == rules.official_selection(election)
    from civic.pb import services
    from civic.pb.counting import rule_text

    assert sentence in rule_text(services.config_of(services.get_edition(f"t-{name}")))


def test_import_pb_refuses_a_group_naming_a_code_the_file_lacks(runner, tmp_path):
    path = tmp_path / "warsaw-bad.pb"
    text = WARSAW.replace("projects x and y targeted", "projects x, y and 404 targeted")
    path.write_text(text, encoding="utf-8")
    result = invoke(runner, "import-pb", str(path), "--edition", "t-bad")
    assert result.exit_code != 0
    assert "(x, y, 404)" in result.output and "«404» у файлі немає" in result.output
    from civic.pb import services

    assert services.get_edition("t-bad") is None
