"""The participant's pages: a training's page, registering, the private page of a regional
session, the participant's own page (cancelling) and the evaluation.

Bad input of every kind (closed window, a full session, tampered links, forged ids, huge or
hostile text, a missing CSRF token) gives a clear message or a 404, never a 500, and saves
nothing. Texts are checked in English (the msgids), set through the session's locale.
"""
from __future__ import annotations

import re
from datetime import timedelta
from html import unescape

import pytest
from sqlalchemy import func, select

from ontwikkelbijeenkomsten.core.db import utcnow
from ontwikkelbijeenkomsten.core.extensions import db
from ontwikkelbijeenkomsten.core.sectors import Sector
from ontwikkelbijeenkomsten.core.time import Dagdeel
from ontwikkelbijeenkomsten.core.tokens import make_token
from ontwikkelbijeenkomsten.core.uow import unit_of_work
from ontwikkelbijeenkomsten.mail.models import OutboxMail
from ontwikkelbijeenkomsten.meetings import links, services, trainings
from ontwikkelbijeenkomsten.meetings.models import (
    Evaluation,
    Meeting,
    MeetingKind,
    Registration,
    RegistrationState,
)
from tests.factories import applicant

FORM = {
    "name": "Fatima el Amrani", "email": "Fatima@Example.org", "organisation": "Basisschool De Linde",
    "sector": "onderwijs", "function": "Intern begeleider", "needs": "", "consent": "y",
}


def in_english(client):
    """Show the pages in English, so that tests read the msgids whatever the translations say."""
    with client.session_transaction() as stored:
        stored["locale"] = "en"
    return client


@pytest.fixture
def en(client):
    return in_english(client)


def text(html: str) -> str:
    """The page's visible text on one line, for `in` checks."""
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


def field_error(html: str, field_id: str) -> str:
    found = re.search(rf'id="{re.escape(field_id)}-error"[^>]*>(.*?)</p>', html, re.S)
    return text(found.group(1)) if found else ""


def registrations(lead: Meeting) -> list[Registration]:
    db.session.expire_all()
    return list(db.session.scalars(select(Registration).where(Registration.meeting_id == lead.id)
                                   .order_by(Registration.id)))


def mails_to(email: str, kind: str) -> int:
    return db.session.scalar(select(func.count()).select_from(OutboxMail).where(
        OutboxMail.recipient == email, OutboxMail.kind == kind))


def post_form(client, url: str, **overrides):
    data = {**FORM, **overrides}
    return client.post(url, data={k: v for k, v in data.items() if v is not None})


def register_url(lead: Meeting) -> str:
    return f"/agenda/{lead.id}/aanmelden"


def regional_meeting(plan) -> Meeting:
    day = plan.moments[0][0]
    starts, ends = Dagdeel.OCHTEND.bounds(day)
    meeting = Meeting(kind=MeetingKind.REGIONAL, request=plan.request, region=plan.region, title="Regio-overleg",
                      date=day, dagdeel=Dagdeel.OCHTEND, starts_at=starts, ends_at=ends, capacity=10,
                      location="Gemeentehuis Heerlen")
    db.session.add(meeting)
    db.session.commit()
    return meeting


# ---- the training's page -----------------------------------------------------------------------
def test_the_page_shows_the_training_places_left_and_the_sector_mix(en, make_training, plan):
    lead = make_training(capacity=20, parts=2)
    for n in (1, 2, 5, 6, 4):  # sectors: jeugdhulp, gemeente, jeugdhulp, gemeente, onderwijs
        with unit_of_work():
            services.register(lead, applicant(n))
    html = en.get(f"/agenda/{lead.id}").get_data(as_text=True)
    page = text(html)
    assert lead.title in page and "Intern begeleiders en jeugdprofessionals" in page
    assert text(re.search(r'id="places-left">(.*?)</span>', html, re.S).group(1)) == "Register – 15 places left"
    for part in lead.all_parts:  # every part in words, with its times
        assert f"{part.starts_at:%Y-%m-%dT%H:%M}" in html
    assert re.search(r"\w+day \d{1,2} \w+ \d{4}, 1[34]:00–1[67]:30", page)
    assert "Eva Jansen" in page and plan.themes[0].name in page and "Stadhuis, Markt 1, Maastricht" in page
    assert "National or online: for all regions" in page
    mix = text(re.search(r'<table[^>]*id="sector-mix".*?</table>', html, re.S).group(0))
    assert "Participants per sector (n = 5)" in mix
    assert re.search(r"Education 1 20% .*Youth care 2 40% .*Municipality 2 40% .*Other 0 0%", mix)
    assert 'ob-chart__part--share" x="0" y="0" width="20.0"' in html  # 1 of 5: a fifth of the bar
    assert "Joint means both sectors" in page
    assert 'id="registration-status"' in html and f'action="/agenda/{lead.id}/aanmelden"' in html


