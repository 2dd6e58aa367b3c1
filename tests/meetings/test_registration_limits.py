"""Registering is limited per e-mail address and per session, with only a ceiling per IP
address: 30 or more colleagues behind one school's IP address can all register for a session."""
from __future__ import annotations

from ontwikkelbijeenkomsten.core.extensions import db
from ontwikkelbijeenkomsten.meetings import links
from tests.meetings.test_public_pages import regional_meeting

PER_ADDRESS, PER_SESSION = 10, 100  # web/meetings/registration_limits.py


def form(email: str) -> dict:
    return {"name": "Collega", "email": email, "organisation": "Basisschool De Linde", "sector": "onderwijs",
            "function": "Leerkracht", "needs": "", "consent": "y"}


def limited_client(make_app):
    db.session.commit()  # SQLite: this test's own open transaction would hold the write lock
    return make_app(RATELIMIT_ENABLED=True).test_client()


def test_forty_colleagues_behind_one_ip_address_register_for_a_training_and_a_regional_session(
        make_app, make_training, plan):
    training, regional = make_training(capacity=None), regional_meeting(plan)
    regional.capacity = None
    client = limited_client(make_app)
    school = {"REMOTE_ADDR": "192.0.2.70"}
    for url in (f"/agenda/{training.id}/aanmelden", "/bijeenkomst/" + links.meeting_token(regional)):
        codes = [client.post(url, data=form(f"collega{n}@school.example.org"), environ_base=school).status_code
                 for n in range(20)]
        assert codes == [302] * 20, url
    codes = [client.post(f"/agenda/{training.id}/aanmelden", data=form(f"collega{n}@school.example.org"),
                         environ_base=school).status_code for n in range(20, 40)]
    assert codes == [302] * 20


def test_one_address_registers_at_most_ten_times_an_hour_from_any_ip_address(make_app, make_training):
    trainings = [make_training(title=f"Training {n}", days_ahead=30 + n) for n in range(PER_ADDRESS + 1)]
    client = limited_client(make_app)
    codes = [client.post(f"/agenda/{training.id}/aanmelden", data=form("Fatima@Example.org"),
                         environ_base={"REMOTE_ADDR": f"192.0.2.{n}"}).status_code
             for n, training in enumerate(trainings)]
    assert codes == [302] * PER_ADDRESS + [429]
    other = client.post(f"/agenda/{trainings[-1].id}/aanmelden", data=form("iemand@example.org"))
    assert other.status_code == 302  # another address registers for that training


def test_one_session_takes_at_most_a_hundred_registrations_an_hour(make_app, make_training):
    training, other = make_training(capacity=None), make_training(capacity=None, days_ahead=31, title="Andere training")
    client = limited_client(make_app)

    def register(lead, n):
        return client.post(f"/agenda/{lead.id}/aanmelden", data=form(f"deelnemer{n}@example.org"),
                           environ_base={"REMOTE_ADDR": f"10.0.{n // 200}.{n % 200}"}).status_code

    codes = [register(training, n) for n in range(PER_SESSION + 1)]
    assert codes == [302] * PER_SESSION + [429]
    assert register(other, PER_SESSION + 1) == 302  # another session is counted apart
