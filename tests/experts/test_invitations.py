"""Inviting an expert, the invitation mail and link, and setting the password with it."""
from __future__ import annotations

import re
import time

import pytest
from itsdangerous import TimestampSigner
from sqlalchemy import func, select

from ontwikkelbijeenkomsten.accounts.models import Role, User
from ontwikkelbijeenkomsten.core.extensions import db
from ontwikkelbijeenkomsten.core.models import AuditEvent
from ontwikkelbijeenkomsten.core.rules import RuleViolation
from ontwikkelbijeenkomsten.core.tokens import InvalidToken
from ontwikkelbijeenkomsten.experts import services
from ontwikkelbijeenkomsten.experts.models import ExpertProfile
from ontwikkelbijeenkomsten.mail.models import OutboxMail
from tests.helpers import login

INVITE = "/coordinatie/experts/uitnodigen"
NEW_PASSWORD = "een ander lang wachtwoord"  # without "nieuw", the address of the invited expert


def invite(coordinator, themes, regions, email="nieuw@example.org", **overrides) -> User:
    values = {"name": "Noor Visser", "email": email, "theme_ids": [themes[0].id],
              "region_ids": [regions[0].id], "serves_all_regions": False, "actor": coordinator}
    return services.invite(**{**values, **overrides})


def invitation_link(email: str) -> str:
    """The link in the newest invitation mail to `email`, as a path."""
    mail = db.session.scalars(
        select(OutboxMail).where(OutboxMail.recipient == email, OutboxMail.kind == "expert_invitation")
        .order_by(OutboxMail.id.desc())
    ).first()
    return re.search(r"http://localhost(/uitnodiging/\S+)", mail.text_body).group(1)


def accept(client, link, password=NEW_PASSWORD, confirm=None):
    return client.post(link, data={"password": password, "confirm": confirm or password})


# ---- the service -------------------------------------------------------------------------------
def test_invite_creates_an_expert_without_password_a_profile_an_audit_event_and_the_mail(
    app, coordinator, themes, regions
):
    expert = invite(coordinator, themes, regions, email=" Nieuw@Example.org ")
    assert expert.role is Role.EXPERT and expert.email == "nieuw@example.org"
    assert expert.password_hash is None and expert.active
    assert len(expert.invitation_nonce) == 22 and expert.invited_at is not None
    profile = db.session.get(ExpertProfile, expert.id)
    assert [t.id for t in profile.themes] == [themes[0].id]
    assert [r.id for r in profile.regions] == [regions[0].id]
    assert not profile.serves_all_regions
    assert services.status(expert) is services.ExpertStatus.INVITED
    event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "expert.invited")).one()
    assert (event.subject_id, event.actor_id) == (expert.id, coordinator.id)

    mail = db.session.scalars(select(OutboxMail)).one()
    assert mail.recipient == "nieuw@example.org"
    assert "Sanne de Vries" in mail.text_body and "Sanne de Vries" in mail.html_body
    assert "7 dagen" in mail.text_body
    link = invitation_link("nieuw@example.org")
    assert f'href="http://localhost{link}"' in mail.html_body
    assert services.expert_for_invitation(link.rsplit("/", 1)[1]) == expert


def test_an_expert_for_all_of_the_netherlands_needs_no_regions(app, coordinator, themes, regions):
    expert = invite(coordinator, themes, regions, region_ids=[regions[0].id], serves_all_regions=True)
    profile = db.session.get(ExpertProfile, expert.id)
    assert profile.serves_all_regions and profile.regions == []


@pytest.mark.parametrize("overrides, field", [
    ({"theme_ids": []}, "theme_ids"),
    ({"theme_ids": [999]}, "theme_ids"),
    ({"theme_ids": [None]}, "theme_ids"),
    ({"region_ids": []}, "region_ids"),
    ({"region_ids": [999]}, "region_ids"),
    ({"name": "  "}, "name"),
])
def test_invite_refuses_unknown_or_missing_choices(app, coordinator, themes, regions, overrides, field):
    with pytest.raises(RuleViolation) as caught:
        invite(coordinator, themes, regions, **overrides)
    assert caught.value.field == field
    assert db.session.scalar(select(User).where(User.email == "nieuw@example.org")) is None
    assert db.session.scalars(select(OutboxMail)).all() == []


