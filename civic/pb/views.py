"""Participatory-budget pages: public results and the commission's staff pages."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

from flask import (
    Blueprint,
    Response,
    abort,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user
from sqlalchemy.orm.exc import StaleDataError

from civic import database, kyiv, personal_data, web
from civic.audit.services import record_event
from civic.auth.permissions import role_required
from civic.charts import Bar, fluid_bar_chart
from civic.extensions import db
from civic.formatting import agree
from civic.pb import double_entry, exports, imports, services
from civic.pb.ballots import REASON_TITLES
from civic.pb.batches import count_batch_entries
from civic.pb.counting import rule_text
from civic.pb.edition import dump_edition, parse_edition
from civic.pb.edition_form import EditionSettingsForm, explain, form_data, form_toml
from civic.pb.forms import ActionForm, EditionForm, EntryForm, ReopenForm, ResolveForm, UploadForm
from civic.pb.models import Discrepancy
from civic.pb.rule_names import rule_name
from civic.pb.services import PbError
from civic.tabular import parse_date

bp = Blueprint("pb", __name__)


@bp.app_template_filter("uk_plural")
def uk_plural(n: int, one: str, few: str, many: str) -> str:
    """``{{ 3|uk_plural("бланк", "бланки", "бланків") }}`` → «3 бланки»."""
    return agree(n, (one, few, many))


EXPORT_TYPES = {
    "csv": ("text/csv; charset=utf-8", "csv"),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx"),
    "json": ("application/json", "json"),
    "pb": ("text/plain; charset=utf-8", "pb"),
    "pdf": ("application/pdf", "pdf"),
}


def _public_edition(slug: str):
    edition = services.get_edition(slug)
    if edition is None or not edition.is_closed or not edition.result:
        abort(404)
    return edition


def _staff_edition(slug: str):
    edition = services.get_edition(slug)
    if edition is None:
        abort(404)
    return edition


def _chart(result: dict) -> str:
    bars = [Bar(f"{p['code']} {p['title']}", p["votes"], p["selected"]) for p in result["projects"]]
    return fluid_bar_chart(
        bars, title="Голоси за проєкти (зелені — фінансуються)", chart_id="pb-votes"
    )


@bp.errorhandler(StaleDataError)
def stale_data(_error):
    """Optimistic locking: someone else changed the edition or the discrepancy meanwhile."""
    db.session.rollback()
    flash("Ці дані щойно змінив інший член комісії. Перегляньте їх і спробуйте ще раз.", "error")
    return redirect(request.referrer or url_for("pb.staff_editions"))


# ---------------------------------------------------------------- public


@bp.route("/pb/")
def index():
    return render_template("pb/index.html", editions=services.list_public_editions())


@bp.route("/pb/<slug>")
def results(slug: str):
    edition = _public_edition(slug)
    result = edition.result
    config = services.config_of(edition)
    return render_template(
        "pb/results.html",
        edition=edition,
        result=result,
        chart=_chart(result),
        reasons=REASON_TITLES,
        money=Decimal,
        rule_name=rule_name,
        rule_text=rule_text(config),
        by_points=bool(config.points),
    )


@bp.route("/pb/<slug>/results.<fmt>")
def download(slug: str, fmt: str):
    edition = _public_edition(slug)
    if fmt not in EXPORT_TYPES:
        abort(404)
    return _file(edition, fmt)


@bp.route("/api/v1/pb/<slug>/results")
def api_results(slug: str):
    edition = _public_edition(slug)
    return jsonify(edition.result)


def _file(edition, fmt: str) -> Response:
    mimetype, ext = EXPORT_TYPES[fmt]
    data = exports.export_edition(edition, fmt)
    name = f"{edition.slug}-results.{ext}" if fmt != "pdf" else f"{edition.slug}-protocol.pdf"
    return web.download(data, name, mimetype)


# ---------------------------------------------------------------- staff


def _keep_rule_settings(text: str, slug: str | None) -> str:
    """The form has no fields for ``points``, ``completion`` or ``[[exclusive]]``: an edit
    through it keeps the ones the edition's TOML set."""
    edition = services.get_edition(slug) if slug else None
    if edition is None:
        return text
    old = services.config_of(edition)
    if not (old.points or old.completion is not None or old.exclusive):
        return text
    new = parse_edition(text)
    kept = replace(new, points=old.points, completion=old.completion, exclusive=old.exclusive)
    return dump_edition(kept)


