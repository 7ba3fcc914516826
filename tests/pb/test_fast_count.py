"""The fast import and count agree with a straightforward recount from the stored rows.

Generated files have the shape of the held-out million-ballot edition: cp1251, `;`, Ukrainian
headers, spaces around values, Latin look-alike letters in documents and project codes, dates
as ДД.ММ.РРРР, repeat voters, and every reason a ballot can be invalid for.
"""

import hashlib
import itertools
from datetime import date

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from civic.extensions import db
from civic.pb import imports, services
from civic.pb.ballots import age_on, judge, normalise_code, normalise_settlement
from civic.pb.counting import (
    _project_inputs,
    canonical_json,
    count,
    edition_inputs,
    legacy_digest,
    voting_rules,
)
from civic.pb.models import Ballot

EDITION = """slug = "{slug}"
title = "Громадський бюджет міста Ніжина на 2021 рік"
voting_starts_on = 2020-11-09
voting_ends_on = 2020-11-22
min_age = 16
settlements = ["Ніжин", "Кунашівка"]
duplicates = "{duplicates}"
leftover = "pool"

[[categories]]
code = "small"
title = "Малі проєкти"
budget = "700000.00"
max_choices = 2

[[categories]]
code = "large"
title = "Великі проєкти"
budget = "1500000.00"
max_choices = 1
"""
PROJECTS = (
    "Код;Назва;Категорія;Вартість;Дата подання;Статус\n"
    "М-01;Сенсорна кімната;small;398 000,00;03.08.2020;допущено\n"
    "М-02;Сквер;small;300 000,00;04.08.2020;допущено\n"
    "М-03;Бібліотека;small;250 000,00;04.08.2020;допущено\n"
    "М-04;Фонтан;small;100 000,00;05.08.2020;не допущено\n"
    "В-01;Майданчик;large;1 000 000,00;01.08.2020;допущено\n"
    "В-02;Стадіон;large;900 000,00;02.08.2020;допущено\n"
)
ADMITTED = {"М-01": "small", "М-02": "small", "М-03": "small", "В-01": "large", "В-02": "large"}
MAX_CHOICES = {"small": 2, "large": 1}
HEADER = " Номер бюлетеня ; Канал ; Дата голосування ; ПІБ ; Дата народження ; Документ ; \
Населений пункт ; Проєкти \r\n"
LATIN = str.maketrans("АВСЕНІКМОРТХ", "ABCEHIKMOPTX")
CHANNELS = {"онлайн": "online", "паперовий": "paper", "ONLINE": "online", "Папір": "paper"}


def typed(text: str, latin: list[bool], style: int) -> str:
    """A text as an operator may type it: some letters Latin, lower case, spaces, dashes."""
    text = "".join(
        c.translate(LATIN) if flag else c for c, flag in zip(text, latin * 2, strict=False)
    )
    return [text, text.lower(), text[:2] + " " + text[2:], text[:2] + "-" + text[2:]][style]


documents = st.sampled_from(["НК123456", "АВ000111", "ТТ555444", "ОР909090", "012345678", ""])
ballot_rows = st.lists(
    st.tuples(
        documents,
        st.lists(st.booleans(), min_size=5, max_size=5),
        st.integers(0, 3),
        st.sampled_from(list(CHANNELS)),
        st.dates(date(2020, 11, 7), date(2020, 11, 24)),
        st.dates(date(1950, 1, 1), date(2006, 12, 31)) | st.none(),
        st.sampled_from(["Іван Петренко", ""]),
        st.sampled_from(["м. Ніжин", "НІЖИН", "с. Кунашівка", "Переяслівка", ""]),
        st.lists(st.sampled_from([*ADMITTED, "М-04", "М-99"]), max_size=4),
        st.lists(st.booleans(), max_size=4),
    ),
    min_size=1,
    max_size=60,
)
SLUGS = itertools.count(1)


def build_file(rows, start: int = 0) -> bytes:
    lines = [HEADER]
    for k, (doc, latin, style, channel, cast, birth, name, place, codes, lat) in enumerate(rows):
        codes_text = " , ".join(
            c.translate(LATIN) if k < len(lat) and lat[k] else c for k, c in enumerate(codes)
        )
        birth_text = f"{birth:%d.%m.%Y}" if birth else ""
        lines.append(
            f" {start + k + 1} ; {channel} ; {cast:%d.%m.%Y} ; {name} ; {birth_text} ; "
            f"{typed(doc, latin, style) if doc else ''} ; {place} ; {codes_text} \r\n"
        )
    return "".join(lines).encode("cp1251")


