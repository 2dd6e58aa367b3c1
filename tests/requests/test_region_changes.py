"""A region changes its request (themes, preferred moments, participants) until a decision is
made, and asks the coordinators a question: the rules of the request form at the fields, the
audit entry on both timelines, the mail to the coordinators, and the pages with their errors."""
from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from ontwikkelbijeenkomsten.core.extensions import db
from ontwikkelbijeenkomsten.core.models import AuditEvent
from ontwikkelbijeenkomsten.core.rules import RuleViolation, StateError
from ontwikkelbijeenkomsten.core.time import Dagdeel
from ontwikkelbijeenkomsten.mail.models import OutboxMail
from ontwikkelbijeenkomsten.requests import region_changes, services
from ontwikkelbijeenkomsten.requests.region_changes import Change
from tests.factories import future_day, submission

OCHTEND, MIDDAG, AVOND = Dagdeel.OCHTEND, Dagdeel.MIDDAG, Dagdeel.AVOND


@pytest.fixture
def request_(world):
    found = services.submit(submission(world))
    db.session.commit()
    return found


@pytest.fixture
def token(request_):
    return services.status_token(request_)


def _events(request_, action):
    return list(db.session.scalars(select(AuditEvent).where(
        AuditEvent.subject_type == "requests", AuditEvent.subject_id == request_.id, AuditEvent.action == action)))


def _mails(kind):
    return list(db.session.scalars(select(OutboxMail).where(OutboxMail.kind == kind)))


def _change(world, **overrides):
    values = dict(theme_ids=[world.themes[1].id], moments=[(future_day(30), AVOND)], expected_participants=40,
                  sectors=["gemeente"])
    values.update(overrides)
    return Change(**values)


# ---- services ------------------------------------------------------------------------------------
def test_a_change_replaces_themes_moments_and_participants_and_is_audited(world, request_):
    changed = region_changes.change(request_, _change(world))
    db.session.commit()
    assert changed == ["themes", "moments", "participants"]
    assert [t.id for t in request_.themes] == [world.themes[1].id]
    assert [(m.date, m.dagdeel, m.rank) for m in request_.preferred_moments] == [(future_day(30), AVOND, 1)]
    assert (request_.expected_participants, request_.sectors) == (40, ["gemeente"])
    (event,) = _events(request_, "request.changed")
    assert event.details == {"changed": ["themes", "moments", "participants"]}
    assert event.actor_label == request_.contact_email


def test_keeping_a_moment_in_another_order_and_a_period(world, request_):
    first, second = [(m.date, m.dagdeel) for m in request_.preferred_moments]
    changed = region_changes.change(request_, _change(
        world, theme_ids=[world.themes[0].id], moments=[second, first], expected_participants=12, sectors=[],
        period_start=future_day(40), period_end=future_day(50), period_dagdelen=[MIDDAG]))
    db.session.commit()
    assert changed == ["moments", "participants"]
    assert [(m.date, m.dagdeel) for m in request_.preferred_moments] == [second, first]
    assert (request_.preferred_period_start, request_.preferred_dagdelen) == (future_day(40), ["middag"])


def test_nothing_changed_records_nothing(world, request_):
    same = Change(theme_ids=[t.id for t in request_.themes],
                  moments=[(m.date, m.dagdeel) for m in request_.preferred_moments],
                  expected_participants=request_.expected_participants, sectors=list(request_.sectors))
    assert region_changes.change(request_, same) == []
    assert _events(request_, "request.changed") == []


def test_the_rules_of_the_request_form_each_at_its_field(world, request_):
    bad = _change(world, theme_ids=[], moments=[(future_day(-1), OCHTEND), (future_day(30), None)],
                  expected_participants=501, sectors=["elders"])
    with pytest.raises(RuleViolation) as refused:
        region_changes.change(request_, bad)
    assert {p.field for p in refused.value.problems} == {
        "theme_ids", "moments-0-date", "moments-1-dagdeel", "expected_participants", "sectors"}
    db.session.rollback()
    assert [t.id for t in request_.themes] == [world.themes[0].id] and _events(request_, "request.changed") == []


