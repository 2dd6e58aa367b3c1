"""The scheduling mails in Dutch and English: the date in words, the time, the place, the links.

One booking is taken through its life (booked, moved, given to another expert, cancelled) with
the contact and the experts in one language; every mail is checked in text and HTML.

Dutch words are asserted only for strings that were in the catalogue before the scheduling
work ("Beste", "Datum", "Tijd", "Locatie", "ochtend"). The test
`test_dutch_subjects_and_openings_are_translated` depends on the new Dutch translations: it is
an expected failure for every string the compiled catalogue does not have yet, and a normal
test once the translations are merged and compiled.
"""
from __future__ import annotations

import email
import re
from datetime import time
from html.parser import HTMLParser
from typing import ClassVar

import pytest
from babel.dates import format_date
from flask_babel import force_locale
from flask_babel import gettext as _

from ontwikkelbijeenkomsten.core.extensions import db
from ontwikkelbijeenkomsten.core.uow import unit_of_work
from ontwikkelbijeenkomsten.core.urls import absolute_url
from ontwikkelbijeenkomsten.mail.delivery import message_for
from ontwikkelbijeenkomsten.meetings import changes
from ontwikkelbijeenkomsten.meetings.links import meeting_for_token
from ontwikkelbijeenkomsten.meetings.models import RegistrationState
from ontwikkelbijeenkomsten.requests.services import request_for_token
from ontwikkelbijeenkomsten.scheduling import services

from .test_services import (
    CONTACT,
    EXPERT,
    add_expert,
    book,
    check_invite,
    details,
    last_mail_id,
    meeting_mails,
    register,
)

PIET = "piet@example.org"
REASON = "De zaal is niet beschikbaar."
LABELS = {"nl": ("Beste", "Datum", "Tijd", "Locatie"), "en": ("Dear", "Date", "Time", "Location")}
DAGDEEL = {"nl": {"ochtend": "ochtend", "middag": "middag"}, "en": {"ochtend": "morning", "middag": "afternoon"}}
TIMES = {"ochtend": "09:00–12:30", "middag": "13:00–16:30"}
#: kind → (subject msgid, the msgid of its opening sentence)
MESSAGES = {
    "session_booked": ("Your meeting has been planned",
                       "A meeting for your region has been planned with an expert. The calendar invite is attached."),
    "session_assigned": ("New assignment: %(title)s",
                         ("You have been planned for the session below, in a dagdeel you gave as available. "
                          "Please accept the assignment, or decline it with a reason, on your assignments page.")),
    "session_changed": ("Change to your meeting: %(title)s",
                        "Another expert leads the session below now: %(name)s. The date, time and place stay the same."),
    "session_released": ("You are no longer needed for %(title)s",
                         ("The coordinator has given the session below to another expert. You are no longer "
                          "needed for it; the dagdeel is free again in your availability.")),
    "session_cancelled": ("Cancelled: %(title)s", "The session below has been cancelled. It will not take place."),
}
class Markup(HTMLParser):
    """Checks that every opened element is closed in order; collects the links."""

    VOID: ClassVar[set[str]] = {"meta", "br", "img", "hr", "input", "link"}

    def __init__(self):
        super().__init__()
        self.open: list[str] = []
        self.hrefs: list[str] = []
        self.lang = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "html":
            self.lang = attrs.get("lang")
        if tag == "a":
            self.hrefs.append(attrs["href"])
        if tag not in self.VOID:
            self.open.append(tag)

    def handle_endtag(self, tag):
        assert self.open and self.open[-1] == tag, f"</{tag}> closes {self.open[-1:]}"
        self.open.pop()


def parse(html: str) -> Markup:
    parser = Markup()
    parser.feed(html)
    parser.close()
    assert parser.open == [], f"not closed: {parser.open}"
    return parser


def life_of_a_meeting(plan, locale: str):
    """Book, move, hand to Piet, cancel; the contact and the experts read `locale`.
    Returns ({step: ((date, dagdeel) after it, its mails)}, {expert's e-mail: their assignments link})."""
    m1, m2 = plan.moments
    plan.request.locale = plan.expert.locale = locale
    piet = add_expert(plan, PIET, "Piet Tweede", slots=[m2])
    piet.locale = locale
    db.session.commit()
    steps, seen = {}, 0

    def step(name, moment):
        nonlocal seen
        mails = meeting_mails(seen)
        seen = mails[-1].id
        steps[name] = (moment, mails)

    meeting = book(plan, m1, title="Samen signaleren").meeting
    step("booked", m1)
    with unit_of_work():
        services.reschedule(meeting, *m2, plan.expert.id, plan.coordinator)
    step("moved", m2)
    with unit_of_work():
        services.reschedule(meeting, *m2, piet.id, plan.coordinator)
    step("handed over", m2)
    with unit_of_work():
        services.cancel(meeting, REASON, plan.coordinator)
    step("cancelled", m2)
    return steps, {e.email: absolute_url("experts.assignments", expert_id=e.id) for e in (plan.expert, piet)}


