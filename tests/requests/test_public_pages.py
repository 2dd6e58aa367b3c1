"""The region contact's pages: the request form, the confirmation, the status page and withdrawing.

Bad input of every kind gives field errors (or a 404 for a bad link), never a 500, and saves
nothing: no request, no audit event, no mail, no quota ledger.
"""
from __future__ import annotations

import re
from datetime import timedelta
from html import unescape

import pytest
from sqlalchemy import delete, func, select

from ontwikkelbijeenkomsten.core import audit
from ontwikkelbijeenkomsten.core.extensions import db
from ontwikkelbijeenkomsten.core.models import AuditEvent
from ontwikkelbijeenkomsten.core.time import Dagdeel, today_local
from ontwikkelbijeenkomsten.core.tokens import make_token
from ontwikkelbijeenkomsten.mail.models import OutboxMail
from ontwikkelbijeenkomsten.meetings.models import Meeting, MeetingKind, MeetingState
from ontwikkelbijeenkomsten.regions import quota
from ontwikkelbijeenkomsten.regions.models import QuotaLedger, Region
from ontwikkelbijeenkomsten.requests import services
from ontwikkelbijeenkomsten.requests.models import Request, RequestState
from tests.factories import future_day, submission

from ..queries import count_queries

TEXT_FIELDS = (
    "organisation_name", "participating_organisations", "contact_name", "contact_function",
    "goal", "location",
)


def form_data(world, **overrides) -> dict:
    """A complete, valid form post for `world` (see conftest); overrides replace or add keys."""
    data = {
        "region_id": str(world.region.id),
        "organisation_name": "SWV Zuid-Limburg",
        "organisation_type": "swv_vo",
        "participating_organisations": "Gemeente Maastricht\nWijkteam Noord",
        "contact_name": "Ilse Claessens",
        "contact_email": "ilse@example.org",
        "contact_phone": "06 12345678",
        "contact_function": "Beleidsadviseur",
        "theme_ids": [str(world.themes[0].id)],
        "dagdelen_wanted": "2",
        "moments-0-date": future_day(14).isoformat(),
        "moments-0-dagdeel": "ochtend",
        "moments-1-date": future_day(21).isoformat(),
        "moments-1-dagdeel": "middag",
        "expected_participants": "25",
        "sectors": ["onderwijs", "jeugdhulp"],
        "goal": "Samen signaleren en arrangeren.",
        "location_kind": "address",
        "location": "Stadhuis Maastricht",
        "consent": "y",
        "website": "",
    }
    for row in range(2, 6):
        data.setdefault(f"moments-{row}-date", "")
        data.setdefault(f"moments-{row}-dagdeel", "")
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def assert_nothing_saved() -> None:
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(Request)) == 0
    assert db.session.scalar(select(func.count()).select_from(OutboxMail)) == 0
    assert db.session.scalar(select(func.count()).select_from(AuditEvent)) == 0
    assert db.session.scalar(select(func.count()).select_from(QuotaLedger)) == 0


def field_error(html: str, field_id: str) -> str:
    """The text of the error message shown at a field ('' when there is none)."""
    found = re.search(rf'id="{re.escape(field_id)}-error"[^>]*>(.*?)</p>', html, re.S)
    return unescape(re.sub(r"<[^>]+>", "", found.group(1))).strip() if found else ""


def summary_links(html: str) -> list[str]:
    box = re.search(r'<div class="ob-error-summary".*?</ul>', html, re.S)
    return re.findall(r'href="#([^"]+)"', box.group(0)) if box else []


def token_from(location: str) -> str:
    return location.rstrip("/").rsplit("/", 1)[-1]


# --------------------------------------------------------------------------------------------
# The form
# --------------------------------------------------------------------------------------------
def test_the_empty_form_lists_the_regions_with_what_they_have_left(client, world):
    other = Region(code="TT01", name="Groningen")
    db.session.add(other)
    db.session.add(QuotaLedger(region_id=world.region.id, period_id=world.period.id, quota=4, granted=1))
    db.session.add(Region(code="TT99", name="Opgeheven regio", active=False))
    db.session.commit()

    response = client.get("/aanvragen")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Zuid-Limburg (nog 3 van 4)" in html
    assert "Groningen (nog 4 van 4)" in html  # no ledger yet: the period's default quota
    assert "Opgeheven regio" not in html
    assert html.index("Groningen (nog") < html.index("Zuid-Limburg (nog")  # sorted by name
    assert 'id="moments"' in html and "Voorkeursmoment 6" in html and 'name="moments-5-date"' in html
    assert 'type="date"' in html
    assert 'href="/privacy"' in html
    assert re.search(r'src="/static/dist/js/request-form\.[0-9a-f]+\.js"', html)  # by its content hash
    # The honeypot: hidden from people and from assistive technology, out of the tab order.
    honeypot = re.search(r'<div class="ob-visually-hidden" aria-hidden="true">.*?</div>', html, re.S).group(0)
    assert 'name="website"' in honeypot and 'tabindex="-1"' in honeypot and 'autocomplete="off"' in honeypot
    assert "ob-error-summary" not in html
    # Showing the form writes nothing (no quota ledger is created for the regions).
    assert db.session.scalar(select(func.count()).select_from(QuotaLedger)) == 1


