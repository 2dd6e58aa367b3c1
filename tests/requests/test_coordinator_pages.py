"""The coordinator's workspace for requests: access, queue, detail, the review actions, bad input."""
from __future__ import annotations

import re
from datetime import timedelta

import pytest
import sqlalchemy as sa
from sqlalchemy import select

from ontwikkelbijeenkomsten.accounts.models import Role
from ontwikkelbijeenkomsten.accounts.services import create_user
from ontwikkelbijeenkomsten.core.extensions import db
from ontwikkelbijeenkomsten.core.models import AuditEvent
from ontwikkelbijeenkomsten.core.uow import unit_of_work
from ontwikkelbijeenkomsten.mail.models import OutboxMail
from ontwikkelbijeenkomsten.regions import quota
from ontwikkelbijeenkomsten.regions.models import Region
from ontwikkelbijeenkomsten.requests import services
from ontwikkelbijeenkomsten.requests.models import Request, RequestState
from tests.factories import submission
from tests.helpers import login

from ..queries import queries_for

PASSWORD = "een lang wachtwoord"
QUEUE = "/coordinatie/aanvragen"
ACTIONS = ["in-behandeling", "toekennen", "afwijzen", "notitie", "toewijzen", "contactpersoon"]


def detail(request_id: int) -> str:
    return f"{QUEUE}/{request_id}"


def events(request: Request) -> list[AuditEvent]:
    return db.session.scalars(
        select(AuditEvent)
        .where(AuditEvent.subject_type == "requests", AuditEvent.subject_id == request.id)
        .order_by(AuditEvent.id)
    ).all()


def mail_kinds() -> list[str]:
    return db.session.scalars(select(OutboxMail.kind).order_by(OutboxMail.id)).all()


def act(client, request: Request, action: str, follow: bool = False, **data):
    """POST `data` to one of the action endpoints of `request`."""
    return client.post(f"{detail(request.id)}/{action}", data=data, follow_redirects=follow)


def has_field_error(html: str, field: str) -> bool:
    """The macro's error message is there and the control says it is invalid."""
    control = re.search(rf'<(?:input|textarea|select)[^>]*\bid="{field}"[^>]*>', html)
    return f'id="{field}-error"' in html and control is not None and 'aria-invalid="true"' in control.group(0)


@pytest.fixture
def submitted(world):
    with unit_of_work():
        return services.submit(submission(world))


# ---- access ------------------------------------------------------------------------------------
def test_anonymous_visitors_are_sent_to_the_login_page(client, submitted):
    for response in [client.get(QUEUE), client.get(detail(submitted.id))] + [
        act(client, submitted, action) for action in ACTIONS
    ]:
        assert response.status_code == 302
        assert response.headers["Location"].startswith("/inloggen")


def test_experts_may_not_open_the_workspace(client, submitted):
    create_user("expert@example.org", "Eva Expert", Role.EXPERT, PASSWORD)
    db.session.commit()
    login(client, "expert@example.org")
    assert client.get(QUEUE).status_code == 403
    assert client.get(detail(submitted.id)).status_code == 403
    for action in ACTIONS:
        assert act(client, submitted, action, text="x").status_code == 403
    assert events(submitted)[-1].action == "request.submitted"


@pytest.mark.parametrize("path", ["/999", "/0", "/99999999999999999999999", "/abc", "/-1", "/1.5"])
def test_unknown_or_forged_ids_give_404(coordinator_client, submitted, path):
    assert coordinator_client.get(QUEUE + path).status_code == 404
    for action in ACTIONS:
        assert coordinator_client.post(f"{QUEUE}{path}/{action}", data={"text": "x"}).status_code == 404


# ---- queue -------------------------------------------------------------------------------------
def test_the_queue_lists_requests_newest_first_with_counts_per_state(coordinator_client, world):
    first = services.submit(submission(world, organisation_name="Gemeente Heerlen"))
    second = services.submit(submission(world, organisation_name="SWV Parkstad"))
    services.take_into_review(second, world.coordinator)
    html = coordinator_client.get(QUEUE).get_data(as_text=True)
    assert html.index("SWV Parkstad") < html.index("Gemeente Heerlen")
    assert f'href="{detail(first.id)}"' in html and f'href="{detail(second.id)}"' in html
    assert "Ingediend 1" in html and "In behandeling 1" in html and "Toegekend 0" in html
    assert '<td class="utrecht-table__cell" data-label="Coördinator">Sanne</td>' in html  # who took the second into review


