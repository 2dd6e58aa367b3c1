"""The coordinator's form for places held per sector on the participants page (saving, the rules
at their fields with what was typed kept, the held and used places) and what the training's
public page says is left per sector, and why someone of another sector finds no place."""
from __future__ import annotations

from datetime import timedelta

import pytest
from flask_babel import force_locale

from ontwikkelbijeenkomsten.core.extensions import db
from ontwikkelbijeenkomsten.core.sectors import Sector
from ontwikkelbijeenkomsten.core.uow import unit_of_work
from ontwikkelbijeenkomsten.core.i18n import clock, long_date
from ontwikkelbijeenkomsten.meetings import sector_places, services
from ontwikkelbijeenkomsten.meetings.models import Meeting
from tests.meetings.test_lists import fill, follow, html_of, url
from tests.meetings.test_public_pages import FORM, in_english, post_form, register_url, signup_block, text
from tests.factories import applicant
from tests.meetings.test_services import outbox
from tests.requests.test_coordinator_pages import has_field_error


@pytest.fixture
def english(plan):
    """The coordinator reads English (the msgids)."""
    plan.coordinator.locale = "en"
    db.session.commit()


def post(client, training, **data):
    return client.post(url(training, "plaatsen-per-sector"), data={f"places-{k}": v for k, v in data.items()})


def test_a_coordinator_holds_places_and_sees_them_used(english, coordinator_client, make_training):
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


def test_every_problem_is_shown_at_its_field_with_what_was_typed(english, coordinator_client, make_training):
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


def test_shape_errors_come_from_the_form(english, coordinator_client, training):
    html = html_of(post(coordinator_client, training, onderwijs="-1", jeugdhulp="veel", release_time="09:00"))
    assert has_field_error(html, "places-onderwijs") and has_field_error(html, "places-jeugdhulp")
    assert has_field_error(html, "places-release_at")  # a time without a date


def test_the_dutch_page_says_it_in_dutch(coordinator_client, make_training):
    training = make_training(capacity=6)
    html = html_of(post(coordinator_client, training, onderwijs="7"))
    assert "Samen kunnen de sectoren hoogstens 6 plaatsen vasthouden" in html
    follow(coordinator_client, post(coordinator_client, training, onderwijs="2"))
    assert "Onderwijs: 0 van 2 vastgehouden plaatsen gebruikt" in html_of(coordinator_client.get(url(training)))


def test_the_training_page_says_what_is_left_per_sector_in_its_registration_block(client, make_training, plan):
    training = make_training(capacity=10)
    with unit_of_work():
        services.set_sector_places(training, {Sector.ONDERWIJS: 3, Sector.JEUGDHULP: 4}, None, plan.coordinator)
    fill(training, 2, sector=Sector.JEUGDHULP)
    fill(training, 1, start=5, sector=Sector.GEMEENTE)
    block = text(signup_block(html_of(in_english(client).get(f"/agenda/{training.id}"))))
    assert "Register – 7 places left" in block
    assert "3 places left for education" in block and "2 places left for youth care" in block
    assert "2 places left for every sector" in block
    assert "Places held for a sector are kept for it until " in block
    fill(training, 2, start=10, sector=Sector.OTHER)
    block = text(signup_block(html_of(client.get(f"/agenda/{training.id}"))))
    assert "The other places are held for education and youth care until " in block
    assert "Until then, other sectors can register for the waiting list." in block
    assert "for every sector" not in block and "Municipality" in text(html_of(client.get(
        f"/agenda/{training.id}")))  # the sector mix stays beside it
    with unit_of_work():
        services.release_held_places(services.first_start(training) - timedelta(hours=1))
    block = text(signup_block(html_of(client.get(f"/agenda/{training.id}"))))
    assert "Register – 5 places left" in block and "left for education" not in block


def test_the_dutch_training_page_says_nog_n_plaatsen_voor_jeugdhulp(client, make_training, plan):
    training = make_training(capacity=10)
    with unit_of_work():
        services.set_sector_places(training, {Sector.JEUGDHULP: 4}, None, plan.coordinator)
    with client.session_transaction() as stored:
        stored["locale"] = "nl"
    assert "Nog 4 plaatsen voor jeugdhulp" in text(signup_block(html_of(client.get(f"/agenda/{training.id}"))))


def held_for_youth_care_only(make_training, plan, waiting_list: bool) -> Meeting:
    """4 places, 2 held for youth care and 2 taken by others: nothing is left for other sectors."""
    training = make_training(capacity=4, waiting_list=waiting_list)
    with unit_of_work():
        services.set_sector_places(training, {Sector.JEUGDHULP: 2}, None, plan.coordinator)
    fill(training, 2, start=5, sector=Sector.GEMEENTE)
    return training


