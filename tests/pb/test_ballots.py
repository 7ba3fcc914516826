"""The judging rules as tables: every reason, their order, birthdays, documents, settlements."""

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from civic.pb.ballots import (
    REASONS,
    BallotIn,
    VotingRules,
    age_on,
    count_reasons,
    judge,
    judge_one,
    normalise_document,
    normalise_documents,
    normalise_settlement,
)

RULES = VotingRules(
    voting_starts_on=date(2020, 11, 9),
    voting_ends_on=date(2020, 11, 22),
    min_age=16,
    settlements=("Ніжин",),
    projects={"М-01": "small", "М-02": "small", "В-01": "large"},
    max_choices={"small": 1, "large": 1},
)


def ballot(ballot_id="1", **changes):
    values = {
        "ballot_id": ballot_id,
        "channel": "paper",
        "cast_on": date(2020, 11, 10),
        "has_name": True,
        "birth_date": date(1980, 5, 5),
        "voter": f"voter-{ballot_id}",
        "settlement": "м. Ніжин",
        "codes": ("М-01", "В-01"),
    }
    values.update(changes)
    return BallotIn(**values)


@pytest.mark.parametrize(
    ("changes", "reason"),
    [
        ({}, None),
        ({"has_name": False}, "missing_data"),
        ({"birth_date": None}, "missing_data"),
        ({"voter": None}, "missing_data"),
        ({"cast_on": date(2020, 11, 8)}, "outside_voting_period"),
        ({"cast_on": date(2020, 11, 23)}, "outside_voting_period"),
        ({"cast_on": date(2020, 11, 22)}, None),
        ({"birth_date": date(2004, 11, 11)}, "underage"),
        ({"birth_date": date(2004, 11, 10)}, None),  # turns 16 that day: may vote
        ({"settlement": "Чернігів"}, "not_resident"),
        ({"settlement": None}, "not_resident"),
        ({"codes": ("М-01", "Х-99")}, "unknown_project"),
        ({"codes": ()}, "no_choices"),
        ({"codes": ("М-01", "М-02")}, "too_many_choices"),
        ({"codes": ("М-01", "м-01", "В-01")}, None),  # a repeated code counts once
        ({"codes": ("M-01",)}, None),  # Latin M typed: the same project
        # The first reason in the order wins.
        ({"has_name": False, "cast_on": date(2020, 12, 1)}, "missing_data"),
        ({"cast_on": date(2020, 12, 1), "birth_date": date(2010, 1, 1)}, "outside_voting_period"),
        ({"birth_date": date(2010, 1, 1), "settlement": "Київ"}, "underage"),
        ({"settlement": "Київ", "codes": ("Х",)}, "not_resident"),
        ({"codes": ("Х", "М-01", "М-02")}, "unknown_project"),
    ],
)
def test_judging_table(changes, reason):
    (verdict,) = judge([ballot(**changes)], RULES)
    assert verdict.reason == reason
    assert verdict.is_valid == (reason is None)


@pytest.mark.parametrize(
    ("birth", "day", "age"),
    [
        (date(2004, 11, 10), date(2020, 11, 10), 16),
        (date(2004, 11, 11), date(2020, 11, 10), 15),
        (date(2004, 2, 29), date(2020, 2, 28), 15),
        (date(2004, 2, 29), date(2021, 3, 1), 17),
        (date(2004, 2, 29), date(2021, 2, 28), 16),
    ],
)
def test_full_years(birth, day, age):
    assert age_on(birth, day) == age


@pytest.mark.parametrize(
    ("typed", "same_as"),
    [
        ("НК 123456", "НК123456"),
        ("hk-123-456", "НК123456"),  # Latin look-alikes, lower case, dashes
        ("HK123456", "НК123456"),
        ("ТТ 00 11 22", "TT001122"),
        ("  аb 12 ", "АВ12"),
        ("ОРЕХ1", "OPEX1"),
    ],
)
def test_document_normalisation(typed, same_as):
    assert normalise_document(typed) == normalise_document(same_as)


@given(st.lists(st.text(st.sampled_from("нкНКhkHKaßŉ -\u2013\u2212\t\n\x0012"), max_size=6)))
def test_documents_normalised_together_are_each_normalised(texts):
    """The column-wise normalisation of an import's chunk gives each document's own."""
    assert normalise_documents(texts) == [normalise_document(t) for t in texts]


@pytest.mark.parametrize(
    "spelling",
    ["Ніжин", "м. Ніжин", "м.Ніжин", "  НІЖИН ", "ніжин", "м.  Ніжин"],
)
def test_settlement_spellings(spelling):
    assert normalise_settlement(spelling) == normalise_settlement("Ніжин")


