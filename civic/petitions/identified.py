"""Signatures of citizens identified through an identity provider (ID.GOV.UA; docs/identity.md).

An identified signature is counted at once (the provider has proven who signs: no mail round
trip) and is unique per petition per person: the keyed hash of the РНОКПП (``person_hash``)
under a unique constraint, so of parallel requests exactly one row is written.

One person who signs both ways is counted once when the provider knows their mailbox: the
identified signature carries the hash of the provider's e-mail in ``email_hash`` (the column
e-mail signatures are unique on), so

- an earlier *confirmed* e-mail signature of that mailbox makes the identified one refused
  (the person is already counted);
- an earlier *unconfirmed* one is taken over: confirmed and marked as identified, one count;
- a later e-mail signing with that mailbox is refused as a repeat of the address.

A person whose provider has no e-mail, or who signed by e-mail from another mailbox, cannot be
matched: a council that wants certainty switches e-mail signing off (``IDENTITY_PROVIDERS``).
"""

from __future__ import annotations

import dataclasses
import datetime as dt

from flask import current_app
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.attributes import set_committed_value

from civic import personal_data
from civic.extensions import db
from civic.identity.citizen import Citizen
from civic.mail import services as mail_services
from civic.petitions.models import Petition, Signature
from civic.petitions.services import PetitionError, email_hash, normalise_email
from civic.petitions.signatures import _still_pending, count_one_more, require_collecting

ALREADY = "Ви вже підписали цю петицію; кожна особа може підписати її лише один раз."
BY_EMAIL = (
    "Цю петицію вже підписано з вашої адреси електронної пошти, яку знає сервіс "
    "ідентифікації; підпис зараховано один раз."
)
# email_hash of a signature whose provider gave no e-mail: unique per person and petition,
# never equal to a mailbox's hash (another purpose).
NO_MAILBOX_PURPOSE = "identified-signature"


def _mailbox_hash(citizen: Citizen) -> str:
    if citizen.email:
        return email_hash(citizen.email)
    key = current_app.config["PERSONAL_DATA_KEY"]
    return personal_data.keyed_hash(key, citizen.person_hash, purpose=NO_MAILBOX_PURPOSE)


def has_signed(petition_id: int, citizen: Citizen) -> bool:
    """Whether this person's signature under the petition is already counted (or pending)."""
    return (
        db.session.scalar(
            select(Signature.id).where(
                Signature.petition_id == petition_id,
                Signature.person_hash == citizen.person_hash,
            )
        )
        is not None
    )


def sign_identified(
    petition: Petition,
    citizen: Citizen,
    *,
    ip: str | None,
    now: dt.datetime,
    notify_on_answer: bool = False,
) -> Signature:
    """Count the identified citizen's signature under ``petition`` (once per person)."""
    require_collecting(petition, now)
    mailbox = _mailbox_hash(citizen)
    earlier = db.session.scalars(
        select(Signature).where(
            Signature.petition_id == petition.id,
            (Signature.person_hash == citizen.person_hash) | (Signature.email_hash == mailbox),
        )
    ).all()
    if any(s.person_hash == citizen.person_hash for s in earlier):
        raise PetitionError(ALREADY)
    if earlier and earlier[0].person_hash is None:
        return _take_over(earlier[0], petition, citizen, now=now)
    if earlier:
        # Another identified person with the same mailbox (a family's shared address): the
        # person decides, so this one signs too, apart from that mailbox.
        mailbox = _mailbox_hash(dataclasses.replace(citizen, email=None))
    email = normalise_email(citizen.email) if citizen.email else None
    signature = Signature(
        petition_id=petition.id,
        full_name=citizen.full_name,
        email=email,
        email_hash=mailbox,
        email_domain=email.rpartition("@")[2] if email else "",
        ip=ip,
        created_at=now,
        confirmed_at=now,
        person_hash=citizen.person_hash,
        identity_method=citizen.method,
        notify_on_answer=bool(notify_on_answer and email),
    )
    try:
        with db.session.begin_nested():
            db.session.add(signature)
    except IntegrityError:
        raise PetitionError(ALREADY) from None  # a parallel request of this person won
    count_one_more(petition)
    return signature


def _take_over(
    signature: Signature, petition: Petition, citizen: Citizen, *, now: dt.datetime
) -> Signature:
    """The person's unconfirmed e-mail signature becomes their identified one (one count);
    a counted or invalidated one stays as it is and the identified signing is refused."""
    if signature.confirmed_at is not None or signature.invalidated_at is not None:
        raise PetitionError(BY_EMAIL)
    values = {
        "confirmed_at": now,
        "token_hash": None,
        "full_name": citizen.full_name,
        "person_hash": citizen.person_hash,
        "identity_method": citizen.method,
    }
    changed = db.session.execute(
        update(Signature)
        .where(_still_pending(signature.id), Signature.person_hash.is_(None))
        .values(**values)
        .execution_options(synchronize_session=False)
    ).rowcount
    if changed != 1:
        raise PetitionError(ALREADY)  # confirmed or taken over by a parallel request
    mail_services.forget_secret(signature.token_hash)  # the mailed link is spent
    for name, value in values.items():
        set_committed_value(signature, name, value)
    count_one_more(petition)
    return signature
