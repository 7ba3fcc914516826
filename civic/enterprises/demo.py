"""Demo data: five Nizhyn communal enterprises with SYNTHETIC figures (not real statements).

The files are built in the same shapes staff upload (CSV in Windows-1251 and UTF-8, XLSX with a
title row, the plan template with merged title rows) and go through the same import services.
Upload times are explicit: the 2019 statements and the first 2020 plan report are dated
November 2020, so that month's report counts them.
"""

from __future__ import annotations

import datetime as dt
import io
import random
from decimal import Decimal

from civic.enterprises import line_catalogue, services
from civic.enterprises.statements import EnterpriseEntry

DEMO_NOTE = "Демонстраційні дані: усі цифри вигадані й не є звітністю підприємств."

# (edrpou, full name, short name, legal form, sector, reporting type, website, scale тис. грн)
DEMO_ENTERPRISES = (
    (
        "99001016",
        "Комунальне підприємство «Ніжинське управління водопровідно-каналізаційного господарства»",
        "КП «Ніжинське УВКГ»",
        "Комунальне підприємство",
        "Водопостачання та водовідведення",
        "З",
        "",
        60000,
    ),
    (
        "99001022",
        "Комунальне підприємство «Керуюча компанія «Північна»»",
        "КП «КК «Північна»»",
        "Комунальне підприємство",
        "Житлове господарство",
        "М",
        "",
        9000,
    ),
    (
        "99001039",
        "Комунальне некомерційне підприємство «Ніжинська центральна міська лікарня імені "
        "Миколи Галицького»",
        "КНП «Ніжинська ЦМЛ»",
        "Комунальне некомерційне підприємство",
        "Охорона здоров'я",
        "З",
        "",
        120000,
    ),
    (
        "99001045",
        "Комунальне підприємство «Ніжинська житлово-експлуатаційна контора»",
        "КП «Ніжинська ЖЕК»",
        "Комунальне підприємство",
        "Житлове господарство",
        "М",
        "",
        7000,
    ),
    (
        "99001051",
        "Комунальне підприємство «Комунальний сервіс»",
        "КП «Комунальний сервіс»",
        "Комунальне підприємство",
        "Благоустрій",
        "З",
        "",
        25000,
    ),
)
YEARS = (2018, 2019, 2020)


def _d(value: float) -> Decimal:
    return Decimal(str(round(value, 1)))


def demo_form1(scale: int, rng: random.Random) -> dict[str, Decimal]:
    """A balance that balances (1300 = 1900), in тис. грн."""
    fixed = _d(scale * rng.uniform(1.2, 2.5))
    intangibles = _d(scale * rng.uniform(0.002, 0.01))
    stock, receivable = _d(scale * rng.uniform(0.02, 0.06)), _d(scale * rng.uniform(0.05, 0.2))
    cash, other = _d(scale * rng.uniform(0.01, 0.08)), _d(scale * rng.uniform(0.0, 0.02))
    current = stock + receivable + cash + other
    non_current = fixed + intangibles
    total = non_current + current
    short = _d(float(current) * rng.uniform(0.5, 1.6))
    long = _d(scale * rng.uniform(0.0, 0.2))
    equity = total - short - long
    return {
        "1000": intangibles,
        "1010": fixed,
        "1095": non_current,
        "1100": stock,
        "1125": receivable,
        "1165": cash,
        "1190": other,
        "1195": current,
        "1300": total,
        "1400": _d(scale * 0.3),
        "1495": equity,
        "1595": long,
        "1615": _d(float(short) * 0.6),
        "1695": short,
        "1900": total,
    }


def demo_form2(scale: int, rng: random.Random) -> dict[str, Decimal]:
    revenue = _d(scale * rng.uniform(0.8, 1.2))
    cost = _d(float(revenue) * rng.uniform(0.8, 1.05))
    admin, other_income = _d(scale * rng.uniform(0.03, 0.08)), _d(scale * rng.uniform(0.0, 0.1))
    gross = revenue - cost
    operating = gross + other_income - admin
    pre_tax = operating
    tax = _d(float(pre_tax) * 0.18) if pre_tax > 0 else Decimal("0.0")
    net = pre_tax - tax
    wages, depreciation = _d(float(cost) * 0.45), _d(float(cost) * 0.12)
    materials = _d(float(cost) * 0.3)
    social = _d(float(wages) * 0.22)
    rest = cost + admin - wages - depreciation - materials - social
    values = {
        "2000": revenue,
        "2050": cost,
        "2120": other_income,
        "2130": admin,
        "2300": tax,
        "2500": materials,
        "2505": wages,
        "2510": social,
        "2515": depreciation,
        "2520": rest,
        "2550": cost + admin,
    }
    for profit, loss, amount in (
        ("2090", "2095", gross),
        ("2190", "2195", operating),
        ("2290", "2295", pre_tax),
        ("2350", "2355", net),
    ):
        values[profit if amount >= 0 else loss] = abs(amount)
    return values


