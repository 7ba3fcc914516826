"""The activity journal: entries by hand and lists imported from files (e.g. the website's news).

Services flush; the view or CLI command commits once.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from civic import kyiv
from civic.audit.services import record_event
from civic.extensions import db
from civic.reports import monthly
from civic.reports.models import EntryType, JournalEntry, JournalImport, Occasion
from civic.reports.services import (
    ReportError,
    flush_or_refuse,
    get_entry_type,
    list_entry_types,
)
from civic.tabular import Column, TabularError, open_table, parse_date, parse_number
from civic.urls import url_problem


def journal_items(month: dt.date) -> list[monthly.JournalItem]:
    first, last = kyiv.month_days(month)
    rows = db.session.execute(
        select(
            JournalEntry.occurred_on,
            EntryType.code,
            JournalEntry.title,
            JournalEntry.count,
            JournalEntry.link,
            Occasion.name,
        )
        .join(EntryType, JournalEntry.type_id == EntryType.id)
        .outerjoin(Occasion, JournalEntry.occasion_id == Occasion.id)
        .where(JournalEntry.occurred_on.between(first, last))
        .order_by(JournalEntry.occurred_on, JournalEntry.id)
    )
    return [monthly.JournalItem(*row) for row in rows]


def _checked_entry(
    type_code: str, title: str, count: int, occasion_id: int | None
) -> tuple[EntryType, Occasion | None, str]:
    """The entry's type, occasion and title (the occasion's name when left empty), or a refusal."""
    entry_type = get_entry_type(type_code)
    if entry_type is None:
        raise ReportError(f"Невідомий тип запису «{type_code}».")
    if count < 1:
        raise ReportError("Кількість має бути не менше 1.")
    occasion = db.session.get(Occasion, occasion_id) if occasion_id else None
    if occasion_id and occasion is None:
        raise ReportError("Такої нагоди немає в календарі.")
    title = (title or "").strip() or (occasion.name if occasion else "")
    if not title:
        raise ReportError("Вкажіть назву запису.")
    return entry_type, occasion, title


def _entry_details(occurred_on: dt.date, type_code: str, count: int, title: str) -> dict:
    return {"type": type_code, "on": occurred_on.isoformat(), "count": count, "title": title[:200]}


def add_entry(
    *,
    occurred_on: dt.date,
    type_code: str,
    title: str,
    count: int = 1,
    link: str | None = None,
    occasion_id: int | None = None,
    actor=None,
    import_id: int | None = None,
    audit: bool = True,
) -> JournalEntry:
    entry_type, occasion, title = _checked_entry(type_code, title, count, occasion_id)
    entry = JournalEntry(
        occurred_on=occurred_on,
        type_id=entry_type.id,
        title=title[:1000],
        link=(link or "").strip() or None,
        count=count,
        occasion_id=occasion.id if occasion else None,
        import_id=import_id,
        created_by_id=getattr(actor, "id", None),
    )
    db.session.add(entry)
    db.session.flush()
    if audit:
        record_event(
            "report.journal_entry_added",
            object_type="journal_entry",
            object_id=entry.id,
            details=_entry_details(occurred_on, type_code, count, title),
            actor=actor,
        )
    return entry


def update_entry(
    entry: JournalEntry,
    *,
    occurred_on: dt.date,
    type_code: str,
    title: str,
    count: int,
    link: str | None,
    occasion_id: int | None,
    actor=None,
) -> JournalEntry:
    entry_type, occasion, title = _checked_entry(type_code, title, count, occasion_id)
    before = _entry_details(entry.occurred_on, entry.entry_type.code, entry.count, entry.title)
    entry.occurred_on, entry.type_id, entry.title = occurred_on, entry_type.id, title[:1000]
    entry.count, entry.link = count, (link or "").strip() or None
    entry.occasion_id = occasion.id if occasion else None
    db.session.flush()
    record_event(
        "report.journal_entry_updated",
        object_type="journal_entry",
        object_id=entry.id,
        details={"before": before, **_entry_details(occurred_on, type_code, count, title)},
        actor=actor,
    )
    return entry


def delete_entry(entry: JournalEntry, *, actor=None) -> None:
    record_event(
        "report.journal_entry_deleted",
        object_type="journal_entry",
        object_id=entry.id,
        details={"title": entry.title[:200], "on": entry.occurred_on.isoformat()},
        actor=actor,
    )
    db.session.delete(entry)
    db.session.flush()


def list_entries(
    *, month: dt.date | None = None, type_code: str | None = None, page: int = 1, per_page: int = 50
):
    query = select(JournalEntry).order_by(JournalEntry.occurred_on.desc(), JournalEntry.id.desc())
    if month is not None:
        first, last = kyiv.month_days(month)
        query = query.where(JournalEntry.occurred_on.between(first, last))
    if type_code:
        query = query.join(EntryType).where(EntryType.code == type_code)
    return db.paginate(query, page=page, per_page=per_page, error_out=False)


def month_totals(month: dt.date) -> list[tuple[EntryType, int, int]]:
    """(type, entries, items counted) for the month, for the journal's summary."""
    first, last = kyiv.month_days(month)
    rows = db.session.execute(
        select(
            EntryType, func.count(JournalEntry.id), func.coalesce(func.sum(JournalEntry.count), 0)
        )
        .join(JournalEntry, JournalEntry.type_id == EntryType.id)
        .where(JournalEntry.occurred_on.between(first, last))
        .group_by(EntryType.id)
        .order_by(EntryType.position)
    ).all()
    return [(t, int(n), int(total)) for t, n, total in rows]


