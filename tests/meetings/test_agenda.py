"""The public agenda: which trainings it lists, its filters, the month calendar, and a query
count that does not grow with the number of trainings."""
from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from ontwikkelbijeenkomsten.core.db import utcnow
from ontwikkelbijeenkomsten.core.extensions import db
from ontwikkelbijeenkomsten.core.time import Dagdeel, today_local
from ontwikkelbijeenkomsten.meetings import agenda
from ontwikkelbijeenkomsten.meetings.models import Meeting, MeetingState
from tests.factories import future_day

from ..queries import queries_for
from .test_public_pages import in_english, regional_meeting, text


@pytest.fixture
def en(client):
    return in_english(client)


def listed(client, url: str = "/agenda") -> list[int]:
    """The trainings of the list view, in their order."""
    response = client.get(url)
    assert response.status_code == 200
    return [int(found) for found in re.findall(r'<li class="ob-agenda__item" id="training-(\d+)"', response.get_data(as_text=True))]


def in_month_table(html: str) -> list[tuple[str, int]]:
    """(day, training id) for every entry in the month calendar."""
    table = re.search(r'<table[^>]*id="agenda-month".*?</table>', html, re.S).group(0)
    found = []
    for day, cell in re.findall(r'<td[^>]*id="day-([\d-]+)">(.*?)</td>', table, re.S):
        found += [(day, int(meeting_id)) for meeting_id in re.findall(r'href="/agenda/(\d+)"', cell)]
    return found


def move(meeting, days: int) -> None:
    """Shift a session `days` days (negative: into the past)."""
    meeting.starts_at += timedelta(days=days)
    meeting.ends_at += timedelta(days=days)
    meeting.date += timedelta(days=days)


def month_of(day: date) -> str:
    return day.strftime("%Y-%m")


def test_only_upcoming_open_trainings_are_listed_once(en, make_training, plan):
    first = make_training(title="Eerst", days_ahead=20)
    series = make_training(title="Reeks", days_ahead=10, parts=3)
    cancelled = make_training(title="Afgelast", days_ahead=30)
    cancelled.state = MeetingState.CANCELLED
    begun = make_training(title="Begonnen", days_ahead=31)
    begun.starts_at = utcnow() - timedelta(hours=1)
    begun.ends_at = utcnow() + timedelta(hours=1)
    half_over = make_training(title="Half voorbij", parts=2, days_ahead=4)
    move(half_over, -10)
    part_off = make_training(title="Tweede deel vervalt", parts=2, days_ahead=5)
    part_off.parts[0].state = MeetingState.CANCELLED
    regional_meeting(plan)
    db.session.commit()
    assert listed(en) == [part_off.id, series.id, first.id]  # by their first part
    html = en.get("/agenda").get_data(as_text=True)
    assert "Regio-overleg" not in html and html.count("<time") == 1 + 3 + 1
    assert f"/agenda/{series.parts[0].id}" not in html


def test_a_training_whose_registration_is_not_open_says_so_as_its_page_does(en, make_training):
    not_yet = make_training(title="Nog niet open", days_ahead=20, dagdeel=Dagdeel.OCHTEND,
                            registration_opens_at=utcnow() + timedelta(days=3))
    closed = make_training(title="Gesloten", days_ahead=20, registration_closes_at=utcnow() - timedelta(hours=1))
    open_ = make_training(title="Open", days_ahead=20, dagdeel=Dagdeel.AVOND)
    html = en.get("/agenda").get_data(as_text=True)

    def places(meeting) -> str:
        item = re.search(rf'<li class="ob-agenda__item" id="training-{meeting.id}">(.*?)</li>\s*(?:<li class="ob-agenda__item"|</ul>)',
                         html, re.S).group(1)
        return text(item.split("Places")[-1])

    assert places(not_yet).startswith("Registration opens on ") and "places left" not in places(not_yet)
    assert places(closed) == "Registration for this session has closed."
    assert places(open_) == "20 places left"
    assert "Registration for this session has closed." in text(en.get(f"/agenda/{closed.id}").get_data(as_text=True))
    month = en.get(f"/agenda?weergave=maand&maand={month_of(closed.date)}").get_data(as_text=True)
    assert month.count("Registration for this session has closed.") == 1 and month.count("Registration opens on") == 1


def test_filter_by_theme(en, make_training, plan):
    oogo = make_training(title="Over OOGO", days_ahead=20)
    both = make_training(title="Over alles", days_ahead=21)
    both.themes = plan.themes[:2]
    db.session.commit()
    assert listed(en, f"/agenda?thema={plan.themes[1].id}") == [both.id]
    assert set(listed(en, f"/agenda?thema={plan.themes[0].id}")) == {oogo.id, both.id}
    assert listed(en, f"/agenda?thema={plan.themes[2].id}") == []


def test_filter_by_region_keeps_the_national_trainings(en, make_training, plan):
    national = make_training(title="Landelijk", days_ahead=10)
    south = make_training(title="In het zuiden", days_ahead=20, region=plan.regions[0])
    north = make_training(title="In het noorden", days_ahead=30, region=plan.regions[1])
    assert listed(en, f"/agenda?regio={plan.regions[0].id}") == [national.id, south.id]
    assert listed(en, f"/agenda?regio={plan.regions[1].id}") == [national.id, north.id]
    page = text(en.get("/agenda").get_data(as_text=True))
    assert "Trainings without a region are national or online; they are always shown." in page
    assert "National or online: for all regions" in page and "Groningen" in page


