"""The application factory and configuration layers."""

import stat
from pathlib import Path

from civic import create_app
from civic.config import env_overrides, resolve_database_url
from civic.extensions import db


def test_defaults_then_instance_config_then_environment(tmp_path, monkeypatch):
    instance = tmp_path / "inst"
    instance.mkdir()
    (instance / "config.py").write_text(
        'COUNCIL_NAME = "Тестова рада"\nDEPARTMENT_NAME = "Відділ з конфігу"\n', encoding="utf-8"
    )
    monkeypatch.setenv("CIVIC_DEPARTMENT_NAME", "Відділ із середовища")
    monkeypatch.setenv("CIVIC_RETENTION_DAYS", "30")
    app = create_app(instance_path=instance)
    assert app.config["COUNCIL_NAME"] == "Тестова рада"
    assert app.config["DEPARTMENT_NAME"] == "Відділ із середовища"
    assert app.config["RETENTION_DAYS"] == 30
    assert app.config["COUNCIL_EDRPOU"]  # Nizhyn defaults stay where nothing overrides


def test_instance_path_from_environment(tmp_path, monkeypatch):
    monkeypatch.setenv("CIVIC_INSTANCE_PATH", str(tmp_path / "elsewhere"))
    app = create_app()
    assert app.instance_path == str((tmp_path / "elsewhere").resolve())
    assert app.config["SQLALCHEMY_DATABASE_URI"].endswith("elsewhere/civic.sqlite")


def test_secret_key_generated_once_with_private_mode(tmp_path):
    first = create_app(instance_path=tmp_path / "i")
    second = create_app(instance_path=tmp_path / "i")
    key_file = tmp_path / "i" / "secret_key"
    assert first.config["SECRET_KEY"] == second.config["SECRET_KEY"]
    assert len(first.config["SECRET_KEY"]) == 64
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    other = create_app(instance_path=tmp_path / "j")
    assert other.config["SECRET_KEY"] != first.config["SECRET_KEY"]


def test_test_config_wins(tmp_path):
    app = create_app({"TESTING": True, "SECRET_KEY": "x"}, instance_path=tmp_path)
    assert app.testing and app.config["SECRET_KEY"] == "x"


def test_database_url_from_environment():
    assert env_overrides({"CIVIC_DATABASE_URL": "postgresql://u@h/db"}) == {
        "SQLALCHEMY_DATABASE_URI": "postgresql://u@h/db"
    }
    folder = Path("instance-folder")
    assert resolve_database_url("postgres://u@h/db", folder) == "postgresql+psycopg://u@h/db"
    assert resolve_database_url(None, folder).startswith("sqlite:///")


def test_sqlite_runs_with_wal_and_foreign_keys(tmp_path):
    app = create_app({"TESTING": True}, instance_path=tmp_path)
    with app.app_context():
        with db.engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
            assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        db.engine.dispose()