def _uk(value: Decimal | None, *, parentheses: bool = False) -> str:
    if value is None:
        return "-"
    text = f"{value:,.1f}".replace(",", " ").replace(".", ",")
    return f"({text})" if parentheses else text


def form1_csv_cp1251(values: dict[str, Decimal], start: dict[str, Decimal] | None) -> bytes:
    """Form 1 as the department's Excel saves it: Windows-1251, ``;``, a title line above."""
    lines = [
        "Баланс (Звіт про фінансовий стан);;",
        "Код рядка;На початок звітного року;На кінець звітного періоду",
    ]
    for code in sorted(values):
        lines.append(f"{code};{_uk((start or {}).get(code))};{_uk(values[code])}")
    return ("\r\n".join(lines) + "\r\n").encode("cp1251")


EXPENSES = {"2050", "2095", "2130", "2150", "2180", "2195", "2270", "2295", "2355"}


def form2_csv_utf8(values: dict[str, Decimal], previous: dict[str, Decimal] | None) -> bytes:
    """Form 2 in UTF-8 with BOM, ``,``-separated, expenses in parentheses as printed."""
    out = ["Код рядка,За звітний період,За аналогічний період попереднього року"]
    for code in sorted(values):
        paren = code in EXPENSES
        prev = (previous or {}).get(code)
        out.append(
            f'{code},"{_uk(values[code], parentheses=paren)}","{_uk(prev, parentheses=paren and prev is not None)}"'
        )
    return ("\ufeff" + "\r\n".join(out) + "\r\n").encode("utf-8")


def form1_xlsx(values: dict[str, Decimal], title: str) -> bytes:
    """Form 1 as XLSX: a title row above the header, numbers as numbers and some as text."""
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append([title])
    sheet.append([])
    sheet.append(["Актив / пасив", "Код рядка", "На кінець звітного періоду"])
    for i, code in enumerate(sorted(values)):
        value = values[code]
        cell = _uk(value) if i % 3 == 0 else float(value)  # text and numeric cells both occur
        sheet.append(["", int(code), cell])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


PLAN_LINES = (
    ("1000", "Дохід (виручка) від реалізації продукції (товарів, робіт, послуг)", 1.0),
    ("1010", "Собівартість реалізованої продукції (товарів, робіт, послуг)", 0.92),
    ("1020", "Валовий прибуток (збиток)", 0.08),
    ("1170", "Чистий фінансовий результат: прибуток (збиток)", 0.03),
)


def demo_plan(scale: int, rng: random.Random, *, quarters_with_fact: int = 4):
    """Plan lines: {code: (title, {kind: value})} with quarterly plan, fact and deviation."""
    lines = {}
    factor = [rng.uniform(0.85, 1.1) for _ in range(4)]
    for code, title, share in PLAN_LINES:
        year_plan = _d(scale * share)
        q_plan = [_d(float(year_plan) * w) for w in (0.24, 0.25, 0.25)]
        q_plan.append(year_plan - sum(q_plan))
        kinds: dict[str, Decimal] = {
            "prev_fact_year": _d(float(year_plan) * rng.uniform(0.9, 1.05)),
            "plan_year": year_plan,
        }
        facts = []
        for q in range(4):
            kinds[f"plan_q{q + 1}"] = q_plan[q]
            if q < quarters_with_fact:
                fact = _d(float(q_plan[q]) * factor[q])
                facts.append(fact)
                kinds[f"fact_q{q + 1}"] = fact
                kinds[f"deviation_q{q + 1}"] = fact - q_plan[q]
                if q_plan[q]:
                    kinds[f"percent_q{q + 1}"] = _d(float(fact / q_plan[q]) * 100)
        if quarters_with_fact == 4:
            kinds["fact_year"] = sum(facts, Decimal(0))
            kinds["deviation_year"] = kinds["fact_year"] - year_plan
            kinds["percent_year"] = _d(float(kinds["fact_year"] / year_plan) * 100)
        lines[code] = (title, kinds)
    _derive_gross_profit(lines)
    return lines


