import re

from sqlalchemy import select

from ontwikkelbijeenkomsten.accounts import services
from ontwikkelbijeenkomsten.core.extensions import db
from ontwikkelbijeenkomsten.mail.models import OutboxMail
from tests.helpers import post_login as login

NEW_PASSWORD = "nieuw en lang genoeg"


def _reset_link(client, email="coordinator@example.org") -> str:
    response = client.post("/wachtwoord-vergeten", data={"email": email})
    assert response.status_code == 200
    mail = db.session.scalars(select(OutboxMail)).one()
    assert mail.recipient == "coordinator@example.org"
    assert mail.subject == "Stel een nieuw wachtwoord in voor Ontwikkelbijeenkomsten"
    link = re.search(r"http://localhost/wachtwoord-herstellen/\S+", mail.text_body).group(0)
    assert link in mail.html_body
    return link.removeprefix("http://localhost")


def test_reset_by_mailed_link(client, coordinator):
    path = _reset_link(client)
    assert client.get(path).status_code == 200
    response = client.post(path, data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert response.status_code == 302
    assert login(client, "coordinator@example.org", NEW_PASSWORD).status_code == 302


def test_unknown_address_gets_the_same_answer_and_no_mail(client, coordinator):
    html = client.post("/wachtwoord-vergeten", data={"email": "onbekend@example.org"}).get_data(as_text=True)
    assert "Kijk in uw e-mail" in html
    assert db.session.scalars(select(OutboxMail)).all() == []


def test_the_link_works_once(client, coordinator):
    path = _reset_link(client)
    client.post(path, data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    response = client.get(path)
    assert response.status_code == 400
    assert "al gebruikt" in response.get_data(as_text=True)


def test_a_newer_link_replaces_the_older_one(client, coordinator):
    older = _reset_link(client)
    client.post("/wachtwoord-vergeten", data={"email": coordinator.email})
    bodies = db.session.scalars(select(OutboxMail.text_body).order_by(OutboxMail.id)).all()
    newer = re.search(r"http://localhost(/wachtwoord-herstellen/\S+)", bodies[1]).group(1)
    assert older != newer
    response = client.post(older, data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert response.status_code == 400
    assert "nieuwere link" in response.get_data(as_text=True)
    assert not coordinator.check_password(NEW_PASSWORD)
    assert client.post(newer, data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD}).status_code == 302
    assert coordinator.check_password(NEW_PASSWORD)


def test_an_expired_link_says_so(make_app, coordinator):
    app = make_app(PASSWORD_RESET_MAX_AGE=-1)
    client = app.test_client()
    with app.app_context():
        token = services._reset_token(db.session.merge(coordinator))
    response = client.get(f"/wachtwoord-herstellen/{token}")
    assert response.status_code == 400
    assert "verlopen" in response.get_data(as_text=True)


def test_a_tampered_link_is_refused(client, coordinator):
    path = _reset_link(client)
    assert client.get(path[:-3] + "abc").status_code == 400
    assert client.get("/wachtwoord-herstellen/onzin").status_code == 400


def test_bad_new_passwords_get_dutch_errors(client, coordinator):
    path = _reset_link(client)
    html = client.post(path, data={"password": "kort", "confirm": "kort"}).get_data(as_text=True)
    assert "Een wachtwoord heeft 12 tot 200 tekens." in html
    html = client.post(path, data={"password": NEW_PASSWORD, "confirm": "iets anders"}).get_data(as_text=True)
    assert "De twee wachtwoorden zijn niet gelijk." in html
    html = client.post(path, data={}).get_data(as_text=True)
    assert "Vul een nieuw wachtwoord in." in html


def test_forgot_form_validates_the_address(client):
    html = client.post("/wachtwoord-vergeten", data={"email": "geen adres"}).get_data(as_text=True)
    assert "Vul een e-mailadres in zoals naam@voorbeeld.nl." in html
    assert 'value="geen adres"' in html
