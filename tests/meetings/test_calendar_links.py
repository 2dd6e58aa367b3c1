""""Zet in mijn agenda": the .ics download (the same UIDs as the invites) and the links that
open the session in Google Calendar and Outlook on the web."""
from __future__ import annotations

from datetime import UTC
from urllib.parse import parse_qs, urlsplit

from icalendar import Calendar

from ontwikkelbijeenkomsten.core.extensions import db
from ontwikkelbijeenkomsten.core.uow import unit_of_work
from ontwikkelbijeenkomsten.meetings import changes, services
from ontwikkelbijeenkomsten.meetings.calendar_links import google_url, outlook_urls
from ontwikkelbijeenkomsten.meetings.links import registration_token
from ontwikkelbijeenkomsten.scheduling.services import book
from tests.factories import applicant


def events(body: bytes) -> list:
    calendar = Calendar.from_ical(body)
    assert calendar["METHOD"] == "PUBLISH"  # a download, not an invitation
    assert len(calendar.walk("VTIMEZONE")) == 1
    return calendar.walk("VEVENT")


def test_a_training_downloads_with_every_part_and_the_invites_uids(client, make_training):
    lead = make_training(parts=2)
    response = client.get(f"/agenda/{lead.id}.ics")
    assert response.status_code == 200 and response.mimetype == "text/calendar"
    assert "attachment" in response.headers["Content-Disposition"]
    assert [str(e["UID"]) for e in events(response.data)] == [p.uid for p in lead.all_parts]
    assert client.get(f"/agenda/{lead.all_parts[1].id}.ics").status_code == 200  # a part: its series
    assert client.get("/agenda/2147483647.ics").status_code == 404


def test_a_regional_meeting_has_no_public_download(client, plan):
    day, dagdeel = plan.moments[0]
    meeting = book(plan.request, plan.expert.id, day, dagdeel, plan.coordinator).meeting
    assert client.get(f"/agenda/{meeting.id}.ics").status_code == 404


def test_a_participant_with_a_place_downloads_their_own_file(client, make_training):
    lead = make_training(capacity=1, online_url="https://meet.example.org/samen")
    with unit_of_work():
        confirmed, waiting = services.register(lead, applicant(1)), services.register(lead, applicant(2))
    response = client.get(f"/aanmelding/{registration_token(confirmed)}/agenda.ics")
    assert response.status_code == 200 and response.headers["Cache-Control"] == "private, no-store"
    [event] = events(response.data)
    assert str(event["UID"]) == lead.uid and "/aanmelding/" in str(event["DESCRIPTION"])
    assert client.get(f"/aanmelding/{registration_token(waiting)}/agenda.ics").status_code == 404
    assert client.get(f"/aanmelding/{registration_token(confirmed)}x/agenda.ics").status_code == 404
    page = client.get(f"/aanmelding/{registration_token(confirmed)}").get_data(as_text=True)
    assert 'id="add-to-calendar"' in page and "calendar.google.com" in page
    waiting_page = client.get(f"/aanmelding/{registration_token(waiting)}").get_data(as_text=True)
    assert 'id="add-to-calendar"' not in waiting_page


def test_the_calendar_links_come_after_registering_not_before(client, training):
    """Issue 18, item 6: "Zet in mijn agenda" is on the participant's own page, not on the
    training's page before signing up."""
    page = client.get(f"/agenda/{training.id}").get_data(as_text=True)
    assert 'id="add-to-calendar"' not in page and f'/agenda/{training.id}.ics' not in page
    assert "calendar.google.com" not in page and "outlook." not in page
    with unit_of_work():
        token = registration_token(services.register(training, applicant(1)))
    own = client.get(f"/aanmelding/{token}").get_data(as_text=True)
    assert 'id="add-to-calendar"' in own and f'href="/aanmelding/{token}/agenda.ics"' in own
    assert "calendar.google.com" in own and "outlook.office.com" in own and "outlook.live.com" in own


def test_google_and_outlook_get_the_times_in_utc(app, training):
    google = parse_qs(urlsplit(google_url(training, "https://example.org/x")).query)
    start, end = training.starts_at.astimezone(UTC), training.ends_at.astimezone(UTC)
    assert google["dates"] == [f"{start:%Y%m%dT%H%M%SZ}/{end:%Y%m%dT%H%M%SZ}"]
    assert google["text"] == [training.title] and google["location"] == [training.location]
    work, personal = outlook_urls(training, "https://example.org/x")
    query = parse_qs(urlsplit(work).query)
    assert query["startdt"] == [start.isoformat().replace("+00:00", "Z")] and query["subject"] == [training.title]
    assert urlsplit(personal).netloc == "outlook.live.com"


