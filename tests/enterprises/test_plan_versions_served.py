"""Editors uploading versions of one year's plan at the same moment, as deployed (gunicorn on
PostgreSQL): every distinct version is kept, exactly one is in force, its figures are the ones
shown, the same file twice is one upload, and nobody gets a server error."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import select

from civic.enterprises.models import Fact, PlanFigure, Upload
from civic.extensions import db
from tests.enterprises.conftest import EDRPOU
from tests.enterprises.test_plan_versions import plan
from tests.support.served import Browser, Gunicorn, at_once

PARALLEL = 6
PAGE = "/staff/enterprises/upload"


@pytest.mark.postgresql_only
def test_parallel_plan_versions_keep_every_version_and_one_in_force(
    app, database_url, tmp_path, create_user, enterprise
):
    for n in range(PARALLEL):
        create_user(f"ed{n}", "editor", password=f"plan-editor-{n}-2026")
    # Versions approved by decisions on six different days of 2025, uploaded in any order.
    files = [
        plan(9600 + 100 * n, 8800, 270 + n, mark="Зміни", on=f"{10 + n}.03.2025", number=str(n))
        for n in range(PARALLEL)
    ]
    fields = {"edrpou": EDRPOU, "year": "2025", "kind": "plan", "unit": "тис. грн"}
    with Gunicorn(database_url, tmp_path / "instance") as server:
        editors = [
            Browser(server.url).log_in(f"ed{n}", f"plan-editor-{n}-2026") for n in range(PARALLEL)
        ]
        tokens = [e.get(PAGE).csrf() for e in editors]
        sent = at_once(
            PARALLEL,
            lambda i: editors[i].upload(PAGE, f"план-{i}.xlsx", files[i], fields, token=tokens[i]),
        )
        assert [r.status for r in sent] == [200] * PARALLEL, [r.text[:300] for r in sent]
        same = at_once(
            PARALLEL,
            lambda i: editors[i].upload(PAGE, "знову.xlsx", files[0], fields, token=tokens[i]),
        )
        assert sorted(r.status for r in same) == [422] * PARALLEL
        assert all("цей самий файл уже завантажено" in r.text for r in same)
    db.session.expire_all()
    uploads = db.session.scalars(select(Upload).where(Upload.form == "plan")).all()
    assert len(uploads) == PARALLEL
    (current,) = [u for u in uploads if u.is_current]
    assert current.approved_on.isoformat() == f"2025-03-{10 + PARALLEL - 1}"
    shown = db.session.scalars(select(Fact).where(Fact.code == "1000", Fact.kind == "plan_year"))
    assert [(f.value, f.upload_id) for f in shown] == [
        (Decimal(9600 + 100 * (PARALLEL - 1)), current.id)
    ]
    figures = db.session.scalars(select(PlanFigure.upload_id)).all()
    assert sorted(set(figures)) == sorted(u.id for u in uploads)