def test_the_region_and_the_themes_are_not_marked_optional(client, world):
    """The form says every question without "(niet verplicht)" must be answered; these two must."""
    html = client.get("/aanvragen").get_data(as_text=True)
    region_label = re.search(r'<label class="utrecht-form-label" for="region_id">(.*?)</label>', html, re.S).group(1)
    assert "niet verplicht" not in region_label
    assert 'aria-required="true"' in re.search(r'<select[^>]*id="region_id"[^>]*>', html).group(0)
    themes = re.search(r'<fieldset[^>]*id="theme_ids".*?</legend>', html, re.S).group(0)
    assert "niet verplicht" not in themes
    assert "niet verplicht" in re.search(r'<fieldset[^>]*id="sectors".*?</legend>', html, re.S).group(0)


def test_the_period_is_optional_as_a_whole_and_says_that_it_needs_all_three_fields(client, world):
    html = client.get("/aanvragen").get_data(as_text=True)
    period = re.search(r'<fieldset[^>]*>\s*<legend[^>]*>Of een periode.*?</fieldset>\s*</fieldset>', html, re.S).group(0)
    assert "niet verplicht" in re.search(r"<legend[^>]*>(.*?)</legend>", period, re.S).group(1)
    assert 'aria-describedby="period-hint"' in period.split(">", 1)[0]
    assert re.search(r'id="period-hint">[^<]*alle drie nodig', period)
    assert period.count("niet verplicht") == 1  # not on Van, Tot en met and the dagdelen one by one
    assert "aria-required" not in period
    assert re.search(r'<input[^>]*id="period_start"', period) and 'id="period_dagdelen"' in period


def test_the_counts_for_all_regions_take_one_query(app, world):
    db.session.add_all(Region(code=f"TT{n:02d}", name=f"Regio {n}") for n in range(30, 72))
    db.session.commit()
    period = world.period
    assert period.default_quota == 4  # loaded before counting
    with count_queries() as statements:
        counts = quota.statuses(period)
    assert len(counts) == 43
    assert len(statements) == 1


def test_a_chosen_region_shows_what_it_has_left(client, world):
    db.session.add(QuotaLedger(region_id=world.region.id, period_id=world.period.id, quota=4, granted=1))
    db.session.commit()
    html = client.post("/aanvragen", data={"region_id": str(world.region.id)}).get_data(as_text=True)
    assert "Uw regio heeft in deze periode nog 3 van de 4 dagdelen" in html
    html = client.get(f"/aanvragen?regio={world.region.id}").get_data(as_text=True)
    assert "Uw regio heeft in deze periode nog 3 van de 4 dagdelen" in html
    assert re.search(rf'<option selected value="{world.region.id}">', html)


def test_a_request_of_the_region_that_waits_for_a_decision_is_mentioned(client, world):
    """A colleague in the region asked already: the form says so, or two people each ask for
    all four dagdelen and one of them is rejected for a quota the form said was free."""
    from ontwikkelbijeenkomsten.requests import services
    services.submit(submission(world, dagdelen_wanted=3))
    db.session.commit()
    html = client.get(f"/aanvragen?regio={world.region.id}").get_data(as_text=True)
    expected = ("Uw regio heeft in deze periode nog 4 van de 4 dagdelen over. "
                "Daarnaast wachten nog 3 aangevraagde dagdelen van uw regio op een besluit.")
    assert expected in " ".join(html.split()), "BUG: the form says all 4 are free while 3 are asked for"
    assert client.get(f"/aanvragen/resterend?region_id={world.region.id}").get_json()["text"] == expected


def test_a_period_that_ends_soon_says_so_before_the_form_is_filled_in(client, world):
    from datetime import timedelta

    from ontwikkelbijeenkomsten.core.time import today_local
    today = today_local()
    for days, expected in ((60, None), (10, "Deze programmaperiode eindigt op"),
                           (0, "Deze programmaperiode eindigt vandaag.")):
        world.period.ends_on = today + timedelta(days=days)
        db.session.commit()
        html = " ".join(client.get("/aanvragen").get_data(as_text=True).split())
        if expected is None:
            assert 'id="period-ends-soon"' not in html
        else:
            assert 'id="period-ends-soon"' in html and expected in html, (
                f"BUG: {days} days before the period ends, nothing warns that the moments must come before it")
            assert html.index('id="period-ends-soon"') < html.index("ob-request-form")


