"""The protocol PDF of a small edition, built from plain data (``civic.pb.protocol`` is pure).

The data is what :func:`civic.pb.exports.protocol_data` gives: the edition, its categories, the
count of the pure core (``counting.count``) and the commission; the text is read back with pypdf.
"""

import datetime as dt
import io
import re
from decimal import Decimal

import pytest
from pypdf import PdfReader

from civic.formatting import agree
from civic.pb import ballots as judging
from civic.pb import counting
from civic.pb.ballots import REASON_TITLES
from civic.pb.edition import Category, EditionConfig
from civic.pb.protocol import CHANNEL_TITLES, RULE_TITLES, TIE_BREAK_TITLES, build_protocol

START, END, COUNTED = dt.date(2020, 11, 9), dt.date(2020, 11, 22), dt.date(2020, 11, 23)
PROJECTS = [
    counting.ProjectIn("A1", "Сквер", "small", Decimal("60000"), dt.date(2020, 9, 1)),
    counting.ProjectIn("A2", "Лавки", "small", Decimal("30000"), dt.date(2020, 9, 2)),
    counting.ProjectIn("B1", "Стадіон", "big", Decimal("250000.50"), dt.date(2020, 9, 3)),
    counting.ProjectIn("B2", "Бібліотека", "big", Decimal("120000"), dt.date(2020, 9, 4)),
]


def ballot(n: int, channel: str, codes: str, *, born=dt.date(1980, 1, 1), voter=None):
    return judging.BallotIn(
        f"{n:03}", channel, START, True, born, voter or f"voter-{n}", "Ніжин", tuple(codes.split())
    )


BALLOTS = [
    ballot(1, "paper", "A1 B1"),
    ballot(2, "online", "A1 B1"),
    ballot(3, "online", "A2 B2"),
    ballot(4, "paper", "A1 B2"),
    ballot(5, "online", "A2 B1"),
    ballot(6, "paper", "A1", born=dt.date(2010, 1, 1)),  # too young
    ballot(7, "online", "B1", voter="voter-1"),  # a second ballot of voter 1
]


MEMBERS = (
    {"role": "chair", "full_name": "Іваненко Іван Іванович", "position": ""},
    {"role": "member", "full_name": "Петренко Петро", "position": "спеціаліст"},
)


def protocol_data(*, leftover="pool", min_votes=0, commission=MEMBERS):
    config = EditionConfig(
        slug="gb-test",
        title="Громадський бюджет Ніжина на 2021 рік",
        voting_starts_on=START,
        voting_ends_on=END,
        categories=(
            Category("small", "Малі проєкти", Decimal("100000"), 2),
            Category("big", "Великі проєкти", Decimal("300000"), 2),
        ),
        min_age=16,
        settlements=("Ніжин",),
        leftover=leftover,
        min_votes=min_votes,
    )
    rules = judging.VotingRules(
        voting_starts_on=START,
        voting_ends_on=END,
        min_age=config.min_age,
        settlements=config.settlements,
        projects={p.code: p.category for p in PROJECTS},
        max_choices={c.code: c.max_choices for c in config.categories},
    )
    verdicts = judging.judge(BALLOTS, rules)
    result = counting.count(config, PROJECTS, BALLOTS, verdicts).as_json()
    return {
        "council": "Ніжинська міська рада",
        "edition": {
            "slug": config.slug,
            "title": config.title,
            "voting_starts_on": START,
            "voting_ends_on": END,
            "counted_on": COUNTED,
            "status": "closed",
            "rule": config.rule,
            "tie_break": config.tie_break,
            "leftover": config.leftover,
            "min_votes": config.min_votes,
            "min_age": config.min_age,
        },
        "categories": [
            {"code": c.code, "title": c.title, "budget": c.budget} for c in config.categories
        ],
        "result": result,
        "commission": list(commission),
    }


def read(pdf: bytes) -> tuple[PdfReader, str]:
    """The document and its text with every run of white space (table cells, wrapped lines and
    page breaks come out as line breaks) as one space."""
    reader = PdfReader(io.BytesIO(pdf))
    return reader, " ".join(" ".join(page.extract_text() for page in reader.pages).split())


def grouped(value) -> str:
    """A sum as the protocol writes it: 250 000,50."""
    whole, _, cents = f"{Decimal(value):.2f}".partition(".")
    return f"{int(whole):,}".replace(",", " ") + "," + cents


@pytest.fixture(scope="module")
def small():
    data = protocol_data()
    reader, text = read(build_protocol(data))
    return data, reader, text


def test_the_protocol_has_its_title_sections_and_document_properties(small):
    data, reader, text = small
    edition = data["edition"]
    headings = [
        "ПРОТОКОЛ",
        "1. Бюлетені",
        "2. Результати за категоріями",
        "3. Залишок коштів",
        "4. Рівна кількість голосів",
        "5. Контрольна сума",
        "Лічильна комісія:",
    ]
    positions = [text.find(heading) for heading in headings]
    assert -1 not in positions and positions == sorted(positions)
    # ДСТУ 4163:2020: pages are numbered from the second one, the number first on the page.
    pages = [page.extract_text().split() for page in reader.pages]
    assert len(pages) >= 2 and pages[0][0] == data["council"].split()[0]
    assert [words[0] for words in pages[1:]] == [str(n) for n in range(2, len(pages) + 1)]
    assert data["council"] in text
    assert f"з {START:%d.%m.%Y} по {END:%d.%m.%Y}" in text
    assert f"Дата підрахунку: {COUNTED:%d.%m.%Y}" in text
    assert f"віком від {edition['min_age']} років" in text
    meta = reader.metadata
    assert meta.title == f"Протокол підрахунку голосів: {edition['title']}"
    assert meta.author == data["council"]
    assert meta.subject == (
        f"Громадський бюджет {edition['slug']}; SHA-256 {data['result']['digest']}"
    )


