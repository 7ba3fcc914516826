"""Fuzzing the import services against the database (issue 8, point 6).

Every import a user reaches (PB projects, ballots, pabulib, edition TOML; enterprise registry,
statements, plans, catalogue; the report journal) is fed mutations of the real example files
(byte flips, truncation, inserted separators, quotes and line breaks, other encodings, odd cell
values, random bytes, XLSX with random cells). Each call is made as the view or CLI makes it:
either it succeeds and is committed, or it raises the domain's Ukrainian error, the session is
rolled back, and then every table holds exactly what it held before. Any other exception fails.

``CIVIC_FUZZ_SCALE`` multiplies the number of examples (e.g. 10 for a long run).
"""

from __future__ import annotations

import datetime as dt
import io
import itertools
import os
import re

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl.cell.cell import MergedCell

from civic.extensions import db
from civic.tabular import TabularError
from tests.conftest import REPO_ROOT
from tests.support.snapshot import reflected, snapshot

EXAMPLES = REPO_ROOT / "docs" / "examples"
SCALE = float(os.environ.get("CIVIC_FUZZ_SCALE", "1"))
CYRILLIC = re.compile("[а-яіїєґ]", re.IGNORECASE)
NOW = dt.datetime(2021, 3, 1, 12, tzinfo=dt.UTC)

# ---------------------------------------------------------------- mutations

SPECIAL = [
    b";",
    b",",
    b'"',
    b"'",
    b"\n",
    b"\r\n",
    b"\r",
    b"\t",
    b"\x00",
    b"\xff\xfe",
    b"\xef\xbb\xbf",
    b"=",
    b"-",
    b" ",
    b"\xc2\xa0",
    "’".encode(),
]
ODD_CELLS = [
    "",
    " ",
    "-",
    "0",
    "-1",
    "0,001",
    "1e400",
    "NaN",
    "inf",
    "9" * 30,
    "99999999999999999999,99",
    "( 1 234,5 )",
    "1 234 567 890 123,45",
    "31.02.2020",
    "00.00.0000",
    "01.01.0001",
    "31.12.9999",
    "2020-13-45",
    "=1+2",
    "@SUM(A1)",
    '"',
    '""',
    "x" * 5000,
    "паперовий",
    "онлайн",
    "допущено",
    "М-01, В-01, М-01",
    ",,,",
    "Ї" * 400,
]
cell_text = st.one_of(st.sampled_from(ODD_CELLS), st.text(max_size=25))
ENCODINGS = ["cp1251", "utf-16", "latin-1", "koi8-u", "utf-8-sig", "cp866"]


# One mutation, drawn whole and before looking at the file: what is drawn never depends on the
# bytes, so a file that differs between runs (an XLSX book carries the time it was saved) cannot
# make hypothesis's replays draw differently. Positions are taken modulo the file's size.
MUTATION = st.tuples(
    st.sampled_from(
        ["flip", "truncate", "insert", "delete", "line", "cell", "cell", "encode", "swap"]
    ),
    st.integers(0, 2**20),  # position (byte or line)
    st.integers(1, 255),  # xor mask of a flipped byte
    st.sampled_from(SPECIAL),  # inserted bytes
    st.integers(1, 40),  # deleted bytes
    st.integers(0, 3),  # copies of a repeated line (0 drops it)
    st.integers(0, 2**20),  # the other line of a swap
    st.integers(0, 2**20),  # the replaced cell
    cell_text,  # its new value
    st.sampled_from(ENCODINGS),
)


def _mutate(data: bytes, mutation) -> bytes:
    kind, pos, mask, special, deleted, copies, other, cell, value, encoding = mutation
    at = pos % (len(data) + 1)
    if kind == "flip" and data:
        at = min(at, len(data) - 1)
        return data[:at] + bytes([data[at] ^ mask]) + data[at + 1 :]
    if kind == "truncate":
        return data[:at]
    if kind == "insert":
        return data[:at] + special + data[at:]
    if kind == "delete":
        return data[:at] + data[at + deleted :]
    if kind in ("line", "swap", "cell"):
        lines = data.split(b"\n")
        k = pos % len(lines)
        if kind == "line":  # repeat or drop a line
            lines[k : k + 1] = [lines[k]] * copies
        elif kind == "swap":
            j = other % len(lines)
            lines[k], lines[j] = lines[j], lines[k]
        else:  # replace one cell (either separator) with an odd value
            separator = b";" if b";" in lines[k] else b","
            cells = lines[k].split(separator)
            cells[cell % len(cells)] = value.encode("utf-8")
            lines[k] = separator.join(cells)
        return b"\n".join(lines)
    if kind == "encode":
        return data.decode("utf-8", "replace").encode(encoding, "replace")
    return data


