"""Availability per dagdeel: the services (rules across summer time, blocks, toggles, the grid),
the month page and its forms, the coordinators' grid, access, bad input and query counts."""
from __future__ import annotations

from datetime import date, time, timedelta

import pytest
from sqlalchemy import func, select

from ontwikkelbijeenkomsten.core.extensions import db
from ontwikkelbijeenkomsten.core.models import AuditEvent
from ontwikkelbijeenkomsten.core.rules import RuleViolation
from ontwikkelbijeenkomsten.core.time import Dagdeel, local_to_utc, to_local, today_local
from ontwikkelbijeenkomsten.experts import availability
from ontwikkelbijeenkomsten.experts.models import Availability
from ontwikkelbijeenkomsten.meetings import bookings
from ontwikkelbijeenkomsten.meetings.models import (
    AssignmentState,
    Meeting,
    MeetingExpert,
    MeetingKind,
    MeetingState,
)
from tests.factories import make_expert
from tests.helpers import login

from ..queries import queries_for

OCHTEND, MIDDAG, AVOND = Dagdeel.OCHTEND, Dagdeel.MIDDAG, Dagdeel.AVOND
FIXED_TODAY = date(2026, 1, 15)


@pytest.fixture
def fixed_today(monkeypatch):
    """The services think it is 15 January 2026, 08:00, so dates in 2026 are in the future."""
    for module in (availability, bookings):
        monkeypatch.setattr(module, "today_local", lambda: FIXED_TODAY)
    monkeypatch.setattr(availability, "utcnow", lambda: local_to_utc(FIXED_TODAY, time(8, 0)))
    return FIXED_TODAY


def slots(expert) -> set[tuple[date, Dagdeel]]:
    return set(db.session.execute(
        select(Availability.date, Availability.dagdeel).where(Availability.expert_id == expert.id)
    ).tuples())


def add_slots(expert, *pairs) -> None:
    db.session.add_all(Availability(expert_id=expert.id, date=day, dagdeel=dagdeel) for day, dagdeel in pairs)
    db.session.commit()


def book(expert, day, dagdeel, *, title="Werkconferentie", state=AssignmentState.ASSIGNED,
         meeting_state=MeetingState.PLANNED) -> MeetingExpert:
    """An open training in (day, dagdeel) with `expert` on it."""
    starts_at, ends_at = dagdeel.bounds(day)
    meeting = Meeting(kind=MeetingKind.OPEN_TRAINING, state=meeting_state, title=title, date=day,
                      dagdeel=dagdeel, starts_at=starts_at, ends_at=ends_at)
    assignment = MeetingExpert(meeting=meeting, expert_id=expert.id, date=day, dagdeel=dagdeel, state=state)
    db.session.add_all([meeting, assignment])
    db.session.commit()
    return assignment


def audit_actions(expert) -> list[str]:
    return list(db.session.scalars(
        select(AuditEvent.action).where(AuditEvent.subject_type == "users", AuditEvent.subject_id == expert.id)
        .order_by(AuditEvent.id)
    ))


def last_flash(client) -> str:
    with client.session_transaction() as stored:
        return stored["_flashes"][-1][1]


def month_param(day: date) -> str:
    return day.strftime("%Y-%m")


def future(days: int = 7) -> date:
    return today_local() + timedelta(days=days)


# ---- services: rules across the change to and from summer time ---------------------------------
def test_a_rule_across_the_changes_of_summer_time_creates_exactly_the_slots_at_the_right_times(
    expert, coordinator, fixed_today
):
    # Tuesdays and Sundays; the last Sundays of March and October 2026 are the 29th and the 25th.
    spring = availability.apply_rule(expert, date(2026, 3, 20), date(2026, 4, 5), {1, 6}, {OCHTEND}, expert)
    autumn = availability.apply_rule(expert, date(2026, 10, 20), date(2026, 11, 5), {1, 6}, {OCHTEND}, coordinator)

    spring_days = [date(2026, 3, 22), date(2026, 3, 24), date(2026, 3, 29), date(2026, 3, 31), date(2026, 4, 5)]
    autumn_days = [date(2026, 10, 20), date(2026, 10, 25), date(2026, 10, 27), date(2026, 11, 1), date(2026, 11, 3)]
    assert (spring, autumn) == (5, 5)
    assert slots(expert) == {(day, OCHTEND) for day in spring_days + autumn_days}

    for day in spring_days + autumn_days:
        start, end = OCHTEND.bounds(day)
        assert (to_local(start).time(), to_local(end).time()) == (time(9, 0), time(12, 30))
    utc_hour = {day: OCHTEND.bounds(day)[0].hour for day in spring_days + autumn_days}  # bounds are in UTC
    # winter time (UTC+1) before the last Sunday of March, summer time (UTC+2) from that Sunday on
    assert [utc_hour[d] for d in spring_days] == [8, 8, 7, 7, 7]
    # summer time until the last Sunday of October, winter time from that Sunday on
    assert [utc_hour[d] for d in autumn_days] == [7, 8, 8, 8, 8]
    assert OCHTEND.bounds(date(2026, 3, 29))[1] == OCHTEND.bounds(date(2026, 3, 29))[0] + timedelta(hours=3, minutes=30)