def test_filter_by_month_finds_every_part(en, make_training):
    soon = make_training(title="Binnenkort", days_ahead=5)
    later = make_training(title="Later", days_ahead=75)
    series = make_training(title="Reeks", days_ahead=6, parts=10)  # weekly, into a later month
    last_part = series.all_parts[-1]
    if soon.date.month == later.date.month:
        pytest.skip("the school year ends before the second month")
    assert set(listed(en, f"/agenda?maand={month_of(soon.date)}")) == {soon.id, series.id}
    assert set(listed(en, f"/agenda?maand={month_of(later.date)}")) == (
        {later.id, series.id} if month_of(last_part.date) >= month_of(later.date) else {later.id})


@pytest.mark.parametrize("query, field", [
    ("thema=abc", "thema"), ("thema=99999", "thema"), ("thema=1%00", "thema"), ("regio=-1", "regio"),
    ("maand=2026-13", "maand"), ("maand=1999-01", "maand"), ("maand=%3Cscript%3E", "maand"),
    ("weergave=maand&maand=nonsense", "maand"), ("regio=" + "9" * 400, "regio"),
])
def test_forged_filters_are_left_out_with_a_message(en, training, query, field):
    response = en.get("/agenda?" + query)
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert f'id="{field}-error"' in html and 'id="error-summary"' in html
    assert "<script>" not in html.split('id="main"')[1]
    if "weergave" not in query:
        assert f"/agenda/{training.id}" in html  # the filter is ignored, the training still shows


def test_empty_agenda_says_so(en, make_training, plan):
    assert "There are no trainings planned at the moment." in text(en.get("/agenda").get_data(as_text=True))
    make_training(days_ahead=20)
    filtered = text(en.get(f"/agenda?thema={plan.themes[2].id}").get_data(as_text=True))
    assert "No training matches your choice." in filtered and "0 trainings" in filtered


def test_the_month_calendar(en, make_training, plan):
    lead = make_training(title="Reeks", days_ahead=20, parts=2)
    other = make_training(title="Elders", days_ahead=21, region=plan.regions[1])
    shown = lead.date.replace(day=1)
    url = f"/agenda?weergave=maand&maand={month_of(shown)}"
    html = en.get(url).get_data(as_text=True)
    entries = in_month_table(html)
    expected = {(part.date.isoformat(), lead.id) for part in lead.all_parts if part.date.month == shown.month}
    expected |= {(other.date.isoformat(), other.id)} if other.date.month == shown.month else set()
    assert set(entries) == expected
    assert re.search(r'<caption[^>]*>' + agenda.month_label(shown), html)
    assert html.count('<th scope="col"') == 7 and 'id="view-month" href="' in html and 'aria-current="page">Month' in html
    assert "part 1 of 2" in html
    filtered = en.get(f"{url}&regio={plan.regions[0].id}").get_data(as_text=True)
    assert other.id not in {meeting_id for _day, meeting_id in in_month_table(filtered)}
    assert f'regio={plan.regions[0].id}' in re.search(r'id="month-next" href="([^"]+)"', filtered).group(1)
    assert f'<option selected value="{month_of(shown)}">' in html  # the month list shows the month


def test_the_month_calendar_names_a_part_of_a_series_a_dagdeel(client, make_training):
    """One word for one idea (docs/woordenlijst.md): it said "deel 1 van 2"."""
    lead = make_training(days_ahead=20, parts=2)
    html = client.get(f"/agenda?weergave=maand&maand={month_of(lead.date)}").get_data(as_text=True)
    assert "(dagdeel 1 van 2)" in html and "(deel 1 van 2)" not in html


def test_the_month_calendar_starts_this_month_and_stops_after_two_years(en, training):
    this_month = today_local().replace(day=1)
    html = en.get("/agenda?weergave=maand").get_data(as_text=True)
    assert re.search(r'<caption[^>]*>' + agenda.month_label(this_month), html)
    assert 'id="month-previous"' not in html and 'id="month-next"' in html
    months = agenda.choosable_months()
    last = en.get(f"/agenda?weergave=maand&maand={month_of(months[-1])}").get_data(as_text=True)
    assert 'id="month-next"' not in last and 'id="month-previous"' in last
    assert "There are no trainings in this month" in text(last)


@pytest.mark.parametrize("view", ["", "weergave=maand&"])
def test_the_agenda_runs_as_many_queries_for_40_trainings_as_for_10(en, make_training, plan, view):
    """Trainings of one or two parts, with and without a region, with one to three themes."""
    slots = [(days, dagdeel) for days in range(20, 48, 2) for dagdeel in Dagdeel]  # a series adds a week
    shown = future_day(20).replace(day=1)
    last = (shown + timedelta(days=31)).replace(day=1) - timedelta(days=1)
    counts, made = [], 0
    for size in (10, 40):
        while made < size:
            days, dagdeel = slots[made]
            lead = make_training(title=f"Training {made}", days_ahead=days, dagdeel=dagdeel, parts=1 + made % 2,
                                 region=plan.regions[made % 2] if made % 4 else None)
            lead.themes = plan.themes[: 1 + made % 3]
            made += 1
        db.session.commit()
        url = f"/agenda?{view}maand={month_of(shown)}"
        counts.append(queries_for(en, url))
        html = en.get(url).get_data(as_text=True)
        if view:
            in_month = db.session.scalar(select(func.count()).select_from(Meeting).where(Meeting.date.between(shown, last)))
            assert len(in_month_table(html)) == in_month > 0
        else:
            assert len(re.findall(r'id="training-\d+"', html)) == len(agenda.trainings(agenda.Filters(month=shown))) > 0
    assert counts[0] == counts[1], counts