def mutated(seed: bytes):
    """The seed file with one to four mutations."""
    return st.lists(MUTATION, min_size=1, max_size=4).map(lambda mutations: _apply(seed, mutations))


def _apply(seed: bytes, mutations) -> bytes:
    data = seed
    for mutation in mutations:
        data = _mutate(data, mutation)
    return data


xlsx_cells = st.one_of(
    st.none(),
    cell_text.map(lambda t: re.sub(r"[\x00-\x08\x0b\x0c\x0e-\x1f]", "", t)),
    st.integers(-(10**20), 10**20),
    st.floats(allow_nan=False, allow_infinity=False),
    st.dates(min_value=dt.date(1900, 1, 1)),
    st.datetimes(min_value=dt.datetime(1900, 1, 1)),
    st.booleans(),
)


def _xlsx(rows: list[list]) -> bytes:
    wb = openpyxl.Workbook()
    ws = wb.active
    for row in rows:
        ws.append(row)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def random_xlsx(header: list[str]):
    """An XLSX whose first row is the expected header (sometimes shuffled) and then odd cells."""
    width = len(header)
    return st.tuples(
        st.permutations(header) | st.just(header),
        st.lists(st.lists(xlsx_cells, min_size=0, max_size=width + 1), max_size=6),
    ).map(lambda hr: _xlsx([list(hr[0]), *hr[1]]))


@st.composite
def xlsx_edited(draw, seed: bytes) -> bytes:
    """A real XLSX example with a few cells overwritten by odd values."""
    wb = openpyxl.load_workbook(io.BytesIO(seed))
    ws = wb.active
    for _ in range(draw(st.integers(1, 5))):
        row = draw(st.integers(1, ws.max_row + 1))
        col = draw(st.integers(1, ws.max_column + 1))
        value = draw(xlsx_cells)
        if not isinstance(ws.cell(row=row, column=col), MergedCell):
            ws.cell(row=row, column=col, value=value)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def csv_payloads(seed: bytes, header: list[str]):
    return st.one_of(
        mutated(seed),
        mutated(seed),
        mutated(seed),
        st.binary(max_size=300),
        random_xlsx(header),
        random_xlsx(header).flatmap(mutated),  # a damaged book
        st.binary(max_size=2000).map(lambda b: b"PK\x03\x04" + b),  # junk behind a zip signature
    )


def xlsx_payloads(seed: bytes, header: list[str]):
    return st.one_of(
        xlsx_edited(seed),
        xlsx_edited(seed),
        mutated(seed),
        random_xlsx(header),
        st.binary(max_size=300),
    )


# ---------------------------------------------------------------- the driver


