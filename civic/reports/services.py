"""Operations of the reports domain: journal, calendar, template, report versions.

Services flush; the view or CLI command commits once.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import importlib
import importlib.util
from dataclasses import dataclass

from flask import current_app
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError

from civic.audit.services import record_event
from civic.database import utcnow
from civic.errors import DomainError
from civic.extensions import db
from civic.reports import monthly, occasions
from civic.reports.models import (
    EntryType,
    JournalEntry,
    JournalImport,
    Occasion,
    ReportParagraphTemplate,
    ReportTemplate,
    ReportVersion,
)
from civic.reports.plural import Forms
from civic.tabular import Column, TabularError, open_table, parse_date, parse_number
from civic.urls import url_problem


class ReportError(DomainError, ValueError):
    """A domain refusal with a Ukrainian message for the user."""


# ---------------------------------------------------------------- settings and defaults


def setting(name: str, default):
    return current_app.config.get(name, default)


def ensure_defaults() -> None:
    """Create the default entry types, the official occasions and the template once.

    Migration ``0012_seed_defaults`` creates them at ``civic db upgrade``; this is for the
    demo and for databases emptied by hand (reads never call it)."""
    if db.session.scalar(select(func.count(EntryType.id))) == 0:
        for position, spec in enumerate(monthly.DEFAULT_ENTRY_TYPES, start=1):
            forms = spec.forms
            db.session.add(
                EntryType(
                    code=spec.code,
                    label=spec.label,
                    form_one=forms.one if forms else None,
                    form_few=forms.few if forms else None,
                    form_many=forms.many if forms else None,
                    needs_occasion=spec.needs_occasion,
                    position=position * 10,
                )
            )
    if db.session.scalar(select(func.count(Occasion.id))) == 0:
        for o in occasions.OFFICIAL_OCCASIONS:
            db.session.add(
                Occasion(
                    name=o.name,
                    rule=o.rule,
                    category=o.category,
                    from_year=o.from_year,
                    to_year=o.to_year,
                )
            )
    if db.session.scalar(select(func.count(ReportTemplate.id))) == 0:
        template = ReportTemplate(title=monthly.TITLE_TEMPLATE, signer_position="", signer_name="")
        template.paragraphs = [
            ReportParagraphTemplate(key=p.key, text=p.text, requires=p.requires, position=i * 10)
            for i, p in enumerate(monthly.DEFAULT_PARAGRAPHS, start=1)
        ]
        db.session.add(template)
    db.session.flush()


def get_template() -> ReportTemplate:
    return db.session.scalar(select(ReportTemplate).order_by(ReportTemplate.id).limit(1))


def list_entry_types(*, active_only: bool = False) -> list[EntryType]:
    query = select(EntryType).order_by(EntryType.position, EntryType.id)
    if active_only:
        query = query.where(EntryType.is_active.is_(True))
    return list(db.session.scalars(query))


def get_entry_type(code: str) -> EntryType | None:
    return db.session.scalar(select(EntryType).where(EntryType.code == code))


def _spec(t: EntryType) -> monthly.EntryTypeSpec:
    forms = (
        Forms(t.form_one, t.form_few, t.form_many)
        if t.form_one and t.form_few and t.form_many
        else None
    )
    return monthly.EntryTypeSpec(t.code, t.label, forms, t.needs_occasion)


def report_settings() -> monthly.ReportSettings:
    template = get_template()
    values = {
        "council_name": setting("COUNCIL_NAME", monthly.DEFAULT_VALUES["council_name"]),
        "council_genitive": setting(
            "REPORT_COUNCIL_GENITIVE", monthly.DEFAULT_VALUES["council_genitive"]
        ),
        "city_locative": setting("REPORT_CITY_LOCATIVE", monthly.DEFAULT_VALUES["city_locative"]),
    }
    return monthly.ReportSettings(
        title=template.title,
        paragraphs=tuple(
            monthly.ParagraphTemplate(p.key, p.text, p.requires or None)
            for p in template.paragraphs
        ),
        signer_position=template.signer_position
        or setting("REPORT_SIGNER_POSITION", "Начальник відділу"),
        signer_name=template.signer_name or setting("REPORT_SIGNER_NAME", ""),
        entry_types=tuple(_spec(t) for t in list_entry_types()),
        values=values,
        refusal_labels={
            **_module_labels("civic.petitions.lifecycle", "REFUSAL_BY_CODE"),
            **setting("REPORT_REFUSAL_LABELS", {}),
        },
        pb_reason_labels={
            **_module_labels("civic.pb.ballots", "REASON_TITLES"),
            **setting("REPORT_PB_REASON_LABELS", {}),
        },
    )


def _module_labels(module_name: str, attribute: str) -> dict[str, str]:
    """Ukrainian titles of a module's reason codes, when that module provides them.

    Values may be text or objects with a ``title``; a title is lower-cased at the start
    («Не викладено суть» → «не викладено суть») because it is quoted inside a sentence.
    """
    package = module_name.rsplit(".", 1)[0]
    if importlib.util.find_spec(package) is None or importlib.util.find_spec(module_name) is None:
        return {}
    labels = getattr(importlib.import_module(module_name), attribute, None)
    if not isinstance(labels, dict):
        return {}
    out = {}
    for code, value in labels.items():
        title = (value if isinstance(value, str) else str(getattr(value, "title", value))).strip()
        if len(title) > 1 and title[1].islower():
            title = title[0].lower() + title[1:]
        out[str(code)] = title
    return out


# ---------------------------------------------------------------- module statistics


STATS_MODULES = {
    "petitions": "civic.petitions.stats",
    "pb": "civic.pb.stats",
    "enterprises": "civic.enterprises.stats",
}


def _module_stats(name: str, first: dt.date, last: dt.date) -> dict | None:
    """A module's ``monthly_statistics`` or None when that module is not installed (yet)."""
    module_name = STATS_MODULES[name]
    package = module_name.rsplit(".", 1)[0]
    if importlib.util.find_spec(package) is None or importlib.util.find_spec(module_name) is None:
        return None
    return importlib.import_module(module_name).monthly_statistics(first, last)