def test_a_rule_is_idempotent_and_audited(expert, fixed_today):
    args = (expert, date(2026, 2, 2), date(2026, 2, 15), {1, 3}, {OCHTEND, MIDDAG}, expert)
    assert availability.apply_rule(*args) == 8  # 4 days x 2 dagdelen
    assert availability.apply_rule(*args) == 0
    assert len(slots(expert)) == 8
    assert audit_actions(expert) == ["availability.rule", "availability.rule"]
    event = db.session.scalars(select(AuditEvent).order_by(AuditEvent.id)).first()
    assert event.details == {
        "start": "2026-02-02", "end": "2026-02-15", "weekdays": [1, 3],
        "dagdelen": ["ochtend", "middag"], "added": 8,
    }
    assert event.actor_id == expert.id


def test_a_rule_adds_only_the_missing_slots_and_leaves_booked_ones_alone(expert, fixed_today):
    add_slots(expert, (date(2026, 2, 3), OCHTEND))
    book(expert, date(2026, 2, 5), OCHTEND)
    added = availability.apply_rule(expert, date(2026, 2, 2), date(2026, 2, 15), {1, 3}, {OCHTEND}, expert)
    assert added == 2  # 3 February was there already, 5 February is booked
    assert slots(expert) == {(date(2026, 2, n), OCHTEND) for n in (3, 10, 12)}


def test_a_rule_that_starts_in_the_past_skips_the_days_before_today(expert, fixed_today):
    added = availability.apply_rule(expert, date(2026, 1, 1), date(2026, 1, 31), set(range(7)), {AVOND}, expert)
    assert added == 17  # 15 to 31 January
    assert min(day for day, _ in slots(expert)) == FIXED_TODAY
    event = db.session.scalars(select(AuditEvent)).one()
    assert event.details["start"] == "2026-01-15"


def test_rules_and_blocks_skip_the_dagdelen_of_today_that_are_over(expert, fixed_today, monkeypatch):
    """As a single toggle refuses them: at 13:00 the morning is over, the afternoon still open."""
    monkeypatch.setattr(availability, "utcnow", lambda: local_to_utc(FIXED_TODAY, time(13, 0)))
    tomorrow = FIXED_TODAY + timedelta(days=1)
    added = availability.apply_rule(expert, FIXED_TODAY, tomorrow, set(range(7)), {OCHTEND, MIDDAG}, expert)
    assert (added, slots(expert)) == (3, {(FIXED_TODAY, MIDDAG), (tomorrow, OCHTEND), (tomorrow, MIDDAG)}), (
        "BUG: a rule makes a dagdeel of today that is over available")
    add_slots(expert, (FIXED_TODAY, OCHTEND))
    assert availability.block(expert, FIXED_TODAY, tomorrow, expert) == (3, 0)
    assert slots(expert) == {(FIXED_TODAY, OCHTEND)}, "BUG: a block removes a dagdeel of today that is over"


@pytest.mark.parametrize(
    ("start", "end", "weekdays", "dagdelen", "field"),
    [
        (date(2026, 3, 10), date(2026, 3, 9), {1}, {OCHTEND}, "end"),
        (date(2026, 2, 1), date(2027, 2, 2), {1}, {OCHTEND}, "end"),  # 367 days
        (date(2025, 12, 1), date(2026, 1, 14), {1}, {OCHTEND}, "end"),  # all before today
        (date(2026, 3, 1), date(2026, 3, 31), set(), {OCHTEND}, "weekdays"),
        (date(2026, 3, 1), date(2026, 3, 31), {7}, {OCHTEND}, "weekdays"),
        (date(2026, 3, 1), date(2026, 3, 31), {1}, set(), "dagdelen"),
    ],
)
def test_a_rule_refuses_bad_input(expert, fixed_today, start, end, weekdays, dagdelen, field):
    with pytest.raises(RuleViolation) as caught:
        availability.apply_rule(expert, start, end, weekdays, dagdelen, expert)
    assert caught.value.field == field
    assert slots(expert) == set() and audit_actions(expert) == []


def test_a_rule_may_cover_a_leap_year(expert, fixed_today):
    added = availability.apply_rule(expert, date(2027, 3, 1), date(2028, 2, 29), set(range(7)), {AVOND}, expert)
    assert added == 366