def signup_block(html: str) -> str:
    return re.search(r'<section class="ob-signup"[^>]*id="signup".*?</section>', html, re.S).group(0)


def test_the_registration_block_comes_before_the_details_with_the_places_left(en, make_training):
    """Issue 18, item 6: "Aanmelden – nog N plaatsen" and a way to the form right after the
    title, not 2,300 px down; the details and the form follow it."""
    lead = make_training(capacity=21, parts=2)
    with unit_of_work():
        services.register(lead, applicant(1))
    html = en.get(f"/agenda/{lead.id}").get_data(as_text=True)
    block = signup_block(html)
    assert html.index("<h1") < html.index(block) < html.index('id="details"') < html.index('id="register-button"')
    assert html.index(block) < html.index(lead.description)
    assert 'aria-labelledby="signup-title"' in block and '<h2 class="utrecht-heading-2" id="signup-title">' in block
    assert text(block).startswith("Register – 20 places left Registration is open until ")
    assert re.search(r'<a [^>]*id="to-register" href="#register">To the registration form</a>', block)
    assert 'id="register"' in html and "Places" not in text(re.search(r'<dl .*?</dl>', html, re.S).group(0))


def test_the_registration_block_offers_the_waiting_list_when_full(en, make_training):
    lead = make_training(capacity=1)
    with unit_of_work():
        services.register(lead, applicant(1))
    block = text(signup_block(en.get(f"/agenda/{lead.id}").get_data(as_text=True)))
    assert block.startswith("Full – waiting list This session is full. You can register for the waiting list")
    assert block.endswith("Register for the waiting list")


def test_the_registration_block_says_when_nobody_can_register_any_more(en, make_training):
    full = make_training(capacity=1, waiting_list=False)
    with unit_of_work():
        services.register(full, applicant(1))
    closed = make_training(days_ahead=37, registration_closes_at=utcnow() - timedelta(hours=1))
    for lead, expected in ((full, "Full This session is full, and it has no waiting list."),
                           (closed, "Registration is closed Registration for this session has closed.")):
        html = en.get(f"/agenda/{lead.id}").get_data(as_text=True)
        assert text(signup_block(html)).startswith(expected)
        assert 'id="to-register"' not in html and 'id="register"' not in html


def test_a_regional_sessions_private_page_has_the_registration_block_too(en, plan):
    meeting = regional_meeting(plan)
    html = en.get(f"/bijeenkomst/{links.meeting_token(meeting)}").get_data(as_text=True)
    block = signup_block(html)
    assert html.index("<h1") < html.index(block) < html.index('id="details"')
    assert text(block).startswith("Register – 10 places left")


def test_a_part_of_a_series_leads_to_its_first_part(en, make_training):
    lead = make_training(parts=3)
    response = en.get(f"/agenda/{lead.parts[1].id}")
    assert response.status_code == 302 and response.location.endswith(f"/agenda/{lead.id}")


@pytest.mark.parametrize("path", ["/agenda/999999", "/agenda/2147483648", "/agenda/-1", "/agenda/abc"])
def test_unknown_or_forged_ids_are_404(en, training, path):
    assert en.get(path).status_code == 404
    assert en.post(path + "/aanmelden", data=FORM).status_code in (404, 405)


def test_regional_meetings_have_no_public_page(en, plan):
    meeting = regional_meeting(plan)
    assert en.get(f"/agenda/{meeting.id}").status_code == 404
    assert en.post(register_url(meeting), data=FORM).status_code == 404
    assert registrations(meeting) == []


# ---- registering -------------------------------------------------------------------------------
def test_registering_confirms_and_leads_to_the_private_page(en, training):
    response = post_form(en, register_url(training))
    assert response.status_code == 302
    [saved] = registrations(training)
    assert (saved.state, saved.email, saved.sector, saved.locale) == (
        RegistrationState.CONFIRMED, "fatima@example.org", Sector.ONDERWIJS, "en")
    path, token = response.location.rsplit("/", 1)  # the token is signed with the time: read it
    assert path.endswith("/aanmelding") and links.registration_for_token(token) == saved
    page = en.get(response.location)
    assert page.headers["Cache-Control"] == "private, no-store"
    assert "You are registered. We have sent a confirmation to fatima@example.org." in text(page.get_data(as_text=True))
    assert mails_to("fatima@example.org", "registration_confirmed") == 1
    assert "19 places left" in text(en.get(f"/agenda/{training.id}").get_data(as_text=True))


