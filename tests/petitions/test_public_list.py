"""The public list of petitions: days left and the three orders, kept across pages."""

import datetime as dt
import re

import pytest

from civic.extensions import db
from civic.formatting import plural_category
from civic.petitions import lifecycle, services


def listed_ids(response) -> list[int]:
    html = response.get_data(as_text=True)
    return [int(n) for n in re.findall(r'href="/petitions/(\d+)"', html)]


@pytest.fixture
def three(make_petition):
    """Three collecting petitions: published 50, 10 and 30 days ago, with 5, 40 and 12 signatures."""
    today = services.today_kyiv()
    made = []
    for age, count in ((50, 5), (10, 40), (30, 12)):
        petition = make_petition("collecting", on=today - dt.timedelta(days=age))
        petition.signature_count = count
        made.append(petition)
    db.session.commit()
    return made


@pytest.mark.parametrize(
    ("sort", "order"),
    [
        (None, [1, 2, 0]),  # newest published first
        ("newest", [1, 2, 0]),
        ("signatures", [1, 2, 0]),
        ("ending", [0, 2, 1]),  # the earliest published ends first
        ("bogus", [1, 2, 0]),
    ],
)
def test_orders(client, three, sort, order):
    query = f"?sort={sort}" if sort else ""
    response = client.get(f"/petitions{query}")
    assert response.status_code == 200
    assert listed_ids(response) == [three[i].id for i in order]


def test_signatures_order_is_not_the_publication_order(client, three):
    three[0].signature_count = 100
    db.session.commit()
    assert listed_ids(client.get("/petitions?sort=signatures"))[0] == three[0].id
    assert listed_ids(client.get("/petitions?sort=newest"))[-1] == three[0].id


def test_days_left_are_shown_with_the_noun_agreeing(client, three):
    today = services.today_kyiv()
    text = client.get("/petitions").get_data(as_text=True)
    for petition in three:
        left = lifecycle.days_left(petition.collection_ends_on, today)
        assert left and left > 1
        word = {"one": "день", "few": "дні", "many": "днів"}
        assert f"{left} {word[plural_category(left)]}" in text
        assert f"до {petition.collection_ends_on:%d.%m.%Y}" in text


def test_pagination_keeps_the_order(client, make_petition):
    for _ in range(21):
        make_petition("collecting", on=services.today_kyiv())
    page = client.get("/petitions?sort=signatures").get_data(as_text=True)
    assert (
        "page=2" in page and "sort=signatures" in re.search(r'href="([^"]*page=2[^"]*)"', page)[1]
    )


@pytest.mark.parametrize(
    ("ends_on", "today", "left"),
    [
        (dt.date(2021, 1, 4), dt.date(2021, 1, 4), 1),
        (dt.date(2021, 1, 4), dt.date(2021, 1, 3), 2),
        (dt.date(2021, 1, 4), dt.date(2021, 1, 5), None),
        (None, dt.date(2021, 1, 5), None),
        (dt.date(2021, 1, 4), dt.date(2020, 11, 6), 60),
    ],
)
def test_days_left(ends_on, today, left):
    assert lifecycle.days_left(ends_on, today) == left