def test_block_removes_free_slots_and_keeps_booked_ones(expert, other_expert, fixed_today):
    add_slots(expert, (date(2026, 7, 6), OCHTEND), (date(2026, 7, 7), MIDDAG), (date(2026, 7, 8), OCHTEND),
              (date(2026, 7, 20), OCHTEND))
    add_slots(other_expert, (date(2026, 7, 7), MIDDAG))
    book(expert, date(2026, 7, 8), OCHTEND)
    book(expert, date(2026, 7, 9), AVOND)  # booked without an availability row
    assert availability.block(expert, date(2026, 7, 1), date(2026, 7, 15), expert) == (2, 2)
    assert slots(expert) == {(date(2026, 7, 8), OCHTEND), (date(2026, 7, 20), OCHTEND)}
    assert slots(other_expert) == {(date(2026, 7, 7), MIDDAG)}
    assert audit_actions(expert) == ["availability.block"]


def test_block_does_not_touch_days_before_today_and_checks_the_range(expert, fixed_today):
    add_slots(expert, (date(2026, 1, 10), OCHTEND), (date(2026, 1, 20), OCHTEND))
    assert availability.block(expert, date(2026, 1, 1), date(2026, 1, 31), expert) == (1, 0)
    assert slots(expert) == {(date(2026, 1, 10), OCHTEND)}
    for start, end in ((date(2026, 2, 2), date(2026, 2, 1)), (date(2026, 1, 15), date(2027, 1, 16))):
        with pytest.raises(RuleViolation) as caught:
            availability.block(expert, start, end, expert)
        assert caught.value.field == "end"


def test_toggle_adds_and_removes_one_slot(expert, coordinator, fixed_today):
    day = date(2026, 2, 3)
    assert availability.toggle(expert, day, MIDDAG, expert) is True
    assert slots(expert) == {(day, MIDDAG)}
    assert availability.toggle(expert, day, MIDDAG, coordinator) is False
    assert slots(expert) == set()
    assert audit_actions(expert) == ["availability.add", "availability.remove"]


def test_toggle_with_the_wanted_state_survives_a_double_click(expert, fixed_today):
    day = date(2026, 2, 3)
    assert availability.toggle(expert, day, OCHTEND, expert, available=True) is True
    assert availability.toggle(expert, day, OCHTEND, expert, available=True) is True
    assert slots(expert) == {(day, OCHTEND)}
    assert audit_actions(expert) == ["availability.add"]
    availability.toggle(expert, day, OCHTEND, expert, available=False)
    availability.toggle(expert, day, OCHTEND, expert, available=False)
    assert slots(expert) == set()
    assert audit_actions(expert) == ["availability.add", "availability.remove"]


def test_toggle_refuses_past_days_and_booked_slots(expert, fixed_today):
    add_slots(expert, (date(2026, 1, 14), OCHTEND))
    book(expert, date(2026, 2, 3), OCHTEND)
    for day in (date(2026, 1, 14), date(2026, 2, 3)):
        with pytest.raises(RuleViolation) as caught:
            availability.toggle(expert, day, OCHTEND, expert)
        assert caught.value.field == "day"
    assert slots(expert) == {(date(2026, 1, 14), OCHTEND)}
    assert availability.toggle(expert, FIXED_TODAY, OCHTEND, expert) is True  # today is still open


def test_toggle_refuses_a_dagdeel_of_today_that_is_over(expert, fixed_today, monkeypatch):
    monkeypatch.setattr(availability, "utcnow", lambda: local_to_utc(FIXED_TODAY, time(13, 0)))
    add_slots(expert, (FIXED_TODAY, OCHTEND))
    for available in (True, False, None):
        with pytest.raises(RuleViolation) as caught:
            availability.toggle(expert, FIXED_TODAY, OCHTEND, expert, available=available)
        assert caught.value.field == "day"
    assert slots(expert) == {(FIXED_TODAY, OCHTEND)}
    assert availability.toggle(expert, FIXED_TODAY, MIDDAG, expert) is True  # open until 16:30
    today = next(d for week in bookings.month(expert, 2026, 1).weeks for d in week if d and d.day == FIXED_TODAY)
    assert [s.editable for s in today.slots] == [False, True, True]


def test_declined_and_cancelled_assignments_do_not_book_the_slot(expert, fixed_today):
    book(expert, date(2026, 2, 3), OCHTEND, state=AssignmentState.DECLINED)
    book(expert, date(2026, 2, 4), OCHTEND, meeting_state=MeetingState.CANCELLED)
    assert availability.toggle(expert, date(2026, 2, 3), OCHTEND, expert) is True
    assert availability.toggle(expert, date(2026, 2, 4), OCHTEND, expert) is True


