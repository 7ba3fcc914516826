"""Issue 12, point 12: the journal's and the report's dates are Kyiv dates.

At 2026-11-30 22:30 UTC it is already 01.12.2026 00:30 in Kyiv: the journal opens December, a new
entry defaults to 01.12.2026, the report to generate is November's, and an edition the commission
closes that night belongs to December's report.
"""

import datetime as dt
import json
import re
from pathlib import Path

import pytest

from civic.extensions import db
from civic.pb import imports as pb_imports
from civic.pb import services as pb

EXAMPLES = Path(__file__).resolve().parents[2] / "docs" / "examples"
NIGHT = dt.datetime(2026, 11, 30, 22, 30, tzinfo=dt.UTC)  # 01.12.2026 00:30 in Kyiv


@pytest.fixture
def night(monkeypatch):
    monkeypatch.setattr("civic.database.utcnow", lambda: NIGHT)
    return NIGHT


def test_the_journal_opens_the_kyiv_month_and_day(client, create_user, login, night):
    create_user("ed", "editor")
    login("ed")
    body = client.get("/staff/journal/").get_data(as_text=True)
    assert "Журнал діяльності відділу: грудень 2026" in body
    assert re.search(r'name="occurred_on"[^>]*value="2026-12-01"', body) or re.search(
        r'value="2026-12-01"[^>]*name="occurred_on"', body
    ), body[body.find("occurred_on") - 200 :][:400]


def test_the_report_to_generate_is_the_month_before_the_kyiv_one(client, create_user, login, night):
    create_user("ed", "editor")
    login("ed")
    body = client.get("/staff/reports/").get_data(as_text=True)
    assert re.search(r'name="month" value="2026-11"', body), body[body.find('name="month"') :][:200]


def test_an_edition_closed_after_kyiv_midnight_is_in_the_new_months_report(app, runner, night):
    edition = pb.save_edition((EXAMPLES / "pb-edition.toml").read_text(encoding="utf-8"))
    pb_imports.import_projects(edition, (EXAMPLES / "pb-projects.csv").read_bytes(), "p.csv")
    pb_imports.import_ballots(edition, (EXAMPLES / "pb-ballots.csv").read_bytes(), "b.csv")
    db.session.commit()
    closed = runner.invoke(args=["pb", "close", "--edition", "gb-2021"])
    assert closed.exit_code == 0, closed.output
    december = runner.invoke(args=["report", "json", "--month", "2026-12"])
    november = runner.invoke(args=["report", "json", "--month", "2026-11"])
    assert december.exit_code == 0 == november.exit_code, december.output + november.output
    keys = {
        name: [p["key"] for p in json.loads(r.output)["paragraphs"]]
        for name, r in (("december", december), ("november", november))
    }
    assert "pb" in keys["december"] and "pb" not in keys["november"]
    (text,) = [p["text"] for p in json.loads(december.output)["paragraphs"] if p["key"] == "pb"]
    assert "громадського бюджету на 2021 рік" in text
