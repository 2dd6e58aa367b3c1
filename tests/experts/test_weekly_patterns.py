"""Weekly patterns of availability: saving one through the rule (its checks included), showing
it on the month, and removing it with its free future dagdelen, booked ones and other patterns'
dagdelen kept; access and bad input on the pages."""
from __future__ import annotations

import re
from datetime import date, time, timedelta

import pytest
from sqlalchemy import select

from ontwikkelbijeenkomsten.core.extensions import db
from ontwikkelbijeenkomsten.core.rules import RuleViolation
from ontwikkelbijeenkomsten.core.time import Dagdeel, local_to_utc, today_local
from ontwikkelbijeenkomsten.experts import availability, patterns
from ontwikkelbijeenkomsten.experts.models import WeeklyPattern
from ontwikkelbijeenkomsten.meetings import bookings
from tests.factories import PASSWORD
from tests.helpers import login

from .test_availability import add_slots, audit_actions, book, last_flash, slots

OCHTEND, MIDDAG = Dagdeel.OCHTEND, Dagdeel.MIDDAG
TODAY = date(2026, 1, 15)  # a Thursday
TUESDAY = 1


@pytest.fixture
def fixed_today(monkeypatch):
    """The services think it is TODAY, 08:00."""
    for module in (availability, bookings, patterns):
        monkeypatch.setattr(module, "today_local", lambda: TODAY)
    monkeypatch.setattr(availability, "utcnow", lambda: local_to_utc(TODAY, time(8, 0)))
    return TODAY


def tuesdays(start: date, end: date) -> list[date]:
    return [start + timedelta(days=n) for n in range((end - start).days + 1)
            if (start + timedelta(days=n)).weekday() == TUESDAY]


def test_a_pattern_is_saved_and_fills_every_week_until_its_end(expert, fixed_today):
    end = date(2026, 7, 1)
    pattern, added = patterns.add(expert, TODAY, end, {TUESDAY}, {MIDDAG}, expert)
    db.session.commit()
    assert added == len(tuesdays(TODAY, end)) == 24
    assert slots(expert) == {(day, MIDDAG) for day in tuesdays(TODAY, end)}
    assert (pattern.weekdays, pattern.dagdelen, pattern.starts_on, pattern.ends_on) == ([1], ["middag"], TODAY, end)
    assert patterns.current(expert.id) == [pattern]
    assert pattern.covers(date(2026, 1, 20), MIDDAG) and not pattern.covers(date(2026, 1, 20), OCHTEND)
    assert audit_actions(expert) == ["availability.rule"]


def test_a_pattern_starting_in_the_past_starts_today(expert, fixed_today):
    pattern, _ = patterns.add(expert, TODAY - timedelta(days=30), TODAY + timedelta(days=6), {TUESDAY}, {MIDDAG},
                              expert)
    assert pattern.starts_on == TODAY


@pytest.mark.parametrize("start, end, weekdays, dagdelen, fields", [
    (TODAY, TODAY + timedelta(days=400), {1}, {MIDDAG}, {"end"}),
    (TODAY, TODAY - timedelta(days=1), set(), set(), {"end", "weekdays", "dagdelen"}),
])
def test_a_bad_pattern_is_refused_with_every_problem_and_nothing_saved(expert, fixed_today, start, end, weekdays,
                                                                       dagdelen, fields):
    with pytest.raises(RuleViolation) as refused:
        patterns.add(expert, start, end, weekdays, dagdelen, expert)
    assert {problem.field for problem in refused.value.problems} == fields
    assert db.session.scalar(select(WeeklyPattern.id)) is None and slots(expert) == set()