def test_without_a_waiting_list_the_block_says_other_sectors_cannot_register_until_the_release(
        client, make_training, plan):
    training = held_for_youth_care_only(make_training, plan, waiting_list=False)
    block = text(signup_block(html_of(in_english(client).get(f"/agenda/{training.id}"))))
    assert "Register – 2 places left" in block and "2 places left for youth care" in block
    assert "The other places are held for youth care until " in block
    assert "Until then, other sectors cannot register." in block
    assert "waiting list" not in block


def test_another_sector_is_told_the_places_are_held_and_until_when(client, make_training, plan):
    training = held_for_youth_care_only(make_training, plan, waiting_list=False)
    until = services.first_start(training) - sector_places.RELEASE_BEFORE_START
    response = post_form(in_english(client), register_url(training), sector="onderwijs")
    assert response.status_code == 200
    html = html_of(response)
    page = text(html)
    assert (f"There is no place left for your sector: the other places are held for youth care until "
            f"{long_date(until)}, {clock(until)}. Then they are open to everyone.") in page
    assert "This session is full." not in page and f'value="{FORM["name"]}"' in html  # what was typed stays
    db.session.expire_all()
    assert db.session.get(Meeting, training.id).confirmed_count == 2
    assert post_form(client, register_url(training), sector="jeugdhulp").status_code == 302  # held for them


def test_the_dutch_refusal_names_the_sector_and_the_moment(client, make_training, plan):
    training = held_for_youth_care_only(make_training, plan, waiting_list=False)
    with client.session_transaction() as stored:
        stored["locale"] = "nl"
    block = text(signup_block(html_of(client.get(f"/agenda/{training.id}"))))
    assert "De overige plaatsen zijn tot " in block and " vastgehouden voor jeugdhulp. Daarna zijn ze open" in block
    assert "Andere sectoren kunnen zich tot dan niet aanmelden." in block
    page = text(html_of(post_form(client, register_url(training), sector="anders")))
    assert "Er is geen plaats meer voor uw sector. De overige plaatsen zijn tot " in page
    assert " vastgehouden voor jeugdhulp. Daarna zijn ze open voor iedereen." in page


def test_a_full_training_without_held_places_is_simply_full(client, make_training):
    training = make_training(capacity=1, waiting_list=False)
    fill(training, 1, start=5)
    page = text(html_of(post_form(in_english(client), register_url(training))))
    assert "This session is full." in page and "held" not in page


def test_with_a_waiting_list_another_sector_is_told_why_it_waits(client, make_training, plan):
    training = held_for_youth_care_only(make_training, plan, waiting_list=True)
    until = services.first_start(training) - sector_places.RELEASE_BEFORE_START
    response = post_form(in_english(client), register_url(training), sector="onderwijs")
    assert response.status_code == 302
    shown = text(html_of(client.get(response.location)))
    assert (f"There is no place left for your sector: the other places are held for youth care until "
            f"{long_date(until)}, {clock(until)}. Then they are open to everyone. "
            "You are number 1 on the waiting list.") in shown
    assert "The session is full" not in shown


def test_the_waiting_list_mail_says_why_another_sector_waits_not_that_it_is_full(client, make_training, plan):
    training = held_for_youth_care_only(make_training, plan, waiting_list=True)
    until = services.first_start(training) - sector_places.RELEASE_BEFORE_START
    assert post_form(in_english(client), register_url(training), sector="onderwijs").status_code == 302
    [mail] = [m for m in outbox() if m.kind == "registration_waiting"]
    for body in (mail.text_body, text(mail.html_body)):
        body = " ".join(body.split())
        assert (f"There is no place left for your sector: the other places are held for youth care until "
                f"{long_date(until)}, {clock(until)}. Then they are open to everyone. "
                "You are on the waiting list.") in body
        assert "The session is full" not in body


def test_the_waiting_reason_is_in_the_participants_language_whoever_registers_them(app, make_training, plan):
    """A Dutch page (a coordinator adding someone) registers an English participant: the reason
    in their mail, with the sector and the moment, is English."""
    training = held_for_youth_care_only(make_training, plan, waiting_list=True)
    until = services.first_start(training) - sector_places.RELEASE_BEFORE_START
    with app.test_request_context("/", headers={"Accept-Language": "nl"}), force_locale("nl"):
        with unit_of_work():
            services.register(training, applicant(30, sector=Sector.ONDERWIJS, locale="en"))
    [mail] = [m for m in outbox() if m.kind == "registration_waiting"]
    with force_locale("en"):
        english_date = long_date(until)
    body = " ".join(mail.text_body.split())
    assert (f"the other places are held for youth care until {english_date}, {clock(until)}. "
            "Then they are open to everyone.") in body, "BUG: the reason is in the Dutch of the page"