def test_no_moment_and_no_period_is_refused(world, request_):
    with pytest.raises(RuleViolation) as refused:
        region_changes.change(request_, _change(world, moments=[]))
    assert [p.field for p in refused.value.problems] == ["moments"]


@pytest.mark.parametrize("decide", ["grant", "reject", "withdraw"])
def test_no_change_once_decided(world, request_, decide):
    if decide == "grant":
        services.grant(request_, 2, world.coordinator)
    elif decide == "reject":
        services.reject(request_, "Past niet.", world.coordinator)
    else:
        services.withdraw(request_)
    assert not region_changes.changeable(request_)
    with pytest.raises(StateError):
        region_changes.change(request_, _change(world))


def test_in_review_may_still_change(world, request_):
    services.take_into_review(request_, world.coordinator)
    assert region_changes.change(request_, _change(world)) == ["themes", "moments", "participants"]


def test_a_question_goes_on_the_timeline_and_to_the_coordinators(world, request_):
    region_changes.ask(request_, "  Kan de bijeenkomst\nook online?  ")
    db.session.commit()
    (event,) = _events(request_, "request.question")
    assert event.details == {"text": "Kan de bijeenkomst\nook online?"}
    (mail,) = _mails("request_question")
    assert mail.recipient == world.coordinator.email
    assert "Kan de bijeenkomst" in mail.text_body and request_.contact_email in mail.text_body
    assert mail.subject == f"Vraag van {world.region.name} over de aanvraag"


def test_a_question_goes_to_the_assigned_coordinator_only(world, request_):
    from tests.factories import coordinator
    coordinator("tweede@example.org", "Tweede")
    services.take_into_review(request_, world.coordinator)
    region_changes.ask(request_, "Wanneer hoor ik iets?")
    assert [m.recipient for m in _mails("request_question")] == [world.coordinator.email]


@pytest.mark.parametrize("text", ["", "   ", "x" * 2001])
def test_an_empty_or_long_question_is_refused(world, request_, text):
    with pytest.raises(RuleViolation) as refused:
        region_changes.ask(request_, text)
    assert refused.value.field == "question"
    assert _mails("request_question") == []


# ---- pages ---------------------------------------------------------------------------------------
def _change_data(world, **overrides):
    data = {"theme_ids": [str(world.themes[1].id)], "moments-0-date": future_day(30).strftime("%d-%m-%Y"),
            "moments-0-dagdeel": "avond", "expected_participants": "40", "sectors": ["gemeente"]}
    data.update(overrides)
    return data


def test_the_status_page_offers_change_and_question(client, request_, token):
    html = client.get(f"/aanvraag/{token}").get_data(as_text=True)
    assert f'href="/aanvraag/{token}/wijzigen"' in html
    assert f'action="/aanvraag/{token}/vraag"' in html and 'id="question"' in html
    assert "<title>Fout:" not in html


def test_the_change_page_is_filled_in_and_saves(client, world, request_, token):
    html = client.get(f"/aanvraag/{token}/wijzigen").get_data(as_text=True)
    assert f'value="{future_day(14).isoformat()}"' in html and 'name="expected_participants" type="text" value="0"' in html
    response = client.post(f"/aanvraag/{token}/wijzigen", data=_change_data(world))
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/aanvraag/{token}")
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Uw aanvraag is gewijzigd." in page and "U hebt de aanvraag gewijzigd." in page
    assert [(m.date, m.dagdeel) for m in request_.preferred_moments] == [(future_day(30), AVOND)]


def test_the_themes_of_the_change_page_are_not_marked_optional(client, request_, token):
    html = client.get(f"/aanvraag/{token}/wijzigen").get_data(as_text=True)
    assert "niet verplicht" not in re.search(r'<fieldset[^>]*id="theme_ids".*?</legend>', html, re.S).group(0)