# ---- services: the month view ------------------------------------------------------------------
def test_the_month_starts_on_monday_and_knows_available_booked_and_past(expert, fixed_today):
    add_slots(expert, (date(2026, 1, 13), OCHTEND), (date(2026, 1, 20), MIDDAG), (date(2026, 2, 1), OCHTEND))
    assignment = book(expert, date(2026, 1, 22), AVOND, title="Samen leren")
    view = bookings.month(expert, 2026, 1)

    assert view.first == date(2026, 1, 1)
    assert (view.previous, view.next) == (date(2025, 12, 1), date(2026, 2, 1))
    assert len(view.weeks) == 5 and all(len(week) == 7 for week in view.weeks)
    assert view.weeks[0][:3] == [None, None, None]  # 1 January 2026 is a Thursday
    days = {d.day: d for week in view.weeks for d in week if d}
    assert sorted(days) == [date(2026, 1, n) for n in range(1, 32)]
    assert days[date(2026, 1, 13)].past and days[date(2026, 1, 13)].slots[0].available
    assert not days[date(2026, 1, 13)].slots[0].editable
    assert not days[FIXED_TODAY].past
    assert [s.dagdeel for s in days[date(2026, 1, 20)].slots] == [OCHTEND, MIDDAG, AVOND]
    assert [s.available for s in days[date(2026, 1, 20)].slots] == [False, True, False]
    booked = days[date(2026, 1, 22)].slots[2]
    assert booked.booking == bookings.Booking(assignment.id, "Samen leren") and not booked.editable


# ---- services: the coordinators' grid ----------------------------------------------------------
def test_the_grid_counts_active_free_experts_per_dagdeel_with_filters(
    expert, other_expert, themes, regions, fixed_today
):
    # expert: themes 0 and 1, serves all regions; other_expert: themes 1 and 2, serves all regions
    north = make_expert("noord@example.org", "Noor Dijkstra", themes[2:], regions=[regions[1]],
                        serves_all_regions=False)
    gone = make_expert("weg@example.org", "Wim Weg", themes, serves_all_regions=True)
    gone.active = False
    db.session.commit()
    day = date(2026, 3, 3)
    for person in (expert, other_expert, north, gone):
        add_slots(person, (day, OCHTEND))
    add_slots(expert, (day, MIDDAG))
    book(other_expert, day, MIDDAG)
    add_slots(other_expert, (day, MIDDAG))  # available but booked: not counted

    grid = bookings.grid(day, day + timedelta(days=1))
    assert [row.day for row in grid.rows] == [day, day + timedelta(days=1)]
    first = {cell.dagdeel: cell for cell in grid.rows[0].cells}
    assert [name for _, name in first[OCHTEND].experts] == ["Eva Jansen", "Noor Dijkstra", "Omar Bakker"]
    assert first[MIDDAG].experts == ((expert.id, "Eva Jansen"),)
    assert first[AVOND].count == 0 and first[AVOND].level == 0
    assert (first[OCHTEND].level, first[MIDDAG].level) == (4, 2)
    assert [c.count for c in grid.rows[1].cells] == [0, 0, 0]
    assert len(grid.filled) == 2

    def names(**filters):
        found = bookings.grid(day, day, **filters).rows[0].cells[0]
        return [name for _, name in found.experts]

    assert names(theme_id=themes[0].id) == ["Eva Jansen"]
    assert names(theme_id=themes[2].id) == ["Noor Dijkstra", "Omar Bakker"]
    assert names(region_id=regions[0].id) == ["Eva Jansen", "Omar Bakker"]
    assert names(region_id=regions[1].id) == ["Eva Jansen", "Noor Dijkstra", "Omar Bakker"]
    assert names(theme_id=themes[2].id, region_id=regions[0].id) == ["Omar Bakker"]


def test_the_grid_refuses_a_reversed_or_too_long_range(app):
    start = date(2026, 3, 1)
    assert len(bookings.grid(start, start + timedelta(days=91)).rows) == 92
    for end in (start - timedelta(days=1), start + timedelta(days=92)):
        with pytest.raises(RuleViolation) as caught:
            bookings.grid(start, end)
        assert caught.value.field == "end"


# ---- pages: who may open them ------------------------------------------------------------------
def _urls(expert_id: int) -> list[tuple[str, str]]:
    base = f"/experts/{expert_id}/beschikbaarheid"
    return [("get", base), ("post", base + "/dagdeel"), ("post", base + "/regel"), ("post", base + "/blokkeren")]


def test_anonymous_visitors_are_sent_to_log_in(client, expert):
    for method, url in [*_urls(expert.id), ("get", "/coordinatie/beschikbaarheid")]:
        response = getattr(client, method)(url)
        assert response.status_code == 302 and "/inloggen" in response.headers["Location"], url


def test_an_expert_gets_404_for_another_expert_and_for_ids_that_are_no_expert(app, expert, other_expert, coordinator):
    client = login(app.test_client(), expert)
    for expert_id in (other_expert.id, coordinator.id, 999999, 2147483647):
        for method, url in _urls(expert_id):
            assert getattr(client, method)(url).status_code == 404, url
    assert client.get("/experts/2147483648/beschikbaarheid").status_code == 404
    assert client.get("/coordinatie/beschikbaarheid").status_code == 403
    assert client.post(f"/experts/{other_expert.id}/beschikbaarheid/dagdeel",
                       data={"day": future().isoformat(), "dagdeel": "ochtend", "available": "1"}).status_code == 404
    assert slots(other_expert) == set()


