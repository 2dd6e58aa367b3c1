"""The planning page keeps its plan while nothing it depends on changes, and makes a fresh one
as soon as something does (issue 17)."""
from __future__ import annotations

import pytest
from sqlalchemy import delete

from ontwikkelbijeenkomsten.core.extensions import db
from ontwikkelbijeenkomsten.experts.models import Availability
from ontwikkelbijeenkomsten.meetings import assignments
from ontwikkelbijeenkomsten.scheduling import batch, plan_cache, services
from tests.factories import OCHTEND, future_day
from tests.helpers import login

PAGE = "/coordinatie/planning"


@pytest.fixture
def solves(plan, monkeypatch) -> list[int]:
    """How often the planner solved; the kept plans start empty."""
    monkeypatch.setattr(plan_cache, "_PLANS", {})
    done, solve = [], batch.solve

    def counting(*args, **kwargs):
        done.append(1)
        return solve(*args, **kwargs)

    monkeypatch.setattr(batch, "solve", counting)
    return done


def test_a_second_visit_shows_the_kept_plan_and_when_it_was_made(app, plan, solves):
    client = login(app.test_client(), plan.coordinator)
    first = client.get(PAGE).get_data(as_text=True)
    second = client.get(PAGE).get_data(as_text=True)
    assert len(solves) == 1
    assert 'id="plan-made"' in second and first.count("<tr") == second.count("<tr")
    assert plan.request.organisation_name in second


def _book(plan):
    return services.book(plan.request, plan.expert.id, *plan.moments[0], plan.coordinator).meeting


#: (what is there first, the change)
CHANGES = {
    "a request is granted": (None, lambda plan, _: plan.granted(1, moments=[(future_day(40), OCHTEND)])),
    "availability is added": (None, lambda plan, _: plan.available(plan.expert, future_day(40), OCHTEND)),
    "availability is removed": (None, lambda plan, _: db.session.execute(
        delete(Availability).where(Availability.date == plan.moments[1][0]))),
    "a session is booked": (None, lambda plan, _: _book(plan)),
    "a session is cancelled": (_book, lambda plan, meeting: services.cancel(meeting, "Zaal bezet", plan.coordinator)),
    "an assignment is declined": (_book, lambda plan, meeting: assignments.decline(
        meeting.experts[0], "Ziek", plan.expert)),
}


@pytest.mark.parametrize("change", list(CHANGES))
def test_a_change_gives_a_fresh_plan(plan, solves, change):
    before, after = CHANGES[change]
    made = before(plan) if before else None
    db.session.commit()
    kept = plan_cache.preview(plan.period)
    assert plan_cache.preview(plan.period).made_at == kept.made_at and len(solves) == 1
    after(plan, made)
    db.session.commit()
    fresh = plan_cache.preview(plan.period)
    assert len(solves) == 2 and fresh.made_at >= kept.made_at
