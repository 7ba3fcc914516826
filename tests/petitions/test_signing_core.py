"""The lighter signing path (issue 15 point 5): Core statements instead of ORM objects give the
same rows, on both databases, and keep every signature exactly once."""

import datetime as dt

import pytest
from sqlalchemy import inspect

from civic import database
from civic.extensions import db
from civic.mail.models import OutboxMessage
from civic.petitions import services, signatures
from civic.petitions.models import Petition, Signature
from tests.petitions.conftest import at

D = dt.date


def columns() -> list[str]:
    return [c.key for c in inspect(Signature).column_attrs]


def stored(signature_id: int) -> dict:
    """The row as the database holds it, read by a fresh ORM load."""
    db.session.expire_all()
    row = db.session.get(Signature, signature_id)
    return {name: getattr(row, name) for name in columns()}


def link_of(address: str) -> str:
    mails = db.session.scalars(db.select(OutboxMessage).where(OutboxMessage.recipient == address))
    return list(mails)[-1].body.split("/petitions/signatures/")[1].split()[0]


def test_the_inserted_signature_is_the_row_the_database_holds(make_petition):
    petition = make_petition("collecting", on=D(2020, 11, 5))
    now = at(D(2020, 11, 6))
    signature = signatures.sign_petition(
        petition,
        "  Коваль Ірина Петрівна ",
        " Iryna.Koval@Ukr.Net ",
        ip="10.1.1.1",
        now=now,
        notify_on_answer=True,
    )
    in_session = {name: getattr(signature, name) for name in columns()}
    assert inspect(signature).persistent and signature in db.session
    db.session.commit()
    assert stored(signature.id) == in_session
    assert in_session == {
        **in_session,
        "petition_id": petition.id,
        "full_name": "Коваль Ірина Петрівна",
        "email": "iryna.koval@ukr.net",
        "email_hash": services.email_hash("iryna.koval@ukr.net"),
        "email_domain": "ukr.net",
        "ip": "10.1.1.1",
        "created_at": now,
        "confirmation_mailed_at": now,
        "confirmed_at": None,
        "invalidated_at": None,
        "invalidation_id": None,
        "notify_on_answer": True,
    }
    assert len(in_session["token_hash"]) == 64 and in_session["token_hash"] != link_of(
        "iryna.koval@ukr.net"
    )


def signed_once(make_petition):
    """A collecting petition with one unconfirmed signature of i@example.com (committed)."""
    petition = make_petition("collecting", on=D(2020, 11, 5))
    signatures.sign_petition(
        petition, "Коваль Ірина", "i@example.com", ip=None, now=at(D(2020, 11, 6))
    )
    db.session.commit()
    return petition


def test_a_second_signing_with_the_same_mailbox_adds_no_row(make_petition):
    petition = make_petition("collecting", on=D(2020, 11, 5))
    first = signatures.sign_petition(
        petition, "Коваль Ірина", "i@example.com", ip=None, now=at(D(2020, 11, 6))
    )
    db.session.commit()
    # After the mail window: the same row gets a fresh link, nothing is inserted.
    again = signatures.sign_petition(
        petition, "Коваль Ірина Петрівна", "I@Example.com", ip=None, now=at(D(2020, 11, 6), 12)
    )
    db.session.commit()
    assert again.id == first.id
    count = db.session.scalar(
        db.select(db.func.count(Signature.id)).where(Signature.petition_id == petition.id)
    )
    assert count == 1
    assert stored(first.id)["full_name"] == "Коваль Ірина Петрівна"


def test_the_link_reads_the_signature_and_its_petition_as_the_orm_does(make_petition):
    petition = signed_once(make_petition)
    token = link_of("i@example.com")
    pending = signatures.pending_by_token(token)
    orm = signatures.signature_by_token(token)
    assert (pending.id, pending.full_name, pending.token_hash) == (
        orm.id,
        orm.full_name,
        orm.token_hash,
    )
    assert orm.petition_id == petition.id
    loaded = db.session.get(Petition, orm.petition_id)
    assert pending.petition == signatures.PetitionHead(
        loaded.id, loaded.title, loaded.state, loaded.collection_ends_on
    )
    assert signatures.pending_by_token("") is None
    assert signatures.pending_by_token(token[:-1] + ("A" if token[-1] != "A" else "B")) is None


def test_a_link_confirms_once_and_moves_the_counter_once(make_petition):
    petition = signed_once(make_petition)
    token = link_of("i@example.com")
    pending = signatures.pending_by_token(token)
    assert signatures.confirm_pending(pending, now=at(D(2020, 11, 7))) == 1
    db.session.commit()
    with pytest.raises(services.SignatureAlreadyCounted):
        signatures.confirm_pending(pending, now=at(D(2020, 11, 7), 11))
    db.session.rollback()
    row = stored(pending.id)
    assert row["confirmed_at"] == at(D(2020, 11, 7)) and row["token_hash"] is None
    assert db.session.get(Petition, petition.id).signature_count == 1
    assert signatures.pending_by_token(token) is None  # the link is spent
    assert (
        "/petitions/signatures/"
        not in db.session.scalars(
            db.select(OutboxMessage.body).where(OutboxMessage.recipient == "i@example.com")
        ).one()
    )  # and cut out of the stored copy


def test_a_closed_collection_refuses_the_link_and_counts_nothing(make_petition):
    petition = signed_once(make_petition)
    pending = signatures.pending_by_token(link_of("i@example.com"))
    late = at(petition.collection_ends_on + dt.timedelta(days=1))
    with pytest.raises(services.PetitionError, match="вже завершено"):
        signatures.confirm_pending(pending, now=late)
    db.session.rollback()
    assert stored(pending.id)["confirmed_at"] is None
    assert db.session.get(Petition, petition.id).signature_count == 0


@pytest.mark.parametrize("url", ["sqlite:///x.db", "sqlite://", "postgresql+psycopg://u@h/db"])
def test_only_sqlite_skips_the_pre_ping(url):
    options = database.engine_options(url, {"pool_pre_ping": True, "echo": False})
    assert options["echo"] is False
    assert options["pool_pre_ping"] is (not url.startswith("sqlite"))


def test_the_engine_pings_only_postgresql(app):
    with app.app_context():
        pings = db.engine.pool._pre_ping
        assert pings is (db.engine.dialect.name == "postgresql")
