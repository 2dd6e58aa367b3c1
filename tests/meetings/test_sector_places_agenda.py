"""While a training holds places per sector, the public agenda says how many of the places left
are held (so it promises no visitor more than they may get), without a query per training; the
coordinator's own page of the training shows the held and used places per sector."""
from __future__ import annotations

from datetime import timedelta

from flask_babel import refresh

from ontwikkelbijeenkomsten.core.extensions import db
from ontwikkelbijeenkomsten.core.sectors import Sector
from ontwikkelbijeenkomsten.core.uow import unit_of_work
from ontwikkelbijeenkomsten.meetings import services
from tests.meetings.test_lists import fill, html_of
from tests.meetings.test_public_pages import in_english, text
from tests.meetings.test_sector_places import hold
from tests.queries import queries_for


def badge(client, training) -> str:
    """The places of `training` as the agenda's list shows them."""
    shown = text(html_of(client.get("/agenda")))
    return shown[shown.index(training.title):][:400]


def test_the_agenda_says_how_many_of_the_places_left_are_held(client, make_training, plan):
    held = make_training(capacity=10, title="Samen leren")
    plain = make_training(capacity=10, title="Alleen open", days_ahead=40)
    hold(held, plan.coordinator, onderwijs=3, jeugdhulp=4)
    fill(held, 2, sector=Sector.JEUGDHULP)
    fill(held, 1, start=5, sector=Sector.GEMEENTE)
    en = in_english(client)
    assert "7 places left, of which 5 held per sector" in badge(en, held)
    assert "10 places left" in badge(en, plain) and "held per sector" not in badge(en, plain)
    with client.session_transaction() as stored:
        stored["locale"] = "nl"
    refresh()  # the requests share the test's app context, where the locale is kept
    assert "Nog 7 plaatsen, waarvan 5 vastgehouden per sector" in badge(client, held)
    with unit_of_work():
        services.release_held_places(services.first_start(held) - timedelta(hours=1))
    assert "Nog 7 plaatsen" in badge(client, held) and "vastgehouden" not in badge(client, held)


def test_held_places_add_no_query_per_training_to_the_agenda(client, make_training, plan):
    counts, made = [], 0
    for size in (4, 16):
        while made < size:
            lead = make_training(capacity=20, title=f"Training {made}", days_ahead=20 + made)
            lead.held_onderwijs, lead.held_jeugdhulp = 2 + made % 3, 3
            made += 1
        db.session.commit()
        counts.append(queries_for(client, "/agenda"))
        assert text(html_of(client.get("/agenda"))).count("vastgehouden per sector") == size
    assert counts[0] == counts[1], counts


def test_the_coordinators_training_page_shows_the_held_places_per_sector(coordinator_client, make_training, plan):
    training = make_training(capacity=6)
    page = f"/coordinatie/bijeenkomsten/{training.id}"
    assert "vastgehouden plaatsen" not in text(html_of(coordinator_client.get(page)))
    hold(training, plan.coordinator, onderwijs=2, jeugdhulp=3)
    fill(training, 1, sector=Sector.JEUGDHULP)
    shown = text(html_of(coordinator_client.get(page)))
    assert "Onderwijs: 0 van 2 vastgehouden plaatsen gebruikt" in shown
    assert "Jeugdhulp: 1 van 3 vastgehouden plaatsen gebruikt" in shown
    assert "daarna zijn de plaatsen die over zijn voor iedereen open" in shown
