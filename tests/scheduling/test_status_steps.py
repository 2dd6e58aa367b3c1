"""The region's status page keeps up with the planning (issue 18, item 8): with some dagdelen
booked it says how many, not "a coordinator plans the meeting"; a step tracker shows where the
request stands; each session names its expert (not one who declined) and the programme's address;
withdrawing comes last."""
from __future__ import annotations

import re
from html import unescape

from ontwikkelbijeenkomsten.requests.services import status_token
from .test_expert_needed import decline
from .test_services import book


def said(html: str) -> str:
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


def test_one_of_two_dagdelen_booked_shows_the_step_and_withdraw_comes_last(client, plan):
    page = client.get(f"/aanvraag/{status_token(plan.request)}").get_data(as_text=True)
    assert "Een coördinator plant de bijeenkomst met u en een expert." in said(page)

    book(plan)
    page = client.get(f"/aanvraag/{status_token(plan.request)}").get_data(as_text=True)
    text = said(page)
    assert "1 van 2 dagdelen ingepland." in text
    assert "Een coördinator plant de bijeenkomst met u en een expert." not in text
    assert page.index('id="withdraw-title"') > page.index('id="history-title"')


def current_step(page: str) -> str:
    (step,) = re.findall(r'<li class="ob-steps__step[^"]*" aria-current="step">(.*?)</li>', page, re.S)
    return said(step)


def test_the_tracker_marks_where_the_request_stands(client, plan):
    token = status_token(plan.request)
    page = client.get(f"/aanvraag/{token}").get_data(as_text=True)
    assert said(page).count("Aangevraagd (klaar) Toegekend Ingepland (0 van 2) Uitgevoerd") == 1
    assert current_step(page) == "Toegekend"

    book(plan)
    page = client.get(f"/aanvraag/{token}").get_data(as_text=True)
    assert current_step(page) == "Ingepland (1 van 2)"
    assert page.count('aria-current="step"') == 1


def test_a_session_names_its_expert_and_not_one_who_declined(app, client, plan):
    app.config["CONTACT_EMAIL"] = "programma@example.org"
    token = status_token(plan.request)
    meeting = book(plan).meeting
    text = said(client.get(f"/aanvraag/{token}").get_data(as_text=True))
    assert f"Expert {plan.expert.name}" in text
    assert "Mail het programma via programma@example.org" in text

    decline(meeting, plan.expert)
    text = said(client.get(f"/aanvraag/{token}").get_data(as_text=True))
    assert plan.expert.name not in text
