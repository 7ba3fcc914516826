"""Public dashboards, open data and the staff pages of the enterprises module."""

from __future__ import annotations

import io
import re
import zipfile

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
from wtforms.fields.choices import SelectChoice

from civic import charts
from civic.auth.permissions import role_required
from civic.database import utcnow
from civic.enterprises import catalogue as cat
from civic.enterprises import dashboard, exports, services
from civic.enterprises.forms import (
    CatalogueFileForm,
    CatalogueLineForm,
    EnterpriseForm,
    FileForm,
    UploadForm,
)
from civic.enterprises.indicators import SPEC_BY_KEY, net_result
from civic.enterprises.statements import REPORTING_TYPES, EnterpriseEntry, check_edrpou
from civic.extensions import db
from civic.formatting import uk_number
from civic.reports.plural import agree
from civic.tabular import TabularError, write_csv
from civic.web import download

bp = Blueprint("enterprises", __name__)
EDITOR = "editor"
COMPARE_INDICATORS = ("current_ratio", "equity_to_assets", "return_on_sales", "roe")


def _csv(filename: str, headers, rows) -> Response:
    return download(write_csv(headers, rows), filename, "text/csv; charset=utf-8")


def _fmt(value) -> str:
    return uk_number(value) if value is not None else "—"


def _enterprise_or_404(edrpou: str):
    enterprise = services.get_enterprise(edrpou) if re.fullmatch(r"\d{8}", edrpou) else None
    if enterprise is None:
        abort(404)
    return enterprise


# ---------------------------------------------------------------- public: list


SUMMARY_COLUMNS = {  # column → (form, line); "net" is 2350 or minus 2355
    "revenue": ("2", "2000"),
    "net": ("2", "net"),
    "assets": ("1", "1300"),
    "equity": ("1", "1495"),
}


def _summary_rows():
    lines = services.statement_lines({"1300", "1495"}, {"2000", "2350", "2355"})
    rows = []
    for enterprise in services.list_enterprises():
        form1, form2 = lines.get(enterprise.id, ({}, {}))
        years = sorted(form2) or sorted(form1)
        latest = years[-1] if years else None
        previous = latest - 1 if latest else None

        def pair(form, code, form1=form1, form2=form2, latest=latest, previous=previous):
            now = dashboard.line_value(form1.get(latest, {}), form2.get(latest, {}), form, code)
            before = dashboard.line_value(
                form1.get(previous, {}), form2.get(previous, {}), form, code
            )
            return dashboard.Cell(now, dashboard.trend(now, before) if latest else "")

        row = {"enterprise": enterprise, "year": latest}
        row.update({name: pair(*line) for name, line in SUMMARY_COLUMNS.items()})
        rows.append(row)
    return rows


@bp.route("/enterprises")
def index():
    rows = _summary_rows()
    return render_template(
        "enterprises/index.html",
        rows=rows,
        types=REPORTING_TYPES,
        has_demo=any(r["enterprise"].is_demo for r in rows),
    )


@bp.route("/enterprises.csv")
def index_csv():
    headers = [
        "edrpou",
        "name",
        "reporting_type",
        "year",
        "revenue_2000",
        "revenue_trend",
        "net_result",
        "net_result_trend",
        "assets_1300",
        "assets_trend",
        "equity_1495",
        "equity_trend",
    ]
    body = [
        [
            r["enterprise"].edrpou,
            r["enterprise"].name,
            r["enterprise"].reporting_type,
            r["year"],
            r["revenue"].value,
            r["revenue"].marker,
            r["net"].value,
            r["net"].marker,
            r["assets"].value,
            r["assets"].marker,
            r["equity"].value,
            r["equity"].marker,
        ]
        for r in _summary_rows()
    ]
    return _csv("enterprises.csv", headers, body)


# ---------------------------------------------------------------- public: one enterprise


def _detail_tables(enterprise):
    data = services.load_enterprise_data(enterprise)
    years = sorted(set(data.form1) | set(data.form2))
    lines = dashboard.key_line_rows(years, data.form1, data.form2)
    indicators = dashboard.indicator_rows(years, data.indicators())
    plan_year = max(data.plan) if data.plan else None
    titles = {c: line.title for c, line in services.line_titles("plan").items()}
    titles.update(data.plan_titles)
    plan = dashboard.plan_rows(data.plan[plan_year], titles) if plan_year else []
    return data, years, lines, indicators, plan_year, plan, titles


