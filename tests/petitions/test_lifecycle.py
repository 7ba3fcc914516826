"""The petition state machine and clocks, as tables (pure: no fixtures)."""

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from civic import workdays
from civic.petitions import lifecycle
from civic.petitions.lifecycle import Action, State

D = dt.date
CAL = workdays.default_calendar()


@pytest.mark.parametrize(
    ("state", "action", "expected"),
    [
        (State.UNCONFIRMED, Action.CONFIRM, State.MODERATION),
        (State.UNCONFIRMED, Action.WITHDRAW, State.WITHDRAWN),
        (State.MODERATION, Action.WITHDRAW, State.WITHDRAWN),
        (State.MODERATION, Action.PUBLISH, State.COLLECTING),
        (State.MODERATION, Action.REFUSE, State.REFUSED),
        (State.MODERATION, Action.PROPOSE_REFUSAL, State.REFUSAL_PENDING),
        (State.REFUSAL_PENDING, Action.CONFIRM_REFUSAL, State.REFUSED),
        (State.REFUSAL_PENDING, Action.REJECT_REFUSAL, State.MODERATION),
        (State.REFUSED, Action.RESTORE, State.MODERATION),
        (State.COLLECTING, Action.CLOSE_REACHED, State.CONSIDERATION),
        (State.COLLECTING, Action.CLOSE_MISSED, State.NOT_SUPPORTED),
        (State.CONSIDERATION, Action.ANSWER, State.ANSWERED),
        (State.NOT_SUPPORTED, Action.ANSWER, State.ANSWERED),
        (State.ANSWERED, Action.ARCHIVE, State.ARCHIVED),
        (State.COLLECTING, Action.TAKE_DOWN, State.TAKEN_DOWN),
    ],
)
def test_allowed_transitions(state, action, expected):
    assert lifecycle.transition(state, action) == expected


@pytest.mark.parametrize(
    ("state", "action"),
    [
        (State.COLLECTING, Action.WITHDRAW),  # withdrawal only before publication
        (State.UNCONFIRMED, Action.PUBLISH),  # not sent until the author confirms
        (State.REFUSAL_PENDING, Action.PUBLISH),
        (State.COLLECTING, Action.CORRECT),  # typos are fixed before publication only
        (State.CONSIDERATION, Action.ARCHIVE),
        (State.TAKEN_DOWN, Action.RESTORE),
        (State.WITHDRAWN, Action.CONFIRM),
        (State.MODERATION, Action.TAKE_DOWN),
    ],
)
def test_refused_transitions_explain_in_ukrainian(state, action):
    with pytest.raises(lifecycle.TransitionError) as info:
        lifecycle.transition(state, action)
    assert "Дія неможлива" in info.value.message


@pytest.mark.parametrize(
    ("confirmed", "due"),
    [
        (D(2020, 11, 5), D(2020, 11, 9)),  # Thursday → Monday
        (D(2020, 11, 6), D(2020, 11, 10)),  # Friday → Tuesday
        (D(2020, 12, 30), D(2021, 1, 4)),
        (D(2020, 1, 9), D(2020, 1, 11)),  # the working Saturday counts
        (D(2021, 8, 20), D(2021, 8, 26)),  # moved day off 23.08.2021 and 24.08
        (D(2024, 4, 30), D(2024, 5, 2)),  # martial law: 1 May 2024 counts
    ],
)
def test_moderation_clock(confirmed, due):
    assert lifecycle.moderation_due_on(CAL, confirmed) == due


@pytest.mark.parametrize(
    ("notice", "due"),
    [
        (D(2020, 11, 10), D(2020, 11, 24)),
        (D(2020, 12, 24), D(2021, 1, 13)),  # 25.12, 1.01, 7.01 and 8.01.2021 (moved) off
        (D(2024, 4, 26), D(2024, 5, 10)),  # martial law: 1 and 8 May work
    ],
)
def test_consideration_clock(notice, due):
    assert lifecycle.answer_due_on(CAL, notice) == due


def test_collection_and_appeal_clocks():
    assert lifecycle.collection_ends_on(D(2020, 10, 1), 60) == D(2020, 11, 29)
    assert lifecycle.appeal_due_on(D(2020, 11, 19)) == D(2020, 12, 4)


