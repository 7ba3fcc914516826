"""Signatures: signing and the mailed confirmation, counting each exactly once, recounting the
counters, and re-hashing stored addresses after the canonical mailbox form changed.

Signing and confirming are conditional UPDATEs, so of parallel requests exactly one wins
(``tests/petitions/test_integrity.py``, ``test_concurrency.py``).
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass

from flask import current_app
from sqlalchemy import and_, func, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.attributes import set_committed_value

from civic import kyiv
from civic.audit.services import record_event
from civic.extensions import db
from civic.mail import services as mail_services
from civic.mail.services import send_mail
from civic.petitions import lifecycle, signing
from civic.petitions.lifecycle import State
from civic.petitions.models import Petition, Signature
from civic.petitions.services import (
    PetitionError,
    SignatureAlreadyCounted,
    _token,
    _token_hash,
    _url,
    email_hash,
    normalise_email,
)

log = logging.getLogger(__name__)


def sign_petition(
    petition: Petition,
    full_name: str,
    email: str,
    *,
    ip: str | None,
    now: dt.datetime,
    notify_on_answer: bool = False,
) -> Signature:
    """Record an unconfirmed signature and mail its confirmation link.

    One signature per normalised e-mail per petition is enforced by a unique constraint; a
    second unconfirmed attempt gets a fresh link, a confirmed one is refused.
    """
    today = kyiv.date_of(now)
    if not lifecycle.can_sign(petition.state_enum, petition.collection_ends_on, today):
        raise PetitionError("Збір підписів під цією петицією не триває.")
    hashed_email = email_hash(email)
    problem = signing.refusal(petition, email, hashed_email, ip=ip, now=now)
    if problem:
        raise PetitionError(problem, "email")
    raw, token_hash = _token()
    existing = db.session.scalar(
        select(Signature).where(
            Signature.petition_id == petition.id, Signature.email_hash == hashed_email
        )
    )
    if existing is None:
        signature = Signature(
            petition_id=petition.id,
            full_name=full_name.strip(),
            email=normalise_email(email),
            email_hash=hashed_email,
            email_domain=normalise_email(email).rpartition("@")[2],
            ip=ip,
            created_at=now,
            token_hash=token_hash,
            confirmation_mailed_at=now,
            notify_on_answer=notify_on_answer,
        )
        try:
            with db.session.begin_nested():
                db.session.add(signature)
        except IntegrityError:
            # A parallel request with the same address won the race.
            raise PetitionError(
                "З цієї адреси петицію вже підписано або підпис очікує "
                "підтвердження; перевірте пошту.",
                "email",
            ) from None
    else:
        if existing.confirmed_at is not None or existing.invalidated_at is not None:
            raise PetitionError("З цієї адреси петицію вже підписано.", "email")
        signature = existing
        _renew_confirmation(signature, full_name.strip(), token_hash, now=now)
        signature.notify_on_answer = notify_on_answer  # the latest choice counts
    _mail_confirmation_link(signature, petition, raw)
    return signature


def confirmation_mail_minutes_setting() -> int:
    return int(current_app.config.get("PETITION_CONFIRMATION_MAIL_MINUTES", 15))


def _still_pending(signature_id: int):
    """The row's condition for a conditional UPDATE: neither confirmed nor invalidated yet, so
    of parallel requests only the first to change it wins."""
    return and_(
        Signature.id == signature_id,
        Signature.confirmed_at.is_(None),
        Signature.invalidated_at.is_(None),
    )


def _renew_confirmation(signature: Signature, full_name: str, token_hash: str, *, now) -> None:
    """A repeated signing with an unconfirmed address: a fresh link, at most one mail per
    address and petition per ``PETITION_CONFIRMATION_MAIL_MINUTES``.

    One conditional UPDATE claims the right to mail, so of parallel repeats at most one wins;
    inside the window nothing changes and the link already mailed stays valid.
    """
    minutes = confirmation_mail_minutes_setting()
    changed = db.session.execute(
        update(Signature)
        .where(
            _still_pending(signature.id),
            or_(
                Signature.confirmation_mailed_at.is_(None),
                Signature.confirmation_mailed_at <= now - dt.timedelta(minutes=minutes),
            ),
        )
        .values(full_name=full_name, token_hash=token_hash, confirmation_mailed_at=now)
        .execution_options(synchronize_session=False)
    ).rowcount
    if changed == 1:
        mail_services.forget_secret(signature.token_hash)  # the earlier link is replaced
        for key, value in (
            ("full_name", full_name),
            ("token_hash", token_hash),
            ("confirmation_mailed_at", now),
        ):
            set_committed_value(signature, key, value)
        return
    db.session.refresh(signature)
    if signature.confirmed_at is not None or signature.invalidated_at is not None:
        raise PetitionError("З цієї адреси петицію вже підписано.", "email")
    mailed = kyiv.local(signature.confirmation_mailed_at)
    again = mailed + dt.timedelta(minutes=minutes)
    raise PetitionError(
        f"Лист із посиланням для підтвердження вже надіслано на цю адресу "
        f"{mailed:%d.%m.%Y о %H:%M}. Перевірте пошту (і теку «Спам»); новий лист можна "
        f"надіслати не раніше ніж через {minutes} хв після попереднього — о {again:%H:%M}.",
        "email",
    )


def _mail_confirmation_link(signature: Signature, petition: Petition, raw: str) -> None:
    """The confirmation mail carries nothing the signer typed.

    It goes to an address nobody has proven yet, so whatever the form let through (the name)
    would be text a stranger makes the council's server deliver: the name is shown on the
    confirmation page behind the link instead, where the owner of the address checks it.
    """
    send_mail(
        signature.email,
        f"Підтвердьте підпис під петицією № {petition.id}",
        "Добрий день!\n\n"
        f"На цю адресу надійшов запит підписати електронну петицію № {petition.id} "
        f"«{petition.title}».\n"
        "Щоб підпис було зараховано, відкрийте посилання, перевірте ім'я підписанта і "
        f"натисніть «Підтвердити підпис»:\n{_url(f'/petitions/signatures/{raw}')}\n\n"
        "Якщо ви не підписували петицію, проігноруйте цей лист: без підтвердження підпис не "
        "зараховують.\n",
        category="petition.signature",
        secret=raw,
    )


def signature_by_token(raw: str) -> Signature | None:
    if not raw:
        return None
    return db.session.scalar(select(Signature).where(Signature.token_hash == _token_hash(raw)))


def confirm_signature(signature: Signature, *, now: dt.datetime) -> Petition:
    """Count the signature once (the token is spent).

    The row is confirmed by one conditional UPDATE and the counter moves only if that UPDATE
    changed the row: of many parallel requests with one link exactly one counts, the others
    get ``SignatureAlreadyCounted`` (PostgreSQL re-checks the condition after the winner's row
    lock is released; SQLite runs one writer at a time).
    """
    petition = db.session.get(Petition, signature.petition_id)
    if not lifecycle.can_sign(petition.state_enum, petition.collection_ends_on, kyiv.date_of(now)):
        raise PetitionError("Збір підписів під цією петицією вже завершено.")
    changed = db.session.execute(
        update(Signature)
        .where(_still_pending(signature.id))
        .values(confirmed_at=now, token_hash=None)
        .execution_options(synchronize_session=False)
    ).rowcount
    if changed != 1:
        raise SignatureAlreadyCounted()
    mail_services.forget_secret(signature.token_hash)  # the mailed link is spent
    set_committed_value(signature, "confirmed_at", now)
    set_committed_value(signature, "token_hash", None)
    count_one_more(petition)
    return petition


def count_one_more(petition: Petition) -> None:
    """Add the signature just counted to the petition's counter (one atomic UPDATE)."""
    count = db.session.execute(
        update(Petition)
        .where(Petition.id == petition.id)
        .values(signature_count=Petition.signature_count + 1)
        .returning(Petition.signature_count)
        .execution_options(synchronize_session=False)
    ).scalar_one()
    set_committed_value(petition, "signature_count", count)  # what the database now holds