def the_link(markup: Markup) -> str:
    """The link to the person's page (an assignment mail also has the answer link, tested in
    tests/experts/test_answer_link.py)."""
    (link,) = [href for href in markup.hrefs
               if not href.startswith("mailto:") and "/opdracht/" not in href and "/bijeenkomst/" not in href]
    return link


def check_link(plan, recipient: str, link: str, expert_links: dict[str, str]) -> None:
    """The contact's private status link (signed with a timestamp, so checked by reading it
    back), or the expert's assignments page."""
    if recipient == CONTACT:
        prefix = absolute_url("requests.status", token="x")[:-1]
        assert link.startswith(prefix) and request_for_token(link[len(prefix):]) == plan.request, link
    else:
        assert link == expert_links[recipient]


@pytest.mark.parametrize("locale", ["nl", "en"])
def test_every_scheduling_mail_shows_date_time_place_and_link(plan, locale):
    steps, expert_links = life_of_a_meeting(plan, locale)
    kinds = {name: [(m.kind, m.recipient) for m in mails] for name, (_, mails) in steps.items()}
    assert kinds == {
        "booked": [("session_booked", CONTACT), ("session_assigned", EXPERT)],
        "moved": [("session_changed", CONTACT), ("session_changed", EXPERT)],
        "handed over": [("session_released", EXPERT), ("session_assigned", PIET), ("session_changed", CONTACT)],
        "cancelled": [("session_cancelled", CONTACT), ("session_cancelled", PIET)],
    }
    for name, ((day, dagdeel), mails) in steps.items():
        for mail in mails:
            where = f"{name}: {mail.kind} to {mail.recipient} ({locale})"
            markup = parse(mail.html_body)
            assert markup.lang == locale, where
            link = the_link(markup)
            check_link(plan, mail.recipient, link, expert_links)
            for body in (mail.text_body, mail.html_body):
                assert format_date(day, "EEEE d MMMM y", locale=locale) in body, where
                assert f"{TIMES[dagdeel.value]} ({DAGDEEL[locale][dagdeel.value]})" in body, where
                assert "Stadhuis Maastricht" in body and link in body, where
                assert all(label in body for label in LABELS[locale]), where
            assert mail.subject == expected_subject(mail.kind, "Samen signaleren", locale), where
            if mail.kind == "session_cancelled":
                assert REASON in mail.text_body and REASON in mail.html_body, where
            if mail.kind == "session_assigned":
                assert "ilse@example.org" in mail.text_body and "Samen signaleren." in mail.text_body, where


def expected_subject(kind: str, title: str, locale: str) -> str:
    with force_locale(locale):
        return _(MESSAGES[kind][0], title=title)


@pytest.mark.parametrize("locale", ["nl", "en"])
def test_a_moved_meeting_says_where_it_was(plan, locale):
    m1, _ = plan.moments
    steps, _ = life_of_a_meeting(plan, locale)
    for mail in steps["moved"][1]:
        was = format_date(m1[0], "EEEE d MMMM y", locale=locale)
        assert f"{was} ({DAGDEEL[locale]['ochtend']})" in mail.text_body, mail.recipient
        assert was in mail.html_body


def test_english_mails_are_english(plan):
    steps, _ = life_of_a_meeting(plan, "en")
    for _, mails in steps.values():
        for mail in mails:
            subject, opening = MESSAGES[mail.kind]
            assert mail.subject == subject % {"title": "Samen signaleren"}
            if mail.kind != "session_changed":  # the moved one opens with where it was
                assert opening in mail.text_body
            elif mail.recipient == CONTACT and "moved" not in mail.text_body:
                assert opening % {"name": "Piet Tweede"} in mail.text_body


@pytest.mark.parametrize("kind", list(MESSAGES))
def test_dutch_subjects_and_openings_are_translated(plan, kind):
    steps, _ = life_of_a_meeting(plan, "nl")
    mails = [m for _, found in steps.values() for m in found if m.kind == kind]
    assert mails
    subject, opening = MESSAGES[kind]
    for mail in mails:
        assert mail.subject != subject % {"title": "Samen signaleren"}, f"English subject for a Dutch reader: {mail.subject}"
        assert opening.split("%")[0] not in mail.text_body, f"English text for a Dutch reader in {kind}"


def test_a_meeting_handed_to_another_expert_tells_the_contact_who_it_is_now(plan):
    """Before, the contact read only "De gegevens ... zijn gewijzigd" and had to find the
    difference in the table themselves."""
    steps, _ = life_of_a_meeting(plan, "nl")
    (contact_mail,) = [m for m in steps["handed over"][1] if m.recipient == CONTACT]
    for body in (contact_mail.text_body, contact_mail.html_body):
        assert ("De bijeenkomst hieronder heeft nu een andere expert: Piet Tweede. "
                "De datum, de tijd en de locatie blijven hetzelfde.") in body