def _derive_gross_profit(lines) -> None:
    """1020 = 1000 − 1010 in every amount column, as the catalogue's sums check requires."""
    if not {"1000", "1010", "1020"} <= set(lines):
        return
    kinds = lines["1020"][1]
    revenue, cost = lines["1000"][1], lines["1010"][1]
    for kind in list(kinds):
        if kind.split("_")[0] in ("plan", "fact", "prev"):
            kinds[kind] = revenue[kind] - cost[kind]
    for kind in [k for k in kinds if k.startswith("deviation_")]:
        period = kind.removeprefix("deviation_")
        kinds[kind] = kinds[f"fact_{period}"] - kinds[f"plan_{period}"]
        if kinds[f"plan_{period}"]:
            kinds[f"percent_{period}"] = _d(
                float(kinds[f"fact_{period}"] / kinds[f"plan_{period}"]) * 100
            )


def plan_xlsx(lines, *, enterprise: str, year: int) -> bytes:
    """The council's plan execution template: merged title rows, a two-row header."""
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    groups = [
        ("I квартал", "q1"),
        ("II квартал", "q2"),
        ("III квартал", "q3"),
        ("IV квартал", "q4"),
        ("рік", "year"),
    ]
    width = 3 + 4 * len(groups)
    sheet.append([f"Звіт про виконання фінансового плану {year} року"])
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=width)
    sheet.append([enterprise])
    sheet.merge_cells(start_row=2, start_column=1, end_row=2, end_column=width)
    sheet.append(["тис. грн"])
    top = ["Найменування показника", "Код рядка", "Факт минулого року"]
    sub = ["", "", ""]
    for label, _ in groups:
        top += [label, None, None, None]
        sub += ["План", "Факт", "Відхилення", "% виконання"]
    sheet.append(top)
    sheet.append(sub)
    for col in range(4, width + 1, 4):
        sheet.merge_cells(start_row=4, start_column=col, end_row=4, end_column=col + 3)
    for col in (1, 2, 3):
        sheet.merge_cells(start_row=4, start_column=col, end_row=5, end_column=col)
    sheet.append([str(i) for i in range(1, width + 1)])  # column numbers, as on printed forms
    sheet.append(["I. Фінансові результати"])
    for code, (title, kinds) in lines.items():
        row = [title, code, float(kinds["prev_fact_year"])]
        for _, period in groups:
            for measure in ("plan", "fact", "deviation", "percent"):
                value = kinds.get(f"{measure}_{period}")
                row.append(None if value is None else float(value))
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


# ---------------------------------------------------------------- plan versions

# The 2020 plan of the first two demo enterprises: approved in December 2019, refined and then
# amended by later decisions (the amended one is what the 2020 execution report is against),
# and a draft of a further amendment that is not in force.
# (status box marked, decision date, decision number, revenue and cost factors, uploaded on)
PLAN_VERSIONS = (
    ("", "18.12.2019", "418", 0.94, 0.95, (2019, 12, 20)),
    ("Уточнений", "15.04.2020", "97", 0.97, 0.98, (2020, 4, 20)),
    ("Зміни", "24.06.2020", "162", 1.0, 1.0, (2020, 6, 26)),
    ("Проект", "", "", 1.04, 1.03, (2020, 10, 5)),
)


# The header of the order's plan table; «У тому числі за кварталами» is merged over I … IV.
OFFICIAL_PLAN_HEADER = (
    "Найменування показника",
    "Код рядка",
    "Факт минулого року",
    "План поточного року",
    "Плановий рік (усього)",
    "У тому числі за кварталами",
)