def test_the_remaining_endpoint(client, world):
    db.session.add(QuotaLedger(region_id=world.region.id, period_id=world.period.id, quota=4, granted=1))
    inactive = Region(code="TT99", name="Opgeheven regio", active=False)
    db.session.add(inactive)
    db.session.commit()
    response = client.get(f"/aanvragen/resterend?region_id={world.region.id}")
    assert response.status_code == 200
    answer = response.get_json()
    assert (answer["remaining"], answer["quota"]) == (3, 4)
    assert answer["text"].startswith("Uw regio heeft in deze periode nog 3 van de 4 dagdelen")
    for bad in ("9999", "abc", "", "-1", "1e3", str(inactive.id)):
        assert client.get(f"/aanvragen/resterend?region_id={bad}").status_code == 404
    assert client.get("/aanvragen/resterend").status_code == 404


def test_a_valid_request_is_saved_with_its_mails_and_shows_the_confirmation(client, world):
    response = client.post("/aanvragen", data=form_data(world))
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/aanvragen/verzonden/")

    saved = db.session.scalars(select(Request)).one()
    assert saved.state is RequestState.SUBMITTED
    assert saved.region_id == world.region.id and saved.dagdelen_wanted == 2
    assert [(m.date, m.dagdeel) for m in saved.preferred_moments] == [
        (future_day(14), Dagdeel.OCHTEND), (future_day(21), Dagdeel.MIDDAG),
    ]
    assert saved.sectors == ["onderwijs", "jeugdhulp"] and saved.expected_participants == 25
    assert saved.participating_organisations == "Gemeente Maastricht\nWijkteam Noord"
    assert saved.locale == "nl"
    mails = db.session.scalars(select(OutboxMail).order_by(OutboxMail.id)).all()
    assert [m.recipient for m in mails] == ["ilse@example.org", "coordinator@example.org"]

    page = client.get(response.headers["Location"])
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "ilse@example.org" in html
    token = token_from(response.headers["Location"])
    assert f'href="/aanvraag/{token}"' in html
    assert f"http://localhost/aanvraag/{token}" in html
    assert page.headers["Cache-Control"] == "private, no-store"


def test_a_period_instead_of_moments(client, world):
    data = form_data(world, **{
        "moments-0-date": "", "moments-0-dagdeel": "", "moments-1-date": "", "moments-1-dagdeel": "",
        "period_start": future_day(7).isoformat(), "period_end": future_day(30).isoformat(),
        "period_dagdelen": ["ochtend", "avond"],
    })
    assert client.post("/aanvragen", data=data).status_code == 302
    saved = db.session.scalars(select(Request)).one()
    assert saved.preferred_moments == []
    assert (saved.preferred_period_start, saved.preferred_period_end) == (future_day(7), future_day(30))
    assert saved.preferred_dagdelen == ["ochtend", "avond"]


def test_a_date_typed_the_dutch_way_is_understood(client, world):
    day = future_day(14)
    data = form_data(world, **{"moments-0-date": day.strftime("%d-%m-%Y"), "moments-1-date": "", "moments-1-dagdeel": ""})
    assert client.post("/aanvragen", data=data).status_code == 302
    assert db.session.scalars(select(Request)).one().preferred_moments[0].date == day


def test_spaces_around_a_number_are_fine(client, world):
    assert client.post("/aanvragen", data=form_data(world, expected_participants=" 30 ")).status_code == 302
    assert db.session.scalars(select(Request)).one().expected_participants == 30


def test_an_online_meeting_needs_no_address(client, world):
    assert client.post("/aanvragen", data=form_data(world, location_kind="online", location="")).status_code == 302
    assert db.session.scalars(select(Request)).one().location == ""


# --------------------------------------------------------------------------------------------
# Bad input: field errors, what was typed stays, nothing is saved
# --------------------------------------------------------------------------------------------
def test_an_empty_form_names_every_missing_answer(client, world):
    response = client.post("/aanvragen", data={})
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    expected = {
        "region_id": "Kies uw regio",
        "organisation_name": "naam van uw organisatie",
        "organisation_type": "soort organisatie",
        "contact_name": "uw naam",
        "contact_email": "e-mailadres",
        "contact_phone": "telefoonnummer",
        "theme_ids": "thema",
        "dagdelen_wanted": "dagdelen",
        "moments": "voorkeursmoment",
        "expected_participants": "deelnemers",
        "goal": "doel",
        "location_kind": "locatie",
        "consent": "privacyverklaring",
    }
    for field_id, words in expected.items():
        assert words.lower() in field_error(html, field_id).lower(), field_id
    links = summary_links(html)
    for target in ("region_id", "organisation_type-0", "theme_ids-0", "dagdelen_wanted-0", "moments", "consent"):
        assert target in links
    assert 'id="error-summary"' in html and "<title>Fout:" in html
    assert_nothing_saved()


def test_an_empty_post_body_is_an_ordinary_error_page_not_a_crash(client, world):
    response = client.post("/aanvragen", data="", content_type="application/x-www-form-urlencoded")
    assert response.status_code == 200
    assert_nothing_saved()


def test_ten_thousand_characters_in_every_text_field(client, world):
    long = "a" * 10_000
    data = form_data(world, **{name: long for name in TEXT_FIELDS}, contact_email=long + "@example.org",
                     contact_phone="0" * 10_000)
    response = client.post("/aanvragen", data=data)
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    for name in (*TEXT_FIELDS, "contact_email", "contact_phone"):
        assert field_error(html, name), f"no error at {name}"
    assert long in html  # what was typed is kept
    assert_nothing_saved()


