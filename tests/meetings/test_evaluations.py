"""The coordinators' evaluation pages: the overview per training (open trainings by title,
regional sessions per request) and one session's results. Access, numbers, escaping, queries.
The coordinator reads English here (see test_lists.py)."""
from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from ontwikkelbijeenkomsten.core.extensions import db
from ontwikkelbijeenkomsten.core.uow import unit_of_work
from ontwikkelbijeenkomsten.meetings import services
from ontwikkelbijeenkomsten.meetings.models import MeetingState, Registration
from ontwikkelbijeenkomsten.scheduling import services as scheduling

from .test_lists import begin, english, fill, html_of, queries  # noqa: F401  (english: a fixture)

OVERVIEW = "/coordinatie/evaluaties"


def results_url(meeting) -> str:
    return f"{OVERVIEW}/{meeting.id}"


def held(meeting, plan, scores: list[int], attendees: int | None = None, start: int = 0, **answers):
    """Register people, let the session begin, mark them present and let the first ones answer."""
    people = fill(meeting, attendees if attendees is not None else len(scores), start=start)
    begin(meeting)
    with unit_of_work():
        services.mark_attendance(meeting, {p.id for p in people}, plan.coordinator)
    for person, score in zip(people, scores):
        with unit_of_work():
            services.evaluate(person, services.Answers(score, **answers))
    return people


def row_of(html: str, meeting) -> list[str]:
    """The cells of a session's row in the overview."""
    row = html.split(f'id="evaluation-{meeting.id}"')[1].split("</tr>")[0]
    return [re.sub(r"<[^>]+>", "", cell).strip() for cell in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)]


def test_the_overview_groups_open_trainings_by_title_and_regional_meetings_per_request(
        coordinator_client, plan, make_training):
    first = make_training(days_ahead=5)
    second = make_training(days_ahead=6)
    other = make_training(days_ahead=7, title="Leerplicht samen")
    make_training(days_ahead=8, title="Nog niet begonnen")
    cancelled = make_training(days_ahead=9, title="Afgelast")
    held(first, plan, [5, 4])
    held(second, plan, [3], attendees=2, start=10)
    held(other, plan, [], attendees=1, start=20)
    with unit_of_work():
        booked = scheduling.book(plan.request, plan.expert.id, *plan.moments[0], plan.coordinator).meeting
    held(booked, plan, [4], start=30)
    begin(cancelled)
    cancelled.state = MeetingState.CANCELLED
    db.session.commit()

    html = html_of(coordinator_client.get(OVERVIEW))
    titles = re.findall(r'<h2 class="utrecht-heading-2" id="group-\d+-title">([^<]+)</h2>', html)
    assert sorted(titles) == ["Leerplicht samen", "Samen signaleren", "Zuid-Limburg"]
    assert "Nog niet begonnen" not in html and "Afgelast" not in html
    group = html.split(">Samen signaleren</h2>")[1].split("</section>")[0]
    assert "3 answers, average score 4.0 out of 5." in " ".join(group.split())
    assert f'id="evaluation-{first.id}"' in group and f'id="evaluation-{second.id}"' in group
    assert row_of(html, first)[1:] == ["2", "2", "4.5"]
    assert row_of(html, second)[1:] == ["2", "1", "3.0"]
    assert row_of(html, other)[1:] == ["1", "0", "–"]
    regional = html.split(">Zuid-Limburg</h2>")[1].split("</section>")[0]
    assert "Regional sessions requested by SWV Zuid-Limburg" in regional and f'id="evaluation-{booked.id}"' in regional
    assert f'href="{results_url(first)}"' in html


