from flask import url_for


def test_home_explains_the_offer_in_dutch(client):
    html = client.get("/").get_data(as_text=True)
    assert 'lang="nl"' in html
    assert "vier" in html.lower() and "dagdelen" in html
    assert 'href="/aanvragen"' in html
    assert 'href="#main"' in html  # skip link


def test_privacy_and_accessibility_pages(client):
    assert "privacy" in client.get("/privacy").get_data(as_text=True).lower()
    assert "Toegankelijkheidsverklaring" in client.get("/toegankelijkheid").get_data(as_text=True)


def test_english_can_be_chosen(client):
    response = client.post("/taal", data={"locale": "en", "next": "/privacy"})
    assert response.status_code == 302 and response.headers["Location"] == "/privacy"
    assert 'lang="en"' in client.get("/").get_data(as_text=True)
    client.post("/taal", data={"locale": "xx", "next": "https://evil.example"})
    assert 'lang="en"' in client.get("/").get_data(as_text=True)


def test_unknown_page_is_a_dutch_404(client):
    response = client.get("/bestaat-niet")
    assert response.status_code == 404
    assert 'lang="nl"' in response.get_data(as_text=True)


def test_healthz_reports_the_database(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok", "database": "ok", "schema": "unknown", "mail": "ok"}


def test_healthz_says_whether_the_schema_is_at_the_newest_migration(make_app, tmp_path):
    app = make_app(SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'migrated.db'}")
    assert app.test_cli_runner().invoke(args=["db", "upgrade"]).exit_code == 0
    assert app.test_client().get("/healthz").get_json()["schema"] == "current"
    assert app.test_cli_runner().invoke(args=["db", "downgrade", "base"]).exit_code == 0
    assert app.test_cli_runner().invoke(args=["db", "stamp", "head"]).exit_code == 0
    with app.app_context():
        from sqlalchemy import text

        from ontwikkelbijeenkomsten.core.extensions import db

        db.session.execute(text("UPDATE alembic_version SET version_num = 'old'"))
        db.session.commit()
    assert app.test_client().get("/healthz").get_json()["schema"] == "outdated"


def test_healthz_says_when_the_database_is_gone(make_app, tmp_path):
    app = make_app(SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path}/missing/dir/x.db")
    response = app.test_client().get("/healthz")
    assert response.status_code == 503
    assert response.get_json()["database"] == "unavailable"


def test_absolute_urls_use_base_url_outside_a_request(app):
    from ontwikkelbijeenkomsten.core.urls import absolute_url

    assert absolute_url("core.privacy") == "http://localhost/privacy"
    with app.test_request_context():
        assert url_for("core.privacy") == "/privacy"
