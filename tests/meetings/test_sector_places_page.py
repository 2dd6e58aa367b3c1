"""The coordinator's form for places held per sector on the participants page: saving, the rules
at their fields with what was typed kept, and the held and used places the page shows."""
from __future__ import annotations

import pytest

from ontwikkelbijeenkomsten.core.extensions import db
from ontwikkelbijeenkomsten.core.sectors import Sector
from ontwikkelbijeenkomsten.meetings.models import Meeting
from tests.meetings.test_lists import fill, follow, html_of, url
from tests.requests.test_coordinator_pages import has_field_error


@pytest.fixture(autouse=True)
def english(plan):
    plan.coordinator.locale = "en"
    db.session.commit()


def post(client, training, **data):
    return client.post(url(training, "plaatsen-per-sector"), data={f"places-{k}": v for k, v in data.items()})


def test_a_coordinator_holds_places_and_sees_them_used(coordinator_client, make_training):
    training = make_training(capacity=6)
    html = follow(coordinator_client, post(coordinator_client, training, onderwijs="2", jeugdhulp="3"))
    assert "The places per sector have been saved. They are kept until" in html
    fill(training, 1, sector=Sector.JEUGDHULP)
    html = html_of(coordinator_client.get(url(training)))
    assert "Education: 0 of 2 held places used" in html
    assert "Youth care: 1 of 3 held places used" in html
    assert 'id="held-release"' in html and "then the places that are left are open to everyone" in html
    db.session.expire_all()
    lead = db.session.get(Meeting, training.id)
    assert (lead.held_onderwijs, lead.held_jeugdhulp, lead.held_gemeente) == (2, 3, 0)


def test_every_problem_is_shown_at_its_field_with_what_was_typed(coordinator_client, make_training):
    training = make_training(capacity=6)
    start = training.date.strftime("%d-%m-%Y")
    response = post(coordinator_client, training, onderwijs="4", jeugdhulp="3", release_at=start, release_time="23:00")
    assert response.status_code == 200
    html = html_of(response)
    assert has_field_error(html, "places-onderwijs") and has_field_error(html, "places-release_at")
    assert "Together the sectors can hold at most 6 places" in html
    assert "Choose a moment before the training begins" in html
    assert 'value="4"' in html and 'value="3"' in html and "23:00" in html
    db.session.expire_all()
    assert db.session.get(Meeting, training.id).held_onderwijs == 0


def test_shape_errors_come_from_the_form(coordinator_client, training):
    html = html_of(post(coordinator_client, training, onderwijs="-1", jeugdhulp="veel", release_time="09:00"))
    assert has_field_error(html, "places-onderwijs") and has_field_error(html, "places-jeugdhulp")
    assert has_field_error(html, "places-release_at")  # a time without a date


def test_the_dutch_page_says_it_in_dutch(coordinator_client, make_training, plan):
    plan.coordinator.locale = "nl"
    db.session.commit()
    training = make_training(capacity=6)
    html = html_of(post(coordinator_client, training, onderwijs="7"))
    assert "Samen kunnen de sectoren hoogstens 6 plaatsen vasthouden" in html
    follow(coordinator_client, post(coordinator_client, training, onderwijs="2"))
    assert "Onderwijs: 0 van 2 vastgehouden plaatsen gebruikt" in html_of(coordinator_client.get(url(training)))
