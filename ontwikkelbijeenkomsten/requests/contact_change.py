"""A coordinator hands a request to another contact person of the region (the old one changed
jobs): the new contact gets a welcome with the private status link, the old address a short
note without it, and the timeline keeps who followed the request before.

A new address closes the status links made before it (`services.request_for_token`), so the
contact who left no longer sees or withdraws the request; the new contact gets a new link.
"""
from __future__ import annotations

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l

from ..accounts.models import User
from ..core import audit
from ..core.extensions import db
from ..core.locking import lock
from ..core.rules import RuleViolation, StateError
from ..mail import services as mail
from .models import CLOSED_STATES, Request
from .services import mail_contact
from .signals import contact_changed

ACTION = "request.contact_changed"
NAME_MAX = 200
PHONE_MAX = 40
EMAIL_MAX = 254
NOTE_MAX = 2000


@dataclass(frozen=True)
class Contact:
    name: str
    email: str
    phone: str
    function: str = ""

    @classmethod
    def of(cls, request: Request) -> Contact:
        return cls(request.contact_name, request.contact_email, request.contact_phone, request.contact_function)

    def cleaned(self) -> Contact:
        return Contact(self.name.strip(), self.email.strip().lower(), self.phone.strip(), self.function.strip())

    def as_details(self) -> dict[str, str]:
        return {"name": self.name, "email": self.email, "phone": self.phone, "function": self.function}


def changeable(request: Request) -> bool:
    return request.state not in CLOSED_STATES


def problems(request: Request, new: Contact, note: str) -> list[RuleViolation]:
    """Every rule the new contact and the note break, at the form field each concerns."""
    found: list[RuleViolation] = []

    def fail(field: str, message) -> None:
        found.append(RuleViolation(field, message))

    new = new.cleaned()
    if not new.name:
        fail("contact_name", _l("Enter the name of the new contact person."))
    elif len(new.name) > NAME_MAX:
        fail("contact_name", _l("Use at most %(max)d characters.", max=NAME_MAX))
    if not new.email:
        fail("contact_email", _l("Enter the e-mail address of the new contact person."))
    elif len(new.email) > EMAIL_MAX or "@" not in new.email.strip("@") or any(c.isspace() for c in new.email):
        fail("contact_email", _l("Enter an e-mail address like name@example.nl."))
    if not new.phone:
        fail("contact_phone", _l("Enter the telephone number of the new contact person."))
    elif len(new.phone) > PHONE_MAX:
        fail("contact_phone", _l("Use at most %(max)d characters.", max=PHONE_MAX))
    if len(new.function) > NAME_MAX:
        fail("contact_function", _l("Use at most %(max)d characters.", max=NAME_MAX))
    if not note.strip():
        fail("note", _l("Write down why the contact person changes, for the history."))
    elif len(note.strip()) > NOTE_MAX:
        fail("note", _l("Use at most %(max)d characters.", max=NOTE_MAX))
    if not found and new == Contact.of(request).cleaned():
        fail("contact_name", _l("These are the details of the current contact person. Change at least one."))
    return found


def change_contact(request: Request, new: Contact, note: str, actor: User) -> bool:
    """Make `new` the request's contact. Returns whether the e-mail address changed (then the
    new address gets a welcome with the status link and the old one a short note; otherwise the
    contact gets the welcome again with the new details). Refused with StateError once the
    request is withdrawn, rejected or held."""
    lock(request)
    if not changeable(request):
        raise StateError(f"request {request.id}: {request.state} -> contact changed")
    RuleViolation.raise_if(problems(request, new, note))
    new, old = new.cleaned(), Contact.of(request)
    address_changed = new.email != old.email.lower()
    # The old address is kept in the details under `from_email`, so the old contact's own
    # access or erasure request still finds this event (privacy/person.py).
    audit.record(ACTION, request, actor=actor, text=note.strip(), old=old.as_details(), new=new.as_details(),
                 from_email=old.email.lower())
    request.contact_name, request.contact_email = new.name, new.email
    request.contact_phone, request.contact_function = new.phone, new.function
    if address_changed:
        request.contact_version += 1
    db.session.flush()
    mail_contact(request, "request_contact_welcome",
                 _l("You are now the contact person for a request for dagdelen"))
    if address_changed:
        mail.enqueue(
            old.email, "request_contact_replaced", _l("Another contact person now follows the request"),
            "requests/request_contact_replaced", locale=request.locale, request=request, old_name=old.name,
        )
        contact_changed.send(request, old=old, actor=actor)
    db.session.flush()
    return address_changed

