"""The foundation's main path in a real browser: log in, see the staff home, manage a user."""

import re

import pytest
from playwright.sync_api import expect

from civic.auth import services
from tests.support.browser import log_in, seed

pytestmark = pytest.mark.e2e


def test_admin_logs_in_creates_user_and_logs_out(live_app, live_server, page):
    seed(
        live_app,
        lambda: services.create_user("boss", "chief-secret-2026", ["admin"], full_name="Олена Гук"),
    )
    log_in(page, live_server.url, "boss", "chief-secret-2026")
    expect(page.get_by_role("heading", name="Кабінет працівника")).to_be_visible()
    expect(page.get_by_text("Олена Гук")).to_be_visible()

    page.get_by_role("link", name="Користувачі та ролі").click()
    page.get_by_role("link", name="Новий користувач").click()
    page.get_by_label("Логін").fill("operator1")
    page.get_by_label("Пароль").fill("operator-password")
    page.get_by_label("Член лічильної комісії").check()
    page.get_by_role("button", name="Зберегти").click()
    expect(page.get_by_text("Користувача «operator1» створено.")).to_be_visible()
    expect(page.get_by_role("cell", name="operator1")).to_be_visible()

    page.get_by_role("button", name="Вийти (boss)").click()
    expect(page.get_by_role("link", name="Вхід для працівників")).to_be_visible()


def test_wrong_password_message_and_anonymous_redirect(live_server, page):
    page.goto(f"{live_server.url}/staff/users")
    expect(page).to_have_url(re.compile(r"/login\?next="))
    page.get_by_label("Логін").fill("nobody")
    page.get_by_label("Пароль").fill("wrong-password")
    page.get_by_role("button", name="Увійти").click()
    expect(page.get_by_role("alert")).to_have_text("Неправильний логін або пароль.")


def test_pages_load_no_blocked_resources(live_server, page):
    problems = []
    page.on("console", lambda msg: problems.append(msg.text) if msg.type == "error" else None)
    page.goto(live_server.url + "/")
    page.goto(live_server.url + "/login")
    assert problems == []  # the CSP blocks nothing the pages need
