"""Check my ballot: a voter asks, by the form number and the last four characters of their
document (a paper ballot) or by the receipt code shown once after an online vote, whether their
ballot was counted — and learns nothing else.

No choices are ever shown.  A wrong pair, an unknown form number and a ballot that cannot be
checked (no document on it, a pabulib voter) get one neutral answer, so the page is no oracle
for which part was wrong.  Attempts are limited per visitor address and per form number in
fixed windows counted in the database (one upsert each, so every gunicorn worker agrees, as the
petitions' signing limits are), and every attempt goes to the audit log.  The view commits once:
the counters and the audit event are written whatever the answer.
"""

from __future__ import annotations

import datetime as dt
import hmac
from dataclasses import dataclass

from sqlalchemy import select

from civic.audit.services import record_event
from civic.database import count_in_window
from civic.extensions import db
from civic.pb import ballots as judging
from civic.pb.ballots import ACCEPTED, COUNTED, NOT_COUNTED  # noqa: F401 (the statuses)
from civic.pb.models import Ballot, CheckCounter, Edition
from civic.pb.services import check_hash
from civic.pb.voting import receipt_hash
from civic.petitions.mailboxes import Window, minutes_text
from civic.petitions.signing import limit_windows

UNKNOWN = "unknown"
LIMITED = "limited"

LIMIT_SETTINGS = (
    ("address", "PB_CHECK_LIMIT_PER_ADDRESS"),
    ("form", "PB_CHECK_LIMIT_PER_FORM"),
)
NEUTRAL = (
    "Бюлетеня з таким номером бланка та такими останніми знаками документа не знайдено. "
    "Перевірте номер бланка та чотири останні знаки документа, зазначеного в бланку."
)
REFUSALS = {
    "address": "З вашої адреси надто багато спроб перевірки.",
    "form": "Для цього номера бланка надто багато спроб перевірки.",
}
# A receipt code is random: only the visitor's address is limited (a per-code window would
# stop nobody who guesses a new code each time).
RECEIPT_LIMIT_SETTINGS = (("address", "PB_CHECK_LIMIT_PER_ADDRESS"),)
RECEIPT_NEUTRAL = (
    "Бюлетеня з таким кодом квитанції не знайдено. Перевірте код: 16 знаків, латинські літери "
    "та цифри, як їх показано після голосування."
)


@dataclass(frozen=True)
class CheckAnswer:
    status: str  # counted, not_counted, accepted, unknown, limited
    message: str


def _count_attempt(edition_id: int, kind: str, key: str, window: Window, epoch: int) -> int:
    """One more attempt in the window's counter → the count so far."""
    keys = {"edition_id": edition_id, "kind": kind, "key": key}
    return count_in_window(CheckCounter.__table__, window.seconds, window.start(epoch), **keys)


def _limited(
    edition: Edition, keys: dict[str, str], now: dt.datetime, settings=LIMIT_SETTINGS
) -> str | None:
    """Counts this attempt in every window; the refusal (Ukrainian) when one is exceeded."""
    epoch = int(now.timestamp())
    refusal = None
    for kind, setting in settings:
        for window in limit_windows(setting):
            count = _count_attempt(edition.id, kind, keys[kind], window, epoch)
            if count > window.amount and refusal is None:
                wait = minutes_text(window.retry_after(epoch))
                refusal = f"{REFUSALS[kind]} Спробуйте через {wait}."
    return refusal


def _answer(
    edition: Edition,
    action: str,
    address: str | None,
    *,
    find,
    neutral: str,
    details: dict,
    now: dt.datetime,
    settings=LIMIT_SETTINGS,
    extra_keys: dict[str, str] | None = None,
) -> CheckAnswer:
    """Count the attempt against ``settings``' limits, then the verdict of the ballot ``find()``
    returns (``neutral`` when it returns None), and log the attempt whatever it answers."""
    keys = {"address": (address or "unknown")[:64], **(extra_keys or {})}
    refusal = _limited(edition, keys, now, settings)
    if refusal is not None:
        answer = CheckAnswer(LIMITED, refusal)
    elif (ballot := find()) is None:
        answer = CheckAnswer(UNKNOWN, neutral)
    else:
        answer = CheckAnswer(*judging.receipt(closed=edition.is_closed, reason=ballot.reason))
    record_event(
        action,
        object_type="pb_edition",
        object_id=edition.slug,
        details={**details, "answer": answer.status, "address": address},
        actor=None,
        now=now,
    )
    return answer


def check_ballot(
    edition: Edition, form_number: str, last_four: str, *, address: str | None, now: dt.datetime
) -> CheckAnswer:
    """Whether the ballot on form ``form_number`` whose document ends in ``last_four`` counts.

    Every call is counted against the limits and logged, whatever it answers.
    """
    form = form_number.strip()[:60]

    def find() -> Ballot | None:
        ballot = db.session.scalars(
            select(Ballot).where(Ballot.edition_id == edition.id, Ballot.ballot_id == form)
        ).first()
        typed = check_hash(last_four)
        stored = ballot.check_hash if ballot is not None else None
        if stored is None or typed is None or not hmac.compare_digest(stored, typed):
            return None
        return ballot

    return _answer(
        edition,
        "pb.ballot_checked",
        address,
        find=find,
        neutral=NEUTRAL,
        details={"form_number": form},
        now=now,
        extra_keys={"form": form},
    )


def check_receipt(
    edition: Edition, code: str, *, address: str | None, now: dt.datetime
) -> CheckAnswer:
    """Whether the online ballot with receipt ``code`` was received and, once the count is
    closed, whether it counts (and why not). Counted against the limits and logged, always."""
    typed = receipt_hash(code)

    def find() -> Ballot | None:
        if typed is None:
            return None
        return db.session.scalars(
            select(Ballot).where(Ballot.edition_id == edition.id, Ballot.receipt_hash == typed)
        ).first()

    return _answer(
        edition,
        "pb.receipt_checked",
        address,
        find=find,
        neutral=RECEIPT_NEUTRAL,
        details={},
        now=now,
        settings=RECEIPT_LIMIT_SETTINGS,
    )
