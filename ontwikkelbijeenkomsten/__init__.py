"""Ontwikkelbijeenkomsten: requests, scheduling and registration for the onderwijs-jeugd dagdelen."""
from __future__ import annotations

import logging
from pathlib import Path

from flask import Flask
from flask.logging import default_handler
from werkzeug.middleware.proxy_fix import ProxyFix

from ontwikkelbijeenkomsten.core import config as config_module
from ontwikkelbijeenkomsten.core.redact import protect
from ontwikkelbijeenkomsten.core.extensions import (
    babel,
    csrf,
    db,
    limiter,
    login_manager,
    mailer,
    migrate,
)

ROOT = Path(__file__).resolve().parent.parent
#: What the app reads from the checkout beside the package; a copy of the package alone (pip
#: install without -e, run from elsewhere) has none of them.
BESIDE_THE_PACKAGE = ("templates", "static", "migrations")


def create_app(config: dict | None = None) -> Flask:
    """Build the application; `config` overrides what the environment says (tests use it)."""
    missing = [name for name in BESIDE_THE_PACKAGE if not (ROOT / name).is_dir()]
    if missing:
        # Else every page and every mail fails later, one by one, with TemplateNotFound.
        raise config_module.ConfigError(
            f"{', '.join(missing)} not found in {ROOT}: the package was imported from {Path(__file__).parent}, "
            "outside its checkout. Install it with `pip install -e .` in the checkout (README, Deploying)."
        )
    app = Flask(
        __name__,
        instance_path=str(ROOT / "instance"),
        template_folder=str(ROOT / "templates"),
        static_folder=str(ROOT / "static"),
    )
    app.config.update(config_module.from_environment(app.instance_path))
    app.config.update(config or {})
    if app.config["TRUST_PROXY_HOPS"]:
        hops = app.config["TRUST_PROXY_HOPS"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)

    _init_extensions(app)
    _register_blueprints(app)
    protect(default_handler)  # no addresses or tokens in the app's log lines
    protect(logging.getLogger("werkzeug"))  # nor in `flask run`'s request lines
    return app


def _init_extensions(app: Flask) -> None:
    from . import accounts
    from . import mail as outbox
    from .core import i18n
    from .core.db import configure_sqlite, ping_after_idle
    from .models import load_all

    load_all()
    db.init_app(app)
    with app.app_context():
        if db.engine.dialect.name == "sqlite":
            configure_sqlite(db.engine)
        else:
            ping_after_idle(db.engine)
    migrate.init_app(
        app, db, directory=str(ROOT / "migrations"), compare_type=True, render_as_batch=True
    )
    csrf.init_app(app)
    mailer.init_app(app)
    limiter.init_app(app)
    babel.init_app(app, locale_selector=i18n.select_locale, timezone_selector=i18n.select_timezone)
    i18n.init_app(app)
    login_manager.init_app(app)
    accounts.init_app()
    outbox.init_app(app)


def _register_blueprints(app: Flask) -> None:
    from . import cli, web

    web.register(app)
    cli.register(app)
