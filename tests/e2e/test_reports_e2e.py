"""The head's main path in a real headless browser: journal → draft → edit → finalise."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from civic.extensions import db

pytestmark = pytest.mark.e2e


@pytest.fixture
def report_server(live_app, live_server):
    with live_app.app_context():
        from civic.auth import services as auth
        from civic.reports.demo import load_demo

        auth.create_user("head", "chief-secret-2026", ("editor", "admin"), full_name="Гук О.О.")
        load_demo(lambda *_: None)
        db.session.commit()
    return live_server.url


def test_head_drafts_edits_and_finalises_the_report(report_server, page):
    live_server = report_server
    page.goto(f"{live_server}/login")
    page.fill("#login", "head")
    page.fill("#password", "chief-secret-2026")
    page.click("button[type=submit]")
    page.goto(f"{live_server}/staff/journal/?month=2020-11")
    page.fill("#title", "Новина з браузера про ґанок")
    page.fill("#occurred_on", "2020-11-12")
    page.click("text=Додати запис")
    expect(page.locator("body")).to_contain_text("Новина з браузера про ґанок")

    page.goto(f"{live_server}/staff/reports/")
    page.fill("#month", "2020-11")
    page.click("text=Створити чернетку")
    expect(page.locator("#paragraph-3")).to_have_value(re.compile("317 новин"))
    page.fill("#paragraph-1", "Абзац, змінений у браузері.")
    page.click("text=Зберегти зміни")
    expect(page.locator("#paragraph-1")).to_have_value("Абзац, змінений у браузері.")
    page.once("dialog", lambda dialog: dialog.accept())  # «Затвердити версію 1? …»
    page.click("text=Затвердити версію 1")
    expect(page.locator("body")).to_contain_text("затверджено")
    # The PDF's SHA-256 in short, the full value behind the copy button.
    expect(page.locator(".digest code").first).to_have_text(re.compile(r"^[0-9a-f]{12}…$"))
    assert re.fullmatch(
        r"[0-9a-f]{64}", page.locator("[data-copy]").first.get_attribute("data-copy")
    )