def _save_settings(expected_slug: str | None = None):
    """Save the settings posted by either form on the page (inside :func:`web.transaction`):
    the edition, or None and the two forms to show again."""
    toml_form, settings = EditionForm(), EditionSettingsForm()
    if request.method != "POST":
        return None, toml_form, settings
    by_toml = "config" in request.form or "toml_file" in request.files
    # catch: a TOML file not in UTF-8 (``EditionForm.text``) is said like a refusal.
    with web.attempt(quiet=not by_toml, catch=(ValueError,)) as attempt:
        if by_toml and toml_form.validate_on_submit():
            text = toml_form.text()
        elif not by_toml and not settings.adding() and settings.validate_on_submit():
            text = _keep_rule_settings(form_toml(settings), expected_slug)
        else:
            return None, toml_form, settings
        edition = services.save_edition(text, actor=current_user, expected_slug=expected_slug)
        return edition, toml_form, settings
    if not by_toml and attempt.error is not None:  # above the form, in the words of its labels
        settings.form_errors.append(explain(str(attempt.error), settings))
    return None, toml_form, settings


@bp.route("/staff/pb/", methods=["GET", "POST"])
@role_required("commission")
@web.transaction
def staff_editions():
    edition, toml_form, settings = _save_settings()
    if edition is not None:
        flash(f"Видання «{edition.slug}» створено.", "success")
        return redirect(url_for("pb.staff_edition", slug=edition.slug))
    return render_template(
        "pb/staff_editions.html",
        editions=services.list_editions(),
        form=toml_form,
        settings=settings,
        count_ballots=services.count_ballots,
    )


@bp.route("/staff/pb/<slug>")
@role_required("commission")
def staff_edition(slug: str):
    edition = _staff_edition(slug)
    return render_template(
        "pb/staff_edition.html",
        edition=edition,
        ballots=services.count_ballots(edition),
        entries=services.count_entries(edition),
        open_discrepancies=len(services.list_discrepancies(edition)),
        projects=services.list_projects(edition),
        action_form=ActionForm(),
        reopen_form=ReopenForm(),
        reasons=REASON_TITLES,
    )


@bp.route("/staff/pb/<slug>/settings", methods=["GET", "POST"])
@role_required("commission")
@web.transaction
def staff_settings(slug: str):
    edition = _staff_edition(slug)
    saved, toml_form, settings = _save_settings(expected_slug=slug)
    if saved is not None:
        flash("Налаштування збережено.", "success")
        return redirect(url_for("pb.staff_edition", slug=slug))
    if request.method == "GET":
        settings = EditionSettingsForm(data=form_data(services.config_of(edition)))
    return render_template(
        "pb/staff_settings.html", edition=edition, form=toml_form, settings=settings
    )


@bp.route("/staff/pb/<slug>/settings.toml")
@role_required("commission")
def staff_settings_toml(slug: str):
    edition = _staff_edition(slug)
    text = services.edition_toml(edition)
    return web.download(text.encode(), f"{edition.slug}.toml", "application/toml; charset=utf-8")


@bp.route("/staff/pb/<slug>/projects", methods=["GET", "POST"])
@role_required("commission")
@web.transaction
def staff_projects(slug: str):
    edition = _staff_edition(slug)
    form = UploadForm()
    with web.attempt() as attempt:
        if form.validate_on_submit():
            upload = form.file.data
            n = imports.import_projects(
                edition, upload.read(), upload.filename or "projects.csv", actor=current_user
            )
            flash(f"Проєктів імпортовано: {n}.", "success")
            return redirect(url_for("pb.staff_projects", slug=slug))
    return render_template(
        "pb/staff_projects.html",
        edition=edition,
        projects=services.list_projects(edition),
        form=form,
        problems=attempt.problems,
    )


