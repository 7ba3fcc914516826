"""Open-data exports: CSV, XLSX, JSON, a Frictionless data package and the openbudget.in.ua shape."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import zipfile
from decimal import Decimal

from civic.enterprises import line_catalogue, plan_fact_tables, services
from civic.enterprises.catalogue import FORMS
from civic.enterprises.plans import MEASURE_LABELS, PERIOD_LABELS, split_kind
from civic.enterprises.statements import KIND_LABELS
from civic.table_exports import neutralise, write_csv, write_xlsx


def _schema_table(text: str) -> list[tuple[str, str, str]]:
    """An open-data set's fields, one a line: name, Frictionless type, description."""
    return [tuple(line.split(maxsplit=2)) for line in text.strip().splitlines()]


# The data sets' fields (the data package's schemas and the files' headers).
FACT_FIELDS = _schema_table(
    """
edrpou         string    Код ЄДРПОУ підприємства (8 цифр, текст)
enterprise     string    Назва підприємства
year           integer   Звітний рік
form           string    Форма: 1 — баланс, 2 — звіт про фінансові результати, plan — фінансовий план
code           string    Код рядка
line_title     string    Назва рядка за каталогом
kind           string    Стовпець: end/start (форма 1), current/previous (форма 2), measure_period (план)
kind_title     string    Назва стовпця українською
value          number    Значення (десятковий роздільник — крапка)
unit           string    Одиниця виміру
upload_id      integer   Номер завантаження — джерело значення
source_file    string    Ім'я завантаженого файлу
source_sha256  string    SHA-256 завантаженого файлу
updated_at     datetime  Коли завантажено (UTC, ISO 8601)
"""
)
ENTERPRISE_FIELDS = _schema_table(
    """
edrpou          string   Код ЄДРПОУ (8 цифр, текст)
name            string   Повна назва
short_name      string   Коротка назва
legal_form      string   Організаційно-правова форма
sector          string   Галузь
reporting_type  string   Тип звітності: З — повна, М — мале, МС — мікро
website         string   Вебсайт
is_demo         boolean  Демонстраційні (вигадані) дані
"""
)
INDICATOR_FIELDS = _schema_table(
    """
edrpou      string   Код ЄДРПОУ
enterprise  string   Назва підприємства
year        integer  Рік
indicator   string   Ключ показника
title       string   Назва показника
value       number   Значення (округлене до 0,01)
unit        string   Одиниця: порожньо — коефіцієнт, % або тис. грн
formula     string   Формула за кодами рядків
"""
)


# The plan-vs-fact file: the page table's CSV columns (plan_fact_tables) after the enterprise.
PLAN_FACT_DESCRIPTIONS = {
    "edrpou": "Код ЄДРПОУ",
    "enterprise": "Назва підприємства",
    "year": "Рік фінансового плану",
    "indicator": "Ключ показника: revenue, costs, net, budget, capex, staff, salary",
    "title": "Назва показника",
    "unit": "Одиниця: тис. грн; осіб і грн — рівень кварталу, без підсумків",
    "code": "Код рядка фінансового плану за редакцією форми",
    "quarter": "Квартал (1–4)",
    "plan": "План кварталу",
    "fact": "Факт кварталу",
    "marker": "▲ факт більший за план, ▼ менший, ■ дорівнює; порожньо — бракує даних",
    "deviation": "Відхилення: факт − план",
    "percent": "% виконання: факт / план × 100, до 0,1; порожньо, якщо план 0",
    "plan_to_date": "План з початку року (лише гроші)",
    "fact_to_date": "Факт з початку року (лише гроші)",
    "deviation_to_date": "Відхилення з початку року",
    "percent_to_date": "% виконання з початку року",
}
_PLAN_FACT_INTEGERS = {"year", "quarter"}
_PLAN_FACT_NUMBERS = {"plan", "fact", "deviation", "percent"}
PLAN_FACT_FIELDS = [
    (
        name,
        "integer"
        if name in _PLAN_FACT_INTEGERS
        else "number"
        if name.removesuffix("_to_date") in _PLAN_FACT_NUMBERS
        else "string",
        description,
    )
    for name, description in PLAN_FACT_DESCRIPTIONS.items()
]
# The openbudget-shaped file's Ukrainian headers for the same columns (year and marker aside):
# four that describe the line, then the money columns, each again from the start of the year.
_OPENBUDGET_MONEY = {
    "plan": "План",
    "fact": "Факт",
    "deviation": "Відхилення",
    "percent": "% виконання",
}
OPENBUDGET_PLAN_FACT = dict(
    title="Показник",
    code="Код рядка",
    unit="Одиниця виміру",
    quarter="Квартал",
    **_OPENBUDGET_MONEY,
    **{f"{name}_to_date": f"{header} з початку року" for name, header in _OPENBUDGET_MONEY.items()},
)


