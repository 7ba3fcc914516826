import json
import zipfile

from civic.enterprises import services
from civic.extensions import db
from tests.enterprises.conftest import EDRPOU, EXAMPLES


def invoke(runner, *args):
    return runner.invoke(args=["enterprises", *args])


def test_import_list_statement_plan_and_show_json(runner, app):
    result = invoke(runner, "import-list", str(EXAMPLES / "enterprises-list.csv"))
    assert result.exit_code == 0, result.output
    assert "Підприємств додано: 3, оновлено: 0." in result.output
    code = "09900113"
    for form, name in (("1", "enterprise-form1-cp1251.csv"), ("2", "enterprise-form2-utf8bom.csv")):
        result = invoke(
            runner,
            "import-statement",
            str(EXAMPLES / name),
            "--edrpou",
            code,
            "--year",
            "2020",
            "--form",
            form,
        )
        assert result.exit_code == 0, result.output
    result = invoke(
        runner,
        "import-plan",
        str(EXAMPLES / "enterprise-plan-2020.xlsx"),
        "--edrpou",
        code,
        "--year",
        "2020",
    )
    assert result.exit_code == 0 and "Прийнято завантаження №3: 84 значення" in result.output
    result = invoke(runner, "show", code, "--json")
    assert result.exit_code == 0
    payload = json.loads(result.output)
    assert payload["edrpou"] == code
    assert payload["years"]["2020"]["form1"]["1300"] == 46569
    assert payload["indicators"]["2020"]["equity_to_assets"] == 0.84
    text = invoke(runner, "show", "9900113")  # leading zero restored
    assert "Коефіцієнт покриття" in text.output


def test_refused_statement_exits_with_ukrainian_messages(runner, app, enterprise, tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text("Код рядка;На кінець звітного періоду\n1300;10\n1900;12\n", encoding="utf-8")
    result = invoke(
        runner, "import-statement", str(path), "--edrpou", EDRPOU, "--year", "2020", "--form", "1"
    )
    assert result.exit_code == 1
    assert "ПОМИЛКА: Рядок 3: баланс не сходиться" in result.output
    assert "Файл не прийнято; нічого не змінено." in result.output
    missing = invoke(
        runner,
        "import-statement",
        str(tmp_path / "nope.csv"),
        "--edrpou",
        EDRPOU,
        "--year",
        "2020",
        "--form",
        "1",
    )
    assert missing.exit_code == 1 and "Не вдалося прочитати файл" in missing.output
    assert invoke(runner, "show", "12345678").exit_code == 1


def test_exports(runner, app, tmp_path):
    from civic.enterprises.demo import load_demo

    load_demo(lambda _: None)
    db.session.commit()
    for fmt, name in (
        ("csv", "f.csv"),
        ("xlsx", "f.xlsx"),
        ("json", "f.json"),
        ("openbudget", "ob.zip"),
    ):
        result = invoke(runner, "export", "--format", fmt, "--out", str(tmp_path / name))
        assert result.exit_code == 0, result.output
    csv_text = (tmp_path / "f.csv").read_bytes().decode("utf-8-sig")
    header, first = csv_text.splitlines()[:2]
    assert header.startswith("edrpou,enterprise,year,form,code,line_title,kind")
    assert first.startswith("99001016,") and "," in first
    assert (tmp_path / "f.xlsx").read_bytes()[:2] == b"PK"
    data = json.loads((tmp_path / "f.json").read_text(encoding="utf-8"))
    assert len(data["enterprises"]) == 5 and data["enterprises"][0]["is_demo"] is True
    with zipfile.ZipFile(tmp_path / "ob.zip") as archive:
        names = archive.namelist()
        assert "enterprises.csv" in names and "99001016_2020_form1.csv" in names
        form2 = archive.read("99001016_2020_form2.csv").decode("utf-8-sig")
        assert form2.startswith(
            "Код рядка;За звітний період;За аналогічний період попереднього року"
        )
        assert "," in form2.splitlines()[1]  # comma decimals for the platform
    result = invoke(runner, "export", "--format", "datapackage", "--out", str(tmp_path / "pkg"))
    assert result.exit_code == 0, result.output
    package = json.loads((tmp_path / "pkg" / "datapackage.json").read_text(encoding="utf-8"))
    names = [r["name"] for r in package["resources"]]
    assert names == ["enterprises", "facts", "indicators", "plan_fact"]
    for resource in package["resources"]:
        text = (tmp_path / "pkg" / resource["path"]).read_text(encoding="utf-8")
        assert text.splitlines()[0].split(",") == [f["name"] for f in resource["schema"]["fields"]]


def test_catalogue_load_and_seed(runner, app, tmp_path):
    result = runner.invoke(args=["enterprises", "catalogue", "seed"])
    assert result.exit_code == 0 and "Завантажено рядків каталогу" in result.output
    result = runner.invoke(
        args=[
            "enterprises",
            "catalogue",
            "load",
            str(EXAMPLES / "enterprise-catalogue.csv"),
            "--form",
            "plan",
            "--edition",
            "Наказ 2024",
        ]
    )
    assert result.exit_code == 0 and "завантажено рядків — 4" in result.output
    assert len(services.get_catalogue("plan", "Наказ 2024")) == 4
    bad = tmp_path / "bad.csv"
    bad.write_text("Код рядка;Назва коду\nx;y\n", encoding="utf-8")
    result = runner.invoke(args=["enterprises", "catalogue", "load", str(bad), "--form", "1"])
    assert result.exit_code == 1 and "«x» — не код рядка" in result.output
