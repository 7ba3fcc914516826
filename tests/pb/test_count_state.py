"""The count's stored groups (``civic.pb.grouping.stored_tally``): an import judges its ballots
as a count does, so the first count after it reads one row instead of the ballots; whatever
changes the ballots or the projects makes the next count read the ballots again; a damaged row
is not trusted; the closing count always reads the ballots. Every count equals the plain
recount written out from the stored rows (``tests/pb/test_fast_count.py``)."""

import datetime as dt
import json
import zlib

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select, update

from civic import database
from civic.extensions import db
from civic.pb import double_entry, grouping, imports, services
from civic.pb.double_entry import EntryData
from civic.pb.models import Ballot, CountState
from tests.pb.test_fast_count import (
    ADMITTED,
    ADMITTED_LATER,
    EDITION,
    PROJECTS,
    SLUGS,
    assert_plain_recount,
    ballot_rows,
    build_file,
    reference_reasons,
)


@pytest.fixture
def reads(monkeypatch):
    """How many times a count read the ballots' groups from the ballots table."""
    calls = []
    real = grouping.read_groups

    def spy(edition):
        calls.append(edition.slug)
        return real(edition)

    monkeypatch.setattr(grouping, "read_groups", spy)
    return calls


def new_edition(rows, *, online_first: bool = False):
    slug = f"gs-{next(SLUGS)}"
    duplicates = "online_first" if online_first else "first_cast"
    edition = services.save_edition(EDITION.format(slug=slug, duplicates=duplicates))
    imports.import_projects(edition, PROJECTS.encode("cp1251"), "projects.csv")
    imports.import_ballots(edition, build_file(rows), "ballots.csv")
    db.session.commit()
    return edition


def stored_rows(edition) -> list[Ballot]:
    db.session.expire_all()
    return list(db.session.scalars(select(Ballot).where(Ballot.edition_id == edition.id)))


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(rows=ballot_rows, online_first=st.booleans())
def test_an_import_stores_the_verdicts_and_the_next_count_reads_one_row(
    app, reads, rows, online_first
):
    edition = new_edition(rows, online_first=online_first)
    stored = stored_rows(edition)
    # Before any count, every ballot already carries the verdict a count gives it.
    assert {row.ballot_id: row.reason for row in stored} == reference_reasons(
        stored, online_first, ADMITTED
    )
    assert edition.status == "draft" and edition.result is None  # nothing published
    reads.clear()
    result = services.tally(edition)
    db.session.commit()
    assert reads == []  # the groups came from the stored state, not from the ballots
    assert_plain_recount(edition, result, rows, online_first, ADMITTED)
    again = services.tally(edition)
    assert reads == [] and again.digest == result.digest


ROWS = [
    ("НК123456", [False] * 5, 0, "паперовий", dt.date(2020, 11, 10), dt.date(1990, 1, 1),
     "Іван Петренко", "м. Ніжин", ["М-01", "В-01"], []),
    ("АВ000111", [True] * 5, 1, "онлайн", dt.date(2020, 11, 11), dt.date(1985, 5, 5),
     "Іван Петренко", "Ніжин", ["М-04"], []),
    ("НК123456", [False] * 5, 2, "онлайн", dt.date(2020, 11, 12), dt.date(1990, 1, 1),
     "Іван Петренко", "с. Кунашівка", ["М-02"], []),
    ("ТТ555444", [False] * 5, 0, "паперовий", dt.date(2020, 11, 13), dt.date(2010, 1, 1),
     "Іван Петренко", "м. Ніжин", ["М-03"], []),
]  # fmt: skip


def test_a_ballot_whose_codes_key_is_a_hash_gets_its_verdict_from_its_codes(app, reads):
    # 120 distinct codes: the key is longer than ballots.LONG_KEY, so it is stored as a hash,
    # and the import judges that ballot by its codes; a short list is judged by its key
    # whatever its spelling (Latin look-alikes, lower case, repeats).
    many = [*ADMITTED, *(f"Ж-{k:03}" for k in range(120))]
    admitted_only = list(ADMITTED)
    rows = [
        ROWS[0][:8] + (many, []),
        ("КК000001",) + ROWS[0][1:8] + (admitted_only[:1] * 3, [True, False, True]),
        ("КК000002",) + ROWS[0][1:8] + (admitted_only[:1], []),
    ]
    edition = new_edition(rows)
    stored = stored_rows(edition)
    assert any(row.codes_key.startswith(",") for row in stored)
    assert {row.ballot_id: row.reason for row in stored} == reference_reasons(
        stored, False, ADMITTED
    )
    reads.clear()
    result = services.tally(edition)
    assert reads == []
    assert_plain_recount(edition, result, rows, False, ADMITTED)


