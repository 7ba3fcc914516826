"""The commission's workflow end to end: CLI commands, tally JSON, close, exports, purge, stats."""

import datetime as dt
import io
import json
from pathlib import Path

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from civic import kyiv
from civic.extensions import db
from civic.pb import exports, pabulib, services
from civic.pb.models import Ballot, Edition
from civic.pb.stats import monthly_statistics

EXAMPLES = Path(__file__).resolve().parents[2] / "docs" / "examples"


def invoke(runner, *args):
    result = runner.invoke(args=["pb", *args])
    return result


@pytest.fixture
def counted(runner):
    assert (
        invoke(runner, "edition", "create", "--config", str(EXAMPLES / "pb-edition.toml")).exit_code
        == 0
    )
    assert (
        invoke(
            runner, "projects", "import", "--edition", "gb-2021", str(EXAMPLES / "pb-projects.csv")
        ).exit_code
        == 0
    )
    result = invoke(
        runner, "ballots", "import", "--edition", "gb-2021", str(EXAMPLES / "pb-ballots.csv")
    )
    assert result.exit_code == 0, result.output
    return runner


def test_tally_json_has_the_issue_shape(counted):
    result = invoke(counted, "tally", "--edition", "gb-2021", "--json", "--on", "23.11.2020")
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["edition"] == "gb-2021"
    ballots = data["ballots"]
    assert ballots["received"] == 6 == ballots["valid"] + ballots["invalid"]
    reasons = {k: v for k, v in ballots["invalid_by_reason"].items() if v}
    assert reasons == {
        "duplicate_voter": 1,
        "underage": 1,
        "not_resident": 1,
        "too_many_choices": 1,
    }
    project = data["projects"][0]
    assert set(project) >= {
        "code",
        "category",
        "cost",
        "votes",
        "votes_paper",
        "votes_online",
        "rank",
        "selected",
    }
    assert set(data["budget"]) == {"small", "large", "pool"}
    assert len(data["digest"]) == 64
    again = json.loads(invoke(counted, "tally", "--edition", "gb-2021", "--json").output)
    assert again["digest"] == data["digest"]


def test_close_locks_and_a_recount_matches(counted):
    assert invoke(counted, "close", "--edition", "gb-2021", "--on", "23.11.2020").exit_code == 0
    edition = services.get_edition("gb-2021")
    assert edition.is_closed and edition.counted_on == dt.date(2020, 11, 23)
    refused = invoke(
        counted, "ballots", "import", "--edition", "gb-2021", str(EXAMPLES / "pb-projects.csv")
    )
    assert refused.exit_code == 1 and "закрито" in refused.output
    recount = invoke(counted, "tally", "--edition", "gb-2021")
    assert recount.exit_code == 0 and "збігається" in recount.output
    reopened = invoke(
        counted, "reopen", "--edition", "gb-2021", "--reason", "Скарга: перевірка бланка 4"
    )
    assert reopened.exit_code == 0
    from civic.audit.models import AuditEvent

    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "pb.reopened"))
    assert event.details["reason"].startswith("Скарга")


@pytest.mark.parametrize("fmt", ["csv", "xlsx", "json", "pb", "pdf"])
def test_exports(counted, tmp_path, fmt):
    assert invoke(counted, "close", "--edition", "gb-2021", "--on", "23.11.2020").exit_code == 0
    out = tmp_path / f"result.{fmt}"
    result = invoke(counted, "export", "--edition", "gb-2021", "--format", fmt, "--out", str(out))
    assert result.exit_code == 0, result.output
    data = out.read_bytes()
    if fmt == "csv":
        text = data.decode("utf-8-sig")
        assert text.startswith("Код,Назва") and "WORKOUT" in text
    elif fmt == "json":
        assert json.loads(data)["edition"] == "gb-2021"
    elif fmt == "pb":
        election = pabulib.read(data.decode())
        assert election.vote_fields["voting_method"]
        selected = {p.id for p in election.projects if p.is_selected}
        assert selected == set(services.get_edition("gb-2021").result["selected"])
        assert len(election.ballots) == 2  # the valid ones
    elif fmt == "pdf":
        text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)
        assert "ПРОТОКОЛ" in text and services.get_edition("gb-2021").digest in text.replace(
            "\n", ""
        )
        assert data == exports.export_edition(services.get_edition("gb-2021"), "pdf")
    else:
        assert data[:2] == b"PK"


