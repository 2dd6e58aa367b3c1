"""A region asks dagdelen for the next programme period once the coordinators have made it: late
in a school year regions plan the next, and the current period's form refuses its dates."""
from __future__ import annotations

import re
from datetime import timedelta
from html import unescape

import pytest
from babel.dates import format_date
from sqlalchemy import select

from ontwikkelbijeenkomsten.core.extensions import db
from ontwikkelbijeenkomsten.core.time import today_local
from ontwikkelbijeenkomsten.regions.models import ProgrammePeriod, QuotaLedger
from ontwikkelbijeenkomsten.requests.models import Request

from .test_public_pages import field_error, form_data


@pytest.fixture
def next_period(world) -> ProgrammePeriod:
    start = world.period.ends_on + timedelta(days=1)
    row = ProgrammePeriod(name=f"Schooljaar {start.year}-{start.year + 1}", starts_on=start,
                          ends_on=start.replace(year=start.year + 1) - timedelta(days=1), default_quota=4)
    db.session.add(row)
    db.session.commit()
    return row


def text(html: str) -> str:
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


def next_moments(period: ProgrammePeriod) -> dict:
    return {"moments-0-date": (period.starts_on + timedelta(days=40)).isoformat(), "moments-0-dagdeel": "ochtend",
            "moments-1-date": (period.starts_on + timedelta(days=47)).isoformat(), "moments-1-dagdeel": "middag"}


def test_the_form_offers_the_next_period_once_it_exists(client, world):
    assert 'id="period-choice"' not in client.get("/aanvragen").get_data(as_text=True)
    start = world.period.ends_on + timedelta(days=1)
    db.session.add(ProgrammePeriod(name="Volgend schooljaar", starts_on=start,
                                   ends_on=start + timedelta(days=364), default_quota=4))
    db.session.commit()
    html = client.get("/aanvragen").get_data(as_text=True)
    assert f"Dit formulier is voor {world.period.name}." in text(html)
    assert "Gebruik dan het formulier voor Volgend schooljaar" in text(html)


def test_the_next_periods_form_names_it_and_keeps_it_in_its_addresses(client, world, next_period):
    html = client.get(f"/aanvragen?periode={next_period.id}&regio={world.region.id}").get_data(as_text=True)
    assert f"Dit formulier is voor {next_period.name}." in text(html)
    assert f'action="/aanvragen?periode={next_period.id}"' in html
    assert f'data-remaining-url="/aanvragen/resterend/{next_period.id}"' in html
    assert f'href="/aanvragen?regio={world.region.id}"' in html  # back to the current period's form
    assert f'<option selected value="{world.region.id}">' in html


def test_a_request_for_the_next_period_counts_there(client, world, next_period):
    """The current period's quota is used up; the next period's is whole."""
    db.session.add(QuotaLedger(region_id=world.region.id, period_id=world.period.id, quota=4, granted=4))
    db.session.commit()
    refused = client.post("/aanvragen", data=form_data(world, **next_moments(next_period)))
    assert refused.status_code == 200
    html = refused.get_data(as_text=True)
    assert "binnen deze programmaperiode" in field_error(html, "moments-0-date")
    assert "geen dagdelen meer over" in field_error(html, "dagdelen_wanted")

    response = client.post(f"/aanvragen?periode={next_period.id}", data=form_data(world, **next_moments(next_period)))
    assert response.status_code == 302
    saved = db.session.scalar(select(Request))
    assert saved.period_id == next_period.id and saved.dagdelen_wanted == 2
    answer = client.get(f"/aanvragen/resterend/{next_period.id}?region_id={world.region.id}").get_json()
    assert (answer["remaining"], answer["quota"]) == (4, 4)
    assert client.get(f"/aanvragen/resterend?region_id={world.region.id}").get_json()["remaining"] == 0


def test_the_next_periods_form_refuses_dates_of_the_current_one(client, world, next_period):
    response = client.post(f"/aanvragen?periode={next_period.id}", data=form_data(world))
    assert response.status_code == 200
    assert "binnen deze programmaperiode" in field_error(response.get_data(as_text=True), "moments-0-date")
    assert db.session.scalar(select(Request)) is None


@pytest.mark.parametrize("value", ["abc", "0", "999999", "-1", "99999999999999999999"])
def test_a_period_that_is_not_open_gives_404(client, world, value):
    assert client.get(f"/aanvragen?periode={value}").status_code == 404
    assert client.post(f"/aanvragen?periode={value}", data=form_data(world)).status_code == 404
    assert client.get(f"/aanvragen/resterend/{value}?region_id={world.region.id}").status_code == 404


def test_a_period_that_has_ended_gives_404(client, world):
    past = ProgrammePeriod(name="Vorig schooljaar", starts_on=world.period.starts_on - timedelta(days=365),
                           ends_on=world.period.starts_on - timedelta(days=1), default_quota=4)
    db.session.add(past)
    db.session.commit()
    assert client.get(f"/aanvragen?periode={past.id}").status_code == 404
    assert client.get(f"/aanvragen?periode={world.period.id}").status_code == 200


def test_between_two_periods_the_form_is_for_the_next(client, world, next_period):
    """In the summer, after one school year's period and before the next, the form is open for
    the next; it used to say that no period was open."""
    today = today_local()
    world.period.starts_on, world.period.ends_on = today - timedelta(days=30), today - timedelta(days=1)
    next_period.starts_on = today + timedelta(days=1)
    db.session.commit()
    html = client.get("/aanvragen").get_data(as_text=True)
    assert 'class="ob-request-form"' in html and 'id="period-choice"' not in html  # the only period open
    assert f"{format_date(next_period.starts_on, 'd MMMM y', locale='nl')} tot en met" in text(html)
    response = client.post("/aanvragen", data=form_data(world, **next_moments(next_period)))
    assert response.status_code == 302
    assert db.session.scalar(select(Request)).period_id == next_period.id
