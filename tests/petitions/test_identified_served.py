"""Identified signing as deployed: gunicorn -w 2 --threads 4 on PostgreSQL, 20 requests at once."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from civic.extensions import db
from civic.identity import development
from civic.petitions import services
from civic.petitions.models import Petition, Signature
from tests.petitions.test_integrity import last_link_token
from tests.support.served import Browser, Gunicorn, at_once

PARALLEL = 20


def _signed_in_browsers(server, n: int) -> list[Browser]:
    """``n`` browsers of the same person (the development provider's first citizen)."""
    browsers = []
    for _ in range(n):
        browser = Browser(server.url)
        token = browser.get("/identity/dev?next=/petitions").csrf()
        answer = browser.post(
            "/identity/dev", {"csrf_token": token, "person": "0", "next": "/petitions"}
        )
        assert answer.status == 302
        browser.token = token
        browsers.append(browser)
    return browsers


def _outcome(petition_id: int) -> tuple[int, list[Signature]]:
    db.session.expire_all()
    rows = list(db.session.scalars(select(Signature).where(Signature.petition_id == petition_id)))
    return db.session.get(Petition, petition_id).signature_count, rows


@pytest.mark.postgresql_only
def test_twenty_parallel_signings_of_one_person_give_exactly_one(
    database_url, tmp_path, make_petition
):
    fresh = make_petition("collecting", on=services.today_kyiv())
    # The same person's unconfirmed e-mail signature: parallel take-overs count it once.
    pending = make_petition("collecting", on=services.today_kyiv())
    settings = {
        "CIVIC_IDENTITY_PROVIDERS": '["dev", "email"]',
        "CIVIC_PETITION_SIGN_RATE_LIMIT": "1000 per hour",
    }
    with Gunicorn(database_url, tmp_path / "served", settings=settings) as server:
        # Signed through the served app, so its address is hashed under the served key.
        mailed = Browser(server.url).submit(
            f"/petitions/{pending.id}/sign",
            {"full_name": "Шевченко Оксана", "email": development.PEOPLE[0].email},
            form_path=f"/petitions/{pending.id}",
        )
        assert mailed.status == 201, mailed.text[:2000]
        browsers = _signed_in_browsers(server, PARALLEL)
        for petition_id in (fresh.id, pending.id):
            answers = at_once(
                PARALLEL,
                lambda i, p=petition_id: browsers[i].post(
                    f"/petitions/{p}/sign/identified", {"csrf_token": browsers[i].token}
                ),
            )
            statuses = sorted(getattr(a, "status", repr(a)) for a in answers)
            assert statuses == [201] + [302] * (PARALLEL - 1), server.output()
            count, rows = _outcome(petition_id)
            assert count == 1 and len(rows) == 1
            assert rows[0].person_hash and rows[0].confirmed_at is not None


@pytest.mark.postgresql_only
def test_take_overs_racing_the_mailed_link_count_the_pending_signature_once(
    database_url, tmp_path, make_petition
):
    """The person's pending e-mail signature is confirmed by its link and taken over by their
    identified signing at the same moment, ten requests each: one count, one row, no 500."""
    petition = make_petition("collecting", on=services.today_kyiv())
    settings = {
        "CIVIC_IDENTITY_PROVIDERS": '["dev", "email"]',
        "CIVIC_PETITION_SIGN_RATE_LIMIT": "1000 per hour",
    }
    half = PARALLEL // 2
    with Gunicorn(database_url, tmp_path / "served", settings=settings) as server:
        email = development.PEOPLE[0].email
        mailed = Browser(server.url).submit(
            f"/petitions/{petition.id}/sign",
            {"full_name": "Шевченко Оксана", "email": email},
            form_path=f"/petitions/{petition.id}",
        )
        assert mailed.status == 201, mailed.text[:2000]
        link = f"/petitions/signatures/{last_link_token(email)}"
        signed_in = _signed_in_browsers(server, half)
        visitors = [Browser(server.url) for _ in range(half)]
        csrf = [visitor.get(link).csrf() for visitor in visitors]

        def request(i: int):
            if i % 2:
                browser = signed_in[i // 2]
                return browser.post(
                    f"/petitions/{petition.id}/sign/identified", {"csrf_token": browser.token}
                )
            return visitors[i // 2].post(link, {"csrf_token": csrf[i // 2]})

        answers = at_once(PARALLEL, request)
        statuses = [getattr(a, "status", repr(a)) for a in answers]
        assert all(isinstance(s, int) and s < 500 for s in statuses), (statuses, server.output())
    won = [
        a
        for i, a in enumerate(answers)
        if (a.status == 201 if i % 2 else a.status == 200 and "підпис зараховано" in a.text)
    ]
    assert len(won) == 1, statuses
    count, rows = _outcome(petition.id)
    assert count == 1 and len(rows) == 1 and rows[0].confirmed_at is not None
