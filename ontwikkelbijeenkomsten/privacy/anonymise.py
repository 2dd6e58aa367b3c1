"""Removing the person from a row while the row stays for the counts.

Names become "verwijderd"; an e-mail address becomes a keyed hash under a domain that cannot
receive mail, so one person's rows stay distinct (and one session's unique index holds) but a
search by the address no longer finds them; organisation, function, telephone, needs, free text
and mail bodies are emptied. Sector, states, attendance, scores, dates, themes and region stay.
Each row gets `anonymised_at`, so a purge that runs again skips it.
"""
from __future__ import annotations

import hashlib
import hmac
from datetime import datetime

from flask import current_app

from ..core.audit import ACTOR_WORDS, REMOVED
from ..core.models import AuditEvent
from ..mail.models import OutboxMail
from ..meetings.models import Evaluation, Registration
from ..requests.models import Request, SentNudge
from ..scheduling.batch import BATCH_SESSIONS

HIDDEN_DOMAIN = "verwijderd.invalid"
#: Actor labels that name no person.
SYSTEM_ACTORS = tuple(ACTOR_WORDS)
#: Details of an audit event that name objects, not people: they stay when the details go.
KEPT_DETAILS = (BATCH_SESSIONS,)


def hidden_email(email: str) -> str:
    key = hashlib.sha256(b"ob.privacy:" + current_app.config["SECRET_KEY"].encode()).digest()
    digest = hmac.new(key, email.strip().lower().encode(), hashlib.sha256).hexdigest()[:20]
    return f"{digest}@{HIDDEN_DOMAIN}"


def registration(row: Registration, now: datetime) -> None:
    row.name = REMOVED
    row.email = hidden_email(row.email)
    row.organisation = row.function = row.needs = row.register_number = ""
    row.register = None
    row.anonymised_at = now
    if row.evaluation is not None:
        evaluation_text(row.evaluation)


def evaluation_text(row: Evaluation) -> None:
    """Names cannot be found reliably in free text, so the written answers go as a whole."""
    row.went_well = row.to_improve = ""


def request_contact(row: Request, now: datetime) -> None:
    row.contact_name = REMOVED
    row.contact_email = hidden_email(row.contact_email)
    row.contact_phone = row.contact_function = ""
    row.anonymised_at = now


def mail(row: OutboxMail, now: datetime) -> None:
    row.recipient = hidden_email(row.recipient)
    row.text_body = row.html_body = row.last_error = ""
    row.calendar = None
    row.context = None
    row.anonymised_at = now


def nudge(row: SentNudge, now: datetime) -> None:
    row.recipient = hidden_email(row.recipient)
    row.anonymised_at = now


def audit_event(row: AuditEvent, now: datetime, *, actor_too: bool = True) -> None:
    """The details go (except the ids in `KEPT_DETAILS`), and who did it (unless `actor_too` is
    false: a coordinator acting on the person's data); what happened to which object, and when,
    stays: a batch's list of sessions still opens."""
    if actor_too:
        row.actor_id = None
        if row.actor_label not in SYSTEM_ACTORS:
            row.actor_label = REMOVED
    row.details = {key: value for key, value in (row.details or {}).items() if key in KEPT_DETAILS}
    row.anonymised_at = now