def consent_hint(html: str) -> str:
    return text(re.search(r'id="consent-hint"[^>]*>(.*?)</div>', html, re.S).group(1))


def test_the_consent_hint_names_all_the_form_asks_as_the_privacy_statement_does(en, training):
    """The form also asks the needs and a professional register with its number."""
    hint = consent_hint(en.get(f"/agenda/{training.id}").get_data(as_text=True))
    for asked in ("name", "e-mail address", "organisation", "sector", "function", "professional register",
                  "registration number", "needs for accessibility or a diet"):
        assert asked in hint
    assert "needs for accessibility or a diet" in text(en.get("/privacy").get_data(as_text=True))


def test_the_dutch_consent_hint_names_the_needs_and_the_register_in_the_privacy_statements_words(client, training):
    with client.session_transaction() as stored:
        stored["locale"] = "nl"
    hint = consent_hint(client.get(f"/agenda/{training.id}").get_data(as_text=True))
    privacy = text(client.get("/privacy").get_data(as_text=True))
    for asked in ("beroepsregister", "wensen voor toegankelijkheid of eten"):
        assert asked in hint and asked in privacy
    assert "registratienummer" in hint


def test_a_full_meeting_puts_people_on_the_waiting_list(en, make_training):
    lead = make_training(capacity=2)
    for n in range(3):
        with unit_of_work():
            services.register(lead, applicant(n))
    page = text(en.get(f"/agenda/{lead.id}").get_data(as_text=True))
    assert "Full – waiting list" in page and "Register for the waiting list" in page
    response = post_form(en, register_url(lead))
    assert response.status_code == 302
    assert registrations(lead)[-1].state is RegistrationState.WAITING
    mine = text(en.get(response.location).get_data(as_text=True))
    assert "The session is full. You are number 2 on the waiting list." in mine
    assert "You are number 2 on the waiting list." in mine


def test_a_full_meeting_without_waiting_list_says_so(en, make_training):
    lead = make_training(capacity=1, waiting_list=False)
    with unit_of_work():
        services.register(lead, applicant(1))
    html = en.get(f"/agenda/{lead.id}").get_data(as_text=True)
    assert "Full" in text(html) and "it has no waiting list" in text(html) and 'id="register-button"' not in html
    response = post_form(en, register_url(lead))  # a form sent just before it filled up
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and 'id="error-summary"' in html
    assert len(registrations(lead)) == 1


def test_a_form_sent_as_the_meeting_fills_up_says_so_in_its_place_with_what_was_filled_in(en, make_training):
    lead = make_training(capacity=1, waiting_list=False)
    with unit_of_work():
        services.register(lead, applicant(1))
    filled_in = {"needs": "Rolstoeltoegankelijke zaal\nen een vegetarische lunch", "professional_register": "skj",
                 "register_number": "1234567"}
    response = post_form(en, register_url(lead), **filled_in)
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and 'id="error-summary"' in html
    assert 'id="register"' in html, "the form's section is gone"
    section = re.search(r'<section [^>]*id="register".*?</section>', html, re.S).group(0)
    problem = text(re.search(r'id="register-problem".*?</div>\s*</div>\s*</div>', section, re.S).group(0))
    assert "This session is full." in problem and "You have not been registered." in problem
    shown = text(re.search(r'<dl [^>]*id="filled-in".*?</dl>', section, re.S).group(0))
    for value in ("Fatima el Amrani", "Fatima@Example.org", "Basisschool De Linde", "Education", "Intern begeleider",
                  "Rolstoeltoegankelijke zaal en een vegetarische lunch", "SKJ", "1234567"):
        assert value in shown
    assert 'id="register-button"' not in html
    assert len(registrations(lead)) == 1


@pytest.mark.parametrize("window, message", [
    ({"registration_opens_at": utcnow() + timedelta(days=3)}, "Registration opens on"),
    ({"registration_closes_at": utcnow() - timedelta(hours=1)}, "Registration for this session has closed."),
])
def test_outside_the_registration_window_there_is_no_form(en, make_training, window, message):
    lead = make_training(**window)
    html = en.get(f"/agenda/{lead.id}").get_data(as_text=True)
    assert message in text(html) and 'id="register-button"' not in html
    response = post_form(en, register_url(lead))
    assert response.status_code == 200
    summary = text(re.search(r'id="error-summary".*?</div>', response.get_data(as_text=True), re.S).group(0))
    assert message in summary
    assert registrations(lead) == []


