"""Enterprise pages of the department's staff: uploads, the register, the catalogue
(the ``enterprises`` blueprint of :mod:`civic.enterprises.views`)."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from wtforms.fields.choices import SelectChoice

from civic import web
from civic.auth.permissions import role_required
from civic.enterprises import catalogue as cat
from civic.enterprises import line_catalogue, services
from civic.enterprises.forms import (
    CatalogueFileForm,
    CatalogueLineForm,
    EnterpriseForm,
    FileForm,
    UploadForm,
    WithdrawForm,
)
from civic.enterprises.plan_sums import formula
from civic.enterprises.statements import REPORTING_TYPES, EnterpriseEntry, check_edrpou
from civic.enterprises.views import EDITOR, _enterprise_or_404, bp
from civic.enterprises.withdrawal import WithdrawalRefused, withdraw_upload
from civic.formatting import agree
from civic.tabular import TabularError
from civic.web import download

# ---------------------------------------------------------------- staff


def _actor():
    return current_user if current_user.is_authenticated else None


@bp.route("/staff/enterprises/")
@role_required(EDITOR)
def staff_index():
    return render_template(
        "enterprises/staff_index.html",
        enterprises=services.list_enterprises(),
        form=FileForm(),
        uploads=services.list_uploads(limit=10),
        types=REPORTING_TYPES,
    )


@bp.route("/staff/enterprises/import-list", methods=["POST"])
@role_required(EDITOR)
@web.transaction
def staff_import_list():
    form = FileForm()
    if not form.validate_on_submit():
        flash("Оберіть файл зі списком підприємств.", "error")
        return redirect(url_for("enterprises.staff_index"))
    upload = form.file.data
    with web.attempt(quiet=True) as attempt:
        created, updated, messages = services.import_enterprise_list(
            upload.read(), upload.filename or "file"
        )
        flash(f"Підприємств додано: {created}, оновлено: {updated}.", "success")
        if messages:
            return render_template(
                "enterprises/report.html",
                accepted=True,
                messages=messages,
                title="Список підприємств прийнято",
            )
        return redirect(url_for("enterprises.staff_index"))
    return render_template(
        "enterprises/report.html",
        accepted=False,
        messages=attempt.error.messages,
        title="Список підприємств не прийнято",
    ), 422


@bp.route("/staff/enterprises/new", methods=["GET", "POST"])
@bp.route("/staff/enterprises/<edrpou>/edit", methods=["GET", "POST"])
@role_required(EDITOR)
@web.transaction
def staff_edit(edrpou=None):
    enterprise = _enterprise_or_404(edrpou) if edrpou else None
    form = EnterpriseForm(obj=enterprise)
    if enterprise is not None:
        form.edrpou.render_kw = {"readonly": True}
    warnings = []
    if form.validate_on_submit():
        code = enterprise.edrpou if enterprise else form.edrpou.data
        code, _, warnings = check_edrpou(code)
        if enterprise is None and services.get_enterprise(code) is not None:
            form.edrpou.errors.append("Підприємство з таким кодом уже є в реєстрі.")
        else:
            entry = EnterpriseEntry(
                code,
                form.name.data.strip(),
                form.reporting_type.data,
                form.short_name.data or "",
                form.legal_form.data or "",
                form.sector.data or "",
                form.website.data or "",
            )
            services.save_enterprise(entry, actor=_actor())
            for warning in warnings:
                flash(f"Попередження: {warning}.", "warning")
            flash("Дані підприємства збережено.", "success")
            return redirect(url_for("enterprises.staff_index"))
    return render_template("enterprises/staff_edit.html", form=form, enterprise=enterprise)


@bp.route("/staff/enterprises/upload", methods=["GET", "POST"])
@role_required(EDITOR)
@web.transaction
def staff_upload():
    form = UploadForm()
    form.edrpou.choices = [
        SelectChoice(e.edrpou, f"{e.display_name} ({e.edrpou})")
        for e in services.list_enterprises()
    ]
    if request.method == "GET" and request.args.get("edrpou"):
        form.edrpou.data = request.args["edrpou"]
    if form.validate_on_submit():
        upload = form.file.data
        data, filename = upload.read(), upload.filename or "file"
        with web.attempt(quiet=True) as attempt:
            outcome = services.import_statement(
                data,
                filename,
                edrpou=form.edrpou.data,
                year=form.year.data,
                form=form.kind.data,
                unit=form.unit.data,
                status=form.plan_status.data if form.kind.data == "plan" else "",
                actor=_actor(),
            )
        refused = attempt.error
        return render_template(
            "enterprises/report.html",
            accepted=refused is None,
            messages=refused.messages if refused else outcome.messages,
            title="Файл не прийнято" if refused else "Файл прийнято",
            filename=filename,
            upload=None if refused else outcome.upload,
            replaced=None if refused else outcome.replaced,
        ), (422 if refused else 200)
    return render_template("enterprises/staff_upload.html", form=form)


@bp.route("/staff/enterprises/uploads")
@role_required(EDITOR)
def staff_uploads():
    return render_template(
        "enterprises/staff_uploads.html", uploads=services.list_uploads(), forms=cat.FORMS
    )


@bp.route("/staff/enterprises/uploads/<int:upload_id>")
@role_required(EDITOR)
def staff_upload_detail(upload_id):
    upload = services.get_upload(upload_id) or abort(404)
    return render_template(
        "enterprises/staff_upload_detail.html",
        upload=upload,
        forms=cat.FORMS,
        withdraw_form=WithdrawForm(),
    )


@bp.route("/staff/enterprises/uploads/<int:upload_id>/withdraw", methods=["POST"])
@role_required(EDITOR)
@web.transaction
def staff_upload_withdraw(upload_id):
    upload = services.get_upload(upload_id) or abort(404)
    form = WithdrawForm()
    if form.validate_on_submit():
        with web.attempt(catch=(WithdrawalRefused,)):
            withdraw_upload(upload, reason=form.reason.data, actor=current_user)
            flash(
                f"Завантаження №{upload.id} відкликано; його дані більше не показуються.", "success"
            )
    else:
        flash("Вкажіть, чому завантаження відкликається.", "error")
    return redirect(url_for("enterprises.staff_upload_detail", upload_id=upload_id))


@bp.route("/staff/enterprises/uploads/<int:upload_id>/file")
@role_required(EDITOR)
def staff_upload_file(upload_id):
    upload = services.get_upload(upload_id) or abort(404)
    return download(upload.content, upload.filename or "upload", "application/octet-stream")


@bp.route("/staff/enterprises/catalogue", methods=["GET", "POST"])
@role_required(EDITOR)
@web.transaction
def staff_catalogue():
    form_key = request.args.get("form", "1")
    if form_key not in cat.FORMS:
        abort(404)
    edition = request.args.get("edition") or cat.DEFAULT_EDITIONS[form_key]
    line_form = CatalogueLineForm(prefix="line")
    file_form = CatalogueFileForm(prefix="file", edition=edition)
    if request.method == "POST":
        done = _catalogue_action(
            request.form.get("action"), form_key, edition, line_form, file_form
        )
        if done is not None:
            return done
    return _catalogue_page(form_key, edition, line_form, file_form)


def _catalogue_action(action, form_key: str, edition: str, line_form, file_form):
    """The catalogue page's buttons: save a line, load a file, store the seed catalogue. The
    redirect after one that worked; None shows the page again (with the form's errors)."""
    if action == "line" and line_form.validate_on_submit():
        line_catalogue.save_catalogue_line(form_key, edition, line_form.line(), actor=_actor())
        message = f"Рядок {line_form.code.data} збережено."
        return web.saved(message, "enterprises.staff_catalogue", form=form_key, edition=edition)
    if action == "file" and file_form.validate_on_submit():
        upload, loaded_edition = file_form.file.data, file_form.edition.data.strip()
        with web.attempt(quiet=True, catch=(TabularError,)) as attempt:
            count = line_catalogue.load_catalogue_file(
                upload.read(), upload.filename or "file", form_key, loaded_edition, actor=_actor()
            )
            message = f"Завантажено рядків: {count}."
            return web.saved(
                message, "enterprises.staff_catalogue", form=form_key, edition=loaded_edition
            )
        flash(f"Каталог не завантажено: {attempt.error}", "error")
    if action == "seed":
        count = line_catalogue.seed_edition(form_key, edition, actor=_actor())
        if count is None:
            flash("Цю редакцію вже збережено; базовий каталог не змінює її.", "warning")
        else:
            lines = agree(count, ("рядок", "рядки", "рядків"))
            flash(f"Базовий каталог збережено: {lines}.", "success")
        return redirect(url_for("enterprises.staff_catalogue", form=form_key, edition=edition))
    return None


def _catalogue_page(form_key: str, edition: str, line_form, file_form):
    stored = line_catalogue.list_catalogue_lines(form_key, edition)
    edit_code = request.args.get("code")
    row = next((r for r in stored if r.code == edit_code), None) if edit_code else None
    if request.method == "GET" and row is not None:
        line_form = CatalogueLineForm(prefix="line", obj=row)
    return render_template(
        "enterprises/staff_catalogue.html",
        form_key=form_key,
        edition=edition,
        forms=cat.FORMS,
        editions=line_catalogue.list_editions(form_key),
        stored=stored,
        lines=line_catalogue.get_catalogue(form_key, edition),
        line_form=line_form,
        file_form=file_form,
        sign_labels=cat.SIGN_LABELS,
        edition_info=next((e for e in cat.editions_of(form_key) if e.name == edition), None),
        formula=formula,
    )