def test_removing_takes_back_free_future_dagdelen_and_keeps_booked_and_shared_ones(expert, fixed_today):
    end = date(2026, 3, 31)
    pattern, _ = patterns.add(expert, TODAY, end, {TUESDAY}, {OCHTEND, MIDDAG}, expert)
    other, _ = patterns.add(expert, TODAY, date(2026, 2, 28), {TUESDAY}, {OCHTEND}, expert)
    booked_day, own_day = date(2026, 2, 3), date(2026, 1, 22)  # a Tuesday; a Thursday set by hand
    book(expert, booked_day, MIDDAG)
    add_slots(expert, (own_day, MIDDAG))
    past = (date(2026, 1, 13), MIDDAG)  # before today: stays whatever happens
    add_slots(expert, past)

    removed, kept = patterns.remove(expert, pattern, expert)
    db.session.commit()
    february = {day for day in tuesdays(TODAY, date(2026, 2, 28))}
    assert slots(expert) == ({(day, OCHTEND) for day in february} | {(booked_day, MIDDAG), (own_day, MIDDAG), past})
    assert kept == 1
    assert removed == len(tuesdays(TODAY, end)) * 2 - len(february) - 1
    assert patterns.current(expert.id) == [other]
    assert audit_actions(expert)[-1] == "availability.pattern_removed"


def test_removing_a_pattern_leaves_the_dagdelen_set_by_hand_before_it(expert, fixed_today):
    """An expert who already had some Tuesday afternoons, saved a pattern for every Tuesday
    afternoon and removed it again lost the ones they had set themselves."""
    end = date(2026, 3, 31)
    own = [date(2026, 1, 20), date(2026, 2, 10)]  # Tuesdays, available before the pattern
    add_slots(expert, *[(day, MIDDAG) for day in own])
    pattern, added = patterns.add(expert, TODAY, end, {TUESDAY}, {MIDDAG}, expert)
    assert added == len(tuesdays(TODAY, end)) - 2
    removed, _ = patterns.remove(expert, pattern, expert)
    db.session.commit()
    assert removed == added
    assert slots(expert) == {(day, MIDDAG) for day in own}


def test_a_later_pattern_over_an_earlier_one_takes_back_only_its_own(expert, fixed_today):
    """Dagdelen of an earlier pattern are that pattern's, not 'set by hand': removing both
    patterns leaves nothing."""
    first, _ = patterns.add(expert, TODAY, date(2026, 2, 28), {TUESDAY}, {MIDDAG}, expert)
    second, _ = patterns.add(expert, TODAY, date(2026, 3, 31), {TUESDAY}, {MIDDAG}, expert)
    assert second.kept == []
    patterns.remove(expert, first, expert)
    patterns.remove(expert, second, expert)
    db.session.commit()
    assert slots(expert) == set()


def test_an_ended_pattern_is_no_longer_listed(expert, fixed_today, monkeypatch):
    patterns.add(expert, TODAY, TODAY + timedelta(days=7), {TUESDAY}, {MIDDAG}, expert)
    monkeypatch.setattr(patterns, "today_local", lambda: TODAY + timedelta(days=8))
    assert patterns.current(expert.id) == []


# ---- pages ---------------------------------------------------------------------------------------
def _save(client, expert, **fields):
    data = {f"rule-{key}": value for key, value in fields.items()}
    return client.post(f"/experts/{expert.id}/beschikbaarheid/regel", data=data)


def _next_tuesday() -> date:
    today = today_local()
    return today + timedelta(days=(TUESDAY - today.weekday()) % 7 or 7)


def test_the_month_lists_the_pattern_and_marks_its_dagdelen(expert_client, expert):
    tuesday = _next_tuesday()
    end = tuesday + timedelta(days=21)
    response = _save(expert_client, expert, start=today_local().isoformat(), end=end.isoformat(),
                     weekdays=["1"], dagdelen=["middag"])
    assert response.status_code == 302
    assert "Weekpatroon opgeslagen: elke dinsdag, middag" in last_flash(expert_client)
    html = expert_client.get(f"/experts/{expert.id}/beschikbaarheid?maand={tuesday:%Y-%m}").get_data(as_text=True)
    assert "Elke dinsdag, middag, van" in html and 'id="pattern-key"' in html
    assert f'ob-slot__button ob-slot__button--pattern" id="slot-{tuesday.isoformat()}-middag"' in html
    assert f'class="ob-slot__button" id="slot-{tuesday.isoformat()}-ochtend"' in html


def test_the_form_starts_today(expert_client, expert):
    html = expert_client.get(f"/experts/{expert.id}/beschikbaarheid").get_data(as_text=True)
    assert re.search(rf'id="rule-start"[^>]*value="{today_local().isoformat()}"', html)


