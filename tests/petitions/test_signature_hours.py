"""The trigger-kept ``petition_signature_hours`` (migration 0022) equals a fresh grouped count
of counted signatures after any sequence of writes, on both databases, whoever writes."""

import datetime as dt
import random

import pytest
from sqlalchemy import delete, insert, select, update

from civic.extensions import db
from civic.petitions import invalidation, queries, retention, services
from civic.petitions.invalidation import InvalidationCriteria
from civic.petitions.models import Petition, Signature, SignatureHour

BASE = dt.datetime(2026, 3, 28, 21, 30, tzinfo=dt.UTC)  # a Kyiv midnight and a DST change near
S = Signature.__table__


def _fresh_aggregate() -> dict:
    counts: dict = {}
    rows = db.session.execute(
        select(S.c.petition_id, S.c.confirmed_at).where(
            S.c.confirmed_at.is_not(None), S.c.invalidated_at.is_(None)
        )
    )
    for petition_id, confirmed_at in rows:
        hour = confirmed_at.astimezone(dt.UTC).replace(minute=0, second=0, microsecond=0)
        key = (petition_id, hour.replace(tzinfo=None))
        counts[key] = counts.get(key, 0) + 1
    return counts


def _kept() -> dict:
    h = SignatureHour.__table__.c
    rows = db.session.execute(select(h.petition_id, h.hour, h.count).where(h.count > 0))
    return {(p, hour): n for p, hour, n in rows}


def _moment(rng: random.Random) -> dt.datetime:
    return BASE + dt.timedelta(minutes=rng.randrange(0, 60 * 30), microseconds=rng.randrange(10**6))


def _random_step(rng: random.Random, petition_ids: list[int], n: int) -> None:
    ids = list(db.session.scalars(select(S.c.id)))
    kind = rng.choice(
        ["sign", "sign_confirmed", "confirm", "invalidate", "restore", "move", "delete", "purge"]
    )
    if kind.startswith("sign") or not ids:
        db.session.execute(
            insert(S).values(
                petition_id=rng.choice(petition_ids),
                full_name="Підписант Випадковий",
                email=f"r{n}@example.com",
                email_hash=f"hash-{n}",
                email_domain="example.com",
                created_at=BASE,
                confirmed_at=_moment(rng) if kind == "sign_confirmed" else None,
            )
        )
        return
    target = S.c.id == rng.choice(ids)
    if kind == "confirm":
        statement = update(S).where(target, S.c.confirmed_at.is_(None))
        db.session.execute(statement.values(confirmed_at=_moment(rng)))
    elif kind == "invalidate":
        db.session.execute(update(S).where(target).values(invalidated_at=_moment(rng)))
    elif kind == "restore":
        db.session.execute(update(S).where(target).values(invalidated_at=None))
    elif kind == "move":
        db.session.execute(update(S).where(target).values(confirmed_at=_moment(rng)))
    elif kind == "delete":
        db.session.execute(delete(S).where(target))
    else:  # what retention writes: not the counted columns
        db.session.execute(update(S).where(target).values(email=None, ip=None))


@pytest.mark.parametrize("seed", range(4))
def test_hours_equal_a_fresh_count_after_random_writes(make_petition, seed):
    rng = random.Random(seed)
    petitions = [make_petition("collecting", signatures=2) for _ in range(3)]
    ids = [p.id for p in petitions]
    assert _kept() == _fresh_aggregate() and sum(_kept().values()) == 6
    for n in range(120):
        _random_step(rng, ids, n)
        if n % 10 == 0:
            db.session.commit() if rng.random() < 0.7 else db.session.rollback()
            assert _kept() == _fresh_aggregate()
    db.session.commit()
    assert _kept() == _fresh_aggregate()
    db.session.execute(delete(Petition.__table__).where(Petition.__table__.c.id == ids[0]))
    db.session.commit()
    assert _kept() == _fresh_aggregate()
    assert all(p != ids[0] for p, _ in _kept())  # the petition's hours went with it


def test_the_services_keep_the_hours(make_petition, moderators):
    """Signing, confirming, bulk invalidation and the retention purge as the app does them."""
    petition = make_petition("collecting", signatures=5)
    assert _kept() == _fresh_aggregate()
    assert sum(n for _, n in queries.signatures_by_day(petition)) == 5
    record = invalidation.invalidate_signatures(
        petition,
        InvalidationCriteria(
            email_domain="example.com", ip_network="", signed_from=None, signed_to=None
        ),
        actor=moderators[0],
        reason="Боти",
        now=services.utcnow(),
    )
    if record.status == "proposed":  # all of them: a second moderator confirms
        invalidation.confirm_invalidation(
            petition, record.id, actor=moderators[1], now=services.utcnow()
        )
    db.session.commit()
    assert _kept() == _fresh_aggregate()
    assert queries.signatures_by_day(petition) == []
    retention.purge_personal_data(today=services.today_kyiv() + dt.timedelta(days=4000))
    db.session.commit()
    assert _kept() == _fresh_aggregate()


def test_the_chart_reads_kyiv_days_from_the_hours(make_petition):
    petition = make_petition("collecting")
    for n, moment in enumerate(
        [
            dt.datetime(2026, 3, 28, 21, 59, tzinfo=dt.UTC),  # 23:59 in Kyiv, 28 March
            dt.datetime(2026, 3, 28, 22, 0, tzinfo=dt.UTC),  # 00:00 in Kyiv, 29 March
            dt.datetime(2026, 3, 29, 20, 59, tzinfo=dt.UTC),  # 23:59 summer time, 29 March
        ]
    ):
        db.session.execute(
            insert(S).values(
                petition_id=petition.id,
                full_name="Підписант",
                email_hash=f"h{n}",
                email_domain="example.com",
                created_at=moment,
                confirmed_at=moment,
            )
        )
    db.session.commit()
    assert queries.signatures_by_day(petition) == [
        (dt.date(2026, 3, 28), 1),
        (dt.date(2026, 3, 29), 2),
    ]


def test_the_migration_fills_the_hours_of_existing_signatures(make_petition):
    from flask_migrate import downgrade, upgrade

    make_petition("collecting", signatures=3)
    make_petition("collecting", on=dt.date(2021, 2, 1), signatures=2)
    db.session.commit()
    db.session.close()
    downgrade(revision="0021_count_state")
    upgrade()
    assert _kept() == _fresh_aggregate() and sum(_kept().values()) == 5
