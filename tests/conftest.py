"""Fixtures shared by the whole suite.

Every test that takes ``app`` (or anything built on it) runs twice: on SQLite and on a
throwaway PostgreSQL server started here. ``CIVIC_TEST_BACKENDS=sqlite`` narrows a local run;
in CI (``CI`` set) PostgreSQL failing to start fails the run instead of skipping.

Under pytest-xdist (``make test`` runs ``-n 2``) the session fixtures belong to each worker
process: every worker starts its own PostgreSQL server on its own port, its own SQLite template
in its own temporary folder and its own Chromium, so workers share nothing but the machine.
"""

from __future__ import annotations

import itertools
import os
import shutil
import sqlite3
from pathlib import Path

import pytest
from flask import g, has_app_context
from flask.testing import FlaskClient

from civic import create_app
from civic.extensions import db
from tests.support.browser import (  # noqa: F401  (fixtures shared by every browser test)
    browser,
    chromium_path,
    live_app,
    live_server,
    page,
)
from tests.support.idgovua_fake import fake_idgovua  # noqa: F401  (a shared fixture)
from tests.support.postgres import PostgresServer, PostgresUnavailable

REPO_ROOT = Path(__file__).resolve().parent.parent
SHARED = REPO_ROOT.parent / "shared"
BACKENDS = tuple(os.environ.get("CIVIC_TEST_BACKENDS", "sqlite,postgresql").split(","))
_db_counter = itertools.count(1)


def base_config(**overrides) -> dict:
    config = {
        "TESTING": True,
        "SECRET_KEY": "test-secret",
        "PERSONAL_DATA_KEY": "test-personal-data-key",
        "WTF_CSRF_ENABLED": False,
        "MAIL_SERVER": None,
        "PUBLIC_BASE_URL": "http://localhost",
    }
    config.update(overrides)
    return config


class CivicTestClient(FlaskClient):
    """A test client for apps whose context the test keeps pushed (the ``app`` fixture).

    Flask reuses an active app context for requests, so ``g`` outlives a request there and
    Flask-Login would keep answering with the first request's user. Each request here starts
    without that cached user, as it would in production where every request has its own ``g``.
    """

    def open(self, *args, **kwargs):
        if has_app_context():
            g.pop("_login_user", None)
        return super().open(*args, **kwargs)


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    """The real data beside the repository (pabulib elections, the seed report)."""
    if not SHARED.is_dir():
        pytest.fail(
            f"{SHARED} is absent: the real-data tests need ../shared/data/pabulib and "
            "../shared/seed beside the checkout"
        )
    return SHARED


def start_postgres() -> PostgresServer:
    """A throwaway PostgreSQL server, or a failed test saying why it could not start."""
    try:
        return PostgresServer().start()
    except PostgresUnavailable as exc:
        unavailable(f"PostgreSQL could not start: {exc}")


@pytest.fixture(scope="session")
def pg_server():
    server = start_postgres()
    yield server
    server.stop()


def _migrate(url: str, instance: Path) -> None:
    from flask_migrate import upgrade

    app = create_app(base_config(SQLALCHEMY_DATABASE_URI=url), instance_path=instance)
    with app.app_context():
        upgrade()
        if db.engine.dialect.name == "sqlite":
            with db.engine.connect() as conn:
                conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
        db.engine.dispose()


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("sqlite-template")
    path = folder / "template.sqlite"
    _migrate(f"sqlite:///{path}", folder / "instance")
    # A single self-contained file, safe to copy for each test.
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA journal_mode=DELETE")
    conn.close()
    return path


@pytest.fixture(scope="session")
def pg_template(pg_server, tmp_path_factory) -> str:
    pg_server.execute("CREATE DATABASE civic_template")
    _migrate(pg_server.url("civic_template"), tmp_path_factory.mktemp("pg-instance"))
    return "civic_template"


@pytest.fixture(params=BACKENDS)
def database_url(request, tmp_path):
    if request.param == "sqlite":
        template = request.getfixturevalue("sqlite_template")
        path = tmp_path / "civic.sqlite"
        shutil.copyfile(template, path)
        yield f"sqlite:///{path}"
    else:
        server = request.getfixturevalue("pg_server")
        template = request.getfixturevalue("pg_template")
        name = f"civic_test_{os.getpid()}_{next(_db_counter)}"
        server.execute(f"CREATE DATABASE {name} TEMPLATE {template}")
        yield server.url(name)
        server.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


@pytest.fixture
def app_factory(database_url, tmp_path):
    """Build an app on this test's database; keyword arguments override the config."""
    made = []

    def make(**overrides):
        app = create_app(
            base_config(**{"SQLALCHEMY_DATABASE_URI": database_url, **overrides}),
            instance_path=tmp_path / "instance",
        )
        app.test_client_class = CivicTestClient
        made.append(app)
        return app

    yield make
    for app in made:
        with app.app_context():
            db.session.remove()
            db.engine.dispose()


@pytest.fixture
def app(app_factory):
    app = app_factory()
    with app.app_context():
        yield app


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


# Obeys the password rules (12+ characters, no Latin login inside, not a common password).
STAFF_PASSWORD = "Ніжин-рада-тест-2026"


@pytest.fixture
def create_user(app):
    """Create a staff account: ``create_user("op1", "commission")`` → User (password
    ``STAFF_PASSWORD`` unless given)."""
    from civic.auth import services

    def make(login: str, *roles: str, password: str | None = None, full_name: str = ""):
        user = services.create_user(
            login, password or STAFF_PASSWORD, roles or ("editor",), full_name=full_name
        )
        db.session.commit()
        return user

    return make


def login_as(client, login: str, password: str | None = None):
    response = client.post("/login", data={"login": login, "password": password or STAFF_PASSWORD})
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    return response


@pytest.fixture
def login(client):
    def do(login: str, password: str | None = None):
        return login_as(client, login, password)

    return do


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """Keep each phase's report on the item so the ``page`` fixture can screenshot failures."""
    outcome = yield
    report = outcome.get_result()
    setattr(item, f"rep_{report.when}", report)


def pytest_collection_modifyitems(config, items):
    """Races marked ``postgresql_only`` are meaningless on SQLite, which serialises writers:
    their SQLite variants are deselected (not skipped), so every collected test really runs."""
    keep, drop = [], []
    for item in items:
        callspec = getattr(item, "callspec", None)
        on_sqlite = callspec is not None and callspec.params.get("database_url") == "sqlite"
        (drop if on_sqlite and item.get_closest_marker("postgresql_only") else keep).append(item)
    if drop:
        config.hook.pytest_deselected(items=drop)
        items[:] = keep


def unavailable(reason: str):
    """A tool a test needs is missing: the test fails, saying what to install — a suite that
    passes has run every test it claims (`.ci/run` installs Chromium and PostgreSQL)."""
    pytest.fail(
        f"{reason} — install it (see .ci/run) or narrow the run, e.g. CIVIC_TEST_BACKENDS=sqlite"
    )
