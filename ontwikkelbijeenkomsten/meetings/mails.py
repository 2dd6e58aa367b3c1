"""Mails about a session, one per person, each with that person's calendar invite.

They are queued with a JSON snapshot of the session as it is at the change and rendered when
they are delivered: a batch that books thousands of sessions then writes rows, not thousands
of rendered mails and invites, inside its transaction.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, replace
from datetime import date, datetime
from types import SimpleNamespace

from flask import current_app
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l

from ..core.sectors import Sector
from ..core.time import Dagdeel
from ..core.urls import absolute_url
from ..mail import calendar
from ..mail import services as mail
from ..mail.models import OutboxMail
from ..requests.services import status_token
from . import sector_places
from .links import meeting_token, registration_token
from .sector_places import WaitingPosition
from .models import (
    HOLDING_PLACE,
    ACTIVE_ASSIGNMENT_STATES,
    AssignmentState,
    Meeting,
    MeetingExpert,
    MeetingKind,
    MeetingState,
    Registration,
    RegistrationState,
    calendar_entry,
    first_start,
)

RENDERER = "session"


@dataclass(frozen=True)
class Person:
    """Someone a session concerns. `invited`: has a place, so gets calendar invites;
    `tentative`: an expert who has not accepted yet, whose invites say TENTATIVE (as the feed)."""

    name: str
    email: str
    locale: str
    role: str  # "contact", "expert" or "participant"
    link: str | None = None  # where they see the session
    invited: bool = True
    tentative: bool = False


def contact_of(meeting: Meeting) -> Person | None:
    request = meeting.request
    if request is None:
        return None
    return Person(request.contact_name, request.contact_email, request.locale, "contact",
                  absolute_url("requests.status", token=status_token(request)))


def expert_person(assignment: MeetingExpert) -> Person:
    return as_expert(assignment.expert, tentative=assignment.state is AssignmentState.ASSIGNED)


def as_expert(expert, *, tentative: bool = False) -> Person:
    """An expert (a User), linked to their assignments; `tentative` until they accept."""
    return Person(expert.name, expert.email, expert.locale, "expert",
                  absolute_url("experts.assignments", expert_id=expert.id), tentative=tentative)


def participant(registration: Registration) -> Person:
    """A participant, linked to their registration page; invited while they have a place."""
    return Person(registration.name, registration.email, registration.locale, "participant",
                  absolute_url("meetings.registration", token=registration_token(registration)),
                  registration.state is RegistrationState.CONFIRMED)


def people(meeting: Meeting) -> list[Person]:
    """The contact, the experts with an active assignment, and the registered participants
    (of the whole series: they are registered at its lead).

    One person per address: someone with two roles (a contact who registered too) has one
    event in one calendar, so gets one message per change, in their first role, with an invite
    when any of their roles has one.
    """
    found = [p for p in [contact_of(meeting)] if p]
    found += [expert_person(a) for a in meeting.experts if a.state in ACTIVE_ASSIGNMENT_STATES]
    found += [participant(r) for r in meeting.lead.registrations
              if r.state in (RegistrationState.CONFIRMED, RegistrationState.WAITING)]
    by_address: dict[str, Person] = {}
    for person in found:
        first = by_address.setdefault(person.email.lower(), person)
        if person.invited and not first.invited:
            by_address[person.email.lower()] = replace(first, invited=True)
    return list(by_address.values())


def keeps_event(meeting: Meeting, email: str, leaving: str | None) -> bool:
    """Does `email` still hold the session in their calendar through a role other than
    `leaving` ("contact", "expert" or "participant"; None: through any role, e.g. a
    registration other than a cancelled one)? Then a CANCEL for that one role would take away
    an event they still have."""
    email = email.lower()
    request = meeting.request
    return (
        (leaving != "contact" and request is not None and request.contact_email.lower() == email)
        or (leaving != "expert" and any(a.state in ACTIVE_ASSIGNMENT_STATES and a.expert.email.lower() == email
                                        for a in meeting.experts))
        or (leaving != "participant" and any(r.state in HOLDING_PLACE and r.email.lower() == email
                                             for r in meeting.lead.registrations))
    )


def _with_invite(meeting: Meeting, person: Person, method: str | None) -> bool:
    """Whether the message carries a calendar part: the person has a place, and a CANCEL for
    a session that goes on is not sent to someone who keeps it through another role."""
    if method is None or not person.invited:
        return False
    return not (method == "CANCEL" and meeting.state is not MeetingState.CANCELLED
                and keeps_event(meeting, person.email, person.role))


def _snapshot(meeting: Meeting) -> dict:
    request = meeting.request
    return {
        "uid": meeting.uid, "sequence": meeting.sequence, "state": meeting.state.value,
        "title": meeting.title, "description": meeting.description, "target_groups": meeting.target_groups,
        "date": meeting.date.isoformat(), "dagdeel": meeting.dagdeel.value,
        "starts_at": meeting.starts_at.isoformat(), "ends_at": meeting.ends_at.isoformat(),
        "location": meeting.location, "online_url": meeting.online_url,
        "region": meeting.region.name if meeting.region else None,
        "request": {
            "contact_name": request.contact_name, "contact_email": request.contact_email,
            "contact_phone": request.contact_phone, "goal": request.goal,
        } if request else None,
    }


def _part(meeting: Meeting) -> dict:
    return {"starts_at": meeting.starts_at.isoformat(), "ends_at": meeting.ends_at.isoformat(),
            "cancelled": meeting.state is MeetingState.CANCELLED}


def tell(meeting: Meeting, person: Person, kind: str, subject, template: str, method: str | None,
         **about) -> OutboxMail:
    """Queue `templates/mail/<template>` for `person` (see `mail_values`)."""
    return mail.enqueue_values(mail_values(meeting, person, kind, subject, template, method, **about))


def mail_values(meeting: Meeting, person: Person, kind: str, subject, template: str, method: str | None, *,
                expert=None, moved_from: tuple[date, Dagdeel] | None = None, reason=None,
                again: str | None = None, number: tuple[int, int] | None = None,
                answer: str | None = None, share: str | None = None, was: dict | None = None,
                returned: bool = False, participants: dict | None = None, begun: bool = False,
                by_coordinator: bool = False, position: WaitingPosition | None = None) -> dict:
    """The outbox row of `templates/mail/<template>` for `person`; `method` is REQUEST or CANCEL.

    `expert` is named in the mail, `moved_from` is the moment a moved session had, `reason`
    why it was cancelled, `again` where to register again, `number` which invite of how many
    of a series this is, `answer` where an expert accepts or declines without logging in, `share`
    the registration link a region passes on to its participants, `was` what a changed session
    had before ("times": [start, end] in ISO, "place": {"location", "online_url"}, "expert": True
    when another expert took it over), `returned` that a cancelled session's dagdeel goes back to
    its request, to be scheduled again, `participants` how many people are coming ("confirmed",
    "capacity", and for an expert "list", the participant list's address), `begun` that the series
    has begun, so a participant can no longer cancel through their page, `by_coordinator` that a
    coordinator cancelled a registration or added the person (not the person themselves),
    `position` where a waiting person is on the waiting list. Subject and reason are
    put in the person's language now.
    A session in a series also lists every part of it.
    """
    with force_locale(person.locale):
        subject, reason = str(subject), str(reason) if reason is not None else None
    parts = meeting.all_parts
    snapshot = {
        "session": _snapshot(meeting), "person": dict(vars(person)), "reason": reason,
        "expert": expert.name if expert else None,
        "moved_from": [moved_from[0].isoformat(), moved_from[1].value] if moved_from else None,
        "parts": [_part(p) for p in parts] if len(parts) > 1 else [], "again": again,
        "number": list(number) if number else None, "answer": answer, "share": share, "was": was,
        "returned": returned, "participants": participants, "begun": begun, "by_coordinator": by_coordinator,
        "position": [position.number, position.sector.value if position.sector else None] if position else None,
    }
    invite = _with_invite(meeting, person, method)
    snapshot["person"]["invited"] = invite
    return mail.snapshot_values(person.email, kind, subject, template, person.locale, RENDERER, snapshot,
                                calendar_method=method if invite else None)


#: The subject of the short mail that carries the invite of one more dagdeel of a series.
INVITE_SUBJECTS = {
    "REQUEST": lambda number, count, title: _l("Calendar invite %(number)s of %(count)s: %(title)s",
                                              number=number, count=count, title=title),
    "CANCEL": lambda number, count, title: _l("Calendar cancellation %(number)s of %(count)s: %(title)s",
                                             number=number, count=count, title=title),
}


def series_mails(parts: list[Meeting], person: Person, kind: str, subject, template: str, method: str | None,
                 **details) -> list[dict]:
    """One mail that says what happened, about the first of `parts` (with its invite and the
    list of every dagdeel), then for each other part a short mail with only its invite
    ("Agenda-uitnodiging 2 van 3"): one UID per iTIP message, one message per calendar event.
    A part whose message would carry no invite for this person gets no short mail. The outbox
    rows, for `tell_series` (or `send_registration_mails`) to queue."""
    first, *rest = parts
    count = len(parts)
    rows = [mail_values(first, person, kind, subject, template, method, number=(1, count) if rest else None,
                        **details)]
    for number, part in enumerate(rest, start=2):
        if _with_invite(part, person, method):
            rows.append(mail_values(part, person, "session_invite", INVITE_SUBJECTS[method](number, count, part.title),
                                    "sessions/calendar_invite", method, number=(number, count)))
    return rows


def tell_series(parts: list[Meeting], person: Person, kind: str, subject, template: str, method: str | None,
                **details) -> None:
    """Queue the `series_mails` of `person`, with one INSERT."""
    mail.enqueue_snapshots(series_mails(parts, person, kind, subject, template, method, **details))


#: What differs between the mails of one session to many people: the person's own values.
OWN = ("name", "email", "link")


@mail.renderer(RENDERER)
def render(row: OutboxMail, shared: dict | None = None) -> None:
    """The bodies and invite of a mail queued by `tell`. Mails of one batch that differ only in
    the person's name, address and link share one rendering (`mail.render_for_person`)."""
    data = row.context
    meeting = _meeting_view(data["session"])
    person = Person(**data["person"])
    own = {name: getattr(person, name) for name in OWN}
    rest = {**data, "person": {k: v for k, v in data["person"].items() if k not in OWN}}
    row.text_body, row.html_body = mail.render_for_person(
        row.template, row.locale, own, lambda values: _context(row, meeting, replace(person, **values)), shared,
        f"{row.calendar_method}|{json.dumps(rest, sort_keys=True)}",
    )
    if person.invited:
        row.calendar = calendar.invitation(
            calendar_entry(meeting), row.calendar_method, (person.name, person.email), current_app.config["MAIL_DEFAULT_SENDER"],
            url=person.link, description="\n\n".join(p for p in (meeting.description, person.link) if p),
            tentative=person.tentative,
        ).decode()


def _context(row: OutboxMail, meeting: SimpleNamespace, person: Person) -> dict:
    data = row.context
    moved = data["moved_from"]
    parts = [SimpleNamespace(starts_at=datetime.fromisoformat(p["starts_at"]),
                             ends_at=datetime.fromisoformat(p["ends_at"]), cancelled=p["cancelled"])
             for p in data.get("parts", [])]
    return dict(
        meeting=meeting, person=person, link=person.link, reason=data["reason"],
        expert=SimpleNamespace(name=data["expert"]) if data["expert"] else None,
        moved_from=(date.fromisoformat(moved[0]), Dagdeel(moved[1])) if moved else None, parts=parts,
        again=data.get("again"), number=tuple(data["number"]) if data.get("number") else None,
        method=row.calendar_method, answer=data.get("answer"), share=data.get("share"),
        was=_was(data.get("was")), returned=data.get("returned", False),
        participants=SimpleNamespace(**data["participants"]) if data.get("participants") else None,
        begun=data.get("begun", False), by_coordinator=data.get("by_coordinator", False),
        position=_position(data.get("position")),
    )


def _position(data: list | None) -> WaitingPosition | None:
    """Where the person was on the waiting list when the mail was queued; put in words when
    the mail is rendered, in the person's language."""
    if not data:
        return None
    number, sector = data
    return WaitingPosition(number, Sector(sector) if sector else None)


def _was(data: dict | None) -> SimpleNamespace | None:
    """What a changed session had before, for the mail that says what changed."""
    if not data:
        return None
    times = data.get("times")
    place = data.get("place")
    return SimpleNamespace(
        times=[datetime.fromisoformat(t) for t in times] if times else None,
        place=", ".join(p for p in (place["location"], place["online_url"]) if p) if place else None,
        place_changed=place is not None, expert=bool(data.get("expert")),
    )


def _meeting_view(data: dict) -> SimpleNamespace:
    """The snapshot with the attributes of a Session that the templates and the invite read."""
    return SimpleNamespace(**{
        **data,
        "state": MeetingState(data["state"]), "date": date.fromisoformat(data["date"]),
        "dagdeel": Dagdeel(data["dagdeel"]), "starts_at": datetime.fromisoformat(data["starts_at"]),
        "ends_at": datetime.fromisoformat(data["ends_at"]), "target_groups": data.get("target_groups", ""),
        "region": SimpleNamespace(name=data["region"]) if data["region"] else None,
        "request": SimpleNamespace(**data["request"]) if data["request"] else None,
    })


#: Mails to a participant: subject, and the METHOD of the invite they carry (None: no invite,
#: as for a waiting-list spot, which is not a place in anyone's calendar).
REGISTRATION_MAILS = {
    "confirmed": (lambda title: _l("Registration confirmed: %(title)s", title=title), "REQUEST"),
    "waiting": (lambda title: _l("On the waiting list: %(title)s", title=title), None),
    "promoted": (lambda title: _l("You have a place: %(title)s", title=title), "REQUEST"),
    "cancelled": (lambda title: _l("Registration cancelled: %(title)s", title=title), "CANCEL"),
    "evaluation": (lambda title: _l("How was %(title)s? Give your opinion", title=title), None),
    "certificate": (lambda title: _l("Your certificate of attendance: %(title)s", title=title), None),
}

#: The private page a participant's mail links to, when it is not their registration page.
REGISTRATION_MAIL_PAGES = {"evaluation": "meetings.evaluation", "certificate": "meetings.certificate"}


def registration_page(lead: Meeting) -> str:
    """Where one registers for the session: an open training's page in the agenda, or the
    private page of a regional session (which is not in the agenda)."""
    if lead.kind is MeetingKind.OPEN_TRAINING:
        return absolute_url("meetings.detail", meeting_id=lead.id)
    return absolute_url("meetings.private_meeting", token=meeting_token(lead))


def tell_registration(registration: Registration, kind: str, reason=None, *, register_again: bool = True,
                      by_coordinator: bool = False, position: WaitingPosition | None = None) -> None:
    """Queue the participant's mail about their registration. With a place (or losing one):
    one mail about the series and an invite per part that is not cancelled (tell_series);
    otherwise one mail. A waiting-list mail says why when places are held for other sectors
    (the session is then not full), and where the person is on it (`position`)."""
    if kind == "waiting" and reason is None:
        lead = registration.meeting
        reason = sector_places.held_back(lead, registration.sector, first_start(lead))
    person = registrant(registration.name, registration.email, registration.locale, kind,
                        registration.state is RegistrationState.CONFIRMED)
    send_registration_mails(registration_mails(registration.meeting, person, kind, reason,
                                               register_again=register_again, by_coordinator=by_coordinator,
                                               position=position),
                            registration, kind)


def registrant(name: str, email: str, locale: str, kind: str, has_place: bool) -> Person:
    """The participant a registration mail of `kind` goes to, without their link yet; invited
    when the mail gives (or takes back) a place in their calendar."""
    method = REGISTRATION_MAILS[kind][1]
    invited = method is not None and (kind != "cancelled" or has_place)
    return Person(name, email, locale, "participant", None, invited)


def registration_mails(lead: Meeting, person: Person, kind: str, reason=None, *,
                       register_again: bool = True, by_coordinator: bool = False,
                       position: WaitingPosition | None = None) -> list[dict]:
    """The outbox rows of `person`'s mail of `kind` about their registration at `lead`, without
    the link to their page: `send_registration_mails` puts it in once the registration has an
    id. So registering builds its confirmation before it takes the training's row lock. A
    cancellation points to where one registers again, unless `register_again` is False; a mail
    says so when a coordinator cancelled or added the registration (`by_coordinator`)."""
    subject, method = REGISTRATION_MAILS[kind]
    about = [part for part in lead.all_parts if part.state is not MeetingState.CANCELLED] if person.invited else []
    experts = [a.expert for a in (about or [lead])[0].experts if a.state in ACTIVE_ASSIGNMENT_STATES]
    return series_mails(about or [lead], person, f"registration_{kind}", subject(lead.title),
                        f"sessions/registration_{kind}", method, reason=reason,
                        expert=experts[0] if experts else None,
                        again=registration_page(lead) if kind == "cancelled" and register_again else None,
                        by_coordinator=by_coordinator, position=position)


def send_registration_mails(rows: list[dict], registration: Registration, kind: str) -> None:
    """Queue `registration_mails` rows with the link to the registration's private page (the
    page of a mail of `kind`) put in, with one INSERT."""
    link = absolute_url(REGISTRATION_MAIL_PAGES.get(kind, "meetings.registration"),
                        token=registration_token(registration))
    for row in rows:
        row["context"]["person"]["link"] = link
    mail.enqueue_snapshots(rows)
