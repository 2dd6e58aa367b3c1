"""Issue 18 item 13: the booking forms show the chosen expert's free dagdelen as links that fill
in the form (no JavaScript), and the move form says that custom times give way to the dagdeel's."""
from __future__ import annotations

from datetime import time, timedelta

import pytest

from ontwikkelbijeenkomsten.core.extensions import db
from ontwikkelbijeenkomsten.core.time import local_to_utc
from ontwikkelbijeenkomsten.meetings.models import Meeting
from tests.factories import AVOND, MIDDAG, OCHTEND, future_day

from .test_services import add_expert
from .test_views import _queries, booked_meeting, flashes, html_of, meeting_url, schedule_url


def link(day, dagdeel) -> str:
    return f"datum={day.isoformat()}&amp;dagdeel={dagdeel.value}"


def test_the_manual_form_lists_only_free_dagdelen_of_the_chosen_expert(coordinator_client, plan):
    booked_meeting(plan)  # takes plan.moments[0]
    extra = (future_day(16), AVOND)
    plan.available(plan.expert, *extra)
    html = html_of(coordinator_client.get(f"{schedule_url(plan.request)}?deskundige={plan.expert.id}"))
    assert "Eva Jansen is tussen" in html
    assert link(*plan.moments[1]) in html and link(*extra) in html
    assert link(*plan.moments[0]) not in html  # booked
    assert link(plan.moments[1][0], OCHTEND) not in html  # not available
    assert html.index(link(*extra)) < html.index(link(*plan.moments[1]))  # in order of time


def test_without_a_chosen_expert_no_list_and_an_expert_without_slots_says_so(coordinator_client, plan):
    html = html_of(coordinator_client.get(schedule_url(plan.request)))
    assert "Toon vrije dagdelen" in html and "datum=" not in html
    html = html_of(coordinator_client.get(f"{schedule_url(plan.request)}?deskundige={plan.other_expert.id}"))
    assert "Omar Bakker heeft tussen" in html and "geen vrije dagdelen" in html


def test_a_free_dagdeel_link_fills_in_the_manual_form(coordinator_client, plan):
    day, dagdeel = plan.moments[1]
    html = html_of(coordinator_client.get(
        f"{schedule_url(plan.request)}?deskundige={plan.expert.id}&datum={day.isoformat()}&dagdeel={dagdeel.value}"))
    assert f'value="{day.isoformat()}"' in html
    assert '<option selected value="middag">' in html
    assert html.count(f'<option selected value="{plan.expert.id}">Eva Jansen</option>') == 2


@pytest.mark.parametrize("query", [
    "deskundige=abc", "deskundige=999999999", "deskundige=", "datum=2026-02-30&dagdeel=ochtend",
    "datum=morgen&dagdeel=nacht", "deskundige=1&deskundige=2&datum=&dagdeel=",
])
def test_bad_parameters_are_ignored(coordinator_client, plan, query):
    response = coordinator_client.get(f"{schedule_url(plan.request)}?{query}")
    assert response.status_code == 200 and "is tussen" not in html_of(response)


def test_the_move_form_lists_the_current_experts_free_dagdelen(coordinator_client, plan):
    meeting = booked_meeting(plan)
    html = html_of(coordinator_client.get(meeting_url(meeting)))
    assert link(*plan.moments[1]) in html and link(*plan.moments[0]) not in html
    other = add_expert(plan, "piet@example.org", "Piet Smit", slots=[(future_day(20), MIDDAG)])
    html = html_of(coordinator_client.get(f"{meeting_url(meeting)}?deskundige={other.id}"))
    assert "Piet Smit is tussen" in html and link(future_day(20), MIDDAG) in html
    assert link(*plan.moments[1]) not in html


def _custom_times(meeting, start: str, end: str) -> None:
    meeting.starts_at = local_to_utc(meeting.date, time.fromisoformat(start))
    meeting.ends_at = local_to_utc(meeting.date, time.fromisoformat(end))
    db.session.commit()


def test_the_move_form_says_custom_times_are_replaced_and_the_message_repeats_it(coordinator_client, plan):
    meeting = booked_meeting(plan)
    assert "eigen tijden" not in html_of(coordinator_client.get(meeting_url(meeting)))
    _custom_times(meeting, "09:30", "11:00")
    html = html_of(coordinator_client.get(meeting_url(meeting)))
    assert "Deze bijeenkomst heeft eigen tijden: 09:30 tot 11:00." in html
    assert 'aria-describedby="custom-times-notice"' in html

    data = {"move-day": plan.moments[1][0].isoformat(), "move-dagdeel": "middag", "move-expert_id": str(plan.expert.id)}
    response = coordinator_client.post(meeting_url(meeting) + "/verplaatsen", data=data)
    assert response.status_code == 302
    html = flashes(coordinator_client, meeting_url(meeting))
    assert "De eigen begin- en eindtijd zijn vervangen door de standaardtijden van het dagdeel: 13:00 tot 16:30." in html
    assert "Deze bijeenkomst heeft eigen tijden" not in html
    db.session.expire_all()
    moved = db.session.get(Meeting, meeting.id)
    assert (moved.starts_at, moved.ends_at) == MIDDAG.bounds(moved.date)


def test_changing_only_the_expert_keeps_custom_times_and_says_nothing_about_them(coordinator_client, plan):
    meeting = booked_meeting(plan)
    _custom_times(meeting, "09:30", "11:00")
    other = add_expert(plan, "piet@example.org", "Piet Smit", slots=[plan.moments[0]])
    data = {"move-day": plan.moments[0][0].isoformat(), "move-dagdeel": "ochtend", "move-expert_id": str(other.id)}
    coordinator_client.post(meeting_url(meeting) + "/verplaatsen", data=data)
    html = flashes(coordinator_client, meeting_url(meeting))
    assert "met Piet Smit" in html and "vervangen door de standaardtijden" not in html
    assert "Deze bijeenkomst heeft eigen tijden: 09:30 tot 11:00." in html


def test_the_free_dagdelen_take_as_many_queries_for_many_slots_as_for_one(coordinator_client, plan):
    few = add_expert(plan, "een@example.org", "Een Slot", slots=[(future_day(20), MIDDAG)])
    many = add_expert(plan, "veel@example.org", "Veel Slots",
                      slots=[(future_day(15) + timedelta(days=d), p) for d in range(20) for p in (OCHTEND, MIDDAG)])
    meeting = booked_meeting(plan)
    for url in (schedule_url(plan.request), meeting_url(meeting)):
        assert _queries(coordinator_client, f"{url}?deskundige={few.id}") == \
            _queries(coordinator_client, f"{url}?deskundige={many.id}")
