"""'Stuur mijn link opnieuw': mail someone the private links of their requests and registrations.

A region contact or a participant who lost the mail enters their address; the links of every
request it sent and every registration it holds go to that address only, so asking for
someone else's links gives the asker nothing. An address with nothing gets no mail, and the
page says the same either way.
"""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from ..core.extensions import db
from ..core.urls import absolute_url
from ..mail import services as mail
from ..requests.models import Request
from ..requests.services import status_token
from . import links
from .models import Meeting, Registration, RegistrationState

#: At most this many of each, newest first: enough for a person, small for a mail.
MOST = 20


def requests_of(address: str) -> list[Request]:
    return list(db.session.scalars(
        select(Request).where(func.lower(Request.contact_email) == address)
        .order_by(Request.created_at.desc(), Request.id.desc()).limit(MOST)))


def registrations_of(address: str) -> list[Registration]:
    """The address's places and waiting-list spots, and sessions attended (their evaluation)."""
    return list(db.session.scalars(
        select(Registration).join(Meeting, Registration.meeting_id == Meeting.id)
        .where(Registration.email == address, Registration.state != RegistrationState.CANCELLED,
               Registration.anonymised_at.is_(None))
        .order_by(Meeting.starts_at.desc(), Registration.id.desc()).limit(MOST)))


def send_lost_links(email: str, locale: str = "nl") -> None:
    """Queue one mail with the links of everything `email` has; nothing when it has nothing."""
    address = email.strip().lower()
    requests, registrations = requests_of(address), registrations_of(address)
    if not requests and not registrations:
        return
    mail.enqueue(
        address, "lost_links", _l("Your links to Ontwikkelbijeenkomsten"), "lost_links",
        locale=locale, address=address,
        requests=[(r, absolute_url("requests.status", token=status_token(r))) for r in requests],
        registrations=[(r, absolute_url("meetings.registration", token=links.registration_token(r)))
                       for r in registrations],
    )
