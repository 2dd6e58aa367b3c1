"""A request that gets another contact person: the sessions not yet begun go to the new
contact with their calendar invites (scheduling/hooks.py)."""
from __future__ import annotations

from sqlalchemy import select

from ontwikkelbijeenkomsten.core.extensions import db
from ontwikkelbijeenkomsten.mail.models import OutboxMail
from ontwikkelbijeenkomsten.requests import contact_change
from ontwikkelbijeenkomsten.requests.contact_change import Contact

from .test_services import book


def test_booked_sessions_are_sent_to_the_new_contact_with_invites(plan):
    book(plan, plan.moments[0])
    since = db.session.scalar(select(db.func.max(OutboxMail.id)))
    contact_change.change_contact(plan.request, Contact("Joris Bakker", "joris@example.org", "06 12345678"),
                                  "Andere baan.", plan.coordinator)
    rows = db.session.scalars(select(OutboxMail).where(OutboxMail.id > since).order_by(OutboxMail.id)).all()
    assert [(m.recipient, m.kind) for m in rows] == [
        ("joris@example.org", "request_contact_welcome"), ("ilse@example.org", "request_contact_replaced"),
        ("joris@example.org", "session_booked")]
    assert rows[-1].calendar_method == "REQUEST"
