"""Issue 14, point 8: an upload is checked against its own title, and big jumps are warned of."""

import io
from decimal import Decimal

import openpyxl
import pytest

from civic.enterprises import services
from civic.enterprises.selfcheck import identity_problems, jump_warnings
from civic.enterprises.services import UploadRefused
from civic.enterprises.statements import EnterpriseEntry
from civic.extensions import db
from tests.enterprises.conftest import BALANCED, EDRPOU, example


def titled_xlsx(*titles: str, rows=BALANCED) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    for title in titles:
        sheet.append([title])
    sheet.append([])
    sheet.append(["Актив / пасив", "Код рядка", "На кінець звітного періоду"])
    for code, value in rows.items():
        sheet.append(["", code, value])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def titled_csv(title: str, rows=BALANCED) -> bytes:
    lines = [
        f"{title};;",
        "Одиниця виміру: тис. грн;;",
        "Актив;Код рядка;На кінець звітного періоду",
    ]
    lines += [f";{code};{value}" for code, value in rows.items()]
    return "\r\n".join(lines).encode("cp1251")


@pytest.mark.parametrize(
    ("title", "year", "wrong"),
    [
        ("Баланс на 31.12.2020", 2020, None),
        ("Баланс на 01.01.2021", 2020, None),
        ("Баланс (Звіт про фінансовий стан) на 31 грудня 2020 р.", 2021, "2020 рік, а обрано 2021"),
        ("Звіт про виконання фінансового плану 2020 року", 2021, "2020 рік, а обрано 2021"),
        ("Фінансовий план на 2021 рік", 2021, None),
        ("Баланс без дати", 2021, None),
        # A plan is approved the year before its own: a decision's date names no report year.
        ("Рішення виконавчого комітету від 19.12.2020 № 512", 2021, None),
        ("від 19 грудня 2020 року № 512", 2021, None),
        ("від «26» грудня 2020 р.", 2021, None),
        ("Фінансовий план на 2020 рік, рішення від 19.12.2020", 2021, "2020 рік, а обрано 2021"),
    ],
)
def test_the_year_in_a_title(title, year, wrong):
    problems = identity_problems(
        titled_xlsx(title), "f.xlsx", edrpou=EDRPOU, enterprise="КП «Тест»", year=year
    )
    if wrong is None:
        assert problems == []
    else:
        (problem,) = problems
        assert wrong in problem.text and problem.text.startswith("клітинка A1:")


def test_another_edrpou_in_a_cp1251_title_is_named_with_its_cell():
    data = titled_csv("Баланс КП «Інше», код за ЄДРПОУ 12345678, на 31.12.2020")
    (problem,) = identity_problems(data, "f.csv", edrpou=EDRPOU, enterprise="КП «Тест»", year=2020)
    assert problem.text.startswith("клітинка A1: у заголовку файлу код ЄДРПОУ 12345678")
    assert "КП «Тест» (99001016)" in problem.text


OTHERS = {"КП «Ніжинтепло»": "03357168", "Ніжинтепло": "03357168", "УЖКГ": "99001017"}


@pytest.mark.parametrize(
    ("title", "wrong"),
    [
        ("Фінансовий план КП «Ніжинтепло» на 2020 рік", "названо КП «Ніжинтепло» (03357168)"),
        ('Фінансовий план КП "Ніжинтепло" Ніжинської міської ради', "(03357168)"),
        ("Фінансовий план КП «Тест» на 2020 рік", None),  # the chosen one
        ("Фінансовий план КП «Тест» (раніше — Ніжинтепло)", None),  # names the chosen one too
        ("Фінансовий план на 2020 рік", None),  # names nobody
        ("Звіт УЖКГосп", None),  # a longer word is not the name «УЖКГ»
    ],
)
def test_the_name_of_another_registered_enterprise_in_a_title(title, wrong):
    problems = identity_problems(
        titled_xlsx(title),
        "f.xlsx",
        edrpou=EDRPOU,
        enterprise="КП «Тест»",
        year=2020,
        names=("Комунальне підприємство «Тест»", "КП «Тест»"),
        others=OTHERS,
    )
    if wrong is None:
        assert problems == []
    else:
        (problem,) = problems
        assert problem.text.startswith("клітинка A1: у заголовку файлу названо") and wrong in (
            problem.text
        )
        assert "а обрано КП «Тест» (99001016)" in problem.text


def test_the_repository_examples_agree_with_themselves():
    for name in (
        "enterprise-form1-cp1251.csv",
        "enterprise-form1-title.xlsx",
        "enterprise-plan-2020.xlsx",
    ):
        assert (
            identity_problems(example(name), name, edrpou=EDRPOU, enterprise="x", year=2020) == []
        )


def test_a_2020_file_is_refused_as_2021_and_nothing_is_stored(app, enterprise):
    with pytest.raises(UploadRefused) as refused:
        services.import_statement(
            example("enterprise-form1-title.xlsx"), "f.xlsx", edrpou=EDRPOU, year=2021, form="1"
        )
    assert any("2020 рік, а обрано 2021" in m.text for m in refused.value.messages)
    db.session.rollback()
    assert services.list_uploads() == []


def test_a_file_titled_with_another_registered_enterprise_is_refused(app, enterprise):
    services.save_enterprise(
        EnterpriseEntry("03357168", "Комунальне підприємство «Ніжинтепло»", "З", "КП «Ніжинтепло»")
    )
    db.session.commit()
    with pytest.raises(UploadRefused) as refused:
        services.import_statement(
            titled_csv("Баланс КП «Ніжинтепло» на 31.12.2020"),
            "f.csv",
            edrpou=EDRPOU,
            year=2020,
            form="1",
        )
    assert any("названо КП «Ніжинтепло» (03357168)" in m.text for m in refused.value.messages)
    db.session.rollback()
    assert services.list_uploads() == []
    outcome = services.import_statement(  # its own name in the title is what was chosen
        titled_csv("Баланс КП «Тест» на 31.12.2020"), "f.csv", edrpou=EDRPOU, year=2020, form="1"
    )
    assert not [m for m in outcome.messages if "названо" in m.text]


def test_jumps_beyond_the_factor_are_warnings(app, enterprise):
    services.import_statement(
        titled_csv("Баланс на 31.12.2019"), "2019.csv", edrpou=EDRPOU, year=2019, form="1"
    )
    db.session.commit()
    thousandfold = {code: str(int(value) * 1000) for code, value in BALANCED.items()}
    outcome = services.import_statement(
        titled_csv("Баланс на 31.12.2020", thousandfold),
        "2020.csv",
        edrpou=EDRPOU,
        year=2020,
        form="1",
    )
    jumps = [m.text for m in outcome.messages if "разів більше" in m.text]
    assert len(jumps) == len(BALANCED)
    assert any(
        "код рядка 1300: 1\u00a0000 за 2019 рік → 1\u00a0000\u00a0000 за 2020 рік, у 1000 разів"
        in j
        for j in jumps
    )


def test_the_factor_is_a_setting():
    values = {("1300", "end"): (Decimal(50), 9)}
    assert (
        jump_warnings(values, {("1300", "end"): Decimal(10)}, year=2020, factor=Decimal(10)) == []
    )
    (warning,) = jump_warnings(values, {("1300", "end"): Decimal(10)}, year=2020, factor=Decimal(4))
    assert warning.level == "warning" and warning.line == 9
