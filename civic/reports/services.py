"""Operations of the reports domain: settings, the template and the journal's entry types.

The journal lives in ``journal.py``, the stored calendar of occasions in ``occasion_calendar.py``,
the report's versions in ``versions.py``. Services flush; the view or CLI command commits once.
"""

from __future__ import annotations

from dataclasses import asdict

from flask import current_app
from sqlalchemy import func, select

from civic.audit.services import record_event
from civic.database import utcnow
from civic.errors import DomainError
from civic.extensions import db
from civic.formatting import Forms
from civic.reports import module_stats, monthly
from civic.reports.defaults import load_defaults
from civic.reports.models import (
    EntryType,
    Occasion,
    ReportParagraphTemplate,
    ReportTemplate,
)


class ReportError(DomainError, ValueError):
    """A domain refusal with a Ukrainian message for the user."""


def flush_or_refuse(conflict: type[Exception], message: str) -> None:
    """Flush; a ``conflict`` (another user's write got there first) rolls back and refuses."""
    try:
        db.session.flush()
    except conflict:
        db.session.rollback()
        raise ReportError(message) from None


# ---------------------------------------------------------------- settings and defaults


def setting(name: str, default):
    return current_app.config.get(name, default)


def ensure_defaults() -> None:
    """Create the default entry types, the official occasions and the template once.

    Migration ``0012_seed_defaults`` creates them at ``civic db upgrade``; this is for the
    demo and for databases emptied by hand (reads never call it)."""
    defaults = load_defaults()
    if db.session.scalar(select(func.count(EntryType.id))) == 0:
        for position, spec in enumerate(defaults.entry_types, start=1):
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
        # A stored occasion's columns are the pure occasion's fields (is_active by default).
        db.session.add_all(Occasion(**asdict(o)) for o in defaults.occasions)
    if db.session.scalar(select(func.count(ReportTemplate.id))) == 0:
        template = ReportTemplate(title=defaults.title, signer_position="", signer_name="")
        template.paragraphs = [
            ReportParagraphTemplate(key=p.key, text=p.text, requires=p.requires, position=i * 10)
            for i, p in enumerate(defaults.paragraphs, start=1)
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
    default = load_defaults().values
    values = {
        "council_name": setting("COUNCIL_NAME", default["council_name"]),
        "council_genitive": setting("REPORT_COUNCIL_GENITIVE", default["council_genitive"]),
        "city_locative": setting("REPORT_CITY_LOCATIVE", default["city_locative"]),
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
            **module_stats.refusal_labels(),
            **setting("REPORT_REFUSAL_LABELS", {}),
        },
        pb_reason_labels={
            **module_stats.pb_reason_labels(),
            **setting("REPORT_PB_REASON_LABELS", {}),
        },
    )


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
    details = {"code": code, "label": entry_type.label}
    record_saved(entry_type, "entry_type", created=created, details=details, actor=actor)
    return entry_type


def record_saved(record, object_type: str, *, created: bool, details: dict, actor=None) -> None:
    """Store a report setting and log ``report.<object_type>_created`` (or ``_updated``)."""
    db.session.add(record)
    db.session.flush()
    event = f"report.{object_type}_{'created' if created else 'updated'}"
    record_event(event, object_type=object_type, object_id=record.id, details=details, actor=actor)


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
