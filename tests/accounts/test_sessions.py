"""Login sessions end on the server: at logout, and for every device when the password changes."""
import re

from sqlalchemy import select

from ontwikkelbijeenkomsten.core.extensions import db
from ontwikkelbijeenkomsten.mail.models import OutboxMail
from tests.helpers import login

QUEUE = "/coordinatie/aanvragen"
NEW_PASSWORD = "nieuw en lang genoeg"


def logged_in(client) -> bool:
    return client.get(QUEUE).status_code == 200


def test_a_cookie_copied_before_logout_no_longer_logs_in(app, client, coordinator):
    login(client)
    copied = client.get_cookie("session").value
    assert client.post("/uitloggen").status_code == 302
    assert not logged_in(client)

    thief = app.test_client()
    thief.set_cookie("session", copied)
    assert thief.get(QUEUE).headers["Location"].startswith("/inloggen")


def test_logging_out_ends_the_sessions_on_other_devices_too(app, client, coordinator):
    """One version per account: logging out anywhere logs out everywhere."""
    other = login(app.test_client())
    login(client).post("/uitloggen")
    assert not logged_in(other)
    assert logged_in(login(other))


def test_a_password_reset_ends_every_session_of_the_account(app, client, coordinator):
    laptop, phone = login(app.test_client()), login(app.test_client())
    client.post("/wachtwoord-vergeten", data={"email": coordinator.email})
    body = db.session.scalars(select(OutboxMail.text_body)).one()
    path = re.search(r"http://localhost(/wachtwoord-herstellen/\S+)", body).group(1)
    assert logged_in(laptop) and logged_in(phone)  # asking for a link changes nothing yet

    assert laptop.post(path, data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD}).status_code == 302
    assert not logged_in(phone)
    assert not logged_in(laptop)
    assert logged_in(login(phone, password=NEW_PASSWORD))


def test_a_new_password_ends_the_sessions_made_with_the_old_one(app, coordinator):
    """Whatever path sets a password (reset, invitation, one to come) goes through set_password."""
    other = login(app.test_client())
    coordinator.set_password(NEW_PASSWORD)
    db.session.commit()
    assert not logged_in(other)


def test_a_session_without_a_version_is_not_trusted(app, coordinator):
    """A cookie from before versions existed (only the id) or a forged one logs in no one."""
    client = app.test_client()
    for session_id in (str(coordinator.id), f"{coordinator.id}:", f"{coordinator.id}:x", "x:0"):
        with client.session_transaction() as session:
            session["_user_id"] = session_id
            session["_fresh"] = True
        assert not logged_in(client)
    with client.session_transaction() as session:
        session["_user_id"] = coordinator.get_id()
    assert logged_in(client)
