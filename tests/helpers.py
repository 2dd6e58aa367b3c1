"""Helpers the test packages share: logging in."""
from __future__ import annotations

from tests.factories import PASSWORD

__all__ = ["login", "post_login"]


def post_login(client, email: str, password: str = PASSWORD, **query):
    """POST the login form; returns the response (for tests of logging in itself)."""
    return client.post("/inloggen", data={"email": email, "password": password}, query_string=query)


def login(client, who="coordinator@example.org", password: str = PASSWORD):
    """Log `client` in as `who` (a user or an e-mail address) and return the client."""
    email = getattr(who, "email", who)
    response = post_login(client, email, password)
    assert response.status_code == 302, f"login as {email} failed"
    return client