def test_script_in_every_text_field_is_shown_as_text(client, world):
    script = '<script>alert("x")</script>'
    data = form_data(world, **{name: script for name in TEXT_FIELDS}, contact_email=script,
                     contact_phone=script, region_id="")
    html = client.post("/aanvragen", data=data).get_data(as_text=True)
    assert "<script>alert" not in html
    assert "&lt;script&gt;alert(" in html
    assert field_error(html, "contact_email") and field_error(html, "contact_phone")
    assert_nothing_saved()


def test_control_characters_are_dropped_from_text_of_several_lines(client, world):
    data = form_data(world, participating_organisations="Stad\x00huis\x1b Maastricht", goal="Regel 1\r\nRegel 2\x00")
    response = client.post("/aanvragen", data=data)
    assert response.status_code == 302
    saved = db.session.scalars(select(Request)).one()
    assert saved.participating_organisations == "Stadhuis Maastricht"
    assert saved.goal == "Regel 1\nRegel 2"


ONE_LINE_FIELDS = ("organisation_name", "contact_name", "contact_email", "contact_phone", "contact_function", "location")


def test_a_control_character_in_a_one_line_field_is_refused_in_dutch_and_kept(client, world):
    """A name or address ends up in mail headers and subjects: it is one line, or it is refused."""
    typed = {name: value.replace(" ", "\x01 ", 1) if " " in value else value + "\x01"
             for name, value in form_data(world).items() if name in ONE_LINE_FIELDS}
    response = client.post("/aanvragen", data=form_data(world, **typed))
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    for name in ONE_LINE_FIELDS:
        assert "Typ dit op één regel, zonder regeleinden, tabs of andere onzichtbare tekens." in field_error(
            html, name), name
    assert 'value="Ilse\x01 Claessens"' in html
    assert_nothing_saved()


def test_script_in_a_saved_request_is_escaped_on_the_status_page(client, world):
    script = "<script>alert(1)</script>"
    data = form_data(world, **{name: script for name in TEXT_FIELDS})
    response = client.post("/aanvragen", data=data)
    assert response.status_code == 302
    token = token_from(response.headers["Location"])
    for path in (response.headers["Location"], f"/aanvraag/{token}", f"/aanvraag/{token}/intrekken"):
        html = client.get(path).get_data(as_text=True)
        assert "<script>alert" not in html, path


@pytest.mark.backends("sqlite")  # form validation: the same on every database
@pytest.mark.parametrize("overrides, field_id, words", [
    ({"contact_email": "ilse@"}, "contact_email", "e-mailadres"),
    ({"contact_email": "ilse example.org"}, "contact_email", "e-mailadres"),
    ({"contact_phone": "bel me"}, "contact_phone", "telefoonnummer"),
    ({"contact_phone": "123"}, "contact_phone", "telefoonnummer"),
    ({"moments-0-date": (today_local() - timedelta(days=1)).isoformat()}, "moments-0-date", "na vandaag"),
    ({"moments-0-date": today_local().isoformat()}, "moments-0-date", "na vandaag"),
    ({"moments-0-date": (today_local() + timedelta(days=800)).isoformat()}, "moments-0-date", "programmaperiode"),
    ({"moments-0-date": "31-02-2027"}, "moments-0-date", "datum"),
    ({"moments-0-date": "morgen"}, "moments-0-date", "datum"),
    ({"moments-0-dagdeel": ""}, "moments-0-dagdeel", "dagdeel"),
    ({"moments-0-dagdeel": "nacht"}, "moments-0-dagdeel", "dagdeel"),
    ({"moments-0-date": ""}, "moments-0-date", "datum"),
    ({"moments-1-date": future_day(14).isoformat(), "moments-1-dagdeel": "ochtend"}, "moments-1-date", "al gekozen"),
    ({"dagdelen_wanted": "5"}, "dagdelen_wanted", "1"),
    ({"dagdelen_wanted": "0"}, "dagdelen_wanted", "1"),
    ({"dagdelen_wanted": "twee"}, "dagdelen_wanted", "1"),
    ({"region_id": "99999"}, "region_id", "regio"),
    ({"region_id": "abc"}, "region_id", "regio"),
    ({"region_id": "-1"}, "region_id", "regio"),
    ({"theme_ids": ["99999"]}, "theme_ids", "thema"),
    ({"theme_ids": ["abc"]}, "theme_ids", "thema"),
    ({"theme_ids": []}, "theme_ids", "thema"),
    ({"organisation_type": "ministerie"}, "organisation_type", "kies"),
    ({"location_kind": "maan"}, "location_kind", "kies"),
    ({"location": ""}, "location", "adres"),
    ({"sectors": ["politie"]}, "sectors", "lijst"),
    ({"expected_participants": "veel"}, "expected_participants", "getal"),
    ({"expected_participants": ""}, "expected_participants", "hoeveel deelnemers"),
    ({"expected_participants": "501"}, "expected_participants", "500"),
    ({"expected_participants": "-3"}, "expected_participants", "getal"),
    ({"consent": None}, "consent", "privacyverklaring"),
    ({"period_start": future_day(7).isoformat()}, "period_end", "laatste dag"),
    ({"period_start": future_day(9).isoformat(), "period_end": future_day(8).isoformat(),
      "period_dagdelen": ["ochtend"]}, "period_end", "na de eerste dag"),
    ({"period_start": future_day(7).isoformat(), "period_end": future_day(9).isoformat()}, "period_dagdelen", "dagdelen"),
    ({"period_start": future_day(7).isoformat(), "period_end": future_day(9).isoformat(),
      "period_dagdelen": ["nacht"]}, "period_dagdelen", "lijst"),
])
def test_bad_input_gives_a_field_error_and_saves_nothing(client, world, overrides, field_id, words):
    data = form_data(world, **overrides)
    if "theme_ids" in overrides and not overrides["theme_ids"]:
        data.pop("theme_ids")
    response = client.post("/aanvragen", data=data)
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    message = field_error(html, field_id)
    assert words.lower() in message.lower(), f"{field_id}: {message!r}"
    assert field_id in summary_links(html) or f"{field_id}-0" in summary_links(html)
    # What the person typed is still there.
    assert 'value="Ilse Claessens"' in html and "Samen signaleren en arrangeren." in html
    assert_nothing_saved()


