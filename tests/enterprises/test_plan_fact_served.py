"""Readers of the plan-vs-fact CSVs while an editor replaces the plan report, as deployed
(gunicorn -w 2 --threads 4 on PostgreSQL): every answer is whole — the old report's numbers or
the new one's, never a mix, never a server error."""

from __future__ import annotations

import csv
import io

import pytest

from civic.enterprises import line_catalogue
from civic.enterprises.demo import plan_xlsx
from civic.enterprises.demo_execution import execution_lines
from civic.extensions import db
from tests.conftest import STAFF_PASSWORD
from tests.enterprises.conftest import EDRPOU
from tests.support.served import Browser, Gunicorn, at_once

READERS = 7
PATHS = (f"/enterprises/{EDRPOU}/plan-fact.csv", "/enterprises/open-data/plan-fact.csv")


def _numbers(body: bytes) -> list[tuple[str, ...]]:
    rows = csv.DictReader(io.StringIO(body.decode("utf-8-sig")))
    return [(r["indicator"], r["quarter"], r["plan"], r["fact"], r["percent"]) for r in rows]


def _report(edrpou_lines: str, name: str) -> bytes:
    return plan_xlsx(execution_lines(edrpou_lines), enterprise=name, year=2019)


@pytest.mark.postgresql_only
def test_readers_see_the_old_or_the_new_report_whole(
    app, database_url, tmp_path, create_user, enterprise
):
    line_catalogue.seed_catalogue()
    db.session.commit()
    create_user("ed", "editor")
    fields = {"edrpou": EDRPOU, "year": "2019", "kind": "plan", "unit": "тис. грн"}
    with Gunicorn(database_url, tmp_path / "instance") as server:
        editor = Browser(server.url).log_in("ed", STAFF_PASSWORD)
        first = editor.upload(
            "/staff/enterprises/upload", "old.xlsx", _report(EDRPOU, enterprise.name), fields
        )
        assert first.status == 200, first.text[:500]
        reader = Browser(server.url)
        old = [_numbers(reader.get(p).body) for p in PATHS]
        assert old[0] and old[0] == old[1]
        token = editor.get("/staff/enterprises/upload").csrf()
        replacement = _report("99001022", enterprise.name)  # other figures, same lines

        def act(i):
            if i == 0:
                return editor.upload(
                    "/staff/enterprises/upload", "new.xlsx", replacement, fields, token=token
                )
            return Browser(server.url).get(PATHS[i % 2])

        results = at_once(READERS + 1, act)
        assert all(getattr(r, "status", None) == 200 for r in results), results
        new = [_numbers(reader.get(p).body) for p in PATHS]
        assert new[0] and new[0] == new[1] and new[0] != old[0]
        for i, response in enumerate(results[1:], 1):
            assert _numbers(response.body) in (old[i % 2], new[i % 2])
        assert "Traceback" not in server.output()