def counted_clause():
    """A counted signature: confirmed and not invalidated (what the counter counts)."""
    return and_(Signature.confirmed_at.is_not(None), Signature.invalidated_at.is_(None))


def _recount_locked(petition_id: int) -> tuple[int, int]:
    """Set the petition's counter to its counted rows; returns (stored before, counted).

    A no-op UPDATE first takes the petition's row lock (PostgreSQL) or the write lock
    (SQLite), so the count below sees every confirmation committed before it, and a
    confirmation still in flight adds its +1 after this transaction: none is lost.
    """
    db.session.execute(
        update(Petition)
        .where(Petition.id == petition_id)
        .values(signature_count=Petition.signature_count)
        .execution_options(synchronize_session=False)
    )
    stored = db.session.scalar(select(Petition.signature_count).where(Petition.id == petition_id))
    count = int(
        db.session.scalar(
            select(func.count(Signature.id)).where(
                Signature.petition_id == petition_id, counted_clause()
            )
        )
        or 0
    )
    if stored != count:
        db.session.execute(
            update(Petition)
            .where(Petition.id == petition_id)
            .values(signature_count=count)
            .execution_options(synchronize_session=False)
        )
    return int(stored or 0), count


def recount(petition_id: int) -> int:
    """Set the petition's counter to its counted signatures under its row lock; returns it."""
    return _recount_locked(petition_id)[1]


