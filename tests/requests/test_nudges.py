"""Nudges: one mail per period to a region with dagdelen left, at the chosen moment before the
period ends, to the contact of its last request, with a link that preselects the region."""
from __future__ import annotations

import re
from datetime import date, timedelta
from urllib.parse import urlsplit

from sqlalchemy import select

from ontwikkelbijeenkomsten.cli.worker import JOBS
from ontwikkelbijeenkomsten.core.extensions import db
from ontwikkelbijeenkomsten.core.i18n import long_date
from ontwikkelbijeenkomsten.core.models import AuditEvent
from ontwikkelbijeenkomsten.core.time import today_local
from ontwikkelbijeenkomsten.core.uow import unit_of_work
from ontwikkelbijeenkomsten.core.worker import run_job
from ontwikkelbijeenkomsten.mail.models import OutboxMail
from ontwikkelbijeenkomsten.regions.models import ProgrammePeriod, Region
from ontwikkelbijeenkomsten.requests import nudges
from ontwikkelbijeenkomsten.requests.models import SentNudge
from tests.factories import granted_request, submission
from tests.requests.test_coordinator_pages import has_field_error

from ..queries import count_queries


def page(period: ProgrammePeriod) -> str:
    return f"/coordinatie/periodes/{period.id}/herinneringen"


def due_day(period: ProgrammePeriod) -> date:
    """The default moment: three months before the period's last day."""
    return nudges.months_before(period.ends_on, 3)


def send(day: date) -> int:
    with unit_of_work():
        return nudges.send_due(day)


def nudge_mails() -> list[OutboxMail]:
    return list(db.session.scalars(select(OutboxMail).where(OutboxMail.kind == "nudge").order_by(OutboxMail.id)))


def grant(world, dagdelen: int, region: Region | None = None, **contact):
    row = granted_request(submission(world, region_id=(region or world.region).id, **contact),
                          world.period, world.coordinator, dagdelen)
    db.session.commit()
    return row


def other_region() -> Region:
    row = Region(code="JZ01", name="Groningen")
    db.session.add(row)
    db.session.commit()
    return row


def test_a_region_with_dagdelen_left_is_nudged_once_with_the_number_left(world):
    grant(world, 1)
    assert send(due_day(world.period)) == 1
    assert send(due_day(world.period) + timedelta(days=1)) == 0

    (mail,) = nudge_mails()
    assert mail.recipient == "ilse@example.org"
    assert mail.subject == "Uw regio kan nog dagdelen aanvragen"
    assert f"Zuid-Limburg kan in {world.period.name} nog 3 dagdelen gratis ondersteuning" in mail.text_body
    assert "nog 3 dagdelen" in mail.html_body
    sent = db.session.scalars(select(SentNudge)).one()
    assert (sent.region_id, sent.period_id, sent.remaining) == (world.region.id, world.period.id, 3)


def test_one_dagdeel_left_is_it_not_them(world):
    grant(world, 3)
    assert send(due_day(world.period)) == 1
    (mail,) = nudge_mails()
    assert "nog 1 dagdeel gratis" in mail.text_body
    for body in (mail.text_body, mail.html_body):
        assert "Wilt u het gebruiken?" in body and "Wilt u ze gebruiken?" not in body, "BUG: 'ze' for one dagdeel"


def test_the_worker_job_sends_it_once_however_often_it_runs(world):
    grant(world, 2)
    with unit_of_work():
        nudges.change_plan(world.period, True, "date", None, today_local(), world.coordinator)
    job = next(j for j in JOBS if j.name == "nudges")
    assert run_job(job) == 1
    assert run_job(job) == 0
    assert len(nudge_mails()) == 1


def test_nothing_before_the_moment(world):
    grant(world, 1)
    assert send(due_day(world.period) - timedelta(days=1)) == 0
    assert nudge_mails() == []


def test_nothing_when_turned_off(world):
    grant(world, 1)
    with unit_of_work():
        nudges.change_plan(world.period, False, "months", 3, None, world.coordinator)
    assert send(due_day(world.period)) == 0
    assert nudge_mails() == []


def test_nothing_for_a_region_with_nothing_left_or_without_a_contact(world):
    grant(world, 4)
    other_region()  # no request at all: no contact
    assert send(due_day(world.period)) == 0
    assert nudge_mails() == []


def test_the_contact_of_the_last_request_in_its_language(world):
    grant(world, 1, contact_email="eerste@example.org")
    grant(world, 1, contact_name="Jane Doe", contact_email="last@example.org", locale="en")
    assert send(due_day(world.period)) == 1
    (mail,) = nudge_mails()
    assert mail.recipient == "last@example.org"
    assert mail.subject == "Your region can still request dagdelen"
    assert "Dear Jane Doe," in mail.text_body
    assert "Zuid-Limburg can still request 2 dagdelen" in mail.text_body


def test_the_link_opens_the_form_with_the_region_chosen(client, world):
    grant(world, 1)
    send(due_day(world.period))
    (mail,) = nudge_mails()
    link = re.search(r"http\S+/aanvragen\?regio=\d+", mail.text_body).group(0)
    assert link.endswith(f"?regio={world.region.id}")
    parts = urlsplit(link)
    html = client.get(f"{parts.path}?{parts.query}").get_data(as_text=True)
    assert re.search(rf'<option selected value="{world.region.id}">', html)


