"""End to end in a real headless browser: an editor uploads a statement, a citizen reads it."""

import re

import pytest
from playwright.sync_api import expect

from civic.enterprises import services
from civic.enterprises.statements import EnterpriseEntry
from civic.extensions import db
from tests.enterprises.conftest import EDRPOU, EXAMPLES

pytestmark = pytest.mark.e2e


@pytest.fixture
def enterprise_server(live_app, live_server):
    with live_app.app_context():
        from civic.auth import services as auth

        auth.create_user("ed", "ed-secret-pw-2026", ("editor",))
        services.save_enterprise(
            EnterpriseEntry(EDRPOU, "КП «Тестовий водоканал»", "З", "КП «Тест»")
        )
        db.session.commit()
    return live_server.url


def test_editor_uploads_and_citizen_reads(enterprise_server, browser, page):
    live_server = enterprise_server
    page.goto(f"{live_server}/login?next=/staff/enterprises/upload")
    page.fill("input[name=login]", "ed")
    page.fill("input[name=password]", "ed-secret-pw-2026")
    page.click("main button[type=submit]")
    page.wait_for_url("**/staff/enterprises/upload")
    page.fill("input[name=year]", "2020")
    page.select_option("select[name=kind]", "1")
    page.set_input_files("input[name=file]", str(EXAMPLES / "enterprise-form1-cp1251.csv"))
    page.click("text=Перевірити й завантажити")
    expect(page.locator("body")).to_contain_text("Файл прийнято")

    citizen = browser.new_context().new_page()
    citizen.goto(f"{live_server}/enterprises")
    citizen.click("text=КП «Тест»")
    expect(citizen).to_have_url(re.compile(rf"/enterprises/{EDRPOU}$"))
    expect(citizen.locator("svg.chart").first).to_be_visible()
    expect(citizen.locator("table").first).to_contain_text("46\u00a0569")
    citizen.context.close()