def test_the_same_address_twice_offers_to_resend_the_confirmation(en, training):
    post_form(en, register_url(training))
    response = post_form(en, register_url(training), name="Fatima opnieuw", email="FATIMA@example.org ")
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and 'id="already-registered"' in html
    assert "This e-mail address is already registered" in text(html)
    # The notice comes first, above the page's heading, and takes the focus; the form is gone.
    notice = re.search(r'<div [^>]*id="already-registered"[^>]*>', html).group(0)
    assert html.index(notice) < html.index("<h1") and "autofocus" in notice and 'tabindex="-1"' in notice
    assert 'id="register-button"' not in html and 'value="Fatima opnieuw"' not in html
    assert f'href="/agenda/{training.id}#register"' in html  # someone else can still register
    assert len(registrations(training)) == 1
    token = re.search(r'name="registration" value="([^"]+)"', html).group(1)
    linked = [links.registration_for_token(t) for t in re.findall(r'/aanmelding/([^"/?#]+)', html)]
    assert registrations(training)[0] not in linked  # no way into the page
    resent = en.post("/aanmelden/bevestiging-opnieuw", data={"registration": token})
    assert resent.status_code == 302 and resent.location.endswith(f"/agenda/{training.id}")
    assert "We have sent your confirmation again to fatima@example.org." in text(
        en.get(resent.location).get_data(as_text=True))
    assert mails_to("fatima@example.org", "registration_confirmed") == 2
    assert len(registrations(training)) == 1


def test_resending_after_the_button_expired_leads_to_the_lost_link_form(en, training, monkeypatch):
    """A phone left on the page for more than an hour got "page not found" for the button."""
    from ontwikkelbijeenkomsten.web.meetings import public_views

    post_form(en, register_url(training))
    html = post_form(en, register_url(training)).get_data(as_text=True)
    token = re.search(r'name="registration" value="([^"]+)"', html).group(1)
    monkeypatch.setattr(public_views, "RESEND_MAX_AGE", -1)
    response = en.post("/aanmelden/bevestiging-opnieuw", data={"registration": token})
    assert response.status_code == 302 and response.location.endswith("/link-kwijt")
    assert "That button works for an hour" in text(en.get(response.location).get_data(as_text=True))
    assert mails_to("fatima@example.org", "registration_confirmed") == 1


def test_resending_after_the_training_was_cancelled_sends_no_confirmation(en, training, coordinator):
    """The button's hour can outlast the training: it then confirmed a place in a cancelled
    training, with an invite."""
    post_form(en, register_url(training))
    html = post_form(en, register_url(training)).get_data(as_text=True)
    token = re.search(r'name="registration" value="([^"]+)"', html).group(1)
    with unit_of_work():
        trainings.cancel_training(training, "De expert is ziek.", coordinator)
    response = en.post("/aanmelden/bevestiging-opnieuw", data={"registration": token})
    assert response.status_code == 302
    assert "This session has been cancelled." in text(en.get(response.location).get_data(as_text=True))
    assert mails_to("fatima@example.org", "registration_confirmed") == 1


@pytest.mark.parametrize("token", ["", "nonsense", "registration"])
def test_resending_with_a_forged_token_is_404(en, training, token):
    with unit_of_work():
        services.register(training, applicant(1))
    if token == "registration":  # a token for another purpose does not work here
        token = links.registration_token(registrations(training)[0])
    assert en.post("/aanmelden/bevestiging-opnieuw", data={"registration": token}).status_code == 404
    assert mails_to("deelnemer1@example.org", "registration_confirmed") == 1


def test_required_fields_long_text_and_forged_choices_give_field_errors(en, training):
    response = post_form(en, register_url(training), name="x" * 10_000, email="geen-adres", organisation="",
                         sector="ministerie", function="", needs="n" * 2001, consent=None)
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and 'id="error-summary"' in html
    assert field_error(html, "name") == "Error: Use at most 200 characters."
    assert field_error(html, "email").startswith("Error: Enter an e-mail address")
    assert field_error(html, "organisation") == "Error: Enter your organisation."
    assert field_error(html, "sector") == "Error: Choose the sector you work in."
    assert field_error(html, "function") == "Error: Enter your function."
    assert field_error(html, "needs") == "Error: Use at most 2000 characters."
    assert field_error(html, "consent") == "Error: Agree to the privacy statement to register."
    assert 'value="geen-adres"' in html
    assert registrations(training) == []


