"""Online voting as deployed: gunicorn -w 2 --threads 4 on PostgreSQL, one citizen's twenty
casts at once give exactly one ballot; the others are told they have voted, no 500."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from civic.extensions import db
from civic.pb.models import Ballot
from tests.pb.online_support import open_online_edition
from tests.support.served import Browser, Gunicorn, at_once

PARALLEL = 20
VOTE = "/pb/gb-online/vote"


def _signed_in(server, person: int) -> Browser:
    browser = Browser(server.url)
    token = browser.get(f"/identity/dev?next={VOTE}").csrf()
    answer = browser.post(
        "/identity/dev", {"csrf_token": token, "person": str(person), "next": VOTE}
    )
    assert answer.status == 302 and answer.headers["Location"] == VOTE
    browser.token = browser.get(VOTE).csrf()
    return browser


@pytest.mark.postgresql_only
def test_twenty_parallel_casts_of_one_citizen_store_exactly_one_ballot(app, database_url, tmp_path):
    edition = open_online_edition()
    settings = {"CIVIC_IDENTITY_PROVIDERS": '["dev", "email"]'}
    with Gunicorn(database_url, tmp_path / "served", settings=settings) as server:
        # Twenty browsers of the same person (each its own session), and a second person.
        browsers = [_signed_in(server, 0) for _ in range(PARALLEL)]
        other = _signed_in(server, 1)

        def cast(i: int):
            browser = browsers[i] if i < PARALLEL else other
            choice = "М-01" if i % 2 else "М-04"
            fields = [("csrf_token", browser.token), ("project", choice), ("project", "В-01")]
            return browser.post(f"{VOTE}/cast", fields)

        answers = at_once(PARALLEL + 1, cast)
        statuses = [getattr(a, "status", repr(a)) for a in answers]
        output = server.output()
    assert sorted(statuses[:PARALLEL]) == [201] + [409] * (PARALLEL - 1), (statuses, output)
    assert statuses[PARALLEL] == 201
    assert all("ви вже проголосували" in a.text.lower() for a in answers if a.status == 409)
    db.session.expire_all()
    rows = list(db.session.scalars(select(Ballot).where(Ballot.edition_id == edition.id)))
    assert len(rows) == 2 and len({r.person_hash for r in rows}) == 2


@pytest.mark.postgresql_only
def test_twenty_parallel_receipt_guesses_from_one_address_cannot_exceed_its_limit(
    app, database_url, tmp_path
):
    """The address window of the receipt check is counted in the database: twenty guesses
    sent at once to two workers from one address get exactly the limit's answers."""
    edition = open_online_edition()
    settings = {
        "CIVIC_PROXY_FIX_X_FOR": "1",
        "CIVIC_PB_CHECK_LIMIT_PER_ADDRESS": "5 per 10 minutes",
    }
    url = f"/pb/{edition.slug}/receipt"
    with Gunicorn(database_url, tmp_path / "served", settings=settings) as server:
        browsers = [Browser(server.url, forwarded_for="198.51.100.7") for _ in range(PARALLEL)]
        tokens = [b.get(url).csrf() for b in browsers]
        answers = at_once(
            PARALLEL,
            lambda i: browsers[i].post(
                url, {"csrf_token": tokens[i], "code": f"0000-0000-0000-{i:04d}"}
            ),
        )
        statuses = [getattr(a, "status", repr(a)) for a in answers]
        output = server.output()
    assert sorted(statuses) == [200] * 5 + [429] * (PARALLEL - 5), (statuses, output)
    assert all("не знайдено" in a.text for a in answers if a.status == 200)
    assert all("надто багато спроб" in a.text for a in answers if a.status == 429)