@dataclass(frozen=True)
class CounterCorrection:
    petition_id: int
    stored: int
    counted: int


def recount_signatures(*, actor=None) -> list[CounterCorrection]:
    """Recount every collecting petition's counter from its rows; audit and log each correction.

    One grouped count finds the suspects; each is recounted under its row lock, and only a
    difference that is still there then is corrected (a confirmation in between is no error).
    """
    collecting = select(Petition.id).where(Petition.state == State.COLLECTING.value)
    counts = dict(
        db.session.execute(
            select(Signature.petition_id, func.count(Signature.id))
            .where(Signature.petition_id.in_(collecting), counted_clause())
            .group_by(Signature.petition_id)
        ).all()
    )
    stored = db.session.execute(
        select(Petition.id, Petition.signature_count).where(Petition.id.in_(collecting))
    ).all()
    corrections = []
    for petition_id, count in sorted(stored):
        if count == counts.get(petition_id, 0):
            continue
        before, after = _recount_locked(petition_id)
        if before == after:
            continue
        corrections.append(CounterCorrection(petition_id, before, after))
        log.warning(
            "petition %s: signature counter %s corrected to %s counted signatures",
            petition_id,
            before,
            after,
        )
        record_event(
            "petition.signature_count_corrected",
            object_type="petition",
            object_id=petition_id,
            details={"stored": before, "counted": after},
            actor=actor,
        )
    db.session.expire_all()  # counters changed behind the identity map
    return corrections


def rehash_signatures() -> tuple[int, list[Signature]]:
    """Recompute every stored ``email_hash`` from the kept address (after the canonical form
    changed); returns how many changed and the signatures left alone because an earlier
    signature of the same petition has the same canonical mailbox (for moderators to review).

    Signatures whose address was purged keep their hash: it can no longer be recomputed.
    """
    changed, clashes = 0, []
    rows = db.session.scalars(
        select(Signature)
        .where(Signature.email.is_not(None))
        .order_by(
            Signature.petition_id,
            Signature.confirmed_at.is_(None),
            Signature.confirmed_at,
            Signature.id,
        )
    )
    taken = {
        (row.petition_id, row.email_hash)
        for row in db.session.execute(select(Signature.petition_id, Signature.email_hash))
    }
    for signature in list(rows):
        new = email_hash(signature.email)
        if new == signature.email_hash:
            continue
        if (signature.petition_id, new) in taken:
            clashes.append(signature)
            continue
        taken.discard((signature.petition_id, signature.email_hash))
        taken.add((signature.petition_id, new))
        signature.email_hash = new
        changed += 1
        db.session.flush()
    if changed or clashes:
        record_event(
            "petition.signatures_rehashed",
            details={"changed": changed, "clashes": [s.id for s in clashes]},
        )
    return changed, clashes