def test_a_name_with_a_control_character_is_refused_in_dutch_and_kept(client, training):
    response = post_form(client, register_url(training), name="Fatima\x01 el Amrani")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert field_error(html, "name").endswith(
        "Typ dit op één regel, zonder regeleinden, tabs of andere onzichtbare tekens.")
    assert 'value="Fatima\x01 el Amrani"' in html
    assert registrations(training) == []


def test_script_in_the_fields_is_shown_as_text(en, training):
    script = "<script>alert(1)</script>"
    bad = post_form(en, register_url(training), name=script, email="nee")
    assert script not in bad.get_data(as_text=True) and "&lt;script&gt;" in bad.get_data(as_text=True)
    saved = post_form(en, register_url(training), name=script, organisation=script)
    page = en.get(saved.location).get_data(as_text=True)
    assert script not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_registering_needs_the_csrf_token(make_app, training):
    page_url, post_url = f"/agenda/{training.id}", register_url(training)
    db.session.commit()  # SQLite: leave the write lock to the other app's requests
    client = make_app(WTF_CSRF_ENABLED=True).test_client()
    assert client.post(post_url, data=FORM).status_code == 400
    token = re.search(r'name="csrf_token" value="([^"]+)"', client.get(page_url).get_data(as_text=True)).group(1)
    assert client.post(post_url, data={**FORM, "csrf_token": token}).status_code == 302
    assert len(registrations(training)) == 1


def test_registering_and_resending_are_rate_limited(make_app, training):
    url = register_url(training)
    db.session.commit()  # SQLite: this test's own open transaction would hold the write lock
    client = make_app(RATELIMIT_ENABLED=True).test_client()
    ip = {"REMOTE_ADDR": "192.0.2.61"}
    codes = [client.post(url, data={}, environ_base=ip).status_code for _ in range(61)]
    assert codes[:60] == [200] * 60 and codes[60] == 429
    other = {"REMOTE_ADDR": "192.0.2.62"}
    codes = [client.post("/aanmelden/bevestiging-opnieuw", data={"registration": "x"}, environ_base=other).status_code
             for _ in range(6)]
    assert codes == [404] * 5 + [429]


# ---- a regional session's private page ---------------------------------------------------------
def test_a_regional_meeting_is_registered_for_through_its_private_link(en, plan):
    meeting = regional_meeting(plan)
    url = "/bijeenkomst/" + links.meeting_token(meeting)
    page = en.get(url)
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and page.headers["X-Robots-Tag"] == "noindex, nofollow"
    assert "Regio-overleg" in html and "Zuid-Limburg" in html and f'action="{url}"' in html
    bad = post_form(en, url, name="")
    assert bad.status_code == 200 and bad.headers["Cache-Control"] == "private, no-store"
    assert field_error(bad.get_data(as_text=True), "name") == "Error: Enter your name."
    response = post_form(en, url)
    assert response.status_code == 302
    assert [r.state for r in registrations(meeting)] == [RegistrationState.CONFIRMED]
    again = post_form(en, url)
    token = re.search(r'name="registration" value="([^"]+)"', again.get_data(as_text=True)).group(1)
    resent = en.post("/aanmelden/bevestiging-opnieuw", data={"registration": token})
    assert links.meeting_for_token(resent.location.rsplit("/", 1)[1]).id == meeting.id  # back to the private page
    assert "We have sent your confirmation again" in text(en.get(resent.location).get_data(as_text=True))


@pytest.mark.parametrize("token", ["x", "eyJhbGciOi.abc.def"])
def test_tampered_meeting_links_are_404(en, plan, token):
    meeting = regional_meeting(plan)
    assert en.get("/bijeenkomst/" + links.meeting_token(meeting) + "x").status_code == 404
    assert en.get("/bijeenkomst/" + token).status_code == 404
    assert post_form(en, "/bijeenkomst/" + token).status_code == 404


