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
from sqlalchemy import and_, bindparam, func, or_, select, update
from sqlalchemy.orm import make_transient_to_detached
from sqlalchemy.orm.attributes import set_committed_value

from civic import kyiv
from civic.audit.services import record_event
from civic.database import bound_values, built_once, upsert
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
    petition: Petition | PetitionHead,
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
    require_collecting(petition, now)
    hashed_email = email_hash(email)
    problem = signing.refusal(petition, email, hashed_email, ip=ip, now=now)
    if problem:
        raise PetitionError(problem, "email")
    raw, token_hash = _token()
    signature = _insert_signature(
        (petition.id, full_name.strip(), normalise_email(email), hashed_email, ip),
        token_hash,
        now=now,
        notify_on_answer=notify_on_answer,
    )
    if signature is None:  # the address already signed (or is signing) this petition
        existing = db.session.scalar(
            select(Signature).where(
                Signature.petition_id == petition.id, Signature.email_hash == hashed_email
            )
        )
        if existing is None:  # the other row went away in between: no double signature either
            raise PetitionError(
                "З цієї адреси петицію вже підписано або підпис очікує "
                "підтвердження; перевірте пошту.",
                "email",
            )
        if existing.confirmed_at is not None or existing.invalidated_at is not None:
            raise PetitionError("З цієї адреси петицію вже підписано.", "email")
        signature = existing
        _renew_confirmation(signature, full_name.strip(), token_hash, now=now)
        signature.notify_on_answer = notify_on_answer  # the latest choice counts
    _mail_confirmation_link(signature, petition, raw)
    return signature


def require_collecting(petition: Petition | PetitionHead, now: dt.datetime) -> None:
    """Refuse a signing (by e-mail or identified) unless the petition collects signatures now."""
    if not lifecycle.can_sign(petition.state_enum, petition.collection_ends_on, kyiv.date_of(now)):
        raise PetitionError("Збір підписів під цією петицією не триває.")


SIGNING_COLUMNS = (
    "petition_id",
    "full_name",
    "email",
    "email_hash",
    "email_domain",
    "ip",
    "created_at",
    "token_hash",
    "confirmation_mailed_at",
    "notify_on_answer",
)


@built_once
def _insert_statement():
    table = Signature.__table__
    return (
        upsert(table)
        .values(bound_values(table, SIGNING_COLUMNS))
        .on_conflict_do_nothing(index_elements=["petition_id", "email_hash"])
        .returning(table.c.id)
    )


def _insert_signature(who: tuple, token_hash: str, *, now, notify_on_answer: bool):
    """A new unconfirmed signature (``who`` = petition id, name, address, its keyed hash, IP),
    or None if this mailbox already has one for the petition.

    One ``INSERT … ON CONFLICT (petition_id, email_hash) DO NOTHING RETURNING id`` instead of
    an ORM flush inside a savepoint: of parallel signings with one address exactly one inserts
    (PostgreSQL makes the others wait for its commit; SQLite runs one writer at a time). The
    row is then put into the session as it is stored, without reading it back.
    """
    email, ip = who[2], who[4]
    values = dict(zip(SIGNING_COLUMNS[:4], who[:4], strict=True))
    values.update(email_domain=email.rpartition("@")[2], ip=ip, created_at=now)
    values.update(token_hash=token_hash, confirmation_mailed_at=now)
    values["notify_on_answer"] = notify_on_answer
    new_id = db.session.execute(_insert_statement(), values).scalar()
    if new_id is None:
        return None
    signature = Signature(id=new_id, confirmed_at=None, invalidated_at=None, **values)
    signature.invalidation_id = None
    make_transient_to_detached(signature)
    db.session.add(signature)
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


def _mail_confirmation_link(
    signature: Signature, petition: Petition | PetitionHead, raw: str
) -> None:
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


@dataclass(frozen=True)
class PetitionHead:
    """What the confirmation pages show of a petition and what decides whether it is signed."""

    id: int
    title: str
    state: str
    collection_ends_on: dt.date | None

    @property
    def state_enum(self) -> State:
        return State(self.state)


