"""Validating and normalising uploaded financial statements (НП(С)БО 1 Forms 1 and 2).

An upload becomes rows of one long fact table: (line code, column kind, value). Form 1 has
the kinds ``end`` («На кінець звітного періоду») and ``start`` («На початок звітного року»);
Form 2 has ``current`` («За звітний період») and ``previous`` («За аналогічний період
попереднього року»). Every problem is a :class:`Message` in Ukrainian with its line; errors
stop the upload, warnings don't.

Expense lines (a parenthesised amount on the printed form: собівартість, збиток …) are stored
as positive amounts, so ``(4 567)`` and ``4 567`` on line 2050 mean the same.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from civic.enterprises.catalogue import MAX_CODE, Line, key_groups, normalise_code
from civic.enterprises.edrpou import is_valid_edrpou, normalise_edrpou
from civic.tabular import Column, TabularError, open_table, parse_number
from civic.urls import url_problem

ERROR, WARNING = "error", "warning"
REPORTING_TYPES = {"З": "повна звітність", "М": "мале підприємство", "МС": "мікропідприємство"}
HEADER_SEARCH_ROWS = 20
CENT = Decimal("0.01")

STATEMENT_COLUMNS: dict[str, list[Column]] = {
    "1": [
        Column("code", ("Код рядка",)),
        Column("end", ("На кінець звітного періоду", "На кінець звітного року")),
        Column(
            "start", ("На початок звітного року", "На початок звітного періоду"), required=False
        ),
    ],
    "2": [
        Column("code", ("Код рядка",)),
        Column("current", ("За звітний період",)),
        Column(
            "previous",
            ("За аналогічний період попереднього року", "За попередній період"),
            required=False,
        ),
    ],
}
KIND_LABELS = {
    "end": "На кінець звітного періоду",
    "start": "На початок звітного року",
    "current": "За звітний період",
    "previous": "За аналогічний період попереднього року",
}
MAIN_KIND = {"1": "end", "2": "current"}


@dataclass(frozen=True)
class Message:
    level: str  # ERROR or WARNING
    text: str
    line: int | None = None

    def as_text(self) -> str:
        return f"Рядок {self.line}: {self.text}" if self.line else self.text


@dataclass(frozen=True)
class Fact:
    code: str
    kind: str
    value: Decimal
    line: int
    title: str = ""


@dataclass
class ParseResult:
    facts: list[Fact] = field(default_factory=list)
    messages: list[Message] = field(default_factory=list)

    @property
    def errors(self) -> list[Message]:
        return [m for m in self.messages if m.level == ERROR]

    @property
    def warnings(self) -> list[Message]:
        return [m for m in self.messages if m.level == WARNING]

    @property
    def ok(self) -> bool:
        return not self.errors

    def amount(self, cell: object, column: str, line: int) -> Decimal | None:
        """The number in ``cell``; None when it is empty, or unreadable (an error is noted)."""
        try:
            return parse_number(cell)
        except ValueError as exc:
            self.messages.append(Message(ERROR, f"стовпець «{column}»: {exc}", line))
            return None


def is_numbering_row(cells: Iterable[object]) -> bool:
    """A row of column numbers («1 2 3 4») printed under the header of official forms."""
    numbers = []
    for cell in cells:
        text = normalise_code(cell)
        if not text:
            continue
        if not (text.isascii() and text.isdigit()):  # «²» is a digit to str.isdigit
            return False
        numbers.append(int(text))
    return len(numbers) >= 2 and numbers == list(range(numbers[0], numbers[0] + len(numbers)))


def round_amount(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def parse_statement(
    data: bytes, filename: str, form: str, catalogue: Iterable[Line]
) -> ParseResult:
    """Read a Form 1 or Form 2 file and validate it against the catalogue of that form."""
    if form not in STATEMENT_COLUMNS:
        raise ValueError(f"unknown statement form {form!r}")
    lines = {line.code: line for line in catalogue}
    result = ParseResult()
    try:
        table = open_table(
            data, filename, STATEMENT_COLUMNS[form], header_search_rows=HEADER_SEARCH_ROWS
        )
        seen: dict[tuple[str, str], int] = {}
        for row in table:
            code = normalise_code(row.get("code"))
            if not code or is_numbering_row(row.cells.values()):
                continue  # section headings, notes and the column-number row have no code
            if not (code.isascii() and code.isdigit()):
                result.messages.append(
                    Message(
                        ERROR,
                        f"«{code}» у стовпці «Код рядка» — не код (очікувалися цифри)",
                        row.line,
                    )
                )
                continue
            if len(code) > MAX_CODE:
                result.messages.append(
                    Message(ERROR, f"«{code}» — задовгий код рядка (до {MAX_CODE} цифр)", row.line)
                )
                continue
            if code not in lines:
                result.messages.append(
                    Message(
                        WARNING,
                        f"код рядка {code} невідомий для цієї форми; значення збережено",
                        row.line,
                    )
                )
            for kind in [c.name for c in STATEMENT_COLUMNS[form][1:] if c.name in table.columns]:
                value = result.amount(row.get(kind), KIND_LABELS[kind], row.line)
                if value is None:
                    continue
                if (code, kind) in seen:
                    result.messages.append(
                        Message(
                            ERROR, f"код рядка {code} уже був у рядку {seen[code, kind]}", row.line
                        )
                    )
                    continue
                seen[code, kind] = row.line
                line = lines.get(code)
                if line is not None and line.sign == "expense" and value < 0:
                    value = -value  # parentheses on the form mean a deduction
                elif line is not None and line.sign == "nonnegative" and value < 0:
                    result.messages.append(
                        Message(
                            ERROR,
                            f"рядок {code} «{line.title}» не може бути від'ємним, а вказано {value}",
                            row.line,
                        )
                    )
                    continue
                if value != round_amount(value):
                    result.messages.append(
                        Message(
                            WARNING,
                            f"рядок {code}: {value} округлено до {round_amount(value)}",
                            row.line,
                        )
                    )
                    value = round_amount(value)
                result.facts.append(Fact(code, kind, value, row.line))
    except TabularError as exc:
        result.messages.append(Message(ERROR, exc.message, exc.line))
        return result
    result.messages.extend(check_statement(form, result.facts, list(lines.values())))
    return result


def _values(facts: Iterable[Fact], kind: str) -> dict[str, tuple[Decimal, int]]:
    return {f.code: (f.value, f.line) for f in facts if f.kind == kind}


def check_statement(form: str, facts: list[Fact], catalogue: list[Line]) -> list[Message]:
    """Cross-line checks: the balance, the totals, key lines, profit and loss together."""
    messages: list[Message] = []
    if not facts:
        return [Message(ERROR, "у файлі немає жодного значення з кодом рядка")]
    main = _values(facts, MAIN_KIND[form])
    for codes in key_groups(catalogue).values():
        if not any(c in main for c in codes):
            names = " або ".join(codes)
            messages.append(
                Message(
                    WARNING,
                    f"немає ключового рядка {names} (стовпець «{KIND_LABELS[MAIN_KIND[form]]}»)",
                )
            )
    kinds = ("end", "start") if form == "1" else ("current", "previous")
    for kind in kinds:
        values = _values(facts, kind)
        label = KIND_LABELS[kind]
        if form == "1":
            if "1300" in values and "1900" in values and values["1300"][0] != values["1900"][0]:
                messages.append(
                    Message(
                        ERROR,
                        f"баланс не сходиться («{label}»): рядок 1300 = {values['1300'][0]}, "
                        f"а рядок 1900 = {values['1900'][0]}",
                        values["1900"][1],
                    )
                )
            messages.extend(_sum_check(values, "1300", ("1095", "1195"), ("1200",), label))
            messages.extend(
                _sum_check(values, "1900", ("1495", "1695"), ("1595", "1700", "1800"), label)
            )
        else:
            for profit, loss in (("2190", "2195"), ("2290", "2295"), ("2350", "2355")):
                if values.get(profit, (0,))[0] and values.get(loss, (0,))[0]:
                    messages.append(
                        Message(
                            ERROR,
                            f"у рядках {profit} (прибуток) і {loss} (збиток) обидва значення не нульові "
                            f"(«{label}»); має бути заповнений лише один",
                            values[loss][1],
                        )
                    )
    return messages


def _sum_check(values, total: str, parts: tuple[str, ...], optional: tuple[str, ...], label: str):
    if total not in values or not all(p in values for p in parts):
        return []
    computed = sum((values[p][0] for p in parts + optional if p in values), Decimal(0))
    if computed != values[total][0]:
        listed = " + ".join(p for p in parts + optional if p in values)
        return [
            Message(
                WARNING,
                f"рядок {total} = {values[total][0]}, а сума рядків {listed} = {computed} («{label}»)",
                values[total][1],
            )
        ]
    return []


# ---------------------------------------------------------------- the enterprise list


@dataclass(frozen=True)
class EnterpriseEntry:
    edrpou: str
    name: str
    reporting_type: str
    short_name: str = ""
    legal_form: str = ""
    sector: str = ""
    website: str = ""
    line: int = 0


LIST_COLUMNS = [
    Column("edrpou", ("Код ЄДРПОУ", "ЄДРПОУ")),
    Column("name", ("Назва підприємства", "Повна назва")),
    Column("reporting_type", ("Тип звітності",)),
    Column("short_name", ("Коротка назва",), required=False),
    Column("legal_form", ("Організаційно-правова форма",), required=False),
    Column("sector", ("Галузь", "Сфера діяльності"), required=False),
    Column("website", ("Вебсайт", "Веб-сайт", "Сайт"), required=False),
]


def normalise_reporting_type(value: object) -> str | None:
    """``З``/``М``/``МС`` (Cyrillic; Latin look-alikes and lower case accepted) or None."""
    text = str(value or "").strip().upper().translate(str.maketrans("MC3", "МСЗ"))
    return text if text in REPORTING_TYPES else None


def check_edrpou(value: object) -> tuple[str | None, list[str], list[str]]:
    """(code, errors, warnings) for one ЄДРПОУ cell; a checksum mismatch only warns."""
    code, error = normalise_edrpou(value)
    if error:
        return None, [error], []
    warnings = []
    digits = str(value).strip().replace(" ", "").replace("\u00a0", "").split(".")[0]
    if len(digits) < 8:
        warnings.append(f"код ЄДРПОУ доповнено нулями зліва до {code}")
    if not is_valid_edrpou(code):
        warnings.append(f"код ЄДРПОУ {code} не проходить перевірку контрольного розряду")
    return code, [], warnings


# The registry's column lengths.
LIST_LIMITS = (
    ("name", "Назва підприємства", 400),
    ("short_name", "Коротка назва", 200),
    ("legal_form", "Організаційно-правова форма", 200),
    ("sector", "Галузь", 200),
    ("website", "Вебсайт", 300),
)


def parse_enterprise_list(
    data: bytes, filename: str
) -> tuple[list[EnterpriseEntry], list[Message]]:
    """The openbudget.in.ua enterprise list: ``Код ЄДРПОУ; Назва підприємства; Тип звітності``."""
    entries: list[EnterpriseEntry] = []
    messages: list[Message] = []
    try:
        table = open_table(data, filename, LIST_COLUMNS, header_search_rows=HEADER_SEARCH_ROWS)
        seen: dict[str, int] = {}
        for row in table:
            code, errors, warnings = check_edrpou(row.get("edrpou"))
            messages += [Message(ERROR, e, row.line) for e in errors]
            messages += [Message(WARNING, w, row.line) for w in warnings]
            name = str(row.get("name") or "").strip()
            if not name:
                messages.append(Message(ERROR, "не вказано назву підприємства", row.line))
            rtype = normalise_reporting_type(row.get("reporting_type"))
            if rtype is None:
                messages.append(
                    Message(
                        ERROR,
                        f"тип звітності «{row.get('reporting_type') or ''}» невідомий "
                        "(очікувалося З, М або МС)",
                        row.line,
                    )
                )
            if code and code in seen:
                messages.append(
                    Message(ERROR, f"код ЄДРПОУ {code} уже був у рядку {seen[code]}", row.line)
                )
                continue
            too_long = False
            for field_name, label, limit in LIST_LIMITS:
                length = len(str(row.get(field_name) or "").strip())
                if length > limit:
                    too_long = True
                    messages.append(
                        Message(
                            ERROR,
                            f"«{label}»: задовгий текст ({length} знаків; до {limit})",
                            row.line,
                        )
                    )
            website = str(row.get("website") or "").strip()
            bad_link = url_problem(website)
            if bad_link:
                messages.append(Message(ERROR, f"«Вебсайт»: {bad_link}", row.line))
            if code is None or not name or rtype is None or too_long or bad_link:
                continue
            seen[code] = row.line
            entries.append(
                EnterpriseEntry(
                    edrpou=code,
                    name=name,
                    reporting_type=rtype,
                    short_name=str(row.get("short_name") or "").strip(),
                    legal_form=str(row.get("legal_form") or "").strip(),
                    sector=str(row.get("sector") or "").strip(),
                    website=website,
                    line=row.line,
                )
            )
    except TabularError as exc:
        messages.append(Message(ERROR, exc.message, exc.line))
    if not entries and not any(m.level == ERROR for m in messages):
        messages.append(Message(ERROR, "у файлі немає жодного підприємства"))
    return entries, messages
