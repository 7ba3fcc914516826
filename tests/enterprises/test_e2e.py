"""End to end in a real headless browser: an editor uploads a statement, a citizen reads it."""

import os
import shutil
import threading

import pytest
from werkzeug.serving import make_server

from civic.enterprises import services
from civic.enterprises.statements import EnterpriseEntry
from civic.extensions import db
from tests.enterprises.conftest import EDRPOU, EXAMPLES

pytestmark = pytest.mark.e2e


def _chromium() -> str | None:
    return (
        os.environ.get("CIVIC_CHROMIUM")
        or shutil.which("chromium")
        or shutil.which("chromium-browser")
    )


@pytest.fixture
def live_server(app_factory, database_url):
    if not database_url.startswith("sqlite"):
        pytest.skip("the browser path is the same on both databases; it runs once, on SQLite")
    if _chromium() is None:
        if os.environ.get("CI"):
            pytest.fail("chromium must be installed in CI for end-to-end tests")
        pytest.skip("chromium is not installed here")
    app = app_factory(WTF_CSRF_ENABLED=True)
    with app.app_context():
        from civic.auth import services as auth

        auth.create_user("ed", "ed-ed-pw", ("editor",))
        services.save_enterprise(
            EnterpriseEntry(EDRPOU, "КП «Тестовий водоканал»", "З", "КП «Тест»")
        )
        db.session.commit()
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join()


def test_editor_uploads_and_citizen_reads(live_server):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=_chromium())
        page = browser.new_page()
        page.goto(f"{live_server}/login?next=/staff/enterprises/upload")
        page.fill("input[name=login]", "ed")
        page.fill("input[name=password]", "ed-ed-pw")
        page.click("main button[type=submit]")
        page.wait_for_url("**/staff/enterprises/upload")
        page.fill("input[name=year]", "2020")
        page.select_option("select[name=kind]", "1")
        page.set_input_files("input[name=file]", str(EXAMPLES / "enterprise-form1-cp1251.csv"))
        page.click("text=Перевірити й завантажити")
        assert "Файл прийнято" in page.content()

        citizen = browser.new_context().new_page()
        citizen.goto(f"{live_server}/enterprises")
        citizen.click("text=КП «Тест»")
        assert citizen.url.endswith(f"/enterprises/{EDRPOU}")
        assert citizen.locator("svg.chart").count() >= 1
        assert "46\u00a0569" in citizen.locator("table").first.inner_text()
        browser.close()
