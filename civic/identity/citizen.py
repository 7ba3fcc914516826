"""Who a citizen is, from an identity provider's answer (pure: no flask, no clock, no network).

A provider answers with more than civic may keep: the whole qualified certificate, a phone
number, a tax number in clear. :func:`citizen_from_idgovua` keeps only what the council's rules
need and hashes what they need only for equality (Закон «Про захист персональних даних», ст. 6:
data adequate and not excessive):

- ``full_name`` — the public list of a petition's signers names them (Закон «Про звернення
  громадян», ст. 23-1);
- ``person_hash`` — the keyed hash of the РНОКПП (or of the УНЗР, or the passport number of
  someone who refused a tax number) under the instance's ``PERSONAL_DATA_KEY``: one signature
  (later: one PB vote) per person, never the number itself;
- ``birth_on`` and ``address`` when the provider gives them (the PB voters' age and residence
  rules need them; the petitions do not store them);
- ``email`` when the provider gives one, so an identified signature and an earlier e-mail
  signature of the same mailbox count once;
- ``method`` — how the person proved who they are (КЕП, BankID НБУ, Mobile ID, Дія);
- ``document_hash`` — the keyed hash of the same number as a PB paper ballot hashes the
  document written on it, so an online vote and a paper form with that number are one person.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import asdict, dataclass

from stdnum.ua import rntrc

from civic.errors import DomainError
from civic.personal_data import keyed_hash

__all__ = [
    "METHOD_LABELS",
    "PERSON_PURPOSE",
    "Citizen",
    "IdentityError",
    "birth_date_of_rnokpp",
    "birth_date_of_unzr",
    "citizen_from_dict",
    "citizen_from_idgovua",
    "person_key",
]

# The purpose of the keyed hash of a person's number (personal_data.keyed_hash): never equal
# to the hash of the same digits made for another end (a PB ballot's document number).
PERSON_PURPOSE = "person"

# ID.GOV.UA's ``auth_type`` values and how the pages name them.
METHOD_LABELS = {
    "dig_sign": "КЕП",
    "bank_id": "BankID НБУ",
    "mobile_id": "Mobile ID",
    "diia_id": "Дія.Підпис",
    "dev": "тестовий провайдер",
}

# 1 January 1900 is day 1 of the РНОКПП's first five digits (Наказ ДПА № 1000 / the tax code).
_RNOKPP_EPOCH = dt.date(1899, 12, 31)
_UNZR = re.compile(r"(\d{8})-?(\d{5})")
# A passport number of someone who refused a tax number for religious reasons: two Cyrillic
# letters and six digits (the booklet) or the nine digits of an ID card.
_PASSPORT = re.compile(r"[А-ЯҐЄІЇ]{2}\d{6}|\d{9}")
_SPACES = re.compile(r"\s+")
_MAX_TEXT = 200


class IdentityError(DomainError):
    """A sign-in refused: the message is Ukrainian; nothing about the person is kept."""


@dataclass(frozen=True)
class Citizen:
    """A person identified by a provider, as civic keeps them (never the raw answer)."""

    full_name: str
    person_hash: str
    method: str  # a METHOD_LABELS key
    provider: str  # "idgovua", "dev"
    birth_on: dt.date | None = None
    address: str | None = None
    email: str | None = None
    # The keyed hash a paper PB ballot stores when the same number is written on it as the
    # voter's document (civic.pb.services.personal_hash, no purpose): so one person's paper
    # form and online ballot meet in the edition's duplicates rule (docs/pb.md).
    document_hash: str | None = None

    @property
    def method_label(self) -> str:
        return METHOD_LABELS.get(self.method, "ID.GOV.UA")

    def as_dict(self) -> dict:
        """Plain JSON-able values (the signed session cookie holds them)."""
        data = asdict(self)
        data["birth_on"] = self.birth_on.isoformat() if self.birth_on else None
        return data


def citizen_from_dict(data: Mapping) -> Citizen:
    """The inverse of :meth:`Citizen.as_dict`."""
    birth = data.get("birth_on")
    return Citizen(
        full_name=str(data["full_name"]),
        person_hash=str(data["person_hash"]),
        method=str(data["method"]),
        provider=str(data["provider"]),
        birth_on=dt.date.fromisoformat(birth) if birth else None,
        address=data.get("address"),
        email=data.get("email"),
        document_hash=data.get("document_hash"),
    )


def birth_date_of_rnokpp(number: str) -> dt.date | None:
    """The birth date the РНОКПП encodes: its first five digits count days from 31.12.1899."""
    if not (len(number) == 10 and number.isdigit()):
        return None
    days = int(number[:5])
    return _RNOKPP_EPOCH + dt.timedelta(days=days) if days else None


def birth_date_of_unzr(number: str) -> dt.date | None:
    """The birth date the УНЗР (ЄДДР record number, ``РРРРММДД-NNNNN``) starts with."""
    match = _UNZR.fullmatch(number)
    if not match:
        return None
    try:
        return dt.datetime.strptime(match.group(1), "%Y%m%d").date()
    except ValueError:
        return None


def person_key(answer: Mapping) -> tuple[str, dt.date | None]:
    """The number that identifies the person (kind-prefixed) and the birth date it encodes.

    ``drfocode`` is the РНОКПП, ten digits with a check digit; a person who refused it carries
    the passport number there instead. ``unzr`` (when the provider sends it) is used when there
    is no valid РНОКПП. Raises :class:`IdentityError` when the answer names nobody.
    """
    drfo = _SPACES.sub("", str(answer.get("drfocode") or "")).upper()
    unzr = _SPACES.sub("", str(answer.get("unzr") or ""))
    if drfo.isdigit() and len(drfo) == 10 and rntrc.is_valid(drfo):
        return f"rnokpp:{drfo}", birth_date_of_rnokpp(drfo)
    if _UNZR.fullmatch(unzr):
        return f"unzr:{unzr.replace('-', '')}", birth_date_of_unzr(unzr)
    if _PASSPORT.fullmatch(drfo):
        return f"passport:{drfo}", None
    raise IdentityError(
        "Сервіс ідентифікації не передав ні РНОКПП, ні УНЗР, ні номера паспорта, тож "
        "підпис не можна пов'язати з однією особою. Спробуйте інший спосіб входу."
    )


def _text(value: object) -> str:
    """One line of at most 200 characters, without control characters."""
    text = "".join(ch for ch in str(value or "") if ch.isprintable())
    return _SPACES.sub(" ", text).strip()[:_MAX_TEXT]


def _full_name(answer: Mapping) -> str:
    parts = [_text(answer.get(k)) for k in ("lastname", "givenname", "middlename")]
    name = " ".join(p for p in parts if p)[:_MAX_TEXT].strip()
    return name or _text(answer.get("subjectcn"))


def _address(answer: Mapping) -> str | None:
    address = _text(answer.get("address"))
    if not address:
        address = ", ".join(p for p in (_text(answer.get(k)) for k in ("state", "locality")) if p)
    return address or None


def _email(answer: Mapping) -> str | None:
    email = _text(answer.get("email")).lower()
    return email if re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s]+", email) else None


def citizen_from_idgovua(
    answer: Mapping, *, key: str | bytes, provider: str = "idgovua"
) -> Citizen:
    """A :class:`Citizen` from ID.GOV.UA's ``get-user-info`` answer (already decoded JSON).

    The answer itself is not kept: only the fields in the module docstring leave this function.
    """
    if not isinstance(answer, Mapping):
        raise IdentityError("Сервіс ідентифікації надіслав відповідь, яку не вдалося прочитати.")
    name = _full_name(answer)
    if not name:
        raise IdentityError(
            "Сервіс ідентифікації не передав вашого імені, а без нього підпис не можна "
            "оприлюднити. Спробуйте інший спосіб входу."
        )
    number, birth_on = person_key(answer)
    method = _text(answer.get("auth_type"))[:20] or "unknown"
    # The number as a paper form would carry it: digits, or the passport's Cyrillic letters
    # and digits (already what civic.pb.ballots.normalise_document makes of it).
    document = number.partition(":")[2]
    return Citizen(
        full_name=name,
        person_hash=keyed_hash(key, number, purpose=PERSON_PURPOSE),
        method=method,
        provider=provider,
        birth_on=birth_on,
        address=_address(answer),
        email=_email(answer),
        document_hash=keyed_hash(key, document),
    )
