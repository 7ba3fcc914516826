"""The audit chain's rule and its verification (pure: no flask, sqlalchemy, clock or files).

Each event's ``hash`` is HMAC-SHA256, under a key kept outside the database (the instance
folder or the ``AUDIT_KEY`` setting), over the previous event's hash and the canonical JSON
(sorted keys, no spaces, UTF-8) of *every* column of the event (``note`` included). Someone who
can write to the database but does not hold the key can therefore neither edit a row and
recompute the hashes after it nor append a forged row.

What the chain alone cannot show — the last rows deleted, or all of them — the *anchor* shows:
the count and the last hash, written outside the database after every commit that appended
events (see ``civic.audit.anchor``). The chain must reach the anchor's count and, at that
sequence number, carry the anchor's hash.

Databases made before the key existed hold a prefix of *legacy* rows hashed by the old rule
(plain SHA-256, ``note`` not covered; no code ever wrote ``note``, so it must be empty there).
The anchor records where the keyed part starts (``keyed_from``); the first keyed row's HMAC
covers the last legacy hash, so the legacy prefix cannot be rewritten either.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from civic.formatting import agree

RECORDS = ("запис", "записи", "записів")

GENESIS = "0" * 64
_KEYED_PREFIX = b"civic-audit-v2\n"


def canonical_json(value) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"), default=str)


def legacy_hash(prev_hash: str, payload: Mapping) -> str:
    """The old, unkeyed rule: SHA-256 over the previous hash and the payload without ``note``."""
    body = {k: v for k, v in payload.items() if k != "note"}
    data = prev_hash + "\n" + canonical_json(body)
    return hashlib.sha256(data.encode("utf-8")).hexdigest()


# The name the rest of the code used for the old rule.
event_hash = legacy_hash


def keyed_hash(key: bytes, prev_hash: str, payload: Mapping) -> str:
    """The rule: HMAC-SHA256 under ``key`` over the previous hash and every column."""
    if not key:
        raise ValueError("the audit key is empty")
    data = _KEYED_PREFIX + (prev_hash + "\n" + canonical_json(dict(payload))).encode("utf-8")
    return hmac.new(key, data, hashlib.sha256).hexdigest()


@dataclass(frozen=True)
class ChainedEvent:
    """One stored row: ``id`` is its sequence number (1, 2, ...); ``payload`` every column but
    ``prev_hash`` and ``hash``."""

    id: int
    payload: Mapping
    prev_hash: str
    hash: str


@dataclass(frozen=True)
class Anchor:
    """The head of the chain as last committed: ``count`` events, the last one's ``head`` hash;
    rows from ``keyed_from`` on are keyed (earlier ones legacy)."""

    count: int
    head: str
    keyed_from: int = 1

    def to_json(self) -> dict:
        return {"count": self.count, "head": self.head, "keyed_from": self.keyed_from}

    @classmethod
    def from_json(cls, data: Mapping) -> Anchor:
        count, head, keyed_from = data["count"], data["head"], data.get("keyed_from", 1)
        if not (isinstance(count, int) and count >= 0 and isinstance(keyed_from, int)):
            raise ValueError("count and keyed_from must be whole numbers")
        if not (isinstance(head, str) and len(head) == 64):
            raise ValueError("head must be a 64-character hash")
        return cls(count, head, max(1, keyed_from))


def advance(current: Anchor | None, new: Anchor) -> Anchor | None:
    """The anchor to write after a commit, or ``None`` to leave ``current``: never backwards."""
    if current is not None and new.count <= current.count:
        return None
    if current is not None:
        new = Anchor(new.count, new.head, current.keyed_from)
    return new


# Kinds of break, in the order a reader meets them.
GAP = "gap"  # ids missing in the middle: rows deleted
INSERTED = "inserted"  # an id that cannot be there (0, negative, duplicate)
LINK = "link"  # prev_hash is not the previous row's hash: inserted, deleted or reordered
EDITED = "edited"  # the contents do not match the hash (edited, or a forged row)
NOTE_EDITED = "note_edited"  # only the note column differs from what was hashed
UNKEYED = "unkeyed"  # the hash follows the plain SHA-256 rule: recomputed without the key
WRONG_KEY = "wrong_key"  # no keyed row verifies at all
DELETED_TAIL = "deleted_tail"  # the chain ends before the anchor's count
DELETED_ALL = "deleted_all"  # no rows at all, the anchor says there were
HEAD_MISMATCH = "head_mismatch"  # the row at the anchor's count has another hash
ANCHOR_MISSING = "anchor_missing"  # rows exist but no anchor was found


# What each kind of break means, said of ``{rows}`` (one row or a run of them); ``{seq}`` is
# the first row, ``{expected}``/``{records}`` the anchor's count as a number and in words.
_MEANINGS = {
    GAP: "{rows} відсутні: їх видалено з середини журналу",
    INSERTED: "{rows}: такого номера в журналі бути не може — запис вставлено в обхід civic",
    LINK: "{rows}: посилання на попередній запис (prev_hash) не збігається — записи перед ним "
    "змінено й перераховано, вставлено, видалено або переставлено",
    EDITED: "{rows}: вміст не відповідає хешу — запис змінено або підроблено",
    NOTE_EDITED: "{rows}: змінено поле note (примітку), решта полів цілі",
    UNKEYED: "{rows}: хеш обчислено без ключа — запис змінено, а ланцюжок після нього перераховано",
    WRONG_KEY: "жоден запис, починаючи з id {seq}, не підтверджується ключем журналу — ключ "
    "змінено (AUDIT_KEY, файл audit_key) або журнал замінено",
    DELETED_TAIL: "видалено останні записи: журнал закінчується на id {before}, а якір "
    "зафіксував {records} (відсутні id {seq}–{expected})",
    DELETED_ALL: "усі записи журналу видалено: якір зафіксував {records}",
    HEAD_MISMATCH: "{rows} не збігається з якорем — ланцюжок до нього замінено або перераховано",
    ANCHOR_MISSING: "якоря журналу немає, а записів {expected} — видалення останніх записів не "
    "можна виявити; якщо це перша перевірка після оновлення civic або відновлення з копії, "
    "виконайте `civic audit adopt`",
}


@dataclass(frozen=True)
class Break:
    kind: str
    seq: int  # the first row (sequence number = id) concerned
    last_seq: int | None = None  # the last one, for a run of rows with the same break
    expected: int | None = None  # the anchor's count, for deleted rows

    @property
    def message(self) -> str:
        one = not self.last_seq or self.last_seq == self.seq
        if one and self.kind == GAP:
            return f"запис id {self.seq} відсутній: його видалено з середини журналу"
        rows = f"запис id {self.seq}" if one else f"записи id {self.seq}–{self.last_seq}"
        meaning = _MEANINGS.get(self.kind, "{rows}: " + self.kind)
        records = agree(self.expected, RECORDS) if self.expected is not None else ""
        return meaning.format(
            rows=rows, seq=self.seq, before=self.seq - 1, expected=self.expected, records=records
        )


@dataclass(frozen=True)
class ChainCheck:
    ok: bool
    count: int  # rows read
    breaks: tuple[Break, ...] = ()
    legacy_count: int = 0  # rows verified by the old unkeyed rule
    keyed_from: int = 1  # the first keyed sequence number (inferred when there is no anchor)
    anchor: Anchor | None = None
    head: str = GENESIS  # the last row's stored hash
    kinds: frozenset[str] = field(default_factory=frozenset)

    @property
    def broken_id(self) -> int | None:
        return self.breaks[0].seq if self.breaks else None

    @property
    def problem(self) -> str | None:
        return self.breaks[0].message if self.breaks else None


def _content_break(key: bytes, prev: str, event: ChainedEvent, legacy_zone: bool):
    """``None`` if the row's hash holds; else the kind of break and whether it is legacy."""
    payload = event.payload
    if legacy_zone and legacy_hash(prev, payload) == event.hash:
        return (NOTE_EDITED if payload.get("note") is not None else None), True
    if keyed_hash(key, prev, payload) == event.hash:
        return None, False
    if legacy_hash(prev, payload) == event.hash:
        return UNKEYED, False
    if payload.get("note") is not None and (
        keyed_hash(key, prev, {**payload, "note": None}) == event.hash
        or legacy_zone
        and legacy_hash(prev, {**payload, "note": None}) == event.hash
    ):
        return NOTE_EDITED, False
    return EDITED, False


