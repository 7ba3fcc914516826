"""Every public page and each role's staff pages at 1280, 390 and 320 px: nothing makes the
page scroll sideways; the PB chart stays readable on a phone and names no internal codes.

One demo data set (``civic demo``) served once for the module: the pages are the ones people
really see, with real lengths of titles and tables.
"""

from __future__ import annotations

import pytest

from civic.extensions import db
from civic.pb.rule_names import RULE_NAMES
from civic.pb.services import list_public_editions
from civic.petitions import lifecycle
from civic.petitions.models import Petition
from tests.support.browser import served_demo

pytestmark = pytest.mark.e2e

WIDTHS = (1280, 390, 320)
# Demo accounts (README) and the role each stands for.
ROLES = {
    "admin": "demo-root-2026",
    "commission": "demo-count-2026",
    "moderator": "demo-petition-2026",
    "editor": "demo-report-2026",
}
INTERNAL_CODES = ("greedy", "equalshares", "phragmen", "MES", "Add1", "add1")


@pytest.fixture(scope="module")
def demo_site(sqlite_template, tmp_path_factory):
    with served_demo(sqlite_template, tmp_path_factory.mktemp("phones")) as (app, url):
        with app.app_context():
            slugs = [edition.slug for edition in list_public_editions()]
            public = [
                p.id
                for p in db.session.scalars(db.select(Petition).order_by(Petition.id))
                if p.state_enum in lifecycle.PUBLIC_STATES
            ]
            from civic.enterprises.models import Enterprise

            edrpou = db.session.scalars(db.select(Enterprise.edrpou)).first()
        yield app, url, slugs, public, edrpou


def overflow(page) -> tuple[int, int]:
    return page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")


MAX_STAFF_PAGES = 15
DOWNLOADS = (".csv", ".xlsx", ".pdf", ".json", ".pb", ".zip", ".eml")


def staff_links(page) -> list[str]:
    hrefs = page.eval_on_selector_all(
        "main a[href^='/staff']",
        "els => [...new Set(els.map(e => e.getAttribute('href').split('#')[0]))]",
    )
    return [h for h in hrefs if not h.split("?")[0].endswith(DOWNLOADS) and "/download" not in h]


def assert_fits(page, url: str, width: int) -> None:
    response = page.goto(url)
    assert response.status == 200, url
    scroll, inner = overflow(page)
    assert scroll <= inner, f"{url} at {width} px is {scroll} px wide"


@pytest.mark.parametrize("width", WIDTHS)
def test_public_pages_fit_the_screen(browser, demo_site, width):
    app, url, slugs, public, edrpou = demo_site
    assert slugs and public and edrpou
    paths = [
        "/",
        "/petitions",
        "/petitions?sort=ending",
        "/petitions?sort=signatures",
        "/petitions/new",
        *(f"/petitions/{n}" for n in public[:3]),
        f"/petitions/{public[0]}/signers",
        "/pb/",
        *(f"/pb/{slug}" for slug in slugs),
        "/enterprises",
        f"/enterprises/{edrpou}",
        "/open-data",
        "/login",
    ]
    context = browser.new_context(locale="uk-UA", viewport={"width": width, "height": 800})
    page = context.new_page()
    try:
        for path in paths:
            assert_fits(page, url + path, width)
        # The comparison pages linked from the enterprises page.
        page.goto(url + "/enterprises")
        compare = page.eval_on_selector_all(
            "a[href*='/enterprises/compare']", "els => els.map(e => e.getAttribute('href'))"
        )
        assert compare
        for href in compare:
            assert_fits(page, url + href, width)
    finally:
        context.close()


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("role", sorted(ROLES))
def test_each_roles_staff_pages_fit_the_screen(browser, demo_site, role, width):
    app, url, *_ = demo_site
    context = browser.new_context(locale="uk-UA", viewport={"width": width, "height": 800})
    page = context.new_page()
    try:
        page.goto(url + "/login")
        page.get_by_label("Логін").fill(role)
        page.get_by_label("Пароль").fill(ROLES[role])
        page.get_by_role("button", name="Увійти").click()
        page.wait_for_url(f"{url}/staff**")
        scroll, inner = overflow(page)
        assert scroll <= inner, f"staff home of {role} at {width} px is {scroll} px wide"
        # The role's main pages: what its home links to, and what those pages link to.
        seen, todo = set(), staff_links(page)
        while todo and len(seen) < MAX_STAFF_PAGES:
            href = todo.pop(0)
            if href in seen:
                continue
            seen.add(href)
            kind = page.request.get(url + href).headers.get("content-type", "")
            if not kind.startswith("text/html"):
                continue  # a file to download, not a page
            assert_fits(page, url + href, width)
            if len(seen) <= 3:  # the home's first links are the sections: follow them once
                todo += [h for h in staff_links(page) if h not in seen]
        assert len(seen) >= 3, seen
    finally:
        context.close()


@pytest.mark.parametrize("width", (390, 320))
def test_pb_chart_is_readable_on_a_phone(browser, demo_site, width):
    app, url, slugs, *_ = demo_site
    context = browser.new_context(locale="uk-UA", viewport={"width": width, "height": 800})
    page = context.new_page()
    try:
        for slug in slugs:
            page.goto(f"{url}/pb/{slug}")
            sizes = page.eval_on_selector_all(
                "svg.chart text",
                "els => els.map(e => [parseFloat(getComputedStyle(e).fontSize),"
                " e.getBoundingClientRect().height, e.getBoundingClientRect().right])",
            )
            assert sizes
            assert all(font >= 12 and height >= 12 for font, height, _ in sizes), sizes
            assert all(right <= width for *_, right in sizes)  # nothing drawn off screen
            # Each chart's legend: funded or not (the budget charts add their budget line).
            for legend in page.locator("figure .legend").all():
                items = legend.locator("li").all_inner_texts()
                assert any("фінансується" in item for item in items) and len(items) in (2, 3)
            # Project names are whole: every title from the table is in the chart's text.
            chart_text = " ".join(page.locator("svg.chart text").all_text_contents()).split()
            titles = page.locator("td[data-label='Проєкт']").all_inner_texts()
            assert titles
            joined = "".join(chart_text)
            assert all("".join(t.split()) in joined for t in titles)
            body = page.locator("main").inner_text()
            assert not [code for code in INTERNAL_CODES if code in body]
            assert any(name.title in body for name in RULE_NAMES.values())
    finally:
        context.close()