def test_the_results_of_one_meeting(coordinator_client, plan, make_training):
    meeting = make_training(days_ahead=5)
    people = held(meeting, plan, [], attendees=3)
    with unit_of_work():
        services.evaluate(people[0], services.Answers(5, "Samen <script>alert(1)</script> oefenen", ""))
    with unit_of_work():
        services.evaluate(people[1], services.Answers(4, "", "Meer tijd voor casussen"))
    html = html_of(coordinator_client.get(results_url(meeting)))
    assert re.search(r'id="answers">2 answers<', html)
    assert re.search(r'id="response-rate">2 of 3 participants who were present \(67%\)<', html)
    assert re.search(r'id="average">4.5 out of 5<', html)
    scores = re.findall(r'<th scope="row"[^>]*>(\d)</th>\s*<td[^>]*>(\d+)</td>', html.split('id="scores"')[1])
    assert scores == [("1", "0"), ("2", "0"), ("3", "0"), ("4", "1"), ("5", "1")]
    # one answer of two is half the bar, not a full one: bars are shares of all answers
    assert html.count('ob-chart__part--share" x="0" y="0" width="50.0"') == 2 and 'width="100.0"' not in html
    assert "Samen &lt;script&gt;alert(1)&lt;/script&gt; oefenen" in html and "<script>alert" not in html
    assert "Meer tijd voor casussen" in html.split('id="to-improve"')[1]


def test_a_part_of_a_series_shows_the_results_of_the_series(coordinator_client, plan, make_training):
    lead = make_training(parts=2, days_ahead=5)
    people = fill(lead, 1)
    begin(*lead.all_parts)
    with unit_of_work():
        services.mark_attendance(lead.all_parts[1], {people[0].id}, plan.coordinator)
    with unit_of_work():
        services.evaluate(db.session.get(Registration, people[0].id), services.Answers(2))
    html = html_of(coordinator_client.get(results_url(lead.all_parts[1])))
    assert re.search(r'id="average">2.0 out of 5<', html)


def test_a_series_whose_first_dagdeel_was_cancelled_is_in_the_overview(coordinator_client, plan, make_training):
    """The training went on with its second dagdeel: its answers were missing from the overview."""
    lead = make_training(parts=2, days_ahead=5)
    second = lead.all_parts[1]
    people = fill(lead, 2)
    begin(*lead.all_parts)
    lead.state = MeetingState.CANCELLED
    db.session.commit()
    with unit_of_work():
        services.mark_attendance(second, {p.id for p in people}, plan.coordinator)
    with unit_of_work():
        services.evaluate(db.session.get(Registration, people[0].id), services.Answers(4))
    html = html_of(coordinator_client.get(OVERVIEW))
    assert row_of(html, lead)[1:] == ["2", "1", "4.0"]
    label = html.split(f'id="evaluation-{lead.id}"')[1].split("</th>")[0]
    assert second.date != lead.date and f" {second.date.day} " in label and f" {lead.date.day} " not in label


def test_without_answers_the_page_says_so(coordinator_client, plan, training):
    html = html_of(coordinator_client.get(results_url(training)))
    assert 'id="response-rate">Nobody has been marked present yet.<' in html and 'id="scores"' not in html


def test_only_coordinators_see_evaluations(app, plan, training, expert_client):
    assert expert_client.get(OVERVIEW).status_code == 403
    assert expert_client.get(results_url(training)).status_code == 403
    assert app.test_client().get(OVERVIEW).headers["Location"].startswith("/inloggen")


@pytest.mark.parametrize("address", [f"{OVERVIEW}/999999", f"{OVERVIEW}/2147483648", f"{OVERVIEW}?period=999",
                                     f"{OVERVIEW}?period=abc"])
def test_unknown_meetings_and_periods_give_404(coordinator_client, address):
    assert coordinator_client.get(address).status_code == 404


def test_the_evaluation_pages_take_as_many_queries_for_many_answers_as_for_few(coordinator_client, plan,
                                                                                 make_training):
    small = make_training(days_ahead=5)
    held(small, plan, [4] * 5, went_well="Goed", to_improve="Korter")
    few = queries(coordinator_client, OVERVIEW)
    big = make_training(days_ahead=6, title="Groot", capacity=50)
    held(big, plan, [1, 2, 3, 4, 5] * 8, start=100, went_well="Goed")
    with unit_of_work():
        regional = scheduling.book(plan.request, plan.expert.id, *plan.moments[0], plan.coordinator).meeting
    held(regional, plan, [3] * 3, start=200)
    assert queries(coordinator_client, OVERVIEW) == few
    assert queries(coordinator_client, results_url(small)) == queries(coordinator_client, results_url(big))
    assert len(db.session.scalars(select(Registration)).all()) == 48
