"""The line catalogue: per form and edition, each line code with its title and explanation.

Codes are data, not constants: a catalogue file (``Код рядка; Назва коду; Опис коду; Одиниці
виміру``, optionally ``Ключовий``, ``Знак``, ``Розділ`` and ``Сума рядків``) is parsed here into
:class:`Line` records. The seed catalogues (НП(С)БО 1 Forms 1 and 2, the financial plan per
edition) ship as package data in ``data/``; which plan edition a year is read against is
:func:`edition_for_year` (the editions and their validity are :data:`EDITIONS`).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from civic.tabular import Column, TabularError, open_table

FORMS = {
    "1": "Форма 1 «Баланс»",
    "2": "Форма 2 «Звіт про фінансові результати»",
    "plan": "Фінансовий план",
}
PLAN_205 = "Мінекономрозвитку № 205 (ред. № 1070)"
PLAN_26119 = "Мінекономіки № 26119 (2024)"
DEFAULT_EDITIONS = {"1": "НП(С)БО 1 (2013)", "2": "НП(С)БО 1 (2013)", "plan": PLAN_205}
SEED_FILES = {"1": "form1.csv", "2": "form2.csv", "plan": "plan_205-1070.csv"}


@dataclass(frozen=True)
class Edition:
    """One edition of a form: in force from ``valid_from`` to ``valid_to`` (inclusive; None —
    still in force), its legal basis, the shipped seed catalogue (None — not shipped) and the
    source that confirmed the dates."""

    form: str
    name: str
    valid_from: dt.date
    valid_to: dt.date | None
    basis: str
    seed: str | None
    source: str


# The financial plan's editions (docs/enterprises.md lists what each source confirmed). A plan
# is read against the edition in force on 1 January of its year: plans are drawn up for the
# coming year, so a form amended in the autumn applies from the next plan year.
EDITIONS = (
    Edition(
        "plan",
        PLAN_205,
        dt.date(2018, 9, 14),
        dt.date(2024, 11, 17),
        "наказ Мінекономрозвитку від 02.03.2015 № 205 (зареєстровано в Мін'юсті 19.03.2015 за "
        "№ 300/26745) у редакції наказу від 31.07.2018 № 1070 (зареєстровано 28.08.2018 за "
        "№ 971/32423), зі змінами",
        "plan_205-1070.csv",
        "http://search.ligazakon.ua/l_doc2.nsf/link1/RE32423.html",
    ),
    Edition(
        "plan",
        PLAN_26119,
        dt.date(2024, 11, 18),
        None,
        "наказ Мінекономіки від 18.11.2024 № 26119 «Про затвердження типової форми подання "
        "даних щодо фінансового плану суб'єкта господарювання державного сектору економіки та "
        "Методичних рекомендацій щодо розроблення фінансового плану суб'єкта господарювання "
        "державного сектору економіки»",
        None,
        "https://doc.korosten-rada.gov.ua/pro-zatverdzhennya-poryadku-skladannya-zatverdzhennya"
        "-ta-kontrolyu-vykonannya-finansovyh-planiv-komunalnyh-pidpryyemstv-korostenskoyi-miskoyi-rady",
    ),
)


def editions_of(form: str) -> list[Edition]:
    """A form's editions, oldest first."""
    return sorted((e for e in EDITIONS if e.form == form), key=lambda e: e.valid_from)


def edition_for_year(form: str, year: int) -> str:
    """The edition a form for ``year`` is read against: the one in force on 1 January of that
    year; before the first listed edition, the first; a form without listed editions keeps its
    default (Forms 1 and 2: НП(С)БО 1 in the 2013 wording)."""
    editions = editions_of(form)
    if not editions:
        return DEFAULT_EDITIONS[form]
    day = dt.date(year, 1, 1)
    for edition in reversed(editions):
        if edition.valid_from <= day and (edition.valid_to is None or day <= edition.valid_to):
            return edition.name
    return editions[0].name if day < editions[0].valid_from else editions[-1].name


