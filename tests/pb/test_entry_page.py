"""Issue 14, point 5: the ballot-entry page and the commission's lists as operators use them."""

import datetime as dt
import re
from pathlib import Path

import pytest

from civic.extensions import db
from civic.pb import imports, services
from civic.pb.models import Ballot

EXAMPLES = Path(__file__).resolve().parents[2] / "docs" / "examples"
SLUG = "gb-2021"
FIELDS = {
    "batch": "3",
    "number": "5",
    "cast_on": "10.11.2020",
    "full_name": "Бондар Олег",
    "birth_date": "05.05.1975",
    "document": "ВК 778899",
    "settlement": "Ніжин",
    "address": "вул. Шевченка, 2",
    "projects": "М-01, В-01",
}


@pytest.fixture
def edition(app):
    edition = services.save_edition((EXAMPLES / "pb-edition.toml").read_text(encoding="utf-8"))
    imports.import_projects(edition, (EXAMPLES / "pb-projects.csv").read_bytes(), "p.csv")
    db.session.commit()
    return edition


def test_after_an_error_the_field_to_fix_is_marked_and_the_top_is_not_focused(
    client, edition, create_user, login
):
    create_user("op1", "commission")
    login("op1")
    html = client.post(
        f"/staff/pb/{SLUG}/entry", data={**FIELDS, "birth_date": "31.02.1975"}
    ).get_data(as_text=True)
    birth = re.search(r"<input[^>]*id=\"birth_date\"[^>]*>", html)[0]
    batch = re.search(r"<input[^>]*id=\"batch\"[^>]*>", html)[0]
    assert 'aria-invalid="true"' in birth and "autofocus" not in batch
    fresh = client.get(f"/staff/pb/{SLUG}/entry").get_data(as_text=True)
    assert "autofocus" in re.search(r"<input[^>]*id=\"batch\"[^>]*>", fresh)[0]


def test_the_page_counts_the_forms_of_the_batch(client, edition, create_user, login):
    create_user("op1", "commission", full_name="Коваленко Ірина Петрівна")
    login("op1")
    for number in ("5", "6", "7"):
        client.post(f"/staff/pb/{SLUG}/entry", data={**FIELDS, "number": number})
    page = " ".join(client.get(f"/staff/pb/{SLUG}/entry?batch=3").get_data(as_text=True).split())
    assert "Пачка «3»: ви ввели 3 бланки; усього в пачці 3 бланки." in page


def test_a_closed_count_shows_no_entry_form(client, edition, create_user, login):
    create_user("op1", "commission")
    services.close_edition(edition, on=dt.date(2020, 11, 23))
    db.session.commit()
    login("op1")
    page = client.get(f"/staff/pb/{SLUG}/entry").get_data(as_text=True)
    assert "Підрахунок закрито: бюлетені більше не вводяться" in page
    assert 'name="full_name"' not in page


def test_closing_publishing_and_finalising_ask_first(client, edition, create_user, login):
    create_user("op1", "commission")
    login("op1")
    page = client.get(f"/staff/pb/{SLUG}").get_data(as_text=True)
    assert re.search(r'action="/staff/pb/gb-2021/close"\s+data-confirm="Закрити підрахунок', page)
    assert "js/staff.js" in page


def test_a_file_imported_twice_is_dated_in_kyiv_time(client, edition, create_user, login):
    create_user("op1", "commission")
    data = (EXAMPLES / "pb-ballots.csv").read_bytes()
    imports.import_ballots(edition, data, "b.csv")
    db.session.commit()
    with pytest.raises(services.PbError) as refused:
        imports.import_ballots(edition, data, "again.csv")
    message = refused.value.message
    assert "UTC" not in message and "(за київським часом)" in message


def test_invalid_ballots_are_listed_in_numeric_order(client, edition, create_user, login):
    create_user("op1", "commission")
    rows = [
        "Номер бюлетеня;Канал;Дата голосування;ПІБ;Дата народження;Документ;Населений пункт;Проєкти"
    ]
    for n in (10, 2, 1, 21, 3):
        rows.append(f"{n};онлайн;12.11.2020;Особа {n};01.02.2015;НК {n:06};Ніжин;М-01")
    imports.import_ballots(edition, "\n".join(rows).encode(), "young.csv")
    services.tally(edition, counted_on=dt.date(2020, 11, 23))
    db.session.commit()
    login("op1")
    html = client.get(f"/staff/pb/{SLUG}/ballots").get_data(as_text=True)
    listed = [b.ballot_id for b in db.session.scalars(db.select(Ballot))]
    order = sorted(listed, key=lambda b: html.index(f">{b}<"))
    assert [int(re.sub(r"\D", "", b)) for b in order] == [1, 2, 3, 10, 21]