# ---- the participant's page and cancelling -----------------------------------------------------
def test_cancelling_through_the_link_gives_the_place_to_the_first_waiting(en, make_training):
    lead = make_training(capacity=1)
    with unit_of_work():
        first, _second, third = (services.register(lead, applicant(n)) for n in range(3))
    token = links.registration_token(first)
    page = en.get(f"/aanmelding/{token}").get_data(as_text=True)
    assert "Deelnemer 0" in page and 'id="cancel-button"' in page
    assert "anyone with the link can see and cancel your registration." in page
    response = en.post(f"/aanmelding/{token}/afmelden", data={"sure": "y"})
    assert response.status_code == 302 and response.location.endswith(f"/aanmelding/{token}")
    assert [r.state for r in registrations(lead)] == [
        RegistrationState.CANCELLED, RegistrationState.CONFIRMED, RegistrationState.WAITING]
    after = text(en.get(response.location).get_data(as_text=True))
    assert "Your place goes to the next person on the waiting list." in after and "Status: Cancelled" in after
    assert "anyone with the link can see your registration." in after and "see and cancel" not in after, (
        "BUG: a cancelled registration's page still warns that the link can cancel it")
    again = en.post(f"/aanmelding/{token}/afmelden", data={"sure": "y"})
    assert again.status_code == 302
    assert "Your registration had already been cancelled." in text(en.get(again.location).get_data(as_text=True))
    assert [r.state for r in registrations(lead)][1:] == [RegistrationState.CONFIRMED, RegistrationState.WAITING]
    # the last one leaves the waiting list
    en.post(f"/aanmelding/{links.registration_token(third)}/afmelden", data={"sure": "y"})
    assert registrations(lead)[2].state is RegistrationState.CANCELLED


def test_cancelling_needs_the_box_ticked(en, training):
    with unit_of_work():
        registration = services.register(training, applicant(1))
    token = links.registration_token(registration)
    response = en.post(f"/aanmelding/{token}/afmelden", data={})
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and response.headers["Cache-Control"] == "private, no-store"
    assert field_error(html, "sure") == "Error: Tick the box to confirm that you want to cancel."
    assert registrations(training)[0].state is RegistrationState.CONFIRMED


def test_after_the_start_cancelling_is_no_longer_possible(en, training):
    with unit_of_work():
        registration = services.register(training, applicant(1))
    token = links.registration_token(registration)
    training.starts_at, training.ends_at = utcnow() - timedelta(hours=1), utcnow() + timedelta(hours=2)
    db.session.commit()
    html = en.get(f"/aanmelding/{token}").get_data(as_text=True)
    assert 'id="cannot-cancel"' in html and 'id="cancel-button"' not in html
    response = en.post(f"/aanmelding/{token}/afmelden", data={"sure": "y"})
    assert "can no longer change" in text(en.get(response.location).get_data(as_text=True))
    assert registrations(training)[0].state is RegistrationState.CONFIRMED


@pytest.mark.parametrize("waiting", [False, True])
def test_a_cancelled_training_says_so_on_the_participants_page_not_that_they_have_a_place(en, make_training,
                                                                                          coordinator, waiting):
    """The registration keeps its state when the training is called off; the page must not go on
    promising a place (or a waiting-list spot), a certificate, or say that the session has begun."""
    lead = make_training(capacity=1, parts=2)
    with unit_of_work():
        first = services.register(lead, applicant(1))
        second = services.register(lead, applicant(2))
    with unit_of_work():
        trainings.cancel_training(lead, "De expert is ziek.", coordinator)
    token = links.registration_token(second if waiting else first)
    html = en.get(f"/aanmelding/{token}").get_data(as_text=True)
    page = text(html)
    assert "Status: Session cancelled" in page and "Reason: De expert is ziek." in page
    assert "This session has been cancelled. It will not take place, so your registration has lapsed" in page and 'id="other-trainings"' in html
    assert "You have a place" not in page and "waiting list" not in page
    assert 'id="cannot-cancel"' not in html and 'id="cancel-button"' not in html
    assert 'id="register-number-title"' not in html and 'id="add-to-calendar"' not in html


def test_a_cancelled_trainings_page_does_not_say_its_expert_follows_later(en, make_training, coordinator):
    """Cancelling releases the experts; the page then said "Expert: Follows later"."""
    lead = make_training()
    with unit_of_work():
        trainings.cancel_training(lead, "Te weinig aanmeldingen.", coordinator)
    page = text(en.get(f"/agenda/{lead.id}").get_data(as_text=True))
    assert "This session has been cancelled." in page and "Follows later" not in page