def examples(sqlite: int) -> int:
    """Examples per target: fewer on PostgreSQL, where each snapshot is a network round trip."""
    on_pg = db.engine.dialect.name == "postgresql"
    return max(10, int((sqlite // 3 if on_pg else sqlite) * SCALE))


def fuzz(payloads, call, errors, *, n: int, names_file: str | None = None, keep: bool = True):
    """Feed ``call`` every payload; commit successes (or, with ``keep=False``, roll them back
    after their inserts so the next file meets the same database), and after a refusal roll
    back and compare every table with the state before. Returns the counts."""
    meta = reflected()
    state = {"before": snapshot(meta, session=True), "accepted": 0, "refused": 0}

    @settings(
        max_examples=examples(n),
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )
    @given(payloads)
    def check(data):
        try:
            call(data)
        except errors as error:
            db.session.rollback()
            message = str(error)
            assert CYRILLIC.search(message), message
            assert "Traceback" not in message
            if names_file and isinstance(error, TabularError | _pb_error()):
                assert f"«{names_file}»" in message or "Видання" in message, message
            assert snapshot(meta, session=True) == state["before"]
            state["refused"] += 1
        except BaseException:
            db.session.rollback()  # leave the session usable for hypothesis's replays
            raise
        else:
            if keep:
                db.session.commit()
                state["before"] = snapshot(meta, session=True)
            else:
                db.session.rollback()
            state["accepted"] += 1

    check()
    assert state["refused"] > 0  # the fuzzing reached the error paths
    test = os.environ.get("PYTEST_CURRENT_TEST", "").split(" ")[0]
    print(f"{test}: {state['accepted']} accepted, {state['refused']} refused")  # shown with -s
    return state


def _pb_error():
    from civic.pb.services import PbError

    return PbError


# ---------------------------------------------------------------- participatory budget


@pytest.fixture
def pb_edition(app):
    from civic.pb import imports, services

    services.save_edition((EXAMPLES / "pb-edition.toml").read_text(encoding="utf-8"))
    edition = services.get_edition("gb-2021")
    imports.import_projects(edition, (EXAMPLES / "pb-projects.csv").read_bytes(), "pb-projects.csv")
    db.session.commit()
    return edition


def test_fuzz_pb_projects_import(pb_edition):
    from civic.pb import imports, projects, services

    seed = (EXAMPLES / "pb-projects.csv").read_bytes()
    header = list(projects.PROJECT_HEADERS.values())
    fuzz(
        csv_payloads(seed, header),
        lambda data: imports.import_projects(pb_edition, data, "проєкти.csv"),
        services.PbError,
        n=150,
        names_file="проєкти.csv",
    )


def test_fuzz_pb_ballots_import(pb_edition):
    from civic.pb import imports, services

    seed = (EXAMPLES / "pb-ballots.csv").read_bytes()
    header = list(imports.BALLOT_HEADERS.values())
    fuzz(
        csv_payloads(seed, header),
        lambda data: imports.import_ballots(pb_edition, data, "бюлетені.csv"),
        services.PbError,
        n=150,
        names_file="бюлетені.csv",
        keep=False,  # else every later file repeats ballot numbers and stops at that check
    )


PABULIB = """META
key;value
description;Громадський бюджет
country;Ukraine
unit;Ніжин
num_projects;3
num_votes;4
budget;1000
vote_type;approval
rule;greedy
date_begin;09.11.2020
date_end;22.11.2020
max_length;2
PROJECTS
project_id;cost;votes;name;category;target;beneficiaries;selected
1;400.0;3;"Park; benches";green;kids;all;1
2;500;2;"The ""big"" one";roads;;;1
3;776.03;1;Lamp;light;;;0
VOTES
voter_id;vote;age;voting_method
a;1,2;30;paper
b;1;41;internet

c;1,2,3;19;internet
d;;55;paper
"""


class Undecodable(Exception):
    """What the CLI reports before the service is called: «файл не в кодуванні UTF-8»."""

    def __str__(self) -> str:
        return "Файл «vote.pb» не в кодуванні UTF-8."


def test_fuzz_pabulib_import(app):
    from civic.pb import pabulib_import, services

    slugs = (f"pb-{k}" for k in itertools.count(1))

    def call(data: bytes) -> None:
        try:  # as `civic pb import-pb` reads the file
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise Undecodable() from None
        pabulib_import.import_pabulib(text, next(slugs), "vote.pb")

    seed = PABULIB.encode()
    fuzz(
        st.one_of(mutated(seed), mutated(seed), mutated(seed), st.binary(max_size=200)),
        call,
        (services.PbError, Undecodable),
        n=150,
        names_file="vote.pb",
    )


def test_fuzz_pb_edition_settings(app):
    from civic.pb import services

    seed = (EXAMPLES / "pb-edition.toml").read_bytes()
    slugs = (f"ed-{k}" for k in itertools.count(1))

    def call(data: bytes) -> None:
        try:  # as `civic pb edition create` reads the file
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise Undecodable() from None
        # A fresh slug each time, so an accepted file creates an edition rather than updating.
        text = text.replace('"gb-2021"', f'"{next(slugs)}"', 1)
        services.save_edition(text)

    fuzz(
        st.one_of(mutated(seed), mutated(seed), st.binary(max_size=200)),
        call,
        (services.PbError, Undecodable),
        n=150,
    )


# ---------------------------------------------------------------- municipal enterprises


@pytest.fixture
def registry(app):
    from civic.enterprises import line_catalogue, services

    line_catalogue.seed_catalogue()
    services.import_enterprise_list((EXAMPLES / "enterprises-list.csv").read_bytes(), "list.csv")
    db.session.commit()
    return services


def test_fuzz_enterprise_registry_import(registry):
    seed = (EXAMPLES / "enterprises-list.csv").read_bytes()
    header = ["Код ЄДРПОУ", "Назва підприємства", "Тип звітності", "Коротка назва", "Галузь"]
    fuzz(
        csv_payloads(seed, header),
        lambda data: registry.import_enterprise_list(data, "список.csv"),
        (registry.UploadRefused,),
        n=120,
    )


@pytest.mark.parametrize(
    "example, form",
    [
        ("enterprise-form1-cp1251.csv", "1"),
        ("enterprise-form1-title.xlsx", "1"),
        ("enterprise-form2-utf8bom.csv", "2"),
        ("enterprise-plan-2020.xlsx", "plan"),
    ],
)
def test_fuzz_enterprise_statement_and_plan_import(registry, example, form):
    seed = (EXAMPLES / example).read_bytes()
    header = ["Стаття", "Код рядка", "На кінець звітного періоду", "План", "Факт"]
    payloads = (
        xlsx_payloads(seed, header) if example.endswith(".xlsx") else (csv_payloads(seed, header))
    )
    years = itertools.cycle(range(2015, 2022))
    filename = "звіт." + example.rsplit(".", 1)[1]

    def call(data: bytes) -> None:
        if form == "plan":
            registry.import_plan(data, filename, edrpou="09900113", year=next(years), now=NOW)
        else:
            registry.import_statement(
                data, filename, edrpou="09900113", year=next(years), form=form, now=NOW
            )

    fuzz(payloads, call, (registry.UploadRefused,), n=60)


def test_fuzz_enterprise_catalogue_import(registry):
    from civic.enterprises import line_catalogue

    seed = (EXAMPLES / "enterprise-catalogue.csv").read_bytes()
    header = ["Код рядка", "Назва коду", "Опис коду", "Одиниці виміру"]
    editions = (f"Редакція {k}" for k in itertools.count(1))
    fuzz(
        csv_payloads(seed, header),
        lambda data: line_catalogue.load_catalogue_file(
            data, "каталог.csv", "plan", next(editions)
        ),
        (TabularError,),
        n=120,
        names_file="каталог.csv",
    )


# ---------------------------------------------------------------- the report journal


def test_fuzz_report_journal_import(app):
    from civic.reports import journal, services

    services.ensure_defaults()
    db.session.commit()
    seed = (EXAMPLES / "report-journal.csv").read_bytes()
    header = ["Дата", "Заголовок", "Посилання", "Тип", "Кількість"]
    fuzz(
        csv_payloads(seed, header),
        lambda data: journal.import_journal(data, "журнал.csv"),
        (TabularError, services.ReportError),
        n=150,
        names_file="журнал.csv",
    )


# ---------------------------------------------------------------- pure: the edition TOML reader


@settings(max_examples=int(300 * SCALE), deadline=None)
@given(
    st.one_of(
        mutated((EXAMPLES / "pb-edition.toml").read_bytes()).map(
            lambda b: b.decode("utf-8", "replace")
        ),
        st.text(max_size=200),
    )
)
def test_edition_reader_never_crashes(text):
    from civic.pb.edition import EditionError, parse_edition

    try:
        parse_edition(text)
    except EditionError as error:
        assert CYRILLIC.search(str(error))
        if "TOML" in str(error):  # a syntax error: the line is named
            assert re.search(r"рядок \d+", str(error)), str(error)