ADMITTED_LATER = {**ADMITTED, "М-04": "small"}  # the second file admits М-04


def reference_check(row: Ballot) -> str | None:
    """The frozen checks of civic/pb/ballots.py, written out plainly for one stored row."""
    if not (row.has_name and row.birth_date and row.voter_hash):
        return "missing_data"
    if not date(2020, 11, 9) <= row.cast_on <= date(2020, 11, 22):
        return "outside_voting_period"
    if age_on(row.birth_date, row.cast_on) < 16:
        return "underage"
    if normalise_settlement(row.settlement) not in {"ніжин", "кунашівка"}:
        return "not_resident"
    return None


def reference_key(row: Ballot) -> str:
    return ",".join(dict.fromkeys(normalise_code(c) for c in row.projects.split(",") if c))


def reference_reason(row: Ballot, first: dict, admitted: dict) -> str | None:
    """The rules of civic/pb/ballots.py, written out plainly for one stored row."""
    if row.voter_hash and first[row.voter_hash] is not row:
        return "duplicate_voter"
    if check := reference_check(row):
        return check
    chosen = []
    for code in (c for c in row.projects.split(",") if c):
        code = normalise_code(code)
        if code not in admitted:
            return "unknown_project"
        if code not in chosen:
            chosen.append(code)
    if not chosen:
        return "no_choices"
    for category, limit in MAX_CHOICES.items():
        if sum(admitted[c] == category for c in chosen) > limit:
            return "too_many_choices"
    return None


def reference_reasons(stored: list[Ballot], online_first: bool, admitted: dict) -> dict:
    """Each stored row's verdict by the rules written out plainly: ballot id → reason."""
    first: dict[str, Ballot] = {}
    for row in sorted(
        stored,
        key=lambda b: (
            b.channel != "online" if online_first else False,
            b.cast_on,
            int(b.ballot_id),
        ),
    ):
        first.setdefault(row.voter_hash, row)
    return {row.ballot_id: reference_reason(row, first, admitted) for row in stored}


def assert_plain_recount(edition, result, rows, online_first: bool, admitted: dict) -> None:
    """The stored rows, verdicts, votes and digest are those of a recount written out plainly
    from the stored rows and the documented digest (docs/formats.md)."""
    db.session.expire_all()
    stored = list(db.session.scalars(select(Ballot).where(Ballot.edition_id == edition.id)))
    assert len(stored) == len(rows)
    for k, row in enumerate(sorted(stored, key=lambda b: int(b.ballot_id))):
        doc, _latin, _style, channel, cast, birth, name, place, _codes, _lat = rows[k]
        assert (row.channel, row.cast_on, row.birth_date) == (CHANNELS[channel], cast, birth)
        assert (row.has_name, row.settlement) == (bool(name), place or None)
        assert (row.voter_hash is None) == (not doc)
        assert row.voter_hash == services.personal_hash(doc)  # look-alikes folded

    reasons = reference_reasons(stored, online_first, admitted)
    assert {row.ballot_id: row.reason for row in stored} == reasons

    votes = dict.fromkeys(admitted, 0)
    paper = dict.fromkeys(admitted, 0)
    for row in stored:
        if reasons[row.ballot_id] is None:
            for code in dict.fromkeys(normalise_code(c) for c in row.projects.split(",") if c):
                votes[code] += 1
                paper[code] += row.channel == "paper"
    assert {p.code: p.votes for p in result.projects} == votes
    assert {p.code: p.votes_paper for p in result.projects} == paper
    by_reason = {r: list(reasons.values()).count(r) for r in result.invalid_by_reason}
    assert result.invalid_by_reason == by_reason
    assert result.valid == list(reasons.values()).count(None)

    ordered = sorted(stored, key=lambda b: b.ballot_id)  # code point order
    columns = {
        "ballot_id": [b.ballot_id for b in ordered],
        "cast_on": [b.cast_on.isoformat() for b in ordered],
        "channel": [b.channel for b in ordered],
        "check": [reference_check(b) for b in ordered],
        "codes": [b.projects for b in ordered],
        "voter": [b.voter_hash for b in ordered],
    }
    duplicates = [b.ballot_id for b in ordered if reasons[b.ballot_id] == "duplicate_voter"]
    lists = {
        reference_key(b): reasons[b.ballot_id]
        for b in ordered
        if reasons[b.ballot_id] != "duplicate_voter" and reference_check(b) is None
    }
    document = {
        "inputs": {
            "ballots": {
                "columns": hashlib.sha256(canonical_json(columns).encode()).hexdigest(),
                "duplicates": duplicates,
                "verdicts": [[key, lists[key]] for key in sorted(lists)],
            },
            "edition": edition_inputs(services.config_of(edition)),
            "projects": _project_inputs(services._project_inputs(edition)),
        },
        "results": result._results_json(),
    }
    assert result.digest == hashlib.sha256(canonical_json(document).encode()).hexdigest()
    # The recount of a closed count reads and judges every row again: the same digest.
    assert services.compute_tally(edition, plain=True)[0].digest == result.digest