def test_more_dagdelen_than_the_region_has_left(client, world):
    db.session.add(QuotaLedger(region_id=world.region.id, period_id=world.period.id, quota=4, granted=3))
    db.session.commit()
    html = client.post("/aanvragen", data=form_data(world, dagdelen_wanted="2")).get_data(as_text=True)
    assert "nog 1 dagdelen" in field_error(html, "dagdelen_wanted") or "1" in field_error(html, "dagdelen_wanted")
    assert "Uw regio heeft in deze periode nog 1 van de 4 dagdelen" in html
    assert db.session.scalar(select(func.count()).select_from(Request)) == 0
    assert db.session.scalar(select(func.count()).select_from(OutboxMail)) == 0
    assert db.session.scalars(select(QuotaLedger)).one().granted == 3


def test_one_dagdeel_left_is_said_in_the_singular(client, world):
    db.session.add(QuotaLedger(region_id=world.region.id, period_id=world.period.id, quota=4, granted=3))
    db.session.commit()
    html = client.post("/aanvragen", data=form_data(world, dagdelen_wanted="2")).get_data(as_text=True)
    assert "Uw regio heeft in deze periode nog 1 dagdeel over. Vraag er maximaal 1 aan." in field_error(
        html, "dagdelen_wanted"), "BUG: 'nog 1 dagdelen over'"


def test_a_region_with_nothing_left_is_told_where_to_get_more(client, world):
    db.session.add(QuotaLedger(region_id=world.region.id, period_id=world.period.id, quota=4, granted=4))
    db.session.commit()
    html = client.post("/aanvragen", data=form_data(world, dagdelen_wanted="1")).get_data(as_text=True)
    message = field_error(html, "dagdelen_wanted")
    assert "Uw regio heeft in deze periode geen dagdelen meer over." in message
    assert "Vraag het de coördinatoren: zij kunnen het quotum van uw regio verhogen." in message, "BUG: a dead end"


def test_a_rule_the_service_finds_is_shown_at_its_field(client, world, monkeypatch):
    def refuse(submission, today=None):
        db.session.add(QuotaLedger(region_id=world.region.id, period_id=world.period.id, quota=4, granted=0))
        db.session.flush()
        raise services.RuleViolation("moments", "Dit moment kan niet.")

    monkeypatch.setattr(services, "submit", refuse)
    response = client.post("/aanvragen", data=form_data(world))
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert field_error(html, "moments") == "Fout: Dit moment kan niet."
    assert summary_links(html) == ["moments"]
    assert_nothing_saved()  # the half-done work of the service was rolled back


def test_the_honeypot_pretends_success_and_saves_nothing(client, world):
    response = client.post("/aanvragen", data=form_data(world, website="http://spam.example"))
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Uw aanvraag is verstuurd" in html
    assert_nothing_saved()


def test_a_too_large_body_is_refused_before_any_form_is_read(make_app, world):
    client = make_app(WTF_CSRF_ENABLED=True).test_client()
    response = client.post("/aanvragen", data=form_data(world, goal="a" * 300_000))
    assert response.status_code == 413
    assert "Te veel tekst verstuurd" in response.get_data(as_text=True)
    assert_nothing_saved()


def test_the_same_form_sent_twice_saves_one_request(client, world):
    data = form_data(world, submission_key="0b7a9a8e-4a57-4b59-9a84-2f1f2b8c9d10")
    first, second = client.post("/aanvragen", data=data), client.post("/aanvragen", data=data)
    assert first.status_code == second.status_code == 302
    assert db.session.scalar(select(func.count()).select_from(Request)) == 1
    assert db.session.scalar(select(func.count()).select_from(OutboxMail)) == 2  # receipt + coordinator


