"""civic — the working tool of a city council's communications department."""

from __future__ import annotations

import os

# `typing` costs a `civic pb outcome` process about 3 ms to import; annotations need it only
# for type checkers. So modules on that path write `if TYPE_CHECKING := False:` (the block's
# imports name the annotations' types and never run) instead of `from typing import ...`.
if TYPE_CHECKING := False:
    from flask import Flask

# Domain packages, in the order their blueprints, CLI groups and demo data are loaded.
# Each may have ``views.py`` (``bp``), ``cli.py`` (``cli``) and ``demo.py`` (``load_demo``).
DOMAINS = (
    "auth",
    "audit",
    "public",
    "mail",
    "workcalendar",
    "identity",
    "pb",
    "petitions",
    "enterprises",
    "reports",
)
#: The domains whose models the count commands' app (``create_app(web=False)``) maps: the
#: count's own, the audit trail it writes to and the staff accounts its rows refer to (no
#: other domain's model is related to these).
COUNT_DOMAINS = ("auth", "audit", "pb")


def create_app(
    test_config: dict | None = None,
    *,
    instance_path: str | os.PathLike | None = None,
    web: bool = True,
):
    """Build the application: defaults → instance/config.py → CIVIC_* → ``test_config``.

    ``web=False`` builds what a count command needs and no more (issue 15: start-up is part
    of every command's time): the same settings and database, the models of
    :data:`COUNT_DOMAINS` only, and no blueprints, no CLI groups on ``app.cli``, no
    Flask-Migrate and none of the web's extensions (CSRF, log-in, rate limits) or HTTP hooks
    (the console script looks its commands up itself, :mod:`civic.cli`; ``civic db`` builds
    the whole app)."""
    # Imported here, not at the top: `import civic` (e.g. by the console script for
    # `civic pb outcome`) must not cost Flask's import (nor pathlib's).
    from pathlib import Path

    from flask import Flask

    from civic.config import (
        REPO_ROOT,
        DefaultConfig,
        default_instance_path,
        env_overrides,
        load_or_create_secret,
        private_folder,
        private_sqlite_files,
        resolve_database_url,
    )

    instance = Path(instance_path).resolve() if instance_path else default_instance_path(os.environ)
    app = Flask(
        __name__,
        instance_path=str(instance),
        instance_relative_config=True,
        template_folder=str(REPO_ROOT / "templates"),
    )
    app.config.from_object(DefaultConfig)
    app.config.from_pyfile("config.py", silent=True)
    app.config.update(env_overrides(dict(os.environ)))
    if test_config:
        app.config.update(test_config)

    # Files civic creates (the SQLite database and its -wal/-shm, secrets, .eml, backups,
    # exports) are readable by the owner only: they hold personal data and keys.
    os.umask(0o077)
    private_folder(instance)
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = load_or_create_secret(instance)
    if not app.config.get("PERSONAL_DATA_KEY"):
        # A separate key for keyed hashes of personal data (document numbers, e-mails).
        app.config["PERSONAL_DATA_KEY"] = load_or_create_secret(instance, "personal_data_key")
    if not app.config.get("AUDIT_KEY"):
        # The audit chain's HMAC key: outside the database, so rows cannot be re-hashed there.
        app.config["AUDIT_KEY"] = load_or_create_secret(instance, "audit_key")
    app.config["SQLALCHEMY_DATABASE_URI"] = resolve_database_url(
        app.config.get("SQLALCHEMY_DATABASE_URI"), instance
    )
    private_sqlite_files(app.config["SQLALCHEMY_DATABASE_URI"])

    _init_extensions(app, web=web)
    if web:
        _register_domains(app)
        from civic.admin import backup_command, demo_command, restore_command

        for command in (demo_command, backup_command, restore_command):
            app.cli.add_command(command)
    else:
        for domain in COUNT_DOMAINS:
            _domain_module(domain, "models")

    from civic import formatting
    from civic import web as boundary

    formatting.init_app(app)
    boundary.init_app(app, web=web)
    return app


def _init_extensions(app: Flask, *, web: bool = True) -> None:
    from civic import database
    from civic.config import REPO_ROOT
    from civic.extensions import db

    app.config["SQLALCHEMY_ENGINE_OPTIONS"] = database.engine_options(
        app.config["SQLALCHEMY_DATABASE_URI"], app.config.get("SQLALCHEMY_ENGINE_OPTIONS") or {}
    )
    db.init_app(app)
    database.init_app(app)
    if not web:
        return
    # Flask-Migrate imports Alembic (and through it Mako and Pygments): only for the app that
    # offers `civic db`.
    from flask_migrate import Migrate

    from civic.extensions import (
        csrf,
        init_proxy_fix,
        limiter,
        login_manager,
        warn_per_worker_limits,
    )

    Migrate(
        app,
        db,
        directory=str(REPO_ROOT / "migrations"),
        render_as_batch=True,
        compare_type=True,
    )
    csrf.init_app(app)
    limiter.init_app(app)
    warn_per_worker_limits(app)
    init_proxy_fix(app)
    login_manager.init_app(app)


def _domain_module(domain: str, name: str):
    """Import ``civic.<domain>.<name>`` if that module exists (errors inside it still raise)."""
    import importlib.util

    if importlib.util.find_spec(f"civic.{domain}") is None:
        return None
    module = f"civic.{domain}.{name}"
    if importlib.util.find_spec(module) is None:
        return None
    return importlib.import_module(module)


def _register_domains(app: Flask) -> None:
    for domain in DOMAINS:
        _domain_module(domain, "models")
        views = _domain_module(domain, "views")
        if views is not None:
            app.register_blueprint(views.bp)
        commands = _domain_module(domain, "cli")
        if commands is not None:
            app.cli.add_command(commands.cli)
            for extra in getattr(commands, "extra_commands", ()):
                app.cli.add_command(extra)
