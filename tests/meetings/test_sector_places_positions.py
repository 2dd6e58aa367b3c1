"""A waiting participant's position while a training holds places per sector: their place among
the waiting people of their own sector (a freed place goes to the first person whose sector may
take it), and after the release their place on the whole list; the same number on the private
page, in the message after registering and on the coordinator's page, in one query."""
from __future__ import annotations

import re

from flask_babel import force_locale

from ontwikkelbijeenkomsten.core.extensions import db
from ontwikkelbijeenkomsten.core.sectors import Sector
from ontwikkelbijeenkomsten.core.uow import unit_of_work
from ontwikkelbijeenkomsten.meetings import links, sector_places, services
from ontwikkelbijeenkomsten.meetings.models import Registration
from ontwikkelbijeenkomsten.meetings.services import WaitingPosition
from tests.meetings.test_lists import csv_of, html_of, registration_url, url
from tests.meetings.test_public_pages import post_form, register_url, text
from tests.meetings.test_sector_places import J, O, fresh, hold, sign_up
from tests.queries import count_queries, queries_for


def positions(people: list[Registration]) -> list[WaitingPosition | None]:
    db.session.expire_all()
    return [services.waiting_position(db.session.get(Registration, p.id)) for p in people]


def full_training_with_waiting_people(make_training, plan):
    """Three places, one held for jeugdhulp and used; waiting: onderwijs, jeugdhulp, onderwijs, jeugdhulp."""
    training = make_training(capacity=3)
    hold(training, plan.coordinator, jeugdhulp=1)
    sign_up(training, O, O, J)
    return training, sign_up(training, O, J, O, J, start=10)


def release(training) -> None:
    with unit_of_work():
        services.release_held_places(services.first_start(fresh(training)) - sector_places.RELEASE_BEFORE_START)


def test_a_sector_that_holds_places_counts_its_own_waiting_people_until_the_release(make_training, plan):
    training, waiting = full_training_with_waiting_people(make_training, plan)
    # onderwijs holds no places: its people wait on the whole list
    assert positions(waiting) == [WaitingPosition(1), WaitingPosition(1, J), WaitingPosition(3),
                                  WaitingPosition(2, J)]
    lead = fresh(training)  # the participant list numbers the whole list at once, the same way
    assert services.waiting_positions(lead, [db.session.get(Registration, p.id) for p in waiting]) == positions(waiting)
    with force_locale("en"):
        assert str(positions(waiting)[3]) == "number 2 on the waiting list for youth care"
        assert str(positions(waiting)[2]) == "number 3 on the waiting list"
    release(training)
    assert positions(waiting) == [WaitingPosition(n) for n in (1, 2, 3, 4)]


def test_the_private_page_says_the_place_on_the_sectors_list_in_dutch(client, make_training, plan):
    training, waiting = full_training_with_waiting_people(make_training, plan)
    page = f"/aanmelding/{links.registration_token(waiting[3])}"
    with client.session_transaction() as stored:
        stored["locale"] = "nl"
    shown = text(html_of(client.get(page)))
    assert "U staat op plaats 2 van de wachtlijst voor jeugdhulp." in shown
    assert "houden we plaatsen vast voor jeugdhulp: komt er een plaats vrij die jeugdhulp mag krijgen" in shown
    release(training)
    shown = text(html_of(client.get(page)))
    assert "U staat op plaats 4 van de wachtlijst. Komt er een plaats vrij, dan krijgt de eerste op de lijst" in shown
    assert "voor jeugdhulp" not in shown


def test_registering_and_the_coordinators_page_give_the_same_place(client, coordinator_client, make_training, plan):
    training, waiting = full_training_with_waiting_people(make_training, plan)
    response = post_form(client, register_url(training), sector="jeugdhulp")
    assert response.status_code == 302
    shown = text(html_of(client.get(response.location)))
    assert "De bijeenkomst is vol. U staat op plaats 3 van de wachtlijst voor jeugdhulp." in shown
    shown = text(html_of(coordinator_client.get(registration_url(waiting[1]))))
    assert "(plaats 1 van de wachtlijst voor jeugdhulp)" in shown


def test_the_position_takes_one_query_however_long_the_list(client, make_training, plan):
    training, waiting = full_training_with_waiting_people(make_training, plan)
    plain = make_training(capacity=1, title="Zonder vastgehouden plaatsen", days_ahead=40)
    sign_up(plain, O, J, start=30)
    counts = []
    for registration in (waiting[3], sign_up(plain, J, start=40)[0]):
        db.session.expire_all()
        loaded = db.session.get(Registration, registration.id)
        assert loaded.meeting.capacity is not None  # the training is loaded, as on every page
        with count_queries() as statements:
            assert services.waiting_position(loaded) is not None
        counts.append(len(statements))
    assert counts == [1, 1]
    pages = [f"/aanmelding/{links.registration_token(r)}" for r in (waiting[0], waiting[3])]

    def measured() -> list[int]:
        db.session.expire_all()  # as in a new request: nothing read before
        return [queries_for(client, page) for page in pages]

    short = measured()
    sign_up(training, *[J, O] * 10, start=50)
    assert measured() == short


def test_the_participant_list_and_its_export_number_the_waiting_people_the_same_way(coordinator_client, make_training,
                                                                                    plan):
    training, waiting = full_training_with_waiting_people(make_training, plan)
    html = html_of(coordinator_client.get(url(training)))
    numbers = re.findall(r'<tr id="registration-(\d+)"><td class="ob-numeric"[^>]*>(\d+)</td>', html)
    assert numbers == [(str(r.id), n) for r, n in zip(waiting, "1132")]
    assert 'id="waiting-held-note"' in html
    rows = {row[0]: row for row in csv_of(coordinator_client.get(url(training, "deelnemers.csv")))}
    column = rows["Naam"].index("Plaats op de wachtlijst")
    assert [rows[r.name][column] for r in waiting] == ["1", "1", "3", "2"]
    release(training)
    html = html_of(coordinator_client.get(url(training)))
    numbers = re.findall(r'<tr id="registration-(\d+)"><td class="ob-numeric"[^>]*>(\d+)</td>', html)
    assert [n for _id, n in numbers] == ["1", "2", "3", "4"] and 'id="waiting-held-note"' not in html
