"""``civic report pdf|json`` and ``civic report journal import``."""

import io
import json

from pypdf import PdfReader

from civic.extensions import db
from civic.reports.models import ReportVersion


def test_pdf_and_json_for_the_demo_month(runner, november, tmp_path):
    out = tmp_path / "zvit.pdf"
    result = runner.invoke(args=["report", "pdf", "--month", "2020-11", "--out", str(out)])
    assert result.exit_code == 0, result.output
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(out.read_bytes())).pages)
    flat = " ".join(text.split())
    for phrase in (
        "316 новин",
        "125 нормативних актів",
        "60 матеріалів з фотографіями",
        "Всеукраїнський день працівників культури та майстрів народного мистецтва, "
        "Міжнародний день бухгалтера, День працівників радіо, телебачення і звʼязку, "
        "День Свободи, День памʼяті жертв голодоморів.",
        "«Базова комунікація для громад. Елементи антикризової комунікації під час пандемії COVID-19»",
        "Чернігівської обласної державної адміністрації",
        "Т.в.о. начальника відділу",
        "О.О.Гук",
    ):
        assert phrase in flat, phrase
    again = tmp_path / "again.pdf"
    runner.invoke(args=["report", "pdf", "--month", "2020-11", "--out", str(again)])
    assert again.read_bytes() == out.read_bytes()
    assert db.session.scalar(db.select(db.func.count(ReportVersion.id))) == 0  # nothing stored

    data = json.loads(runner.invoke(args=["report", "json", "--month", "2020-11"]).output)
    assert data["month"] == "2020-11" and data["counts"]["news"] == 316
    assert data["signer_name"] == "О.О.Гук"
    assert any("125 нормативних актів" in p["text"] for p in data["paragraphs"])


def test_final_stores_a_version_once(runner, november, tmp_path):
    out = tmp_path / "final.pdf"
    result = runner.invoke(
        args=["report", "pdf", "--month", "2020-11", "--out", str(out), "--final"]
    )
    assert result.exit_code == 0, result.output
    version = db.session.scalar(db.select(ReportVersion))
    assert (
        version.is_final and version.pdf == out.read_bytes() and version.pdf_sha256 in result.output
    )
    second = runner.invoke(
        args=["report", "pdf", "--month", "2020-11", "--out", str(out), "--final"]
    )
    assert "уже затверджено" in second.output
    assert db.session.scalar(db.select(db.func.count(ReportVersion.id))) == 1


def test_bad_month_is_explained(runner):
    result = runner.invoke(args=["report", "json", "--month", "листопад"])
    assert result.exit_code != 0 and "РРРР-ММ" in result.output


def test_journal_import_from_example(runner, app, tmp_path):
    from tests.conftest import REPO_ROOT

    example = REPO_ROOT / "docs" / "examples" / "report-journal.csv"
    result = runner.invoke(args=["report", "journal", "import", str(example)])
    assert result.exit_code == 0, result.output
    assert "Імпортовано 5 записів" in result.output
    repeat = runner.invoke(args=["report", "journal", "import", str(example)])
    assert repeat.exit_code == 1 and "уже імпортовано" in repeat.output
    bad = tmp_path / "bad.csv"
    bad.write_text("Дата;Заголовок;Тип\n01.12.2020;Щось;невідомий\n", encoding="utf-8")
    result = runner.invoke(args=["report", "journal", "import", str(bad)])
    assert result.exit_code == 1 and "рядок 2" in result.output and "Тип" in result.output


def test_json_to_file_and_final_by_a_user(runner, november, create_user, tmp_path):
    out = tmp_path / "zvit.json"
    assert (
        runner.invoke(args=["report", "json", "--month", "2020-11", "--out", str(out)]).exit_code
        == 0
    )
    assert json.loads(out.read_text(encoding="utf-8"))["counts"]["act"] == 125
    create_user("head", "editor", full_name="Гук О.О.")
    nobody = runner.invoke(
        args=[
            "report",
            "pdf",
            "--month",
            "2020-12",
            "--out",
            str(tmp_path / "a.pdf"),
            "--final",
            "--by",
            "nobody",
        ]
    )
    assert nobody.exit_code != 0 and "nobody" in nobody.output
    result = runner.invoke(
        args=[
            "report",
            "pdf",
            "--month",
            "2020-11",
            "--out",
            str(tmp_path / "b.pdf"),
            "--final",
            "--by",
            "head",
        ]
    )
    assert result.exit_code == 0, result.output
    assert db.session.scalar(db.select(ReportVersion)).finalised_by_name == "Гук О.О."


def test_journal_import_xlsx_with_date_cells(runner, app, tmp_path):
    import datetime as dt

    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(["Експорт новин вебсайту"])
    sheet.append(["Дата", "Заголовок", "Посилання"])
    sheet.append(
        [dt.datetime(2021, 1, 5, 10, 30), "Новина з XLSX", "https://nizhynrada.gov.ua/n/5"]
    )
    sheet.append([dt.date(2021, 1, 6), "Друга новина", None])
    path = tmp_path / "news.xlsx"
    book.save(path)
    result = runner.invoke(args=["report", "journal", "import", str(path)])
    assert result.exit_code == 0, result.output
    data = json.loads(runner.invoke(args=["report", "json", "--month", "2021-01"]).output)
    assert data["counts"] == {"news": 2}
    assert any("2 новини" in p["text"] for p in data["paragraphs"])
