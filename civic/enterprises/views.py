"""Public dashboards, open data and the staff pages of the enterprises module."""

from __future__ import annotations

import io
import re
import zipfile

from flask import Blueprint, Response, abort, jsonify, render_template, request, url_for

from civic.database import utcnow
from civic.enterprises import catalogue as cat
from civic.enterprises import dashboard, exports, line_catalogue, plan_fact_tables, services
from civic.enterprises.indicators import SPEC_BY_KEY
from civic.enterprises.statements import REPORTING_TYPES
from civic.formatting import uk_number
from civic.table_exports import write_csv
from civic.web import download

bp = Blueprint("enterprises", __name__)
EDITOR = "editor"


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


def _summary_rows():
    lines = services.statement_lines(dashboard.SUMMARY_FORM1, dashboard.SUMMARY_FORM2)
    return dashboard.summary_rows(services.list_enterprises(), lines)


@bp.route("/enterprises")
def index():
    rows = _summary_rows()
    return render_template(
        "enterprises/index.html",
        rows=rows,
        table=dashboard.SUMMARY_TABLE,
        types=REPORTING_TYPES,
        has_demo=any(r.enterprise.is_demo for r in rows),
    )


@bp.route("/enterprises.csv")
def index_csv():
    table = dashboard.SUMMARY_TABLE
    return _csv("enterprises.csv", table.csv_headers(), table.csv_rows(_summary_rows()))


# ---------------------------------------------------------------- public: one enterprise


def _detail_tables(enterprise):
    data = services.load_enterprise_data(enterprise)
    titles = {c: line.title for c, line in line_catalogue.line_titles("plan").items()}
    return data, dashboard.detail_tables(data, titles)


def _detail_specs(data, tables, plan_years):
    """The page's tables by CSV name: the dashboard's and the plan vs fact by quarter."""
    specs = dashboard.detail_specs(tables, data.uploads)
    specs["plan-fact"] = (plan_fact_tables.PLAN_FACT_TABLE, plan_fact_tables.all_rows(plan_years))
    return specs


def _plan_years(data):
    editions = plan_fact_tables.plan_editions(data.uploads)
    return plan_fact_tables.plan_fact_years(data.plan, editions)


@bp.route("/enterprises/<edrpou>")
def detail(edrpou):
    enterprise = _enterprise_or_404(edrpou)
    data, tables = _detail_tables(enterprise)
    charts = dashboard.detail_charts(tables.years, data.form1, data.form2)
    plan_chart, plan_code = "", None
    if tables.plan_year:
        codes = sorted(data.plan[tables.plan_year])
        plan_code = request.args.get("line") if request.args.get("line") in codes else codes[0]
        plan_chart = dashboard.plan_chart(
            data.plan[tables.plan_year], tables.plan_year, plan_code, tables.titles
        )
    plan_years = _plan_years(data)
    return render_template(
        "enterprises/detail.html",
        enterprise=enterprise,
        data=data,
        years=tables.years,
        specs=_detail_specs(data, tables, plan_years),
        plan_years=plan_years,
        plan_year=tables.plan_year,
        plan_code=plan_code,
        titles=tables.titles,
        charts=charts,
        plan_chart=plan_chart,
        catalogue1=line_catalogue.line_titles("1"),
        catalogue2=line_catalogue.line_titles("2"),
        form_names=cat.FORMS,
        sources={(u.year, u.form): u for u in data.uploads},
    )


@bp.route("/enterprises/<edrpou>/<table>.csv")
def detail_csv(edrpou, table):
    enterprise = _enterprise_or_404(edrpou)
    data, tables = _detail_tables(enterprise)
    specs = _detail_specs(data, tables, _plan_years(data))
    if table not in specs:
        abort(404)
    spec, rows = specs[table]
    return _csv(f"{enterprise.edrpou}-{table}.csv", spec.csv_headers(), spec.csv_rows(rows))


# ---------------------------------------------------------------- public: comparison


def _compare(reporting_type: str, year: int | None):
    enterprises = services.list_enterprises(reporting_type)
    data = services.load_enterprises_data(enterprises, uploads=False)
    return dashboard.compare_rows([(e, data[e.id]) for e in enterprises], year)


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
    return render_template(
        "enterprises/compare.html",
        rtype=rtype,
        types=REPORTING_TYPES,
        years=years,
        year=year,
        rows=rows,
        table=dashboard.COMPARE_TABLE,
        chart=dashboard.compare_chart(rows, year),
        specs=[SPEC_BY_KEY[k] for k in dashboard.COMPARE_INDICATORS],
    )


@bp.route("/enterprises/compare.csv")
def compare_csv():
    rtype, year = _compare_args()
    _, year, rows = _compare(rtype, year)
    table = dashboard.COMPARE_TABLE
    return _csv(
        f"enterprises-compare-{rtype}-{year}.csv", table.csv_headers(), table.csv_rows(rows)
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
    if name == "plan-fact.csv":
        return download(
            exports.export_plan_fact_csv(), "enterprise-plan-fact.csv", "text/csv; charset=utf-8"
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
    enterprises = services.list_enterprises()
    loaded = services.load_enterprises_data(enterprises, uploads=False)
    for enterprise in enterprises:
        data = loaded[enterprise.id]
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


# The staff pages live in staff_views.py, on this blueprint.
from civic.enterprises import staff_views, version_views  # noqa: E402, F401