def test_an_address_that_has_an_account_cannot_be_invited_again(app, coordinator, expert, themes, regions):
    for email in ("EXPERT@example.org", "coordinator@example.org"):
        with pytest.raises(RuleViolation) as caught:
            invite(coordinator, themes, regions, email=email)
        assert caught.value.field == "email"


def test_resending_kills_the_old_link_and_revoking_kills_every_link(app, coordinator, themes, regions):
    expert = invite(coordinator, themes, regions)
    first = invitation_link(expert.email).rsplit("/", 1)[1]
    services.resend_invitation(expert, coordinator)
    second = invitation_link(expert.email).rsplit("/", 1)[1]
    assert first != second
    with pytest.raises(InvalidToken):
        services.expert_for_invitation(first)
    assert services.expert_for_invitation(second) == expert
    services.revoke_invitation(expert, coordinator)
    assert services.status(expert) is services.ExpertStatus.REVOKED
    with pytest.raises(InvalidToken):
        services.expert_for_invitation(second)
    actions = db.session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)).all()
    assert actions == ["expert.invited", "expert.invitation_resent", "expert.invitation_revoked"]


def test_accepting_sets_the_password_once(app, coordinator, themes, regions):
    expert = invite(coordinator, themes, regions)
    token = invitation_link(expert.email).rsplit("/", 1)[1]
    assert services.accept_invitation(token, NEW_PASSWORD) == expert
    assert expert.check_password(NEW_PASSWORD) and expert.invitation_nonce is None
    assert services.status(expert) is services.ExpertStatus.ACTIVE
    with pytest.raises(InvalidToken):
        services.accept_invitation(token, "een ander lang wachtwoord")
    with pytest.raises(RuleViolation):
        services.resend_invitation(expert, coordinator)
    with pytest.raises(RuleViolation):
        services.revoke_invitation(expert, coordinator)


def test_an_invitation_expires_after_seven_days(app, coordinator, themes, regions, monkeypatch):
    eight_days_ago = int(time.time()) - 8 * 24 * 3600
    with monkeypatch.context() as patched:
        patched.setattr(TimestampSigner, "get_timestamp", lambda self: eight_days_ago)
        expert = invite(coordinator, themes, regions)
    token = invitation_link(expert.email).rsplit("/", 1)[1]
    with pytest.raises(InvalidToken) as caught:
        services.expert_for_invitation(token)
    assert caught.value.expired


def test_a_deactivated_experts_link_does_not_work(app, coordinator, themes, regions):
    expert = invite(coordinator, themes, regions)
    token = invitation_link(expert.email).rsplit("/", 1)[1]
    services.deactivate(expert, coordinator)
    with pytest.raises(InvalidToken):
        services.expert_for_invitation(token)
    with pytest.raises(RuleViolation):
        services.resend_invitation(expert, coordinator)


# ---- the invite form ---------------------------------------------------------------------------
def test_the_invite_form_is_for_coordinators_only(client, expert):
    response = client.get(INVITE)
    assert response.status_code == 302 and "/inloggen" in response.headers["Location"]
    login(client, expert)
    assert client.get(INVITE).status_code == 403
    assert client.post(INVITE, data={"name": "X", "email": "x@example.org"}).status_code == 403
    assert db.session.scalar(select(User).where(User.email == "x@example.org")) is None


def test_the_invite_form_creates_the_expert_and_goes_to_its_page(coordinator_client, themes, regions):
    response = coordinator_client.post(INVITE, data={
        "name": "Noor Visser", "email": "noor@example.org",
        "theme_ids": [str(themes[0].id), str(themes[2].id)], "serves_all_regions": "y",
    })
    expert = db.session.scalar(select(User).where(User.email == "noor@example.org"))
    assert response.status_code == 302
    assert response.headers["Location"] == f"/coordinatie/experts/{expert.id}"
    assert db.session.get(ExpertProfile, expert.id).serves_all_regions
    page = coordinator_client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Noor Visser is uitgenodigd." in page