def test_purge_personal_data_after_retention(counted, app):
    invoke(counted, "close", "--edition", "gb-2021", "--on", "23.11.2020")
    edition = services.get_edition("gb-2021")
    closed = kyiv.date_of(edition.closed_at)  # the purge counts Kyiv days, not UTC ones
    early = invoke(
        counted, "purge-personal-data", "--today", (closed + dt.timedelta(days=10)).isoformat()
    )
    assert "Немає видань" in early.output
    result = invoke(
        counted, "purge-personal-data", "--today", (closed + dt.timedelta(days=90)).isoformat()
    )
    assert "gb-2021" in result.output
    db.session.expire_all()
    ballots = list(db.session.scalars(select(Ballot)))
    assert all(b.full_name is None and b.birth_date is None for b in ballots)
    assert all(b.voter_hash for b in ballots)
    assert services.get_edition("gb-2021").result["ballots"]["received"] == 6
    recount = invoke(counted, "tally", "--edition", "gb-2021")
    assert recount.exit_code == 1 and "перерахунок неможливий" in recount.output


def test_errors_are_ukrainian_and_exit_1(runner, tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text('slug = "x"\n', encoding="utf-8")
    result = invoke(runner, "edition", "create", "--config", str(bad))
    assert result.exit_code == 1 and "не вказано обов'язковий параметр «title»" in result.output
    missing = invoke(runner, "tally", "--edition", "nope")
    assert missing.exit_code == 1 and "не знайдено" in missing.output


def test_import_pb_recounts_the_official_winners(runner, shared_dir):
    path = shared_dir / "data" / "pabulib" / "Poland_Warszawa_2019_Las.pb"
    result = invoke(runner, "import-pb", str(path), "--edition", "waw-las")
    assert result.exit_code == 0, result.output
    election = pabulib.read(path.read_text(encoding="utf-8"))
    counted = json.loads(invoke(runner, "tally", "--edition", "waw-las", "--json").output)
    assert counted["ballots"]["received"] == len(election.ballots)
    assert set(counted["selected"]) == {p.id for p in election.projects if p.is_selected}
    votes = {p["code"]: p["votes"] for p in counted["projects"]}
    for p in election.projects:
        if p.number("votes") is not None:
            assert votes[p.id] == p.number("votes")


def test_demo_counts_gb_2021_in_november_2020(app, runner):
    from civic.auth.demo import load_demo as load_accounts
    from civic.pb.demo import load_demo

    load_accounts(lambda *_: None)
    messages = []
    load_demo(messages.append)
    db.session.commit()
    load_demo(messages.append)  # idempotent
    assert "уже є" in messages[-1]
    edition = services.get_edition("gb-2021")
    result = edition.result
    reasons = result["ballots"]["invalid_by_reason"]
    assert all(reasons[r] > 0 for r in reasons)
    workout = next(p for p in result["projects"] if p["title"] == "WORKOUT – смуга перешкод")
    assert (
        workout["selected"] and workout["funded_from"] == "pool" and workout["cost"] == "399500.00"
    )
    assert result["budget"]["pool"]["available"] == "417031.00"
    assert services.list_discrepancies(edition, resolved=True)
    stats = monthly_statistics(dt.date(2020, 11, 1), dt.date(2020, 11, 30))
    (row,) = stats["editions"]
    assert row["slug"] == "gb-2021" and row["budget_year"] == 2021
    assert row["counted_on"] == dt.date(2020, 11, 23)
    assert row["received"] == row["valid"] + row["invalid"] > 300
    assert "WORKOUT – смуга перешкод" in row["selected"]
    assert row["votes"] == sum(p["votes"] for p in result["projects"])
    assert monthly_statistics(dt.date(2020, 12, 1), dt.date(2020, 12, 31)) == {
        "editions": [],
        "implementation": {"done": [], "milestones": [], "in_works": 0},
    }
    assert db.session.scalar(select(Edition).where(Edition.slug == "gb-2021")).is_closed
