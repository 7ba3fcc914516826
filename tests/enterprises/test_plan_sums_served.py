"""Plans whose subtotals don't add up, uploaded at once with good ones through gunicorn as
deployed: every tampered file is refused with its line, none of its numbers is stored, and one
good upload is in force at the end (no 500, no half-written upload)."""

from __future__ import annotations

import pytest

from tests.conftest import STAFF_PASSWORD
from tests.support.served import Browser, Gunicorn, at_once

EDRPOU = "99001016"
FIELDS = {"edrpou": EDRPOU, "year": "2024", "kind": "plan", "unit": "тис. грн"}


def plan(gross: str, revenue: str) -> bytes:
    cost = "2892,7"
    rows = ["Код рядка;I квартал план", f"1000;{revenue}", f"1010;{cost}", f"1020;{gross}"]
    return ("\r\n".join(rows) + "\r\n").encode("cp1251")


def seed(app_factory) -> None:
    from civic.auth import services as auth
    from civic.enterprises import services as enterprises
    from civic.enterprises.statements import EnterpriseEntry
    from civic.extensions import db

    app = app_factory()
    with app.app_context():
        auth.create_user("ed", STAFF_PASSWORD, ("editor",))
        enterprises.save_enterprise(
            EnterpriseEntry(EDRPOU, "Комунальне підприємство «Тестовий водоканал»", "З")
        )
        db.session.commit()


def stored(app_factory):
    from sqlalchemy import select

    from civic.enterprises.models import Fact, Upload
    from civic.extensions import db

    app = app_factory()
    with app.app_context():
        uploads = list(db.session.scalars(select(Upload)))
        facts = list(db.session.scalars(select(Fact)))
        return (
            [(u.id, u.filename, u.is_current) for u in uploads],
            [(f.upload_id, f.code, f.value) for f in facts],
        )


@pytest.mark.postgresql_only
def test_tampered_plans_are_refused_while_good_ones_race(database_url, tmp_path, app_factory):
    seed(app_factory)
    # Even i: a good plan (revenue differs per file, 1020 = 1000 − 1010); odd i: 1020 raised by 5.
    files = [
        plan(f"{3110.4 + i - 2892.7:.1f}".replace(".", ","), f"{3110.4 + i:.1f}".replace(".", ","))
        if i % 2 == 0
        else plan("222,7", "3110,4")
        for i in range(6)
    ]
    with Gunicorn(database_url, tmp_path / "instance") as server:
        editors = [Browser(server.url).log_in("ed", STAFF_PASSWORD) for _ in files]
        tokens = [editor.get("/staff/enterprises/upload").csrf() for editor in editors]
        responses = at_once(
            len(files),
            lambda i: editors[i].upload(
                "/staff/enterprises/upload", f"plan-{i}.csv", files[i], FIELDS, token=tokens[i]
            ),
        )
    for i, response in enumerate(responses):
        assert not isinstance(response, BaseException), response
        if i % 2:
            assert response.status == 422
            assert (
                "рядок 1020 «Валовий прибуток (збиток)» (план, I квартал): 222,7" in response.text
            )
        else:
            assert response.status == 200 and "Файл прийнято" in response.text
    uploads, facts = stored(app_factory)
    assert sorted(name for _, name, _ in uploads) == ["plan-0.csv", "plan-2.csv", "plan-4.csv"]
    current = [upload_id for upload_id, _, is_current in uploads if is_current]
    assert len(current) == 1
    assert {upload_id for upload_id, _, _ in facts} == set(current) and len(facts) == 3
    values = {code: value for _, code, value in facts}
    assert values["1020"] == values["1000"] - values["1010"]
