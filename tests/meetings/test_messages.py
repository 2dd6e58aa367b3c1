"""A coordinator e-mails everyone with a place in a session or training: one mail per person in
their language through the outbox, audited and listed on the session's page; the preview before
sending, errors at the fields, who may do it."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from ontwikkelbijeenkomsten.core.extensions import db
from ontwikkelbijeenkomsten.core.rules import RuleViolation
from ontwikkelbijeenkomsten.mail.models import OutboxMail
from ontwikkelbijeenkomsten.meetings import messages
from ontwikkelbijeenkomsten.meetings import services as meetings
from tests.factories import applicant

from ..queries import count_queries


def _mails():
    return list(db.session.scalars(select(OutboxMail).where(OutboxMail.kind == messages.KIND)
                                   .order_by(OutboxMail.recipient)))


@pytest.fixture
def registered(training):
    """Two with a place (one reads English), one cancelled; the training is full after that,
    with one on the waiting list."""
    training.capacity = 2
    db.session.commit()
    people = [meetings.register(training, applicant(1)), meetings.register(training, applicant(2, locale="en"))]
    meetings.register(training, applicant(3))  # waiting list
    db.session.commit()
    return people


def test_one_mail_per_person_with_a_place_in_their_language(training, registered, coordinator):
    assert messages.send(training, " Parkeren ", "De parkeerplaats is dicht.\nNeem de trein.", coordinator) == 2
    db.session.commit()
    dutch, english = _mails()
    assert [dutch.recipient, english.recipient] == ["deelnemer1@example.org", "deelnemer2@example.org"]
    assert dutch.subject == english.subject == "Parkeren"
    assert "Beste Deelnemer 1," in dutch.text_body and "Neem de trein." in dutch.text_body
    assert "Dear Deelnemer 2," in english.text_body and "Neem de trein." in english.text_body
    assert "/aanmelding/" in dutch.text_body and dutch.calendar is None
    (sent,) = messages.sent(training)
    assert (sent.subject, sent.body, sent.recipients, sent.by) == (
        "Parkeren", "De parkeerplaats is dicht.\nNeem de trein.", 2, coordinator.email)


def test_a_series_mails_its_people_once_from_any_part(make_training, coordinator):
    series = make_training(parts=3)
    meetings.register(series, applicant(1))
    db.session.commit()
    part = series.all_parts[2]
    assert messages.send(part, "Dag 3", "Neem uw laptop mee.", coordinator) == 1
    assert len(messages.sent(series)) == len(messages.sent(part)) == 1


@pytest.mark.parametrize("subject, body, fields", [
    ("", "", {"subject", "body"}),
    ("x" * 151, "y" * 5001, {"subject", "body"}),
])
def test_bad_messages_are_refused_with_every_problem(training, registered, coordinator, subject, body, fields):
    with pytest.raises(RuleViolation) as refused:
        messages.send(training, subject, body, coordinator)
    assert {p.field for p in refused.value.problems} == fields
    assert _mails() == []


def test_nobody_to_mail_is_refused(training, coordinator):
    with pytest.raises(RuleViolation) as refused:
        messages.send(training, "Hallo", "Tekst", coordinator)
    assert refused.value.field == "subject"


def test_sending_to_many_takes_a_fixed_number_of_writes(make_training, coordinator):
    training = make_training(capacity=None)
    for n in range(30):
        meetings.register(training, applicant(n))
    db.session.commit()
    with count_queries() as statements:
        assert messages.send(training, "Hallo", "Tekst", coordinator) == 30
        db.session.flush()
    inserts = [s for s in statements if s.lstrip().upper().startswith("INSERT INTO OUTBOX")]
    assert len(inserts) <= 2, inserts  # one bulk statement (or one executemany)


# ---- pages ---------------------------------------------------------------------------------------
def _url(meeting):
    return f"/coordinatie/bijeenkomsten/{meeting.id}/bericht"


def test_preview_then_send(coordinator_client, training, registered):
    page = coordinator_client.get(_url(training)).get_data(as_text=True)
    assert "Het bericht gaat naar 2 personen met een plaats" in page and 'id="send"' not in page
    data = {"subject": "Andere zaal", "body": "We zitten in zaal <2>.", "action": "preview"}
    page = coordinator_client.post(_url(training), data=data).get_data(as_text=True)
    assert 'id="preview-text"' in page and "Beste Deelnemer 1," in page and "We zitten in zaal &lt;2&gt;." in page
    assert "Verstuur naar 2 deelnemers" in page and _mails() == []
    response = coordinator_client.post(_url(training), data={**data, "action": "send"})
    assert response.status_code == 302 and response.headers["Location"].endswith(
        f"/coordinatie/bijeenkomsten/{training.id}#messages-title")
    assert len(_mails()) == 2
    page = coordinator_client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Uw bericht is onderweg naar 2 deelnemers." in page and "Andere zaal" in page and "2 ontvangers" in page


def test_errors_at_the_fields_with_what_was_typed(coordinator_client, training, registered):
    for action in ("preview", "send"):
        page = coordinator_client.post(_url(training), data={"subject": "Zaal", "body": " ", "action": action}) \
            .get_data(as_text=True)
        assert 'id="body-error"' in page and "Schrijf de tekst van het bericht." in page and 'value="Zaal"' in page
        assert 'id="preview-text"' not in page
    assert _mails() == []


def test_the_session_page_and_the_list_link_to_it(coordinator_client, training):
    page = coordinator_client.get(f"/coordinatie/bijeenkomsten/{training.id}").get_data(as_text=True)
    assert f'href="{_url(training)}"' in page and "Er is nog geen bericht verstuurd." in page
    page = coordinator_client.get(f"/bijeenkomsten/{training.id}/deelnemers").get_data(as_text=True)
    assert f'href="{_url(training)}"' in page


def test_only_coordinators(app, client, expert_client, training, registered):
    assert client.get(_url(training)).status_code == 302
    assert expert_client.get(_url(training)).status_code == 403
    assert expert_client.post(_url(training), data={"subject": "a", "body": "b", "action": "send"}).status_code == 403
    page = expert_client.get(f"/bijeenkomsten/{training.id}/deelnemers").get_data(as_text=True)
    assert _url(training) not in page
    assert _mails() == []


def test_unknown_session_is_404(coordinator_client):
    assert coordinator_client.get("/coordinatie/bijeenkomsten/999999/bericht").status_code == 404