def test_the_expert_and_every_coordinator_open_the_month(app, expert, coordinator):
    assert login(app.test_client(), expert).get(f"/experts/{expert.id}/beschikbaarheid").status_code == 200
    client = login(app.test_client(), coordinator)
    assert client.get(f"/experts/{expert.id}/beschikbaarheid").status_code == 200
    assert client.get("/coordinatie/beschikbaarheid").status_code == 200


# ---- pages: the month --------------------------------------------------------------------------
def test_the_month_page_shows_toggles_bookings_and_read_only_past_days(expert_client, expert, monkeypatch):
    today = today_local()
    monkeypatch.setattr(availability, "utcnow", lambda: local_to_utc(today, time(8, 0)))
    day = today + timedelta(days=1) if today.day < 28 else today
    add_slots(expert, (day, OCHTEND))
    assignment = book(expert, day, AVOND, title="Samen <leren>")
    html = expert_client.get(f"/experts/{expert.id}/beschikbaarheid").get_data(as_text=True)

    iso = day.isoformat()
    assert f'id="day-{iso}"' in html
    assert f'id="slot-{iso}-ochtend" aria-pressed="true"' in html
    assert f'id="slot-{iso}-middag" aria-pressed="false"' in html
    assert f'id="slot-{iso}-avond"' not in html
    assert f'/experts/{expert.id}/opdrachten#assignment-{assignment.id}' in html
    assert "Samen &lt;leren&gt;" in html and "<leren>" not in html
    assert html.count("<caption") == 1 and html.count("<h1") == 1
    assert f'action="/experts/{expert.id}/beschikbaarheid/dagdeel?maand={month_param(today)}"' in html
    assert f'maand={month_param(today.replace(day=1) - timedelta(days=1))}' in html
    for field_id in ("rule-start", "rule-end", "rule-weekdays-0", "rule-weekdays-6", "rule-dagdelen-0",
                     "block-start", "block-end"):
        assert f'id="{field_id}"' in html, field_id
    assert 'value="ochtend"' in html and 'value="avond"' in html
    if today.day > 1:
        yesterday = today - timedelta(days=1)
        assert f'id="day-{yesterday.isoformat()}"' in html
        assert f'id="slot-{yesterday.isoformat()}-ochtend"' not in html


def test_a_month_in_the_past_has_no_buttons(expert_client, expert):
    html = expert_client.get(f"/experts/{expert.id}/beschikbaarheid?maand=2020-02").get_data(as_text=True)
    assert 'id="day-2020-02-29"' in html and "aria-pressed" not in html


@pytest.mark.parametrize("month", ["2026-13", "2026-00", "abc", "1999-12", "2101-01", "2026-1", "", "2026-12-01"])
def test_a_month_that_does_not_parse_gives_404(expert_client, expert, month):
    assert expert_client.get(f"/experts/{expert.id}/beschikbaarheid?maand={month}").status_code == 404


def test_toggle_redirects_to_the_day_and_flips_the_slot(expert_client, expert):
    day = future(10)
    url = f"/experts/{expert.id}/beschikbaarheid/dagdeel?maand={month_param(day)}"
    response = expert_client.post(url, data={"day": day.isoformat(), "dagdeel": "middag", "available": "1"})
    assert response.status_code == 302
    assert response.headers["Location"].endswith(
        f"/experts/{expert.id}/beschikbaarheid?maand={month_param(day)}#day-{day.isoformat()}"
    )
    assert slots(expert) == {(day, MIDDAG)}
    html = expert_client.get(f"/experts/{expert.id}/beschikbaarheid?maand={month_param(day)}").get_data(as_text=True)
    assert "ob-alert" in html and f'id="slot-{day.isoformat()}-middag" aria-pressed="true"' in html
    expert_client.post(url, data={"day": day.isoformat(), "dagdeel": "middag", "available": "0"})
    assert slots(expert) == set()


def test_a_coordinator_toggles_for_an_expert(coordinator_client, expert, coordinator):
    day = future(3)
    response = coordinator_client.post(
        f"/experts/{expert.id}/beschikbaarheid/dagdeel",
        data={"day": day.isoformat(), "dagdeel": "avond", "available": "1"},
    )
    assert response.status_code == 302
    assert slots(expert) == {(day, AVOND)}
    assert db.session.scalars(select(AuditEvent.actor_id)).one() == coordinator.id


@pytest.mark.parametrize(
    "data",
    [
        {"day": "2026-02-30", "dagdeel": "ochtend", "available": "1"},
        {"day": "morgen", "dagdeel": "ochtend", "available": "1"},
        {"day": "", "dagdeel": "ochtend", "available": "1"},
        {"day": "<script>alert(1)</script>", "dagdeel": "ochtend", "available": "1"},
        {"day": "FUTURE", "dagdeel": "nacht", "available": "1"},
        {"day": "FUTURE", "dagdeel": "", "available": "1"},
        {"day": "FUTURE", "dagdeel": "ochtend", "available": "misschien"},
        {"day": "FUTURE", "dagdeel": "ochtend"},
        {"day": "x" * 10_000, "dagdeel": "o" * 10_000, "available": "1" * 10_000},
    ],
)
def test_forged_toggles_show_the_month_with_an_error(expert_client, expert, data):
    data = {key: future().isoformat() if value == "FUTURE" else value for key, value in data.items()}
    response = expert_client.post(f"/experts/{expert.id}/beschikbaarheid/dagdeel", data=data)
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert 'id="error-summary"' in html and "<script>alert" not in html
    assert slots(expert) == set()


