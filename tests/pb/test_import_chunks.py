"""A ballot file read a chunk at a time, column by column (issue 15 point 4), stores exactly
what reading it line by line stores, and refuses a bad file with the same problems.

Files mix plain lines with every kind of line the column-wise reading must leave to the
line-by-line one: an empty, long or repeated ballot number, an unknown channel, an impossible
date, a control character, a blank or short line; the chunks and the memos are made tiny so
that chunk edges and memo restarts fall everywhere.
"""

import itertools

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from civic.extensions import db
from civic.pb import bulk, imports, services
from civic.pb.models import Ballot, Edition

from .test_fast_count import EDITION, HEADER, PROJECTS

PLAIN = [
    " {n} ; онлайн ; 12.11.2020 ; Іван Петренко ; 01.02.1980 ; НК12345{d} ; м. Ніжин ; М-01 , В-01 ",
    "{n};паперовий;2020-11-13;Олена;;AB00011{d};Ніжин;m-02,В-02",
    " {n} ; ONLINE ; 25.11.2020 ; ; 29.02.2004 ; ор 90909{d} ; Переяслівка ; ",
    "{n};онлайн;;Марія;;;;В-01",
    "{n};Папір;09.11.2020;Петро;01.01.2010;ТТ55544{d};с. Кунашівка;М-03;М-03",
]
ODD = [
    ";онлайн;12.11.2020;Іван;01.02.1980;НК1;Ніжин;М-01",  # no ballot number
    "{long};онлайн;12.11.2020;Іван;01.02.1980;НК1;Ніжин;М-01",  # too long
    "1;онлайн;12.11.2020;Іван;01.02.1980;НК1;Ніжин;М-01",  # a number that repeats
    "{n};пошта;12.11.2020;Іван;01.02.1980;НК1;Ніжин;М-01",  # unknown channel
    "{n};онлайн;31.02.2020;Іван;01.02.1980;НК1;Ніжин;М-01",  # no such date
    "{n};онлайн;12.11.2020;Іван;1980-13-01;НК1;Ніжин;М-01",  # no such birth date
    "{n};онлайн;12.11.2020;Ів\x07ан;01.02.1980;НК1;Ніжин;М-01",  # a control character
    " ; ; ; ; ; ; ; ",  # blank
    "{n};онлайн;12.11.2020",  # short
]
lines = st.lists(
    st.tuples(
        st.booleans(),
        st.integers(0, len(ODD) - 1),
        st.integers(0, len(PLAIN) - 1),
        st.integers(0, 9),
    ),
    min_size=1,
    max_size=40,
)
SLUGS = itertools.count(1)


def build(spec) -> bytes:
    out = [HEADER]
    for n, (odd, which, plain, digit) in enumerate(spec, start=1):
        template = ODD[which] if odd else PLAIN[plain]
        out.append(template.format(n=n, d=digit, long="9" * 61) + "\r\n")
    return "".join(out).encode("cp1251")


def stored(edition: Edition) -> list[tuple]:
    table = Ballot.__table__
    columns = [c for c in table.c if c.name not in ("id", "edition_id", "import_id")]
    rows = db.session.execute(
        select(*columns).where(table.c.edition_id == edition.id).order_by(table.c.ballot_id)
    ).all()
    return [tuple(row) for row in rows]


def imported(data: bytes, *, line_by_line: bool, monkeypatch, reader_process: bool = False):
    """(rows, ballots digest) or the refusal's (message, problems)."""
    edition = services.save_edition(
        EDITION.format(slug=f"ch-{next(SLUGS)}", duplicates="first_cast")
    )
    imports.import_projects(edition, PROJECTS.encode("cp1251"), "projects.csv")
    with monkeypatch.context() as patch:
        if line_by_line:
            patch.setattr(imports, "fast_rows", lambda *args: None)
        try:
            with db.session.begin_nested():
                imports.import_ballots(edition, data, "ballots.csv", reader_process=reader_process)
        except services.PbError as error:
            return "refused", error.message, error.problems
    return "stored", stored(edition), edition.ballots_digest


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(spec=lines, chunk=st.integers(1, 9), memo=st.integers(1, 6))
def test_column_wise_chunks_store_what_line_by_line_reading_stores(
    app, monkeypatch, spec, chunk, memo
):
    data = build(spec)
    with monkeypatch.context() as patch:
        patch.setattr(imports, "CHUNK", chunk)
        patch.setattr(bulk, "MEMO_LIMIT", memo)
        fast = imported(data, line_by_line=False, monkeypatch=monkeypatch)
        slow = imported(data, line_by_line=True, monkeypatch=monkeypatch)
    assert fast == slow
    if not any(odd for odd, *_ in spec):
        assert fast[0] == "stored" and len(fast[1]) == len(spec)


def test_a_plain_file_is_read_column_wise(app, monkeypatch):
    """The plain lines of the held-out shape take the column-wise path, every chunk."""
    calls = []
    original = bulk.fast_rows

    def counted(*args):
        rows = original(*args)
        calls.append(rows is not None)
        return rows

    monkeypatch.setattr(imports, "fast_rows", counted)
    monkeypatch.setattr(imports, "CHUNK", 3)
    kind, rows, digest = imported(
        build([(False, 0, k % len(PLAIN), k % 10) for k in range(10)]),
        line_by_line=False,
        monkeypatch=monkeypatch,
    )
    assert kind == "stored" and len(rows) == 10 and digest
    assert calls == [True] * 4


@pytest.mark.parametrize("which", range(len(ODD)))
def test_each_odd_line_leaves_its_chunk_to_the_line_by_line_reading(app, monkeypatch, which):
    spec = [(False, 0, 0, 1), (True, which, 0, 0), (False, 1, 1, 2)]
    fast = imported(build(spec), line_by_line=False, monkeypatch=monkeypatch)
    assert fast == imported(build(spec), line_by_line=True, monkeypatch=monkeypatch)


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(spec=lines, chunk=st.integers(1, 9))
def test_a_file_read_in_a_reader_process_stores_what_reading_it_here_stores(
    app, monkeypatch, spec, chunk
):
    """The CLI's reading in a forked process (``reader_process``) stores the same rows and
    digest, and refuses a bad file with the same message and problems."""
    data = build(spec)
    with monkeypatch.context() as patch:
        patch.setattr(imports, "CHUNK", chunk)
        patch.setattr(imports, "READER_PROCESS_LINES", 0)
        here = imported(data, line_by_line=False, monkeypatch=monkeypatch)
        there = imported(data, line_by_line=False, monkeypatch=monkeypatch, reader_process=True)
    assert there == here


def test_a_reader_process_that_fails_fails_the_import(app, monkeypatch):
    """A failure in the reader process is raised in the importing one (and nothing stays)."""

    def broken(*args):
        raise ZeroDivisionError("boom")

    monkeypatch.setattr(imports, "READER_PROCESS_LINES", 0)
    monkeypatch.setattr(imports, "fast_rows", broken)
    edition = services.save_edition(EDITION.format(slug="ch-broken", duplicates="first_cast"))
    imports.import_projects(edition, PROJECTS.encode("cp1251"), "projects.csv")
    with pytest.raises(ZeroDivisionError, match="boom"), db.session.begin_nested():
        imports.import_ballots(
            edition, build([(False, 0, 0, 1)]), "ballots.csv", reader_process=True
        )
    assert stored(edition) == []
