"""An online PB vote in a real headless Chromium (1280 px): sign in through the development
provider, choose, review, cast, then check the receipt code."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from civic.identity import development
from tests.pb.online_support import open_online_edition
from tests.support.browser import seed

pytestmark = pytest.mark.e2e


def test_a_citizen_votes_online_and_checks_the_receipt(live_app, live_server, page):
    live_app.config["IDENTITY_PROVIDERS"] = ["dev", "email"]
    seed(live_app, open_online_edition)
    person = development.PEOPLE[1]
    page.goto(f"{live_server.url}/pb/gb-online/vote")
    page.get_by_role("link", name="Увійти через тестовий провайдер").click()
    page.get_by_role("button", name=f"Увійти як {person.givenname} {person.lastname}").click()
    expect(page).to_have_url(re.compile(r"/pb/gb-online/vote$"))
    expect(page.get_by_text("Ви увійшли як")).to_contain_text(person.full_name)

    page.get_by_label(re.compile("WORKOUT")).check()
    page.get_by_label(re.compile("Сенсорна кімната")).check()  # two small projects: one too many
    page.get_by_role("button", name="Перевірити вибір").click()
    expect(page.get_by_role("alert")).to_contain_text(
        "у категорії «Малі проєкти» — не більше 1 проєкту"
    )
    page.get_by_label(re.compile("WORKOUT")).uncheck()
    page.get_by_label(re.compile("Реконструкція дитячого майданчика")).check()
    page.get_by_role("button", name="Перевірити вибір").click()
    expect(page.get_by_role("heading", name="Перевірте свій вибір")).to_be_visible()
    expect(page.locator("ul.vote-review")).to_contain_text("Сенсорна кімната")
    page.get_by_role("button", name="Підтвердити й проголосувати").click()

    expect(page.get_by_role("heading", name="Ваш голос прийнято")).to_be_visible()
    code = page.locator(".receipt-code strong").inner_text()
    assert re.fullmatch(r"[0-9A-Z]{4}(-[0-9A-Z]{4}){3}", code)
    page.get_by_role("link", name="Перевірити бюлетень за кодом квитанції").click()
    page.get_by_label("Код квитанції").fill(code.lower())
    page.get_by_role("button", name="Перевірити").click()
    expect(page.get_by_role("status")).to_contain_text("Бюлетень прийнятий")
    expect(page.locator("main")).not_to_contain_text("Сенсорна кімната")

    # Back on the voting page the person cannot vote again.
    page.goto(f"{live_server.url}/pb/gb-online/vote")
    expect(page.get_by_role("status")).to_contain_text("ви вже проголосували в цьому виданні")
    expect(page.get_by_role("button", name="Перевірити вибір")).to_have_count(0)
