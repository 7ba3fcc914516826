"""The audit chain's hashing rule (pure).

Each event's hash is SHA-256 over the previous event's hash and the event's canonical JSON
(sorted keys, no spaces, UTF-8), so changing, inserting or deleting any row breaks every hash
after it. The first event links to ``GENESIS``.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

GENESIS = "0" * 64


def canonical_json(value) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"), default=str)


def event_hash(prev_hash: str, payload: Mapping) -> str:
    data = prev_hash + "\n" + canonical_json(payload)
    return hashlib.sha256(data.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class ChainedEvent:
    id: int
    payload: Mapping
    prev_hash: str
    hash: str


@dataclass(frozen=True)
class ChainCheck:
    ok: bool
    count: int
    broken_id: int | None = None
    problem: str | None = None


def verify_chain(events: Iterable[ChainedEvent]) -> ChainCheck:
    """Walk the events in id order; report the first one whose link or hash does not hold."""
    prev = GENESIS
    count = 0
    for event in events:
        if event.prev_hash != prev:
            return ChainCheck(False, count, event.id, "prev_hash does not match the previous event")
        if event_hash(prev, event.payload) != event.hash:
            return ChainCheck(False, count, event.id, "hash does not match the event's contents")
        prev = event.hash
        count += 1
    return ChainCheck(True, count)