def kind_title(form: str, kind: str) -> str:
    if form == "plan":
        measure, period = split_kind(kind)
        return f"{MEASURE_LABELS.get(measure, measure)}, {PERIOD_LABELS.get(period, period)}"
    return KIND_LABELS.get(kind, kind)


def fact_rows() -> list[list]:
    titles = {form: line_catalogue.line_titles(form) for form in FORMS}
    rows = []
    for fact, enterprise, upload in services.all_fact_rows():
        line = titles[fact.form].get(fact.code)
        rows.append(
            [
                enterprise.edrpou,
                enterprise.name,
                fact.year,
                fact.form,
                fact.code,
                fact.title or (line.title if line else ""),
                fact.kind,
                kind_title(fact.form, fact.kind),
                fact.value,
                fact.unit,
                upload.id,
                upload.filename,
                upload.file_hash,
                upload.uploaded_at.isoformat(),
            ]
        )
    return rows


def enterprise_rows() -> list[list]:
    return [
        [
            e.edrpou,
            e.name,
            e.short_name,
            e.legal_form,
            e.sector,
            e.reporting_type,
            e.website,
            e.is_demo,
        ]
        for e in services.list_enterprises()
    ]


def indicator_rows() -> list[list]:
    rows = []
    for enterprise in services.list_enterprises():
        data = services.load_enterprise_data(enterprise)
        for year, items in data.indicators().items():
            for i in items:
                if i.value is not None:
                    rows.append(
                        [
                            enterprise.edrpou,
                            enterprise.name,
                            year,
                            i.key,
                            i.title,
                            i.value,
                            i.unit,
                            i.formula,
                        ]
                    )
    return rows


def _plan_fact_years(data):
    editions = plan_fact_tables.plan_editions(data.uploads)
    return plan_fact_tables.plan_fact_years(data.plan, editions, with_charts=False)


def plan_fact_rows() -> list[list]:
    """Plan vs fact by quarter of every enterprise: the page's table, with the enterprise."""
    table = plan_fact_tables.PLAN_FACT_TABLE
    rows = []
    for enterprise in services.list_enterprises():
        data = services.load_enterprise_data(enterprise)
        for row in plan_fact_tables.all_rows(_plan_fact_years(data)):
            rows.append([enterprise.edrpou, enterprise.name, *table.csv_row(row)])
    return rows


def _names(fields) -> list[str]:
    return [f[0] for f in fields]


def export_csv() -> bytes:
    return write_csv(_names(FACT_FIELDS), fact_rows())


def export_plan_fact_csv() -> bytes:
    return write_csv(_names(PLAN_FACT_FIELDS), plan_fact_rows())


def export_xlsx() -> bytes:
    return write_xlsx(_names(FACT_FIELDS), fact_rows(), sheet_title="Показники звітності")


def export_json(now: dt.datetime) -> bytes:
    items = []
    for enterprise in services.list_enterprises():
        item = services.enterprise_json(enterprise)
        item.update(
            short_name=enterprise.short_name,
            reporting_type=enterprise.reporting_type,
            sector=enterprise.sector,
            website=enterprise.website,
            is_demo=enterprise.is_demo,
        )
        items.append(item)
    payload = {
        "generated_at": now.isoformat(),
        "unit": "тис. грн, якщо не вказано інше",
        "numbers": "JSON numbers with at most two decimals; parse as decimals for exact sums",
        "enterprises": items,
    }
    return json.dumps(payload, ensure_ascii=False, indent=2).encode("utf-8")


def _schema(fields, primary_key=None) -> dict:
    schema: dict = {"fields": [{"name": n, "type": t, "description": d} for n, t, d in fields]}
    if primary_key:
        schema["primaryKey"] = primary_key
    return schema


