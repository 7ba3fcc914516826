"""The enterprise page's HTML tables and their CSV downloads come from one spec each
(``civic.enterprises.dashboard``): what a spec holds shows in both, through the HTTP pages."""

import csv
import io
from html.parser import HTMLParser

import pytest

from civic.enterprises import dashboard, services
from civic.enterprises.demo import load_demo
from civic.extensions import db
from tests.enterprises.conftest import BALANCED, EDRPOU, form1_csv

CAPTIONS = {  # the CSV name of each table on the page → the start of its caption
    "lines": "Ключові рядки за роками",
    "indicators": "Показники за роками",
    "plan": "План і факт",
}
SPECS = {"lines": "lines_table", "indicators": "indicators_table", "plan": "plan_table"}


@pytest.fixture
def demo(app):
    load_demo(lambda _: None)
    db.session.commit()


class _Tables(HTMLParser):
    """Each ``<table>`` as its caption, its header cells and its body rows of cell texts."""

    def __init__(self):
        super().__init__()
        self.tables, self._cell, self._part = [], None, None

    def handle_starttag(self, tag, attrs):
        if tag == "table":
            self.tables.append({"caption": "", "head": [], "rows": []})
        elif tag in ("thead", "tbody", "caption"):
            self._part = tag
        elif tag == "tr" and self._part == "tbody":
            self.tables[-1]["rows"].append([])
        elif tag in ("th", "td"):
            self._cell = ""

    def handle_endtag(self, tag):
        if tag in ("th", "td") and self._cell is not None:
            table = self.tables[-1]
            (table["head"] if self._part == "thead" else table["rows"][-1]).append(self._cell)
            self._cell = None
        elif tag in ("thead", "tbody", "caption"):
            self._part = None

    def handle_data(self, data):
        if self._cell is not None:
            self._cell += data
        elif self._part == "caption":
            self.tables[-1]["caption"] += data


def page_table(client, name: str) -> dict:
    parser = _Tables()
    parser.feed(client.get(f"/enterprises/{EDRPOU}").get_data(as_text=True))
    found = [t for t in parser.tables if t["caption"].strip().startswith(CAPTIONS[name])]
    assert len(found) == 1, name
    return found[0]


def csv_table(client, name: str) -> list[list[str]]:
    response = client.get(f"/enterprises/{EDRPOU}/{name}.csv")
    assert response.status_code == 200
    return list(csv.reader(io.StringIO(response.get_data().decode("utf-8-sig"))))


@pytest.mark.parametrize("name", sorted(SPECS))
def test_the_html_table_and_its_csv_have_the_columns_of_one_spec(client, demo, name):
    html, rows = page_table(client, name), csv_table(client, name)
    header, body = rows[0], rows[1:]
    assert body and len(html["rows"]) == len(body)
    assert all(len(r) == len(html["head"]) for r in html["rows"])
    # The spec the pages are drawn from, read back from the CSV's own years.
    years = [int(h) for h in header if h.isdigit() and len(h) == 4]
    plan_year = int(body[0][0]) if name == "plan" else None
    spec = getattr(dashboard, SPECS[name])(plan_year if name == "plan" else years)
    assert html["head"] == [c.title for c in spec.columns if c.title is not None]
    assert header == spec.csv_headers()
    # A column both show stands in the same order in both.
    shared = [c for c in spec.columns if c.title is not None and c.csv is not None]
    assert [h for h in html["head"] if h in {c.title for c in shared}] == [c.title for c in shared]
    assert [h for h in header if h in {c.csv for c in shared}] == [c.csv for c in shared]


@pytest.mark.parametrize("name", sorted(SPECS))
def test_a_column_added_to_a_spec_shows_in_the_html_and_the_csv(client, demo, monkeypatch, name):
    made = getattr(dashboard, SPECS[name])

    def with_check(*args):
        table = made(*args)
        check = dashboard.Column("Перевірка", "check", lambda r: "перевірено", "text")
        return dashboard.Table((*table.columns, check), trends_last=table.trends_last)

    monkeypatch.setattr(dashboard, SPECS[name], with_check)
    html, rows = page_table(client, name), csv_table(client, name)
    assert html["head"][-1] == "Перевірка"
    assert all(r[-1] == "перевірено" for r in html["rows"])
    at = rows[0].index("check")
    assert all(r[at] == "перевірено" for r in rows[1:])


def test_a_hostile_file_name_stays_text_in_the_cells_that_name_it(client, enterprise):
    """The key-lines cells name the file each number comes from (a ``title`` attribute): a
    file name built to break out of the attribute is shown as the text it is."""
    hostile = '2020" onmouseover="alert(1)" x="<script>alert(2)</script>.csv'
    services.import_statement(form1_csv(BALANCED), hostile, edrpou=EDRPOU, year=2020, form="1")
    db.session.commit()
    page = client.get(f"/enterprises/{EDRPOU}").get_data(as_text=True)
    assert "onmouseover=" not in page.replace("onmouseover=&#34;", "")
    assert "<script>alert(2)" not in page
    table = page_table(client, "lines")
    assert table["rows"] and all(len(r) == len(table["head"]) for r in table["rows"])
    assert 'title="Файл «2020&#34; onmouseover=&#34;alert(1)&#34;' in page
