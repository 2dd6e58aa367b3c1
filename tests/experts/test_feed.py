"""The personal calendar feed: two independent parsers agree on the UTC times, and the token rules."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import icalendar
import pytest
import vobject
from sqlalchemy import select

from ontwikkelbijeenkomsten.core.extensions import db
from ontwikkelbijeenkomsten.core.models import AuditEvent
from ontwikkelbijeenkomsten.core.time import Dagdeel, today_local
from ontwikkelbijeenkomsten.experts.models import ExpertProfile
from ontwikkelbijeenkomsten.meetings import assignments as services
from ontwikkelbijeenkomsten.meetings.models import AssignmentState, MeetingState
from tests.helpers import login
from tests.plugins.backends import skip_or_fail

from .test_assignments import add_meeting, assign, in_days

ROOT = Path(__file__).resolve().parents[2]
ICALJS_SCRIPT = Path(__file__).with_name("icaljs_times.mjs")


def feed_url(expert) -> str:
    return f"/agenda/{services.feed_token(expert)}.ics"


def get_feed(client, expert) -> str:
    response = client.get(feed_url(expert))
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/calendar; charset=utf-8"
    assert response.headers["Cache-Control"] == "private, max-age=300"
    return response.get_data(as_text=True)


def vobject_times(text: str) -> dict[str, tuple[datetime, datetime]]:
    calendar = vobject.readOne(text, validate=True)
    assert all(e.dtstart.value.tzinfo and e.dtend.value.tzinfo for e in calendar.vevent_list), "floating times"
    return {
        event.uid.value: (event.dtstart.value.astimezone(UTC), event.dtend.value.astimezone(UTC))
        for event in calendar.vevent_list
    }


def icaljs_times(text: str) -> dict[str, dict]:
    if shutil.which("node") is None:
        skip_or_fail("no node: install Node.js to check the feed with ical.js")
    if not (ROOT / "node_modules" / "ical.js").is_dir():
        skip_or_fail("node_modules/ical.js is missing: run npm ci")
    # TZ=UTC: a floating time (a time zone ical.js did not apply) would then show up as wrong.
    result = subprocess.run(
        ["node", str(ICALJS_SCRIPT)], input=text, capture_output=True, text=True, cwd=ROOT, timeout=60,
        check=False, env={**os.environ, "TZ": "UTC"},
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


@pytest.fixture
def winter_and_summer(expert):
    """Sessions next January (CET, UTC+1, accepted) and next July (CEST, UTC+2, not answered yet)."""
    year = today_local().year + 1
    winter = assign(add_meeting(date(year, 1, 12), Dagdeel.MIDDAG, title="Wintertraining"), expert,
                    AssignmentState.ACCEPTED)
    summer = assign(add_meeting(date(year, 7, 14), Dagdeel.OCHTEND, title="Zomertraining"), expert)
    return winter.meeting, summer.meeting


def test_two_parsers_read_the_right_utc_times(client, expert, winter_and_summer):
    winter, summer = winter_and_summer
    year = winter.date.year
    expected = {
        winter.uid: (datetime(year, 1, 12, 12, 0, tzinfo=UTC), datetime(year, 1, 12, 15, 30, tzinfo=UTC)),
        summer.uid: (datetime(year, 7, 14, 7, 0, tzinfo=UTC), datetime(year, 7, 14, 10, 30, tzinfo=UTC)),
    }
    text = get_feed(client, expert)  # no login: the token is the key
    assert "DTSTART;TZID=Europe/Amsterdam:" + f"{year}0112T130000" in text
    assert "DTSTART;TZID=Europe/Amsterdam:" + f"{year}0714T090000" in text

    assert vobject_times(text) == expected

    parsed = icaljs_times(text)
    assert {
        uid: (datetime.fromisoformat(t["start"]), datetime.fromisoformat(t["end"]))
        for uid, t in parsed.items()
    } == expected
    assert {uid: t["status"] for uid, t in parsed.items()} == {winter.uid: "CONFIRMED", summer.uid: "TENTATIVE"}


def test_the_vtimezone_has_one_standard_and_one_daylight_rule(client, expert, winter_and_summer):
    calendar = icalendar.Calendar.from_ical(get_feed(client, expert))
    [zone] = calendar.walk("VTIMEZONE")
    assert str(zone["TZID"]) == "Europe/Amsterdam"
    assert [c.name for c in zone.subcomponents] == ["STANDARD", "DAYLIGHT"]
    standard, daylight = zone.subcomponents
    for part, month, offset_from, offset_to, name, starts in (
        (standard, 10, 2, 1, "CET", datetime(1970, 10, 25, 3, 0)),
        (daylight, 3, 1, 2, "CEST", datetime(1970, 3, 29, 2, 0)),
    ):
        assert "RDATE" not in part
        assert dict(part["RRULE"]) == {"FREQ": ["YEARLY"], "BYMONTH": [month], "BYDAY": ["-1SU"]}
        assert part["TZOFFSETFROM"].td == timedelta(hours=offset_from)
        assert part["TZOFFSETTO"].td == timedelta(hours=offset_to)
        assert str(part["TZNAME"]) == name
        assert part["DTSTART"].dt == starts
    assert calendar["METHOD"] == "PUBLISH" and calendar["X-WR-TIMEZONE"] == "Europe/Amsterdam"
    assert calendar["X-WR-CALNAME"] == "Ontwikkelbijeenkomsten: mijn bijeenkomsten"
    assert calendar["VERSION"] == "2.0" and calendar["CALSCALE"] == "GREGORIAN"
    assert "REFRESH-INTERVAL;VALUE=DURATION:PT1H" in calendar.to_ical().decode()


def test_what_the_feed_holds(client, expert, other_expert):
    def meeting_for(days, who=expert, assignment=AssignmentState.ASSIGNED, **fields):
        return assign(add_meeting(in_days(days), title=f"Bijeenkomst {days}", **fields), who, assignment).meeting

    kept = [
        meeting_for(10),
        meeting_for(-30),
        meeting_for(11, assignment=AssignmentState.ACCEPTED, online_url="https://meet.example.org/abc", location=""),
        meeting_for(12, state=MeetingState.CANCELLED, sequence=2),
        # taken off the session: kept, cancelled for this expert, so the calendar removes it
        meeting_for(14, assignment=AssignmentState.RELEASED),
    ]
    left_out = [
        meeting_for(13, assignment=AssignmentState.DECLINED),
        meeting_for(-120),
        meeting_for(15, who=other_expert),
    ]
    calendar = vobject.readOne(get_feed(client, expert), validate=True)
    events = {e.uid.value: e for e in calendar.vevent_list}
    assert set(events) == {s.uid for s in kept}
    assert not {s.uid for s in left_out} & set(events)
    cancelled = events[kept[3].uid]
    assert (cancelled.status.value, cancelled.sequence.value) == ("CANCELLED", "2")
    assert events[kept[4].uid].status.value == "CANCELLED"
    assert events[kept[0].uid].status.value == "TENTATIVE"  # not accepted yet
    assert events[kept[2].uid].status.value == "CONFIRMED"
    assert events[kept[2].uid].location.value == "https://meet.example.org/abc"
    assert events[kept[0].uid].summary.value == "Bijeenkomst 10"
    assert events[kept[0].uid].url.value == f"http://localhost/experts/{expert.id}/opdrachten"


@pytest.mark.parametrize("state, status", [(AssignmentState.ASSIGNED, "TENTATIVE"),
                                           (AssignmentState.ACCEPTED, "CONFIRMED")])
def test_a_session_given_again_after_a_release_has_the_state_of_the_new_assignment(client, expert, state, status):
    meeting = assign(add_meeting(in_days(10)), expert, AssignmentState.RELEASED).meeting
    assign(meeting, expert, state)
    [event] = vobject.readOne(get_feed(client, expert), validate=True).vevent_list
    assert event.status.value == status


def test_a_session_with_an_address_has_its_online_link_in_the_description(client, expert):
    online = "https://meet.example.org/samen-leren"
    assign(add_meeting(in_days(9), description="Neem een casus mee.", online_url=online), expert)
    [event] = vobject.readOne(get_feed(client, expert), validate=True).vevent_list
    assert (event.location.value, event.description.value) == ("Jaarbeurs Utrecht", f"{online}\n\nNeem een casus mee.")


def test_long_lines_are_folded(client, expert):
    title = "Één " + "ondersteuningsteam én wijkteam, " * 6
    description = "Regel met een puntkomma; en een komma, " * 30
    meeting = assign(add_meeting(in_days(9), title=title[:200], description=description), expert).meeting
    raw = client.get(feed_url(expert)).get_data()
    assert all(len(line) <= 75 for line in raw.split(b"\r\n"))
    assert raw.endswith(b"\r\n") and b"\n" not in raw.replace(b"\r\n", b"")
    [event] = vobject.readOne(raw.decode("utf-8"), validate=True).vevent_list
    assert (event.summary.value, event.description.value) == (meeting.title, description)


def test_renewing_kills_the_old_url(app, expert):
    client = login(app.test_client(), expert)
    old = feed_url(expert)
    assert client.get(old).status_code == 200
    response = client.post(f"/experts/{expert.id}/opdrachten/agenda-link")
    assert response.status_code == 302 and response.headers["Location"].endswith("#calendar-title")
    new = feed_url(expert)
    assert new != old
    assert client.get(old).status_code == 404
    assert client.get(new).status_code == 200
    assert new in client.get(f"/experts/{expert.id}/opdrachten").get_data(as_text=True)
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "expert.feed_renewed"))
    assert (event.subject_type, event.subject_id, event.actor_id) == ("users", expert.id, expert.id)


def test_a_tampered_token_gives_404(client, expert):
    token = services.feed_token(expert)
    for wrong in (token + "x", token[:-1], token.swapcase(), "x" * 300, "..", "%00", token + ".ics"):
        assert client.get(f"/agenda/{wrong}.ics").status_code == 404, wrong
    assert client.get(f"/agenda/{token}").status_code == 404


def test_the_feed_of_a_deactivated_expert_is_gone(client, expert):
    url = feed_url(expert)
    expert.active = False
    db.session.commit()
    assert client.get(url).status_code == 404


def test_another_expert_cannot_renew_someone_elses_token(app, expert, other_expert):
    token = services.feed_token(expert)
    client = login(app.test_client(), other_expert)
    assert client.post(f"/experts/{expert.id}/opdrachten/agenda-link").status_code == 404
    with pytest.raises(services.NotAllowed):
        services.renew_feed_token(expert, other_expert)
    assert db.session.get(ExpertProfile, expert.id).feed_token == token


def test_a_coordinator_can_renew_an_experts_token(app, expert, coordinator):
    token = services.feed_token(expert)
    client = login(app.test_client(), coordinator)
    assert client.post(f"/experts/{expert.id}/opdrachten/agenda-link").status_code == 302
    assert db.session.get(ExpertProfile, expert.id).feed_token != token


def test_the_token_is_made_once(expert):
    first = services.feed_token(expert)
    assert len(first) >= 43 and services.feed_token(expert) == first
    assert services.expert_for_feed(first) == expert
    assert services.expert_for_feed("") is None
