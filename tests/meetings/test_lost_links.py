"""'Stuur mijn link opnieuw' (issue 18, item 14): the links of an address's requests and
registrations are mailed to that address through the outbox; the page says the same whether or
not the address is known; it is rate-limited; the 404 and 403 pages offer a way on."""
from __future__ import annotations

import re
from html import unescape

from sqlalchemy import select

from ontwikkelbijeenkomsten.core.extensions import db
from ontwikkelbijeenkomsten.core.uow import unit_of_work
from ontwikkelbijeenkomsten.mail.models import OutboxMail
from ontwikkelbijeenkomsten.meetings import links, services
from ontwikkelbijeenkomsten.requests import services as requests
from tests.factories import applicant

URL = "/link-kwijt"
ADDRESS = "ilse@example.org"  # the contact of `plan.request`


def said(response) -> str:
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", response.get_data(as_text=True))).split())


def linked(path: str, body: str) -> list[str]:
    """The distinct tokens of the /<path>/<token> links in a mail body."""
    return sorted(set(re.findall(rf"/{path}/([\w.-]+)", body)))


def lost_link_mails() -> list[OutboxMail]:
    return list(db.session.scalars(select(OutboxMail).where(OutboxMail.kind == "lost_links")))


def test_the_links_of_an_address_go_to_that_address_and_the_page_says_the_same_as_for_a_stranger(
        client, plan, training):
    request = plan.request  # its contact is ADDRESS
    with unit_of_work():
        registration = services.register(training, applicant(1, email=ADDRESS))
    known = client.post(URL, data={"email": " Ilse@Example.org "})
    stranger = client.post(URL, data={"email": "niemand@example.org"})
    assert known.status_code == stranger.status_code == 200
    assert said(known).replace(ADDRESS, "X") == said(stranger).replace("niemand@example.org", "X")
    assert "Als er aanvragen of aanmeldingen bij ilse@example.org horen" in said(known)

    (sent,) = lost_link_mails()  # one mail, to the address itself; none for the stranger
    assert sent.recipient == ADDRESS
    for body in (sent.text_body, sent.html_body):
        # The tokens carry the moment they were made, so the links are read back, not rebuilt.
        assert [requests.request_for_token(t) for t in linked("aanvraag", body)] == [request]
        assert [links.registration_for_token(t) for t in linked("aanmelding", body)] == [registration]
        assert training.title in body and "SWV Zuid-Limburg" in body


def test_each_request_names_its_region_and_where_it_stands(client, plan):
    """A contact of two regions, or of two requests of one organisation, tells the links apart."""
    plan.granted(1, region=plan.regions[1])
    client.post(URL, data={"email": ADDRESS})
    (sent,) = lost_link_mails()
    for body in (sent.text_body, sent.html_body):
        assert "Zuid-Limburg, SWV Zuid-Limburg, verstuurd op" in body and "(Toegekend)" in body, (
            "BUG: only the organisation and a date; the region and the state are missing")
        assert "Groningen, SWV Zuid-Limburg, verstuurd op" in body


def test_bad_input_is_answered_at_the_field_and_mails_nothing(client, world):
    response = client.post(URL, data={"email": "geen adres"})
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and 'id="error-summary"' in html and 'value="geen adres"' in html
    assert lost_link_mails() == []


def test_asking_again_and_again_is_limited_and_the_form_comes_back(make_app, world):
    client = make_app(RATELIMIT_ENABLED=True).test_client()
    codes = [client.post(URL, data={"email": "iemand@example.org"}).status_code for _ in range(4)]
    assert codes == [200, 200, 200, 429]
    html = client.post(URL, data={"email": "iemand@example.org"}).get_data(as_text=True)
    assert 'id="rate-limited"' in html and 'value="iemand@example.org"' in html


def test_the_404_and_403_pages_offer_a_way_on(make_app, client, expert_client):
    app = make_app(CONTACT_EMAIL="programma@example.org")
    for response in (app.test_client().get("/bestaat-niet"), expert_client.get("/coordinatie/aanvragen")):
        assert response.status_code in (403, 404)
        html = response.get_data(as_text=True)
        # once, in the body: not inside the title, the heading or the error code
        assert html.count('id="ways-on"') == 1
        assert "<" not in re.search(r"<title>(.*?)</title>", html, re.S).group(1)
        assert "<" not in re.search(r'<h1 [^>]*>(.*?)</h1>', html, re.S).group(1)
        ways = re.search(r'<ul [^>]*id="ways-on".*?</ul>', html, re.S).group(0)
        for href in ('href="/link-kwijt"', 'href="/agenda"', 'href="/aanvragen"'):
            assert href in ways
    ways = re.search(r'<ul [^>]*id="ways-on".*?</ul>', app.test_client().get("/x").get_data(as_text=True), re.S)
    assert 'href="mailto:programma@example.org"' in ways.group(0)


def test_a_logged_in_person_is_offered_the_way_back_to_their_own_work(expert_client, coordinator_client, expert):
    html = expert_client.get("/coordinatie/aanvragen").get_data(as_text=True)
    ways = re.search(r'<ul [^>]*id="ways-on".*?</ul>', html, re.S).group(0)
    assert f'id="way-back" href="/experts/{expert.id}/opdrachten">Mijn opdrachten' in ways, "BUG: no way back"
    html = coordinator_client.get("/coordinatie/aanvragen/999999").get_data(as_text=True)
    ways = re.search(r'<ul [^>]*id="ways-on".*?</ul>', html, re.S).group(0)
    assert 'id="way-back" href="/coordinatie">Uw startpagina' in ways
