"""Participatory-budget pages: public results and the commission's staff pages."""

from __future__ import annotations

import functools
from decimal import Decimal

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy.orm.exc import StaleDataError
from werkzeug.exceptions import NotFound

from civic import database, kyiv, personal_data, web
from civic.audit.services import record_event
from civic.auth.permissions import role_required
from civic.charts import Bar, fluid_bar_chart
from civic.extensions import db
from civic.formatting import agree
from civic.pb import double_entry, exports, imports, receipts, services, voting
from civic.pb.ballots import REASON_TITLES
from civic.pb.batches import count_batch_entries
from civic.pb.counting import rule_text
from civic.pb.edition_form import EditionSettingsForm, explain, form_data, form_toml
from civic.pb.explain import explain_count
from civic.pb.forms import (
    ActionForm,
    BallotCheckForm,
    EditionForm,
    EntryForm,
    ReopenForm,
    ResolveForm,
    UploadForm,
)
from civic.pb.models import Discrepancy
from civic.pb.pictures import category_charts, winners_map
from civic.pb.publication import NOTICE, pending_answer, results_public
from civic.pb.rule_names import rule_name
from civic.pb.services import PbError
from civic.tabular import parse_date

bp = Blueprint("pb", __name__)


@bp.app_template_filter("uk_plural")
def uk_plural(n: int, one: str, few: str, many: str) -> str:
    """``{{ 3|uk_plural("бланк", "бланки", "бланків") }}`` → «3 бланки»."""
    return agree(n, (one, few, many))


# The result files by extension: their media types.
EXPORT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "json": "application/json",
    "pb": "text/plain; charset=utf-8",
    "pdf": "application/pdf",
}


def _staff_edition(slug: str):
    edition = services.get_edition(slug)
    if edition is None:
        abort(404)
    return edition


def _public_edition(slug: str):
    """An edition whose results are public (:func:`results_public`): its files, open data and
    photos; before the count is closed, 404 with the notice in Ukrainian."""
    edition = _staff_edition(slug)
    if not results_public(edition):
        error = NotFound()
        error.ukrainian = NOTICE
        raise error
    return edition


def _commission_page(rule: str, *, methods=("GET",), redirect_to: str | None = None):
    """A commission page about one edition: the route, the role and, for a page that can
    write, the request boundary. The view gets the edition its ``<slug>`` names (404 if none);
    a view that returns a dict (or a dict and a status) has it shown in ``pb/<endpoint>.html``
    with the edition."""

    def decorate(view):
        @functools.wraps(view)
        def page(slug: str, **kwargs):
            edition = _staff_edition(slug)
            response = view(edition, **kwargs)
            page, status = response if isinstance(response, tuple) else (response, 200)
            if isinstance(page, dict):
                template = f"pb/{view.__name__}.html"
                return render_template(template, edition=edition, **page), status
            return response

        if "POST" in methods or redirect_to is not None:
            page = web.transaction(page, redirect_to=redirect_to)
        return bp.route(rule, methods=list(methods))(role_required("commission")(page))

    return decorate


@bp.context_processor
def _pb_names() -> dict:
    """What the PB pages name by code: rejection reasons, rules, money."""
    return {
        "reasons": REASON_TITLES,
        "money": Decimal,
        "rule_name": rule_name,
        "mask": personal_data.mask,
        "results_public": results_public,
    }


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
    return render_template(
        "pb/index.html",
        editions=services.list_editions(),
        notice=NOTICE,
        voting_open=voting.list_open_editions(database.utcnow()),
    )


def _reasons(edition, config) -> dict:
    """Why each project won or lost in the official count (:mod:`civic.pb.explain`)."""
    return explain_count(
        edition.result,
        categories={c.code: c.title for c in edition.categories},
        rule=config.rule,
        min_votes=config.min_votes,
        by_points=bool(config.points),
        exclusive=config.exclusive,
    )


WHY_ANCHORS = {"equalshares/add1": "mes", "phragmen": "phragmen"}


