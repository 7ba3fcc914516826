"""Configuration: defaults here, then ``instance/config.py``, then ``CIVIC_*`` variables.

Every value below can be overridden; the council's details default to Nizhyn (the model user).
"""

from __future__ import annotations

import contextlib
import json
import os
import secrets
import tempfile
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
    # An enterprise's line that moves more than this many times from one year to the next is
    # a warning on upload (a value in hryvnias typed into a form in thousands).
    ENTERPRISE_JUMP_FACTOR = 10
    # The monthly report names the enterprises whose plan execution to date strays from the
    # plan by more than this share (0.10 = 10 %).
    ENTERPRISE_PLAN_DEVIATION_SHARE = 0.10
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
    # several gunicorn workers (with memory:// each worker counts alone; civic warns at start).
    RATELIMIT_STORAGE_URI = "memory://"
    RATELIMIT_HEADERS_ENABLED = False
    RATELIMIT_ENABLED = True

    # Behind a reverse proxy (nginx): how many proxies to trust for each X-Forwarded-* header
    # (werkzeug ProxyFix). 0 — the header is ignored; behind one nginx set X_FOR and X_PROTO to 1.
    PROXY_FIX_X_FOR = 0
    PROXY_FIX_X_PROTO = 0
    PROXY_FIX_X_HOST = 0
    PROXY_FIX_X_PORT = 0
    PROXY_FIX_X_PREFIX = 0

    # Petition signatures: one per mailbox. Addresses are compared in their canonical form
    # (civic/petitions/mailboxes.py): PETITION_MAIL_ALIASES maps a domain to the one it delivers
    # to, PETITION_MAIL_DOTLESS ignore dots in the name, PETITION_MAIL_PLUS_TAGS ignore "+tag".
    # None means the defaults of mailboxes.py.
    PETITION_MAIL_ALIASES: dict | None = None
    PETITION_MAIL_DOTLESS: list | None = None
    PETITION_MAIL_PLUS_TAGS: list | None = None
    # Throwaway mailboxes are refused: the disposable-email-domains list plus these, less the
    # allowed ones.
    PETITION_DISPOSABLE_DOMAINS: list = []
    PETITION_DISPOSABLE_ALLOWED: list = []
    # Signings per petition (each a burst and a sustained window, Flask-Limiter syntax), counted
    # in the database so every worker agrees: per canonical address (repeated confirmation
    # mails), per mail domain (large free providers exempt) and per address block (IPv4 /24,
    # IPv6 /64 by default). An empty string switches that limit off.
    PETITION_SIGN_LIMIT_PER_ADDRESS = "3 per 10 minutes; 10 per day"
    PETITION_SIGN_LIMIT_PER_DOMAIN = "20 per 10 minutes; 200 per day"
    PETITION_SIGN_LIMIT_PER_BLOCK = "20 per 10 minutes; 200 per day"
    PETITION_SIGN_DOMAIN_LIMIT_EXEMPT = [
        "gmail.com",
        "ukr.net",
        "i.ua",
        "meta.ua",
        "outlook.com",
        "hotmail.com",
        "yahoo.com",
        "icloud.com",
        "proton.me",
        "protonmail.com",
    ]
    PETITION_SIGN_IPV4_PREFIX = 24
    PETITION_SIGN_IPV6_PREFIX = 64
    # Check my ballot (/pb/<slug>/check): attempts per visitor address and per form number,
    # counted in the database like the signing limits; four characters have 10 000 values.
    PB_CHECK_LIMIT_PER_ADDRESS = "10 per 10 minutes; 40 per day"
    PB_CHECK_LIMIT_PER_FORM = "5 per 10 minutes; 15 per day"

    # Who may sign (docs/identity.md): "idgovua" (ID.GOV.UA), "dev" (the development provider,
    # loopback only: `make run` and tests) and "email" (a mailed confirmation link).
    IDENTITY_PROVIDERS = ["email"]
    IDENTITY_STATE_MINUTES = 10  # from the redirect to ID.GOV.UA to its callback
    IDENTITY_SIGN_IN_MINUTES = 30  # how long a sign-in lasts in the browser's session
    # ID.GOV.UA: the credentials the service issues to the council; the test host is
    # https://test.id.gov.ua. Encrypted answers (the `cert` option) are not supported.
    IDGOVUA_HOST = "https://id.gov.ua"
    IDGOVUA_CLIENT_ID: str | None = None
    IDGOVUA_CLIENT_SECRET: str | None = None
    IDGOVUA_AUTH_TYPES = "dig_sign,bank_id,mobile_id"
    IDGOVUA_TIMEOUT_SECONDS = 10

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
    # The accessibility statement (/accessibility): where people report a barrier, and the date
    # of the last conformance check (the axe-core gate in tests/e2e/test_accessibility.py).
    # The mailbox is a default to be confirmed by the council; no phone is shown unless set.
    ACCESSIBILITY_CONTACT_EMAIL = "dostupnist@nizhynrada.gov.ua"
    ACCESSIBILITY_CONTACT_PHONE: str | None = None
    ACCESSIBILITY_CHECKED_ON = "2026-12-03"

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
    # Background delivery: threads (each with its own SMTP connection) per web process.
    MAIL_SENDER_CONNECTIONS = 4

    # Audit log: AUDIT_KEY (HMAC key of the chain) defaults to the instance folder's
    # ``audit_key`` file; AUDIT_ANCHOR (the file with the chain's count and last hash) to
    # ``audit_anchor.json`` there — point it at another volume to keep it off-box.
    AUDIT_KEY: str | None = None
    AUDIT_ANCHOR: str | None = None

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


def private_folder(path: Path) -> Path:
    """Create ``path`` (and parents) for the owner only, and narrow it to 0700 if it exists
    wider (the repository's ``instance/`` comes from git as 0755)."""
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    _narrow(path, 0o700)
    return path


def private_sqlite_files(url: str) -> None:
    """An SQLite database created by an earlier, laxer civic: narrow it and its journals to
    0600 (new ones get it from the umask; SQLite gives -wal/-shm the database's mode)."""
    if not url.startswith("sqlite:///"):
        return
    database = Path(url.removeprefix("sqlite:///").partition("?")[0])
    for suffix in ("", "-wal", "-shm", "-journal"):
        candidate = database.with_name(database.name + suffix)
        if candidate.is_file():
            _narrow(candidate, 0o600)


def _narrow(path: Path, mode: int) -> None:
    try:
        if path.stat().st_mode & 0o777 & ~mode:
            path.chmod(mode)
    except OSError:  # not ours (a folder prepared by root): its owner decides
        pass


def load_or_create_secret(instance_path: Path, name: str = "secret_key") -> str:
    """Read a secret kept in the instance folder, creating it once (mode 0600).

    Several processes may start at once on a fresh folder (gunicorn workers): the secret is
    written to a temporary file and linked into place, so whoever loses the race reads the
    winner's complete value, never an empty or half-written file.
    """
    path = instance_path / name
    if not path.exists():
        private_folder(instance_path)
        fd, tmp = tempfile.mkstemp(prefix=f".{name}.", dir=instance_path)
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(secrets.token_hex(32).encode("ascii"))
                handle.flush()
                os.fsync(handle.fileno())
            os.chmod(tmp, 0o600)
            with contextlib.suppress(FileExistsError):
                os.link(tmp, path)
        finally:
            os.unlink(tmp)
    value = path.read_text(encoding="ascii").strip()
    if not value:
        raise RuntimeError(f"{path} is empty: delete it or put the secret back")
    return value
