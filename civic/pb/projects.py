"""The rows of an edition's projects file, checked (pure): plain rows in, problems out.

:func:`check_projects` takes the rows as read from the CSV/XLSX (line number and cells keyed by
the canonical column names of :data:`PROJECT_COLUMNS`) and the edition's categories, and returns
the projects to write and every problem, each naming the file, the line and the column in
Ukrainian; :func:`civic.pb.imports.import_projects` writes nothing unless there is no problem.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal

from civic.tabular import Column, parse_date, parse_number

MAX_COST = Decimal(10) ** 12  # the NUMERIC(14, 2) columns of costs and budgets

PROJECT_COLUMNS = [
    Column("code", ("Код", "Код проєкту", "project_id")),
    Column("title", ("Назва", "Назва проєкту", "name")),
    Column("category", ("Категорія",)),
    Column("cost", ("Вартість", "Вартість, грн")),
    Column("submitted_on", ("Дата подання",), required=False),
    Column("status", ("Статус",), required=False),
    Column("latitude", ("Широта", "latitude"), required=False),
    Column("longitude", ("Довгота", "longitude"), required=False),
]
PROJECT_HEADERS = {
    "code": "Код",
    "title": "Назва",
    "category": "Категорія",
    "cost": "Вартість",
    "submitted_on": "Дата подання",
    "status": "Статус",
    "latitude": "Широта",
    "longitude": "Довгота",
}
_ADMITTED = {"", "admitted", "допущено", "допущений", "так", "1", "true", "yes"}
_NOT_ADMITTED = {
    "not admitted",
    "not_admitted",
    "не допущено",
    "не допущений",
    "відхилено",
    "ні",
    "0",
    "false",
    "no",
}


def problem(filename: str, line: int | None, column: str | None, message: str) -> str:
    """One problem of an uploaded file as staff read it: file, line, column, what is wrong."""
    where = f"Файл «{filename}»" + (f", рядок {line}" if line else "")
    if column:
        where += f", «{column}»"
    return f"{where}: {message}"


def check_projects(
    rows: Iterable[tuple[int, Mapping[str, object]]],
    categories: Sequence[tuple[str, str]],
    filename: str,
) -> tuple[dict[str, dict], list[str]]:
    """The projects of a file keyed by code (values for the ``Project`` columns) and its problems.

    ``rows`` are ``(line, cells)``; ``categories`` the edition's ``(code, title)`` pairs in order:
    a row may name its category by either, in any case.  A project needs a unique code (up to 40
    characters), a title (up to 400), a known category and a cost in hryvnias above zero with at
    most two decimals; the submission date and the admission status are optional.
    """
    by_code = {code.casefold(): code for code, _title in categories}
    by_title = {title.casefold(): code for code, title in categories}
    problems: list[str] = []
    checked: dict[str, dict] = {}
    for line, row in rows:
        code = str(row.get("code") or "").strip()

        def fail(column: str, message: str, line=line) -> None:
            problems.append(problem(filename, line, PROJECT_HEADERS[column], message))

        if not code:
            fail("code", "код проєкту не вказано")
            continue
        if code in checked:
            fail("code", f"проєкт «{code}» повторюється у файлі")
            continue
        if len(code) > 40:
            fail("code", "код проєкту задовгий (до 40 знаків)")
            continue
        title = str(row.get("title") or "").strip()
        if not title:
            fail("title", "назву не вказано")
        elif len(title) > 400:
            fail("title", f"назва задовга ({len(title)} знаків; до 400)")
        raw_category = str(row.get("category") or "").strip().casefold()
        category = by_code.get(raw_category) or by_title.get(raw_category)
        if category is None:
            known = ", ".join(f"«{code}» ({title})" for code, title in categories)
            fail("category", f"«{row.get('category') or ''}» — невідома категорія; є: {known}")
        try:
            cost = parse_number(row.get("cost"))
            if cost is None or cost <= 0:
                raise ValueError("вартість має бути більшою за нуль")
            if cost >= MAX_COST:
                raise ValueError(f"«{row.get('cost')}» — завелика вартість")
            if cost != cost.quantize(Decimal("0.01")):
                raise ValueError(f"«{row.get('cost')}» — більше двох знаків після коми")
        except ValueError as error:
            fail("cost", str(error))
            cost = None
        submitted = row.get("submitted_on")
        submitted_on = None
        if submitted not in (None, ""):
            try:
                submitted_on = parse_date(submitted)
            except ValueError as error:
                fail("submitted_on", str(error))
        status = str(row.get("status") or "").strip().casefold()
        if status in _ADMITTED:
            admitted = True
        elif status in _NOT_ADMITTED:
            admitted = False
        else:
            fail("status", f"«{row.get('status')}» — очікувалося «допущено» або «не допущено»")
            admitted = True
        latitude, longitude = _coordinates(row, fail)
        checked[code] = {
            "code": code,
            "title": title,
            "category_code": category,
            "cost": cost,
            "submitted_on": submitted_on,
            "is_admitted": admitted,
            "latitude": latitude,
            "longitude": longitude,
        }
    return checked, problems


def _coordinates(row: Mapping[str, object], fail) -> tuple[Decimal | None, Decimal | None]:
    """The optional place of a project: both degrees (WGS 84, decimal, up to six places) or
    neither."""
    values = {}
    for column, limit in (("latitude", 90), ("longitude", 180)):
        raw = row.get(column)
        if raw in (None, ""):
            values[column] = None
            continue
        try:
            value = parse_number(raw)
        except ValueError as error:
            fail(column, str(error))
            values[column] = None
            continue
        if value is None or not -limit <= value <= limit:
            fail(column, f"«{raw}» — градуси від −{limit} до {limit}")
            value = None
        values[column] = None if value is None else value.quantize(Decimal("0.000001"))
    if (values["latitude"] is None) != (values["longitude"] is None):
        if not any(row.get(c) not in (None, "") and values[c] is None for c in values):
            fail("longitude", "вкажіть і широту, і довготу (або жодної)")
        return None, None
    return values["latitude"], values["longitude"]


def pabulib_place(project) -> dict[str, Decimal | None]:
    """The ``latitude`` / ``longitude`` of a pabulib project (its PROJECTS columns), for the
    ``Project`` columns; nothing when either is missing or out of range."""
    found: list[str] = []
    row = {c: project.fields.get(c, "").strip() for c in ("latitude", "longitude")}
    latitude, longitude = _coordinates(row, lambda column, message: found.append(message))
    if found:
        return {"latitude": None, "longitude": None}
    return {"latitude": latitude, "longitude": longitude}
