"""Closing the count while the public reads, as deployed: gunicorn -w 2 --threads 4 on PostgreSQL.

Readers hammer the results page, the API and the CSV export while a commission member presses
«Закрити підрахунок»: each answer is either the notice without a single count or the whole
closed result — never a working count, never a half-published page, never a 500.
"""

import json

import pytest

from civic.extensions import db
from civic.pb import services
from civic.pb.publication import NOTICE
from tests.conftest import STAFF_PASSWORD
from tests.pb.test_no_live_counts import SLUG, _counts, _pattern
from tests.support.served import Browser, Gunicorn, at_once

READS = [f"/pb/{SLUG}", f"/api/v1/pb/{SLUG}/results", f"/pb/{SLUG}/results.csv"]
READERS = 11


def _judge(response, numbers) -> str:
    """'hidden', 'published', or what is wrong with the answer."""
    text = response.text
    if response.headers.get("Content-Type", "").startswith("application/json"):
        text = json.dumps(json.loads(text), ensure_ascii=False)
    shown = {n for n in numbers if _pattern(n).search(text)}
    if response.status in (200, 404) and NOTICE in text and not shown:
        return "hidden"
    if response.status == 200 and NOTICE not in text and {4817, 9539} & shown:
        return "published"
    return f"{response.url}: {response.status}, counts {sorted(shown)}"


@pytest.mark.postgresql_only
def test_readers_during_the_close_see_the_notice_or_the_closed_result(
    app, database_url, tmp_path, voted, create_user
):
    services.tally(voted)  # a working tally is stored before the close
    db.session.commit()
    numbers = _counts(voted.result)
    create_user("member", "commission")
    db.session.commit()
    settings = {"CIVIC_PERSONAL_DATA_KEY": app.config["PERSONAL_DATA_KEY"]}
    with Gunicorn(database_url, tmp_path / "instance", settings=settings) as server:
        member = Browser(server.url).log_in("member", STAFF_PASSWORD)
        token = member.get(f"/staff/pb/{SLUG}").csrf()

        def act(i):
            if i == 0:
                return member.post(f"/staff/pb/{SLUG}/close", {"csrf_token": token, "on": ""})
            reader = Browser(server.url)
            return [reader.get(path) for _ in range(4) for path in READS]

        close, *reads = at_once(READERS + 1, act)
        after = [Browser(server.url).get(path) for path in READS]
    assert close.status == 302, close.text[:300]
    verdicts = [_judge(r, numbers) for answers in reads for r in answers]
    assert set(verdicts) <= {"hidden", "published"}, [v for v in verdicts if "counts" in v][:5]
    assert [_judge(r, numbers) for r in after] == ["published"] * len(READS)
    db.session.expire_all()
    assert services.get_edition(SLUG).is_closed