def seed_file(form: str, edition: str | None = None) -> str | None:
    """The shipped catalogue file of a form edition (None where none is shipped)."""
    if edition in (None, DEFAULT_EDITIONS[form]):
        return SEED_FILES[form]
    return next((e.seed for e in editions_of(form) if e.name == edition), None)


# The sections of the financial plan form, in the form's order.
SECTIONS = {
    "I": "Фінансові результати",
    "II": "Розрахунки з бюджетом",
    "III": "Рух грошових коштів",
    "IV": "Капітальні інвестиції",
    "V": "Коефіцієнтний аналіз",
    "VI": "Фінансовий стан",
    "VII": "Додаткова інформація",
}
SECTION_ORDER = {name: i for i, name in enumerate(SECTIONS)}

# How a line's sign is read: "nonnegative" lines can't be below zero, "expense" lines are
# printed in parentheses on the form and stored as positive amounts, "any" allows both.
SIGNS = {"невід'ємне": "nonnegative", "витрата": "expense", "будь-яке": "any"}
SIGN_LABELS = {v: k for k, v in SIGNS.items()}


# The unit the statements are kept in (a file in грн or млн грн is converted on upload).
DEFAULT_UNIT = "тис. грн"


@dataclass(frozen=True)
class Line:
    """One catalogue line. ``key`` names a group of which at least one line must be present."""

    code: str
    title: str
    description: str = ""
    unit: str = DEFAULT_UNIT
    key: str = ""
    sign: str = "any"
    section: str = ""  # I … VII of the plan form; "" on Forms 1 and 2
    # The signed lines this one is the sum of: ("+1000", "-1010") for 1020 = 1000 − 1010.
    sums: tuple[str, ...] = ()


COLUMNS = [
    Column("code", ("Код рядка", "Код")),
    Column("title", ("Назва коду", "Назва рядка", "Найменування")),
    Column("description", ("Опис коду", "Опис"), required=False),
    Column("unit", ("Одиниці виміру", "Одиниця виміру"), required=False),
    Column("key", ("Ключовий",), required=False),
    Column("sign", ("Знак",), required=False),
    Column("section", ("Розділ",), required=False),
    Column("sums", ("Сума рядків",), required=False),
]


