"""The inputs that gave a 500 (issue 13): a number of more than 308 digits, where WTForms'
NumberRange cannot compare it, and a date of only spaces, which passed InputRequired as no date.
Each now gives the field's own error."""
from __future__ import annotations

import pytest

from tests.factories import future_day
from tests.requests.test_public_pages import form_data
from tests.scheduling.test_views import booked_meeting, manual, meeting_url

HUGE = "9" * 400
SPACES = "   "


def _error_page(response) -> str:
    assert response.status_code == 200
    return response.get_data(as_text=True)


@pytest.mark.parametrize("typed", [HUGE, SPACES])
def test_a_huge_or_blank_number_of_participants_is_a_field_error(client, world, typed):
    html = _error_page(client.post("/aanvragen", data=form_data(world, expected_participants=typed)))
    assert 'id="expected_participants-error"' in html


def test_a_huge_maximum_per_month_is_a_field_error(expert_client, expert):
    response = expert_client.post(f"/experts/{expert.id}/profiel", data={
        "organisation": "", "bio": "", "theme_ids": [], "serves_all_regions": "y", "max_dagdelen_per_month": HUGE,
    })
    assert 'id="max_dagdelen_per_month-error"' in _error_page(response)


def test_a_huge_default_quota_is_a_field_error(coordinator_client):
    response = coordinator_client.post("/coordinatie/periodes", data={
        "name": "Schooljaar 2030-2031", "starts_on": "2030-08-01", "ends_on": "2031-07-31", "default_quota": HUGE,
    })
    assert 'id="default_quota-error"' in _error_page(response)


def test_a_huge_region_quota_is_a_field_error(coordinator_client, region, period):
    response = coordinator_client.post(f"/coordinatie/regios/{region.id}/quotum", data={
        "quota-period": period.id, "quota-quota": HUGE, "quota-reason": "Veel",
    })
    assert 'id="quota-quota-error"' in _error_page(response)


def test_a_huge_session_capacity_is_a_field_error(coordinator_client, training):
    response = coordinator_client.post(f"/bijeenkomsten/{training.id}/plaatsen", data={"capacity-capacity": HUGE})
    assert 'href="#capacity-capacity"' in _error_page(response)


def test_a_training_with_a_huge_capacity_is_a_field_error(coordinator_client, plan):
    response = coordinator_client.post("/coordinatie/trainingen/nieuw", data={"title": "Samen", "capacity": HUGE})
    assert 'id="capacity-error"' in _error_page(response)


@pytest.mark.parametrize("action, data", [
    ("dagdeel", {"day": SPACES, "dagdeel": "middag", "available": "1"}),
    ("regel", {"rule-start": SPACES, "rule-end": SPACES, "rule-weekdays": "1", "rule-dagdelen": "middag"}),
    ("blokkeren", {"block-start": SPACES, "block-end": SPACES}),
])
def test_availability_dates_of_only_spaces_are_a_field_error(expert_client, expert, action, data):
    response = expert_client.post(f"/experts/{expert.id}/beschikbaarheid/{action}", data=data)
    assert 'id="error-summary"' in _error_page(response)


def test_a_manual_booking_on_a_day_of_only_spaces_is_a_field_error(coordinator_client, plan):
    response = manual(coordinator_client, plan, (SPACES, "middag"), plan.expert)
    assert 'id="manual-day-error"' in _error_page(response)


def test_moving_a_session_to_a_day_of_only_spaces_is_a_field_error(coordinator_client, plan):
    meeting = booked_meeting(plan)
    response = coordinator_client.post(meeting_url(meeting) + "/verplaatsen", data={
        "move-day": SPACES, "move-dagdeel": "middag", "move-expert_id": str(plan.expert.id)})
    assert 'id="move-day-error"' in _error_page(response)


def test_the_availability_grid_with_a_start_of_only_spaces_is_a_field_error(coordinator_client):
    response = coordinator_client.get("/coordinatie/beschikbaarheid", query_string={"van": SPACES})
    assert 'id="van-error"' in _error_page(response)