def datapackage_files(now: dt.datetime) -> dict[str, bytes]:
    """File name → bytes of a Frictionless Data Package (CSV without BOM + datapackage.json)."""
    files = {
        "enterprises.csv": write_csv(_names(ENTERPRISE_FIELDS), enterprise_rows(), bom=False),
        "facts.csv": write_csv(_names(FACT_FIELDS), fact_rows(), bom=False),
        "indicators.csv": write_csv(_names(INDICATOR_FIELDS), indicator_rows(), bom=False),
        "plan_fact.csv": write_csv(_names(PLAN_FACT_FIELDS), plan_fact_rows(), bom=False),
    }
    resource = {
        "format": "csv",
        "mediatype": "text/csv",
        "encoding": "utf-8",
        "dialect": {"delimiter": ",", "header": True},
    }
    package = {
        "profile": "tabular-data-package",
        "name": "communal-enterprises-finance",
        "title": "Фінансова звітність і фінансові плани комунальних підприємств",
        "created": now.isoformat(),
        "licenses": [
            {
                "name": "CC-BY-4.0",
                "title": "Creative Commons Attribution 4.0",
                "path": "https://creativecommons.org/licenses/by/4.0/",
            }
        ],
        "resources": [
            {
                "name": "enterprises",
                "path": "enterprises.csv",
                "title": "Підприємства",
                **resource,
                "schema": _schema(ENTERPRISE_FIELDS, ["edrpou"]),
            },
            {
                "name": "facts",
                "path": "facts.csv",
                "title": "Значення рядків звітності й планів",
                **resource,
                "schema": {
                    **_schema(FACT_FIELDS, ["edrpou", "year", "form", "code", "kind"]),
                    "foreignKeys": [
                        {
                            "fields": "edrpou",
                            "reference": {"resource": "enterprises", "fields": "edrpou"},
                        }
                    ],
                },
            },
            {
                "name": "indicators",
                "path": "indicators.csv",
                "title": "Фінансові показники",
                **resource,
                "schema": _schema(INDICATOR_FIELDS, ["edrpou", "year", "indicator"]),
            },
            {
                "name": "plan_fact",
                "path": "plan_fact.csv",
                "title": "План і факт фінансових планів за кварталами",
                **resource,
                "schema": _schema(PLAN_FACT_FIELDS, ["edrpou", "year", "indicator", "quarter"]),
            },
        ],
    }
    files["datapackage.json"] = json.dumps(package, ensure_ascii=False, indent=2).encode("utf-8")
    return files


def _semicolon_csv(headers, rows) -> bytes:
    out = io.StringIO(newline="")
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(headers)
    for row in rows:
        writer.writerow([_uk_text(v) for v in row])
    return b"\xef\xbb\xbf" + out.getvalue().encode("utf-8")


def _uk_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return format(value, "f").replace(".", ",")
    return str(neutralise(str(value)))


def openbudget_zip() -> bytes:
    """A ZIP of CSV files in the openbudget.in.ua upload shape (``;``, comma decimals, UTF-8)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:

        def add(name: str, data: bytes) -> None:
            info = zipfile.ZipInfo(name, date_time=(2020, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, data)

        enterprises = services.list_enterprises()
        add(
            "enterprises.csv",
            _semicolon_csv(
                ["Код ЄДРПОУ", "Назва підприємства", "Тип звітності"],
                [[e.edrpou, e.name, e.reporting_type] for e in enterprises],
            ),
        )
        for enterprise in enterprises:
            data = services.load_enterprise_data(enterprise)
            for year in sorted(data.form1):
                codes = sorted(set(data.form1[year]) | set(data.form1_start.get(year, {})))
                add(
                    f"{enterprise.edrpou}_{year}_form1.csv",
                    _semicolon_csv(
                        ["Код рядка", "На початок звітного року", "На кінець звітного періоду"],
                        [
                            [c, data.form1_start.get(year, {}).get(c), data.form1[year].get(c)]
                            for c in codes
                        ],
                    ),
                )
            for year in sorted(data.form2):
                codes = sorted(set(data.form2[year]) | set(data.form2_previous.get(year, {})))
                add(
                    f"{enterprise.edrpou}_{year}_form2.csv",
                    _semicolon_csv(
                        [
                            "Код рядка",
                            "За звітний період",
                            "За аналогічний період попереднього року",
                        ],
                        [
                            [c, data.form2[year].get(c), data.form2_previous.get(year, {}).get(c)]
                            for c in codes
                        ],
                    ),
                )
            for entry in _plan_fact_years(data):
                add(f"{enterprise.edrpou}_{entry.year}_plan_fact.csv", _openbudget_plan_fact(entry))
    return buffer.getvalue()


def _openbudget_plan_fact(entry) -> bytes:
    """One plan year's plan vs fact in the openbudget shape: the page table's CSV columns under
    Ukrainian headers."""
    table = plan_fact_tables.PLAN_FACT_TABLE
    headers = table.csv_headers()
    rows = [dict(zip(headers, table.csv_row(r), strict=True)) for r in entry.rows]
    return _semicolon_csv(
        list(OPENBUDGET_PLAN_FACT.values()),
        [[row[name] for name in OPENBUDGET_PLAN_FACT] for row in rows],
    )