def test_the_queue_filters_by_state_region_theme_and_period(coordinator_client, world):
    other_region = Region(code="JZ01", name="Groningen")
    db.session.add(other_region)
    db.session.commit()
    services.submit(submission(world, organisation_name="Org A"))
    b = services.submit(submission(world, organisation_name="Org B", region_id=other_region.id,
                                   theme_ids=[world.themes[1].id]))
    services.take_into_review(b, world.coordinator)

    def shown(**args):
        html = coordinator_client.get(QUEUE, query_string=args).get_data(as_text=True)
        return {name for name in ("Org A", "Org B") if f">{name}</a>" in html}

    assert shown() == {"Org A", "Org B"}
    assert shown(state="submitted") == {"Org A"}
    assert shown(state="in_review") == {"Org B"}
    assert shown(region=other_region.id) == {"Org B"}
    assert shown(theme=world.themes[1].id) == {"Org B"}
    assert shown(period=world.period.id) == {"Org A", "Org B"}
    assert shown(state="granted") == set()
    html = coordinator_client.get(QUEUE, query_string={"region": world.region.id}).get_data(as_text=True)
    # the counts follow the other filters, and their links keep them
    assert "Ingediend 1" in html and "In behandeling 0" in html
    href = re.search(r'href="([^"]+)"[^>]*>Ingediend 1<', html).group(1)
    assert "state=submitted" in href and f"region={world.region.id}" in href


def test_the_queue_filters_by_coordinator_and_sorts_oldest_first(coordinator_client, world):
    """With hundreds of requests and several coordinators: mine, nobody's, and the oldest first."""
    karim = create_user("karim@example.org", "Karim", Role.COORDINATOR, PASSWORD)
    oldest = services.submit(submission(world, organisation_name="Org Oud"))
    middle = services.submit(submission(world, organisation_name="Org Midden"))
    newest = services.submit(submission(world, organisation_name="Org Nieuw"))
    oldest.created_at = newest.created_at - timedelta(days=30)
    middle.created_at = newest.created_at - timedelta(days=10)
    services.take_into_review(middle, world.coordinator)
    services.take_into_review(newest, karim)
    db.session.commit()

    def shown(**args):
        html = coordinator_client.get(QUEUE, query_string=args).get_data(as_text=True)
        return re.findall(r'>(Org \w+)</a>', html)

    assert shown(coordinator=world.coordinator.id) == ["Org Midden"]
    assert shown(coordinator=karim.id) == ["Org Nieuw"]
    assert shown(coordinator="niemand") == ["Org Oud"]
    assert shown() == ["Org Nieuw", "Org Midden", "Org Oud"]
    assert shown(order="oudste") == ["Org Oud", "Org Midden", "Org Nieuw"]
    html = coordinator_client.get(QUEUE, query_string={"coordinator": "niemand", "order": "oudste"}).get_data(
        as_text=True)
    assert '<option selected value="niemand">Nog niemand</option>' in html
    assert '<option selected value="oudste">Oudste eerst</option>' in html
    # a coordinator who left stays a choice while requests are theirs
    karim.active = False
    db.session.commit()
    assert ">Karim</option>" in coordinator_client.get(QUEUE).get_data(as_text=True)


def test_the_start_page_opens_new_and_waiting_requests_oldest_first(coordinator_client, world):
    html = coordinator_client.get("/coordinatie").get_data(as_text=True)
    assert 'href="/coordinatie/aanvragen?state=submitted&amp;order=oudste"' in html
    assert 'href="/coordinatie/aanvragen?waiting=long&amp;order=oudste"' in html


@pytest.mark.parametrize("args", [
    {"coordinator": "999999"}, {"coordinator": "abc"}, {"order": "<script>alert(1)</script>"},
    {"state": "<script>alert(1)</script>"}, {"region": "99999999999999999999999"}, {"theme": "abc"},
    {"period": "-1"}, {"region": "x" * 10_000}, {"page": "abc"},
])
def test_forged_filters_show_an_error_not_a_crash(coordinator_client, submitted, args):
    response = coordinator_client.get(QUEUE, query_string=args)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "<script>alert(1)</script>" not in html
    assert "page" in args or has_field_error(html, next(iter(args)))


@pytest.mark.parametrize("page", ["0", "-3", "2", "99999999999999999999999"])
def test_pages_outside_the_list_give_404(coordinator_client, submitted, page):
    assert coordinator_client.get(QUEUE, query_string={"page": page}).status_code == 404