def test_receipts_to_one_address_are_limited(make_app, world):
    client = make_app(RATELIMIT_ENABLED=True).test_client()
    data = form_data(world)
    db.session.commit()  # SQLite: this test's own open transaction would hold the write lock
    codes = [client.post("/aanvragen", data={**data, "submission_key": ""}).status_code for _ in range(4)]
    assert codes == [302, 302, 302, 429]


def test_posts_are_limited_per_address(make_app, world):
    """Correcting mistakes is not punished (60 posts an hour). Saved requests count per contact
    address (3 a day), not per IP address: colleagues behind one school network all get through."""
    client = make_app(RATELIMIT_ENABLED=True).test_client()
    ip = {"REMOTE_ADDR": "192.0.2.7"}
    codes = [client.post("/aanvragen", data={}, environ_base=ip).status_code for _ in range(61)]
    assert codes[:60] == [200] * 60 and codes[60] == 429
    assert client.get("/aanvragen", environ_base=ip).status_code == 200

    school, data = {"REMOTE_ADDR": "192.0.2.8"}, form_data(world)
    db.session.commit()  # SQLite: this test's own open transaction would hold the write lock
    saved = [
        client.post("/aanvragen", data={**data, "contact_email": f"c{i}@example.org"}, environ_base=school).status_code
        for i in range(12)
    ]
    assert saved == [302] * 12


def test_over_the_limit_the_form_comes_back_with_what_was_typed_the_real_wait_and_a_contact(make_app, world):
    client = make_app(RATELIMIT_ENABLED=True, CONTACT_EMAIL="programma@example.org").test_client()
    data = form_data(world)
    db.session.commit()  # SQLite: this test's own open transaction would hold the write lock
    for _ in range(3):
        assert client.post("/aanvragen", data={**data, "submission_key": ""}).status_code == 302
    typed = {**data, "submission_key": "", "goal": "Tien minuten werk: samen signaleren.", "contact_name": "Ilse C."}
    response = client.post("/aanvragen", data=typed)
    html = response.get_data(as_text=True)
    assert response.status_code == 429
    notice = re.search(r'<div [^>]*id="rate-limited".*?</div>', html, re.S).group(0)
    assert "autofocus" in notice and html.index(notice) < html.index('class="ob-request-form"')
    # 3 a day: the wait is the rest of the day's window, not "a few minutes"
    said = " ".join(unescape(re.sub(r"<[^>]+>", " ", notice)).split())
    assert re.search(r"Probeer het opnieuw over 24 uur, op \w+dag \d+ \w+ \d{4} om \d\d:\d\d\.", said), said
    assert 'href="mailto:programma@example.org"' in notice
    assert "Tien minuten werk: samen signaleren." in html and 'value="Ilse C."' in html
    assert re.search(rf'<option selected value="{world.region.id}">', html)
    assert 23 * 3600 <= int(response.headers["Retry-After"]) <= 24 * 3600 + 1


def test_a_post_without_a_csrf_token_is_refused(make_app, world):
    protected = make_app(WTF_CSRF_ENABLED=True)
    with protected.app_context():
        response = protected.test_client().post("/aanvragen", data=form_data(world))
    assert response.status_code == 400
    assert_nothing_saved()


def test_without_an_open_period_there_is_no_form(client, world):
    world.period.ends_on = today_local() - timedelta(days=1)
    world.period.starts_on = today_local() - timedelta(days=30)
    db.session.commit()
    html = client.get("/aanvragen").get_data(as_text=True)
    assert "geen open programmaperiode" in html and 'name="region_id"' not in html
    assert client.post("/aanvragen", data=form_data(world)).status_code == 200
    assert client.get(f"/aanvragen/resterend?region_id={world.region.id}").status_code == 404
    assert_nothing_saved()



def test_without_an_active_region_the_form_says_so_and_whom_to_ask(app, client, world, monkeypatch):
    """Before the coordinators have set up the regions, the form showed an empty region list
    and no word of why."""
    monkeypatch.setitem(app.config, "CONTACT_EMAIL", "programma@example.org")
    world.region.active = False
    db.session.commit()
    html = client.get("/aanvragen").get_data(as_text=True)
    assert "Nog geen regio kan dagdelen aanvragen" in html and 'name="region_id"' not in html
    assert "Wil uw regio een aanvraag doen? Stuur een e-mail naar" in html
    assert 'href="mailto:programma@example.org"' in html
    assert client.post("/aanvragen", data=form_data(world)).status_code == 200
    assert_nothing_saved()

def test_the_form_in_english(client, world):
    client.post("/taal", data={"locale": "en", "next": "/aanvragen"})
    html = client.get("/aanvragen").get_data(as_text=True)
    assert "Zuid-Limburg (4 of 4 left)" in html and 'lang="en"' in html
    assert client.post("/aanvragen", data=form_data(world)).status_code == 302
    assert db.session.scalars(select(Request)).one().locale == "en"