@pytest.mark.parametrize(
    ("a", "b"),
    [("с. Кам'янка", "Камʼянка"), ("смт Лосинівка", "Лосинівка"), ("с. Дан’ківка", "Данʼківка")],
)
def test_settlement_prefixes_and_apostrophes(a, b):
    assert normalise_settlement(a) == normalise_settlement(b)


def test_later_ballot_of_the_same_person_is_a_duplicate_even_if_the_first_is_invalid():
    first = ballot("1", voter="p", cast_on=date(2020, 11, 10), codes=())
    later = ballot("2", voter="p", cast_on=date(2020, 11, 12))
    verdicts = judge([later, first], RULES)
    assert [v.reason for v in verdicts] == ["duplicate_voter", "no_choices"]


def test_first_cast_ties_by_ballot_id_in_natural_order():
    a = ballot("10", voter="p")
    b = ballot("9", voter="p")
    assert [v.reason for v in judge([a, b], RULES)] == ["duplicate_voter", None]


def test_online_first_prefers_the_online_ballot():
    rules = VotingRules(
        **{**{f: getattr(RULES, f) for f in RULES.__slots__}, "duplicates": "online_first"}
    )
    paper = ballot("1", voter="p", cast_on=date(2020, 11, 9))
    online = ballot("2", voter="p", channel="online", cast_on=date(2020, 11, 20))
    assert [v.reason for v in judge([paper, online], rules)] == ["duplicate_voter", None]
    assert [v.reason for v in judge([paper, online], RULES)] == [None, "duplicate_voter"]


def test_no_settlement_list_means_no_residence_check():
    rules = VotingRules(**{**{f: getattr(RULES, f) for f in RULES.__slots__}, "settlements": ()})
    assert judge([ballot(settlement="Київ")], rules)[0].is_valid


codes = st.lists(st.sampled_from(["М-01", "М-02", "В-01", "Х-9", "m-01"]), max_size=4)
ballots = st.lists(
    st.builds(
        BallotIn,
        ballot_id=st.text(alphabet="0123456789", min_size=1, max_size=4),
        channel=st.sampled_from(["paper", "online"]),
        cast_on=st.one_of(st.none(), st.dates(date(2020, 11, 1), date(2020, 11, 30))),
        has_name=st.booleans(),
        birth_date=st.one_of(st.none(), st.dates(date(1930, 1, 1), date(2010, 1, 1))),
        voter=st.one_of(st.none(), st.sampled_from(["a", "b", "c", "d"])),
        settlement=st.sampled_from(["Ніжин", "м. Ніжин", "Київ", ""]),
        codes=codes.map(tuple),
    ),
    max_size=30,
)


@given(ballots)
def test_received_is_valid_plus_invalid(items):
    verdicts = judge(items, RULES)
    reasons = count_reasons(verdicts)
    valid = sum(v.is_valid for v in verdicts)
    assert len(verdicts) == len(items)
    assert valid + sum(reasons.values()) == len(items)
    assert set(reasons) == set(REASONS)
    # Each person has at most one ballot that is not a duplicate.
    firsts = [
        b.voter
        for b, v in zip(items, verdicts, strict=True)
        if b.voter and v.reason != "duplicate_voter"
    ]
    assert len(firsts) == len(set(firsts))


@given(
    st.dates(date(1930, 1, 1), date(2012, 12, 31)), st.dates(date(2019, 1, 1), date(2024, 12, 31))
)
def test_memoised_age_check_agrees_with_full_years(birth, day):
    rules = VotingRules(
        **{
            **{f: getattr(RULES, f) for f in RULES.__slots__},
            "voting_starts_on": date(2019, 1, 1),
            "voting_ends_on": date(2024, 12, 31),
        }
    )
    (verdict,) = judge([ballot(birth_date=birth, cast_on=day)], rules)
    assert (verdict.reason == "underage") == (age_on(birth, day) < 16)


@given(ballots)
def test_judge_agrees_with_judge_one(items):
    """The batch judging (inlined for speed) decides each first ballot as judge_one does."""
    for item, verdict in zip(items, judge(items, RULES), strict=True):
        if verdict.reason != "duplicate_voter":
            assert judge_one(item, RULES) == verdict


def test_a_receipt_says_accepted_counted_or_why_not_and_never_the_choices():
    from civic.pb.ballots import DUPLICATE_VOTER, receipt

    assert receipt(closed=False, reason=DUPLICATE_VOTER)[0] == "accepted"
    assert receipt(closed=True, reason=None) == ("counted", "Бюлетень врахований.")
    status, message = receipt(closed=True, reason=DUPLICATE_VOTER)
    assert status == "not_counted" and message.endswith("тієї самої особи.")
    assert receipt(closed=True, reason="something new")[1].endswith("вимоги положення.")
