"""Paper ballots typed twice: each copy by a different commission member, the second decides.

Two copies that agree make a ballot; copies that differ make a :class:`Discrepancy` which a third
member resolves looking at the paper form, field by field.  The view commits once.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from civic import database
from civic.audit.services import record_event
from civic.extensions import db
from civic.pb import ballots as judging
from civic.pb import grouping
from civic.pb.models import Ballot, Discrepancy, Edition, Entry
from civic.pb.services import (
    PbError,
    assert_open,
    check_hash,
    config_of,
    mark_dirty,
    personal_hash,
)

ENTRY_FIELDS = (
    ("cast_on", "Дата голосування"),
    ("full_name", "ПІБ"),
    ("birth_date", "Дата народження"),
    ("document_hash", "Документ"),
    ("settlement", "Населений пункт"),
    ("address", "Адреса"),
    ("projects", "Проєкти"),
)
ENTRY_FIELD_TITLES = dict(ENTRY_FIELDS)


@dataclass(frozen=True)
class EntryData:
    """What an operator typed from one paper form (document already as typed; hashed here)."""

    batch: str
    number: str
    cast_on: dt.date | None
    full_name: str
    birth_date: dt.date | None
    document: str
    settlement: str
    address: str
    projects: str


@dataclass(frozen=True)
class EntryOutcome:
    status: str  # "first" (waiting for the second copy), "agreed", "discrepancy"
    entry: Entry
    message: str


def _comparable(entry: Entry, field_name: str):
    value = getattr(entry, field_name)
    if field_name in ("full_name", "address"):
        return " ".join((value or "").split()).casefold()
    if field_name == "settlement":
        return judging.normalise_settlement(value)
    if field_name == "projects":
        return sorted({judging.normalise_code(c) for c in judging.split_codes(value)})
    return value


def compare_entries(first: Entry, second: Entry) -> list[str]:
    """The fields on which two entries of one paper ballot differ (after normalisation)."""
    return [
        name for name, _ in ENTRY_FIELDS if _comparable(first, name) != _comparable(second, name)
    ]


def paper_ballot_id(batch: str, number: str) -> str:
    return f"{batch}/{number}"


def record_entry(edition: Edition, operator, data: EntryData) -> EntryOutcome:
    """Save one operator's entry of a paper ballot; the second entry decides.

    The same operator cannot type both copies; a third entry is refused.  Two operators saving
    the same ballot at the same moment are serialised by the unique constraints: the loser
    retries as the second copy inside a savepoint, so nothing is lost or doubled.
    """
    assert_open(edition)
    batch, number = data.batch.strip(), data.number.strip()
    if not batch or not number:
        raise PbError("Вкажіть номер пачки (скриньки) і номер бюлетеня.")
    values = {
        "edition_id": edition.id,
        "batch": batch,
        "number": number,
        "operator_id": operator.id,
        "cast_on": data.cast_on,
        "full_name": data.full_name.strip()[:200] or None,
        "birth_date": data.birth_date,
        "document_hash": personal_hash(data.document),
        "check_hash": check_hash(data.document),
        "settlement": data.settlement.strip()[:120] or None,
        "address": data.address.strip()[:300] or None,
        "projects": ",".join(judging.split_codes(data.projects)),
    }
    for _attempt in range(3):
        existing = list(
            db.session.scalars(
                select(Entry).where(
                    Entry.edition_id == edition.id, Entry.batch == batch, Entry.number == number
                )
            )
        )
        if any(e.operator_id == operator.id for e in existing):
            raise PbError(
                f"Бюлетень {batch}/{number} ви вже вводили: другий примірник має ввести інший "
                "член комісії."
            )
        if len(existing) >= 2:
            raise PbError(f"Бюлетень {batch}/{number} уже введено двічі.")
        copy = 1 if not existing else 2
        entry = Entry(copy=copy, **values)
        try:
            with db.session.begin_nested():
                db.session.add(entry)
                db.session.flush()
        except IntegrityError:
            # Someone saved this ballot at the same moment: look again and retry.
            continue
        if copy == 1:
            return EntryOutcome(
                "first", entry, f"Бюлетень {batch}/{number}: перше введення збережено."
            )
        return _second_entry(edition, existing[0], entry)
    raise PbError(f"Бюлетень {batch}/{number}: не вдалося зберегти, спробуйте ще раз.")


def _second_entry(edition: Edition, first: Entry, second: Entry) -> EntryOutcome:
    differing = compare_entries(first, second)
    batch, number = second.batch, second.number
    if not differing:
        _ballot_from_entry(edition, first)
        return EntryOutcome(
            "agreed", second, f"Бюлетень {batch}/{number}: введення збіглися, враховано."
        )
    db.session.add(Discrepancy(edition_id=edition.id, batch=batch, number=number, fields=differing))
    db.session.flush()
    names = ", ".join(ENTRY_FIELD_TITLES[f] for f in differing)
    return EntryOutcome(
        "discrepancy",
        second,
        f"Бюлетень {batch}/{number}: введення розходяться ({names}) — передано на розгляд комісії.",
    )


def _ballot_from_entry(edition: Edition, entry: Entry, overrides: dict | None = None) -> Ballot:
    values = {name: getattr(entry, name) for name, _ in ENTRY_FIELDS}
    values.update(overrides or {})
    ballot = Ballot(
        edition_id=edition.id,
        ballot_id=paper_ballot_id(entry.batch, entry.number),
        channel="paper",
        source="entry",
        cast_on=values["cast_on"],
        full_name=values["full_name"],
        has_name=bool(values["full_name"]),
        birth_date=values["birth_date"],
        voter_hash=values["document_hash"],
        check_hash=values.get("check_hash", entry.check_hash),
        settlement=values["settlement"],
        address=values["address"],
        projects=values["projects"] or "",
    )
    ballot.frozen_reason, ballot.codes_key = grouping.frozen_columns(
        grouping.frozen_checks(config_of(edition)),
        ballot.has_name,
        ballot.birth_date,
        ballot.voter_hash,
        ballot.cast_on,
        ballot.settlement,
        ballot.projects,
    )
    db.session.add(ballot)
    mark_dirty(edition)
    db.session.flush()
    return ballot


def entries_of(discrepancy: Discrepancy) -> list[Entry]:
    return list(
        db.session.scalars(
            select(Entry)
            .where(
                Entry.edition_id == discrepancy.edition_id,
                Entry.batch == discrepancy.batch,
                Entry.number == discrepancy.number,
            )
            .order_by(Entry.copy)
        )
    )


def copy_typed_by(entries: Iterable[Entry], member) -> int | None:
    """Which copy of the paper form ``member`` typed (1 or 2), or ``None``.

    The entries record their own operators; whoever typed either copy is a party to the
    discrepancy and may not decide it (a third member looks at the paper).
    """
    member_id = getattr(member, "id", None)
    for entry in entries:
        if member_id is not None and entry.operator_id == member_id:
            return entry.copy
    return None


def operator_may_not_resolve(copy: int) -> str:
    """Why the operator of copy ``copy`` cannot resolve its discrepancy (Ukrainian)."""
    return (
        f"Ви вводили копію {copy} цього бюлетеня, тож не можете вирішувати розбіжність між "
        "введеннями: її розглядає інший член комісії, який не вводив жодної з копій."
    )


def resolve_discrepancy(
    edition: Edition,
    discrepancy: Discrepancy,
    member,
    choices: dict[str, int],
    note: str,
    *,
    now: dt.datetime | None = None,
) -> Ballot:
    """A commission member, looking at the paper, says which copy is right for each field.

    The member must be neither of the two operators who typed the copies.
    """
    assert_open(edition)
    if discrepancy.is_resolved:
        raise PbError("Розбіжність уже розглянуто.")
    if not note.strip():
        raise PbError("Вкажіть, чому обрано саме ці значення (що видно на паперовому бланку).")
    entries = entries_of(discrepancy)
    if len(entries) != 2:
        raise PbError("Для розбіжності немає двох введень.")
    typed = copy_typed_by(entries, member)
    if typed is not None:
        raise PbError(operator_may_not_resolve(typed))
    by_copy = {e.copy: e for e in entries}
    overrides = {}
    for name in discrepancy.fields:
        copy = choices.get(name)
        if copy not in (1, 2):
            raise PbError(f"Оберіть правильне значення поля «{ENTRY_FIELD_TITLES[name]}».")
        overrides[name] = getattr(by_copy[copy], name)
        if name == "document_hash":  # the last four go with the document chosen
            overrides["check_hash"] = by_copy[copy].check_hash
    ballot = _ballot_from_entry(edition, by_copy[1], overrides)
    discrepancy.is_resolved = True
    discrepancy.resolved_by_id = member.id
    discrepancy.resolved_at = now or database.utcnow()
    discrepancy.note = note.strip()
    db.session.flush()
    record_event(
        "pb.discrepancy_resolved",
        object_type="pb_ballot",
        object_id=f"{edition.slug}:{ballot.ballot_id}",
        details={"fields": {n: choices[n] for n in discrepancy.fields}, "note": note.strip()},
        actor=member,
    )
    return ballot
