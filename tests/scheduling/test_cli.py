"""`flask schedule auto --period P [--dry-run]`."""
from __future__ import annotations

from urllib.parse import urlsplit

from sqlalchemy import func, select

from ontwikkelbijeenkomsten.core.extensions import db
from ontwikkelbijeenkomsten.meetings.models import Meeting
from ontwikkelbijeenkomsten.requests.models import RequestState
from tests.factories import AVOND, future_day


def run(app, *args: str):
    db.session.commit()  # SQLite: the command writes in its own transaction
    return app.test_cli_runner().invoke(args=["schedule", "auto", *args])


def meetings() -> int:
    return db.session.scalar(select(func.count(Meeting.id)))


def test_a_dry_run_prints_the_plan_and_books_nothing(app, plan):
    unserved = plan.granted(1, region=plan.regions[1], moments=[(future_day(40), AVOND)])
    result = run(app, "--period", plan.period.name, "--dry-run")
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert f"Plan for {plan.period.name}: 2 of 3 dagdelen for 1 request." in out
    for day, dagdeel in plan.moments:
        assert f"Zuid-Limburg, request {plan.request.id}, {day.isoformat()}, " in out
    assert "morning, Eva Jansen, preference 1" in out and "afternoon, Eva Jansen, preference 2" in out
    assert (f"Groningen, request {unserved.id}: 1 dagdeel missing, "
            "no fitting expert is available at the preferred moments") in out
    assert "Zuid-Limburg: +2, 2 in total" in out
    assert "Dry run: nothing has been booked." in out
    assert "solving" in result.stderr
    assert meetings() == 0


def test_a_run_books_and_shows_progress_and_a_summary(app, plan, coordinator_client):
    result = run(app, "--period", str(plan.period.id))
    assert result.exit_code == 0, result.output
    for step in ("reading", "building the network", "solving", "reading the solution", "writing the bookings",
                 "bookings"):
        assert step in result.stderr
    assert f"Booked 2 of 2 dagdelen for 1 request in {plan.period.name}." in result.stdout
    assert "Zuid-Limburg: +2, 2 in total" in result.stdout
    assert "Total time:" in result.stdout
    assert meetings() == 2
    link = result.stdout.split("Every session booked, with its request and expert: ")[1].split()[0]
    assert link.startswith(app.config["BASE_URL"] + "/")
    page = coordinator_client.get(urlsplit(link).path + "?" + urlsplit(link).query).get_data(as_text=True)
    assert "Zojuist ingepland" in page and page.count('href="/coordinatie/bijeenkomsten/') >= 2
    assert "Het systeem heeft op" in page, "BUG: the batch of the command names its maker 'system'"
    db.session.expire_all()
    assert plan.request.state is RequestState.SCHEDULED

    again = run(app, "--period", str(plan.period.id))
    assert again.exit_code == 0 and "Nothing to book." in again.stdout and meetings() == 2


def test_an_unknown_period_is_refused_with_the_known_ones(app, plan):
    result = run(app, "--period", "1999-2000")
    assert result.exit_code == 2
    assert "no programme period '1999-2000'" in result.output
    assert f"{plan.period.name} (id {plan.period.id})" in result.output
    assert meetings() == 0


def test_the_period_is_required(app, plan):
    result = run(app, "--dry-run")
    assert result.exit_code == 2 and "--period" in result.output


def test_a_part_of_the_name_finds_the_one_period_that_has_it(app, plan):
    """The README's `schedule auto --period 2026-2027` for the period "Schooljaar 2026-2027"."""
    from ontwikkelbijeenkomsten.regions.models import ProgrammePeriod

    year = plan.period.name.rsplit(" ", 1)[-1]  # "2026-2027" of "Schooljaar 2026-2027"
    assert year != plan.period.name
    result = run(app, "--period", year, "--dry-run")
    assert result.exit_code == 0, result.output
    assert f"Plan for {plan.period.name}: 2 of 2 dagdelen" in result.stdout
    assert run(app, "--period", "schooljaar " + year, "--dry-run").exit_code == 0  # any case

    db.session.add(ProgrammePeriod(name=f"Verlengd {year}", starts_on=plan.period.ends_on,
                                   ends_on=plan.period.ends_on, default_quota=4))
    both = run(app, "--period", year, "--dry-run")
    assert both.exit_code == 2 and "several periods" in both.output and plan.period.name in both.output
    assert meetings() == 0