@bp.route("/pb/<slug>")
def results(slug: str):
    edition = _staff_edition(slug)
    if not results_public(edition):  # voting or counting: the projects, never a number
        projects = [p for p in services.list_projects(edition) if p.is_admitted]
        return render_template("pb/pending.html", edition=edition, projects=projects, notice=NOTICE)
    result = edition.result
    config = services.config_of(edition)
    reasons = _reasons(edition, config)
    categories = [(c.code, c.title) for c in edition.categories]
    return render_template(
        "pb/results.html",
        edition=edition,
        result=result,
        project_reasons=reasons,
        category_charts=category_charts(result, categories, reasons, by_points=bool(config.points)),
        winners_map=winners_map(
            result,
            {
                p.code: (p.latitude, p.longitude)
                for p in services.list_projects(edition)
                if p.latitude is not None and p.longitude is not None
            },
        ),
        what_if_reasons=result.get("what_if_reasons") or {},
        why_anchors=WHY_ANCHORS,
        chart=_chart(result),
        rule_text=rule_text(config),
        by_points=bool(config.points),
    )


@bp.route("/pb/<slug>/check", methods=["GET", "POST"])
@web.transaction
def check(slug: str):
    """Check my ballot: GET shows the form, POST answers (and counts the attempt)."""
    edition = _staff_edition(slug)
    form = BallotCheckForm()
    answer, status = None, 200
    if request.method == "POST" and form.validate_on_submit():
        answer = receipts.check_ballot(
            edition,
            form.form_number.data,
            form.last_four.data,
            address=request.remote_addr,
            now=database.utcnow(),
        )
        status = 429 if answer.status == receipts.LIMITED else 200
    elif request.method == "POST":
        status = 400
    return render_template("pb/check.html", edition=edition, form=form, answer=answer), status


@bp.route("/pb/<slug>/results.<fmt>")
def download(slug: str, fmt: str):
    edition = _public_edition(slug)
    if fmt not in EXPORT_TYPES:
        abort(404)
    return _file(edition, fmt)


@bp.route("/api/v1/pb/<slug>/results")
def api_results(slug: str):
    edition = _staff_edition(slug)
    if not results_public(edition):
        return pending_answer(edition.slug)
    reasons = _reasons(edition, services.config_of(edition))
    explained = {c: r.as_json() for c, r in reasons.items()}
    return {**edition.result, "published": True, "reasons": explained}


def _file(edition, fmt: str) -> Response:
    data = exports.export_edition(edition, fmt)
    name = f"{edition.slug}-results.{fmt}" if fmt != "pdf" else f"{edition.slug}-protocol.pdf"
    return web.download(data, name, EXPORT_TYPES[fmt])


# ---------------------------------------------------------------- staff


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
            text = form_toml(settings)
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


@_commission_page("/staff/pb/<slug>")
def staff_edition(edition):
    return {
        "ballots": services.count_ballots(edition),
        "entries": services.count_entries(edition),
        "open_discrepancies": len(services.list_discrepancies(edition)),
        "projects": services.list_projects(edition),
        "action_form": ActionForm(),
        "reopen_form": ReopenForm(),
    }


@_commission_page("/staff/pb/<slug>/settings", methods=("GET", "POST"))
def staff_settings(edition):
    saved, toml_form, settings = _save_settings(expected_slug=edition.slug)
    if saved is not None:
        flash("Налаштування збережено.", "success")
        return redirect(url_for("pb.staff_edition", slug=edition.slug))
    if request.method == "GET":
        settings = EditionSettingsForm(data=form_data(services.config_of(edition)))
    return {"form": toml_form, "settings": settings}


@_commission_page("/staff/pb/<slug>/settings.toml")
def staff_settings_toml(edition):
    text = services.edition_toml(edition)
    return web.download(text.encode(), f"{edition.slug}.toml", "application/toml; charset=utf-8")


def _upload_page(edition, import_file, said, then: str, **page):
    """An upload form: a valid file goes through ``import_file`` and on to the page ``then``
    with what ``said`` makes of the outcome; a refused one comes back with its problems.
    (``FileRequired`` lets through only a file with a name.)"""
    form = UploadForm()
    with web.attempt() as attempt:
        if form.validate_on_submit():
            upload = form.file.data
            outcome = import_file(edition, upload.read(), upload.filename, actor=current_user)
            flash(said(outcome), "success")
            return redirect(url_for(then, slug=edition.slug))
    return {"form": form, "problems": attempt.problems, **page}


@_commission_page("/staff/pb/<slug>/projects", methods=("GET", "POST"))
def staff_projects(edition):
    projects = services.list_projects(edition)
    said = "Проєктів імпортовано: {}.".format
    return _upload_page(
        edition, imports.import_projects, said, "pb.staff_projects", projects=projects
    )


def _ballots_imported(report) -> str:
    return f"Бюлетенів імпортовано: {report.rows}."


@_commission_page("/staff/pb/<slug>/ballots/import", methods=("GET", "POST"))
def staff_upload(edition):
    return _upload_page(edition, imports.import_ballots, _ballots_imported, "pb.staff_edition")