def official_plan_xlsx(
    lines, *, enterprise: str, edrpou: str, year: int, mark: str, on: str, number: str
) -> bytes:
    """A plan in the order's shape: «ЗАТВЕРДЖЕНО» block, status boxes with an «Х», the codes
    table, «Одиниці виміру: тис. гривень», «у тому числі за кварталами» over I … IV."""
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    if on:
        for text in (
            "ЗАТВЕРДЖЕНО",
            "Рішення виконавчого комітету Ніжинської міської ради",
            f"від {on} № {number}",
        ):
            sheet.append([None] * 6 + [text])
    boxes = ["Проект", "Уточнений", "Зміни"]
    sheet.append([None] * 4 + boxes)
    sheet.append([None] * 4 + ["Х" if mark == box else None for box in boxes])
    sheet.append(["Рік"] + [None] * 6 + [year])
    sheet.append(["Підприємство", enterprise] + [None] * 4 + ["за ЄДРПОУ", edrpou])
    sheet.append([f"ФІНАНСОВИЙ ПЛАН ПІДПРИЄМСТВА на {year} рік"])
    sheet.append(["Одиниці виміру: тис. гривень"])
    header = sheet.max_row + 1
    sheet.append(list(OFFICIAL_PLAN_HEADER))
    sheet.append([None] * 5 + ["I", "II", "III", "IV"])
    sheet.merge_cells(start_row=header, start_column=6, end_row=header, end_column=9)
    for code, (title, kinds) in lines.items():
        sheet.append(
            [title, code]
            + [float(kinds["prev_fact_year"]), None, float(kinds["plan_year"])]
            + [float(kinds[f"plan_q{q}"]) for q in range(1, 5)]
        )
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def load_plan_versions(edrpou: str, name: str, scale: int, number: int) -> None:
    """Keep the 2020 plan's versions (:data:`PLAN_VERSIONS`) of one demo enterprise."""
    for step, (mark, on, decision, revenue, costs, day) in enumerate(PLAN_VERSIONS):
        lines = demo_plan(scale, random.Random(int(edrpou) + 2020))
        periods = ("plan_year", *(f"plan_q{q}" for q in range(1, 5)))
        for code, factor in (("1000", revenue), ("1010", costs)):
            kinds = lines[code][1]
            for kind in periods:
                kinds[kind] = _d(float(kinds[kind]) * factor)
        for kind in periods:
            gross = lines["1000"][1][kind] - lines["1010"][1][kind]
            lines["1020"][1][kind] = gross
            lines["1170"][1][kind] = _d(float(gross) * 0.375)
        services.import_plan(
            official_plan_xlsx(
                lines, enterprise=name, edrpou=edrpou, year=2020, mark=mark, on=on, number=decision
            ),
            f"{edrpou}_plan_2020_v{step + 1}.xlsx",
            edrpou=edrpou,
            year=2020,
            now=_at(*day, hour=8 + number),
        )


def _at(year: int, month: int, day: int, hour: int = 10) -> dt.datetime:
    return dt.datetime(year, month, day, hour, 0, tzinfo=dt.UTC)


def load_demo(echo) -> None:
    line_catalogue.seed_catalogue()
    added = 0
    for number, (edrpou, name, short, legal, sector, rtype, site, scale) in enumerate(
        DEMO_ENTERPRISES
    ):
        if services.get_enterprise(edrpou) is not None:
            continue
        entry = EnterpriseEntry(edrpou, name, rtype, short, legal, sector, site)
        services.save_enterprise(entry, is_demo=True, now=_at(2019, 2, 1))
        rng = random.Random(int(edrpou))
        form1 = {y: demo_form1(scale, rng) for y in YEARS}
        form2 = {y: demo_form2(scale, rng) for y in YEARS}
        for y in YEARS:
            when = {
                2018: _at(2019, 3, 4 + number),
                2019: _at(2020, 11, 9 + number),
                2020: _at(2021, 2, 15 + number),
            }[y]
            start = form1.get(y - 1)
            f1 = (
                form1_xlsx(form1[y], f"Баланс на 31.12.{y}")
                if number % 2
                else form1_csv_cp1251(form1[y], start)
            )
            f1_name = f"{edrpou}_{y}_form1.{'xlsx' if number % 2 else 'csv'}"
            services.import_statement(f1, f1_name, edrpou=edrpou, year=y, form="1", now=when)
            f2 = form2_csv_utf8(form2[y], form2.get(y - 1))
            services.import_statement(
                f2,
                f"{edrpou}_{y}_form2.csv",
                edrpou=edrpou,
                year=y,
                form="2",
                now=when + dt.timedelta(minutes=5),
            )
        # The 2020 plan: first a report for nine months (November 2020), then the full year.
        plan_rng = random.Random(int(edrpou) + 2020)
        partial = demo_plan(scale, plan_rng, quarters_with_fact=3)
        services.import_plan(
            plan_xlsx(partial, enterprise=name, year=2020),
            f"{edrpou}_plan_2020_9m.xlsx",
            edrpou=edrpou,
            year=2020,
            now=_at(2020, 11, 20 + number),
        )
        plan_rng = random.Random(int(edrpou) + 2020)
        full = demo_plan(scale, plan_rng, quarters_with_fact=4)
        services.import_plan(
            plan_xlsx(full, enterprise=name, year=2020),
            f"{edrpou}_plan_2020.xlsx",
            edrpou=edrpou,
            year=2020,
            now=_at(2021, 3, 1 + number),
        )
        if number < 2:
            load_plan_versions(edrpou, name, scale, number)
        added += 1
    echo(f"Комунальні підприємства: додано демо-підприємств — {added} ({DEMO_NOTE})")
    from civic.enterprises.demo_execution import load_execution_demo  # it reads this module

    load_execution_demo(echo)