def test_a_past_day_or_a_booked_slot_cannot_be_toggled(expert_client, expert):
    yesterday = today_local() - timedelta(days=1)
    booked = future(5)
    book(expert, booked, OCHTEND)
    for day in (yesterday, booked):
        response = expert_client.post(
            f"/experts/{expert.id}/beschikbaarheid/dagdeel",
            data={"day": day.isoformat(), "dagdeel": "ochtend", "available": "1"},
        )
        html = response.get_data(as_text=True)
        assert response.status_code == 200 and 'id="error-summary"' in html and "<title>Fout: " in html
    assert slots(expert) == set()
    assert "<title>Fout:" not in expert_client.get(f"/experts/{expert.id}/beschikbaarheid").get_data(as_text=True)


def test_a_dagdeel_of_today_that_is_over_is_refused_with_a_message(expert_client, expert, monkeypatch):
    today = today_local()
    monkeypatch.setattr(availability, "utcnow", lambda: local_to_utc(today, time(13, 0)))
    response = expert_client.post(
        f"/experts/{expert.id}/beschikbaarheid/dagdeel",
        data={"day": today.isoformat(), "dagdeel": "ochtend", "available": "1"},
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and 'id="error-summary"' in html
    assert "Dit dagdeel is voorbij. Dagdelen in het verleden kunt u niet meer wijzigen." in html
    assert f'id="slot-{today.isoformat()}-ochtend"' not in html and f'id="slot-{today.isoformat()}-middag"' in html
    assert slots(expert) == set()


def _rule(client, expert, **fields):
    data = {f"rule-{key}": value for key, value in fields.items()}
    return client.post(f"/experts/{expert.id}/beschikbaarheid/regel?maand={month_param(future())}", data=data)


def test_a_rule_through_the_form_adds_slots_and_reports_how_many(expert_client, expert):
    start = future(1)
    response = _rule(expert_client, expert, start=start.isoformat(), end=(start + timedelta(days=13)).isoformat(),
                     weekdays=["1", "3"], dagdelen=["ochtend", "middag"])
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/beschikbaarheid?maand={month_param(future())}")
    assert len(slots(expert)) == 8
    html = expert_client.get(response.headers["Location"]).get_data(as_text=True)
    assert "8 dagdelen" in html


def test_a_rule_accepts_dutch_dates(expert_client, expert):
    start = future(1)
    end = start + timedelta(days=6)
    response = _rule(expert_client, expert, start=start.strftime("%d-%m-%Y"), end=end.strftime("%d-%m-%Y"),
                     weekdays=[str(n) for n in range(7)], dagdelen=["avond"])
    assert response.status_code == 302 and len(slots(expert)) == 7


@pytest.mark.parametrize(
    ("fields", "errors"),
    [
        ({"start": "END", "end": "START", "weekdays": ["1"], "dagdelen": ["ochtend"]}, ["rule-end"]),
        ({"start": "END", "end": "START", "weekdays": ["1"]}, ["rule-end", "rule-dagdelen"]),  # all at once
        ({"start": "PAST", "end": "YESTERDAY", "weekdays": ["1"], "dagdelen": ["ochtend"]}, ["rule-end"]),
        ({"start": "START", "end": "FAR", "weekdays": ["1"], "dagdelen": ["ochtend"]}, ["rule-end"]),
        ({"start": "START", "end": "END", "dagdelen": ["ochtend"]}, ["rule-weekdays"]),
        ({"start": "START", "end": "END", "weekdays": ["1"]}, ["rule-dagdelen"]),
        ({"start": "30-02-2027", "end": "morgen", "weekdays": ["1"], "dagdelen": ["ochtend"]},
         ["rule-start", "rule-end"]),
        ({"start": "", "end": "", "weekdays": ["1"], "dagdelen": ["ochtend"]}, ["rule-start", "rule-end"]),
        ({"start": "START", "end": "END", "weekdays": ["9"], "dagdelen": ["ochtend"]}, ["rule-weekdays"]),
        ({"start": "START", "end": "END", "weekdays": ["maandag"], "dagdelen": ["ochtend"]}, ["rule-weekdays"]),
        ({"start": "START", "end": "END", "weekdays": ["1"], "dagdelen": ["nacht"]}, ["rule-dagdelen"]),
        ({"start": "<script>x</script>", "end": "9" * 10_000, "weekdays": ["1" * 10_000],
          "dagdelen": ["<script>x</script>"]}, ["rule-start", "rule-end", "rule-weekdays", "rule-dagdelen"]),
        ({}, ["rule-start", "rule-end", "rule-weekdays", "rule-dagdelen"]),
    ],
)
def test_bad_rules_show_errors_at_their_fields(expert_client, expert, fields, errors):
    values = {"START": future(1).isoformat(), "END": future(20).isoformat(), "FAR": future(400).isoformat(),
              "PAST": future(-20).isoformat(), "YESTERDAY": future(-1).isoformat()}
    fields = {k: values.get(v, v) if isinstance(v, str) else v for k, v in fields.items()}
    response = _rule(expert_client, expert, **fields)
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and 'id="error-summary"' in html
    for field_id in errors:
        assert f'id="{field_id}-error"' in html, field_id
    assert 'aria-invalid="true"' in html and "<script>x" not in html
    assert slots(expert) == set()
    if fields.get("start") == values["START"]:
        assert f'value="{values["START"]}"' in html  # what was typed stays


def test_a_rule_starting_before_today_says_the_past_days_were_skipped(expert_client, expert, monkeypatch):
    monkeypatch.setattr(availability, "utcnow", lambda: local_to_utc(today_local(), time(8, 0)))  # the evening is to come
    start, end = today_local() - timedelta(days=3), today_local() + timedelta(days=3)
    response = _rule(expert_client, expert, start=start.isoformat(), end=end.isoformat(),
                     weekdays=[str(n) for n in range(7)], dagdelen=["avond"])
    assert response.status_code == 302
    assert min(day for day, _ in slots(expert)) == today_local() and len(slots(expert)) == 4
    assert "4 dagdelen" in last_flash(expert_client) and "overgeslagen" in last_flash(expert_client)


@pytest.mark.parametrize("start_days, dagdelen, said", [
    (0, ["ochtend", "avond"], "De dagdelen van vandaag die voorbij zijn, zijn overgeslagen."),
    (-3, ["ochtend", "avond"], "Dagen vóór vandaag en de dagdelen van vandaag die voorbij zijn, zijn overgeslagen."),
    (-3, ["avond"], "Dagen vóór vandaag zijn overgeslagen."),
    (0, ["avond"], None),  # nothing of the rule was over
])
def test_a_rule_says_which_of_today_it_skipped(expert_client, expert, monkeypatch, start_days, dagdelen, said):
    monkeypatch.setattr(availability, "utcnow", lambda: local_to_utc(today_local(), time(13, 0)))  # the morning is over
    start = today_local() + timedelta(days=start_days)
    response = _rule(expert_client, expert, start=start.isoformat(), end=(today_local() + timedelta(days=3)).isoformat(),
                     weekdays=[str(n) for n in range(7)], dagdelen=dagdelen)
    assert response.status_code == 302
    message = last_flash(expert_client)
    assert (said in message) if said else ("overgeslagen" not in message), (
        f"BUG: after the rule the message says {message!r}; today's morning is over and was left alone")


def test_block_through_the_form_removes_free_slots_and_reports_the_booked_ones(expert_client, expert):
    start = future(2)
    add_slots(expert, (start, OCHTEND), (start + timedelta(days=1), MIDDAG), (start + timedelta(days=2), OCHTEND))
    book(expert, start + timedelta(days=2), OCHTEND)
    response = expert_client.post(
        f"/experts/{expert.id}/beschikbaarheid/blokkeren",
        data={"block-start": start.isoformat(), "block-end": (start + timedelta(days=5)).strftime("%d-%m-%Y")},
    )
    assert response.status_code == 302
    assert slots(expert) == {(start + timedelta(days=2), OCHTEND)}
    message = last_flash(expert_client)
    assert "2" in message and "1" in message


@pytest.mark.parametrize(
    ("data", "errors"),
    [
        ({"block-start": "END", "block-end": "START"}, ["block-end"]),
        ({"block-start": "START", "block-end": "FAR"}, ["block-end"]),
        ({"block-start": "gisteren", "block-end": ""}, ["block-start", "block-end"]),
        ({"block-start": "x" * 10_000, "block-end": "<script>x</script>"}, ["block-start", "block-end"]),
    ],
)
def test_bad_blocks_show_errors(expert_client, expert, data, errors):
    values = {"START": future(1).isoformat(), "END": future(20).isoformat(), "FAR": future(500).isoformat()}
    add_slots(expert, (future(3), OCHTEND))
    response = expert_client.post(f"/experts/{expert.id}/beschikbaarheid/blokkeren",
                                  data={k: values.get(v, v) for k, v in data.items()})
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and 'id="error-summary"' in html and "<script>x" not in html
    for field_id in errors:
        assert f'id="{field_id}-error"' in html
    assert len(slots(expert)) == 1


def test_the_forms_need_a_csrf_token(make_app, expert):
    email, expert_id = expert.email, expert.id
    db.session.commit()  # end the read, so that the other app's connection can write (SQLite)
    app = make_app(WTF_CSRF_ENABLED=True)
    with app.app_context():
        client = app.test_client()
        page = client.get("/inloggen").get_data(as_text=True)
        token = page.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]
        client.post("/inloggen", data={"email": email, "password": "een lang wachtwoord", "csrf_token": token})
        response = client.post(f"/experts/{expert_id}/beschikbaarheid/dagdeel",
                               data={"day": future().isoformat(), "dagdeel": "ochtend", "available": "1"})
        assert response.status_code == 400
        month = client.get(f"/experts/{expert_id}/beschikbaarheid?maand={month_param(future(40))}")
        html = month.get_data(as_text=True)
        assert 'name="rule-csrf_token"' in html and 'name="block-csrf_token"' in html
        assert html.count('name="csrf_token"') > html.count("aria-pressed") >= 28 * 3  # a token in every toggle