def test_the_online_link_stays_out_of_public_calendar_files_and_links(client, make_training):
    """The training page promises the link with the confirmation: the public file carries the
    page's address instead, the page has no Google or Outlook buttons; a participant's own keep it."""
    secret = "https://meet.example.org/geheim-123"
    lead = make_training(online_url=secret)
    lead.location = ""
    db.session.commit()
    public_ics = client.get(f"/agenda/{lead.id}.ics")
    assert secret.encode() not in public_ics.data
    for event in events(public_ics.data):
        assert str(event["LOCATION"]).endswith(f"/agenda/{lead.id}")
    public_page = client.get(f"/agenda/{lead.id}").get_data(as_text=True)
    assert "calendar.google.com" not in public_page and "meet.example.org" not in public_page

    with unit_of_work():
        token = registration_token(services.register(lead, applicant(1)))
    own_ics = client.get(f"/aanmelding/{token}/agenda.ics")
    assert [str(e["LOCATION"]) for e in events(own_ics.data)] == [secret]
    own_page = client.get(f"/aanmelding/{token}").get_data(as_text=True)
    assert "meet.example.org%2Fgeheim-123" in own_page  # in the Google and Outlook links


def test_a_hybrid_session_keeps_its_online_link_in_the_google_and_outlook_details(app, make_training):
    """The invites put the online link of a session with an address in its description: so do
    the links on the participant's page; a public page never gets it."""
    online = "https://meet.example.org/hybride"
    lead = make_training(online_url=online)
    assert lead.location, "a session with an address and an online link"
    google = parse_qs(urlsplit(google_url(lead, "https://example.org/x")).query)
    assert google["location"] == [lead.location] and google["details"] == [f"{online}\n\nhttps://example.org/x"]
    for url in outlook_urls(lead, "https://example.org/x"):
        query = parse_qs(urlsplit(url).query)
        assert query["location"] == [lead.location] and query["body"] == [f"{online}\n\nhttps://example.org/x"]
    public = google_url(lead, "https://example.org/agenda", public_page="https://example.org/agenda")
    assert "meet.example.org" not in public


def test_after_cancelling_the_old_file_says_the_session_is_cancelled_for_them(client, make_training):
    """The old address gave "page not found": a calendar that subscribed to it, or someone who
    imports it again, kept the session. Now every dagdeel comes with STATUS:CANCELLED (as in the
    expert's feed), the same UID, and without the online link of a place they no longer have."""
    lead = make_training(parts=2, online_url="https://meet.example.org/samen")
    with unit_of_work():
        registration = services.register(lead, applicant(1))
    link = f"/aanmelding/{registration_token(registration)}/agenda.ics"
    assert {str(e["STATUS"]) for e in events(client.get(link).data)} == {"CONFIRMED"}
    with unit_of_work():
        services.cancel_registration(registration)
    response = client.get(link)
    assert response.status_code == 200 and response.headers["Cache-Control"] == "private, no-store"
    cancelled = events(response.data)
    assert [str(e["UID"]) for e in cancelled] == [p.uid for p in lead.all_parts]
    assert {str(e["STATUS"]) for e in cancelled} == {"CANCELLED"}
    assert "meet.example.org" not in response.get_data(as_text=True)


def test_the_old_file_of_someone_who_registered_again_keeps_the_session(client, make_training):
    lead = make_training()
    with unit_of_work():
        first = services.register(lead, applicant(1))
    with unit_of_work():
        services.cancel_registration(first)
    with unit_of_work():
        services.register(lead, applicant(1))
    [event] = events(client.get(f"/aanmelding/{registration_token(first)}/agenda.ics").data)
    assert str(event["STATUS"]) == "CONFIRMED"


def test_a_part_called_off_is_in_the_file_as_cancelled(client, make_training, coordinator):
    lead = make_training(parts=2)
    with unit_of_work():
        registration = services.register(lead, applicant(1))
    with unit_of_work():
        changes.cancel(lead.all_parts[1], "De zaal is dicht.", coordinator)
    found = events(client.get(f"/aanmelding/{registration_token(registration)}/agenda.ics").data)
    assert [(str(e["UID"]), str(e["STATUS"])) for e in found] == [
        (lead.all_parts[0].uid, "CONFIRMED"), (lead.all_parts[1].uid, "CANCELLED")]