def _bulk_requests(world, count: int) -> None:
    """`count` requests straight into the table, spread over regions, states and coordinators."""
    template = services.submit(submission(world))
    regions = [Region(code=f"T{count}-{i}", name=f"Regio {count}-{i}") for i in range(3)]
    other = create_user(f"c{count}@example.org", "Karim", Role.COORDINATOR, PASSWORD)
    db.session.add_all(regions)
    db.session.flush()
    states = list(RequestState)
    columns = {c.key: getattr(template, c.key) for c in sa.inspect(Request).column_attrs if c.key != "id"}
    for i in range(count - 1):
        db.session.add(Request(**{
            **columns, "region_id": regions[i % 3].id, "state": states[i % len(states)],
            "organisation_name": f"Organisatie {i}", "themes": list(world.themes[: 1 + i % 2]),
            "assigned_coordinator_id": (world.coordinator.id, other.id, None)[i % 3],
        }))
    db.session.commit()


def test_the_queue_uses_as_many_queries_for_30_requests_as_for_3(app, world):
    counts = []
    for size in (3, 30):
        db.session.execute(sa.delete(Request))
        db.session.commit()
        _bulk_requests(world, size)
        client = app.test_client()
        login(client)
        counts.append(queries_for(client, QUEUE))
        html = client.get(QUEUE).get_data(as_text=True)
        assert html.count('href="/coordinatie/aanvragen/') == size
    assert counts[0] == counts[1], counts


def test_the_queue_pages_by_50(coordinator_client, world):
    _bulk_requests(world, 51)
    first = coordinator_client.get(QUEUE).get_data(as_text=True)
    second = coordinator_client.get(QUEUE, query_string={"page": 2}).get_data(as_text=True)
    assert first.count('href="/coordinatie/aanvragen/') == 50
    assert second.count('href="/coordinatie/aanvragen/') == 1
    assert 'aria-current="page"' in second and 'rel="prev"' in second and 'rel="next"' in first


# ---- detail ------------------------------------------------------------------------------------
def test_the_detail_page_shows_what_the_region_sent_the_quota_and_the_timeline(coordinator_client, submitted):
    html = coordinator_client.get(detail(submitted.id)).get_data(as_text=True)
    assert "Ilse Claessens" in html and "Stadhuis Maastricht" in html
    assert "De regio heeft in deze periode nog 4 van 4 dagdelen over." in html
    assert "Aanvraag ingediend" in html and "ilse@example.org" in html
    assert html.count("<h1") == 1
    for action in ("in-behandeling", "toekennen", "afwijzen", "notitie", "toewijzen"):
        assert f'action="{detail(submitted.id)}/{action}"' in html
    assert 'name="dagdelen" type="text" value="2"' in html  # min(asked, remaining)


def test_a_granted_request_can_only_be_rejected_noted_and_assigned(coordinator_client, world, submitted):
    services.grant(submitted, 2, world.coordinator)
    html = coordinator_client.get(detail(submitted.id)).get_data(as_text=True)
    assert "/toekennen" not in html and "/in-behandeling" not in html
    assert "/afwijzen" in html and "/notitie" in html and "/toewijzen" in html


# ---- actions -----------------------------------------------------------------------------------
def test_take_into_review(coordinator_client, world, submitted):
    response = act(coordinator_client, submitted, "in-behandeling")
    assert response.status_code == 302 and response.headers["Location"] == detail(submitted.id)
    db.session.refresh(submitted)
    assert submitted.state is RequestState.IN_REVIEW
    assert submitted.assigned_coordinator_id == world.coordinator.id
    event = events(submitted)[-1]
    assert (event.action, event.from_state, event.to_state, event.actor_id) == (
        "request.review", "submitted", "in_review", world.coordinator.id)
    html = coordinator_client.get(detail(submitted.id)).get_data(as_text=True)
    assert "In behandeling genomen" in html and "Sanne" in html


def test_grant_all_that_was_asked(coordinator_client, world, submitted):
    response = act(coordinator_client, submitted, "toekennen", dagdelen="2")
    assert response.status_code == 302
    db.session.refresh(submitted)
    assert submitted.state is RequestState.GRANTED and submitted.dagdelen_granted == 2
    assert quota.remaining(world.region, world.period) == 2
    event = events(submitted)[-1]
    assert (event.action, event.from_state, event.to_state, event.details) == (
        "request.granted", "submitted", "granted", {"dagdelen": 2})
    assert mail_kinds()[-1] == "request_granted"
    html = coordinator_client.get(detail(submitted.id)).get_data(as_text=True)
    assert "U hebt 2 dagdelen toegekend." in html