# --------------------------------------------------------------------------------------------
# Links: tampered, unknown, other purpose
# --------------------------------------------------------------------------------------------
def test_bad_links_are_a_404(client, world):
    saved = services.submit(submission(world))
    good = services.status_token(saved)
    bad = [
        good[:-2] + ("AA" if not good.endswith("AA") else "BB"),
        "x" + good,
        make_token(services.STATUS_PURPOSE, 99999),
        make_token(services.STATUS_PURPOSE, "1"),
        make_token("participant-cancel", saved.id),
        "abc",
    ]
    for token in bad:
        for path in (f"/aanvraag/{token}", f"/aanvraag/{token}/intrekken", f"/aanvragen/verzonden/{token}"):
            assert client.get(path).status_code == 404, path
        assert client.post(f"/aanvraag/{token}/intrekken").status_code == 404
    db.session.expire_all()
    assert db.session.get(Request, saved.id).state is RequestState.SUBMITTED


def test_the_status_link_works_until_the_request_is_removed(client, world):
    saved = services.submit(submission(world))
    db.session.commit()
    token = services.status_token(saved)
    paths = (f"/aanvraag/{token}", f"/aanvraag/{token}/intrekken", f"/aanvragen/verzonden/{token}")
    assert [client.get(path).status_code for path in paths] == [200, 200, 200]
    db.session.execute(delete(Request).where(Request.id == saved.id))  # as the retention rules will
    db.session.commit()
    db.session.expire_all()
    assert [client.get(path).status_code for path in paths] == [404, 404, 404]
    assert client.post(f"/aanvraag/{token}/intrekken").status_code == 404


# --------------------------------------------------------------------------------------------
# The status page
# --------------------------------------------------------------------------------------------
def _status(client, request) -> str:
    response = client.get(f"/aanvraag/{services.status_token(request)}")
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "private, no-store"
    return response.get_data(as_text=True)


def test_the_status_page_explains_a_new_request(client, world):
    saved = services.submit(submission(world))
    html = _status(client, saved)
    assert "Status: Ingediend" in html
    assert "binnen twee weken" in html
    assert "SWV Zuid-Limburg" in html and "Stadhuis Maastricht" in html
    assert "U hebt de aanvraag verstuurd." in html
    assert "/intrekken" in html
    assert "<dl" in html and "Voorkeursmomenten" in html


def test_the_status_page_shows_a_partial_grant_with_its_explanation_but_no_internal_note(client, world):
    saved = services.submit(submission(world, dagdelen_wanted=3))
    services.take_into_review(saved, world.coordinator)
    services.add_note(saved, "Intern: bellen met de wethouder", world.coordinator)
    services.grant(saved, 2, world.coordinator, "Twee dagdelen passen beter bij de vraag.")
    html = _status(client, saved)
    assert "Status: Toegekend" in html
    assert "2 dagdelen" in html
    assert "Twee dagdelen passen beter bij de vraag." in html
    assert "Intern: bellen met de wethouder" not in html
    assert "coordinator@example.org" not in html
    assert html.count("<time datetime=") == 3  # submitted, review, granted


def test_the_status_page_shows_a_rejection_with_its_reason(client, world):
    saved = services.submit(submission(world))
    services.reject(saved, "Deze vraag past niet bij de werkagenda.", world.coordinator)
    html = _status(client, saved)
    assert "Status: Afgewezen" in html and "Deze vraag past niet bij de werkagenda." in html
    assert "/intrekken" not in html


def _add_meeting(request, day, dagdeel=Dagdeel.OCHTEND, **fields) -> Meeting:
    starts_at, ends_at = dagdeel.bounds(day)
    meeting = Meeting(
        kind=MeetingKind.REGIONAL, request=request, region=request.region, title=fields.pop("title", "Werkconferentie"),
        date=day, dagdeel=dagdeel, starts_at=starts_at, ends_at=ends_at, location=fields.pop("location", "Stadhuis"),
        capacity=30, **fields,
    )
    db.session.add(meeting)
    return meeting


def test_the_status_page_lists_the_scheduled_meetings(client, world):
    saved = services.submit(submission(world))
    services.grant(saved, 2, world.coordinator)
    saved.state = RequestState.SCHEDULED
    day = future_day(14)
    planned = _add_meeting(saved, day, Dagdeel.MIDDAG, title="Samen signaleren", location="Stadhuis Maastricht, zaal 3")
    _add_meeting(saved, future_day(21), title="Vervolgsessie", state=MeetingState.CANCELLED)
    db.session.commit()
    html = _status(client, saved)
    assert "Status: Ingepland" in html
    assert "Samen signaleren" in html and "Stadhuis Maastricht, zaal 3" in html
    assert "13:00" in html and "16:30" in html
    weekday = ["maandag", "dinsdag", "woensdag", "donderdag", "vrijdag", "zaterdag", "zondag"][day.weekday()]
    assert f"{weekday} {day.day} " in html
    assert "Vervolgsessie (Geannuleerd)" in html
    assert html.count("/bijeenkomst/") == 1 and f'id="share-{planned.id}"' in html  # none for the cancelled one


