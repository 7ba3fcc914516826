"""End-to-end fixtures (imported by tests/conftest.py so every browser test shares one Chromium): the app served on loopback and a real headless Chromium (Playwright).

The browser is Debian's Chromium (`.ci/run` installs it); Playwright never downloads its own.
The served app uses a migrated SQLite file (the database paths themselves are covered on both
databases by the rest of the suite). A failing test leaves a screenshot in `test-artifacts/`.
"""

from __future__ import annotations

import os
import shutil
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from civic import create_app
from civic.extensions import db

CHROMIUM_CANDIDATES = ("chromium", "chromium-browser", "google-chrome")
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


def chromium_executable() -> str | None:
    """``CIVIC_CHROMIUM`` or the first Chromium on PATH, if it is there and executable."""
    if os.environ.get("CIVIC_CHROMIUM"):
        return shutil.which(os.environ["CIVIC_CHROMIUM"])
    for name in CHROMIUM_CANDIDATES:
        found = shutil.which(name)
        if found:
            return found
    return None


@pytest.fixture(scope="session")
def chromium_path() -> str:
    path = chromium_executable()
    if path is None:
        from tests.conftest import unavailable

        unavailable("no Chromium on this machine (.ci/run installs Debian's chromium)")
    return path


@pytest.fixture(scope="session")
def browser(chromium_path):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=chromium_path,
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--disable-dev-shm-usage",
            ],
        )
        yield browser
        browser.close()


class LiveServer:
    def __init__(self, app, tmp_path: Path) -> None:
        self.app = app
        self.server = make_server("127.0.0.1", 0, app, threaded=True)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def start(self) -> LiveServer:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.thread.join(timeout=10)


def make_live_app(sqlite_template, folder: Path):
    """An app as a browser meets it (CSRF on, no test mode) on a copy of the migrated SQLite."""
    from tests.conftest import base_config

    path = folder / "civic.sqlite"
    shutil.copyfile(sqlite_template, path)
    return create_app(
        base_config(
            SQLALCHEMY_DATABASE_URI=f"sqlite:///{path}",
            TESTING=False,
            WTF_CSRF_ENABLED=True,
            RATELIMIT_ENABLED=False,
        ),
        instance_path=folder / "instance",
    )


@contextmanager
def served_demo(sqlite_template, folder: Path, *seeders: Callable[[], None]) -> Iterator:
    """The demo data set (``civic demo``), then each of ``seeders``, served on loopback:
    yields ``(app, url)``; the server stops and the database is let go afterwards."""
    app = make_live_app(sqlite_template, folder)
    result = app.test_cli_runner().invoke(args=["demo"])
    assert result.exit_code == 0, result.output
    for fn in seeders:
        seed(app, fn)
    server = LiveServer(app, folder).start()
    app.config["PUBLIC_BASE_URL"] = server.url
    try:
        yield app, server.url
    finally:
        server.stop()
        with app.app_context():
            db.session.remove()
            db.engine.dispose()


@pytest.fixture
def live_app(sqlite_template, tmp_path):
    app = make_live_app(sqlite_template, tmp_path)
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def live_server(live_app, tmp_path):
    server = LiveServer(live_app, tmp_path).start()
    live_app.config["PUBLIC_BASE_URL"] = server.url
    yield server
    server.stop()


@pytest.fixture
def page(browser, request):
    context = browser.new_context(locale="uk-UA", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    failed = getattr(request.node, "rep_call", None)
    if failed is not None and failed.failed:
        ARTIFACTS.mkdir(exist_ok=True)
        safe = "".join(c if c.isalnum() else "_" for c in request.node.nodeid)[-150:]
        page.screenshot(path=str(ARTIFACTS / f"{safe}.png"), full_page=True)
    context.close()


def seed(app, fn):
    """Run ``fn()`` inside the live app's context and commit."""
    with app.app_context():
        fn()
        db.session.commit()


def log_in(page, base_url: str, login: str, password: str) -> None:
    page.goto(f"{base_url}/login")
    page.get_by_label("Логін").fill(login)
    page.get_by_label("Пароль").fill(password)
    page.get_by_role("button", name="Увійти").click()
    page.wait_for_url(f"{base_url}/staff/**")