def test_a_meeting_moved_to_another_expert_says_both(plan):
    m1, m2 = plan.moments
    meeting = book(plan, m1).meeting
    piet = add_expert(plan, PIET, "Piet Tweede", slots=[m2])
    since = last_mail_id()
    with unit_of_work():
        services.reschedule(meeting, *m2, piet.id, plan.coordinator)
    (contact_mail,) = [m for m in meeting_mails(since) if m.recipient == CONTACT]
    for body in (contact_mail.text_body, contact_mail.html_body):
        assert "verplaatst" in body and "Er is ook een andere expert: Piet Tweede." in body


def test_a_changed_time_or_place_says_what_it_was(plan):
    meeting = book(plan).meeting
    since = last_mail_id()
    with unit_of_work():
        changes.change_details(meeting, details(meeting, starts=time(9, 30), location="Bibliotheek Heerlen"),
                               plan.coordinator)
    mails = meeting_mails(since)
    assert sorted(m.recipient for m in mails) == sorted([CONTACT, EXPERT])
    for mail in mails:
        for body in (mail.text_body, mail.html_body):
            assert "De tijd is gewijzigd. Eerst was het 09:00–12:30." in body, mail.recipient
            assert "De locatie is gewijzigd. Eerst was het: Stadhuis Maastricht." in body, mail.recipient
            assert "09:30–12:30" in body and "Bibliotheek Heerlen" in body
            assert "andere expert" not in body


def test_a_changed_time_alone_does_not_speak_of_the_place(plan):
    meeting = book(plan).meeting
    since = last_mail_id()
    with unit_of_work():
        changes.change_details(meeting, details(meeting, ends=time(12, 0)), plan.coordinator)
    for mail in meeting_mails(since):
        assert "De tijd is gewijzigd. Eerst was het 09:00–12:30." in mail.text_body
        assert "locatie is gewijzigd" not in mail.text_body and "locatie is gewijzigd" not in mail.html_body


def test_the_contact_of_a_cancelled_meeting_reads_that_the_dagdeel_stays_granted(plan):
    """Before, the contact read only that the session would not take place, and not whether
    the region had lost one of its dagdelen."""
    steps, _ = life_of_a_meeting(plan, "nl")
    sentence = "Het dagdeel blijft toegekend aan uw aanvraag. Een coördinator kan er een nieuwe datum voor inplannen."
    by_recipient = {m.recipient: m for m in steps["cancelled"][1]}
    for body in (by_recipient[CONTACT].text_body, by_recipient[CONTACT].html_body):
        assert sentence in body
    assert sentence not in by_recipient[PIET].text_body  # the expert's dagdeel is not granted to anyone


def test_a_meeting_cancelled_because_the_request_was_withdrawn_does_not_promise_the_dagdeel(plan):
    from ontwikkelbijeenkomsten.requests import services as requests

    book(plan, plan.moments[0])
    since = last_mail_id()
    with unit_of_work():
        requests.withdraw(plan.request)
    (cancelled,) = [m for m in meeting_mails(since) if m.recipient == CONTACT and m.kind == "session_cancelled"]
    assert "blijft toegekend" not in cancelled.text_body and "blijft toegekend" not in cancelled.html_body


def test_the_coordinators_hear_that_the_withdrawn_requests_sessions_were_cancelled(plan, coordinator):
    """The notice said only that the dagdelen went back: whether the session of next week still
    needed cancelling, and whom to tell, the coordinator had to find out."""
    from ontwikkelbijeenkomsten.mail.models import OutboxMail
    from ontwikkelbijeenkomsten.requests import services as requests

    book(plan, plan.moments[0])
    with unit_of_work():
        requests.withdraw(plan.request)
    (notice,) = db.session.scalars(db.select(OutboxMail).where(OutboxMail.kind == "request_withdrawn_notice"))
    for body in (notice.text_body, notice.html_body):
        assert "De bijeenkomst die nog niet was begonnen, is geannuleerd." in body
        assert "U hoeft er niets meer voor te doen." in body


def test_a_request_withdrawn_before_any_booking_says_nothing_of_sessions(plan, coordinator):
    from ontwikkelbijeenkomsten.mail.models import OutboxMail
    from ontwikkelbijeenkomsten.requests import services as requests

    with unit_of_work():
        requests.withdraw(plan.request)
    (notice,) = db.session.scalars(db.select(OutboxMail).where(OutboxMail.kind == "request_withdrawn_notice"))
    assert "geannuleerd" not in notice.text_body


