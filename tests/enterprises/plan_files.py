"""Plan files in the shapes councils publish (built here, in memory).

The shapes follow the published files of Ukrainian communal enterprises: the order №205 form in
the edition of №1070 (appendix note, «ЗАТВЕРДЖЕНО» block with the executive committee's
decision, the codes table «Підприємство … за ЄДРПОУ», status boxes «Проект | Уточнений | Зміни»
with an «Х», «Одиниці виміру: тис. гривень», a two-row header with «у тому числі за
кварталами» over «I … IV») and the quarterly «Звіт про виконання фінансового плану
підприємства за 1 квартал 2021 року» with its six columns (e.g. Пирятинські госпрозрахункові
очисні споруди, 2021).
"""

from __future__ import annotations

import io

from openpyxl import Workbook

from civic.enterprises.demo import OFFICIAL_PLAN_HEADER

PLAN_HEADER = [*OFFICIAL_PLAN_HEADER, None, None, None]
REPORT_HEADER = [
    "Найменування показника",
    "Код рядка",
    "Факт минулого року",
    "План звітного періоду",
    "Факт звітного періоду",
    "Відхилення (+;-)",
    "% виконання",
]
TITLES = {
    "1000": "Дохід (виручка) від реалізації продукції (товарів, робіт, послуг)",
    "1010": "Собівартість реалізованої продукції (товарів, робіт, послуг)",
    "1020": "Валовий прибуток (збиток)",
    "1170": "Чистий фінансовий результат: прибуток (збиток)",
}


def xlsx(rows, merges=(), formulas=None) -> bytes:
    book = Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(list(row))
    for merge in merges:
        sheet.merge_cells(merge)
    for ref, formula in (formulas or {}).items():
        sheet[ref] = formula  # saved by openpyxl: a formula without a cached value
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def approval(
    decision="Рішення виконавчого комітету Ніжинської міської ради",
    on="19.12.2024",
    number="512",
    col=6,
):
    pad = [None] * col
    return [
        pad
        + ["Додаток 1 до Порядку складання, затвердження та контролю виконання фінансових планів"],
        pad + ["ЗАТВЕРДЖЕНО"],
        pad + [decision],
        pad + [f"від {on} № {number}"],
        pad + ["(найменування уповноваженого органу, який затвердив фінансовий план)"],
        pad + ["М. П."],
        [],
    ]


def status_boxes(mark: str | None):
    """The order's boxes; ``mark`` is the one with «Х» under it (None: none marked)."""
    labels = ["Проект", "Уточнений", "Зміни"]
    marks = [None, None, None]
    if mark:
        marks[labels.index(mark)] = "Х"
    return [[None] * 4 + labels, [None] * 4 + marks, [None] * 4 + ["(зробити позначку «Х»)"]]


def codes(
    edrpou="03357168",
    year=2025,
    name="КП «Ніжинське управління водопровідно-каналізаційного господарства»",
):
    return [
        [None] * 7 + ["коди"],
        ["Рік"] + [None] * 6 + [year],
        ["Підприємство", name] + [None] * 4 + ["за ЄДРПОУ", edrpou],
    ]


def plan_rows(
    values: dict[str, tuple],
    *,
    mark="Уточнений",
    unit="Одиниці виміру: тис. гривень",
    year=2025,
    edrpou="03357168",
    with_approval=True,
    title=None,
    on="19.12.2024",
    number="512",
):
    """An annual plan: ``values`` maps a code to (fact last year, plan this year, year, q1..q4)."""
    rows = []
    if with_approval:
        rows += approval(on=on, number=number)
    if mark is not False:
        rows += status_boxes(mark)
    rows += codes(edrpou, year)
    rows += [[title or f"ФІНАНСОВИЙ ПЛАН ПІДПРИЄМСТВА на {year} рік"], [unit] if unit else []]
    rows += [PLAN_HEADER, [None] * 5 + ["I", "II", "III", "IV"], [str(i) for i in range(1, 10)]]
    rows += [
        ["I. Формування фінансових результатів"],
        ["Доходи і витрати від операційної діяльності"],
    ]
    for code, numbers in values.items():
        rows.append([TITLES.get(code, f"Рядок {code}"), code, *numbers])
    return rows


def plan_xlsx(values, **options) -> bytes:
    rows = plan_rows(values, **options)
    header = rows.index(PLAN_HEADER) + 1
    merges = [f"F{header}:I{header}", f"A{header}:A{header + 1}", f"B{header}:B{header + 1}"]
    return xlsx(rows, merges)


def report_rows(
    values: dict[str, tuple],
    *,
    period="за І квартал 2025 року",
    edrpou="03357168",
    unit="Одиниці виміру: тис. гривень",
):
    """An execution report: ``values`` maps a code to its five numbers (fact last year, plan,
    fact, deviation, %)."""
    rows = approval(on="24.04.2025", number="98", col=4)
    rows += codes(edrpou, 2025)
    rows += [["ЗВІТ ПРО ВИКОНАННЯ ФІНАНСОВОГО ПЛАНУ ПІДПРИЄМСТВА"], [period], ["(квартал, рік)"]]
    rows += [[unit], REPORT_HEADER, [str(i) for i in range(1, 8)], ["Доходи"]]
    for code, numbers in values.items():
        rows.append([TITLES.get(code, f"Рядок {code}"), code, *numbers])
    return rows


def csv_bytes(rows, encoding="cp1251", delimiter=";") -> bytes:
    def cell(value):
        text = "" if value is None else str(value)
        return f'"{text}"' if delimiter in text or '"' in text else text

    lines = [delimiter.join(cell(v) for v in row) for row in rows]
    return ("\r\n".join(lines) + "\r\n").encode(encoding)


def with_cached_values(data: bytes) -> bytes:
    """The same book with each formula's cached value filled in (as Excel saves it): the cell
    gets the value 0 where openpyxl left ``<v />``."""
    import zipfile

    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            content = source.read(item)
            if item.filename.startswith("xl/worksheets/"):
                content = content.replace(b"<v />", b"<v>550.4</v>")
            target.writestr(item, content)
    return out.getvalue()
