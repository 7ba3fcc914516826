"""Behind nginx: which X-Forwarded-* headers are trusted, and the per-worker limits warning."""

import logging

import pytest

from civic.extensions import gunicorn_workers
from tests.conftest import base_config


def _echo_app(app_factory, **settings):
    app = app_factory(**settings)

    @app.route("/_echo")
    def echo():
        from flask import request

        return f"{request.remote_addr} {request.scheme} {request.host}"

    return app


HEADERS = {
    "X-Forwarded-For": "203.0.113.9",
    "X-Forwarded-Proto": "https",
    "X-Forwarded-Host": "civic.example.gov.ua",
}


def test_forwarded_headers_are_ignored_by_default(app_factory):
    app = _echo_app(app_factory)
    body = app.test_client().get("/_echo", headers=HEADERS).get_data(as_text=True)
    assert body == "127.0.0.1 http localhost"


def test_proxy_fix_settings_trust_one_proxy_per_header(app_factory):
    app = _echo_app(app_factory, PROXY_FIX_X_FOR=1, PROXY_FIX_X_PROTO=1, PROXY_FIX_X_HOST=1)
    client = app.test_client()
    body = client.get("/_echo", headers=HEADERS).get_data(as_text=True)
    assert body == "203.0.113.9 https civic.example.gov.ua"
    # A client-forged first hop is not believed: only the last one, which nginx appended.
    forged = client.get("/_echo", headers={"X-Forwarded-For": "10.9.9.9, 198.51.100.4"})
    assert forged.get_data(as_text=True).startswith("198.51.100.4 ")


@pytest.mark.parametrize(
    ("argv", "environ", "workers"),
    [
        (["gunicorn", "-w", "2", "civic:create_app()"], {"SERVER_SOFTWARE": "gunicorn/23"}, 2),
        (["gunicorn", "--workers=4", "x:y"], {"SERVER_SOFTWARE": "gunicorn/23"}, 4),
        (["gunicorn", "x:y"], {"SERVER_SOFTWARE": "gunicorn/23"}, 1),
        (["gunicorn", "x:y"], {"SERVER_SOFTWARE": "gunicorn/23", "WEB_CONCURRENCY": "3"}, 3),
        (
            ["gunicorn", "-w", "5", "x:y"],
            {"SERVER_SOFTWARE": "gunicorn/23", "GUNICORN_CMD_ARGS": "--workers 2"},
            5,
        ),
        (["gunicorn", "x:y"], {"SERVER_SOFTWARE": "gunicorn/23", "GUNICORN_CMD_ARGS": "-w 3"}, 3),
        (["flask", "run"], {}, None),
    ],
)
def test_gunicorn_workers_read_as_gunicorn_reads_them(argv, environ, workers):
    assert gunicorn_workers(argv, environ) == workers


def test_memory_storage_with_several_workers_warns(monkeypatch, tmp_path, caplog):
    from civic import create_app

    monkeypatch.setattr("sys.argv", ["gunicorn", "-w", "3", "civic:create_app()"])
    monkeypatch.setenv("SERVER_SOFTWARE", "gunicorn/23.0.0")
    url = f"sqlite:///{tmp_path / 'x.sqlite'}"
    with caplog.at_level(logging.WARNING):
        create_app(base_config(SQLALCHEMY_DATABASE_URI=url), instance_path=tmp_path / "i")
    assert "memory:// with 3 gunicorn workers" in caplog.text
    caplog.clear()
    with caplog.at_level(logging.WARNING):
        create_app(
            base_config(SQLALCHEMY_DATABASE_URI=url, RATELIMIT_ENABLED=False),
            instance_path=tmp_path / "i",
        )
        monkeypatch.setattr("sys.argv", ["gunicorn", "-w", "1", "civic:create_app()"])
        create_app(base_config(SQLALCHEMY_DATABASE_URI=url), instance_path=tmp_path / "i")
    assert "memory://" not in caplog.text
