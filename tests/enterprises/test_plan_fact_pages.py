"""Plan vs fact by quarter through HTTP and the CLI: the page's table, its CSV, the open-data
file, the data package and the openbudget-shaped file all carry the same numbers."""

import csv
import datetime as dt
import io
import json
import zipfile
from decimal import ROUND_HALF_UP
from decimal import Decimal as D

import pytest

from civic.enterprises import line_catalogue, services
from civic.enterprises.demo import plan_xlsx
from civic.enterprises.demo_execution import execution_lines
from civic.extensions import db
from civic.formatting import uk_number
from tests.enterprises.conftest import EDRPOU
from tests.enterprises.test_tables_from_specs import _Tables

NOW = dt.datetime(2020, 11, 26, 11, 0, tzinfo=dt.UTC)


def _percent(fact: D, plan: D) -> D:
    return (fact / plan * 100).quantize(D("0.1"), rounding=ROUND_HALF_UP)


@pytest.fixture
def report(app, enterprise):
    """The demo's 2019 execution report of the УВКГ, uploaded as staff upload it."""
    line_catalogue.seed_catalogue()
    lines = execution_lines(EDRPOU)
    services.import_plan(
        plan_xlsx(lines, enterprise=enterprise.name, year=2019),
        "plan-2019.xlsx",
        edrpou=EDRPOU,
        year=2019,
        now=NOW,
    )
    db.session.commit()
    return {code: kinds for code, (_, kinds) in lines.items()}


def _page_rows(client, year):
    parser = _Tables()
    response = client.get(f"/enterprises/{EDRPOU}")
    assert response.status_code == 200
    parser.feed(response.get_data(as_text=True))
    found = [
        t
        for t in parser.tables
        if t["caption"].strip() == f"Виконання фінансового плану {year} року за кварталами"
    ]
    assert len(found) == 1
    return found[0]


def _csv(response) -> list[dict]:
    assert response.status_code == 200
    return list(csv.DictReader(io.StringIO(response.get_data().decode("utf-8-sig"))))


def test_the_page_shows_plan_fact_deviation_and_percent_by_quarter(client, report):
    table = _page_rows(client, 2019)
    assert table["head"][:6] == ["Показник", "Квартал", "План", "Факт", "Відхилення", "% виконання"]
    revenue = [r for r in table["rows"] if r[0].startswith("Чистий дохід")]
    assert len(revenue) == 4 and len(table["rows"]) == 12  # revenue, costs, net × 4 quarters
    kinds = report["1000"]
    running_plan = running_fact = D(0)
    for q, row in enumerate(revenue, 1):
        plan, fact = kinds[f"plan_q{q}"], kinds[f"fact_q{q}"]
        running_plan, running_fact = running_plan + plan, running_fact + fact
        marker = "▲" if fact > plan else "▼" if fact < plan else "■"
        assert row[2] == uk_number(plan)
        assert row[3].split() == [*uk_number(fact).split(), marker]
        assert row[4] == uk_number(fact - plan)
        assert row[5] == uk_number(_percent(fact, plan))
        assert row[6:8] == [uk_number(running_plan), uk_number(running_fact)]
        assert row[9] == uk_number(_percent(running_fact, running_plan))


def test_the_csv_download_is_the_page_table(client, report):
    html = _page_rows(client, 2019)["rows"]
    rows = _csv(client.get(f"/enterprises/{EDRPOU}/plan-fact.csv"))
    assert len(rows) == len(html)
    for row, cells in zip(rows, html, strict=True):
        assert row["year"] == "2019" and cells[1].startswith("I")
        assert uk_number(D(row["plan"])) == cells[2]
        assert uk_number(D(row["percent"])) == cells[5]
        assert row["marker"] in cells[3]


def test_a_file_that_states_wrong_deviations_and_a_zero_plan_shows_the_computed_ones(
    client, enterprise
):
    """The file's «Відхилення» and «% виконання» are never shown as the execution: the page
    computes them from plan and fact, and a zero plan has no % (not a crash, not ∞)."""
    line_catalogue.seed_catalogue()
    kinds = {"prev_fact_year": D(1), "plan_q1": D(0), "fact_q1": D(50), "plan_q2": D(100)}
    kinds |= {"fact_q2": D(40), "deviation_q2": D(999), "percent_q2": D(250)}
    outcome = services.import_plan(
        plan_xlsx({"1000": ("Дохід", kinds)}, enterprise=enterprise.name, year=2021),
        "tampered.xlsx",
        edrpou=EDRPOU,
        year=2021,
        now=NOW,
    )
    assert any("відхилення 999" in m.text for m in outcome.messages)  # warned at upload
    db.session.commit()
    rows = _page_rows(client, 2021)["rows"]
    assert [r[2:6] for r in rows] == [
        ["0", rows[0][3], "50", "—"],
        ["100", rows[1][3], uk_number(D(-60)), "40"],
    ]
    csv_rows = _csv(client.get(f"/enterprises/{EDRPOU}/plan-fact.csv"))
    assert [(D(r["deviation"]), r["percent"]) for r in csv_rows] == [(50, ""), (-60, "40.0")]


def test_an_enterprise_without_a_plan_has_no_plan_fact_section(client, enterprise):
    page = client.get(f"/enterprises/{EDRPOU}").get_data(as_text=True)
    assert 'id="plan-fact"' not in page
    assert _csv(client.get(f"/enterprises/{EDRPOU}/plan-fact.csv")) == []


def test_open_data_and_the_data_package_carry_the_page_numbers(client, report):
    page = _csv(client.get(f"/enterprises/{EDRPOU}/plan-fact.csv"))
    open_data = _csv(client.get("/enterprises/open-data/plan-fact.csv"))
    assert [
        {k: v for k, v in r.items() if k not in ("edrpou", "enterprise")} for r in open_data
    ] == page
    assert {r["edrpou"] for r in open_data} == {EDRPOU}

    archive = zipfile.ZipFile(io.BytesIO(client.get("/enterprises/open-data/datapackage.zip").data))
    package = json.loads(archive.read("datapackage.json"))
    resource = next(r for r in package["resources"] if r["name"] == "plan_fact")
    packed = list(csv.DictReader(io.StringIO(archive.read(resource["path"]).decode("utf-8"))))
    assert [f["name"] for f in resource["schema"]["fields"]] == list(packed[0])
    types = {f["name"]: f["type"] for f in resource["schema"]["fields"]}
    assert (types["quarter"], types["percent_to_date"], types["marker"]) == (
        "integer",
        "number",
        "string",
    )
    assert packed == open_data


def test_the_openbudget_export_holds_one_plan_fact_file_per_year(runner, report, tmp_path):
    out = tmp_path / "openbudget.zip"
    result = runner.invoke(
        args=["enterprises", "export", "--format", "openbudget", "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    archive = zipfile.ZipFile(out)
    name = f"{EDRPOU}_2019_plan_fact.csv"
    assert name in archive.namelist()
    text = archive.read(name).decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text), delimiter=";"))
    assert len(rows) == 12
    first = rows[0]
    kinds = report["1000"]
    assert (first["Код рядка"], first["Квартал"]) == ("1000", "1")
    assert D(first["План"].replace(",", ".")) == kinds["plan_q1"]
    assert D(first["Відхилення"].replace(",", ".")) == kinds["fact_q1"] - kinds["plan_q1"]
    assert D(first["% виконання"].replace(",", ".")) == _percent(kinds["fact_q1"], kinds["plan_q1"])
