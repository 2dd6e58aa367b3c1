"""Ontwikkelbijeenkomsten: requests, scheduling and registration for the onderwijs-jeugd dagdelen."""
from __future__ import annotations

from pathlib import Path

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from . import config as config_module
from .extensions import babel, csrf, db, limiter, login_manager, mailer, migrate

ROOT = Path(__file__).resolve().parent.parent


def create_app(config: dict | None = None) -> Flask:
    """Build the application; `config` overrides what the environment says (tests use it)."""
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
    return app


def _init_extensions(app: Flask) -> None:
    from . import accounts
    from . import mail as outbox
    from .core import i18n
    from .core.db import configure_sqlite
    from .models import load_all

    load_all()
    db.init_app(app)
    with app.app_context():
        if db.engine.dialect.name == "sqlite":
            configure_sqlite(db.engine)
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
    from .accounts import cli as accounts_cli
    from .accounts.views import bp as accounts_bp
    from .core import errors
    from .core.views import bp as core_bp
    from .demo import cli as demo_cli
    from .experts import assignment_views, availability_views, profile_views  # noqa: F401
    from .experts import coordinator_views as expert_coordinator_views  # noqa: F401
    from .experts.blueprint import bp as experts_bp
    from .mail import cli as mail_cli
    from .mail.views import bp as mail_bp
    from .regions import cli as regions_cli
    from .regions.views import bp as regions_bp
    from .requests import coordinator_views, public_views  # noqa: F401  (routes on requests_bp)
    from .requests.blueprint import bp as requests_bp
    from .scheduling import batch_views, views  # noqa: F401  (routes on scheduling_bp)
    from .scheduling import cli as scheduling_cli
    from .scheduling.blueprint import bp as scheduling_bp
    from .sessions import list_views, public_views, training_views  # noqa: F401  (routes on sessions_bp)
    from .sessions.blueprint import bp as sessions_bp

    app.register_blueprint(core_bp)
    app.register_blueprint(accounts_bp)
    app.register_blueprint(requests_bp)
    app.register_blueprint(regions_bp)
    app.register_blueprint(experts_bp)
    app.register_blueprint(scheduling_bp)
    app.register_blueprint(sessions_bp)
    app.register_blueprint(mail_bp)
    errors.init_app(app)
    for module in (accounts_cli, demo_cli, mail_cli, regions_cli, scheduling_cli):
        app.cli.add_command(module.group)