def test_the_invite_form_shows_its_choices(coordinator_client, themes, regions):
    html = coordinator_client.get(INVITE).get_data(as_text=True)
    assert html.count("<h1") == 1
    for theme in themes:
        assert f'value="{theme.id}"' in html and theme.name in html
    for region in regions:
        assert region.name in html
    assert 'id="serves_all_regions"' in html


@pytest.mark.parametrize("data, field", [
    ({"name": ""}, "name"),
    ({"name": "x" * 10_000}, "name"),
    ({"email": "geen-adres"}, "email"),
    ({"email": ""}, "email"),
    ({"email": "a" * 10_000 + "@example.org"}, "email"),
    ({"email": "expert@example.org"}, "email"),
    ({"theme_ids": []}, "theme_ids"),
    ({"theme_ids": ["999"]}, "theme_ids"),
    ({"theme_ids": ["abc"]}, "theme_ids"),
    ({"region_ids": []}, "region_ids"),
    ({"region_ids": ["999"]}, "region_ids"),
    ({"region_ids": ["99999999999999999999"]}, "region_ids"),
])
def test_bad_input_in_the_invite_form_is_shown_at_its_field(coordinator_client, expert, themes, regions, data, field):
    values = {"name": "Noor <script>alert(1)</script>", "email": "noor@example.org",
              "theme_ids": [str(themes[0].id)], "region_ids": [str(regions[0].id)], **data}
    response = coordinator_client.post(INVITE, data=values)
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Er is een probleem" in html
    assert f'id="{field}-error"' in html
    assert "<script>alert(1)</script>" not in html
    assert db.session.scalar(select(User).where(User.email == "noor@example.org")) is None
    if field != "name":
        assert "Noor &lt;script&gt;alert(1)&lt;/script&gt;" in html  # what was typed stays


def test_the_invite_form_names_a_duplicate_address(coordinator_client, expert, themes, regions):
    html = coordinator_client.post(INVITE, data={
        "name": "Eva", "email": "Expert@Example.org", "theme_ids": [str(themes[0].id)], "serves_all_regions": "y",
    }).get_data(as_text=True)
    assert "Er is al een account met dit e-mailadres." in html


def test_the_invite_form_refuses_a_post_without_csrf_token(make_app, coordinator, themes):
    data = {"name": "Noor", "email": "noor@example.org", "theme_ids": [str(themes[0].id)], "serves_all_regions": "y"}
    client = make_app(WTF_CSRF_ENABLED=True).test_client()
    with client.session_transaction() as stored:  # logged in, without going through the form
        stored["_user_id"] = str(coordinator.id)
    db.session.rollback()  # SQLite: the other app must be able to write
    response = client.post(INVITE, data=data)
    assert response.status_code == 400
    assert db.session.scalar(select(User).where(User.email == "noor@example.org")) is None


# ---- the invitation link -----------------------------------------------------------------------
def test_the_link_sets_the_password_logs_in_and_shows_the_profile(client, coordinator, themes, regions):
    expert = invite(coordinator, themes, regions)
    link = invitation_link(expert.email)
    page = client.get(link)
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert 'autocomplete="new-password"' in html and expert.email in html
    response = accept(client, link)
    assert response.status_code == 302
    assert response.headers["Location"] == f"/experts/{expert.id}/profiel"
    profile = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Welkom, Noor Visser." in profile
    assert expert.check_password(NEW_PASSWORD)
    assert client.get(link).status_code == 400  # used


def test_after_logging_in_an_expert_lands_on_their_assignments(client, coordinator, themes, regions):
    expert = invite(coordinator, themes, regions)
    accept(client, invitation_link(expert.email))
    client.post("/uitloggen")
    response = client.post("/inloggen", data={"email": expert.email, "password": NEW_PASSWORD})
    assert response.headers["Location"] == f"/experts/{expert.id}/opdrachten"


