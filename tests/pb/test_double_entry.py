"""Paper ballots typed twice by two operators; discrepancies; the race on PostgreSQL."""

import datetime as dt
import threading
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from civic.audit.models import AuditEvent
from civic.extensions import db
from civic.pb import double_entry, imports, services
from civic.pb.double_entry import EntryData
from civic.pb.models import Ballot, Discrepancy, Entry
from civic.pb.services import PbError

EXAMPLES = Path(__file__).resolve().parents[2] / "docs" / "examples"


@pytest.fixture
def edition(app):
    edition = services.save_edition((EXAMPLES / "pb-edition.toml").read_text(encoding="utf-8"))
    imports.import_projects(edition, (EXAMPLES / "pb-projects.csv").read_bytes(), "p.csv")
    db.session.commit()
    return edition


@pytest.fixture
def operators(create_user):
    return create_user("op1", "commission"), create_user("op2", "commission")


def form(**changes):
    values = {
        "batch": "1",
        "number": "17",
        "cast_on": dt.date(2020, 11, 10),
        "full_name": "Іваненко Іван Іванович",
        "birth_date": dt.date(1990, 2, 1),
        "document": "НК 123456",
        "settlement": "м. Ніжин",
        "address": "вул. Гоголя, 1",
        "projects": "М-01, В-01",
    }
    values.update(changes)
    return EntryData(**values)


def count(model):
    return db.session.scalar(select(func.count()).select_from(model))


def test_two_agreeing_entries_make_one_ballot(edition, operators):
    op1, op2 = operators
    assert double_entry.record_entry(edition, op1, form()).status == "first"
    assert count(Ballot) == 0
    # Spelling differences that mean the same thing are not discrepancies.
    second = form(
        document="hk123456",
        settlement="Ніжин",
        projects="В-01 м-01",
        full_name=" іваненко  Іван Іванович",
    )
    assert double_entry.record_entry(edition, op2, second).status == "agreed"
    db.session.commit()
    ballot = db.session.scalar(select(Ballot))
    assert (ballot.ballot_id, ballot.channel, ballot.source) == ("1/17", "paper", "entry")
    # Its frozen checks and normalised codes are stored with it, as an import stores them.
    assert (ballot.frozen_reason, ballot.codes_key) == ("", "М-01,В-01")
    assert services.tally(edition).valid == 1


def test_the_same_operator_cannot_enter_both_copies(edition, operators):
    op1, _ = operators
    double_entry.record_entry(edition, op1, form())
    with pytest.raises(PbError, match="інший"):
        double_entry.record_entry(edition, op1, form())


def test_a_third_entry_is_refused(edition, operators, create_user):
    op1, op2 = operators
    double_entry.record_entry(edition, op1, form())
    double_entry.record_entry(edition, op2, form())
    with pytest.raises(PbError, match="двічі"):
        double_entry.record_entry(edition, create_user("op3", "commission"), form())


def test_discrepancy_goes_to_the_queue_and_is_resolved_with_an_audit_event(
    edition, operators, create_user
):
    op1, op2 = operators
    member = create_user("member", "commission")
    double_entry.record_entry(edition, op1, form())
    outcome = double_entry.record_entry(
        edition, op2, form(projects="М-04, В-01", birth_date=dt.date(1990, 2, 7))
    )
    db.session.commit()
    assert outcome.status == "discrepancy"
    (discrepancy,) = services.list_discrepancies(edition)
    assert discrepancy.fields == ["birth_date", "projects"]
    assert count(Ballot) == 0
    with pytest.raises(PbError, match="Закрити"):
        services.close_edition(edition, on=dt.date(2020, 11, 23))
    with pytest.raises(PbError, match="чому"):
        double_entry.resolve_discrepancy(
            edition, discrepancy, member, {"birth_date": 1, "projects": 2}, " "
        )
    ballot = double_entry.resolve_discrepancy(
        edition, discrepancy, member, {"birth_date": 1, "projects": 2}, "На бланку позначено М-04"
    )
    db.session.commit()
    assert ballot.projects == "М-04,В-01" and ballot.birth_date == dt.date(1990, 2, 1)
    assert db.session.get(Discrepancy, discrepancy.id).is_resolved
    event = db.session.scalar(
        select(AuditEvent).where(AuditEvent.action == "pb.discrepancy_resolved")
    )
    assert event.actor_login == "member" and event.details["note"] == "На бланку позначено М-04"
    with pytest.raises(PbError, match="уже розглянуто"):
        double_entry.resolve_discrepancy(
            edition, discrepancy, member, {"birth_date": 1, "projects": 1}, "x"
        )