IMPORT_COLUMNS = [
    Column("date", ("Дата", "Дата публікації", "date", "published")),
    Column("title", ("Заголовок", "Назва", "title", "name")),
    Column("link", ("Посилання", "URL", "link", "url"), required=False),
    Column("type", ("Тип", "type"), required=False),
    Column("count", ("Кількість", "count"), required=False),
]


@dataclass(frozen=True)
class ImportResult:
    filename: str
    rows: int
    by_type: dict[str, int]


MAX_COUNT = 100_000  # of one journal line (a count of acts, publications...)


def import_journal(
    data: bytes, filename: str, *, default_type: str = "news", actor=None
) -> ImportResult:
    """Import a list (e.g. the website's news export: date, title, link) in one transaction.

    Raises TabularError (file/line/column) or ReportError; nothing is written then.
    """
    digest = hashlib.sha256(data).hexdigest()
    if db.session.scalar(select(JournalImport).where(JournalImport.sha256 == digest)):
        raise ReportError(f"Файл «{filename}» уже імпортовано раніше (той самий вміст).")
    types = {t.code: t for t in list_entry_types()}
    by_label = {t.label.casefold(): t for t in types.values()}
    if default_type not in types:
        raise ReportError(f"Невідомий тип запису «{default_type}».")
    table = open_table(data, filename, IMPORT_COLUMNS, header_search_rows=5)
    parsed = []
    for row in table:
        try:
            on = parse_date(row.get("date"))
        except ValueError as exc:
            raise TabularError(str(exc), file=filename, line=row.line, column="Дата") from None
        title = str(row.get("title") or "").strip()
        if not title:
            raise TabularError("порожня назва", file=filename, line=row.line, column="Заголовок")
        raw_type = str(row.get("type") or "").strip()
        entry_type = (
            types.get(raw_type) or by_label.get(raw_type.casefold())
            if raw_type
            else types[default_type]
        )
        if entry_type is None:
            raise TabularError(
                f"невідомий тип «{raw_type}»; очікується код ({', '.join(types)}) або назва типу",
                file=filename,
                line=row.line,
                column="Тип",
            )
        raw_count = row.get("count")
        count = 1
        if raw_count not in (None, ""):
            try:
                number = parse_number(raw_count)
            except ValueError:
                number = None
            if number is None or number != int(number) or not 1 <= number <= MAX_COUNT:
                raise TabularError(
                    f"кількість «{raw_count}» має бути цілим числом від 1 до {MAX_COUNT:,}".replace(
                        ",", " "
                    ),
                    file=filename,
                    line=row.line,
                    column="Кількість",
                )
            count = int(number)
        link = str(row.get("link") or "").strip() or None
        if link is not None and len(link) > 1000:
            raise TabularError(
                f"посилання задовге ({len(link)} знаків; до 1000)",
                file=filename,
                line=row.line,
                column="Посилання",
            )
        bad_link = url_problem(link)
        if bad_link:
            raise TabularError(bad_link, file=filename, line=row.line, column="Посилання")
        parsed.append((on, entry_type.code, title, count, link))
    if not parsed:
        raise TabularError("у файлі немає жодного рядка з даними", file=filename)
    record = JournalImport(
        filename=filename[:255],
        sha256=digest,
        rows=len(parsed),
        created_by_id=getattr(actor, "id", None),
    )
    db.session.add(record)
    flush_or_refuse(IntegrityError, f"Файл «{filename}» уже імпортовано раніше (той самий вміст).")
    by_type: dict[str, int] = {}
    created_by = getattr(actor, "id", None)
    # One INSERT batch for the whole file: a website export can hold thousands of lines.
    db.session.add_all(
        JournalEntry(
            occurred_on=on,
            type_id=types[code].id,
            title=title[:1000],
            link=link,
            count=count,
            import_id=record.id,
            created_by_id=created_by,
        )
        for on, code, title, count, link in parsed
    )
    for _, code, *_ in parsed:
        by_type[code] = by_type.get(code, 0) + 1
    db.session.flush()
    record_event(
        "report.journal_imported",
        object_type="journal_import",
        object_id=record.id,
        details={"file": filename, "sha256": digest, "rows": len(parsed), "by_type": by_type},
        actor=actor,
    )
    return ImportResult(filename, len(parsed), by_type)
