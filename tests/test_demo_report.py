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
    # The demo's November holds execution reports; one enterprise strays beyond the share.
    assert (
        enterprises["execution_reports"]
        and f"Отримано {enterprises['execution_reports']} звіт" in text
    )
    [deviating] = enterprises["deviations"]
    assert f"від плану відхилилися показники 1 підприємства: {deviating['name']} (" in text

    # The seed's own counted items.
    for fact in (
        "316 новин",
        "125",
        "60 матеріалів з фотографіями",
        "День памʼяті жертв голодоморів",
    ):
        assert fact in text

    # What became of the winners: the demo's September 2021 has a project done and milestones.
    from civic.pb import implementation_services, services

    rows = implementation_services.open_data_rows(services.get_edition("gb-2021"))
    done = [r["title"] for r in rows if r["done_on"] and r["done_on"].startswith("2021-09")]
    stones = [m for r in rows for m in r["milestones"] if m["on"].startswith("2021-09")]
    assert len(done) == 1 and len(stones) == 2
    september = _text(
        json.loads(runner.invoke(args=["report", "json", "--month", "2021-09"]).stdout)
    )
    assert f"Реалізовано 1 проєкт громадського бюджету: «{done[0]}»." in september
    assert "За місяць зафіксовано 2 етапи реалізації проєктів громадського бюджету" in september
    assert "Реалізовано" not in text  # nothing was built in November 2020


def test_the_readmes_check_my_ballot_examples_hold_in_the_demo(runner, client):
    """README: «form 1/1 with 8611 → врахований; form 2/80 with 0005 → не врахований: не
    мешканець громади» — what a visitor of `make run` is told to try."""
    assert runner.invoke(args=["demo"]).exit_code == 0
    for form, last_four, answer in (
        ("1/1", "8611", "Бюлетень врахований."),
        ("2/80", "0005", "Бюлетень не врахований: не мешканець громади."),
    ):
        page = client.post("/pb/gb-2021/check", data={"form_number": form, "last_four": last_four})
        assert page.status_code == 200
        assert answer in page.get_data(as_text=True)
