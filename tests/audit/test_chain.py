"""The audit chain's rule as plain data: every kind of break, in tables and as properties."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from civic.audit.chain import (
    ANCHOR_MISSING,
    DELETED_ALL,
    DELETED_TAIL,
    EDITED,
    GAP,
    GENESIS,
    HEAD_MISMATCH,
    INSERTED,
    LINK,
    NOTE_EDITED,
    UNKEYED,
    WRONG_KEY,
    Anchor,
    ChainedEvent,
    advance,
    keyed_hash,
    legacy_hash,
    verify_chain,
)

KEY = b"k" * 32


def payload(i: int, **extra) -> dict:
    return {
        "id": i,
        "action": "test.action",
        "details": {"i": i, "t": "ґєїʼ"},
        "note": None,
    } | extra


def keyed_chain(n: int, *, start: int = 1, prev: str = GENESIS, key: bytes = KEY):
    out = []
    for i in range(start, start + n):
        p = payload(i)
        h = keyed_hash(key, prev, p)
        out.append(ChainedEvent(i, p, prev, h))
        prev = h
    return out


def legacy_chain(n: int):
    prev, out = GENESIS, []
    for i in range(1, n + 1):
        p = payload(i)
        h = legacy_hash(prev, p)
        out.append(ChainedEvent(i, p, prev, h))
        prev = h
    return out


def anchor_of(events, keyed_from: int = 1) -> Anchor:
    return Anchor(len(events), events[-1].hash if events else GENESIS, keyed_from)


def recompute_unkeyed(events, start: int, **changes):
    """An attacker without the key: edit row ``start`` and re-hash it and every later row
    by the only rule they can compute (plain SHA-256), fixing every link."""
    out = list(events[: start - 1])
    prev = out[-1].hash if out else GENESIS
    for e in events[start - 1 :]:
        p = {**e.payload, **changes} if e.id == start else e.payload
        h = legacy_hash(prev, p)
        out.append(ChainedEvent(e.id, p, prev, h))
        prev = h
    return out


def edit(events, i, **changes):
    out = list(events)
    e = out[i - 1]
    out[i - 1] = ChainedEvent(e.id, {**e.payload, **changes}, e.prev_hash, e.hash)
    return out


def swap(events, i, j):
    """Reorder: rows i and j exchange everything but their ids (what ORDER BY id then reads)."""
    out = list(events)
    a, b = out[i - 1], out[j - 1]
    out[i - 1] = ChainedEvent(a.id, {**b.payload, "id": a.id}, b.prev_hash, b.hash)
    out[j - 1] = ChainedEvent(b.id, {**a.payload, "id": b.id}, a.prev_hash, a.hash)
    return out


def insert_after(events, i):
    """A forged row slipped in after row i; later ids shift up by one."""
    forged = ChainedEvent(i + 1, payload(i + 1, action="forged"), events[i - 1].hash, "f" * 64)
    shifted = [
        ChainedEvent(e.id + 1, {**e.payload, "id": e.id + 1}, e.prev_hash, e.hash)
        for e in events[i:]
    ]
    return events[:i] + [forged] + shifted


def kinds(result):
    return [(b.kind, b.seq) for b in result.breaks]


def test_intact_keyed_chain_verifies():
    events = keyed_chain(5)
    result = verify_chain(events, KEY, anchor_of(events))
    assert result.ok and result.count == 5 and result.breaks == () and result.legacy_count == 0


def test_empty_chain_without_anchor_is_ok():
    assert verify_chain([], KEY, None).ok


def test_key_order_does_not_matter():
    assert keyed_hash(KEY, GENESIS, {"a": 1, "b": 2}) == keyed_hash(KEY, GENESIS, {"b": 2, "a": 1})


def test_hash_depends_on_the_key_and_on_every_column():
    p = payload(1)
    base = keyed_hash(KEY, GENESIS, p)
    assert keyed_hash(b"other-key", GENESIS, p) != base
    for column in p:
        assert keyed_hash(KEY, GENESIS, {**p, column: "changed"}) != base, column


EVENTS = keyed_chain(6)
ANCHOR = anchor_of(EVENTS)


@pytest.mark.parametrize(
    ("tampered", "anchor", "expected"),
    [
        pytest.param(EVENTS[:4], ANCHOR, [(DELETED_TAIL, 5)], id="deleted-tail"),
        pytest.param([], ANCHOR, [(DELETED_ALL, 1)], id="deleted-all"),
        pytest.param(edit(EVENTS, 3, action="forged"), ANCHOR, [(EDITED, 3)], id="edited-row"),
        pytest.param(
            edit(EVENTS, 3, note="дописано"), ANCHOR, [(NOTE_EDITED, 3)], id="edited-note"
        ),
        pytest.param(
            recompute_unkeyed(EVENTS, 3, action="forged"),
            ANCHOR,
            [(UNKEYED, 3), (HEAD_MISMATCH, 6)],
            id="edited-and-recomputed",
        ),
        pytest.param(EVENTS[:2] + EVENTS[3:], ANCHOR, [(GAP, 3)], id="deleted-middle"),
        pytest.param(
            insert_after(EVENTS, 2),
            ANCHOR,
            [(EDITED, 3), (LINK, 4), (EDITED, 5), (HEAD_MISMATCH, 6)],
            id="inserted",
        ),
        pytest.param(
            swap(EVENTS, 2, 4),
            ANCHOR,
            [(LINK, 2)],  # rows 2–5, one run id="reordered"
        ),
        pytest.param(
            [ChainedEvent(0, payload(0), GENESIS, "0" * 63 + "1"), *EVENTS],
            ANCHOR,
            [(INSERTED, 0)],
            id="row-zero",
        ),
        pytest.param(EVENTS, None, [(ANCHOR_MISSING, 6)], id="anchor-deleted"),
    ],
)
def test_each_break_is_named(tampered, anchor, expected):
    result = verify_chain(tampered, KEY, anchor)
    assert not result.ok
    assert kinds(result) == expected
    for item in result.breaks:
        assert re.search("[а-яіїєґ]{4}", item.message)
        assert str(item.expected if item.kind == DELETED_ALL else item.seq) in item.message


def test_a_run_of_recomputed_rows_is_one_break():
    result = verify_chain(recompute_unkeyed(EVENTS, 2, action="forged"), KEY, ANCHOR)
    first = result.breaks[0]
    assert (first.kind, first.seq, first.last_seq) == (UNKEYED, 2, 6)
    assert "записи id 2–6" in first.message and "без ключа" in first.message


def test_messages_are_ukrainian_and_name_the_rows():
    result = verify_chain(EVENTS[:4], KEY, ANCHOR)
    assert result.problem == (
        "видалено останні записи: журнал закінчується на id 4, а якір зафіксував 6 записів "
        "(відсутні id 5–6)"
    )
    assert result.broken_id == 5


def test_wrong_key_is_named_once():
    result = verify_chain(EVENTS, b"another key", ANCHOR)
    assert WRONG_KEY in result.kinds and "AUDIT_KEY" in result.breaks[-1].message


def test_anchor_behind_the_chain_is_fine():
    """Rows committed after the anchor was last written (the process died in between) are
    keyed, so nobody without the key could have added them."""
    assert verify_chain(EVENTS, KEY, anchor_of(EVENTS[:4])).ok


# Legacy chains (made before the key existed)


def test_legacy_prefix_then_keyed_rows_verify():
    legacy = legacy_chain(3)
    events = legacy + keyed_chain(2, start=4, prev=legacy[-1].hash)
    result = verify_chain(events, KEY, Anchor(5, events[-1].hash, keyed_from=4))
    assert result.ok and result.legacy_count == 3
    assert verify_chain(events, KEY, None).keyed_from == 4


def test_legacy_rows_after_the_switch_point_are_refused():
    legacy = legacy_chain(5)
    result = verify_chain(legacy, KEY, Anchor(5, legacy[-1].hash, keyed_from=3))
    assert kinds(result) == [(UNKEYED, 3)] and result.breaks[0].last_seq == 5


def test_rewriting_the_legacy_prefix_breaks_the_first_keyed_row():
    legacy = legacy_chain(3)
    events = legacy + keyed_chain(2, start=4, prev=legacy[-1].hash)
    anchor = Anchor(5, events[-1].hash, keyed_from=4)
    rewritten = recompute_unkeyed(events[:3], 2, action="forged") + events[3:]
    assert kinds(verify_chain(rewritten, KEY, anchor)) == [(LINK, 4)]


def test_note_on_a_legacy_row_is_an_edit():
    legacy = legacy_chain(3)
    result = verify_chain(edit(legacy, 2, note="x"), KEY, Anchor(3, legacy[-1].hash, 4))
    assert kinds(result) == [(NOTE_EDITED, 2)]


# Properties: for any chain and any place, each kind of tampering is found where it happened.

sizes = st.integers(min_value=2, max_value=25)


@settings(deadline=None)  # no timing in tests: a busy machine must not fail them
@given(n=sizes, data=st.data())
def test_property_deleted_tail(n, data):
    events = keyed_chain(n)
    keep = data.draw(st.integers(1, n - 1))
    result = verify_chain(events[:keep], KEY, anchor_of(events))
    assert kinds(result) == [(DELETED_TAIL, keep + 1)]


@settings(deadline=None)
@given(n=sizes)
def test_property_deleted_all(n):
    events = keyed_chain(n)
    assert kinds(verify_chain([], KEY, anchor_of(events))) == [(DELETED_ALL, 1)]


@settings(deadline=None)
@given(n=sizes, data=st.data(), value=st.text(min_size=1, max_size=20))
def test_property_edited_row(n, data, value):
    events = keyed_chain(n)
    i = data.draw(st.integers(1, n))
    column = data.draw(st.sampled_from(["action", "details", "ip", "actor_login", "created_at"]))
    result = verify_chain(edit(events, i, **{column: value}), KEY, anchor_of(events))
    assert kinds(result) == [(EDITED, i)]


@settings(deadline=None)
@given(n=sizes, data=st.data(), value=st.text(min_size=1, max_size=20))
def test_property_edited_note(n, data, value):
    events = keyed_chain(n)
    i = data.draw(st.integers(1, n))
    assert kinds(verify_chain(edit(events, i, note=value), KEY, anchor_of(events))) == [
        (NOTE_EDITED, i)
    ]


@settings(deadline=None)
@given(n=sizes, data=st.data(), other_key=st.binary(min_size=1, max_size=40))
def test_property_recomputed_chain_without_the_key(n, data, other_key):
    """Re-hashing by the old rule, or by HMAC under any key but the real one, is found."""
    events = keyed_chain(n)
    i = data.draw(st.integers(1, n))
    unkeyed = recompute_unkeyed(events, i, action="forged")
    result = verify_chain(unkeyed, KEY, anchor_of(events))
    assert (result.breaks[0].kind, result.breaks[0].seq) == (UNKEYED, i)
    if other_key != KEY:
        guessed = keyed_chain(i - 1) + [
            ChainedEvent(e.id, e.payload, e.prev_hash, e.hash)
            for e in keyed_chain(
                n - i + 1, start=i, prev=events[i - 2].hash if i > 1 else GENESIS, key=other_key
            )
        ]
        result = verify_chain(guessed, KEY, anchor_of(events))
        assert not result.ok and result.breaks[0].seq == i


@settings(deadline=None)
@given(n=st.integers(3, 25), data=st.data())
def test_property_inserted_row(n, data):
    events = keyed_chain(n)
    i = data.draw(st.integers(1, n - 1))
    result = verify_chain(insert_after(events, i), KEY, anchor_of(events))
    assert kinds(result)[:2] == [(EDITED, i + 1), (LINK, i + 2)]


@settings(deadline=None)
@given(n=st.integers(3, 25), data=st.data())
def test_property_reordered_rows(n, data):
    events = keyed_chain(n)
    i = data.draw(st.integers(1, n - 1))
    j = data.draw(st.integers(i + 1, n))
    result = verify_chain(swap(events, i, j), KEY, anchor_of(events))
    assert not result.ok and result.breaks[0].kind == LINK and result.breaks[0].seq == i


@settings(deadline=None)
@given(n=sizes, data=st.data())
def test_property_deleted_middle_rows(n, data):
    events = keyed_chain(n + 1)
    i = data.draw(st.integers(2, n))
    j = data.draw(st.integers(i, n))
    result = verify_chain(events[: i - 1] + events[j:], KEY, anchor_of(events))
    assert result.breaks[0].kind == GAP and (result.breaks[0].seq, result.breaks[0].last_seq) == (
        i,
        j,
    )


@settings(deadline=None)
@given(counts=st.lists(st.integers(0, 1000), min_size=1, max_size=30))
def test_property_anchor_never_goes_backwards(counts):
    current = None
    for c in counts:
        written = advance(current, Anchor(c, f"{c:064x}"))
        if written is not None:
            assert current is None or written.count > current.count
            current = written
    assert current.count == max(counts)