@pytest.mark.parametrize("action, data", [("toekennen", {"dagdelen": "2"}), ("afwijzen", {"reason": "Buiten het programma."})])
def test_deciding_a_request_nobody_took_makes_you_its_coordinator(coordinator_client, world, submitted, action, data):
    """As taking it into review does: granted straight from the queue, it stayed "nog niemand", so
    the region's questions and the expert's decline went to every coordinator."""
    assert submitted.assigned_coordinator_id is None
    assert act(coordinator_client, submitted, action, **data).status_code == 302
    db.session.refresh(submitted)
    assert submitted.assigned_coordinator_id == world.coordinator.id


def test_deciding_keeps_the_coordinator_the_request_has(coordinator_client, world, submitted):
    other = create_user("karim@example.org", "Karim", Role.COORDINATOR, PASSWORD)
    services.assign(submitted, other.id, world.coordinator)
    db.session.commit()
    act(coordinator_client, submitted, "toekennen", dagdelen="2")
    db.session.refresh(submitted)
    assert submitted.assigned_coordinator_id == other.id


def test_the_grant_message_links_to_the_next_step_scheduling(coordinator_client, submitted):
    html = act(coordinator_client, submitted, "toekennen", follow=True, dagdelen="2").get_data(as_text=True)
    message = html.split('class="ob-flashes"')[1].split("</main>")[0].split("<h1")[0]
    assert "U hebt 2 dagdelen toegekend." in message
    link = re.search(rf'<a [^>]*href="({detail(submitted.id)}/inplannen#([\w-]+))">Nu inplannen<span aria-hidden="true"> →</span></a>',
                     message)
    assert link is not None
    # the anchor is the booking part of the scheduling page
    target, anchor = link.groups()
    booking = coordinator_client.get(target.split("#")[0]).get_data(as_text=True)
    assert re.search(rf'<h2 [^>]*id="{anchor}"[^>]*>Voorstellen</h2>', booking)
    # in the words of docs/woordenlijst.md: inplannen, not boeken or plannen
    words = re.sub(r"<[^>]+>", " ", booking)
    assert "Buiten de voorstellen inplannen" in words
    assert not re.search(r"\b(boek\w*|geboekt|gepland\w*)\b", words, re.IGNORECASE)


def workspace(html: str) -> tuple[str, str, str]:
    """The details column, the actions panel and the history of the request page, in page order."""
    details = html.split('<div class="ob-workspace__details">')[1].split('<div class="ob-workspace__actions ob-panel">')[0]
    actions = html.split('<div class="ob-workspace__actions ob-panel">')[1].split('class="ob-section ob-workspace__history"')[0]
    history = html.split('class="ob-section ob-workspace__history"')[1]
    return details, actions, history


def test_the_actions_are_in_a_panel_beside_the_details(coordinator_client, submitted):
    html = coordinator_client.get(detail(submitted.id)).get_data(as_text=True)
    details, actions, history = workspace(html)
    assert "Ilse Claessens" in details and 'id="quota"' in details
    for action in ("in-behandeling", "toekennen", "afwijzen", "toewijzen"):
        assert f'action="{detail(submitted.id)}/{action}"' in actions
        assert "/" + action + '"' not in details
    assert 'id="decision-title">Besluit</h2>' in actions and "<form" not in details
    assert f'action="{detail(submitted.id)}/notitie"' in history and "Aanvraag ingediend" in history


def test_once_granted_the_panel_leads_to_scheduling(coordinator_client, world, submitted):
    services.grant(submitted, 2, world.coordinator)
    _details, actions, _history = workspace(coordinator_client.get(detail(submitted.id)).get_data(as_text=True))
    assert re.search(rf'id="schedule-link" href="{detail(submitted.id)}/inplannen">Dagdelen inplannen</a>',
                     actions)
    assert actions.index('id="next-step-title"') < actions.index('id="decision-title"')