# ---- pages: the coordinators' grid -------------------------------------------------------------
def test_the_grid_page_shows_four_weeks_by_default_with_links_to_the_experts(coordinator_client, expert, themes):
    day = future(2)
    add_slots(expert, (day, MIDDAG))
    html = coordinator_client.get("/coordinatie/beschikbaarheid").get_data(as_text=True)
    assert html.count('<th scope="row"') == 28
    assert f'href="#cell-{day.isoformat()}-middag"' in html
    assert f'id="cell-{day.isoformat()}-middag"' in html
    assert (f'href="/experts/{expert.id}/beschikbaarheid?maand={month_param(day)}#day-{day.isoformat()}"'
            in html)
    assert "ob-heat--4" in html and 'id="van"' in html and 'id="tot"' in html
    assert 'id="thema"' in html and 'id="regio"' in html and html.count("<h1") == 1


def test_the_grid_page_filters_by_theme_and_region(coordinator_client, expert, other_expert, themes, regions):
    day = future(2)
    add_slots(expert, (day, OCHTEND))
    add_slots(other_expert, (day, OCHTEND))
    query = f"van={day.isoformat()}&tot={day.isoformat()}"
    html = coordinator_client.get(f"/coordinatie/beschikbaarheid?{query}&thema={themes[0].id}").get_data(as_text=True)
    assert "Eva Jansen" in html and "Omar Bakker" not in html
    html = coordinator_client.get(f"/coordinatie/beschikbaarheid?{query}&regio={regions[0].id}").get_data(as_text=True)
    assert "Eva Jansen" in html and "Omar Bakker" in html
    assert f'<option selected value="{regions[0].id}">' in html


