"""The region's status page keeps up with the planning (issue 18, item 8): with some dagdelen
booked it says how many, not "a coordinator plans the meeting"; a step tracker shows where the
request stands; each session names its expert (not one who declined) and the programme's address;
withdrawing comes last."""
from __future__ import annotations

import re
from html import unescape
from pathlib import Path

from ontwikkelbijeenkomsten.core.extensions import db
from ontwikkelbijeenkomsten.core.uow import unit_of_work
from ontwikkelbijeenkomsten.requests import services as requests
from ontwikkelbijeenkomsten.requests.services import status_token
from ontwikkelbijeenkomsten.scheduling import grants
from tests.factories import submission
from .test_expert_needed import decline
from .test_services import book


def said(html: str) -> str:
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


def test_one_of_two_dagdelen_booked_shows_the_step_and_withdraw_comes_last(client, plan):
    page = client.get(f"/aanvraag/{status_token(plan.request)}").get_data(as_text=True)
    assert "Een coördinator plant de bijeenkomsten met u en een expert in." in said(page)

    book(plan)
    page = client.get(f"/aanvraag/{status_token(plan.request)}").get_data(as_text=True)
    text = said(page)
    assert "1 van 2 dagdelen ingepland." in text
    assert "Een coördinator plant de bijeenkomsten met u en een expert in." not in text
    assert page.index('id="withdraw-title"') > page.index('id="history-title"')


def current_step(page: str) -> str:
    (step,) = re.findall(r'<li class="ob-progress__step[^"]*" aria-current="step">(.*?)</li>', page, re.S)
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


def test_the_tracker_has_a_class_of_its_own_and_marks_done_steps(client, plan):
    """The home page's numbered cards are `.ob-steps`; the tracker shares no class with them."""
    book(plan)
    page = client.get(f"/aanvraag/{status_token(plan.request)}").get_data(as_text=True)
    (tracker,) = re.findall(r'<ol class="([^"]*)">\s*<li class="ob-progress__step', page)
    assert tracker == "ob-progress"
    assert "ob-steps" not in page
    steps = re.findall(r'<li class="(ob-progress__step[^"]*)"', page)
    assert steps == ["ob-progress__step ob-progress__step--done"] * 2 + [
        "ob-progress__step ob-progress__step--current", "ob-progress__step"]


CSS = Path(__file__).resolve().parents[2] / "static" / "css"


def rules(name: str) -> list[tuple[list[str], dict[str, str]]]:
    """The style rules of a stylesheet, those inside @media too: (selectors, declarations)."""
    text = re.sub(r"/\*.*?\*/", "", (CSS / name).read_text("utf-8"), flags=re.S)
    return [([s.strip() for s in selectors.split(",")],
             dict(d.split(":", 1) for d in (d.strip() for d in body.split(";")) if d))
            for selectors, body in re.findall(r"([^{}]+)\{([^{}]*)\}", text)]


def declarations(selector: str) -> dict[str, str]:
    found = {}
    for selectors, body in rules("app.css"):
        if selector in selectors:
            found.update({k.strip(): v.strip() for k, v in body.items()})
    return found


def luminance(hex_colour: str) -> float:
    channels = [int(hex_colour[i:i + 2], 16) / 255 for i in (1, 3, 5)]
    r, g, b = (c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def test_the_home_page_steps_stay_a_grid_and_the_tracker_steps_are_told_apart_on_screen():
    assert all(body.get("display", "grid").strip() == "grid"
               for selectors, body in rules("app.css") if ".ob-steps" in selectors)
    done = declarations(".ob-progress__step--done::after")
    assert done["content"] == '""' and "border-block-end" in done  # a check mark, not a colour only
    assert declarations(".ob-progress__step--current")["font-weight"] == "700"
    tokens = dict(re.findall(r"(--ob-color-[a-z0-9-]+):\s*(#[0-9a-f]{6})", (CSS / "theme.css").read_text("utf-8")))
    (to_come,) = re.findall(r"var\((--ob-color-[a-z0-9-]+)\)", declarations(".ob-progress__step")["color"])
    assert (1 + 0.05) / (luminance(tokens[to_come]) + 0.05) >= 4.5  # on white


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


def status_text(client, request) -> str:
    return said(client.get(f"/aanvraag/{status_token(request)}").get_data(as_text=True))


def test_one_dagdeel_granted_speaks_of_one_meeting_and_two_of_meetings(client, plan):
    one = plan.granted(1, region=plan.regions[1])
    assert "Een coördinator plant de bijeenkomst met u en een expert in. U krijgt de datum" in status_text(client, one)
    assert "plant de bijeenkomst met u" not in status_text(client, plan.request), (
        "BUG: two dagdelen granted, and the page speaks of one meeting")


def test_before_the_decision_the_tracker_counts_nothing(client, plan):
    submitted = requests.submit(submission(plan, dagdelen_wanted=1))
    db.session.commit()
    text = status_text(client, submitted)
    assert "Aangevraagd Toegekend Ingepland Uitgevoerd" in text
    assert "(0 van 0)" not in text, "BUG: 'Ingepland (0 van 0)' before anything was granted"


def test_a_session_whose_expert_declined_tells_the_region_what_happens(client, plan):
    meeting = book(plan).meeting
    decline(meeting, plan.expert)
    text = status_text(client, plan.request)
    assert "(Expert nodig)" in text
    assert "De expert kan niet meer komen. Een coördinator zoekt een andere expert." in text, (
        "BUG: the region sees 'Expert nodig' and no expert, without a word on what happens")


def test_a_cancelled_session_is_not_listed_under_planned_meetings(client, plan):
    meeting = book(plan).meeting
    from ontwikkelbijeenkomsten.scheduling import services
    with unit_of_work():
        services.cancel(meeting, "De zaal is niet beschikbaar.", plan.coordinator)
    text = status_text(client, plan.request)
    assert "Uw bijeenkomsten" in text and "(Geannuleerd)" in text
    assert "Ingeplande bijeenkomsten" not in text


def test_a_lowered_grant_stands_in_the_history_with_its_reason(client, plan):
    with unit_of_work():
        grants.lower_grant(plan.request, 1, "De regio heeft genoeg aan één bijeenkomst.", plan.coordinator)
    text = status_text(client, plan.request)
    assert "Toegekende dagdelen 1" in text
    assert ("Een coördinator heeft het aantal toegekende dagdelen verlaagd van 2 naar 1. Reden: "
            "De regio heeft genoeg aan één bijeenkomst.") in text, (
        "BUG: the history says 2 dagdelen were granted, the details 1, and nothing in between")
    assert "request.grant_lowered" not in text
