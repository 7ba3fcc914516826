"""`civic pb tally` leaves the what-if outcomes out unless asked (issue 15 point 4)."""

from pathlib import Path

from civic.extensions import db
from civic.pb import services

EXAMPLES = Path(__file__).resolve().parents[2] / "docs" / "examples"


def _count(runner, *options):
    result = runner.invoke(args=["pb", "tally", "--edition", "gb-2021", "--json", *options])
    assert result.exit_code == 0, result.output
    db.session.expire_all()
    return services.get_edition("gb-2021").result


def test_tally_command_computes_the_what_if_table_only_when_asked(runner):
    for args in (
        ["edition", "create", "--config", str(EXAMPLES / "pb-edition.toml")],
        ["projects", "import", "--edition", "gb-2021", str(EXAMPLES / "pb-projects.csv")],
        ["ballots", "import", "--edition", "gb-2021", str(EXAMPLES / "pb-ballots.csv")],
    ):
        assert runner.invoke(args=["pb", *args]).exit_code == 0
    plain = _count(runner)
    assert "what_if" not in plain and "what_if_reasons" not in plain
    asked = _count(runner, "--what-if")
    assert asked["what_if"] and "what_if_reasons" in asked
    assert {k: v for k, v in asked.items() if not k.startswith("what_if")} == plain
    # The same inputs (the digest says so): a count that was not asked keeps them.
    assert _count(runner) == asked
    # What the web's count (the service's default) stores is the same.
    edition = services.get_edition("gb-2021")
    edition.result = None
    services.tally(edition)
    db.session.commit()
    assert services.get_edition("gb-2021").result == asked