def test_once_the_session_is_over_the_page_no_longer_promises_a_place_from_the_waiting_list(en, make_training):
    """A waiting person whose session went ahead without them was still told their position and
    "We will let you know by e-mail", and offered the register number for a certificate."""
    lead = make_training(capacity=1)
    with unit_of_work():
        confirmed, waiting = services.register(lead, applicant(1)), services.register(lead, applicant(2))
    lead.starts_at, lead.ends_at = utcnow() - timedelta(hours=4), utcnow() - timedelta(hours=1)
    db.session.commit()
    html = en.get(f"/aanmelding/{links.registration_token(waiting)}").get_data(as_text=True)
    page = text(html)
    assert "The session has begun, and no place came free for you. You do not need to do anything." in page
    assert "on the waiting list" not in page and "We will let you know by e-mail" not in page
    assert 'id="register-number-title"' not in html and 'id="cannot-cancel"' not in html
    page = text(en.get(f"/aanmelding/{links.registration_token(confirmed)}").get_data(as_text=True))
    assert "This session has taken place." in page and "You have a place" not in page


def test_the_participants_page_shows_the_sector_function_and_needs_they_gave(en, training):
    """The sector decides a held place and cannot be changed by the participant, yet no page
    showed it to them; function and needs were only in the change form."""
    with unit_of_work():
        registration = services.register(training, applicant(1, sector=Sector.JEUGDHULP, function="Jeugdconsulent",
                                                            needs="Een rolstoeltoegankelijke zaal"))
    page = text(en.get(f"/aanmelding/{links.registration_token(registration)}").get_data(as_text=True))
    assert "Sector Youth care" in page and "Function Jeugdconsulent" in page
    assert "Accessibility or dietary needs Een rolstoeltoegankelijke zaal" in page


def test_tampered_registration_links_are_404(en, training):
    with unit_of_work():
        registration = services.register(training, applicant(1))
    token = links.registration_token(registration)
    forged = [token[:-2] + ("AA" if not token.endswith("AA") else "BB"), "abc",
              make_token(links.MEETING_PURPOSE, registration.id), make_token(links.REGISTRATION_PURPOSE, 99999)]
    for bad in forged:
        assert en.get(f"/aanmelding/{bad}").status_code == 404
        assert en.post(f"/aanmelding/{bad}/afmelden", data={"sure": "y"}).status_code == 404
        assert en.get(f"/aanmelding/{bad}/evaluatie").status_code == 404
    assert registrations(training)[0].state is RegistrationState.CONFIRMED


def test_the_waiting_list_mail_does_not_give_away_the_online_link(make_training):
    """The page promises the link with a place; the waiting-list mail printed it as the location,
    so someone without a place could join the online session anyway."""
    from ontwikkelbijeenkomsten.mail.services import render_pending

    url = "https://meet.example.org/training-42"
    lead = make_training(capacity=1, online_url=url)
    lead.location = ""
    db.session.commit()
    with unit_of_work():
        services.register(lead, applicant(1))
        waiting = services.register(lead, applicant(2))
    rows = list(db.session.scalars(select(OutboxMail).order_by(OutboxMail.id)))
    render_pending(rows)
    [waiting_mail] = [row for row in rows if row.kind == "registration_waiting"]
    assert url not in waiting_mail.text_body and url not in waiting_mail.html_body
    assert "Locatie: Online" in waiting_mail.text_body
    [confirmed] = [row for row in rows if row.kind == "registration_confirmed"]
    assert url in confirmed.text_body and url in confirmed.html_body
    with unit_of_work():
        services.cancel_registration(registrations(lead)[0])
    rows = list(db.session.scalars(select(OutboxMail).where(OutboxMail.kind == "registration_promoted")))
    render_pending(rows)
    assert [row.recipient for row in rows] == [waiting.email] and url in rows[0].text_body


def test_the_online_link_is_only_on_the_participants_page(en, make_training):
    lead = make_training(online_url="https://meet.example.org/training-42")
    assert "https://meet.example.org/training-42" not in en.get(f"/agenda/{lead.id}").get_data(as_text=True)
    with unit_of_work():
        registration = services.register(lead, applicant(1))
    page = en.get(f"/aanmelding/{links.registration_token(registration)}").get_data(as_text=True)
    assert 'href="https://meet.example.org/training-42"' in page


# ---- the evaluation ----------------------------------------------------------------------------
def attended(lead: Meeting, n: int = 1) -> Registration:
    """A registration marked present at a training that is over."""
    with unit_of_work():
        registration = services.register(lead, applicant(n))
    registration.state = RegistrationState.ATTENDED
    for part in lead.all_parts:
        part.starts_at, part.ends_at = utcnow() - timedelta(hours=4), utcnow() - timedelta(hours=1)
    db.session.commit()
    return registration