def normalise_code(value: object) -> str:
    """A line-code cell → text: ``1300``, ``1300.0`` and ``'1300 '`` are all ``"1300"``."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip().replace("\u00a0", "")


MAX_CODE = 10  # the lengths of the catalogue's and the facts' columns
LIMITS = (("title", "Назва коду", 400), ("unit", "Одиниці виміру", 30), ("key", "Ключовий", 30))


# A Roman section number as people type it: Cyrillic «І» for the Latin «I» included.
_SECTION_LETTERS = str.maketrans({"І": "I", "і": "I", "Х": "X", "х": "X", "v": "V"})
_TERM = re.compile(r"([+\-−–]?)\s*(\d+)")


def parse_section(text: str, *, file: str, line: int) -> str:
    """``І`` (Cyrillic), ``i`` or ``I`` → ``I``; a section the plan form lacks → TabularError."""
    section = text.strip().translate(_SECTION_LETTERS).upper().removesuffix(".")
    if section and section not in SECTIONS:
        raise TabularError(
            f"«{text.strip()}» — невідомий розділ (очікувалося {', '.join(SECTIONS)})",
            file=file,
            line=line,
            column="Розділ",
        )
    return section


def parse_sums(text: str, *, file: str, line: int) -> tuple[str, ...]:
    """``+1000 -1010`` (also ``1000 − 1010``, ``1000+1010``) → ``("+1000", "-1010")``."""
    text = text.strip()
    terms, rest = [], text
    while rest.strip():
        match = _TERM.match(rest.strip())
        if match is None:
            raise TabularError(
                f"«{text}» — не сума рядків (очікувалося, наприклад, «+1000 -1010»)",
                file=file,
                line=line,
                column="Сума рядків",
            )
        sign = "-" if match.group(1) in ("-", "−", "–") else "+"
        terms.append(sign + match.group(2))
        rest = rest.strip()[match.end() :]
    return tuple(terms)


def _check_sums(lines: dict[str, Line], rows: dict[str, int], filename: str) -> None:
    """Every summed code exists and no line is (through others) a sum of itself."""
    for line in lines.values():
        for term in line.sums:
            if term[1:] not in lines:
                raise TabularError(
                    f"рядок {line.code} сумує невідомий код {term[1:]}",
                    file=filename,
                    line=rows[line.code],
                    column="Сума рядків",
                )
    state: dict[str, int] = {}  # 1 — being visited, 2 — done

    def visit(code: str, path: list[str]) -> None:
        if state.get(code) == 2:
            return
        if state.get(code) == 1:
            cycle = path[path.index(code) :] + [code]
            raise TabularError(
                f"рядки сумують самі себе: {' → '.join(cycle)}",
                file=filename,
                line=rows[code],
                column="Сума рядків",
            )
        state[code] = 1
        for term in lines[code].sums:
            visit(term[1:], [*path, code])
        state[code] = 2

    for code in lines:
        visit(code, [])


def parse_catalogue(data: bytes, filename: str) -> list[Line]:
    """Parse a catalogue file; raises TabularError (Ukrainian, with the line) on bad rows."""
    table = open_table(data, filename, COLUMNS, header_search_rows=10)
    lines: dict[str, Line] = {}
    rows: dict[str, int] = {}
    for row in table:
        code = normalise_code(row.get("code"))
        if not code:
            continue
        if not (code.isascii() and code.isdigit()):
            raise TabularError(
                f"«{code}» — не код рядка (очікувалися цифри)",
                file=filename,
                line=row.line,
                column="Код рядка",
            )
        if len(code) > MAX_CODE:
            raise TabularError(
                f"«{code}» — задовгий код рядка (до {MAX_CODE} цифр)",
                file=filename,
                line=row.line,
                column="Код рядка",
            )
        if code in lines:
            raise TabularError(f"код {code} повторюється", file=filename, line=row.line)
        for name, column, limit in LIMITS:
            text = str(row.get(name) or "").strip()
            if len(text) > limit:
                raise TabularError(
                    f"задовгий текст ({len(text)} знаків; до {limit})",
                    file=filename,
                    line=row.line,
                    column=column,
                )
        title = str(row.get("title") or "").strip()
        if not title:
            raise TabularError(
                f"рядок {code} без назви", file=filename, line=row.line, column="Назва коду"
            )
        sign_text = str(row.get("sign") or "").strip().lower()
        if sign_text and sign_text not in SIGNS:
            raise TabularError(
                f"«{sign_text}» — невідомий знак (очікувалося: {', '.join(SIGNS)})",
                file=filename,
                line=row.line,
                column="Знак",
            )
        lines[code] = Line(
            code=code,
            title=title,
            description=str(row.get("description") or "").strip(),
            unit=str(row.get("unit") or "").strip() or "тис. грн",
            key=str(row.get("key") or "").strip(),
            sign=SIGNS.get(sign_text, "any"),
            section=parse_section(str(row.get("section") or ""), file=filename, line=row.line),
            sums=parse_sums(str(row.get("sums") or ""), file=filename, line=row.line),
        )
        rows[code] = row.line
    if not lines:
        raise TabularError("у файлі немає жодного рядка з кодом", file=filename)
    _check_sums(lines, rows, filename)
    return list(lines.values())


def key_groups(lines: list[Line]) -> dict[str, list[str]]:
    """Key-line groups → their codes (``"2350/2355"`` → ``["2350", "2355"]``)."""
    groups: dict[str, list[str]] = {}
    for line in lines:
        if line.key:
            groups.setdefault(line.key, []).append(line.code)
    return groups
