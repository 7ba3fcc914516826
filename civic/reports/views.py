"""Staff pages: the activity journal, the month's report (draft, edit, finalise, history) and,
for admins, entry types, the occasions calendar and the report template."""

from __future__ import annotations

import datetime as dt

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from civic import web
from civic.auth.permissions import role_required
from civic.auth.roles import ADMIN, EDITOR
from civic.extensions import db
from civic.formatting import agree, uk_month
from civic.kyiv import KyivTimeError, month_days, parse_month
from civic.reports import journal as activity_journal
from civic.reports import occasion_calendar, services
from civic.reports import versions as report_versions
from civic.reports.editor import moved_to, paragraph_label
from civic.reports.forms import (
    ActionForm,
    DraftForm,
    EntryForm,
    EntryTypeForm,
    ImportForm,
    MonthForm,
    OccasionForm,
    TemplateForm,
)
from civic.reports.models import EntryType, JournalEntry, Occasion, ReportVersion
from civic.reports.occasions import CATEGORIES, WEEKDAYS
from civic.tabular import TabularError
from civic.web import download

bp = Blueprint("reports", __name__)


def _today() -> dt.date:
    """Today's Kyiv date (the report's months and the journal's days are Kyiv days)."""
    from civic import database, kyiv

    return kyiv.today(database.utcnow())


def _month_arg(value: str | None, default: dt.date | None = None) -> dt.date | None:
    if not value:
        return default
    try:
        return parse_month(value)
    except KyivTimeError:
        abort(404)


def _version(version_id: int) -> ReportVersion:
    return db.session.get(ReportVersion, version_id) or abort(404)


@bp.app_context_processor
def _staff_home_helpers():
    return {"reports_upcoming_occasions": lambda: occasion_calendar.upcoming_occasions(_today())}


# ---------------------------------------------------------------- journal


@bp.route("/staff/journal/", methods=["GET"])
@role_required(EDITOR)
def journal():
    month = _month_arg(request.args.get("month"), _today().replace(day=1))
    type_code = request.args.get("type") or None
    types = services.list_entry_types()
    form = EntryForm(occurred_on=_today() if month == _today().replace(day=1) else month)
    first, last = month_days(month)
    form.set_choices(
        [t for t in types if t.is_active],
        [o for _, o in occasion_calendar.occasions_in(first, last)],
    )
    page = activity_journal.list_entries(
        month=month, type_code=type_code, page=request.args.get("page", 1, type=int)
    )
    return render_template(
        "reports/journal.html",
        form=form,
        page=page,
        types=types,
        type_code=type_code,
        month=month,
        month_label=uk_month(month),
        totals=activity_journal.month_totals(month),
        delete_form=ActionForm(),
    )


@bp.route("/staff/journal/add", methods=["POST"])
@role_required(EDITOR)
@web.transaction
def journal_add():
    form = EntryForm()
    form.set_choices(
        services.list_entry_types(active_only=True), occasion_calendar.list_occasions()
    )
    if form.validate_on_submit():
        with web.attempt():
            entry = activity_journal.add_entry(**form.entry(), actor=current_user)
            flash(f"Додано: «{entry.title}».", "success")
            return redirect(url_for("reports.journal", month=f"{entry.occurred_on:%Y-%m}"))
    else:
        for field in form:
            for error in field.errors:
                flash(f"{field.label.text}: {error}", "error")
    return redirect(url_for("reports.journal", month=request.form.get("month") or None))


@bp.route("/staff/journal/<int:entry_id>", methods=["GET", "POST"])
@role_required(EDITOR)
@web.transaction
def journal_edit(entry_id: int):
    entry = db.session.get(JournalEntry, entry_id) or abort(404)
    form = EntryForm(obj=entry)
    form.set_choices(services.list_entry_types(), occasion_calendar.list_occasions())
    if form.validate_on_submit():
        with web.attempt(form, field="title"):
            activity_journal.update_entry(entry, **form.entry(), actor=current_user)
            flash("Запис змінено.", "success")
            return redirect(url_for("reports.journal", month=f"{entry.occurred_on:%Y-%m}"))
    status = 400 if form.errors else 200
    return render_template("reports/entry_form.html", form=form, entry=entry), status