def test_the_booked_mail_gives_the_contact_the_registration_link_to_share(plan):
    meeting = book(plan, plan.moments[0]).meeting
    (contact_mail,) = [m for m in meeting_mails() if m.recipient == CONTACT]
    prefix = absolute_url("meetings.private_meeting", token="x")[:-1]
    for body in (contact_mail.text_body, contact_mail.html_body):
        found = re.search(re.escape(prefix) + r"([\w.-]+)", body)
        assert found, "the mail promised in the grant has no registration link"
        assert meeting_for_token(found.group(1)) == meeting
    assert "Deel deze link met de mensen die u uitnodigt" in contact_mail.text_body


def test_a_delivered_meeting_mail_carries_its_invite(plan):
    book(plan, plan.moments[0])
    (contact_mail,) = [m for m in meeting_mails() if m.recipient == CONTACT]
    message = email.message_from_bytes(message_for(contact_mail).as_bytes())
    assert message.get_content_type() == "multipart/mixed"
    alternative, attachment = message.get_payload()
    assert [p.get_content_type() for p in alternative.get_payload()] == ["text/plain", "text/html", "text/calendar"]
    for invite in (alternative.get_payload()[-1], attachment):
        assert invite.get_content_type() == "text/calendar"
        assert (invite.get_param("method"), invite.get_param("charset")) == ("REQUEST", "utf-8")
        assert b"METHOD:REQUEST" in invite.get_payload(decode=True)
    assert attachment.get_filename() == "invite.ics"


def test_a_session_with_an_address_and_an_online_link_gives_both(plan):
    online = "https://meet.example.org/samen-signaleren?pwd=a&b"
    meeting = book(plan).meeting
    register(meeting, "deelnemer@example.org", RegistrationState.CONFIRMED)
    since = last_mail_id()
    with unit_of_work():
        changes.change_details(meeting, details(meeting, online_url=online), plan.coordinator)
    mails = meeting_mails(since)
    assert sorted(m.recipient for m in mails) == sorted([CONTACT, EXPERT, "deelnemer@example.org"])
    for mail in mails:
        assert "Locatie: Stadhuis Maastricht\nOnline: " + online in mail.text_body, mail.recipient
        assert "Stadhuis Maastricht" in mail.html_body and online in parse(mail.html_body).hrefs, mail.recipient
        event = check_invite(mail, meeting, "REQUEST", 1)
        assert str(event["LOCATION"]) == "Stadhuis Maastricht" and online in str(event["DESCRIPTION"])


def test_the_withdraw_mails_say_how_many_dagdelen_come_back(plan, coordinator, monkeypatch):
    """After one of two granted sessions took place, only one dagdeel goes back: the mails
    said that the granted dagdelen were all available again."""
    from ontwikkelbijeenkomsten.mail.models import OutboxMail
    from ontwikkelbijeenkomsten.requests import services as requests

    m1, m2 = plan.moments
    book(plan, m1), book(plan, m2)
    monkeypatch.setattr(services, "has_started", lambda moment, now=None: moment == m1)  # the first has been held
    with unit_of_work():
        requests.withdraw(plan.request)
    (contact,) = db.session.scalars(db.select(OutboxMail).where(OutboxMail.kind == "request_withdrawn"))
    (notice,) = db.session.scalars(db.select(OutboxMail).where(OutboxMail.kind == "request_withdrawn_notice"))
    region = plan.request.region.name
    for body in (contact.text_body, contact.html_body):
        assert ("Uw aanvraag voor dagdelen is ingetrokken. "
                "1 toegekend dagdeel is weer beschikbaar voor uw regio.") in body
        assert "1 dagdeel blijft meetellen: de bijeenkomst ervan is begonnen of geweest." in body
        assert "Dagdelen die waren toegekend" not in body
    for body in (notice.text_body, notice.html_body):
        assert f"{region} heeft de aanvraag ingetrokken. 1 toegekend dagdeel kan {region} opnieuw gebruiken." in body
        assert "1 dagdeel blijft meetellen" in body


def test_the_withdraw_mails_say_none_come_back_when_every_session_took_place(plan, coordinator, monkeypatch):
    from ontwikkelbijeenkomsten.mail.models import OutboxMail
    from ontwikkelbijeenkomsten.requests import services as requests

    m1, m2 = plan.moments
    book(plan, m1), book(plan, m2)
    monkeypatch.setattr(services, "has_started", lambda moment, now=None: True)
    with unit_of_work():
        requests.withdraw(plan.request)
    for kind in ("request_withdrawn", "request_withdrawn_notice"):
        (mail,) = db.session.scalars(db.select(OutboxMail).where(OutboxMail.kind == kind))
        assert "Er komen geen dagdelen terug: de bijeenkomsten van de toegekende dagdelen zijn begonnen of geweest." \
            in mail.text_body
        assert "weer beschikbaar" not in mail.text_body and "opnieuw gebruiken" not in mail.text_body