def test_grant_3_of_4_then_a_second_request_for_2_is_refused_with_1_left(coordinator_client, world):
    with unit_of_work():
        first = services.submit(submission(world, dagdelen_wanted=4))
        second = services.submit(submission(world, dagdelen_wanted=2))
    partial = act(coordinator_client, first, "toekennen", dagdelen="3", explanation="")
    assert partial.status_code == 200 and has_field_error(partial.get_data(as_text=True), "explanation")
    granted = act(coordinator_client, first, "toekennen", dagdelen="3", explanation="Eén houden we apart.")
    assert granted.status_code == 302
    refused = act(coordinator_client, second, "toekennen", dagdelen="2")
    html = refused.get_data(as_text=True)
    assert refused.status_code == 200 and has_field_error(html, "dagdelen")
    assert "De regio heeft in deze periode nog maar 1 dagdeel over." in html
    assert 'value="2"' in html and "Er is een probleem" in html
    db.session.refresh(second)
    assert second.state is RequestState.SUBMITTED and quota.remaining(world.region, world.period) == 1


def test_the_service_check_shows_when_another_grant_took_the_quota(coordinator_client, world, monkeypatch):
    with unit_of_work():
        first = services.submit(submission(world, dagdelen_wanted=4))
        second = services.submit(submission(world, dagdelen_wanted=2))
        services.grant(first, 3, world.coordinator, explanation="Eén houden we apart.")
    monkeypatch.setattr(quota, "remaining", lambda region, period: 4)  # the form saw a stale number
    html = act(coordinator_client, second, "toekennen", dagdelen="2").get_data(as_text=True)
    assert has_field_error(html, "dagdelen") and "nog maar 1 dagdeel over" in html


def test_reject_mails_the_reason_and_gives_granted_dagdelen_back(coordinator_client, world, submitted):
    services.grant(submitted, 2, world.coordinator)
    response = act(coordinator_client, submitted, "afwijzen", reason="  Dubbel ingediend.  ")
    assert response.status_code == 302
    db.session.refresh(submitted)
    assert submitted.state is RequestState.REJECTED and submitted.decision_reason == "Dubbel ingediend."
    assert quota.remaining(world.region, world.period) == 4
    event = events(submitted)[-1]
    assert (event.action, event.from_state, event.to_state) == ("request.rejected", "granted", "rejected")
    assert mail_kinds()[-1] == "request_rejected"


def test_a_note_is_kept_in_the_timeline_escaped(coordinator_client, world, submitted):
    note = "Gebeld met Ilse.\n<script>alert('x')</script>"
    response = act(coordinator_client, submitted, "notitie", text=note)
    assert response.status_code == 302
    event = events(submitted)[-1]
    assert event.action == "request.note" and event.details == {"text": note}
    assert event.from_state is None and event.to_state is None
    html = coordinator_client.get(detail(submitted.id)).get_data(as_text=True)
    assert "<script>alert" not in html
    assert "Gebeld met Ilse.<br>&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;" in html


def test_assign_to_a_coordinator_and_to_nobody(coordinator_client, world, submitted):
    other = create_user("karim@example.org", "Karim", Role.COORDINATOR, PASSWORD)
    db.session.commit()
    assert act(coordinator_client, submitted, "toewijzen", coordinator_id=str(other.id)).status_code == 302
    assert act(coordinator_client, submitted, "toewijzen", coordinator_id="").status_code == 302
    db.session.refresh(submitted)
    assert submitted.assigned_coordinator_id is None
    first, second = events(submitted)[-2:]
    assert first.action == second.action == "request.assigned"
    assert first.details == {"from_coordinator": None, "to_coordinator": other.id}
    assert second.details == {"from_coordinator": other.id, "to_coordinator": None}
    html = coordinator_client.get(detail(submitted.id)).get_data(as_text=True)
    assert "Karim" in html and "Coördinator toegewezen" in html


def test_an_action_that_no_longer_fits_is_flashed_and_changes_nothing(coordinator_client, world, submitted):
    services.reject(submitted, "Te laat.", world.coordinator)
    before = len(events(submitted))
    attempts = [("in-behandeling", {}), ("toekennen", {"dagdelen": "1"}), ("afwijzen", {"reason": "Nog."})]
    for action, data in attempts:
        response = act(coordinator_client, submitted, action, follow=True, **data)
        assert response.status_code == 200
        assert "Deze aanvraag is intussen veranderd." in response.get_data(as_text=True)
    assert len(events(submitted)) == before


def test_a_lost_race_inside_the_service_is_flashed(coordinator_client, world, submitted, monkeypatch):
    def someone_else_was_first(*args, **kwargs):
        raise services.StateError()

    monkeypatch.setattr(services, "take_into_review", someone_else_was_first)
    response = act(coordinator_client, submitted, "in-behandeling", follow=True)
    assert response.status_code == 200
    assert "Deze aanvraag is intussen veranderd." in response.get_data(as_text=True)


