"""The head's main path in a real headless browser: journal → draft → edit → finalise."""

from __future__ import annotations

import os
import shutil
import threading

import pytest
from werkzeug.serving import make_server

from civic import create_app
from civic.extensions import db
from tests.conftest import base_config

pytestmark = pytest.mark.e2e

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.fixture
def live_server(sqlite_template, tmp_path):
    path = tmp_path / "civic.sqlite"
    shutil.copyfile(sqlite_template, path)
    app = create_app(
        base_config(SQLALCHEMY_DATABASE_URI=f"sqlite:///{path}", WTF_CSRF_ENABLED=True),
        instance_path=tmp_path / "instance",
    )
    with app.app_context():
        from civic.auth import services as auth
        from civic.reports.demo import load_demo

        auth.create_user("head", "head-head-pw", ("editor", "admin"), full_name="Гук О.О.")
        load_demo(lambda *_: None)
        db.session.commit()
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    with app.app_context():
        db.engine.dispose()


@pytest.fixture
def page():
    if CHROMIUM is None:
        if os.environ.get("CI"):
            pytest.fail("CI must provide Chromium for end-to-end tests")
        pytest.skip("no Chromium on this machine")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        yield browser.new_page()
        browser.close()


def test_head_drafts_edits_and_finalises_the_report(live_server, page):
    page.goto(f"{live_server}/login")
    page.fill("#login", "head")
    page.fill("#password", "head-head-pw")
    page.click("button[type=submit]")
    page.goto(f"{live_server}/staff/journal/?month=2020-11")
    page.fill("#title", "Новина з браузера про ґанок")
    page.fill("#occurred_on", "2020-11-12")
    page.click("text=Додати запис")
    assert "Новина з браузера про ґанок" in page.content()

    page.goto(f"{live_server}/staff/reports/")
    page.fill("#month", "2020-11")
    page.click("text=Створити чернетку")
    assert "317 новин" in page.input_value("#paragraph-3")
    page.fill("#paragraph-1", "Абзац, змінений у браузері.")
    page.click("text=Зберегти зміни")
    assert page.input_value("#paragraph-1") == "Абзац, змінений у браузері."
    page.click("text=Затвердити версію 1")
    assert "затверджено" in page.content()
    assert page.locator("code.details").first.inner_text().strip() != ""
