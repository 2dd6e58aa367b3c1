import pytest

from ontwikkelbijeenkomsten.accounts.models import Role
from ontwikkelbijeenkomsten.accounts.services import create_user
from ontwikkelbijeenkomsten.core.extensions import db
from tests.factories import PASSWORD


@pytest.fixture
def coordinator(app):
    """Made by the service from an address in mixed case, as the CLI would."""
    user = create_user("Coordinator@Example.org", "Sanne de Vries", Role.COORDINATOR, PASSWORD)
    db.session.commit()
    return user