def verify_chain(
    events: Iterable[ChainedEvent], key: bytes, anchor: Anchor | None = None
) -> ChainCheck:
    """Walk the events in id order and report every break, then compare with the anchor.

    After a break the walk goes on from the row's stored hash, so one edited row is one break,
    and runs of rows with the same break are reported once.
    """
    breaks: list[Break] = []

    def report(kind: str, seq: int, **kw) -> None:
        last = breaks[-1] if breaks else None
        if last and last.kind == kind and (last.last_seq or last.seq) == seq - 1 and not kw:
            breaks[-1] = Break(kind, last.seq, seq)
        else:
            breaks.append(Break(kind, seq, **kw))

    prev = GENESIS
    expected = 1
    count = legacy = 0
    seen_keyed = False  # a row verified by the keyed rule has been met
    not_legacy = keyed_ok = edited = 0
    first_keyed: int | None = None
    head_at_anchor: str | None = None
    for event in events:
        count += 1
        if event.id < expected:
            report(INSERTED, event.id)
            continue
        # One break per row: a broken link (or gap) says more than the contents that follow.
        linked = True
        if event.id > expected:
            report(GAP, expected, last_seq=event.id - 1)
            linked = False
        elif event.prev_hash != prev:
            report(LINK, event.id)
            linked = False
        # Legacy rows may only come before the keyed ones (the anchor says where they end).
        legacy_zone = event.id < anchor.keyed_from if anchor is not None else not seen_keyed
        kind, was_legacy = _content_break(key, event.prev_hash, event, legacy_zone)
        if was_legacy:
            legacy += 1
        else:
            not_legacy += 1
            if kind is None:
                keyed_ok += 1
                seen_keyed = True
                if first_keyed is None:
                    first_keyed = event.id
            elif kind == EDITED:
                edited += 1
        if kind is not None and linked:
            report(kind, event.id)
        if anchor is not None and event.id == anchor.count:
            head_at_anchor = event.hash
        prev = event.hash
        expected = event.id + 1
    last_id = expected - 1

    if not_legacy >= 2 and keyed_ok == 0 and edited == not_legacy:
        breaks.append(Break(WRONG_KEY, anchor.keyed_from if anchor else 1))
    if anchor is None:
        if count:
            breaks.append(Break(ANCHOR_MISSING, last_id, expected=count))
    elif anchor.count > 0:
        if count == 0:
            breaks.append(Break(DELETED_ALL, 1, expected=anchor.count))
        elif last_id < anchor.count:
            breaks.append(Break(DELETED_TAIL, last_id + 1, expected=anchor.count))
        elif head_at_anchor is not None and head_at_anchor != anchor.head:
            breaks.append(Break(HEAD_MISMATCH, anchor.count))
    keyed_from = anchor.keyed_from if anchor is not None else (first_keyed or expected)
    return ChainCheck(
        ok=not breaks,
        count=count,
        breaks=tuple(breaks),
        legacy_count=legacy,
        keyed_from=keyed_from,
        anchor=anchor,
        head=prev,
        kinds=frozenset(b.kind for b in breaks),
    )
