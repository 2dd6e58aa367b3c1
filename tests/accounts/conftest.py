import pytest

from ontwikkelbijeenkomsten.accounts.models import Role
from ontwikkelbijeenkomsten.accounts.services import create_user
from ontwikkelbijeenkomsten.core.extensions import db

PASSWORD = "een lang wachtwoord"


@pytest.fixture
def coordinator(app):
    user = create_user("Coordinator@Example.org", "Sanne de Vries", Role.COORDINATOR, PASSWORD)
    db.session.commit()
    return user


def login(client, email, password=PASSWORD, **query):
    return client.post("/inloggen", data={"email": email, "password": password}, query_string=query)