@bp.route("/staff/pb/<slug>/ballots/import", methods=["GET", "POST"])
@role_required("commission")
@web.transaction
def staff_upload(slug: str):
    edition = _staff_edition(slug)
    form = UploadForm()
    with web.attempt() as attempt:
        if form.validate_on_submit():
            upload = form.file.data
            report = imports.import_ballots(
                edition, upload.read(), upload.filename or "ballots.csv", actor=current_user
            )
            flash(f"Бюлетенів імпортовано: {report.rows}.", "success")
            return redirect(url_for("pb.staff_edition", slug=slug))
    return render_template(
        "pb/staff_upload.html", edition=edition, form=form, problems=attempt.problems
    )


def _entry_date(form: EntryForm, name: str):
    field = getattr(form, name)
    if not field.data:
        return None
    try:
        return parse_date(field.data)
    except ValueError as error:
        field.errors = [*field.errors, str(error)]
        return False


@bp.route("/staff/pb/<slug>/entry", methods=["GET", "POST"])
@role_required("commission")
@web.transaction
def staff_entry(slug: str):
    edition = _staff_edition(slug)
    form = EntryForm()
    if request.method == "GET":
        form.batch.data = request.args.get("batch", "")
        form.cast_on.data = request.args.get("cast_on", "")
    elif form.validate_on_submit():
        cast_on = _entry_date(form, "cast_on")
        birth_date = _entry_date(form, "birth_date")
        if cast_on is not False and birth_date is not False:
            data = double_entry.EntryData(
                batch=form.batch.data,
                number=form.number.data,
                cast_on=cast_on,
                full_name=form.full_name.data or "",
                birth_date=birth_date,
                document=form.document.data or "",
                settlement=form.settlement.data or "",
                address=form.address.data or "",
                projects=form.projects.data or "",
            )
            with web.attempt():
                outcome = double_entry.record_entry(edition, current_user, data)
                category = {"discrepancy": "warning", "agreed": "success"}.get(
                    outcome.status, "success"
                )
                flash(outcome.message, category)
                return redirect(
                    url_for(
                        "pb.staff_entry",
                        slug=slug,
                        batch=form.batch.data,
                        cast_on=form.cast_on.data or "",
                    )
                )
    mine, forms = count_batch_entries(edition, (form.batch.data or "").strip(), current_user)
    return render_template(
        "pb/staff_entry.html", edition=edition, form=form, typed_by_me=mine, batch_forms=forms
    )


@bp.route("/staff/pb/<slug>/discrepancies")
@role_required("commission")
def staff_discrepancies(slug: str):
    edition = _staff_edition(slug)
    return render_template(
        "pb/staff_discrepancies.html",
        edition=edition,
        pending=services.list_discrepancies(edition),
        resolved=services.list_discrepancies(edition, resolved=True),
        titles=double_entry.ENTRY_FIELD_TITLES,
    )


