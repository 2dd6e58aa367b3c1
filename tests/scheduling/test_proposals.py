"""Slot proposals for one granted request: what fits, in which order, and why."""
from __future__ import annotations

from datetime import timedelta

from flask_babel import force_locale

from ontwikkelbijeenkomsten.core.time import Dagdeel
from ontwikkelbijeenkomsten.requests.models import RequestState
from ontwikkelbijeenkomsten.scheduling import candidates
from ontwikkelbijeenkomsten.scheduling.candidates import PERIOD_RANK, active_meetings
from ontwikkelbijeenkomsten.scheduling.proposals import proposals
from tests.factories import MIDDAG, OCHTEND, future_day

from .test_services import add_expert, book, northern_request, set_month_max


def found(request) -> list[tuple]:
    """(date, dagdeel, expert name) of every proposal, in order."""
    return [(p.moment[0], p.moment[1], p.expert_name) for p in proposals(request).items]


def english(reasons) -> list[str]:
    with force_locale("en"):
        return [str(r) for r in reasons]


def test_a_proposal_is_an_available_active_expert_with_a_theme_serving_the_region(plan):
    m1, m2 = plan.moments
    add_expert(plan, "inactief@example.org", "Ina Inactief", slots=[m1], active=False)
    add_expert(plan, "anderthema@example.org", "Tim Thema", themes=plan.themes[2:], slots=[m1])
    add_expert(plan, "noord@example.org", "Gerrit Noord", regions=[plan.regions[1]], slots=[m1])
    add_expert(plan, "zuid@example.org", "Zoë Zuid", regions=[plan.region], slots=[m1])
    add_expert(plan, "nietbeschikbaar@example.org", "Nora Niet", slots=[])
    plan.available(plan.other_expert, *m1)  # Leerlingenvervoer, Groningen only

    assert found(plan.request) == [
        (*m1, "Eva Jansen"),
        (*m1, "Zoë Zuid"),
        (*m2, "Eva Jansen"),
    ]
    zoe = next(p for p in proposals(plan.request).items if p.expert_name == "Zoë Zuid")
    assert not zoe.everywhere
    assert english(zoe.reasons) == [
        "Preferred moment 1 of the region",
        "Covers: OOGO",
        "Works in Zuid-Limburg",
        "No other sessions in this period",
    ]


def test_an_expert_booked_in_a_slot_is_not_proposed_there(plan):
    m1, m2 = plan.moments
    book(plan, m1, request=northern_request(plan))
    assert found(plan.request) == [(*m2, "Eva Jansen")]


def test_only_moments_ahead_are_proposed(plan, monkeypatch):
    m1, m2 = plan.moments
    begun = Dagdeel.OCHTEND.bounds(m1[0])[0] + timedelta(minutes=1)
    monkeypatch.setattr(candidates, "utcnow", lambda: begun)
    assert found(plan.request) == [(*m2, "Eva Jansen")]


def test_a_preferred_period_gives_its_days_in_the_chosen_dagdelen_with_period_rank(plan):
    start, end = future_day(40), future_day(42)
    request = plan.granted(1, region=plan.regions[1], contact_email="noord@example.org", moments=[],
                           period_start=start, period_end=end, period_dagdelen=[Dagdeel.MIDDAG])
    inside = [(start, MIDDAG), (end, MIDDAG)]
    outside = [(start, OCHTEND), (end + timedelta(days=1), MIDDAG), (start - timedelta(days=1), MIDDAG)]
    for moment in inside + outside:
        plan.available(plan.expert, *moment)

    result = proposals(request)
    assert [p.moment for p in result.items] == inside
    assert {p.rank for p in result.items} == {PERIOD_RANK}
    assert english(result.items[0].reasons)[0] == "Within the region's preferred period"
    assert result.to_book == 1
    assert result.moments == 3  # three days, one dagdeel each


def test_ranked_by_preference_then_shared_themes_then_fewer_meetings(plan):
    m1, m2 = plan.moments
    oogo, leerplicht, _ = plan.themes
    request = plan.granted(2, region=plan.regions[1], contact_email="noord@example.org",
                           theme_ids=[oogo.id, leerplicht.id])
    # Names sort against the expected order, so only the rules can put them right.
    add_expert(plan, "anne@example.org", "Anne Eenthema", themes=[oogo], slots=[m1, m2])
    bram = add_expert(plan, "bram@example.org", "Bram Druk", themes=[oogo, leerplicht], slots=[m1, m2])
    add_expert(plan, "zeger@example.org", "Zeger Vrij", themes=[oogo, leerplicht], slots=[m1, m2])
    busy_day = (future_day(50), OCHTEND)  # Bram's session for another request
    plan.available(bram, *busy_day)
    book(plan, busy_day, expert=bram, request=northern_request(plan, moments=[busy_day], contact_email="b@example.org"))
    names = [name for *_, name in found(request)]
    # Eva Jansen (OOGO and Leerplicht, no sessions) is free at both moments too.
    assert names == ["Eva Jansen", "Zeger Vrij", "Bram Druk", "Anne Eenthema"] * 2
    items = proposals(request).items
    assert [p.rank for p in items] == [1] * 4 + [2] * 4
    bram_first = next(p for p in items if p.expert_name == "Bram Druk")
    assert english(bram_first.reasons) == [
        "Preferred moment 1 of the region",
        "Covers: OOGO, Leerplicht",
        "Works in all regions",
        "1 other session in this period",
    ]


def test_an_expert_at_their_monthly_maximum_is_left_out(plan):
    m1, _ = plan.moments
    same_month = (m1[0], Dagdeel.AVOND)
    plan.available(plan.expert, *same_month)
    book(plan, same_month, request=northern_request(plan, moments=[same_month]))
    set_month_max(plan.expert, 1)
    assert all((day.year, day.month) != (m1[0].year, m1[0].month) for day, *_ in found(plan.request))
    set_month_max(plan.expert, 2)
    assert (*m1, "Eva Jansen") in found(plan.request)


def test_moments_the_request_already_has_a_meeting_in_are_left_out(plan):
    m1, m2 = plan.moments
    add_expert(plan, "piet@example.org", "Piet Tweede", slots=[m1, m2])
    book(plan, m1)
    # Eva now has a session in the period, so Piet goes first
    assert found(plan.request) == [(*m2, "Piet Tweede"), (*m2, "Eva Jansen")]
    assert proposals(plan.request).to_book == 1


def test_a_scheduled_request_has_no_proposals(plan):
    m1, m2 = plan.moments
    add_expert(plan, "piet@example.org", "Piet Tweede", slots=[m1, m2])
    book(plan, m1)
    book(plan, m2)
    assert plan.request.state is RequestState.SCHEDULED
    result = proposals(plan.request)
    assert result.items == [] and result.to_book == 0 and result.found == 0
    assert len(active_meetings([plan.request.id])[plan.request.id]) == 2