def test_queries_do_not_grow_with_the_regions(world):
    grant(world, 1)

    def counted() -> int:
        with count_queries() as statements:
            send(due_day(world.period))
        db.session.query(SentNudge).delete()
        db.session.commit()
        return len(statements)

    few = counted()
    for n in range(10):
        region = Region(code=f"TT{n:02d}", name=f"Regio {n}")
        db.session.add(region)
        db.session.flush()
        grant(world, 1, region=region, contact_email=f"regio{n}@example.org")
    assert counted() == few
    assert len(nudge_mails()) == 12


def test_the_overview_shows_who_is_nudged_and_when(coordinator_client, world):
    grant(world, 1)
    other_region()
    planned = long_date(due_day(world.period))
    html = coordinator_client.get(page(world.period)).get_data(as_text=True)
    assert f"De herinneringen worden verstuurd op {planned}." in html
    assert "Ilse Claessens (ilse@example.org)" in html and f"Ingepland op {planned}" in html
    assert ">Contactpersoon</th>" in html  # the words of docs/woordenlijst.md
    assert "Gepland" not in html
    assert "Groningen" in html and "Nog geen contactpersoon" in html

    send(due_day(world.period))
    html = coordinator_client.get(page(world.period)).get_data(as_text=True)
    assert f"Verstuurd op {long_date(today_local())} naar ilse@example.org" in html


def test_changing_the_setting_is_checked_and_audited(coordinator_client, world):
    period = world.period
    post = {"enabled": "y", "unit": "weeks", "amount": "53"}
    html = coordinator_client.post(page(period), data=post).get_data(as_text=True)
    assert "Vul een getal in van 1 tot en met 52." in html
    outside = (period.ends_on + timedelta(days=1)).isoformat()
    html = coordinator_client.post(page(period), data={"unit": "date", "send_on": outside}).get_data(as_text=True)
    assert "Kies een dag binnen de periode" in html
    assert nudges.plan(period).unit == "months"

    response = coordinator_client.post(page(period), data={**post, "amount": "6"})
    assert response.status_code == 302
    db.session.expire_all()
    current = nudges.plan(period)
    assert (current.enabled, current.unit, current.amount) == (True, "weeks", 6)
    assert current.planned_on == period.ends_on - timedelta(weeks=6)
    event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "period.nudges_changed")).one()
    assert event.details["unit"] == ["months", "weeks"] and event.details["amount"] == [3, 6]
    assert event.actor_id == world.coordinator.id


def test_the_day_is_typed_as_on_the_other_forms_and_a_wrong_one_is_kept_with_a_dutch_error(
        coordinator_client, world):
    period = world.period
    day = period.ends_on - timedelta(days=10)
    html = coordinator_client.get(page(period)).get_data(as_text=True)
    assert "Bijvoorbeeld 17-03-2027." in html and "2027-04-01" not in html
    for typed in (day.strftime("%d-%m-%Y"), day.isoformat()):
        response = coordinator_client.post(page(period), data={"enabled": "y", "unit": "date", "send_on": typed})
        assert response.status_code == 302, typed
        db.session.expire_all()
        assert (nudges.plan(period).unit, nudges.plan(period).send_on) == ("date", day)
    response = coordinator_client.post(page(period), data={"enabled": "y", "unit": "date", "send_on": "31-02-2027"})
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and has_field_error(html, "send_on")
    assert "Vul een datum in zoals 17-03-2026." in html and 'value="31-02-2027"' in html
    db.session.expire_all()
    assert nudges.plan(period).send_on == day


def test_months_before_keeps_to_the_shorter_month():
    assert nudges.months_before(date(2027, 7, 31), 3) == date(2027, 4, 30)
    assert nudges.months_before(date(2027, 1, 15), 3) == date(2026, 10, 15)


def test_the_cli_command_sends_the_due_nudges_once(app, world):
    grant(world, 1)
    with unit_of_work():
        nudges.change_plan(world.period, True, "date", None, today_local(), world.coordinator)
    runner = app.test_cli_runner()
    first = runner.invoke(args=["regions", "nudge"])
    assert first.exit_code == 0 and "1 nudges queued" in first.output
    assert "0 nudges queued" in runner.invoke(args=["regions", "nudge"]).output
    assert len(nudge_mails()) == 1


def test_a_region_whose_request_awaits_a_decision_is_nudged_only_after_it(coordinator_client, world):
    """A region that had just asked for its dagdelen was told it "can still request 4 dagdelen",
    as if its request had been lost."""
    from ontwikkelbijeenkomsten.requests import services as requests

    with unit_of_work():
        waiting = requests.submit(submission(world, dagdelen_wanted=3))
    html = coordinator_client.get(page(world.period)).get_data(as_text=True)
    assert "Nog niet: een aanvraag wacht op een besluit" in html
    assert f'href="/coordinatie/aanvragen/{waiting.id}"' in html
    assert send(due_day(world.period)) == 0 and nudge_mails() == []
    with unit_of_work():
        requests.take_into_review(waiting, world.coordinator)
    assert send(due_day(world.period)) == 0
    with unit_of_work():
        requests.grant(waiting, 3, world.coordinator)
    assert send(due_day(world.period) + timedelta(days=1)) == 1  # after the decision, with what is left
    assert "nog 1 dagdeel" in nudge_mails()[0].text_body
