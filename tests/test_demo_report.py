"""The whole demo, end to end: the monthly report for November 2020 states the modules' numbers.

The PB count, the month's petitions and the enterprise uploads are read back through each
module's own command, so the report must agree with them, not with numbers copied here.
"""

import json

from civic.enterprises.stats import monthly_statistics as enterprise_stats
from civic.petitions.stats import monthly_statistics as petition_stats


def _text(report: dict) -> str:
    paragraphs = report["paragraphs"]
    return "\n".join(p if isinstance(p, str) else p.get("text", "") for p in paragraphs)


def test_november_2020_report_carries_every_module(runner):
    import datetime as dt

    assert runner.invoke(args=["demo"]).exit_code == 0
    tally = json.loads(runner.invoke(args=["pb", "tally", "--edition", "gb-2021", "--json"]).stdout)
    result = runner.invoke(args=["report", "json", "--month", "2020-11"])
    assert result.exit_code == 0, result.output
    text = _text(json.loads(result.stdout))

    ballots = tally["ballots"]
    assert ballots["received"] == ballots["valid"] + ballots["invalid"]
    assert f"опрацьовано {ballots['received']} бланк" in text
    assert f"дійсних — {ballots['valid']}, недійсних — {ballots['invalid']}" in text
    assert "«WORKOUT – смуга перешкод»" in text

    petitions = petition_stats(dt.date(2020, 11, 1), dt.date(2020, 11, 30))
    assert f"отримано {petitions['received']} електронн" in text
    enterprises = enterprise_stats(dt.date(2020, 11, 1), dt.date(2020, 11, 30))
    assert f"завантажено {enterprises['uploads']} файл" in text

    # The seed's own counted items.
    for fact in (
        "316 новин",
        "125",
        "60 матеріалів з фотографіями",
        "День памʼяті жертв голодоморів",
    ):
        assert fact in text