@bp.route("/staff/journal/<int:entry_id>/delete", methods=["POST"])
@role_required(EDITOR)
@web.transaction
def journal_delete(entry_id: int):
    entry = db.session.get(JournalEntry, entry_id) or abort(404)
    form = ActionForm()
    if not form.validate_on_submit():
        abort(400)
    month = f"{entry.occurred_on:%Y-%m}"
    activity_journal.delete_entry(entry, actor=current_user)
    flash("Запис вилучено.", "success")
    return redirect(url_for("reports.journal", month=month))


@bp.route("/staff/journal/import", methods=["GET", "POST"])
@role_required(EDITOR)
@web.transaction
def journal_import():
    form = ImportForm()
    form.set_choices(services.list_entry_types(active_only=True))
    with web.attempt(quiet=True, catch=(TabularError,)) as attempt:
        if form.validate_on_submit():
            upload = form.file.data
            result = activity_journal.import_journal(
                upload.read(),
                upload.filename or "файл",
                default_type=form.type_code.data,
                actor=current_user,
            )
            flash(
                f"Імпортовано {agree(result.rows, ('запис', 'записи', 'записів'))} "
                f"із «{result.filename}».",
                "success",
            )
            return redirect(url_for("reports.journal"))
    error = str(attempt.error) if attempt.error else None
    return render_template("reports/import.html", form=form, error=error), (400 if error else 200)


# ---------------------------------------------------------------- reports


@bp.route("/staff/reports/", methods=["GET"])
@role_required(EDITOR)
def index():
    today = _today()
    previous = (today.replace(day=1) - dt.timedelta(days=1)).replace(day=1)
    form = MonthForm(month=f"{previous:%Y-%m}")
    versions = report_versions.list_versions()
    months: dict[dt.date, list[ReportVersion]] = {}
    for v in versions:
        months.setdefault(v.month_on, []).append(v)
    return render_template("reports/index.html", form=form, months=months, month_name=uk_month)


@bp.route("/staff/reports/generate", methods=["POST"])
@role_required(EDITOR)
@web.transaction(redirect_to="reports.index")
def generate():
    form = MonthForm()
    if not form.validate_on_submit():
        for error in form.month.errors:
            flash(error, "error")
        return redirect(url_for("reports.index"))
    version = report_versions.generate_draft(parse_month(form.month.data), actor=current_user)
    flash(f"Створено чернетку (версія {version.number}).", "success")
    return redirect(url_for("reports.edit", version_id=version.id))


@bp.route("/staff/reports/<month>/", methods=["GET"])
@role_required(EDITOR)
def history(month: str):
    month_on = _month_arg(month)
    return render_template(
        "reports/history.html",
        month=month_on,
        month_label=uk_month(month_on),
        versions=report_versions.list_versions(month_on),
        form=MonthForm(month=month),
    )


@bp.route("/staff/reports/<month>/preview", methods=["GET"])
@role_required(EDITOR)
def preview_month(month: str):
    month_on = _month_arg(month)
    return _preview(report_versions.build_report(month_on), month_on)


def _preview(report, month_on: dt.date, version: ReportVersion | None = None):
    """The report as it will print: a month's report as it stands, or one saved version."""
    return render_template("reports/preview.html", report=report, version=version, month=month_on)


@bp.route("/staff/reports/versions/<int:version_id>", methods=["GET", "POST"])
@role_required(EDITOR)
@web.transaction
def edit(version_id: int):
    version = _version(version_id)
    if version.is_final:
        return redirect(url_for("reports.preview", version_id=version.id))
    report = report_versions.version_report(version)
    form = DraftForm.of(report, version)
    status = 400 if request.method == "POST" else 200
    if form.validate_on_submit():
        with web.attempt():
            edit = form.draft(request.form)
            report_versions.update_draft(version, **edit, actor=current_user)
            return _draft_saved(version, len(edit["texts"]), request.form.get("move", ""))
        status = 409
    return render_template(
        "reports/edit.html",
        form=form,
        version=version,
        report=report,
        finalise_form=ActionForm(version=str(version.version_id)),
        month_label=uk_month(version.month_on),
        paragraph_label=paragraph_label,
    ), status


def _draft_saved(version: ReportVersion, paragraphs: int, moved: str):
    """Back to the draft; after ↑ or ↓, at the paragraph that moved."""
    if not moved:
        return web.saved("Зміни збережено.", "reports.edit", version_id=version.id)
    anchor = f"paragraph-{moved_to(paragraphs, moved) + 1}"
    message = "Абзац переміщено; зміни збережено."
    return web.saved(message, "reports.edit", version_id=version.id, _anchor=anchor)


