"""Flask extensions, created unbound and initialised in ``create_app``."""

from __future__ import annotations

import os
import shlex
import sys
import threading

from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import MetaData
from sqlalchemy.orm import DeclarativeBase

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


db = SQLAlchemy(model_class=Base)


def __getattr__(name: str):
    """The web's extensions (``csrf``, ``login_manager``, ``limiter``), made on first use: the
    count commands' app (``create_app(web=False)``) needs none of them, and importing
    Flask-WTF and Flask-Limiter is a tenth of their start-up."""
    if name == "csrf":
        from flask_wtf import CSRFProtect

        value = CSRFProtect()
    elif name == "login_manager":
        from flask_login import LoginManager

        value = LoginManager()
    elif name == "limiter":
        from flask_limiter import Limiter
        from flask_limiter.util import get_remote_address

        serialise_memory_expiry()
        value = Limiter(key_func=get_remote_address, default_limits=[])
    else:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    globals()[name] = value
    return value


def serialise_memory_expiry() -> bool:
    """Let one thread at a time restart limits' in-memory expiry timer.

    limits 5.8's ``MemoryStorage`` checks ``timer.is_alive()`` and starts a new timer without a
    lock: two requests of one worker that race there both replace the timer and one of them
    starts it twice, ``RuntimeError: threads can only be started once`` — a 500 for a citizen
    signing or a staff member logging in (seen under ``gunicorn --threads 4``; alisaifee/limits
    #352, fixed upstream after 5.8.0). Returns whether the guard is in place.
    """
    from limits.storage import memory

    cls = memory.MemoryStorage
    original = getattr(cls, "_MemoryStorage__schedule_expiry", None)
    if original is None:  # a limits release that no longer has the unguarded method
        return False
    if getattr(original, "civic_serialised", False):
        return True
    lock = threading.Lock()

    def schedule_expiry(self) -> None:
        with lock:
            original(self)

    schedule_expiry.civic_serialised = True
    cls._MemoryStorage__schedule_expiry = schedule_expiry
    return True


PROXY_FIX_SETTINGS = ("x_for", "x_proto", "x_host", "x_port", "x_prefix")


def init_proxy_fix(app) -> None:
    """Trust ``PROXY_FIX_X_*`` proxies' X-Forwarded-* headers (werkzeug ProxyFix); 0 = ignore.

    Behind one nginx, ``PROXY_FIX_X_FOR=1`` makes ``request.remote_addr`` the citizen's address
    (what rate limits and signatures record) instead of 127.0.0.1.
    """
    counts = {
        name: int(app.config.get(f"PROXY_FIX_{name.upper()}") or 0) for name in PROXY_FIX_SETTINGS
    }
    if any(counts.values()):
        from werkzeug.middleware.proxy_fix import ProxyFix

        app.wsgi_app = ProxyFix(app.wsgi_app, **counts)


def gunicorn_workers(argv: list[str], environ) -> int | None:
    """How many workers the gunicorn running this process starts (None if not gunicorn).

    Read as gunicorn reads it: GUNICORN_CMD_ARGS, then the command line, then WEB_CONCURRENCY.
    (Workers set only in a gunicorn config file are not seen.)
    """
    if not str(environ.get("SERVER_SOFTWARE", "")).startswith("gunicorn"):
        return None
    try:
        from gunicorn.config import Config
    except ImportError:
        return None
    config = Config()
    args, _ = config.parser().parse_known_args(
        shlex.split(environ.get("GUNICORN_CMD_ARGS", "")) + list(argv[1:])
    )
    workers = getattr(args, "workers", None)
    if workers is None:
        workers = environ.get("WEB_CONCURRENCY") or config.workers
    return int(workers)


def warn_per_worker_limits(app) -> None:
    """memory:// rate-limit storage with several workers: each worker counts alone."""
    storage = str(app.config.get("RATELIMIT_STORAGE_URI") or "memory://")
    if not app.config.get("RATELIMIT_ENABLED", True) or not storage.startswith("memory://"):
        return
    workers = gunicorn_workers(sys.argv, os.environ)
    if workers and workers > 1:
        app.logger.warning(
            "RATELIMIT_STORAGE_URI is memory:// with %d gunicorn workers: every worker keeps "
            "its own rate-limit counters, so each limit is %d times looser. Set "
            "CIVIC_RATELIMIT_STORAGE_URI=redis://... (docs/deployment.md).",
            workers,
            workers,
        )
