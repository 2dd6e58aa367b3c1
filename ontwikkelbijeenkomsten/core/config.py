"""Configuration read from the environment (documented in README.md)."""
from __future__ import annotations

import os
import secrets
from pathlib import Path

TIMEZONE = "Europe/Amsterdam"
SECRET_KEY_MIN_BYTES = 32


def _bool(value: str | None, default: bool = False) -> bool:
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def normalise_database_url(url: str) -> str:
    """Accept the common `postgres://` and `postgresql://` forms and use psycopg 3."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


class ConfigError(RuntimeError):
    """The environment does not describe a runnable configuration."""


def _whole_number(env: dict[str, str], name: str, default: int) -> int:
    value = (env.get(name) or "").strip()
    if not value:
        return default
    if not value.isascii() or not value.isdigit():
        raise ConfigError(f"{name} must be a whole number, not {value!r}.")
    return int(value)


def _mail_port(env: dict[str, str]) -> int:
    """MAIL_PORT, else the port of the connection asked for: 465 for SMTPS, 587 for STARTTLS."""
    if _bool(env.get("MAIL_USE_SSL")) and _bool(env.get("MAIL_USE_TLS")):
        raise ConfigError("Set MAIL_USE_TLS (STARTTLS, port 587) or MAIL_USE_SSL (SMTPS, port 465), not both.")
    default = 465 if _bool(env.get("MAIL_USE_SSL")) else 587 if _bool(env.get("MAIL_USE_TLS")) else 25
    return _whole_number(env, "MAIL_PORT", default)


def from_environment(instance_path: str, env: dict[str, str] | None = None) -> dict:
    env = dict(os.environ if env is None else env)
    app_env = env.get("APP_ENV") or "development"
    if app_env not in ("development", "production"):
        # A typo ("prod") would run a production server as development: mails printed to the
        # console instead of sent, cookies without Secure.
        raise ConfigError(f"APP_ENV must be production or development, not {app_env!r}.")
    production = app_env == "production"
    secret = env.get("SECRET_KEY")
    if not secret:
        if production:
            raise ConfigError("SECRET_KEY must be set when APP_ENV=production.")
        secret = _development_secret(instance_path)
    if production and len(secret.encode()) < SECRET_KEY_MIN_BYTES:
        # A short key can be guessed offline from one signed cookie or link, then forge any of them.
        raise ConfigError(
            f"SECRET_KEY must be at least {SECRET_KEY_MIN_BYTES} bytes when APP_ENV=production: "
            'make one with python -c "import secrets; print(secrets.token_urlsafe(48))".'
        )
    if production and not env.get("RATELIMIT_STORAGE_URI"):
        # memory:// counts per process: with several workers or servers the limits multiply.
        raise ConfigError(
            "RATELIMIT_STORAGE_URI must be set when APP_ENV=production: redis://host:6379 "
            "(memory:// only when one single-process server serves the app)."
        )
    if production and not env.get("BASE_URL"):
        # Else every link in every mail points to http://127.0.0.1:5000.
        raise ConfigError("BASE_URL must be set when APP_ENV=production: the site's public address, "
                          "e.g. https://ontwikkelbijeenkomsten.example.nl, for the links in the mails.")
    database_url = env.get("DATABASE_URL") or f"sqlite:///{Path(instance_path) / 'ontwikkelbijeenkomsten.db'}"
    mail_backend = env.get("MAIL_BACKEND", "smtp" if production else "console")
    return {
        "APP_ENV": "production" if production else "development",
        "SECRET_KEY": secret,
        "SQLALCHEMY_DATABASE_URI": normalise_database_url(database_url),
        # No ping on every checkout: ping_after_idle (core/db.py) checks idle connections only.
        # hide_parameters: an error names the statement, not its values (no addresses in logs).
        "SQLALCHEMY_ENGINE_OPTIONS": {"hide_parameters": True},
        "MAIL_SERVER": env.get("MAIL_SERVER", "localhost"),
        "MAIL_PORT": _mail_port(env),
        "MAIL_USERNAME": env.get("MAIL_USERNAME") or None,
        "MAIL_PASSWORD": env.get("MAIL_PASSWORD") or None,
        "MAIL_USE_TLS": _bool(env.get("MAIL_USE_TLS")),
        "MAIL_USE_SSL": _bool(env.get("MAIL_USE_SSL")),
        "MAIL_DEFAULT_SENDER": env.get(
            "MAIL_DEFAULT_SENDER", "Ontwikkelbijeenkomsten <ontwikkelbijeenkomsten@example.org>"
        ),
        "MAIL_BACKEND": mail_backend,
        "CONTACT_EMAIL": env.get("CONTACT_EMAIL") or None,
        "BASE_URL": env.get("BASE_URL", "http://127.0.0.1:5000").rstrip("/"),
        "RATELIMIT_STORAGE_URI": env.get("RATELIMIT_STORAGE_URI", "memory://"),
        # Redis away: count in each process's memory until it answers again, rather than 500.
        "RATELIMIT_IN_MEMORY_FALLBACK_ENABLED": True,
        "SESSION_COOKIE_SECURE": production,
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "REMEMBER_COOKIE_SECURE": production,
        "PREFERRED_URL_SCHEME": "https" if production else "http",
        "TRUST_PROXY_HOPS": _whole_number(env, "TRUST_PROXY_HOPS", 1 if production else 0),
        "BABEL_DEFAULT_LOCALE": "nl",
        "BABEL_DEFAULT_TIMEZONE": TIMEZONE,
        "LANGUAGES": ("nl", "en"),
        "PASSWORD_RESET_MAX_AGE": 60 * 60,
        "PASSWORD_HASH_METHOD": "scrypt",
        # The largest form (a request with every text at its maximum) is far below this;
        # larger bodies get the 413 page before any form is read.
        "MAX_CONTENT_LENGTH": 256 * 1024,
    }


def _development_secret(instance_path: str) -> str:
    """Keep one generated key per checkout so sessions survive a restart in development."""
    path = Path(instance_path) / "secret_key"
    if path.exists():
        return path.read_text().strip()
    path.parent.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(48)
    path.write_text(key)
    path.chmod(0o600)
    return key