def test_only_attendees_can_evaluate(en, training):
    with unit_of_work():
        registration = services.register(training, applicant(1))
    url = f"/aanmelding/{links.registration_token(registration)}/evaluatie"
    html = en.get(url).get_data(as_text=True)
    assert 'id="evaluation-closed"' in html and "<form" not in html.split('id="main"')[1]
    assert en.post(url, data={"score": "4"}).status_code == 200
    assert db.session.scalar(select(func.count()).select_from(Evaluation)) == 0


def present_at_the_first_of_two(make_training, plan):
    """A registration for a training of two dagdelen, present at the first, which is over; and
    the second, still to come."""
    lead = make_training(parts=2)
    with unit_of_work():
        registration = services.register(lead, applicant(1))
    first, last = lead.all_parts
    first.starts_at, first.ends_at = utcnow() - timedelta(hours=4), utcnow() - timedelta(hours=1)
    db.session.commit()
    with unit_of_work():
        services.mark_attendance(first, {registration.id}, plan.coordinator)
    return registration, last


def test_the_evaluation_opens_when_the_last_dagdeel_is_over(en, make_training, plan):
    registration, last = present_at_the_first_of_two(make_training, plan)
    token = links.registration_token(registration)
    url = f"/aanmelding/{token}/evaluatie"
    assert 'id="evaluation-link"' not in en.get(f"/aanmelding/{token}").get_data(as_text=True)
    html = en.get(url).get_data(as_text=True)
    assert 'id="evaluation-not-yet"' in html and "<form" not in html.split('id="main"')[1]
    assert "once the last dagdeel of the session is over" in text(html)
    assert en.post(url, data={"score": "4"}).status_code == 200
    assert db.session.scalar(select(func.count()).select_from(Evaluation)) == 0

    last.starts_at, last.ends_at = utcnow() - timedelta(hours=3), utcnow() - timedelta(minutes=5)
    db.session.commit()
    assert 'id="evaluation-link"' in en.get(f"/aanmelding/{token}").get_data(as_text=True)
    assert en.post(url, data={"score": "4"}).status_code == 302
    assert db.session.scalar(select(func.count()).select_from(Evaluation)) == 1


def test_an_attendee_is_thanked_once_the_last_dagdeel_is_over(en, make_training, plan):
    registration, last = present_at_the_first_of_two(make_training, plan)
    url = f"/aanmelding/{links.registration_token(registration)}"
    page = text(en.get(url).get_data(as_text=True))
    assert "More dagdelen of this session are still to come; you keep your place for them." in page
    assert "Thank you for taking part" not in page

    last.starts_at, last.ends_at = utcnow() - timedelta(hours=3), utcnow() - timedelta(minutes=5)
    db.session.commit()
    page = text(en.get(url).get_data(as_text=True))
    assert "You attended this session. Thank you for taking part." in page and "still to come" not in page


def test_the_evaluation_checks_its_answers_and_is_given_once(en, training):
    registration = attended(training)
    url = f"/aanmelding/{links.registration_token(registration)}/evaluatie"
    page = en.get(url)
    assert page.status_code == 200 and page.headers["Cache-Control"] == "private, no-store"
    assert "<legend" in page.get_data(as_text=True)
    for data, message in [({}, "Error: Choose a score from 1 to 5."), ({"score": "9"}, "Error: Choose a score from 1 to 5."),
                          ({"score": "4", "went_well": "g" * 4001}, None)]:
        html = en.post(url, data=data).get_data(as_text=True)
        assert 'id="error-summary"' in html
        if message:
            assert field_error(html, "score") == message
        else:
            assert field_error(html, "went_well") == "Error: Use at most 4000 characters."
            assert 'id="score-3" name="score" value="4"\n          checked' in html or 'value="4" checked' in html
    assert db.session.scalar(select(func.count()).select_from(Evaluation)) == 0
    response = en.post(url, data={"score": "4", "went_well": "<b>Samen</b> oefenen", "to_improve": "Meer tijd"})
    assert response.status_code == 302
    saved = db.session.scalars(select(Evaluation)).one()
    assert (saved.score, saved.went_well, saved.to_improve) == (4, "<b>Samen</b> oefenen", "Meer tijd")
    thanks = text(en.get(url).get_data(as_text=True))
    assert "Thank you for your evaluation!" in thanks and "You have filled in the evaluation" in thanks
    second = en.post(url, data={"score": "1"})
    assert second.status_code == 200 and 'id="evaluation-done"' in second.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(Evaluation)) == 1