def _second_file(edition):
    more = [ROWS[0][:4] + (dt.date(2020, 11, 9),) + ROWS[0][5:]]  # the same voter, earlier
    imports.import_ballots(edition, build_file(more, start=len(ROWS)), "more.csv")
    return ROWS + more, ADMITTED


def _projects_change(edition):
    later = PROJECTS.replace("05.08.2020;не допущено", "05.08.2020;допущено")
    imports.import_projects(edition, later.encode("cp1251"), "projects-2.csv")
    return ROWS, ADMITTED_LATER


@pytest.mark.parametrize("change", [_second_file, _projects_change], ids=["file", "projects"])
def test_a_change_makes_the_next_count_read_the_ballots(app, reads, change):
    edition = new_edition(ROWS)
    first = services.tally(edition)
    db.session.commit()
    reads.clear()
    rows, admitted = change(edition)
    db.session.commit()
    result = services.tally(edition)
    db.session.commit()
    assert reads == [edition.slug]  # once: by the import that ends by counting, or the count
    assert result.digest != first.digest
    assert_plain_recount(edition, result, rows, False, admitted)
    reads.clear()
    assert services.tally(edition).digest == result.digest and reads == []


def test_a_paper_ballot_entered_after_the_import_is_counted(app, reads, create_user):
    edition = new_edition(ROWS)
    first = services.tally(edition)
    db.session.commit()
    entry = EntryData(
        batch="1",
        number="5",
        cast_on=dt.date(2020, 11, 14),
        full_name="Олена Коваль",
        birth_date=dt.date(1970, 3, 3),
        document="ОР909090",
        settlement="м. Ніжин",
        address="",
        projects="М-02",
    )
    for login in ("op1", "op2"):
        double_entry.record_entry(edition, create_user(login, "commission"), entry)
    db.session.commit()
    reads.clear()
    result = services.tally(edition)
    db.session.commit()
    assert reads == [edition.slug]
    assert (result.received, result.valid) == (first.received + 1, first.valid + 1)
    assert services.compute_tally(edition, plain=True)[0].digest == result.digest


def test_an_online_ballot_makes_the_next_count_read_the_ballots(app, reads):
    from civic.identity.citizen import Citizen
    from civic.pb import voting
    from tests.pb.online_support import open_online_edition

    edition = open_online_edition()
    first = services.tally(edition)
    db.session.commit()
    reads.clear()
    assert services.tally(edition).digest == first.digest and reads == []
    citizen = Citizen(
        full_name="Олена Коваль",
        person_hash="p" * 64,
        method="bank_id",
        provider="dev",
        birth_on=dt.date(1970, 3, 3),
        address="м. Ніжин",
        document_hash=services.personal_hash("ОР909090"),
    )
    code = services.list_projects(edition)[0].code
    voting.cast_ballot(edition, citizen, [code], declared=None, now=database.utcnow())
    db.session.commit()
    result = services.tally(edition)
    db.session.commit()
    assert reads == [edition.slug]
    assert result.received == first.received + 1
    assert services.compute_tally(edition, plain=True)[0].digest == result.digest


@pytest.mark.parametrize("damage", [b"not zlib", zlib.compress(b"{not json"), zlib.compress(b"[]")])
def test_a_damaged_state_is_not_trusted(app, reads, damage):
    edition = new_edition(ROWS)
    plain = services.compute_tally(edition, plain=True)[0]
    db.session.execute(
        update(CountState).where(CountState.edition_id == edition.id).values(groups=damage)
    )
    reads.clear()
    assert services.tally(edition).digest == plain.digest
    assert reads == [edition.slug]


def test_the_closing_count_reads_the_ballots_whatever_is_stored(app, reads):
    """A state row altered behind civic's back (one more valid ballot for a project) would show
    in a working count; the closing count, which the protocol prints, reads the ballots, and
    the recount of the closed edition agrees with it."""
    edition = new_edition(ROWS)
    honest = services.compute_tally(edition, plain=True)[0]
    stored = grouping.stored_tally(edition, services.count_rules(edition))
    data = {
        "received": [[c, r, n + (r is None)] for (c, r), n in stored.received.items()],
        "chosen": [[list(k), c, n + 1] for (k, c), n in stored.chosen.items()],
        "duplicates": stored.section["duplicates"],
        "verdicts": stored.section["verdicts"],
    }
    db.session.execute(
        update(CountState)
        .where(CountState.edition_id == edition.id)
        .values(groups=zlib.compress(json.dumps(data).encode()))
    )
    # What a working count would now say (it trusts the row while the ballots are the same):
    assert services.tally(edition).digest != honest.digest
    reads.clear()
    closed = services.close_edition(edition, on=dt.date(2020, 11, 23))
    db.session.commit()
    assert reads == [edition.slug] and closed.digest == honest.digest
    assert services.tally(edition).digest == honest.digest  # the recount of a closed count
