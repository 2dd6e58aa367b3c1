"""Issue 5, done when: a coordinator grants a request, books a proposal, sees it on the region's
status page and in the expert's assignments, reschedules it and cancels it. Keyboard only where
a person would use it, and axe on every page, also with an error and with warnings showing."""
from __future__ import annotations

from types import SimpleNamespace

from playwright.sync_api import expect
from sqlalchemy import select

from ontwikkelbijeenkomsten.core.extensions import db
from ontwikkelbijeenkomsten.core.i18n import dagdeel_label, long_date
from ontwikkelbijeenkomsten.core.time import Dagdeel
from ontwikkelbijeenkomsten.core.uow import unit_of_work
from ontwikkelbijeenkomsten.mail.models import OutboxMail
from ontwikkelbijeenkomsten.meetings.models import Meeting, MeetingState
from ontwikkelbijeenkomsten.requests import services as requests
from tests import factories
from tests.factories import PASSWORD, future_day, make_expert, submission

from .keyboard import check_box, tab_to, type_date, type_into

COORDINATOR, EXPERT = "coordinator@example.org", "expert@example.org"
PREFERRED = [(future_day(14), Dagdeel.OCHTEND), (future_day(21), Dagdeel.MIDDAG)]
ELSEWHERE = (future_day(28), Dagdeel.AVOND)  # the expert is free, the region did not ask for it


def seed(live_server) -> SimpleNamespace:
    """A period, a region, a coordinator, an expert free at the preferred moments and at
    ELSEWHERE, and a submitted request for one dagdeel."""
    with live_server.app.app_context():
        factories.period()
        (region,) = factories.regions(1)
        themes = factories.themes(2)
        factories.coordinator(COORDINATOR)
        expert = make_expert(EXPERT, "Eva Jansen", themes)
        for day, dagdeel in [*PREFERRED, ELSEWHERE]:
            factories.available(expert, day, dagdeel)
        db.session.commit()
        with unit_of_work():
            saved = requests.submit(submission(SimpleNamespace(region=region, themes=themes), dagdelen_wanted=1,
                                               moments=PREFERRED))
        found = SimpleNamespace(request_id=saved.id, expert_id=expert.id, token=requests.status_token(saved))
        db.session.remove()
    return found


def log_in(page, email: str) -> None:
    page.goto("/inloggen")
    type_into(page, "#email", email)
    type_into(page, "#password", PASSWORD)
    page.keyboard.press("Enter")
    expect(page.locator(".ob-nav__logout")).to_be_visible()


def press(page, selector: str) -> None:
    tab_to(page, selector)
    page.keyboard.press("Enter")
    page.wait_for_load_state()


def choose(page, selector: str, text: str, value: str) -> None:
    """Pick an option of a closed select by typing its first letters, as keyboard users do."""
    tab_to(page, selector)
    page.keyboard.type(text)
    expect(page.locator(selector)).to_have_value(value)


def moment_text(live_server, day, dagdeel) -> str:
    """'dinsdag 3 maart 2026, ochtend', as the pages write a session's moment."""
    with live_server.app.test_request_context():
        return f"{long_date(day)}, {dagdeel_label(dagdeel)}"


def only_meeting(live_server) -> Meeting:
    with live_server.app.app_context():
        meeting = db.session.scalars(select(Meeting)).one()
        db.session.expunge(meeting)
        db.session.remove()
    return meeting


