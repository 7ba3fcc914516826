"""``civic petitions`` commands and the demo data set."""

import csv
import datetime as dt
import io
import json

from openpyxl import load_workbook

from civic.extensions import db
from civic.petitions import services, stats
from civic.petitions.models import Petition
from tests.petitions.test_formats import NATIONAL_HEADER

D = dt.date


def test_export_formats(runner, make_petition, tmp_path):
    petition = make_petition(
        "collecting",
        on=services.today_kyiv(),
        signatures=1,
        title="@SUM(A1) — про облаштування парку",
    )
    make_petition("moderation")
    as_json = runner.invoke(args=["petitions", "export", "--format", "json"])
    assert as_json.exit_code == 0, as_json.output
    rows = json.loads(as_json.output)
    assert [r["uid"] for r in rows] == [f"UA74040250000063494-P{petition.id}"]
    assert list(rows[0]) == NATIONAL_HEADER and rows[0]["count"] == 1
    out = tmp_path / "p.csv"
    result = runner.invoke(args=["petitions", "export", "--format", "csv", "--out", str(out)])
    assert result.exit_code == 0
    data = out.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")
    table = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert table[0] == NATIONAL_HEADER
    assert table[1][2].startswith("'@SUM")  # formula-safe
    xlsx = tmp_path / "p.xlsx"
    runner.invoke(args=["petitions", "export", "--format", "xlsx", "--out", str(xlsx)])
    sheet = load_workbook(xlsx).active
    assert [c.value for c in sheet[1]] == NATIONAL_HEADER
    assert sheet.cell(2, 10).value == 1
    refused = runner.invoke(args=["petitions", "export", "--format", "xlsx"])
    assert refused.exit_code != 0 and "--out" in refused.output


def test_kpi_tick_and_purge(runner, make_petition, moderators, app):
    make_petition("collecting", on=D(2020, 9, 1), signatures=1)
    make_petition("moderation", on=D(2020, 11, 5))
    result = runner.invoke(args=["petitions", "kpi", "--month", "2020-11", "--json"])
    figures = json.loads(result.output)
    assert figures["received"] == 1 and figures["reached_threshold"] == 0
    text = runner.invoke(args=["petitions", "kpi", "--month", "2020-11"])
    assert "надійшло" in text.output
    bad = runner.invoke(args=["petitions", "kpi", "--month", "листопад"])
    assert bad.exit_code != 0 and "РРРР-ММ" in bad.output
    tick = runner.invoke(args=["petitions", "tick"])
    assert "Змінено станів: 1" in tick.output
    assert runner.invoke(args=["petitions", "tick"]).output.strip() == "Змінено станів: 0"
    purge = runner.invoke(args=["petitions", "purge-personal-data"])
    assert "Знеособлено петицій: 1" in purge.output


def test_monthly_statistics_counts_each_step_in_its_month(make_petition, moderators):
    on_time = make_petition("moderation", on=D(2020, 11, 5))  # due 09.11.2020
    services.publish_petition(on_time, actor=moderators[0], version=None, today=D(2020, 11, 9))
    late = make_petition("moderation", on=D(2020, 11, 5))
    services.refuse_petition(
        late, actor=moderators[0], version=None, reason_code="obscene", today=D(2020, 11, 10)
    )
    make_petition("moderation", on=D(2020, 12, 1))
    figures = stats.monthly_statistics(D(2020, 11, 1), D(2020, 11, 30))
    assert figures["received"] == 2 and figures["published"] == 1 and figures["refused"] == 1
    assert figures["refused_by_reason"] == {"obscene": 1}
    assert figures["decided_within_2_days_share"] == 0.5
    assert figures["answered_within_10_days_share"] is None


def test_demo_is_idempotent_and_fills_november_2020(runner):
    first = runner.invoke(args=["demo"])
    assert first.exit_code == 0, first.output
    count = db.session.scalar(db.select(db.func.count(Petition.id)))
    states = set(db.session.scalars(db.select(Petition.state)))
    assert {
        "unconfirmed",
        "moderation",
        "refusal_pending",
        "refused",
        "withdrawn",
        "collecting",
        "not_supported",
        "answered",
        "archived",
        "taken_down",
    } <= states
    second = runner.invoke(args=["demo"])
    assert "вже завантажено" in second.output
    assert db.session.scalar(db.select(db.func.count(Petition.id))) == count
    figures = stats.monthly_statistics(D(2020, 11, 1), D(2020, 11, 30))
    assert figures["received"] == 7 and figures["published"] == 3 and figures["refused"] == 3
    assert figures["answered"] == 1 and figures["reached_threshold"] == 2
    assert figures["signatures"] > 100
    tick = runner.invoke(args=["petitions", "tick"])
    assert tick.exit_code == 0
