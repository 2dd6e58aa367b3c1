"""The per-address login limit counts the address the account is looked up by, so control
characters, spaces or capitals moved around it are no way past the limit (issue 13)."""
from tests.factories import PASSWORD
from tests.helpers import post_login as login

DISGUISES = [
    "\x01coordinator@example.org",
    "co\x01ordinator@example.org",
    "coordinator@\x01example.org",
    "coordinator@example.org\x01",
    " Coordinator@EXAMPLE.org\x01\x02",
]


def test_an_address_with_control_characters_moved_around_is_limited_like_the_plain_one(make_app, coordinator):
    client = make_app(RATELIMIT_ENABLED=True).test_client()
    for address in DISGUISES:
        assert login(client, address, "fout").status_code == 200
    response = login(client, "coordinator@example.org\x01", "fout")
    assert response.status_code == 429
    assert login(client, "coordinator@example.org", PASSWORD).status_code == 429