@bp.route("/enterprises/<edrpou>")
def detail(edrpou):
    enterprise = _enterprise_or_404(edrpou)
    data, years, lines, indicators, plan_year, plan, titles = _detail_tables(enterprise)
    labels = [str(y) for y in years]
    series = {
        "money": charts.line_chart(
            labels,
            [
                charts.Series(
                    "Чистий дохід (р. 2000)", [data.form2.get(y, {}).get("2000") for y in years]
                ),
                charts.Series(
                    "Чистий фін. результат", [net_result(data.form2.get(y, {})) for y in years]
                ),
            ],
            title="Дохід і чистий фінансовий результат, тис. грн",
        )
        if years
        else "",
        "balance": charts.line_chart(
            labels,
            [
                charts.Series(name, [data.form1.get(y, {}).get(code) for y in years])
                for code, name in (
                    ("1300", "Активи (р. 1300)"),
                    ("1495", "Власний капітал (р. 1495)"),
                    ("1695", "Поточні зобов'язання (р. 1695)"),
                )
            ],
            title="Майно, власний капітал і борги, тис. грн",
        )
        if years
        else "",
    }
    plan_chart, plan_code = "", None
    if plan_year:
        codes = sorted(data.plan[plan_year])
        plan_code = request.args.get("line") if request.args.get("line") in codes else codes[0]
        kinds = data.plan[plan_year][plan_code]
        plan_chart = charts.grouped_bar_chart(
            ["I квартал", "II квартал", "III квартал", "IV квартал"],
            [
                charts.Series("План", dashboard.quarter_values(kinds, "plan")),
                charts.Series("Факт", dashboard.quarter_values(kinds, "fact")),
            ],
            title=f"План і факт за кварталами {plan_year} року: {titles.get(plan_code, plan_code)}, тис. грн",
        )
    return render_template(
        "enterprises/detail.html",
        enterprise=enterprise,
        data=data,
        years=years,
        lines=lines,
        indicators=indicators,
        plan_year=plan_year,
        plan=plan,
        plan_code=plan_code,
        titles=titles,
        charts=series,
        plan_chart=plan_chart,
        catalogue1=services.line_titles("1"),
        catalogue2=services.line_titles("2"),
        form_names=cat.FORMS,
        sources={(u.year, u.form): u for u in data.uploads},
    )


@bp.route("/enterprises/<edrpou>/<table>.csv")
def detail_csv(edrpou, table):
    enterprise = _enterprise_or_404(edrpou)
    data, years, lines, indicators, plan_year, plan, _ = _detail_tables(enterprise)
    name = f"{enterprise.edrpou}-{table}.csv"
    if table == "lines":
        return _csv(
            name,
            ["code", "title", *[str(y) for y in years], *[f"{y}_trend" for y in years]],
            [
                [r.code, r.title, *[c.value for c in r.cells], *[c.marker for c in r.cells]]
                for r in lines
            ],
        )
    if table == "indicators":
        return _csv(
            name,
            ["indicator", "title", "unit", "formula", *[str(y) for y in years]],
            [
                [s.key, s.title, s.unit, s.formula, *[c.value for c in cells]]
                for s, cells in indicators
            ],
        )
    if table == "plan":
        return _csv(
            name,
            [
                "year",
                "code",
                "title",
                "period",
                "prev_fact",
                "plan",
                "fact",
                "deviation",
                "percent",
            ],
            [
                [
                    plan_year,
                    r.code,
                    r.title,
                    r.period,
                    r.prev_fact,
                    r.plan,
                    r.fact,
                    r.deviation,
                    r.percent,
                ]
                for r in plan
            ],
        )
    if table == "sources":
        return _csv(
            name,
            [
                "upload_id",
                "year",
                "form",
                "file",
                "sha256",
                "size",
                "unit",
                "uploaded_at",
                "values",
            ],
            [
                [
                    u.id,
                    u.year,
                    u.form,
                    u.filename,
                    u.file_hash,
                    u.size,
                    u.unit,
                    u.uploaded_at,
                    u.value_count,
                ]
                for u in data.uploads
            ],
        )
    abort(404)


# ---------------------------------------------------------------- public: comparison


def _compare(reporting_type: str, year: int | None):
    enterprises = services.list_enterprises(reporting_type)
    loaded = [(e, services.load_enterprise_data(e)) for e in enterprises]
    years = sorted({y for _, d in loaded for y in set(d.form1) | set(d.form2)})
    if year not in years:
        year = years[-1] if years else None
    rows = []
    for enterprise, data in loaded:
        f1, f2 = data.form1.get(year, {}), data.form2.get(year, {})
        indicators = {i.key: i.value for i in data.indicators().get(year, [])}
        rows.append(
            {
                "enterprise": enterprise,
                "revenue": f2.get("2000"),
                "net": net_result(f2),
                "assets": f1.get("1300"),
                "equity": f1.get("1495"),
                **{k: indicators.get(k) for k in COMPARE_INDICATORS},
            }
        )
    return years, year, rows


def _compare_args():
    rtype = request.args.get("type", "З")
    if rtype not in REPORTING_TYPES:
        abort(404)
    year = request.args.get("year", type=int)
    return rtype, year