@pytest.mark.parametrize(("state", "singular", "plural"), [
    (RequestState.SCHEDULED, "Uw bijeenkomst is ingepland.", "Uw bijeenkomsten zijn ingepland."),
    (RequestState.HELD, "De bijeenkomst heeft plaatsgevonden.", "De bijeenkomsten hebben plaatsgevonden."),
])
def test_the_status_page_speaks_of_one_meeting_or_of_several(client, world, state, singular, plural):
    saved = services.submit(submission(world))
    services.grant(saved, 2, world.coordinator)
    saved.state = state
    meeting_state = MeetingState.HELD if state is RequestState.HELD else MeetingState.PLANNED
    _add_meeting(saved, future_day(14), state=meeting_state)
    db.session.commit()
    html = _status(client, saved)
    assert singular in html and plural not in html
    _add_meeting(saved, future_day(21), state=meeting_state)
    db.session.commit()
    html = _status(client, saved)
    assert plural in html and singular not in html


def test_the_status_page_takes_the_same_number_of_queries_however_long_the_history(client, world):
    small = services.submit(submission(world))
    big = services.submit(submission(world, contact_email="ander@example.org", moments=[(future_day(30), Dagdeel.AVOND)]))
    for n in range(8):
        audit.record("request.review", big, actor=world.coordinator, n=n)
    for n in range(4):
        _add_meeting(big, future_day(14 + n))
    db.session.commit()

    def queries(request) -> int:
        token = services.status_token(request)
        db.session.expire_all()
        with count_queries() as statements:
            assert client.get(f"/aanvraag/{token}").status_code == 200
        return len(statements)

    assert queries(small) == queries(big)


# --------------------------------------------------------------------------------------------
# Withdrawing
# --------------------------------------------------------------------------------------------
def test_withdrawing_asks_first_then_returns_the_dagdelen(client, world):
    saved = services.submit(submission(world))
    services.grant(saved, 2, world.coordinator)
    token = services.status_token(saved)

    confirm = client.get(f"/aanvraag/{token}/intrekken")
    html = confirm.get_data(as_text=True)
    assert confirm.status_code == 200
    assert "Uw aanvraag intrekken?" in html
    assert re.search(r"<li[^>]*>[^<]*\b2\b[^<]*dagdelen[^<]*</li>", html), "the page does not say 2 dagdelen go back"
    assert f'action="/aanvraag/{token}/intrekken"' in html
    db.session.expire_all()
    assert db.session.get(Request, saved.id).state is RequestState.GRANTED  # asking changes nothing

    response = client.post(f"/aanvraag/{token}/intrekken")
    assert response.status_code == 302 and response.headers["Location"] == f"/aanvraag/{token}"
    db.session.expire_all()
    withdrawn = db.session.get(Request, saved.id)
    assert withdrawn.state is RequestState.WITHDRAWN
    assert db.session.scalars(select(QuotaLedger)).one().granted == 0
    kinds = db.session.scalars(select(OutboxMail.kind).order_by(OutboxMail.id.desc()).limit(2)).all()
    assert kinds == ["request_withdrawn_notice", "request_withdrawn"]  # the coordinators, the contact

    html = client.get(f"/aanvraag/{token}").get_data(as_text=True)
    assert "Uw aanvraag is ingetrokken." in html  # the flash message
    assert "Status: Ingetrokken" in html
    assert "De aanvraag is ingetrokken." in html  # the history
    assert "/intrekken" not in html


def test_a_request_that_cannot_be_withdrawn_is_left_alone(client, world):
    saved = services.submit(submission(world))
    services.reject(saved, "Past niet.", world.coordinator)
    token = services.status_token(saved)
    for response in (client.get(f"/aanvraag/{token}/intrekken"), client.post(f"/aanvraag/{token}/intrekken")):
        assert response.status_code == 302 and response.headers["Location"] == f"/aanvraag/{token}"
    db.session.expire_all()
    assert db.session.get(Request, saved.id).state is RequestState.REJECTED
    assert "kan niet meer worden ingetrokken" in client.get(f"/aanvraag/{token}").get_data(as_text=True)


def test_withdrawing_twice_at_once_is_a_message_not_an_error(client, world, monkeypatch):
    saved = services.submit(submission(world))
    token = services.status_token(saved)

    def already(request):
        raise services.StateError()

    monkeypatch.setattr(services, "withdraw", already)
    response = client.post(f"/aanvraag/{token}/intrekken")
    assert response.status_code == 302
    assert "kan niet meer worden ingetrokken" in client.get(f"/aanvraag/{token}").get_data(as_text=True)


def test_the_forms_first_line_does_not_promise_every_region_the_same_number(client, world):
    """A coordinator can give a region another quota: the opening line says so, and the number
    left shows once the region is chosen."""
    html = client.get("/aanvragen").get_data(as_text=True)
    assert "tenzij de coördinatoren voor die regio een ander aantal hebben ingesteld" in html
    assert "maximaal 4" not in html
