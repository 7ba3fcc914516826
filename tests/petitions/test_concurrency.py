"""Races on PostgreSQL: parallel duplicate signatures leave exactly one row."""

import threading

import pytest
from sqlalchemy.orm.exc import StaleDataError

from civic.extensions import db
from civic.petitions import services, signatures
from civic.petitions.models import Petition, Signature


@pytest.mark.postgresql_only
def test_parallel_duplicate_signatures_yield_one_row(app, make_petition):
    petition_id = make_petition("collecting", on=services.today_kyiv()).id
    barrier = threading.Barrier(8)
    outcomes = []

    def sign():
        with app.app_context():
            target = services.get_petition(petition_id)
            barrier.wait(timeout=60)
            try:
                signatures.sign_petition(
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


@pytest.mark.postgresql_only
def test_parallel_moderator_saves_never_overwrite(app, make_petition, moderators):
    petition = make_petition("moderation")
    petition_id, version = petition.id, petition.version_id
    actor_ids = [m.id for m in moderators]
    barrier = threading.Barrier(2)
    outcomes = []

    def save(n):
        with app.app_context():
            from civic.auth.models import User

            actor = db.session.get(User, actor_ids[n])
            target = services.get_petition(petition_id)
            barrier.wait(timeout=60)
            try:
                services.correct_petition(
                    target,
                    actor=actor,
                    version=version,
                    title=f"Правка модератора {n}",
                    text=target.text,
                )
                db.session.commit()
                outcomes.append(n)
            except (StaleDataError, services.StaleEdit):
                db.session.rollback()
                outcomes.append("stale")
            finally:
                db.session.remove()

    threads = [threading.Thread(target=save, args=(n,)) for n in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes, key=str).count("stale") == 1
    winner = next(o for o in outcomes if o != "stale")
    db.session.expire_all()
    saved = db.session.get(Petition, petition_id)
    assert saved.title == f"Правка модератора {winner}" and saved.version_id == version + 1
