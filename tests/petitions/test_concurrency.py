"""Races on PostgreSQL: parallel duplicate signatures leave exactly one row."""

import threading

import pytest

from civic.extensions import db
from civic.petitions import services
from civic.petitions.models import Signature


def test_parallel_duplicate_signatures_yield_one_row(app, make_petition):
    if db.engine.dialect.name != "postgresql":
        pytest.skip("the race is meaningful on PostgreSQL (SQLite serialises writers)")
    petition_id = make_petition("collecting", on=services.today_kyiv()).id
    barrier = threading.Barrier(8)
    outcomes = []

    def sign():
        with app.app_context():
            target = services.get_petition(petition_id)
            barrier.wait()
            try:
                services.sign_petition(
                    target, "Коваль Ірина", "Same@Example.com", ip=None, now=services.utcnow()
                )
                db.session.commit()
                outcomes.append("ok")
            except services.PetitionError:
                db.session.rollback()
                outcomes.append("refused")
            finally:
                db.session.remove()

    threads = [threading.Thread(target=sign) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    rows = db.session.scalars(db.select(Signature).where(Signature.petition_id == petition_id))
    assert len(list(rows)) == 1
    assert len(outcomes) == 8 and "ok" in outcomes