@pytest.mark.parametrize(
    ("state", "ends", "signatures", "today", "expected"),
    [
        (State.COLLECTING, D(2020, 11, 29), 300, D(2020, 11, 29), State.COLLECTING),
        (State.COLLECTING, D(2020, 11, 29), 300, D(2020, 11, 30), State.CONSIDERATION),
        (State.COLLECTING, D(2020, 11, 29), 249, D(2020, 11, 30), State.NOT_SUPPORTED),
        (State.COLLECTING, D(2020, 11, 29), 250, D(2021, 1, 1), State.CONSIDERATION),
        (State.MODERATION, None, 0, D(2030, 1, 1), State.MODERATION),
        (State.ANSWERED, D(2020, 11, 29), 300, D(2030, 1, 1), State.ANSWERED),
    ],
)
def test_effective_state(state, ends, signatures, today, expected):
    assert lifecycle.effective_state(state, ends, signatures, 250, today) == expected


def test_closing_day_is_the_day_after_collection():
    closing = lifecycle.closing(State.COLLECTING, D(2020, 11, 29), 10, 250, D(2020, 12, 15))
    assert closing == lifecycle.Closing(State.NOT_SUPPORTED, D(2020, 11, 30), False)


@pytest.mark.parametrize(
    ("due", "bucket"),
    [
        (D(2020, 11, 9), "overdue"),
        (D(2020, 11, 10), "today"),
        (D(2020, 11, 11), "tomorrow"),
        (D(2020, 11, 12), "later"),
    ],
)
def test_queue_buckets(due, bucket):
    assert lifecycle.queue_bucket(due, D(2020, 11, 10)) == bucket


def test_can_sign_only_while_collecting():
    assert lifecycle.can_sign(State.COLLECTING, D(2020, 11, 29), D(2020, 11, 29))
    assert not lifecycle.can_sign(State.COLLECTING, D(2020, 11, 29), D(2020, 11, 30))
    assert not lifecycle.can_sign(State.MODERATION, None, D(2020, 11, 1))


@pytest.mark.parametrize("reason", lifecycle.REFUSAL_REASONS, ids=lambda r: r.code)
def test_every_reason_has_a_basis_and_a_route(reason):
    assert reason.legal_basis and reason.public_explanation
    expected = Action.PROPOSE_REFUSAL if reason.needs_second_moderator else Action.REFUSE
    assert lifecycle.refusal_action(reason) == expected


def test_catalogue_matches_domain_md():
    by_code = lifecycle.REFUSAL_BY_CODE
    part3 = {"anti_constitutional", "war_violence", "hate", "terrorism", "rights_violation"}
    for code in part3:
        assert by_code[code].is_hidden and by_code[code].needs_second_moderator
        assert "ч. 3" in by_code[code].legal_basis
    hidden = {c for c, r in by_code.items() if r.is_hidden}
    assert hidden == part3 | {"personal_data", "obscene", "advertising_campaign", "spam_nonsense"}
    assert by_code["other"].needs_text and by_code["other"].needs_second_moderator
    assert len(by_code) == 17


def test_refusal_checks():
    other = lifecycle.REFUSAL_BY_CODE["other"]
    assert "explanation" in lifecycle.check_refusal(other, "  ", None)
    assert lifecycle.check_refusal(other, "Пояснення", None) == {}
    duplicate = lifecycle.REFUSAL_BY_CODE["duplicate"]
    assert "duplicate_of" in lifecycle.check_refusal(duplicate, "", None)
    assert lifecycle.check_second_moderator(7, 7)
    assert lifecycle.check_second_moderator(7, 8) is None


@settings(max_examples=100, deadline=None)
@given(st.dates(min_value=D(2018, 1, 1), max_value=D(2027, 12, 31)))
def test_clocks_end_on_working_days_after_start(day):
    for due in (lifecycle.moderation_due_on(CAL, day), lifecycle.answer_due_on(CAL, day)):
        assert due > day and workdays.is_working_day(CAL, due)


@settings(max_examples=100, deadline=None)
@given(
    ends=st.dates(min_value=D(2020, 1, 1), max_value=D(2025, 1, 1)),
    offset=st.integers(min_value=-100, max_value=100),
    signatures=st.integers(min_value=0, max_value=1000),
)
def test_on_read_and_tick_agree(ends, offset, signatures):
    """effective_state is exactly the state closing() would record on the same day."""
    today = ends + dt.timedelta(days=offset)
    closing = lifecycle.closing(State.COLLECTING, ends, signatures, 250, today)
    state = lifecycle.effective_state(State.COLLECTING, ends, signatures, 250, today)
    assert state == (closing.state if closing else State.COLLECTING)
    assert (closing is None) == lifecycle.can_sign(State.COLLECTING, ends, today)
