"""Tab titles name the page and the council, never the software."""

import re

import pytest


@pytest.mark.parametrize(
    "path", ["/", "/petitions", "/petitions/new", "/pb/", "/enterprises", "/login"]
)
def test_tab_title_ends_with_the_council_name(client, app, path):
    response = client.get(path)
    assert response.status_code == 200
    title = re.search(r"<title>(.*?)</title>", response.get_data(as_text=True), re.S)[1].strip()
    council = app.config["COUNCIL_NAME"]
    assert title.endswith(council) and "civic" not in title.lower()
    assert title == council or title.endswith(f" — {council}")
