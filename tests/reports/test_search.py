"""The coordinators' search for a person: what it finds in requests, registrations and experts,
case and wildcards, the hints for an empty or short query, who may use it, and its query count."""
from __future__ import annotations

import pytest

from ontwikkelbijeenkomsten.core.extensions import db
from ontwikkelbijeenkomsten.core.sectors import Sector
from ontwikkelbijeenkomsten.meetings.models import Registration, RegistrationState
from ontwikkelbijeenkomsten.reports import search
from tests.queries import count_queries, queries_for
from tests.regions.builders import add_request


def _register(meeting, name, email):
    row = Registration(meeting_id=meeting.id, state=RegistrationState.CONFIRMED, name=name, email=email,
                       sector=Sector.JEUGDHULP)
    db.session.add(row)
    db.session.commit()
    return row


@pytest.fixture
def people(plan, training):
    """Karin de Wit (contact, karin.dewit@swv.example), Émile Ångström and Anna Jansen
    (participants), and the experts Eva Jansen and Omar Bakker."""
    request = add_request(plan.region, plan.period)
    request.contact_name, request.contact_email = "Karin de Wit", "karin.dewit@swv.example"
    db.session.commit()
    emile = _register(training, "Émile Ångström", "emile_a@example.org")
    anna = _register(training, "Anna Jansen", "anna@jeugdhulp.example")
    return {"request": request, "emile": emile, "anna": anna, "expert": plan.expert}


def test_finds_a_name_in_every_kind_ignoring_case(people):
    found = search.people("JANSEN")
    assert [r.name for r in found.registrations.rows] == ["Anna Jansen"]
    assert [u.name for u in found.experts.rows] == ["Eva Jansen"]
    assert found.requests.rows == []
    assert found.total == 2


def test_finds_an_address_and_part_of_it(people):
    assert search.people("DEWIT@swv").requests.rows == [people["request"]]
    assert search.people("@jeugdhulp").registrations.rows == [people["anna"]]


def test_ignores_case_beyond_plain_letters(people):
    """PostgreSQL folds É and Å itself; on SQLite the app makes lower() do the same."""
    assert search.people("émile ångström").registrations.rows == [people["emile"]]
    assert search.people("ÅNGSTRÖM").registrations.rows == [people["emile"]]


@pytest.mark.parametrize("typed", ["%", "_a", "e\\"])
def test_wildcards_are_plain_characters(people, typed):
    found = search.people(typed)
    if typed == "_a":  # only the address with a real underscore before the a
        assert found.registrations.rows == [people["emile"]] and found.total == 1
    else:
        assert found.total == 0


def test_caps_each_kind_and_says_there_was_more(people, training, monkeypatch):
    monkeypatch.setattr(search, "LIMIT", 2)
    for n in range(3):
        _register(training, f"Piet Jansen {n}", f"piet{n}@example.org")
    found = search.people("jansen")
    assert len(found.registrations.rows) == 2 and found.registrations.more
    assert not found.experts.more


def test_three_queries_whatever_the_number_of_hits(people, training):
    with count_queries() as few:
        search.people("jansen")
    for n in range(20):
        _register(training, f"Piet Jansen {n}", f"piet{n}@example.org")
        add_request(people["request"].region, people["request"].period).contact_name = f"Jan Jansen {n}"
    db.session.commit()
    with count_queries() as many:
        found = search.people("jansen")
        [r.meeting.title for r in found.registrations.rows] + [r.region.name for r in found.requests.rows]
    assert len(few) == len(many) == 3


# ---- the page ------------------------------------------------------------------------------------
def test_page_groups_results_with_links(coordinator_client, people):
    page = coordinator_client.get("/coordinatie/zoeken?q=jansen").get_data(as_text=True)
    assert "2 resultaten voor" in page
    expert, anna = people["expert"], people["anna"]
    assert f'href="/coordinatie/experts/{expert.id}"' in page
    assert f'href="/bijeenkomsten/{anna.meeting_id}/deelnemers#registration-{anna.id}"' in page
    assert '<section class="ob-section" aria-labelledby="requests-title">' in page
    page = coordinator_client.get("/coordinatie/zoeken?q=karin").get_data(as_text=True)
    assert f'href="/coordinatie/aanvragen/{people["request"].id}"' in page


@pytest.mark.parametrize("typed, message", [
    ("", "Typ een naam of e-mailadres om te zoeken."),
    ("   ", "Typ een naam of e-mailadres om te zoeken."),
    ("j", "Typ minstens 2 en hoogstens 200 tekens."),
])
def test_empty_or_short_query_gets_a_hint_at_the_field(coordinator_client, people, typed, message):
    response = coordinator_client.get("/coordinatie/zoeken", query_string={"q": typed})
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert page.count(message) == 2  # in the summary and at the field
    assert 'id="q-error"' in page and "resultaten voor" not in page


def test_no_hint_before_searching_and_nothing_found(coordinator_client, people):
    page = coordinator_client.get("/coordinatie/zoeken").get_data(as_text=True)
    assert 'id="q"' in page and "ob-error-summary" not in page
    page = coordinator_client.get("/coordinatie/zoeken?q=zzz%25").get_data(as_text=True)
    assert "Niets gevonden voor" in page and 'value="zzz%"' in page


def test_the_start_page_has_the_search_field(coordinator_client):
    page = coordinator_client.get("/coordinatie").get_data(as_text=True)
    assert 'action="/coordinatie/zoeken"' in page and 'role="search"' in page


def test_only_coordinators_search(app, people, expert_client):
    assert app.test_client().get("/coordinatie/zoeken?q=jansen").status_code == 302
    assert expert_client.get("/coordinatie/zoeken?q=jansen").status_code == 403


def test_page_query_count_does_not_grow(coordinator_client, people, training):
    before = queries_for(coordinator_client, "/coordinatie/zoeken?q=jansen")
    for n in range(10):
        _register(training, f"Piet Jansen {n}", f"piet{n}@example.org")
    assert queries_for(coordinator_client, "/coordinatie/zoeken?q=jansen") == before