def gather_module_stats(month: dt.date) -> monthly.ModuleStats:
    first, last = monthly.month_bounds(month)
    return monthly.ModuleStats.from_dicts(
        petitions=_module_stats("petitions", first, last),
        pb=_module_stats("pb", first, last),
        enterprises=_module_stats("enterprises", first, last),
    )


# ---------------------------------------------------------------- the journal


def journal_items(month: dt.date) -> list[monthly.JournalItem]:
    first, last = monthly.month_bounds(month)
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
            details={
                "type": type_code,
                "on": occurred_on.isoformat(),
                "count": count,
                "title": title[:200],
            },
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
    entry_type = get_entry_type(type_code)
    if entry_type is None:
        raise ReportError(f"Невідомий тип запису «{type_code}».")
    occasion = db.session.get(Occasion, occasion_id) if occasion_id else None
    title = (title or "").strip() or (occasion.name if occasion else "")
    if not title:
        raise ReportError("Вкажіть назву запису.")
    if count < 1:
        raise ReportError("Кількість має бути не менше 1.")
    before = {
        "on": entry.occurred_on.isoformat(),
        "type": entry.entry_type.code,
        "count": entry.count,
        "title": entry.title[:200],
    }
    entry.occurred_on, entry.type_id, entry.title = occurred_on, entry_type.id, title[:1000]
    entry.count, entry.link = count, (link or "").strip() or None
    entry.occasion_id = occasion.id if occasion else None
    db.session.flush()
    record_event(
        "report.journal_entry_updated",
        object_type="journal_entry",
        object_id=entry.id,
        details={
            "before": before,
            "type": type_code,
            "on": occurred_on.isoformat(),
            "count": count,
            "title": title[:200],
        },
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
        first, last = monthly.month_bounds(month)
        query = query.where(JournalEntry.occurred_on.between(first, last))
    if type_code:
        query = query.join(EntryType).where(EntryType.code == type_code)
    return db.paginate(query, page=page, per_page=per_page, error_out=False)


def month_totals(month: dt.date) -> list[tuple[EntryType, int, int]]:
    """(type, entries, items counted) for the month, for the journal's summary."""
    first, last = monthly.month_bounds(month)
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
    try:
        db.session.flush()
    except IntegrityError:
        db.session.rollback()
        raise ReportError(f"Файл «{filename}» уже імпортовано раніше (той самий вміст).") from None
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


# ---------------------------------------------------------------- occasions


def list_occasions() -> list[Occasion]:
    return list(db.session.scalars(select(Occasion).order_by(Occasion.rule, Occasion.name)))


def _as_pure(o: Occasion) -> occasions.Occasion:
    return occasions.Occasion(o.name, o.rule, o.category, o.from_year, o.to_year)


def occasions_of_year(year: int) -> list[tuple[dt.date | None, Occasion]]:
    """Every occasion (active or not) with its date in ``year``, by date; undated ones last."""
    listing = [(_as_pure(o).on(year), o) for o in list_occasions()]
    return sorted(listing, key=lambda i: (i[0] is None, i[0] or dt.date.max, i[1].name))


def occasions_in(first: dt.date, last: dt.date) -> list[tuple[dt.date, Occasion]]:
    rows = [o for o in list_occasions() if o.is_active]
    by_name = {o.name: o for o in rows}
    return [
        (day, by_name[p.name])
        for day, p in occasions.occasions_between([_as_pure(o) for o in rows], first, last)
    ]


def upcoming_occasions(today: dt.date, days: int | None = None) -> list[tuple[dt.date, Occasion]]:
    """Occasions from today to the end of the coming month, so greetings are ready in time."""
    days = days if days is not None else int(setting("REPORT_UPCOMING_DAYS", 35))
    last = today + dt.timedelta(days=days)
    rows = list(db.session.scalars(select(Occasion)))
    if not rows:  # before the calendar is first saved: the official list, nothing written
        return occasions.occasions_between(list(occasions.OFFICIAL_OCCASIONS), today, last)
    active = [o for o in rows if o.is_active]
    by_name = {o.name: o for o in active}
    pure = [_as_pure(o) for o in active]
    return [(day, by_name[p.name]) for day, p in occasions.occasions_between(pure, today, last)]


def save_occasion(
    occasion: Occasion | None,
    *,
    name: str,
    rule: str,
    category: str,
    from_year=None,
    to_year=None,
    is_active=True,
    actor=None,
) -> Occasion:
    try:
        rule = occasions.check_rule(rule)
    except occasions.RuleError as exc:
        raise ReportError(f"Правило дати: {exc}.") from None
    if category not in occasions.CATEGORIES:
        raise ReportError("Невідома категорія нагоди.")
    clash = db.session.scalar(select(Occasion).where(Occasion.name == name.strip()))
    if clash is not None and clash is not occasion:
        raise ReportError(f"Нагода «{name}» уже є в календарі.")
    created = occasion is None
    occasion = occasion or Occasion()
    occasion.name, occasion.rule, occasion.category = name.strip(), rule, category
    occasion.from_year, occasion.to_year, occasion.is_active = from_year, to_year, is_active
    db.session.add(occasion)
    db.session.flush()
    record_event(
        "report.occasion_created" if created else "report.occasion_updated",
        object_type="occasion",
        object_id=occasion.id,
        details={"name": occasion.name, "rule": rule},
        actor=actor,
    )
    return occasion


def save_entry_type(
    entry_type: EntryType | None,
    *,
    code: str,
    label: str,
    forms: tuple[str, str, str] | None,
    needs_occasion: bool,
    position: int,
    is_active: bool,
    actor=None,
) -> EntryType:
    code = code.strip().lower()
    clash = db.session.scalar(select(EntryType).where(EntryType.code == code))
    if clash is not None and clash is not entry_type:
        raise ReportError(f"Тип із кодом «{code}» уже існує.")
    if forms and any(forms) and not all(forms):
        raise ReportError("Вкажіть усі три форми (1, 2, 5) або жодної.")
    created = entry_type is None
    entry_type = entry_type or EntryType()
    entry_type.code, entry_type.label = code, label.strip()
    entry_type.form_one, entry_type.form_few, entry_type.form_many = (
        forms if forms and all(forms) else (None, None, None)
    )
    entry_type.needs_occasion, entry_type.position, entry_type.is_active = (
        needs_occasion,
        position,
        is_active,
    )
    db.session.add(entry_type)
    db.session.flush()
    record_event(
        "report.entry_type_created" if created else "report.entry_type_updated",
        object_type="entry_type",
        object_id=entry_type.id,
        details={"code": code, "label": entry_type.label},
        actor=actor,
    )
    return entry_type


def update_template(
    *,
    title: str,
    signer_position: str,
    signer_name: str,
    paragraphs: list[tuple[str, str, str | None]],
    actor=None,
) -> ReportTemplate:
    """Replace the template's paragraphs: (key, text, requires) in order; empty text drops one."""
    template = get_template()
    keys = [k for k, t, _ in paragraphs if t.strip()]
    if len(set(keys)) != len(keys):
        raise ReportError("Ключі абзаців мають бути різними.")
    if not title.strip():
        raise ReportError("Вкажіть заголовок звіту.")
    template.title = title.strip()
    template.signer_position, template.signer_name = signer_position.strip(), signer_name.strip()
    template.paragraphs.clear()
    db.session.flush()
    template.paragraphs.extend(
        ReportParagraphTemplate(
            key=k.strip(), text=t.strip(), requires=(r or "").strip() or None, position=i * 10
        )
        for i, (k, t, r) in enumerate(((k, t, r) for k, t, r in paragraphs if t.strip()), start=1)
    )
    template.updated_at = utcnow()
    db.session.flush()
    record_event(
        "report.template_updated",
        object_type="report_template",
        object_id=template.id,
        details={"paragraphs": len(keys)},
        actor=actor,
    )
    return template


# ---------------------------------------------------------------- the report


def build_report(month: dt.date) -> monthly.MonthlyReport:
    """The month's report from the journal, the modules and the template (nothing stored)."""
    return monthly.build_monthly_report(
        month, journal_items(month), gather_module_stats(month), report_settings()
    )


def report_author() -> str:
    return setting("DEPARTMENT_NAME", "Відділ")


def render_pdf(report: monthly.MonthlyReport) -> bytes:
    # reportlab (and PIL beneath it) is imported when a PDF is made, not with the app.
    from civic.reports.rendering import render_report_pdf

    return render_report_pdf(report, author=report_author())


def list_versions(month: dt.date | None = None) -> list[ReportVersion]:
    query = select(ReportVersion).order_by(
        ReportVersion.month_on.desc(), ReportVersion.number.desc()
    )
    if month is not None:
        query = query.where(ReportVersion.month_on == month.replace(day=1))
    return list(db.session.scalars(query))


def latest_version(month: dt.date) -> ReportVersion | None:
    versions = list_versions(month)
    return versions[0] if versions else None


def generate_draft(month: dt.date, *, actor=None) -> ReportVersion:
    """A new draft version of the month's report from current data (regenerating adds one)."""
    month = month.replace(day=1)
    report = build_report(month)
    number = (
        db.session.scalar(
            select(func.max(ReportVersion.number)).where(ReportVersion.month_on == month)
        )
        or 0
    ) + 1
    version = ReportVersion(
        month_on=month,
        number=number,
        status="draft",
        content=report.to_dict(),
        created_by_id=getattr(actor, "id", None),
    )
    db.session.add(version)
    try:
        db.session.flush()
    except IntegrityError:
        db.session.rollback()
        raise ReportError(
            "Інший користувач щойно створив версію цього звіту; оновіть сторінку."
        ) from None
    record_event(
        "report.draft_generated",
        object_type="report_version",
        object_id=version.id,
        details={"month": f"{month:%Y-%m}", "number": number},
        actor=actor,
    )
    return version


def version_report(version: ReportVersion) -> monthly.MonthlyReport:
    return monthly.MonthlyReport.from_dict(version.content)


def update_draft(
    version: ReportVersion,
    *,
    texts: list[str],
    title: str,
    signer_position: str,
    signer_name: str,
    expected_version: int | None = None,
    added: list[str] | None = None,
    actor=None,
) -> ReportVersion:
    if version.is_final:
        raise ReportError("Затверджений звіт змінювати не можна; створіть нову версію.")
    if expected_version is not None and expected_version != version.version_id:
        raise ReportError(
            "Цю чернетку тим часом змінив інший користувач. Перевірте її та внесіть зміни ще раз."
        )
    report = version_report(version).with_edits(
        texts,
        title=title,
        signer_position=signer_position,
        signer_name=signer_name,
        added=added or (),
    )
    if not report.title:
        raise ReportError("Заголовок звіту не може бути порожнім.")
    version.content = report.to_dict()
    version.updated_at = utcnow()
    try:
        db.session.flush()
    except StaleDataError:
        db.session.rollback()
        raise ReportError(
            "Цю чернетку тим часом змінив інший користувач. Перевірте її та внесіть зміни ще раз."
        ) from None
    record_event(
        "report.draft_edited",
        object_type="report_version",
        object_id=version.id,
        details={"paragraphs": len(report.paragraphs)},
        actor=actor,
    )
    return version


def finalise(
    version: ReportVersion,
    *,
    actor=None,
    actor_name: str | None = None,
    expected_version: int | None = None,
) -> ReportVersion:
    """Render the PDF and store it with its SHA-256, who and when; the version never changes."""
    if version.is_final:
        raise ReportError("Цю версію вже затверджено.")
    if expected_version is not None and expected_version != version.version_id:
        raise ReportError(
            "Цю чернетку тим часом змінив інший користувач. Перевірте її перед затвердженням."
        )
    data = render_pdf(version_report(version))
    version.pdf = data
    version.pdf_sha256 = hashlib.sha256(data).hexdigest()
    version.status = "final"
    version.finalised_at = utcnow()
    version.finalised_by_id = getattr(actor, "id", None)
    version.finalised_by_name = actor_name or (
        getattr(actor, "full_name", None) or getattr(actor, "login", None)
    )
    try:
        db.session.flush()
    except StaleDataError:
        db.session.rollback()
        raise ReportError("Цю чернетку тим часом змінив інший користувач.") from None
    record_event(
        "report.finalised",
        object_type="report_version",
        object_id=version.id,
        details={
            "month": f"{version.month_on:%Y-%m}",
            "number": version.number,
            "sha256": version.pdf_sha256,
        },
        actor=actor,
    )
    return version
