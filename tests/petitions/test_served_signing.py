"""Signing limits as deployed: gunicorn -w 2 --threads 4 behind a proxy (X-Forwarded-For).

The per-petition limits are counted in the database inside the signing transaction, so they
hold across workers; ProxyFix decides whether X-Forwarded-For is the citizen's address.
"""

import time

from sqlalchemy import select

from civic.extensions import db
from civic.petitions import services
from civic.petitions.models import Signature
from tests.support.served import Browser, Gunicorn, at_once

BURST_SECONDS = 20


def _ready_browsers(server, petition_id, addresses):
    """One visitor per address, each holding the CSRF token of the petition's page."""
    browsers = []
    for ip in addresses:
        browser = Browser(server.url, forwarded_for=ip)
        browser.token = browser.get(f"/petitions/{petition_id}").csrf()
        browsers.append(browser)
    return browsers


def _sign_all(browsers, petition_id, tag):
    def sign(i):
        browser = browsers[i]
        return browser.post(
            f"/petitions/{petition_id}/sign",
            {
                "csrf_token": browser.token,
                # Names hold letters only (digits are refused): the index spelled in letters.
                "full_name": f"Підписант Мережі {tag}-{''.join('абвгдежзик'[int(d)] for d in str(i))}",
                "email": f"citizen-{tag}-{i}@ukr.net",
            },
        )

    return at_once(len(browsers), sign)


def _start_of_next_burst_window():
    """Sleep to just after a burst-window edge so a parallel round stays inside one window."""
    time.sleep(BURST_SECONDS - time.time() % BURST_SECONDS + 0.2)


def _signatures(petition_id):
    db.session.expire_all()
    return list(db.session.scalars(select(Signature).where(Signature.petition_id == petition_id)))


def test_block_limit_holds_across_workers_burst_then_sustained(
    database_url, tmp_path, make_petition
):
    petition = make_petition("collecting", on=services.today_kyiv())
    settings = {
        "CIVIC_PROXY_FIX_X_FOR": "1",
        "CIVIC_PETITION_SIGN_LIMIT_PER_BLOCK": f"5 per {BURST_SECONDS} seconds; 8 per day",
    }
    with Gunicorn(database_url, tmp_path / "instance", settings=settings) as server:
        first = _ready_browsers(server, petition.id, [f"198.51.100.{i}" for i in range(1, 21)])
        _start_of_next_burst_window()
        burst = _sign_all(first, petition.id, "a")
        assert sorted(r.status for r in burst) == [201] * 5 + [400] * 15
        refused = [r.text for r in burst if r.status == 400]
        assert all("З вашої мережі (198.51.100.0/24)" in t for t in refused), refused[0][:2000]
        assert all("Спробуйте через" in t for t in refused)

        second = _ready_browsers(server, petition.id, [f"198.51.100.{i}" for i in range(101, 121)])
        _start_of_next_burst_window()
        sustained = _sign_all(second, petition.id, "b")
        assert sorted(r.status for r in sustained) == [201] * 3 + [400] * 17  # 8 a day in all

        elsewhere = Browser(server.url, forwarded_for="192.0.2.44")
        ok = elsewhere.submit(
            f"/petitions/{petition.id}/sign",
            {"full_name": "Підписант Іншої Мережі", "email": "other@ukr.net"},
            form_path=f"/petitions/{petition.id}",
        )
        assert ok.status == 201
    signatures = _signatures(petition.id)
    assert len(signatures) == 9
    assert sorted({s.ip.rpartition(".")[0] for s in signatures}) == ["192.0.2", "198.51.100"]


def test_without_proxy_fix_forwarded_for_is_ignored_and_memory_storage_warns(
    database_url, tmp_path, make_petition
):
    petition = make_petition("collecting", on=services.today_kyiv())
    with Gunicorn(database_url, tmp_path / "instance") as server:
        visitor = Browser(server.url, forwarded_for="203.0.113.9")
        response = visitor.submit(
            f"/petitions/{petition.id}/sign",
            {"full_name": "Коваль Ірина Петрівна", "email": "iryna@ukr.net"},
            form_path=f"/petitions/{petition.id}",
        )
        assert response.status == 201
        log = server.output()
    (signature,) = _signatures(petition.id)
    assert signature.ip == "127.0.0.1"  # a forged header changes nothing
    assert "RATELIMIT_STORAGE_URI is memory:// with 2 gunicorn workers" in log


def test_one_worker_with_memory_storage_does_not_warn(database_url, tmp_path):
    with Gunicorn(database_url, tmp_path / "instance", workers=1) as server:
        assert Browser(server.url).get("/healthz").status == 200
        log = server.output()
    assert "Booting worker" in log and "RATELIMIT_STORAGE_URI is memory://" not in log