@pytest.mark.parametrize(
    ("query", "errors"),
    [
        ("van=2026-03-01&tot=2026-06-01", ["tot"]),  # 93 days
        ("van=2026-03-10&tot=2026-03-01", ["tot"]),
        ("van=morgen&tot=2026-02-30", ["van", "tot"]),
        ("van=&tot=", ["van", "tot"]),
        ("thema=999999", ["thema"]),
        ("regio=abc", ["regio"]),
        ("thema=%3Cscript%3Ex%3C%2Fscript%3E&van=" + "1" * 10_000, ["thema", "van"]),
    ],
)
def test_bad_grid_filters_give_clear_errors(coordinator_client, themes, regions, query, errors):
    response = coordinator_client.get(f"/coordinatie/beschikbaarheid?{query}")
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and 'id="error-summary"' in html and "<script>x" not in html
    for field_id in errors:
        assert f'id="{field_id}-error"' in html, field_id
    assert "ob-grid" not in html.split("</form>", 1)[1]


# ---- query counts ------------------------------------------------------------------------------
def test_the_month_page_does_not_grow_with_slots_or_bookings(expert_client, expert):
    first = (today_local().replace(day=1) + timedelta(days=40)).replace(day=1)
    url = f"/experts/{expert.id}/beschikbaarheid?maand={month_param(first)}"

    def fill(days: range) -> None:
        add_slots(expert, *[(first + timedelta(days=n), OCHTEND) for n in days])
        for n in days:
            book(expert, first + timedelta(days=n), AVOND, title=f"Bijeenkomst {n}")

    fill(range(3))
    small = queries_for(expert_client, url)
    fill(range(3, 28))
    assert queries_for(expert_client, url) == small


def test_the_grid_does_not_grow_with_the_experts(coordinator_client, themes):
    day = future(1)

    def grow(start: int, stop: int) -> None:
        for n in range(start, stop):
            person = make_expert(f"expert{n}@example.org", f"Expert {n}", themes)
            db.session.add_all(Availability(expert_id=person.id, date=day + timedelta(days=k), dagdeel=d)
                               for k in range(n % 5 + 1) for d in (OCHTEND, MIDDAG))
        db.session.commit()

    grow(0, 3)
    small = queries_for(coordinator_client, "/coordinatie/beschikbaarheid")
    grow(3, 30)
    assert queries_for(coordinator_client, "/coordinatie/beschikbaarheid") == small
    assert db.session.scalar(select(func.count()).select_from(Availability)) > 100