def test_grant_book_follow_reschedule_and_cancel(page, live_server, axe_check):
    data = seed(live_server)
    detail = f"/coordinatie/aanvragen/{data.request_id}"
    log_in(page, COORDINATOR)

    # grant the request on its page
    page.goto(detail)
    expect(page.locator("#dagdelen")).to_have_value("1")
    press(page, 'form[action$="/toekennen"] button[type="submit"]')
    expect(page.get_by_role("status")).to_contain_text("U hebt 1 dagdeel toegekend.")
    expect(page.locator("#booked-count")).to_have_text("0 van 1 dagdeel ingepland")
    axe_check(page)

    # to the scheduling page: proposals for both preferred moments
    press(page, "#schedule-link")
    expect(page.get_by_role("heading", level=1)).to_have_text("Dagdelen inplannen")
    expect(page.locator('input[name="proposal-proposal"]')).to_have_count(2)
    expect(page.locator('label[for="proposal-proposal-0"]')).to_contain_text("Eva Jansen")
    expect(page.locator('label[for="proposal-proposal-0"]')).to_contain_text("Voorkeursmoment 1 van de regio")
    expect(page.locator("#proposal-title")).to_have_value("Ontwikkelbijeenkomst Zuid-Limburg")
    axe_check(page)

    # booking without choosing a proposal: an error at the proposals
    press(page, 'form[action$="/inplannen"] button[type="submit"]')
    expect(page.get_by_role("heading", name="Er is een probleem")).to_be_visible()
    expect(page.locator("#proposal-proposal-error")).to_contain_text("Kies een van de voorstellen.")
    axe_check(page)

    # outside the proposals: the warnings come first, nothing is booked
    choose(page, "#manual-expert_id", "Eva", str(data.expert_id))
    type_date(page, "#manual-day", ELSEWHERE[0])
    choose(page, "#manual-dagdeel", "Avond", "avond")
    press(page, 'form[action$="/handmatig"] button[type="submit"]')
    expect(page.get_by_role("heading", name="Controleer dit eerst")).to_be_visible()
    expect(page.locator("main")).to_contain_text("geen voorkeursmoment van de regio")
    expect(page.locator("#manual-confirmed")).not_to_be_checked()
    axe_check(page)

    # book the first proposal with the keyboard: the request is then scheduled
    tab_to(page, "#proposal-proposal-0")
    page.keyboard.press("Space")
    expect(page.locator("#proposal-proposal-0")).to_be_checked()
    type_into(page, "#proposal-title", "Samen signaleren in Zuid-Limburg")
    press(page, 'form[action$="/inplannen"] button[type="submit"]')
    page.wait_for_url(f"**{detail}")
    expect(page.get_by_role("status")).to_contain_text("Ingepland:")
    expect(page.get_by_role("status")).to_contain_text("met Eva Jansen")
    expect(page.locator("#booked-count")).to_have_text("1 van 1 dagdeel ingepland")
    expect(page.locator("#schedule-link")).to_have_count(0)
    meeting = only_meeting(live_server)
    assert (meeting.date, meeting.dagdeel) == PREFERRED[0]
    row = page.locator(f"#session-{meeting.id}")
    expect(row).to_contain_text("Eva Jansen")
    expect(row).to_contain_text("Ingepland")
    axe_check(page)

    # the region sees it on its status page
    page.goto(f"/aanvraag/{data.token}")
    expect(page.locator("#status-title")).to_contain_text("Ingepland")
    expect(page.get_by_role("heading", name="Samen signaleren in Zuid-Limburg")).to_be_visible()
    expect(page.locator("main")).to_contain_text(
        f"Er is een bijeenkomst ingepland op {moment_text(live_server, *PREFERRED[0])}.")
    axe_check(page)

    # the expert sees it among the assignments
    page.context.clear_cookies()
    log_in(page, EXPERT)
    page.goto(f"/experts/{data.expert_id}/opdrachten")
    expect(page.locator("main")).to_contain_text("Samen signaleren in Zuid-Limburg")
    expect(page.locator("main")).to_contain_text("Stadhuis Maastricht")

    # back as the coordinator: move it to a moment the region did not ask for, after the warning
    page.context.clear_cookies()
    log_in(page, COORDINATOR)
    page.goto(detail)
    press(page, f"#session-{meeting.id} a")
    expect(page.get_by_role("heading", level=1)).to_have_text("Samen signaleren in Zuid-Limburg")
    expect(page.locator("#move-expert_id")).to_have_value(str(data.expert_id))
    axe_check(page)
    type_date(page, "#move-day", ELSEWHERE[0])
    choose(page, "#move-dagdeel", "Avond", "avond")
    press(page, 'form[action$="/verplaatsen"] button[type="submit"]')
    expect(page.get_by_role("heading", name="Controleer dit eerst")).to_be_visible()
    expect(page.locator("#move-day")).to_have_value(ELSEWHERE[0].isoformat())
    axe_check(page)
    check_box(page, "#move-confirmed")
    press(page, 'form[action$="/verplaatsen"] button[type="submit"]')
    expect(page.get_by_role("status")).to_contain_text("De bijeenkomst is nu op")
    expect(page.locator("main dl")).to_contain_text("19:00 tot 21:30 (avond)")
    expect(page.locator("main dl")).to_contain_text("Gewijzigd")
    moved = only_meeting(live_server)
    assert (moved.date, moved.dagdeel, moved.state) == (*ELSEWHERE, MeetingState.CHANGED)

    # cancel it: the reason is required
    press(page, 'form[action$="/annuleren"] button[type="submit"]')
    expect(page.locator("#cancel-reason-error")).to_be_visible()
    axe_check(page)
    type_into(page, "#cancel-reason", "De regio stelt de bijeenkomst uit tot na de zomer.")
    press(page, 'form[action$="/annuleren"] button[type="submit"]')
    page.wait_for_url(f"**{detail}")
    expect(page.get_by_role("status")).to_contain_text("De bijeenkomst is geannuleerd.")
    expect(page.locator("#booked-count")).to_have_text("0 van 1 dagdeel ingepland")
    expect(page.locator(f"#session-{meeting.id}")).to_contain_text("Geannuleerd")
    expect(page.locator("#schedule-link")).to_be_visible()
    axe_check(page)

    page.goto(f"/coordinatie/bijeenkomsten/{meeting.id}")
    expect(page.locator("main form")).to_have_count(0)
    expect(page.locator("main")).to_contain_text("De regio stelt de bijeenkomst uit tot na de zomer.")
    axe_check(page)

    page.goto(f"/aanvraag/{data.token}")
    expect(page.locator("main")).to_contain_text("De regio stelt de bijeenkomst uit tot na de zomer.")
    expect(page.locator("main")).to_contain_text(f"De bijeenkomst op {moment_text(live_server, *ELSEWHERE)} is geannuleerd.")

    with live_server.app.app_context():
        methods = db.session.execute(
            select(OutboxMail.recipient, OutboxMail.calendar_method).where(OutboxMail.kind.like("session_%"))
        ).all()
        db.session.remove()
    assert sorted(methods) == sorted([
        ("ilse@example.org", "REQUEST"), (EXPERT, "REQUEST"),  # booked
        ("ilse@example.org", "REQUEST"), (EXPERT, "REQUEST"),  # moved
        ("ilse@example.org", "CANCEL"), (EXPERT, "CANCEL"),  # cancelled
    ])