@pytest.mark.parametrize("password, confirm, field", [
    ("", "", "password"),
    ("kort", "kort", "password"),
    ("x" * 10_000, "x" * 10_000, "password"),
    ("wachtwoord12", "wachtwoord12", "password"),  # common
    ("noor visser thuis", "noor visser thuis", "password"),  # her name
    (NEW_PASSWORD, "iets anders dan dat", "confirm"),
])
def test_a_bad_password_is_refused_and_the_link_keeps_working(client, coordinator, themes, regions,
                                                               password, confirm, field):
    expert = invite(coordinator, themes, regions)
    link = invitation_link(expert.email)
    response = accept(client, link, password, confirm)
    assert response.status_code == 200
    assert f'id="{field}-error"' in response.get_data(as_text=True)
    assert expert.password_hash is None
    assert client.get(link).status_code == 200


def test_tampered_revoked_replaced_and_expired_links_give_a_clear_page(client, coordinator, themes, regions,
                                                                      monkeypatch):
    expert = invite(coordinator, themes, regions)
    link = invitation_link(expert.email)
    services.resend_invitation(expert, coordinator)
    newest = invitation_link(expert.email)
    with monkeypatch.context() as patched:
        patched.setattr(TimestampSigner, "get_timestamp", lambda self: int(time.time()) - 8 * 24 * 3600)
        expired = "/uitnodiging/" + services.invitation_token(expert)
    for bad in (link, newest[:-3] + "abc", "/uitnodiging/" + "x" * 10_000, "/uitnodiging/<script>", expired):
        response = client.get(bad)
        html = response.get_data(as_text=True)
        assert response.status_code == 400, bad
        assert "Deze uitnodiging werkt niet" in html
        assert "Vraag de coördinator die u heeft uitgenodigd om een nieuwe uitnodiging." in html
        assert accept(client, bad).status_code == 400
    assert "De uitnodiging is verlopen" in client.get(expired).get_data(as_text=True)
    services.revoke_invitation(expert, coordinator)
    assert client.get(newest).status_code == 400
    assert accept(client, newest).status_code == 400
    assert expert.password_hash is None


def test_an_invitation_revoked_while_the_form_is_open_is_refused(client, coordinator, themes, regions):
    expert = invite(coordinator, themes, regions)
    link = invitation_link(expert.email)
    assert client.get(link).status_code == 200
    services.revoke_invitation(expert, coordinator)
    assert accept(client, link).status_code == 400
    assert expert.password_hash is None


def test_a_revoked_invitation_cannot_be_bypassed_with_a_password_reset(client, coordinator, themes, regions):
    from ontwikkelbijeenkomsten.accounts import services as accounts
    expert = invite(coordinator, themes, regions)
    services.revoke_invitation(expert, coordinator)
    before = db.session.scalar(select(func.count()).select_from(OutboxMail))
    client.post("/wachtwoord-vergeten", data={"email": expert.email})
    assert db.session.scalar(select(func.count()).select_from(OutboxMail)) == before  # no reset link
    with pytest.raises(InvalidToken):
        accounts.user_for_reset_token(accounts._reset_token(expert))


def test_deactivating_kills_the_invitation_for_good(coordinator, themes, regions):
    expert = invite(coordinator, themes, regions)
    link = invitation_link(expert.email).rsplit("/", 1)[1]
    services.deactivate(expert, coordinator)
    services.reactivate(expert, coordinator)
    with pytest.raises(InvalidToken):
        services.expert_for_invitation(link)


def test_the_invitation_page_is_private(client, coordinator, themes, regions):
    expert = invite(coordinator, themes, regions)
    response = client.get(invitation_link(expert.email))
    assert response.headers["Cache-Control"] == "private, no-store"
    assert response.headers["Referrer-Policy"] == "no-referrer"


def test_the_service_refuses_a_password_with_the_experts_name(app, coordinator, themes, regions):
    expert = invite(coordinator, themes, regions)
    with pytest.raises(RuleViolation, match="naam of e-mailadres"):
        services.accept_invitation(services.invitation_token(expert), "noor visser thuis")
    assert expert.password_hash is None
