"""No live counts, in a real headless Chromium at 1280 and 390 px: while the count is open a
citizen sees the projects and the notice, the commission sees its working tally; once a member
closes the count with the button, the citizen's page shows the votes."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from civic.auth import services as auth_services
from civic.pb import imports, services
from civic.pb.publication import NOTICE
from tests.pb.conftest import many_ballots_csv
from tests.support.browser import log_in, seed

pytestmark = pytest.mark.e2e

EXAMPLES = Path(__file__).resolve().parents[2] / "docs" / "examples"
SLUG = "gb-2021"
VOTES = re.compile(r"4\s?817")  # М-01's votes, in any grouping the page may use


def _seed():
    auth_services.create_user(
        "member", "tally-keeper-2026", ["commission"], full_name="Ірина Коваль"
    )
    edition = services.save_edition((EXAMPLES / "pb-edition.toml").read_text(encoding="utf-8"))
    imports.import_projects(edition, (EXAMPLES / "pb-projects.csv").read_bytes(), "p.csv")
    imports.import_ballots(edition, many_ballots_csv(), "many.csv")
    services.tally(edition, counted_on=dt.date(2020, 11, 23))


def _fits(page) -> None:
    scroll, inner = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert scroll <= inner, f"{page.url} is {scroll} px wide at {inner} px"


@pytest.mark.parametrize("width", (1280, 390))
def test_citizens_see_the_votes_only_after_the_commission_closes_the_count(
    live_app, live_server, browser, width
):
    base = live_server.url
    seed(live_app, _seed)
    context = browser.new_context(locale="uk-UA", viewport={"width": width, "height": 800})
    citizen, member = context.new_page(), browser.new_page(viewport={"width": width, "height": 800})
    try:
        citizen.goto(f"{base}/pb/")
        citizen.get_by_role("link", name=re.compile("Громадський бюджет міста Ніжина")).click()
        citizen.wait_for_url(f"{base}/pb/{SLUG}")
        expect(citizen.get_by_role("status")).to_have_text(NOTICE)
        expect(citizen.get_by_text("WORKOUT – смуга перешкод")).to_be_visible()
        expect(citizen.locator("main")).not_to_contain_text(VOTES)
        expect(citizen.locator("svg")).to_have_count(0)
        _fits(citizen)

        log_in(member, base, "member", "tally-keeper-2026")
        member.goto(f"{base}/staff/pb/{SLUG}")
        expect(member.locator("main")).to_contain_text("отримано 9539")  # the working tally
        expect(
            member.get_by_text(re.compile("Робочий підрахунок бачить лише комісія"))
        ).to_be_visible()
        member.get_by_label(re.compile("Дата підрахунку")).fill("23.11.2020")
        member.once("dialog", lambda dialog: dialog.accept())
        member.get_by_role("button", name="Закрити підрахунок").click()
        expect(member.get_by_text("Підрахунок закрито; протокол доступний")).to_be_visible()

        citizen.reload()
        expect(citizen.get_by_text(NOTICE)).to_have_count(0)
        expect(citizen.get_by_role("cell", name=VOTES).first).to_be_visible()
        expect(citizen.locator("svg.chart").first).to_be_visible()
        _fits(citizen)
    finally:
        member.close()
        context.close()