def test_remove_through_the_page(expert_client, expert):
    tuesday = _next_tuesday()
    _save(expert_client, expert, start=tuesday.isoformat(), end=(tuesday + timedelta(days=14)).isoformat(),
          weekdays=["1"], dagdelen=["ochtend", "middag"])  # three Tuesdays, also when today is one
    pattern = patterns.current(expert.id)[0]
    book(expert, tuesday, OCHTEND)
    response = expert_client.post(f"/experts/{expert.id}/beschikbaarheid/weekpatroon/{pattern.id}/verwijderen")
    assert response.status_code == 302 and response.headers["Location"].endswith("#patterns-title")
    message = last_flash(expert_client)
    assert "Weekpatroon verwijderd" in message and "5 dagdelen vanaf vandaag verwijderd" in message
    assert "1 ingeplande bijeenkomst blijft staan" in message
    assert slots(expert) == {(tuesday, OCHTEND)} and patterns.current(expert.id) == []


def test_a_coordinator_removes_an_experts_pattern(coordinator_client, expert):
    _save(coordinator_client, expert, start=today_local().isoformat(),
          end=(today_local() + timedelta(days=30)).isoformat(), weekdays=["1"], dagdelen=["avond"])
    pattern = patterns.current(expert.id)[0]
    assert coordinator_client.post(
        f"/experts/{expert.id}/beschikbaarheid/weekpatroon/{pattern.id}/verwijderen").status_code == 302
    assert slots(expert) == set()


def test_another_experts_pattern_and_unknown_ids_are_404(app, expert, other_expert):
    pattern, _ = patterns.add(expert, today_local(), today_local() + timedelta(days=30), {TUESDAY}, {MIDDAG}, expert)
    db.session.commit()
    other = login(app.test_client(), other_expert)
    for url in (f"/experts/{expert.id}/beschikbaarheid/weekpatroon/{pattern.id}/verwijderen",
                f"/experts/{other_expert.id}/beschikbaarheid/weekpatroon/{pattern.id}/verwijderen",
                f"/experts/{other_expert.id}/beschikbaarheid/weekpatroon/99999/verwijderen"):
        assert other.post(url).status_code == 404, url
    assert patterns.current(expert.id) == [pattern]


def test_removing_needs_the_csrf_token(make_app, expert):
    pattern, _ = patterns.add(expert, today_local(), today_local() + timedelta(days=30), {TUESDAY}, {MIDDAG}, expert)
    db.session.commit()
    address = f"/experts/{expert.id}/beschikbaarheid/weekpatroon/{pattern.id}/verwijderen"
    db.session.rollback()  # SQLite: end the test's transaction, so the other app can write
    app = make_app(WTF_CSRF_ENABLED=True)
    with app.app_context():
        client = app.test_client()
        token = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/inloggen").get_data(as_text=True))[1]
        assert client.post("/inloggen", data={"email": expert.email, "password": PASSWORD,
                                              "csrf_token": token}).status_code == 302
        assert client.post(address).status_code == 400
        html = client.get(f"/experts/{expert.id}/beschikbaarheid").get_data(as_text=True)
        assert len(re.findall(r'name="[\w-]*csrf_token"', html)) == len(re.findall(r'<form[^>]*method="post"', html))
        db.session.remove()
    assert [p.id for p in patterns.current(expert.id)] == [pattern.id]


def test_removing_a_pattern_keeps_a_dagdeel_of_today_that_is_over(expert, fixed_today, monkeypatch):
    monkeypatch.setattr(availability, "utcnow", lambda: local_to_utc(TODAY, time(13, 0)))
    pattern, added = patterns.add(expert, TODAY, TODAY + timedelta(days=6), set(range(7)), {OCHTEND}, expert)
    assert added == 6, "the morning of today is over: not added"
    add_slots(expert, (TODAY, OCHTEND))
    assert patterns.remove(expert, pattern, expert) == (6, 0)
    assert slots(expert) == {(TODAY, OCHTEND)}, "BUG: removing a pattern removes a dagdeel of today that is over"
