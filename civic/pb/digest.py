"""The count's digest (pure): SHA-256 of the canonical JSON of its inputs and its results.

The document (``docs/formats.md``, "Results")::

    {"inputs": {"ballots": {"columns": C, "duplicates": [...], "verdicts": [[codes, reason]...]},
                "edition": {...}, "projects": [...]},
     "results": {...}}

* ``C`` is the SHA-256 (hex) of the canonical JSON of the ballots' columns that never change
  once a ballot is stored, in ballot-id (code point) order: ``ballot_id``, ``cast_on`` (ISO
  date or null), ``channel``, ``check`` (the frozen check,
  :class:`civic.pb.ballots.FrozenChecks`, or null), ``codes`` (the codes as stored) and
  ``voter`` (the keyed hash or null).  It is computed when ballots are stored, so a count only
  adds what it decides:
* ``duplicates``: the ids of the ballots judged ``duplicate_voter``, in code point order;
* ``verdicts``: for every distinct normalised code list (:func:`civic.pb.ballots.codes_key`)
  of the other ballots whose check is null, the list and its reason (null: valid), in code
  point order of the list.

A ballot's reason is thus ``duplicate_voter`` if its id is in ``duplicates``, else its check
if not null, else the reason of its normalised list — the same as judging every ballot, and a
recount of the same stored rows gives the same digest byte for byte.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Mapping, Sequence
from datetime import date
from itertools import islice
from operator import itemgetter, le

__all__ = [
    "BALLOT_COLUMNS",
    "ballot_section",
    "canonical_json",
    "columns_digest",
    "digests",
]

BALLOT_COLUMNS = ("ballot_id", "cast_on", "channel", "check", "codes", "voter")


def canonical_json(value) -> str:
    """Canonical JSON: sorted keys, no spaces, UTF-8 text as is."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def ballot_columns(
    rows: Sequence[tuple[str, date | str | None, str, str | None, str, str | None]],
) -> dict[str, list]:
    """Rows of (ballot_id, cast_on, channel, check, codes, voter) as the canonical columns, in
    code point order of the ballot id (rows already in that order are not sorted again)."""
    ids = list(map(itemgetter(0), rows))
    if not all(map(le, ids, islice(ids, 1, None))):
        rows = sorted(rows, key=itemgetter(0))
        ids = list(map(itemgetter(0), rows))
    casts = list(map(itemgetter(1), rows))
    iso = {day: day if not isinstance(day, date) else day.isoformat() for day in set(casts)}
    return {
        "ballot_id": ids,
        "cast_on": list(map(iso.__getitem__, casts)),
        "channel": list(map(itemgetter(2), rows)),
        "check": list(map(itemgetter(3), rows)),
        "codes": list(map(itemgetter(4), rows)),
        "voter": list(map(itemgetter(5), rows)),
    }


def columns_digest(columns: dict[str, list]) -> str:
    """SHA-256 of ``canonical_json(columns)``, streamed column by column (a million ballots
    never become one string; the columns are emptied as they are hashed)."""
    total = hashlib.sha256()
    total.update(b"{")
    for k, name in enumerate(sorted(columns)):
        total.update((("," if k else "") + canonical_json(name) + ":").encode())
        for piece in _json_pieces(columns.pop(name)):
            total.update(piece.encode("utf-8"))
    total.update(b"}")
    return total.hexdigest()


def ballot_section(
    columns: str, duplicates: Sequence[str], verdicts: Mapping[str, str | None]
) -> dict:
    """The ``inputs.ballots`` part of the document (see the module doc)."""
    return {
        "columns": columns,
        "duplicates": sorted(duplicates),
        "verdicts": [[codes, verdicts[codes]] for codes in sorted(verdicts)],
    }


def digests(ballots: dict, edition: dict, projects: list, results: dict) -> tuple[str, str]:
    """(SHA-256 of the whole document, SHA-256 of its text up to the end of ``inputs``)."""
    head = canonical_json({"ballots": ballots, "edition": edition, "projects": projects})
    inputs = ('{"inputs":' + head).encode()
    total = hashlib.sha256(inputs)
    total.update((',"results":' + canonical_json(results) + "}").encode())
    return total.hexdigest(), hashlib.sha256(inputs).hexdigest()


_NEEDS_ESCAPE = re.compile(r"[\\\x01-\x1f]")  # and '"', counted apart
_NULL = "\x00"


def _json_pieces(values: list[str | None]) -> list[str]:
    """``canonical_json(values)`` for a list of strings and Nones, in pieces to hash one after
    the other, several times faster when no string needs escaping (hashes, ids, ISO dates,
    codes): the strings are joined in one step, a None written as ``null``, and the big text
    is not copied again.  Anything else goes through ``json``."""
    try:
        text = '","'.join(map({None: _NULL}.get, values, values))
    except TypeError:  # not all strings
        return [canonical_json(values)]
    nulls = values.count(None)
    if (
        _NEEDS_ESCAPE.search(text) is None
        and text.count('"') == 2 * max(len(values) - 1, 0)  # only the separators' quotes
        and text.count(_NULL) == nulls
    ):
        if not values:
            return ["[]"]
        if nulls:
            return [('["' + text + '"]').replace(f'"{_NULL}"', "null")]
        return ['["', text, '"]']
    return [canonical_json(values)]


def _json_strings(values: list[str | None]) -> str:
    return "".join(_json_pieces(values))


def legacy_digests(columns: dict[str, list], edition: dict, projects: list, results: dict):
    """The digest as published before 3 December 2026 (the ballots' columns ``ballot_id``,
    ``cast_on``, ``channel``, ``codes``, ``reason``, ``voter`` themselves in the document, in
    ballot-id order): a recount of an edition closed then still verifies its protocol."""
    total = hashlib.sha256()
    inputs = hashlib.sha256()

    def feed(text: str) -> None:
        data = text.encode("utf-8")
        total.update(data)
        inputs.update(data)

    feed('{"inputs":{"ballots":{')
    for k, name in enumerate(sorted(columns)):
        feed(("," if k else "") + canonical_json(name) + ":")
        for piece in _json_pieces(columns.pop(name)):
            feed(piece)
    feed('},"edition":' + canonical_json(edition))
    feed(',"projects":' + canonical_json(projects) + "}")
    total.update((',"results":' + canonical_json(results) + "}").encode())
    return total.hexdigest(), inputs.hexdigest()