@pytest.mark.parametrize(("resolver", "copy"), [("op1", 1), ("op2", 2)])
def test_an_operator_cannot_resolve_the_discrepancy_of_a_form_they_typed(
    edition, operators, resolver, copy
):
    """Issue 12, point 11: the typist of copy 1 must not decide in favour of copy 1."""
    op1, op2 = operators
    double_entry.record_entry(edition, op1, form())
    double_entry.record_entry(edition, op2, form(projects="М-04, В-01"))
    db.session.commit()
    (discrepancy,) = services.list_discrepancies(edition)
    operator = {"op1": op1, "op2": op2}[resolver]
    with pytest.raises(PbError, match=f"Ви вводили копію {copy} цього бюлетеня"):
        double_entry.resolve_discrepancy(
            edition, discrepancy, operator, {"projects": copy}, "Моя копія правильна"
        )
    db.session.rollback()
    assert not db.session.get(Discrepancy, discrepancy.id).is_resolved
    assert count(Ballot) == 0
    assert (
        db.session.scalar(
            select(func.count())
            .select_from(AuditEvent)
            .where(AuditEvent.action == "pb.discrepancy_resolved")
        )
        == 0
    )


def test_entries_after_closing_are_refused(edition, operators):
    op1, op2 = operators
    double_entry.record_entry(edition, op1, form())
    double_entry.record_entry(edition, op2, form())
    services.close_edition(edition, on=dt.date(2020, 11, 23))
    db.session.commit()
    with pytest.raises(PbError, match="закрито"):
        double_entry.record_entry(edition, op1, form(number="18"))


@pytest.mark.postgresql_only
def test_two_operators_entering_the_same_ballot_at_once(app_factory, database_url, create_user):
    """On PostgreSQL the unique constraints serialise the two saves: two entries, one ballot."""
    op1, op2 = create_user("op1", "commission"), create_user("op2", "commission")
    services.save_edition((EXAMPLES / "pb-edition.toml").read_text(encoding="utf-8"))
    imports.import_projects(
        db.session.scalar(select(services.Edition)),
        (EXAMPLES / "pb-projects.csv").read_bytes(),
        "p.csv",
    )
    db.session.commit()
    ids = (op1.id, op2.id)
    # Apps are built here, not in the threads: building apps concurrently is not what is tested.
    workers = {user_id: app_factory() for user_id in ids}
    for round_ in range(8):
        barrier = threading.Barrier(2)
        errors = []

        def enter(user_id, round_=round_, barrier=barrier, errors=errors):
            worker = workers[user_id]
            with worker.app_context():
                try:
                    from civic.auth.models import User

                    user = db.session.get(User, user_id)
                    edition = services.get_edition("gb-2021")
                    barrier.wait(timeout=60)
                    double_entry.record_entry(edition, user, form(number=str(round_)))
                    db.session.commit()
                except Exception as error:  # pragma: no cover - reported below
                    db.session.rollback()
                    errors.append(error)
                finally:
                    db.session.remove()

        threads = [threading.Thread(target=enter, args=(i,)) for i in ids]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert errors == []
    db.session.expire_all()
    assert count(Entry) == 16
    assert count(Ballot) == 8
    copies = db.session.execute(select(Entry.number, func.count()).group_by(Entry.number)).all()
    assert all(n == 2 for _, n in copies)


def test_two_members_resolving_the_same_discrepancy(app_factory, database_url, create_user):
    """Optimistic locking: the second resolution of one discrepancy is refused, not doubled."""
    from sqlalchemy.orm.exc import StaleDataError

    op1, op2 = create_user("op1", "commission"), create_user("op2", "commission")
    m1, m2 = create_user("m1", "commission"), create_user("m2", "commission")
    edition = services.save_edition((EXAMPLES / "pb-edition.toml").read_text(encoding="utf-8"))
    imports.import_projects(edition, (EXAMPLES / "pb-projects.csv").read_bytes(), "p.csv")
    double_entry.record_entry(edition, op1, form())
    double_entry.record_entry(edition, op2, form(projects="М-04, В-01"))
    db.session.commit()
    (discrepancy,) = services.list_discrepancies(edition)
    other = app_factory()
    with other.app_context():
        from civic.auth.models import User

        rival = db.session.get(Discrepancy, discrepancy.id)
        rival_edition = services.get_edition("gb-2021")
        member = db.session.get(User, m2.id)
        double_entry.resolve_discrepancy(rival_edition, rival, member, {"projects": 2}, "М-04")
        db.session.commit()
        db.session.remove()
    with pytest.raises((StaleDataError, PbError, IntegrityError)):
        double_entry.resolve_discrepancy(edition, discrepancy, m1, {"projects": 1}, "М-01")
        db.session.flush()
    db.session.rollback()
    assert count(Ballot) == 1