def _entry_date(form: EntryForm, name: str):
    field = getattr(form, name)
    if not field.data:
        return None
    try:
        return parse_date(field.data)
    except ValueError as error:
        field.errors = [*field.errors, str(error)]
        return False


@_commission_page("/staff/pb/<slug>/entry", methods=("GET", "POST"))
def staff_entry(edition):
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
                        slug=edition.slug,
                        batch=form.batch.data,
                        cast_on=form.cast_on.data or "",
                    )
                )
    mine, forms = count_batch_entries(edition, (form.batch.data or "").strip(), current_user)
    return {"form": form, "typed_by_me": mine, "batch_forms": forms}


@_commission_page("/staff/pb/<slug>/discrepancies")
def staff_discrepancies(edition):
    return {
        "pending": services.list_discrepancies(edition),
        "resolved": services.list_discrepancies(edition, resolved=True),
        "titles": double_entry.ENTRY_FIELD_TITLES,
    }


@_commission_page("/staff/pb/<slug>/discrepancies/<int:discrepancy_id>", methods=("GET", "POST"))
def staff_resolve(edition, discrepancy_id: int):
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
            return redirect(url_for("pb.staff_discrepancies", slug=edition.slug))
    if request.method == "GET":
        # The page shows voters' names and birth dates: staff access to personal data is logged.
        record_event(
            "pb.personal_data_viewed",
            object_type="pb_discrepancy",
            object_id=f"{edition.slug}:{discrepancy.batch}/{discrepancy.number}",
        )
    page = {
        "discrepancy": discrepancy,
        "entries": entries,
        "form": form,
        "titles": double_entry.ENTRY_FIELD_TITLES,
        "refusal": double_entry.operator_may_not_resolve(typed) if typed else None,
    }
    return page, (403 if typed and request.method == "POST" else 200)


@_commission_page("/staff/pb/<slug>/ballots")
def staff_ballots(edition):
    page = request.args.get("page", 1, type=int)
    return {
        "page": exports.list_invalid_ballots(edition, page=page),
        "declared": voting.list_declared(edition),
    }


def _action_date(form: ActionForm):
    if not form.on.data:
        return kyiv.today(database.utcnow())
    try:
        return parse_date(form.on.data)
    except ValueError as error:
        raise PbError(f"Дата підрахунку: {error}") from None


def _edition_action(rule: str):
    """A button on the edition's page: a POST that acts and goes back there (a refusal too)."""

    def decorate(view):
        @functools.wraps(view)
        def action(edition):
            view(edition)
            return redirect(url_for("pb.staff_edition", slug=edition.slug))

        return _commission_page(rule, methods=("POST",), redirect_to="pb.staff_edition")(action)

    return decorate


@_edition_action("/staff/pb/<slug>/tally")
def staff_tally(edition):
    form = ActionForm()
    if not form.validate_on_submit():
        return
    if edition.is_closed:
        stored = edition.digest
        result = services.tally(edition)
        same = "збігається" if result.digest == stored else "НЕ збігається"
        flash(f"Перерахунок {same} з протоколом ({result.digest[:16]}…).", "success")
    else:
        result = services.tally(edition, counted_on=_action_date(form), actor=current_user)
        digest = result.digest[:16]
        said = f"дійсних {result.valid} з {result.received}. Контрольна сума {digest}…"
        flash(f"Підраховано: {said}", "success")


@_edition_action("/staff/pb/<slug>/close")
def staff_close(edition):
    form = ActionForm()
    if form.validate_on_submit():
        services.close_edition(edition, on=_action_date(form), actor=current_user)
        flash("Підрахунок закрито; протокол доступний для завантаження.", "success")


@_edition_action("/staff/pb/<slug>/reopen")
def staff_reopen(edition):
    form = ReopenForm()
    if not form.validate_on_submit():
        flash("Вкажіть причину.", "error")
        return
    services.reopen_edition(edition, reason=form.reason.data, actor=current_user)
    flash("Підрахунок відкрито знову; подію записано до журналу аудиту.", "warning")


@_commission_page("/staff/pb/<slug>/export/<fmt>", redirect_to="pb.staff_edition")
def staff_export(edition, fmt: str):
    if fmt not in EXPORT_TYPES:
        abort(404)
    return _file(edition, fmt)


# What became of the winners; the online vote and its receipt.
from civic.pb import implementation_views, voting_views  # noqa: E402, F401
