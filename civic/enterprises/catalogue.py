"""The line catalogue: per form and edition, each line code with its title and explanation.

Codes are data, not constants: a catalogue file (``Код рядка; Назва коду; Опис коду; Одиниці
виміру``, optionally ``Ключовий`` and ``Знак``) is parsed here into :class:`Line` records. The
seed catalogues of НП(С)БО 1 Forms 1 and 2 ship as package data in ``data/`` (read by the
services, parsed by :func:`parse_catalogue`).
"""

from __future__ import annotations

from dataclasses import dataclass

from civic.tabular import Column, TabularError, open_table

FORMS = {
    "1": "Форма 1 «Баланс»",
    "2": "Форма 2 «Звіт про фінансові результати»",
    "plan": "Фінансовий план",
}
DEFAULT_EDITIONS = {"1": "НП(С)БО 1 (2013)", "2": "НП(С)БО 1 (2013)", "plan": "МЕРТ № 205 (2015)"}
SEED_FILES = {"1": "form1.csv", "2": "form2.csv", "plan": "plan.csv"}

# How a line's sign is read: "nonnegative" lines can't be below zero, "expense" lines are
# printed in parentheses on the form and stored as positive amounts, "any" allows both.
SIGNS = {"невід'ємне": "nonnegative", "витрата": "expense", "будь-яке": "any"}
SIGN_LABELS = {v: k for k, v in SIGNS.items()}


@dataclass(frozen=True)
class Line:
    """One catalogue line. ``key`` names a group of which at least one line must be present."""

    code: str
    title: str
    description: str = ""
    unit: str = "тис. грн"
    key: str = ""
    sign: str = "any"


COLUMNS = [
    Column("code", ("Код рядка", "Код")),
    Column("title", ("Назва коду", "Назва рядка", "Найменування")),
    Column("description", ("Опис коду", "Опис"), required=False),
    Column("unit", ("Одиниці виміру", "Одиниця виміру"), required=False),
    Column("key", ("Ключовий",), required=False),
    Column("sign", ("Знак",), required=False),
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


def parse_catalogue(data: bytes, filename: str) -> list[Line]:
    """Parse a catalogue file; raises TabularError (Ukrainian, with the line) on bad rows."""
    table = open_table(data, filename, COLUMNS, header_search_rows=10)
    lines: dict[str, Line] = {}
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
        )
    if not lines:
        raise TabularError("у файлі немає жодного рядка з кодом", file=filename)
    return list(lines.values())


def key_groups(lines: list[Line]) -> dict[str, list[str]]:
    """Key-line groups → their codes (``"2350/2355"`` → ``["2350", "2355"]``)."""
    groups: dict[str, list[str]] = {}
    for line in lines:
        if line.key:
            groups.setdefault(line.key, []).append(line.code)
    return groups