def test_the_ballot_section_gives_the_counts_by_channel_and_reason(small):
    data, _reader, text = small
    ballots = data["result"]["ballots"]
    assert (ballots["received"], ballots["valid"], ballots["invalid"]) == (7, 5, 2)
    assert (
        f"Отримано бюлетенів: {ballots['received']}; дійсних: {ballots['valid']}; "
        f"недійсних: {ballots['invalid']}." in text
    )
    for channel, stats in ballots["by_channel"].items():
        row = f"{CHANNEL_TITLES[channel]} {stats['received']} {stats['valid']} {stats['invalid']}"
        assert row in text
    for reason, n in ballots["invalid_by_reason"].items():
        assert f"{REASON_TITLES[reason]} {n}" in text


def test_each_category_lists_its_projects_with_votes_and_budget(small):
    data, _reader, text = small
    result = data["result"]
    assert RULE_TITLES["greedy"] in text
    for category in data["categories"]:
        assert f"Категорія «{category['title']}»" in text
        assert f"({category['code']})" not in text
        b = result["budget"][category["code"]]
        assert (
            f"Бюджет категорії: {grouped(b['budget'])} грн; використано: "
            f"{grouped(b['spent'])} грн; залишок: {grouped(b['left'])} грн." in text
        )
    for p in result["projects"]:
        funded = {"category": "так", "pool": "так, із залишку"}.get(p["funded_from"], "ні")
        row = (
            f"{p['rank']} {p['code']} {p['title']} {grouped(p['cost'])} {p['votes_paper']} "
            f"{p['votes_online']} {p['votes']} {funded}"
        )
        assert row in text


def test_the_digest_and_every_member_of_the_commission_are_on_it(small):
    data, _reader, text = small
    digest = data["result"]["digest"]
    assert re.fullmatch(r"[0-9a-f]{64}", digest)
    assert f"дає ту саму суму): {digest} Лічильна комісія:" in text
    signatures = text.split("Лічильна комісія:")[1]
    assert "Голова комісії" in signatures and "Член комісії, спеціаліст" in signatures
    for member in data["commission"]:
        assert member["full_name"] in signatures


def test_without_members_blank_lines_for_a_chair_and_a_secretary_are_left():
    _reader, text = read(build_protocol(protocol_data(commission=())))
    signatures = text.split("Лічильна комісія:")[1]
    assert "Голова комісії" in signatures and "Секретар комісії" in signatures


@pytest.mark.parametrize(
    ("leftover", "expected"),
    [
        ("keep", "Залишки категорій не об'єднуються: вони лишаються в категоріях."),
        ("pool", "Залишки категорій об'єднано:"),
    ],
)
def test_the_leftover_section_follows_the_setting(leftover, expected):
    data = protocol_data(leftover=leftover)
    _reader, text = read(build_protocol(data))
    assert expected in text
    pool = data["result"]["budget"].get("pool")
    assert (pool is None) == (leftover == "keep")
    if pool is not None:
        titles = {p["code"]: p["title"] for p in data["result"]["projects"]}
        chosen = ", ".join(f"{c} «{titles[c]}»" for c in pool["selected"]) or "жодного"
        assert f"Залишки категорій об'єднано: {grouped(pool['available'])} грн." in text
        # (a page break may fall inside «профінансовано із залишку»)
        assert f"залишку: {chosen}; використано {grouped(pool['spent'])}" in text


@pytest.mark.parametrize("min_votes", [0, 3])
def test_a_vote_threshold_is_stated_only_when_set(min_votes):
    _reader, text = read(build_protocol(protocol_data(min_votes=min_votes)))
    stated = (
        f"Проєкти, що набрали менше {agree(min_votes, ('голосу', 'голосів', 'голосів'))}, "
        "не фінансуються."
    )
    assert (stated in text) == bool(min_votes)


def test_without_ties_the_protocol_says_there_were_none(small):
    data, _reader, text = small
    assert data["result"]["ties"] == []
    tie_break = TIE_BREAK_TITLES[data["edition"]["tie_break"]]
    assert f"однаковою кількістю голосів: {tie_break}." in text
    assert "Проєктів з однаковою кількістю голосів не було." in text


def test_each_tie_is_named_with_its_place_and_order():
    data = protocol_data()
    data["result"]["ties"] = [
        {"where": "small", "votes": 2, "order": ["A2", "A1"]},
        {"where": "pool", "votes": 1, "order": ["B2", "B1"]},
    ]
    _reader, text = read(build_protocol(data))
    assert "Категорія «Малі проєкти»: 2 голоси — порядок A2, A1." in text
    assert "Спільний залишок: 1 голос — порядок B2, B1." in text
    assert "не було" not in text


def test_the_same_data_gives_the_same_bytes():
    assert build_protocol(protocol_data()) == build_protocol(protocol_data())
