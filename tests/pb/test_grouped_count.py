"""The grouped count's edges: hostile code lists, a refused big file, rows stored before the
frozen checks existed; each equals the plain recount."""

from datetime import date

import pytest
from sqlalchemy import inspect, select, update

from civic.extensions import db
from civic.pb import bulk, imports, pabulib_import, services
from civic.pb.models import Ballot
from tests.pb.test_fast_count import EDITION, PROJECTS, build_file

FIRST = ("НК123456", [False] * 5, 0, "онлайн", date(2020, 11, 10), date(1990, 1, 1), "І", "Ніжин")


def edition_with(slug: str, rows) -> object:
    edition = services.save_edition(EDITION.format(slug=slug, duplicates="first_cast"))
    imports.import_projects(edition, PROJECTS.encode("cp1251"), "projects.csv")
    imports.import_ballots(edition, build_file(rows), "ballots.csv")
    return edition


def plain(edition):
    return services.compute_tally(edition, plain=True)[0]


def test_a_long_list_of_codes_is_judged_exactly(app):
    """A cell of hundreds of distinct codes (longer than the count's index takes) is stored as
    a hash key; the count reads its codes again and judges them as the plain recount does."""
    unknown = [f"Х-{k:03d}" for k in range(300)]
    repeated = ["м-01"] * 300 + ["В-01"]  # normalised and kept once: a valid, short list
    rows = [
        (*FIRST, unknown, []),
        ("АВ000111", *FIRST[1:], repeated, []),
        ("ТТ555444", *FIRST[1:], ["М-01", *unknown[:150], "М-02"], []),
    ]
    edition = edition_with("gb-long", rows)
    result = services.tally(edition)
    db.session.commit()
    reasons = dict(db.session.execute(select(Ballot.ballot_id, Ballot.reason)).all())
    assert reasons == {"1": "unknown_project", "2": None, "3": "unknown_project"}
    assert max(len(k) for k in db.session.scalars(select(Ballot.codes_key))) <= 65
    assert result.valid == 1 and result.digest == plain(edition).digest


def test_a_refused_big_file_leaves_the_ballots_and_their_indexes(app, monkeypatch):
    """A file big enough to have its indexes rebuilt (SQLite) and refused on its last line
    changes nothing: no ballot, every index as before."""
    monkeypatch.setattr(bulk, "BULK_ROWS", 2)
    edition = edition_with("gb-refused", [(*FIRST, ["М-01"], [])])
    db.session.commit()
    before = {i["name"] for i in inspect(db.engine).get_indexes("pb_ballots")}
    rows = [("АВ000111", *FIRST[1:], ["М-02"], [])] * 5
    data = build_file(rows, start=1).replace(b" 6 ; ", b" 2 ; ")  # a repeated ballot number
    with pytest.raises(services.PbError, match="уже є у виданні або у файлі"):
        imports.import_ballots(edition, data, "more.csv")
    db.session.rollback()
    assert {i["name"] for i in inspect(db.engine).get_indexes("pb_ballots")} == before
    assert "ix_pb_ballots_groups" in before
    assert services.count_ballots(edition) == 1
    assert services.tally(edition).received == 1


def test_rows_stored_before_the_checks_are_judged_by_the_next_count(app):
    """Rows from before migration 0015 (no frozen checks, no digest) count as the plain
    recount says, and get their checks stored."""
    rows = [
        (*FIRST, ["М-01"], []),
        ("АВ000111", *FIRST[1:5], date(2012, 1, 1), "І", "Ніжин", ["М-02"], []),
    ]
    edition = edition_with("gb-old", rows)
    db.session.execute(update(Ballot).values(frozen_reason=None, codes_key=None))
    edition.ballots_digest = None
    result = services.tally(edition)
    db.session.commit()
    assert dict(db.session.execute(select(Ballot.ballot_id, Ballot.frozen_reason)).all()) == {
        "1": "",
        "2": "underage",
    }
    assert result.invalid_by_reason["underage"] == 1
    assert result.digest == plain(edition).digest


def test_the_digest_taken_while_importing_is_the_one_read_back(app):
    """An edition's first file gives the digest of its fixed columns from the rows as they are
    inserted: the same, byte for byte, as reading every stored row back in ballot-id order
    (ids 1..12 are not in code point order; missing documents, failed checks, odd codes)."""
    from civic.pb import grouping

    rows = [
        (*FIRST, ["М-01"], []),
        ("", *FIRST[1:], ["м-02", "В-01"], [True, False]),
        ("АВ000111", *FIRST[1:5], date(2012, 1, 1), "І", "Ніжин", ["М-02"], []),
        ("ТТ555444", *FIRST[1:6], "", "Переяслівка", [], []),
        ("НК123456", *FIRST[1:4], date(2020, 12, 1), *FIRST[5:], ["Х-99"], []),
    ] * 3
    edition = edition_with("gb-fed", rows[:12])
    taken = edition.ballots_digest
    assert taken and taken == grouping.store_ballots_digest(edition)
    imports.import_ballots(edition, build_file(rows[12:], start=12), "more.csv")
    both = edition.ballots_digest
    assert both != taken and both == grouping.store_ballots_digest(edition)
    assert services.tally(edition).digest == plain(edition).digest


def test_a_pabulib_editions_digest_taken_while_importing_is_the_one_read_back(app):
    """A pabulib file makes a new edition: the digest of its ballots' fixed columns comes from
    the rows as they are inserted, the same as reading them back (ids out of code point
    order, paper and online, an empty vote)."""
    from civic.pb import grouping

    text = (
        "META\nkey;value\nnum_projects;2\nnum_votes;12\nbudget;1000\nvote_type;approval\n"
        "rule;greedy\nPROJECTS\nproject_id;cost;name\n1;400;Сквер\n2;500;Лавки\n"
        "VOTES\nvoter_id;vote;voting_method\n"
        + "".join(
            f"{k};{'1,2' if k % 3 else '2'};{'paper' if k % 2 else 'internet'}\n"
            for k in range(11, 0, -1)
        )
        + "12;;paper\n"
    )
    edition = pabulib_import.import_pabulib(text, "fed-pabulib", "vote.pb")
    taken = edition.ballots_digest
    assert taken and taken == grouping.store_ballots_digest(edition)
    assert services.tally(edition).digest == plain(edition).digest
