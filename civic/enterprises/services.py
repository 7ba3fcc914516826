"""Operations of the enterprises module: they load models, call the pure core and flush.

The view or CLI command that calls them commits once; an error leaves nothing written.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
from dataclasses import dataclass, field
from decimal import Decimal

from sqlalchemy import and_, delete, or_, select
from sqlalchemy.exc import IntegrityError

from civic import kyiv
from civic.audit.services import record_event
from civic.database import utcnow
from civic.enterprises import catalogue as cat
from civic.enterprises import plan_timeline, plan_versions
from civic.enterprises.indicators import YearData, indicators_by_year
from civic.enterprises.line_catalogue import get_catalogue
from civic.enterprises.models import Enterprise, Fact, Upload
from civic.enterprises.plan_sums import check_sums
from civic.enterprises.plans import parse_plan
from civic.enterprises.statements import (
    ERROR,
    WARNING,
    EnterpriseEntry,
    Message,
    check_edrpou,
    parse_enterprise_list,
    parse_statement,
)
from civic.errors import DomainError
from civic.extensions import db

DEFAULT_UNIT = cat.DEFAULT_UNIT
FORM_KEYS = {"1": "form1", "2": "form2", "plan": "plan"}


class UploadRefused(DomainError):
    """An upload that changed nothing; ``messages`` explain why (Ukrainian, with lines)."""

    def __init__(self, messages: list[Message]):
        self.messages = messages
        super().__init__("; ".join(m.as_text() for m in messages))


@dataclass
class UploadOutcome:
    upload: Upload
    messages: list[Message] = field(default_factory=list)
    replaced: Upload | None = None


# ---------------------------------------------------------------- enterprises


def get_enterprise(edrpou: str) -> Enterprise | None:
    return db.session.scalar(select(Enterprise).where(Enterprise.edrpou == edrpou))


def list_enterprises(reporting_type: str | None = None) -> list[Enterprise]:
    query = select(Enterprise).order_by(Enterprise.name)
    if reporting_type:
        query = query.where(Enterprise.reporting_type == reporting_type)
    return list(db.session.scalars(query))


def save_enterprise(
    entry: EnterpriseEntry, *, actor=None, is_demo: bool = False, now=None
) -> tuple[Enterprise, bool]:
    """Create or update an enterprise by its ЄДРПОУ; returns (enterprise, created)."""
    now = now or utcnow()
    enterprise = get_enterprise(entry.edrpou)
    created = enterprise is None
    if created:
        enterprise = Enterprise(edrpou=entry.edrpou, created_at=now, is_demo=is_demo)
        db.session.add(enterprise)
    enterprise.name = entry.name
    enterprise.reporting_type = entry.reporting_type
    for attr in ("short_name", "legal_form", "sector", "website"):
        value = getattr(entry, attr)
        if value or created:
            setattr(enterprise, attr, value)
    enterprise.updated_at = now
    db.session.flush()
    record_event(
        "enterprises.enterprise_created" if created else "enterprises.enterprise_updated",
        object_type="enterprise",
        object_id=entry.edrpou,
        details={"name": entry.name},
        actor=actor,
    )
    return enterprise, created


def import_enterprise_list(
    data: bytes, filename: str, *, actor=None
) -> tuple[int, int, list[Message]]:
    """Import an enterprise list; any error refuses the whole file. → (created, updated, warnings)."""
    entries, messages = parse_enterprise_list(data, filename)
    if any(m.level == ERROR for m in messages):
        raise UploadRefused(
            [m for m in messages if m.level == ERROR] + [m for m in messages if m.level == WARNING]
        )
    created = updated = 0
    for entry in entries:
        _, is_new = save_enterprise(entry, actor=actor)
        created += is_new
        updated += not is_new
    return created, updated, messages


# ---------------------------------------------------------------- statements and plans


def _require_enterprise(edrpou: str) -> Enterprise:
    code, errors, _ = check_edrpou(edrpou)
    if errors:
        raise UploadRefused([Message(ERROR, errors[0])])
    enterprise = get_enterprise(code)
    if enterprise is None:
        raise UploadRefused(
            [
                Message(
                    ERROR,
                    f"підприємство з кодом ЄДРПОУ {code} не знайдено в реєстрі; спершу додайте його",
                )
            ]
        )
    return enterprise


def import_statement(
    data: bytes,
    filename: str,
    *,
    edrpou: str,
    year: int,
    form: str,
    unit: str = DEFAULT_UNIT,
    status: str = "",
    actor=None,
    now: dt.datetime | None = None,
) -> UploadOutcome:
    """Validate and store a Form 1 / Form 2 file (replaces that year's form, keeping history),
    or a financial plan or its execution report (``form="plan"``: kept as a version with its
    ``status``, or the file's; see :mod:`plan_timeline` for which is in force)."""
    enterprise = _require_enterprise(edrpou)
    edition = cat.edition_for_year(form, year)
    catalogue = get_catalogue(form, edition)
    if form == "plan":
        result = parse_plan(data, filename, catalogue)
    else:
        result = parse_statement(data, filename, form, catalogue)
    _check_against_itself(enterprise, data, filename, year, form, result)
    if form == "plan":
        status, problems = plan_timeline.resolve_status(result, status)
        if not result.errors:
            result.messages.extend(
                problems + plan_versions.identity_errors(result, enterprise, year)
            )
        unit = DEFAULT_UNIT if result.unit else unit  # a stated unit was converted to тис. грн
        result.messages.extend(check_sums(result.facts, catalogue, unit=unit))
    return _store_upload(
        enterprise, data, filename, year, form, edition, unit, result, actor, now, status
    )


def import_plan(data: bytes, filename: str, **upload) -> UploadOutcome:
    """Validate and store a financial plan execution report for a year."""
    return import_statement(data, filename, form="plan", **upload)


def _check_against_itself(enterprise, data, filename, year, form, result) -> None:
    """Add the title's mismatches (errors) and year-on-year jumps (warnings) to ``result``.

    Only a file the parser accepted is read again: a refused one (a macro book, a zip bomb,
    an external link) never reaches openpyxl a second time."""
    if result.errors:
        return
    from flask import current_app

    from civic.enterprises import selfcheck

    # A title that cannot be read (a damaged book the parser refused or half-read) is no
    # title: the parse has already said what is wrong with the file.
    with contextlib.suppress(Exception):
        result.messages.extend(
            selfcheck.identity_problems(
                data,
                filename,
                edrpou=enterprise.edrpou,
                enterprise=enterprise.display_name,
                year=year,
                names=(enterprise.name, enterprise.short_name),
                others={
                    name: other.edrpou
                    for other in db.session.scalars(
                        select(Enterprise).where(Enterprise.id != enterprise.id)
                    )
                    for name in (other.name, other.short_name)
                    if name
                },
            )
        )
    previous = {
        (f.code, f.kind): f.value
        for f in db.session.scalars(
            select(Fact).where(
                Fact.enterprise_id == enterprise.id, Fact.year == year - 1, Fact.form == form
            )
        )
    }
    if previous:
        factor = Decimal(str(current_app.config.get("ENTERPRISE_JUMP_FACTOR", 10)))
        values = {(f.code, f.kind): (f.value, f.line) for f in result.facts}
        result.messages.extend(selfcheck.jump_warnings(values, previous, year=year, factor=factor))


def _check_year(year: int, now: dt.datetime) -> None:
    latest = kyiv.today(now).year + 1
    if not 1991 <= year <= latest:
        raise UploadRefused([Message(ERROR, f"рік {year} поза допустимими межами (1991–{latest})")])


def _store_upload(
    enterprise, data, filename, year, form, edition, unit, result, actor, now, status=""
) -> UploadOutcome:
    now = now or utcnow()
    _check_year(year, now)
    if result.errors:
        raise UploadRefused(result.errors + result.warnings)
    # Serialise uploads per enterprise (PostgreSQL row lock) so a replacement never races another.
    db.session.execute(
        select(Enterprise.id).where(Enterprise.id == enterprise.id).with_for_update()
    )
    digest = hashlib.sha256(data).hexdigest()
    previous = db.session.scalar(
        select(Upload).where(
            Upload.enterprise_id == enterprise.id,
            Upload.year == year,
            Upload.form == form,
            Upload.file_hash == digest,
        )
    )
    # A file that a later upload replaced comes back into force when uploaded again: that is
    # how a wrong replacement is undone (the same row, so the history keeps one entry per file).
    # (Plan versions are all kept: the same file again is a duplicate, whatever is in force.)
    reinstated = (
        form != "plan"
        and previous is not None
        and not previous.is_current
        and not previous.withdrawn_at
    )
    if previous is not None and not reinstated:
        when = kyiv.local(previous.uploaded_at).strftime("%d.%m.%Y %H:%M")
        raise UploadRefused(
            [
                Message(
                    ERROR,
                    f"цей самий файл уже завантажено {when} за київським часом ({previous.filename}) для "
                    f"{enterprise.display_name}, {year} рік; повторне завантаження відхилено",
                )
            ]
        )
    replaced = None
    if form != "plan":
        replaced = db.session.scalar(
            select(Upload).where(
                Upload.enterprise_id == enterprise.id,
                Upload.year == year,
                Upload.form == form,
                Upload.is_current.is_(True),
            )
        )
        if replaced is not None:
            replaced.is_current = False
        db.session.execute(
            delete(Fact).where(
                Fact.enterprise_id == enterprise.id, Fact.year == year, Fact.form == form
            )
        )
    messages = [{"level": m.level, "line": m.line, "text": m.text} for m in result.messages]
    if reinstated:  # the row describes the numbers now in force: this upload's unit and checks
        previous.is_current, previous.unit, previous.messages = True, unit, messages
        previous.value_count = len(result.facts)
    upload = (
        previous
        if reinstated
        else Upload(
            enterprise_id=enterprise.id,
            year=year,
            form=form,
            edition=edition,
            unit=unit,
            filename=filename[:300],
            file_hash=digest,
            size=len(data),
            content=data,
            uploaded_at=now,
            uploaded_by_id=getattr(actor, "id", None),
            uploaded_by_login=getattr(actor, "login", "") or "",
            is_current=True,
            value_count=len(result.facts),
            messages=messages,
        )
    )
    try:
        if not reinstated:
            db.session.add(upload)
        db.session.flush()
        if form == "plan":
            replaced = plan_versions.keep_version(upload, result, status)
        else:
            db.session.add_all(Fact.of(fact, upload, unit) for fact in result.facts)
        enterprise.updated_at = now
        db.session.flush()
    except IntegrityError as exc:
        # Another upload for the same target committed first; the unique constraints decide.
        raise UploadRefused(
            [
                Message(
                    ERROR,
                    "інший працівник щойно завантажив дані для цього підприємства, року й форми; "
                    "перевірте історію завантажень і спробуйте ще раз",
                )
            ]
        ) from exc
    record_event(
        "enterprises.upload_accepted",
        object_type="enterprise_upload",
        object_id=upload.id,
        details={
            "edrpou": enterprise.edrpou,
            "year": year,
            "form": form,
            "file": filename,
            "sha256": digest,
            "values": len(result.facts),
            "warnings": len(result.warnings),
            "replaced_upload": replaced.id if replaced else None,
            "reinstated": reinstated,
            **({"status": status, "period": upload.report_period} if form == "plan" else {}),
        },
        actor=actor,
        now=now,
    )
    return UploadOutcome(upload, result.messages, replaced)


def list_uploads(enterprise: Enterprise | None = None, limit: int = 200) -> list[Upload]:
    query = select(Upload).order_by(Upload.uploaded_at.desc(), Upload.id.desc()).limit(limit)
    if enterprise is not None:
        query = query.where(Upload.enterprise_id == enterprise.id)
    return list(db.session.scalars(query))


def get_upload(upload_id: int) -> Upload | None:
    return db.session.get(Upload, upload_id)


# ---------------------------------------------------------------- reading the data back


@dataclass
class EnterpriseData:
    """Everything known about one enterprise, by year."""

    enterprise: Enterprise
    form1: dict[int, dict[str, Decimal]] = field(default_factory=dict)
    form1_start: dict[int, dict[str, Decimal]] = field(default_factory=dict)
    form2: dict[int, dict[str, Decimal]] = field(default_factory=dict)
    form2_previous: dict[int, dict[str, Decimal]] = field(default_factory=dict)
    plan: dict[int, dict[str, dict[str, Decimal]]] = field(default_factory=dict)
    plan_titles: dict[str, str] = field(default_factory=dict)
    uploads: list[Upload] = field(default_factory=list)

    @property
    def years(self) -> list[int]:
        return sorted(set(self.form1) | set(self.form2) | set(self.plan))

    def year_data(self) -> dict[int, YearData]:
        return {
            y: YearData(self.form1.get(y, {}), self.form2.get(y, {}), self.form1_start.get(y))
            for y in sorted(set(self.form1) | set(self.form2))
        }

    def indicators(self):
        return indicators_by_year(self.year_data())


def load_enterprise_data(enterprise: Enterprise) -> EnterpriseData:
    return load_enterprises_data([enterprise])[enterprise.id]


def load_enterprises_data(
    enterprises: list[Enterprise], *, uploads: bool = True
) -> dict[int, EnterpriseData]:
    """``{enterprise id: EnterpriseData}`` for all of them in one query for the facts and, with
    ``uploads``, one for the current source files — not two per enterprise."""
    loaded = {e.id: EnterpriseData(e) for e in enterprises}
    if not loaded:
        return loaded
    ids = sorted(loaded)
    facts = db.session.scalars(
        select(Fact)
        .where(Fact.enterprise_id.in_(ids))
        .order_by(Fact.enterprise_id, Fact.year, Fact.code)
    )
    targets = {
        i: {
            ("1", "end"): d.form1,
            ("1", "start"): d.form1_start,
            ("2", "current"): d.form2,
            ("2", "previous"): d.form2_previous,
        }
        for i, d in loaded.items()
    }
    for fact in facts:
        data, target = loaded[fact.enterprise_id], targets[fact.enterprise_id]
        if fact.form == "plan":
            data.plan.setdefault(fact.year, {}).setdefault(fact.code, {})[fact.kind] = fact.value
            if fact.title:
                data.plan_titles.setdefault(fact.code, fact.title)
        elif (fact.form, fact.kind) in target:
            target[fact.form, fact.kind].setdefault(fact.year, {})[fact.code] = fact.value
    if uploads:
        current = db.session.scalars(
            select(Upload)
            .where(Upload.enterprise_id.in_(ids), Upload.is_current.is_(True))
            .order_by(Upload.year, Upload.form)
        )
        for upload in current:
            loaded[upload.enterprise_id].uploads.append(upload)
    return loaded


def statement_lines(
    form1_codes: set[str], form2_codes: set[str]
) -> dict[int, tuple[dict[int, dict[str, Decimal]], dict[int, dict[str, Decimal]]]]:
    """A few lines of every enterprise's statements in one query, for the summary table:
    ``{enterprise_id: (form1 by year, form2 by year)}`` (balance at the end of the year, the
    financial results of the year)."""
    query = select(Fact.enterprise_id, Fact.year, Fact.form, Fact.code, Fact.value).where(
        or_(
            and_(Fact.form == "1", Fact.kind == "end", Fact.code.in_(sorted(form1_codes))),
            and_(Fact.form == "2", Fact.kind == "current", Fact.code.in_(sorted(form2_codes))),
        )
    )
    lines: dict[int, tuple[dict, dict]] = {}
    for enterprise_id, year, form, code, value in db.session.execute(query):
        form1, form2 = lines.setdefault(enterprise_id, ({}, {}))
        (form1 if form == "1" else form2).setdefault(year, {})[code] = value
    return lines


def json_number(value: Decimal | None):
    """Decimal → JSON number text that equals it exactly (amounts have at most 2 decimals)."""
    if value is None:
        return None
    if value == value.to_integral_value():
        return int(value)
    return float(value)


def enterprise_json(enterprise: Enterprise, data: EnterpriseData | None = None) -> dict:
    """The ``civic enterprises show --json`` / API shape (numbers are JSON numbers)."""
    data = data or load_enterprise_data(enterprise)
    years: dict[str, dict] = {}
    for year in data.years:
        entry: dict = {}
        if year in data.form1:
            entry["form1"] = {c: json_number(v) for c, v in sorted(data.form1[year].items())}
        if year in data.form2:
            entry["form2"] = {c: json_number(v) for c, v in sorted(data.form2[year].items())}
        if year in data.plan:
            entry["plan"] = {
                c: {k: json_number(v) for k, v in sorted(kinds.items())}
                for c, kinds in sorted(data.plan[year].items())
            }
        years[str(year)] = entry
    indicators = {
        str(year): {i.key: json_number(i.value) for i in items if i.value is not None}
        for year, items in data.indicators().items()
    }
    return {
        "edrpou": enterprise.edrpou,
        "name": enterprise.name,
        "years": years,
        "indicators": indicators,
    }


def all_fact_rows():
    """The long fact table joined with its enterprise and source upload, for open data."""
    query = (
        select(Fact, Enterprise, Upload)
        .join(Enterprise, Fact.enterprise_id == Enterprise.id)
        .join(Upload, Fact.upload_id == Upload.id)
        .order_by(Enterprise.edrpou, Fact.year, Fact.form, Fact.code, Fact.kind)
    )
    return db.session.execute(query).all()