@bp.route("/enterprises/compare")
def compare():
    rtype, year = _compare_args()
    years, year, rows = _compare(rtype, year)
    chart = (
        charts.bar_chart(
            [
                charts.Bar(r["enterprise"].display_name, r["revenue"])
                for r in rows
                if r["revenue"] is not None
            ],
            title=f"Чистий дохід за {year} рік, тис. грн",
        )
        if rows and year
        else ""
    )
    return render_template(
        "enterprises/compare.html",
        rtype=rtype,
        types=REPORTING_TYPES,
        years=years,
        year=year,
        rows=rows,
        chart=chart,
        specs=[SPEC_BY_KEY[k] for k in COMPARE_INDICATORS],
    )


@bp.route("/enterprises/compare.csv")
def compare_csv():
    rtype, year = _compare_args()
    _, year, rows = _compare(rtype, year)
    return _csv(
        f"enterprises-compare-{rtype}-{year}.csv",
        [
            "edrpou",
            "name",
            "year",
            "revenue_2000",
            "net_result",
            "assets_1300",
            "equity_1495",
            *COMPARE_INDICATORS,
        ],
        [
            [
                r["enterprise"].edrpou,
                r["enterprise"].name,
                year,
                r["revenue"],
                r["net"],
                r["assets"],
                r["equity"],
                *[r[k] for k in COMPARE_INDICATORS],
            ]
            for r in rows
        ],
    )


# ---------------------------------------------------------------- open data


