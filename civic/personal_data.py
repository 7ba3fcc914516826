"""Personal data kept only as far as needed (pure): keyed hashes, masks, retention dates.

Voters' document numbers and signers' e-mails are compared, never read back: each is stored as
a keyed hash, HMAC-SHA-256 under the instance secret ``PERSONAL_DATA_KEY``, so that nobody
holding only the database can test a guessed value.  A *purpose* separates hashes of one value
made for different ends (a pabulib voter id is not a document number): the message hashed is
``"{purpose}:{value}"``; the empty purpose hashes the value alone, which is how the document
numbers and e-mails already stored were hashed (so de-duplication against them keeps working).

Raw values are purged after the retention period (``RETENTION_DAYS``, or a module's own
setting); nothing here reads the clock or the app's config: callers pass ``today`` and the
config mapping in.
"""

from __future__ import annotations

import datetime as dt
import hmac
from collections.abc import Iterable, Mapping

try:  # hmac.digest's own one-shot C function, without its wrapper (a million ballots)
    from _hashlib import hmac_digest as _hmac_digest
except ImportError:  # pragma: no cover - a Python without OpenSSL
    _hmac_digest = hmac.digest

DEFAULT_RETENTION_DAYS = 90

__all__ = [
    "DEFAULT_RETENTION_DAYS",
    "keyed_hash",
    "keyed_hashes",
    "mask",
    "retention_cutoff",
    "retention_days",
]


def keyed_hash(key: str | bytes, value: str, *, purpose: str = "") -> str:
    """HMAC-SHA-256 of ``value`` (already normalised by the caller) under ``key``, as hex."""
    secret = key.encode() if isinstance(key, str) else key
    message = f"{purpose}:{value}" if purpose else value
    return hmac.digest(secret, message.encode(), "sha256").hex()


def keyed_hashes(key: str | bytes, values: Iterable[str]) -> list[str | None]:
    """:func:`keyed_hash` of each value (no purpose), None for an empty one: a million at
    once."""
    secret = key.encode() if isinstance(key, str) else key
    return [_hmac_digest(secret, v.encode(), "sha256").hex() if v else None for v in values]


def mask(digest: str | None) -> str:
    """What staff pages show instead of a personal value: a short, non-reversible tag."""
    return f"••••{digest[:6]}" if digest else "—"


def retention_days(config: Mapping, setting: str | None = None) -> int:
    """Days personal data outlives the closing of its case: the module's ``setting``
    (``PB_RETENTION_DAYS``, ``PETITION_RETENTION_DAYS``) when set, else ``RETENTION_DAYS``."""
    own = config.get(setting) if setting else None
    return int(own or config.get("RETENTION_DAYS") or DEFAULT_RETENTION_DAYS)


def retention_cutoff(today: dt.date, days: int) -> dt.date:
    """Cases closed on or before this date are due for the purge on ``today``."""
    return today - dt.timedelta(days=days)
