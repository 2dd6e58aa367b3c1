"""The register of processing (verwerkingsregister, AVG article 30), in one structured source.

The public page `/privacy/verwerkingen` is generated from `PROCESSINGS`, and each processing
names the retention kinds (core/retention.py) that the purge applies, so the register shows the
periods in force and cannot drift from what the app does.
"""
from __future__ import annotations

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l

from ..core.retention import RetentionKind


@dataclass(frozen=True)
class Processing:
    name: str
    purpose: str
    people: str  # categories of people
    data: str  # categories of personal data
    legal_basis: str
    recipients: str
    retention: tuple[RetentionKind, ...]
    security: str


_SMTP = _l("The coordinators; the hosting provider and the e-mail provider (SMTP), both under a processing agreement.")
_SECURITY = _l("Encrypted connections (HTTPS); private links signed with a secret key; access for coordinators only "
               "with a personal account and a strong password; every change recorded in the log; data deleted by "
               "itself when its retention period ends.")

PROCESSINGS: tuple[Processing, ...] = (
    Processing(
        _l("Requests for dagdelen"),
        _l("Handling a region's request for expert support, planning its sessions and keeping the contact informed."),
        _l("Contact persons of regions (samenwerkingsverbanden, municipalities, mbo schools, youth care partners)."),
        _l("Name, e-mail address, telephone number and function of the contact; the organisation and region."),
        _l("Task in the public interest (article 6(1)(e) GDPR)."),
        _SMTP, (RetentionKind.REQUEST_CONTACTS, RetentionKind.MAIL_BODIES, RetentionKind.AUDIT), _SECURITY,
    ),
    Processing(
        _l("Registrations for sessions"),
        _l("Registering participants, sending confirmations, calendar invites and reminders, keeping the waiting "
           "list and recording attendance."),
        _l("Professionals in education, youth care and municipalities who register."),
        _l("Name, e-mail address, organisation, sector, function, register number (optional), needs (diet, "
           "accessibility), attendance, certificate of attendance."),
        _l("Consent (article 6(1)(a) GDPR), which a participant withdraws by cancelling. The cancelled "
           "registration is kept until its retention period ends, unless the person asks to erase it."),
        _l("The coordinators and the expert of the session; the e-mail provider (SMTP) under a processing agreement."),
        (RetentionKind.REGISTRATIONS, RetentionKind.NEEDS, RetentionKind.MAIL_BODIES, RetentionKind.AUDIT), _SECURITY,
    ),
    Processing(
        _l("Evaluations"),
        _l("Learning what sessions bring, and reporting on the programme with anonymous numbers."),
        _l("Participants who attended a session."),
        _l("A score and written answers, linked to the registration."),
        _l("Task in the public interest (article 6(1)(e) GDPR)."),
        _l("The coordinators."), (RetentionKind.EVALUATION_TEXT, RetentionKind.REGISTRATIONS), _SECURITY,
    ),
    Processing(
        _l("Accounts of coordinators and experts"),
        _l("Logging in, assigning experts to sessions and keeping their availability."),
        _l("Coordinators and experts."),
        _l("Name, e-mail address, role; for experts themes, regions and availability."),
        _l("Task in the public interest (article 6(1)(e) GDPR)."),
        _SMTP, (RetentionKind.ACCOUNTS, RetentionKind.AUDIT), _SECURITY,
    ),
)