@bp.route("/staff/reports/versions/<int:version_id>/preview", methods=["GET"])
@role_required(EDITOR)
def preview(version_id: int):
    version = _version(version_id)
    return _preview(report_versions.version_report(version), version.month_on, version)


@bp.route("/staff/reports/versions/<int:version_id>/finalise", methods=["POST"])
@role_required(EDITOR)
@web.transaction(redirect_to="reports.edit")
def finalise(version_id: int):
    version = _version(version_id)
    form = ActionForm()
    if not form.validate_on_submit():
        abort(400)
    report_versions.finalise(
        version, actor=current_user, expected_version=int(form.version.data or 0) or None
    )
    flash(f"Звіт затверджено (версія {version.number}).", "success")
    return redirect(url_for("reports.history", month=f"{version.month_on:%Y-%m}"))


@bp.route("/staff/reports/versions/<int:version_id>/report.pdf", methods=["GET"])
@role_required(EDITOR)
def pdf(version_id: int):
    version = _version(version_id)
    data = (
        version.pdf
        if version.is_final
        else report_versions.render_pdf(report_versions.version_report(version))
    )
    kind = "" if version.is_final else "-chernetka"
    name = f"zvit-{version.month_on:%Y-%m}-v{version.number}{kind}.pdf"
    return download(data, name, "application/pdf", inline=True)


# ---------------------------------------------------------------- admin: calendar, types, template


@bp.route("/staff/reports/occasions", methods=["GET", "POST"])
@role_required(EDITOR)
@web.transaction
def occasions():
    year = request.args.get("year", _today().year, type=int)
    form = OccasionForm()
    if request.method == "POST":
        if not current_user.has_role(ADMIN):
            abort(403)
        if form.validate_on_submit():
            with web.attempt(form, field="rule"):
                occasion_calendar.save_occasion(None, **form.occasion(), actor=current_user)
                flash("Нагоду додано до календаря.", "success")
                return redirect(url_for("reports.occasions", year=year))
    return render_template(
        "reports/occasions.html",
        form=form,
        listing=occasion_calendar.occasions_of_year(year),
        year=year,
        categories=CATEGORIES,
        weekdays=WEEKDAYS,
    ), (400 if form.errors else 200)


@bp.route("/staff/reports/occasions/<int:occasion_id>", methods=["GET", "POST"])
@role_required(ADMIN)
@web.transaction
def occasion_edit(occasion_id: int):
    occasion = db.get_or_404(Occasion, occasion_id)
    return web.form_page(
        OccasionForm(obj=occasion),
        lambda form: occasion_calendar.save_occasion(
            occasion, **form.occasion(), actor=current_user
        ),
        saved_message="Зміни збережено.",
        then="reports.occasions",
        template_name="reports/occasion_form.html",
        field="rule",
        occasion=occasion,
    )


@bp.route("/staff/reports/entry-types", methods=["GET"])
@role_required(ADMIN)
def entry_types():
    types = services.list_entry_types()
    return render_template("reports/entry_types.html", types=types)


@bp.route("/staff/reports/entry-types/new", methods=["GET", "POST"])
@bp.route("/staff/reports/entry-types/<int:type_id>", methods=["GET", "POST"])
@role_required(ADMIN)
@web.transaction
def entry_type_edit(type_id: int | None = None):
    entry_type = db.get_or_404(EntryType, type_id) if type_id else None
    return web.form_page(
        EntryTypeForm(obj=entry_type),
        lambda form: services.save_entry_type(entry_type, **form.entry_type(), actor=current_user),
        saved_message="Тип запису збережено.",
        then="reports.entry_types",
        template_name="reports/entry_type_form.html",
        field="code",
        entry_type=entry_type,
    )


@bp.route("/staff/reports/template", methods=["GET", "POST"])
@role_required(ADMIN)
@web.transaction
def template_edit():
    template = services.get_template()
    return web.form_page(
        TemplateForm(obj=template),
        lambda form: services.update_template(**form.template(request.form), actor=current_user),
        saved_message="Шаблон звіту збережено.",
        then="reports.template_edit",
        template_name="reports/template_form.html",
        template=template,
    )
