"""Configuration: defaults here, then ``instance/config.py``, then ``CIVIC_*`` variables.

Every value below can be overridden; the council's details default to Nizhyn (the model user).
"""

from __future__ import annotations

import json
import os
import secrets
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent


class DefaultConfig:
    # Database: None means "SQLite file in the instance folder" (see resolve_database_url).
    SQLALCHEMY_DATABASE_URI: str | None = None
    SQLALCHEMY_ENGINE_OPTIONS: dict = {"pool_pre_ping": True}

    # Sessions and cookies.
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = False
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    PERMANENT_SESSION_LIFETIME = 8 * 60 * 60

    # Uploads: the largest request body accepted (bytes).
    MAX_CONTENT_LENGTH = 64 * 1024 * 1024
    # Every uploaded XLSX is inspected before it is read (civic/archives.py): the most bytes
    # its parts may inflate to (declared and actually inflated), the most worksheet rows, the
    # highest compression ratio of a part over 1 MB, the most parts in the ZIP.
    UPLOAD_XLSX_MAX_UNCOMPRESSED = 256 * 1024 * 1024
    UPLOAD_XLSX_MAX_ROWS = 1_048_576
    UPLOAD_XLSX_MAX_RATIO = 200
    UPLOAD_XLSX_MAX_MEMBERS = 1000

    # Forms.
    WTF_CSRF_TIME_LIMIT = 8 * 60 * 60

    # Login throttling: after LOGIN_MAX_FAILURES failures the account is locked for
    # LOGIN_LOCKOUT_MINUTES (kept in the database, so every worker agrees), and each client
    # address is limited by Flask-Limiter.
    LOGIN_MAX_FAILURES = 5
    LOGIN_LOCKOUT_MINUTES = 15
    LOGIN_RATE_LIMIT = "30 per minute"
    # Rate-limit storage: memory:// suits one process; use redis:// or memcached:// for
    # several gunicorn workers.
    RATELIMIT_STORAGE_URI = "memory://"
    RATELIMIT_HEADERS_ENABLED = False
    RATELIMIT_ENABLED = True

    # The council (Nizhyn defaults; ЄДРПОУ to be confirmed by the council).
    COUNCIL_NAME = "Ніжинська міська рада"
    COUNCIL_SHORT_NAME = "Ніжин"
    COUNCIL_ADDRESS = "пл. Івана Франка, 1, м. Ніжин, Чернігівська обл., 16600"
    COUNCIL_EDRPOU = "34644120"
    COUNCIL_KATOTTG = "UA74040250000063494"
    DEPARTMENT_NAME = (
        "Відділ інформаційно-аналітичної роботи та комунікацій з громадськістю "
        "виконавчого комітету Ніжинської міської ради"
    )
    PUBLIC_BASE_URL = "http://127.0.0.1:5000"

    # Mail: with no MAIL_SERVER the outbox stays in the database and the instance folder.
    MAIL_SERVER: str | None = None
    MAIL_PORT = 25
    MAIL_USE_TLS = False
    MAIL_USERNAME: str | None = None
    MAIL_PASSWORD: str | None = None
    MAIL_SENDER = "civic@nizhynrada.gov.ua"
    # How SMTP mail leaves: "background" — after the commit, by a thread of the web process over
    # one kept-open connection (the request never waits for the mail server); "inline" — during
    # the request; "queue" — only queued, for `civic mail deliver` run by cron. Whatever a
    # process leaves queued (it was killed), `civic mail deliver` sends.
    MAIL_DELIVERY = "background"

    # Personal data retention (days after a count or a petition is closed).
    RETENTION_DAYS = 90


def _coerce(raw: str):
    """Read an environment value: JSON literals (numbers, true/false, lists) or plain text."""
    try:
        return json.loads(raw)
    except ValueError:
        return raw


def env_overrides(environ: dict[str, str]) -> dict:
    """Settings from ``CIVIC_*`` variables: ``CIVIC_DATABASE_URL`` and ``CIVIC_<SETTING>``."""
    out: dict = {}
    for key, raw in environ.items():
        if not key.startswith("CIVIC_") or key == "CIVIC_INSTANCE_PATH":
            continue
        name = key.removeprefix("CIVIC_")
        if name == "DATABASE_URL":
            out["SQLALCHEMY_DATABASE_URI"] = raw
        else:
            out[name] = _coerce(raw)
    return out


def default_instance_path(environ: dict[str, str]) -> Path:
    return Path(environ.get("CIVIC_INSTANCE_PATH") or REPO_ROOT / "instance").resolve()


def resolve_database_url(url: str | None, instance_path: Path) -> str:
    if url:
        # Heroku-style URLs name the driver "postgres"; SQLAlchemy wants psycopg explicitly.
        for prefix in ("postgres://", "postgresql://"):
            if url.startswith(prefix):
                return "postgresql+psycopg://" + url.removeprefix(prefix)
        return url
    return f"sqlite:///{instance_path / 'civic.sqlite'}"


def load_or_create_secret(instance_path: Path, name: str = "secret_key") -> str:
    """Read a secret kept in the instance folder, creating it once (mode 0600)."""
    path = instance_path / name
    if path.exists():
        return path.read_text(encoding="ascii").strip()
    instance_path.mkdir(parents=True, exist_ok=True)
    value = secrets.token_hex(32)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        os.write(fd, value.encode("ascii"))
    finally:
        os.close(fd)
    return value
