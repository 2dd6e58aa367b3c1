"""The page for a rate limit that was hit (issue 18, item 15) says the real wait and whom to mail;
the request form's own case (the form again, with what was typed) is in tests/requests."""
from __future__ import annotations

import re
from html import unescape


def test_the_limit_page_says_the_real_wait_and_the_contact_address(make_app):
    client = make_app(RATELIMIT_ENABLED=True, CONTACT_EMAIL="programma@example.org").test_client()
    codes = [client.post("/wachtwoord-vergeten", data={"email": "x@example.org"}).status_code for _ in range(11)]
    response = client.post("/wachtwoord-vergeten", data={"email": "x@example.org"})
    assert codes[-1] == response.status_code == 429
    html = response.get_data(as_text=True)
    said = " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())
    minutes = int(re.search(r"Probeer het opnieuw over (\d+) minuten?, om \d\d:\d\d\.", said).group(1))
    assert 1 <= minutes <= 60 and "over een paar minuten" not in said
    assert 'href="mailto:programma@example.org"' in html
    assert 0 < int(response.headers["Retry-After"]) <= 3600 + 1  # the limiter rounds the reset up a second