@bp.route("/staff/pb/<slug>/discrepancies/<int:discrepancy_id>", methods=["GET", "POST"])
@role_required("commission")
@web.transaction
def staff_resolve(slug: str, discrepancy_id: int):
    edition = _staff_edition(slug)
    discrepancy = db.session.get(Discrepancy, discrepancy_id)
    if discrepancy is None or discrepancy.edition_id != edition.id:
        abort(404)
    entries = double_entry.entries_of(discrepancy)
    typed = double_entry.copy_typed_by(entries, current_user)
    form = ResolveForm()
    # An operator who typed either copy gets the reason instead of the buttons; the service
    # refuses them too, so a hand-made POST changes nothing.
    if typed is None and form.validate_on_submit():
        choices = {}
        for name in discrepancy.fields:
            value = request.form.get(f"choice_{name}", "")
            choices[name] = int(value) if value in ("1", "2") else 0
        with web.attempt():
            double_entry.resolve_discrepancy(
                edition, discrepancy, current_user, choices, form.note.data
            )
            flash(
                f"Бюлетень {discrepancy.batch}/{discrepancy.number}: рішення записано.", "success"
            )
            return redirect(url_for("pb.staff_discrepancies", slug=slug))
    if request.method == "GET":
        # The page shows voters' names and birth dates: staff access to personal data is logged.
        record_event(
            "pb.personal_data_viewed",
            object_type="pb_discrepancy",
            object_id=f"{edition.slug}:{discrepancy.batch}/{discrepancy.number}",
        )
    return render_template(
        "pb/staff_resolve.html",
        edition=edition,
        discrepancy=discrepancy,
        entries=entries,
        form=form,
        titles=double_entry.ENTRY_FIELD_TITLES,
        mask=personal_data.mask,
        refusal=double_entry.operator_may_not_resolve(typed) if typed else None,
    ), (403 if typed and request.method == "POST" else 200)


@bp.route("/staff/pb/<slug>/ballots")
@role_required("commission")
def staff_ballots(slug: str):
    edition = _staff_edition(slug)
    page = exports.list_invalid_ballots(edition, page=request.args.get("page", 1, type=int))
    return render_template(
        "pb/staff_ballots.html",
        edition=edition,
        page=page,
        reasons=REASON_TITLES,
        mask=personal_data.mask,
    )


def _action_date(form: ActionForm):
    if not form.on.data:
        return kyiv.today(database.utcnow())
    try:
        return parse_date(form.on.data)
    except ValueError as error:
        raise PbError(f"Дата підрахунку: {error}") from None


@bp.route("/staff/pb/<slug>/tally", methods=["POST"])
@role_required("commission")
@web.transaction(redirect_to="pb.staff_edition")
def staff_tally(slug: str):
    edition = _staff_edition(slug)
    form = ActionForm()
    if form.validate_on_submit():
        if edition.is_closed:
            stored = edition.digest
            result = services.tally(edition)
            same = "збігається" if result.digest == stored else "НЕ збігається"
            flash(f"Перерахунок {same} з протоколом ({result.digest[:16]}…).", "success")
        else:
            result = services.tally(edition, counted_on=_action_date(form), actor=current_user)
            flash(
                f"Підраховано: дійсних {result.valid} з {result.received}. "
                f"Контрольна сума {result.digest[:16]}…",
                "success",
            )
    return redirect(url_for("pb.staff_edition", slug=slug))


@bp.route("/staff/pb/<slug>/close", methods=["POST"])
@role_required("commission")
@web.transaction(redirect_to="pb.staff_edition")
def staff_close(slug: str):
    edition = _staff_edition(slug)
    form = ActionForm()
    if form.validate_on_submit():
        services.close_edition(edition, on=_action_date(form), actor=current_user)
        flash("Підрахунок закрито; протокол доступний для завантаження.", "success")
    return redirect(url_for("pb.staff_edition", slug=slug))


@bp.route("/staff/pb/<slug>/reopen", methods=["POST"])
@role_required("commission")
@web.transaction(redirect_to="pb.staff_edition")
def staff_reopen(slug: str):
    edition = _staff_edition(slug)
    form = ReopenForm()
    if form.validate_on_submit():
        services.reopen_edition(edition, reason=form.reason.data, actor=current_user)
        flash("Підрахунок відкрито знову; подію записано до журналу аудиту.", "warning")
    else:
        flash("Вкажіть причину.", "error")
    return redirect(url_for("pb.staff_edition", slug=slug))


@bp.route("/staff/pb/<slug>/export/<fmt>")
@role_required("commission")
@web.transaction(redirect_to="pb.staff_edition")
def staff_export(slug: str, fmt: str):
    edition = _staff_edition(slug)
    if fmt not in EXPORT_TYPES:
        abort(404)
    return _file(edition, fmt)


from civic.pb import implementation_views  # noqa: E402, F401  (what became of the winners)