@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(rows=ballot_rows, more=ballot_rows, online_first=st.booleans())
def test_fast_import_and_tally_equal_a_plain_recount(app, rows, more, online_first):
    """Also after a second file (its voters may repeat the first's) and after the projects
    change (a project admitted): only the changed verdicts are rewritten, by groups."""
    slug = f"gb-{next(SLUGS)}"
    duplicates = "online_first" if online_first else "first_cast"
    edition = services.save_edition(EDITION.format(slug=slug, duplicates=duplicates))
    imports.import_projects(edition, PROJECTS.encode("cp1251"), "projects.csv")
    imports.import_ballots(edition, build_file(rows), "ballots.csv")
    result = services.tally(edition)
    db.session.commit()
    assert_plain_recount(edition, result, rows, online_first, ADMITTED)
    assert services.tally(edition).digest == result.digest  # nothing changed: the same

    imports.import_ballots(edition, build_file(more, start=len(rows)), "more.csv")
    later = PROJECTS.replace("05.08.2020;не допущено", "05.08.2020;допущено")
    imports.import_projects(edition, later.encode("cp1251"), "projects-2.csv")
    result = services.tally(edition)
    db.session.commit()
    assert_plain_recount(edition, result, rows + more, online_first, ADMITTED_LATER)


@settings(max_examples=300)
@given(st.lists(st.text(max_size=6) | st.none(), max_size=8))
def test_joined_json_column_is_the_canonical_json(values):
    """The digest's fast column writer gives json's text byte for byte (quotes, backslashes,
    control characters, NUL, None and non-ASCII included)."""
    from civic.pb.digest import _json_strings

    assert _json_strings(values) == canonical_json(values)


def test_a_digest_published_before_the_grouped_count_still_verifies(app):
    """A count closed with the earlier digest (every ballot's verdict in the document) is
    recounted from its rows, and the recount says it matches; any other digest does not."""
    edition = services.save_edition(EDITION.format(slug="gb-legacy", duplicates="first_cast"))
    imports.import_projects(edition, PROJECTS.encode("cp1251"), "projects.csv")
    voter = ("НК123456", [False] * 5, 0, "онлайн", date(2020, 11, 10), date(1990, 1, 1), "І")
    rows = [
        (*voter, "Ніжин", ["М-01", "В-01"], [False, True]),
        (*voter[:3], "Папір", date(2020, 11, 11), *voter[5:], "Ніжин", ["М-02"], []),
        ("АВ000111", [False] * 5, 0, "онлайн", date(2020, 11, 12), None, "", "Ніжин", [], []),
    ]
    imports.import_ballots(edition, build_file(rows), "ballots.csv")
    services.close_edition(edition, on=date(2020, 11, 23))
    config, projects = services.config_of(edition), services._project_inputs(edition)
    _ids, ballots, _stored = services.load_ballots(edition)
    verdicts = judge(ballots, voting_rules(config, projects))
    result = count(config, projects, ballots, verdicts)
    legacy = legacy_digest(config, projects, ballots, verdicts, result)
    assert legacy != result.digest == edition.digest

    edition.digest = legacy  # as a protocol signed before the change has it
    assert services.tally(edition).digest == legacy
    edition.digest = "0" * 64
    assert services.tally(edition).digest == result.digest