@dataclass(frozen=True)
class PendingSignature:
    """A signature found by its mailed link, read without ORM objects (the two link pages)."""

    id: int
    full_name: str
    token_hash: str
    petition: PetitionHead


@built_once
def _by_token_statement():
    s, p = Signature.__table__.c, Petition.__table__.c
    return (
        select(s.id, s.full_name, s.token_hash, p.id, p.title, p.state, p.collection_ends_on)
        .join_from(Signature.__table__, Petition.__table__, s.petition_id == p.id)
        .where(s.token_hash == bindparam("token_hash"))
    )


@built_once
def _head_statement():
    p = Petition.__table__.c
    return select(p.id, p.title, p.state, p.collection_ends_on).where(
        p.id == bindparam("petition_id")
    )


def petition_head(petition_id: int) -> PetitionHead | None:
    """What signing needs of a petition (``sign_petition`` takes it for a ``Petition``), in
    one statement built once and without an ORM object: the signing POST's success path."""
    row = db.session.execute(_head_statement(), {"petition_id": petition_id}).first()
    return None if row is None else PetitionHead(*row)


def pending_by_token(raw: str) -> PendingSignature | None:
    """The signature a confirmation link names, with its petition, in one statement."""
    if not raw:
        return None
    row = db.session.execute(_by_token_statement(), {"token_hash": _token_hash(raw)}).first()
    if row is None:
        return None
    return PendingSignature(row[0], row[1], row[2], PetitionHead(*row[3:]))


@built_once
def _confirm_statement():
    table = Signature.__table__
    return (
        update(table)
        .where(_still_pending(bindparam("signature_id")))
        .values(confirmed_at=bindparam("now", type_=table.c.confirmed_at.type), token_hash=None)
    )


@built_once
def _count_statement():
    p = Petition.__table__.c
    return (
        update(Petition.__table__)
        .where(p.id == bindparam("petition_id"))
        .values(signature_count=p.signature_count + 1)
        .returning(p.signature_count)
    )


def confirm_pending(pending: PendingSignature, *, now: dt.datetime) -> int:
    """Count the signature once (the token is spent); returns the petition's new count.

    The row is confirmed by one conditional UPDATE and the counter moves only if that UPDATE
    changed the row: of many parallel requests with one link exactly one counts, the others
    get ``SignatureAlreadyCounted`` (PostgreSQL re-checks the condition after the winner's row
    lock is released; SQLite runs one writer at a time).
    """
    petition = pending.petition
    if not lifecycle.can_sign(petition.state_enum, petition.collection_ends_on, kyiv.date_of(now)):
        raise PetitionError("Збір підписів під цією петицією вже завершено.")
    changed = db.session.execute(
        _confirm_statement(), {"signature_id": pending.id, "now": now}
    ).rowcount
    if changed != 1:
        raise SignatureAlreadyCounted()
    mail_services.forget_secret(pending.token_hash)  # the mailed link is spent
    return _one_more(petition.id)


def confirm_signature(signature: Signature, *, now: dt.datetime) -> Petition:
    """``confirm_pending`` for a loaded signature; the ORM objects get the stored values."""
    petition = db.session.get(Petition, signature.petition_id)
    head = PetitionHead(petition.id, petition.title, petition.state, petition.collection_ends_on)
    pending = PendingSignature(signature.id, signature.full_name, signature.token_hash, head)
    count = confirm_pending(pending, now=now)
    set_committed_value(signature, "confirmed_at", now)
    set_committed_value(signature, "token_hash", None)
    set_committed_value(petition, "signature_count", count)  # what the database now holds
    return petition


def count_one_more(petition: Petition) -> None:
    """Add the signature just counted to the petition's counter (one atomic UPDATE)."""
    set_committed_value(petition, "signature_count", _one_more(petition.id))


def _one_more(petition_id: int) -> int:
    return int(db.session.execute(_count_statement(), {"petition_id": petition_id}).scalar_one())


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
