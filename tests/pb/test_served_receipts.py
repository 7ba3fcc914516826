"""Check my ballot as deployed: gunicorn -w 2 --threads 4 on PostgreSQL behind a proxy.

The per-form-number limit is counted in the database, so twenty guesses sent at once to two
workers from twenty addresses still get exactly the limit's number of answers.
"""

import pytest
from sqlalchemy import func, select

from civic.audit.models import AuditEvent
from civic.extensions import db
from tests.support.served import Browser, Gunicorn, at_once


@pytest.mark.postgresql_only
def test_twenty_parallel_guesses_cannot_exceed_the_form_limit(app, database_url, tmp_path, closed):
    edition = closed
    settings = {
        "CIVIC_PROXY_FIX_X_FOR": "1",
        "CIVIC_PERSONAL_DATA_KEY": app.config["PERSONAL_DATA_KEY"],
        "CIVIC_PB_CHECK_LIMIT_PER_FORM": "5 per 10 minutes",
        "CIVIC_PB_CHECK_LIMIT_PER_ADDRESS": "5 per 10 minutes",
    }
    url = f"/pb/{edition.slug}/check"
    with Gunicorn(database_url, tmp_path / "instance", settings=settings) as server:
        browsers = []
        for i in range(20):
            browser = Browser(server.url, forwarded_for=f"198.51.100.{i + 1}")
            browser.token = browser.get(url).csrf()
            browsers.append(browser)

        def guess(i):
            data = {"csrf_token": browsers[i].token, "form_number": "1", "last_four": f"{i:04d}"}
            return browsers[i].post(url, data)

        answers = at_once(20, guess)
        right = browsers[0].post(
            url, {"csrf_token": browsers[0].token, "form_number": "1", "last_four": "3456"}
        )
    assert sorted(r.status for r in answers) == [200] * 5 + [429] * 15
    assert all("не знайдено" in r.text for r in answers if r.status == 200)
    assert all("надто багато спроб" in r.text for r in answers if r.status == 429)
    # Even the right pair is refused now: the form number's window is spent.
    assert right.status == 429 and "Бюлетень врахований" not in right.text
    db.session.expire_all()
    logged = db.session.scalar(
        select(func.count()).select_from(AuditEvent).where(AuditEvent.action == "pb.ballot_checked")
    )
    assert logged == 21
