"""Issue 12, point 12: the protocol's dates are Kyiv dates, also between 00:00 and 03:00 Kyiv.

The clock is frozen at 2026-12-03 23:30 UTC = 04.12.2026 01:30 Kyiv through the one seam the
shells read (``civic.database.utcnow``); the date of counting, the close and the protocol must
say 04.12.2026, as the commission's calendar does.
"""

import datetime as dt
import io
from pathlib import Path

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from civic.extensions import db
from civic.pb import services
from civic.pb.models import Ballot

EXAMPLES = Path(__file__).resolve().parents[2] / "docs" / "examples"
SLUG = "gb-2021"
FROZEN = dt.datetime(2026, 12, 3, 23, 30, tzinfo=dt.UTC)  # 04.12.2026 01:30 in Kyiv
KYIV_DAY = dt.date(2026, 12, 4)


@pytest.fixture
def frozen(monkeypatch):
    monkeypatch.setattr("civic.database.utcnow", lambda: FROZEN)
    return FROZEN


def pdf_text(data: bytes) -> str:
    assert data.startswith(b"%PDF")
    return " ".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def fresh(slug: str = SLUG):
    db.session.expire_all()
    return services.get_edition(slug)


def test_closing_on_the_web_at_01_30_kyiv_dates_the_protocol_04_12(
    client, edition, create_user, login, frozen
):
    create_user("member", "commission")
    login("member")
    closed = client.post(f"/staff/pb/{SLUG}/close", data={}, follow_redirects=True)
    body = closed.get_data(as_text=True)
    assert "Підрахунок закрито" in body
    assert "дата підрахунку 04.12.2026" in body
    edition = fresh()
    assert edition.counted_on == KYIV_DAY
    assert edition.closed_at == FROZEN  # the moment itself stays UTC
    protocol = client.get(f"/staff/pb/{SLUG}/export/pdf")
    assert protocol.status_code == 200
    text = pdf_text(protocol.data)
    assert "Дата підрахунку: 04.12.2026" in text and "03.12.2026" not in text
    public = client.get(f"/pb/{SLUG}").get_data(as_text=True)
    assert "Підрахунок закрито 04.12.2026" in public


def test_tallying_on_the_web_without_a_date_takes_the_kyiv_day(
    client, edition, create_user, login, frozen
):
    create_user("member", "commission")
    login("member")
    client.post(f"/staff/pb/{SLUG}/tally", data={})
    assert fresh().counted_on == KYIV_DAY


def test_the_cli_closes_and_exports_with_the_kyiv_date(runner, edition, frozen, tmp_path):
    tallied = runner.invoke(args=["pb", "tally", "--edition", SLUG, "--json"])
    assert tallied.exit_code == 0, tallied.output
    assert fresh().counted_on == KYIV_DAY
    closed = runner.invoke(args=["pb", "close", "--edition", SLUG])
    assert closed.exit_code == 0, closed.output
    edition = fresh()
    assert edition.counted_on == KYIV_DAY and edition.closed_at == FROZEN
    out = tmp_path / "protocol.pdf"
    exported = runner.invoke(
        args=["pb", "export", "--edition", SLUG, "--format", "pdf", "--out", str(out)]
    )
    assert exported.exit_code == 0, exported.output
    assert "Дата підрахунку: 04.12.2026" in pdf_text(out.read_bytes())
    from civic.audit.models import AuditEvent

    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "pb.closed"))
    assert event.details["counted_on"] == "2026-12-04"


def test_retention_counts_from_the_kyiv_day_of_closing(runner, edition, frozen):
    """Closed at 01:30 Kyiv on 04.12: the retention period starts on 04.12, not on 03.12."""
    assert runner.invoke(args=["pb", "close", "--edition", SLUG]).exit_code == 0
    days = services.retention_days()
    last_day_kept = KYIV_DAY + dt.timedelta(days=days - 1)
    early = runner.invoke(args=["pb", "purge-personal-data", "--today", last_day_kept.isoformat()])
    assert early.exit_code == 0 and "Немає видань" in early.output, early.output
    db.session.expire_all()
    assert all(b.full_name for b in db.session.scalars(select(Ballot)))
    due = runner.invoke(
        args=[
            "pb",
            "purge-personal-data",
            "--today",
            (KYIV_DAY + dt.timedelta(days=days)).isoformat(),
        ]
    )
    assert due.exit_code == 0 and SLUG in due.output, due.output
    db.session.expire_all()
    assert all(b.full_name is None for b in db.session.scalars(select(Ballot)))