@bp.route("/enterprises/open-data/<name>")
def open_data(name):
    now = utcnow()
    if name == "facts.csv":
        return download(exports.export_csv(), "enterprise-facts.csv", "text/csv; charset=utf-8")
    if name == "facts.xlsx":
        return download(
            exports.export_xlsx(),
            "enterprise-facts.xlsx",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    if name == "enterprises.json":
        return Response(exports.export_json(now), mimetype="application/json")
    if name == "datapackage.zip":
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            for filename, data in exports.datapackage_files(now).items():
                archive.writestr(filename, data)
        return download(buffer.getvalue(), "enterprises-datapackage.zip", "application/zip")
    abort(404)


@bp.route("/api/v1/enterprises")
def api_list():
    items = []
    for enterprise in services.list_enterprises():
        data = services.load_enterprise_data(enterprise)
        items.append(
            {
                "edrpou": enterprise.edrpou,
                "name": enterprise.name,
                "short_name": enterprise.short_name,
                "reporting_type": enterprise.reporting_type,
                "sector": enterprise.sector,
                "website": enterprise.website,
                "is_demo": enterprise.is_demo,
                "years": data.years,
                "url": url_for("enterprises.api_detail", edrpou=enterprise.edrpou, _external=True),
            }
        )
    return jsonify({"enterprises": items, "numbers": "JSON numbers, at most two decimals"})


@bp.route("/api/v1/enterprises/<edrpou>")
def api_detail(edrpou):
    enterprise = _enterprise_or_404(edrpou)
    data = services.load_enterprise_data(enterprise)
    payload = services.enterprise_json(enterprise, data)
    payload["unit"] = "тис. грн"
    payload["is_demo"] = enterprise.is_demo
    payload["sources"] = [
        {
            "upload_id": u.id,
            "year": u.year,
            "form": u.form,
            "file": u.filename,
            "sha256": u.file_hash,
            "unit": u.unit,
            "uploaded_at": u.uploaded_at.isoformat(),
        }
        for u in data.uploads
    ]
    return jsonify(payload)


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
def staff_import_list():
    form = FileForm()
    if not form.validate_on_submit():
        flash("Оберіть файл зі списком підприємств.", "error")
        return redirect(url_for("enterprises.staff_index"))
    upload = form.file.data
    try:
        created, updated, messages = services.import_enterprise_list(
            upload.read(), upload.filename or "file"
        )
    except services.UploadRefused as exc:
        db.session.rollback()
        return render_template(
            "enterprises/report.html",
            accepted=False,
            messages=exc.messages,
            title="Список підприємств не прийнято",
        ), 422
    db.session.commit()
    flash(f"Підприємств додано: {created}, оновлено: {updated}.", "success")
    if messages:
        return render_template(
            "enterprises/report.html",
            accepted=True,
            messages=messages,
            title="Список підприємств прийнято",
        )
    return redirect(url_for("enterprises.staff_index"))


@bp.route("/staff/enterprises/new", methods=["GET", "POST"])
@bp.route("/staff/enterprises/<edrpou>/edit", methods=["GET", "POST"])
@role_required(EDITOR)
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
            db.session.commit()
            for warning in warnings:
                flash(f"Попередження: {warning}.", "warning")
            flash("Дані підприємства збережено.", "success")
            return redirect(url_for("enterprises.staff_index"))
    return render_template("enterprises/staff_edit.html", form=form, enterprise=enterprise)


@bp.route("/staff/enterprises/upload", methods=["GET", "POST"])
@role_required(EDITOR)
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
        try:
            if form.kind.data == "plan":
                outcome = services.import_plan(
                    data,
                    filename,
                    edrpou=form.edrpou.data,
                    year=form.year.data,
                    unit=form.unit.data,
                    actor=_actor(),
                )
            else:
                outcome = services.import_statement(
                    data,
                    filename,
                    edrpou=form.edrpou.data,
                    year=form.year.data,
                    form=form.kind.data,
                    unit=form.unit.data,
                    actor=_actor(),
                )
        except services.UploadRefused as exc:
            db.session.rollback()
            return render_template(
                "enterprises/report.html",
                accepted=False,
                messages=exc.messages,
                title="Файл не прийнято",
                filename=filename,
            ), 422
        db.session.commit()
        return render_template(
            "enterprises/report.html",
            accepted=True,
            messages=outcome.messages,
            title="Файл прийнято",
            filename=filename,
            upload=outcome.upload,
            replaced=outcome.replaced,
        )
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
    return render_template("enterprises/staff_upload_detail.html", upload=upload, forms=cat.FORMS)


@bp.route("/staff/enterprises/uploads/<int:upload_id>/file")
@role_required(EDITOR)
def staff_upload_file(upload_id):
    upload = services.get_upload(upload_id) or abort(404)
    return download(upload.content, upload.filename or "upload", "application/octet-stream")


@bp.route("/staff/enterprises/catalogue", methods=["GET", "POST"])
@role_required(EDITOR)
def staff_catalogue():
    form_key = request.args.get("form", "1")
    if form_key not in cat.FORMS:
        abort(404)
    edition = request.args.get("edition") or cat.DEFAULT_EDITIONS[form_key]
    line_form = CatalogueLineForm(prefix="line")
    file_form = CatalogueFileForm(prefix="file", edition=edition)
    if request.method == "POST":
        action = request.form.get("action")
        if action == "line" and line_form.validate_on_submit():
            services.save_catalogue_line(
                form_key,
                edition,
                cat.Line(
                    line_form.code.data,
                    line_form.title.data.strip(),
                    line_form.description.data or "",
                    line_form.unit.data.strip(),
                    (line_form.key.data or "").strip(),
                    line_form.sign.data,
                ),
                actor=_actor(),
            )
            db.session.commit()
            flash(f"Рядок {line_form.code.data} збережено.", "success")
            return redirect(url_for("enterprises.staff_catalogue", form=form_key, edition=edition))
        if action == "file" and file_form.validate_on_submit():
            upload = file_form.file.data
            try:
                count = services.load_catalogue_file(
                    upload.read(),
                    upload.filename or "file",
                    form_key,
                    file_form.edition.data.strip(),
                    actor=_actor(),
                )
            except TabularError as exc:
                db.session.rollback()
                flash(f"Каталог не завантажено: {exc}", "error")
            else:
                db.session.commit()
                flash(f"Завантажено рядків: {count}.", "success")
                return redirect(
                    url_for(
                        "enterprises.staff_catalogue",
                        form=form_key,
                        edition=file_form.edition.data.strip(),
                    )
                )
        if action == "seed":
            if services.list_catalogue_lines(form_key, edition):
                flash("Цю редакцію вже збережено; базовий каталог не змінює її.", "warning")
            else:
                count = services.store_catalogue(
                    form_key,
                    cat.DEFAULT_EDITIONS[form_key],
                    services.seed_lines(form_key),
                    source="seed",
                    actor=_actor(),
                )
                db.session.commit()
                flash(
                    f"Базовий каталог збережено: {agree(count, ('рядок', 'рядки', 'рядків'))}.",
                    "success",
                )
            return redirect(url_for("enterprises.staff_catalogue", form=form_key))
    stored = services.list_catalogue_lines(form_key, edition)
    edit_code = request.args.get("code")
    if request.method == "GET" and edit_code:
        row = next((r for r in stored if r.code == edit_code), None)
        if row is not None:
            line_form = CatalogueLineForm(prefix="line", obj=row)
    return render_template(
        "enterprises/staff_catalogue.html",
        form_key=form_key,
        edition=edition,
        forms=cat.FORMS,
        editions=services.list_editions(form_key),
        stored=stored,
        lines=stored
        or (
            services.get_catalogue(form_key, edition)
            if edition == cat.DEFAULT_EDITIONS[form_key]
            else []
        ),
        line_form=line_form,
        file_form=file_form,
        sign_labels=cat.SIGN_LABELS,
    )