# ---- bad input ---------------------------------------------------------------------------------
@pytest.mark.parametrize("action, data, field", [
    ("toekennen", {"dagdelen": ""}, "dagdelen"),
    ("toekennen", {"dagdelen": "twee"}, "dagdelen"),
    ("toekennen", {"dagdelen": "0"}, "dagdelen"),
    ("toekennen", {"dagdelen": "-2"}, "dagdelen"),
    ("toekennen", {"dagdelen": "99999999999999999999999999"}, "dagdelen"),
    ("toekennen", {"dagdelen": "9" * 10_000}, "dagdelen"),
    ("toekennen", {"dagdelen": "1", "explanation": "x" * 10_000}, "explanation"),
    ("toekennen", {"dagdelen": "1", "explanation": "   "}, "explanation"),
    ("afwijzen", {"reason": ""}, "reason"),
    ("afwijzen", {"reason": "   "}, "reason"),
    ("afwijzen", {"reason": "x" * 10_000}, "reason"),
    ("notitie", {"text": ""}, "text"),
    ("notitie", {"text": "x" * 10_000}, "text"),
    ("toewijzen", {"coordinator_id": "999"}, "coordinator_id"),
    ("toewijzen", {"coordinator_id": "99999999999999999999999"}, "coordinator_id"),
    ("toewijzen", {"coordinator_id": "<script>"}, "coordinator_id"),
])
def test_bad_input_gives_a_field_error_and_keeps_it(coordinator_client, submitted, action, data, field):
    response = act(coordinator_client, submitted, action, **data)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert has_field_error(html, field), html
    assert 'id="error-summary"' in html and f'href="#{field}"' in html
    if len(data.get(field, "")) < 100 and data[field].strip() and field != "coordinator_id":
        assert data[field] in html  # what was typed is still there
    assert [e.action for e in events(submitted)] == ["request.submitted"]


def test_the_reason_of_a_rejection_and_a_note_are_not_marked_optional(coordinator_client, submitted):
    """Both are required (an empty one is refused), so their labels must not say "(niet verplicht)"."""
    html = coordinator_client.get(detail(submitted.id)).get_data(as_text=True)
    for field, label in (("reason", "Reden van de afwijzing"), ("text", "Interne notitie")):
        shown = re.search(rf'<label [^>]*for="{field}"[^>]*>(.*?)</label>', html, re.DOTALL).group(1)
        assert label in shown and "niet verplicht" not in shown
        control = re.search(rf'<textarea[^>]*\bid="{field}"[^>]*>', html).group(0)
        assert 'aria-required="true"' in control
    # a field that is optional still says so
    explanation = re.search(r'<label [^>]*for="explanation"[^>]*>(.*?)</label>', html, re.DOTALL).group(1)
    assert "niet verplicht" in explanation


@pytest.mark.parametrize("action, field", [("afwijzen", "reason"), ("notitie", "text")])
def test_a_text_box_left_out_of_the_post_is_an_empty_one(coordinator_client, submitted, action, field):
    """A forged post without the box gave the service None instead of text: a 500 (found by tests/test_fuzz.py)."""
    response = act(coordinator_client, submitted, action)
    assert response.status_code == 200 and has_field_error(response.get_data(as_text=True), field)
    assert [e.action for e in events(submitted)] == ["request.submitted"]


def test_an_expert_cannot_be_assigned(coordinator_client, world, submitted):
    expert = create_user("expert@example.org", "Eva Expert", Role.EXPERT, PASSWORD)
    db.session.commit()
    response = act(coordinator_client, submitted, "toewijzen", coordinator_id=str(expert.id))
    assert response.status_code == 200 and has_field_error(response.get_data(as_text=True), "coordinator_id")


def test_actions_need_the_csrf_token(make_app, world, submitted):
    url = detail(submitted.id)
    db.session.close()  # the app below has its own session; SQLite allows one writer at a time
    client = make_app(WTF_CSRF_ENABLED=True).test_client()
    page = client.get("/inloggen").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    login_data = {"email": "coordinator@example.org", "password": PASSWORD, "csrf_token": token}
    assert client.post("/inloggen", data=login_data).status_code == 302
    assert client.post(f"{url}/notitie", data={"text": "Zonder token"}).status_code == 400
    token = re.search(r'name="csrf_token" value="([^"]+)"', client.get(url).get_data(as_text=True)).group(1)
    assert client.post(f"{url}/notitie", data={"text": "Met token", "csrf_token": token}).status_code == 302
