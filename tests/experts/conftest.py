"""Fixtures for the expert tests: themes, regions, a coordinator and two experts.

Every user has the password ``PASSWORD``. ``login(client, user)`` logs a test client in and
returns it; ``coordinator_client`` and ``expert_client`` are clients already logged in.
"""
import pytest

from ontwikkelbijeenkomsten.accounts.models import Role
from ontwikkelbijeenkomsten.accounts.services import create_user
from ontwikkelbijeenkomsten.core.models import Theme
from ontwikkelbijeenkomsten.experts.models import ExpertProfile
from ontwikkelbijeenkomsten.core.extensions import db
from ontwikkelbijeenkomsten.regions.models import Region

PASSWORD = "een lang wachtwoord"


def login(client, user, password=PASSWORD):
    """Log `client` in as `user` and return the client."""
    response = client.post("/inloggen", data={"email": user.email, "password": password})
    assert response.status_code == 302, f"login as {user.email} failed"
    return client


def make_expert(email, name, themes, *, regions=(), serves_all_regions=True, password=PASSWORD):
    """An expert with a profile (the caller commits)."""
    user = create_user(email, name, Role.EXPERT, password)
    profile = ExpertProfile(
        user=user, bio="", organisation="", serves_all_regions=serves_all_regions,
        themes=list(themes), regions=list(regions),
    )
    db.session.add(profile)
    db.session.flush()
    return user


@pytest.fixture
def themes(app):
    rows = [
        Theme(slug="oogo", name="OOGO", position=1),
        Theme(slug="leerplicht", name="Leerplicht", position=2),
        Theme(slug="leerlingenvervoer", name="Leerlingenvervoer", position=3),
    ]
    db.session.add_all(rows)
    db.session.commit()
    return rows


@pytest.fixture
def regions(app):
    rows = [Region(code="JZ41", name="Zuid-Limburg"), Region(code="JZ01", name="Groningen")]
    db.session.add_all(rows)
    db.session.commit()
    return rows


@pytest.fixture
def coordinator(app):
    user = create_user("coordinator@example.org", "Sanne de Vries", Role.COORDINATOR, PASSWORD)
    db.session.commit()
    return user


@pytest.fixture
def expert(app, themes):
    user = make_expert("expert@example.org", "Eva Jansen", themes[:2])
    db.session.commit()
    return user


@pytest.fixture
def other_expert(app, themes):
    user = make_expert("ander@example.org", "Omar Bakker", themes[1:])
    db.session.commit()
    return user


@pytest.fixture
def coordinator_client(app, coordinator):
    return login(app.test_client(), coordinator)


@pytest.fixture
def expert_client(app, expert):
    return login(app.test_client(), expert)
