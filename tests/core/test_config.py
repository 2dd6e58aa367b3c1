from datetime import date, datetime, timezone

import pytest

from ontwikkelbijeenkomsten import create_app
from ontwikkelbijeenkomsten.core.config import ConfigError, from_environment
from ontwikkelbijeenkomsten.core.time import Dagdeel


def test_production_refuses_to_start_without_a_secret_key(tmp_path):
    with pytest.raises(ConfigError, match="SECRET_KEY"):
        from_environment(str(tmp_path), {"APP_ENV": "production"})


def test_production_refuses_to_count_limits_in_memory_unless_told_so(tmp_path):
    given = {"APP_ENV": "production", "SECRET_KEY": "s" * 48, "BASE_URL": "https://ob.example.nl"}
    with pytest.raises(ConfigError, match="RATELIMIT_STORAGE_URI"):
        from_environment(str(tmp_path), given)
    explicit = from_environment(str(tmp_path), {**given, "RATELIMIT_STORAGE_URI": "memory://"})
    assert explicit["RATELIMIT_STORAGE_URI"] == "memory://"
    assert from_environment(str(tmp_path), {})["RATELIMIT_STORAGE_URI"] == "memory://"  # development


def test_production_refuses_to_start_without_base_url(tmp_path):
    """Without it every link in every mail would point to http://127.0.0.1:5000."""
    given = {"APP_ENV": "production", "SECRET_KEY": "s" * 48, "RATELIMIT_STORAGE_URI": "redis://cache:6379"}
    with pytest.raises(ConfigError, match="BASE_URL must be set"):
        from_environment(str(tmp_path), given)
    assert from_environment(str(tmp_path), {**given, "BASE_URL": "https://ob.example.nl"})["BASE_URL"] == \
        "https://ob.example.nl"
    assert from_environment(str(tmp_path), {})["BASE_URL"] == "http://127.0.0.1:5000"  # development


def test_production_refuses_a_short_secret_key(tmp_path):
    given = {"APP_ENV": "production", "RATELIMIT_STORAGE_URI": "redis://cache:6379",
             "BASE_URL": "https://ob.example.nl"}
    with pytest.raises(ConfigError, match="at least 32 bytes"):
        from_environment(str(tmp_path), {**given, "SECRET_KEY": "s" * 31})
    assert from_environment(str(tmp_path), {**given, "SECRET_KEY": "s" * 32})["SECRET_KEY"] == "s" * 32
    assert from_environment(str(tmp_path), {"SECRET_KEY": "s"})["SECRET_KEY"] == "s"  # development


def test_development_generates_and_keeps_a_secret_key(tmp_path):
    first = from_environment(str(tmp_path), {})["SECRET_KEY"]
    assert len(first) > 40
    assert from_environment(str(tmp_path), {})["SECRET_KEY"] == first


def test_environment_settings(tmp_path):
    config = from_environment(str(tmp_path), {
        "APP_ENV": "production", "SECRET_KEY": "s" * 48, "DATABASE_URL": "postgres://u:p@db/ob",
        "MAIL_PORT": "587", "MAIL_USE_TLS": "true", "BASE_URL": "https://ob.example.nl/",
        "RATELIMIT_STORAGE_URI": "redis://cache:6379",
    })
    assert config["SQLALCHEMY_DATABASE_URI"] == "postgresql+psycopg://u:p@db/ob"
    assert config["MAIL_PORT"] == 587 and config["MAIL_USE_TLS"] is True
    assert config["BASE_URL"] == "https://ob.example.nl"
    assert config["RATELIMIT_STORAGE_URI"] == "redis://cache:6379"
    assert config["SESSION_COOKIE_SECURE"] is True and config["MAIL_BACKEND"] == "smtp"
    assert from_environment(str(tmp_path), {})["SQLALCHEMY_DATABASE_URI"].startswith("sqlite:///")


@pytest.mark.parametrize("value", ["prod", "Production", "staging"])
def test_an_unknown_app_env_is_refused_rather_than_run_as_development(tmp_path, value):
    """APP_ENV=prod would otherwise print every mail to the console instead of sending it."""
    with pytest.raises(ConfigError, match="APP_ENV must be production or development"):
        from_environment(str(tmp_path), {"APP_ENV": value, "SECRET_KEY": "s" * 48})
    assert from_environment(str(tmp_path), {"APP_ENV": ""})["APP_ENV"] == "development"


def test_the_mail_port_follows_the_connection_asked_for(tmp_path):
    def port(**env) -> int:
        return from_environment(str(tmp_path), env)["MAIL_PORT"]

    assert port() == 25
    assert port(MAIL_USE_TLS="true") == 587
    assert port(MAIL_USE_SSL="true") == 465
    assert port(MAIL_USE_TLS="true", MAIL_PORT="2525") == 2525
    with pytest.raises(ConfigError, match="not both"):
        port(MAIL_USE_TLS="true", MAIL_USE_SSL="true")
    with pytest.raises(ConfigError, match="MAIL_PORT must be a whole number"):
        port(MAIL_PORT="smtp")
    with pytest.raises(ConfigError, match="TRUST_PROXY_HOPS must be a whole number"):
        from_environment(str(tmp_path), {"TRUST_PROXY_HOPS": "-1"})


def test_dagdelen_are_amsterdam_wall_clock_in_winter_and_summer():
    assert Dagdeel.OCHTEND.bounds(date(2026, 1, 13))[0] == datetime(2026, 1, 13, 8, 0, tzinfo=timezone.utc)
    assert Dagdeel.OCHTEND.bounds(date(2026, 7, 14))[0] == datetime(2026, 7, 14, 7, 0, tzinfo=timezone.utc)
    assert Dagdeel.AVOND.bounds(date(2026, 3, 29))[1] == datetime(2026, 3, 29, 19, 30, tzinfo=timezone.utc)


def test_wsgi_module_exposes_the_app(monkeypatch, tmp_path):
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'w.db'}")
    import wsgi

    assert wsgi.app.name == create_app().name


def test_a_copy_of_the_package_without_its_checkout_refuses_to_start(monkeypatch, tmp_path):
    """`pip install .` puts the package alone in site-packages: a worker started from another
    directory imports that copy, which has no templates, and would fail every mail."""
    import ontwikkelbijeenkomsten

    monkeypatch.setattr(ontwikkelbijeenkomsten, "ROOT", tmp_path)
    with pytest.raises(ConfigError, match=r"templates, static, migrations not found .* `pip install -e \.`"):
        create_app({"TESTING": True, "SECRET_KEY": "s" * 48})