def test_bad_changes_show_every_error_at_its_field_and_keep_what_was_typed(client, world, request_, token):
    data = _change_data(world, theme_ids=[], expected_participants="veel", **{
        "moments-0-date": future_day(-1).isoformat(), "moments-1-date": "31-02-2027", "moments-1-dagdeel": "ochtend"})
    response = client.post(f"/aanvraag/{token}/wijzigen", data=data)
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and 'id="error-summary"' in html
    for field_id in ("theme_ids", "moments-0-date", "moments-1-date", "expected_participants"):
        assert f'id="{field_id}-error"' in html, field_id
    assert 'value="veel"' in html and 'value="31-02-2027"' in html
    assert [t.id for t in request_.themes] == [world.themes[0].id]
    assert _events(request_, "request.changed") == []


def test_the_change_page_once_decided_says_so(client, world, request_, token):
    services.grant(request_, 2, world.coordinator)
    db.session.commit()
    for response in (client.get(f"/aanvraag/{token}/wijzigen"),
                     client.post(f"/aanvraag/{token}/wijzigen", data=_change_data(world))):
        assert response.status_code == 302 and response.headers["Location"].endswith("#question-title")
    html = client.get(f"/aanvraag/{token}").get_data(as_text=True)
    assert "niet meer wijzigen" in html and f'href="/aanvraag/{token}/wijzigen"' not in html
    assert [t.id for t in request_.themes] == [world.themes[0].id]


def test_once_decided_the_status_page_itself_says_why_there_is_no_change_button(client, world, request_, token):
    """Not only after following an old 'wijzigen' link: a region that opens its page looks for the
    button it used before."""
    services.grant(request_, 2, world.coordinator)
    db.session.commit()
    html = client.get(f"/aanvraag/{token}").get_data(as_text=True)
    assert 'id="no-change"' in html and "Daarom kunt u de aanvraag niet meer wijzigen." in html, (
        "BUG: the change button is gone without a word")
    assert html.index('id="no-change"') > html.index('id="question-title"')


def test_a_withdrawn_request_does_not_speak_of_a_decision(client, request_, token):
    services.withdraw(request_)
    db.session.commit()
    assert 'id="no-change"' not in client.get(f"/aanvraag/{token}").get_data(as_text=True)


def test_asking_through_the_page(client, coordinator_client, world, request_, token):
    response = client.post(f"/aanvraag/{token}/vraag", data={"question": "Mag de <b>wethouder</b> erbij?"})
    assert response.status_code == 302 and response.headers["Location"].endswith("#history-title")
    page = client.get(f"/aanvraag/{token}").get_data(as_text=True)
    assert "U stelde de coördinatoren een vraag:" in page and "Mag de &lt;b&gt;wethouder&lt;/b&gt; erbij?" in page
    detail = coordinator_client.get(f"/coordinatie/aanvragen/{request_.id}").get_data(as_text=True)
    assert "Vraag van de regio" in detail and "Mag de &lt;b&gt;wethouder&lt;/b&gt; erbij?" in detail


def test_an_empty_question_shows_the_error_at_the_field(client, request_, token):
    response = client.post(f"/aanvraag/{token}/vraag", data={"question": "  "})
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and 'id="question-error"' in html and "Schrijf eerst uw vraag." in html
    assert "<title>Fout: Uw aanvraag" in html
    assert _mails("request_question") == []


def test_a_bad_token_is_404(client, request_):
    for method, url in [("get", "/aanvraag/nep/wijzigen"), ("post", "/aanvraag/nep/wijzigen"),
                        ("post", "/aanvraag/nep/vraag")]:
        assert getattr(client, method)(url).status_code == 404, url


def test_the_coordinator_timeline_names_the_changed_parts(coordinator_client, world, request_):
    region_changes.change(request_, _change(world, theme_ids=[world.themes[0].id]))
    db.session.commit()
    detail = coordinator_client.get(f"/coordinatie/aanvragen/{request_.id}").get_data(as_text=True)
    assert "Gewijzigd door de regio" in detail and "voorkeursmomenten, deelnemers" in detail
