"""Erasing an account: a closed expert or coordinator loses name, address, profile, availability
and every way in, keeps their sessions for the reports; an active account, one with sessions to
come, and one's own account are refused with what to do first; the export of an erased account
holds nothing personal."""
from __future__ import annotations

import json
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from ontwikkelbijeenkomsten.accounts.models import Role
from ontwikkelbijeenkomsten.core.extensions import db
from ontwikkelbijeenkomsten.core.models import AuditEvent
from ontwikkelbijeenkomsten.core.rules import RuleViolation
from ontwikkelbijeenkomsten.core.uow import unit_of_work
from ontwikkelbijeenkomsten.experts import services as experts
from ontwikkelbijeenkomsten.experts.models import Availability, ExpertProfile, WeeklyPattern
from ontwikkelbijeenkomsten.meetings import assignments
from ontwikkelbijeenkomsten.meetings.models import MeetingExpert
from ontwikkelbijeenkomsten.privacy import person
from ontwikkelbijeenkomsten.privacy.anonymise import HIDDEN_DOMAIN
from ontwikkelbijeenkomsten.reports.monitoring import monitoring_report
from tests.factories import PASSWORD, future_day, user

EVA = "expert@example.org"  # plan.expert, Eva Jansen


def _closed_expert_with_a_past_session(plan, make_training):
    """Eva led a training a month ago, wrote a profile, keeps availability and a weekly pattern,
    subscribed to her calendar feed and asked for a reset link; then she was deactivated."""
    past = make_training(days_ahead=-30, title="Vorige maand")
    expert = plan.expert
    profile = db.session.get(ExpertProfile, expert.id)
    profile.bio, profile.organisation, profile.max_dagdelen_per_month = "Orthopedagoog in Heerlen.", "Kennispunt", 4
    day = future_day(40)
    db.session.add(WeeklyPattern(expert_id=expert.id, weekdays=[1], dagdelen=["middag"], starts_on=day,
                                 ends_on=day + timedelta(days=28)))
    expert.reset_nonce = "oude-link"
    feed = assignments.feed_token(expert)
    experts.deactivate(expert, plan.coordinator)
    db.session.commit()
    return expert, past, feed


def _report(past):
    report = monitoring_report(past.date - timedelta(days=1), past.date + timedelta(days=1))
    return report.total, [(row.dagdelen, row.per_region) for row in report.experts], [row.expert for row in report.experts]


def test_a_closed_experts_page_says_when_the_account_is_erased(plan, make_training, coordinator_client):
    from ontwikkelbijeenkomsten.core.i18n import long_date
    from ontwikkelbijeenkomsten.core.retention import RetentionKind, expires_at

    expert, _past, _feed = _closed_expert_with_a_past_session(plan, make_training)
    detail = coordinator_client.get(f"/coordinatie/experts/{expert.id}").get_data(as_text=True)
    with coordinator_client.application.test_request_context():
        day = long_date(expires_at(RetentionKind.ACCOUNTS, expert.deactivated_at))
    assert f"het profiel en de beschikbaarheid verwijderd op {day}." in detail


def test_erasing_a_closed_expert_keeps_the_sessions_and_removes_the_person(plan, make_training, client):
    expert, past, feed = _closed_expert_with_a_past_session(plan, make_training)
    assert client.get(f"/agenda/{feed}.ics").status_code == 404  # closed: the feed is gone already
    total, counts, names = _report(past)
    assert names == ["Eva Jansen"]
    version, themes = expert.session_version, expert_themes(expert)

    with unit_of_work():
        done = person.erase(EVA, plan.coordinator)

    assert done.accounts == 1
    assert expert.name == "Gewiste expert" and expert.email.endswith(f"@{HIDDEN_DOMAIN}")
    assert expert.password_hash is expert.invitation_nonce is expert.reset_nonce is expert.last_login_at is None
    assert expert.session_version > version and not expert.active and expert.anonymised_at is not None
    profile = db.session.get(ExpertProfile, expert.id)
    assert (profile.bio, profile.organisation, profile.max_dagdelen_per_month) == ("", "", None)
    assert profile.feed_token != feed and expert_themes(expert) == themes and profile.serves_all_regions
    for model in (Availability, WeeklyPattern):
        assert db.session.scalar(select(func.count()).select_from(model).where(model.expert_id == expert.id)) == 0
    assert db.session.scalar(select(func.count()).select_from(MeetingExpert)
                             .where(MeetingExpert.expert_id == expert.id)) == 1
    assert _report(past) == (total, counts, ["Gewiste expert"])
    assert not person.find(EVA).found
    erased = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "privacy.erased")).one()
    assert "eva" not in json.dumps(erased.details).lower() and "@" not in json.dumps(erased.details)
    assert erased.details["accounts"] == 1

    assert client.get(f"/agenda/{feed}.ics").status_code == 404
    for address in (EVA, expert.email):
        refused = client.post("/inloggen", data={"email": address, "password": PASSWORD})
        assert refused.status_code == 200  # the form again; a login would redirect


def expert_themes(expert) -> list[int]:
    return [theme.id for theme in db.session.get(ExpertProfile, expert.id).themes]


def test_the_export_of_an_erased_account_holds_nothing_personal(plan, make_training):
    expert, _past, _feed = _closed_expert_with_a_past_session(plan, make_training)
    with unit_of_work():
        person.erase(EVA, plan.coordinator)
    exported = json.dumps(person.export(person.find(expert.email)), ensure_ascii=False)
    for personal in ("Eva", "Jansen", EVA, "Orthopedagoog", "Kennispunt", "oude-link"):
        assert personal not in exported
    assert "Gewiste expert" in exported and "Vorige maand" in exported  # the session, not the person


def test_a_closed_coordinator_account_is_erased_under_its_own_label(plan):
    other = user("tweede@example.org", "Tom Tweede", Role.COORDINATOR)
    other.active = False
    db.session.commit()
    with unit_of_work():
        person.erase("Tweede@example.org", plan.coordinator)
    assert other.name == "Gewiste coördinator" and other.email.endswith(HIDDEN_DOMAIN)
    assert other.password_hash is None


@pytest.mark.parametrize("case", ["active", "upcoming", "own"])
def test_an_account_that_is_still_needed_is_refused_and_nothing_is_erased(plan, training, case):
    expert = plan.expert
    if case == "upcoming":  # closed without the check (before it existed): the training is still to come
        expert.active = False
        db.session.commit()
    target = plan.coordinator if case == "own" else expert
    with pytest.raises(RuleViolation) as refused, unit_of_work():
        person.erase(target.email, plan.coordinator)
    assert refused.value.field == "account"
    assert target.name in ("Eva Jansen", "Sanne de Vries") and not target.email.endswith(HIDDEN_DOMAIN)
    assert db.session.scalar(select(func.count()).select_from(Availability)) > 0
    assert not db.session.scalars(select(AuditEvent).where(AuditEvent.action == "privacy.erased")).all()


@pytest.mark.parametrize(("case", "said"), [
    ("active", "Het account van deze expert is nog actief. Deactiveer het eerst op de pagina van de expert."),
    ("upcoming", "Deze expert heeft nog bijeenkomsten in de toekomst. Wijs die eerst aan een andere expert toe."),
])
def test_the_page_says_at_the_action_what_to_do_first(plan, training, coordinator_client, case, said):
    if case == "upcoming":
        plan.expert.active = False
        db.session.commit()
    page = coordinator_client.post("/coordinatie/privacy", data={"email": EVA}).get_data(as_text=True)
    refusal = page.split('id="account-refusals"')[1].split("</form>")[0]
    assert said in refusal and f'href="/coordinatie/experts/{plan.expert.id}"' in refusal
    assert 'name="sure"' not in page

    posted = coordinator_client.post("/coordinatie/privacy/wissen", data={"email": EVA, "sure": "y"})
    html = posted.get_data(as_text=True)
    assert posted.status_code == 200 and said in html.split('id="error-summary"')[1].split("</div>")[0]
    assert said in html.split('id="account-refusals"')[1]
    assert plan.expert.name == "Eva Jansen" and person.find(EVA).found


def test_a_coordinator_cannot_erase_their_own_account(plan, coordinator_client):
    posted = coordinator_client.post("/coordinatie/privacy/wissen", data={"email": plan.coordinator.email, "sure": "y"})
    assert posted.status_code == 200 and "Dit is uw eigen account." in posted.get_data(as_text=True)
    assert plan.coordinator.name == "Sanne de Vries"


def test_after_erasing_a_closed_expert_the_pages_show_the_neutral_name(plan, make_training, coordinator_client):
    expert, past, _feed = _closed_expert_with_a_past_session(plan, make_training)
    html = coordinator_client.post("/coordinatie/privacy/wissen", data={"email": EVA, "sure": "y"},
                                   follow_redirects=True).get_data(as_text=True)
    assert "Het account is geanonimiseerd" in html
    detail = coordinator_client.get(f"/coordinatie/experts/{expert.id}").get_data(as_text=True)
    assert 'id="account-erased"' in detail and "/activeren" not in detail and "uitnodiging" not in detail.lower()
    again = coordinator_client.post(f"/coordinatie/experts/{expert.id}/activeren", follow_redirects=True)
    assert "Dit account is gewist en kan niet meer worden gebruikt." in again.get_data(as_text=True)
    assert not expert.active
    for page in (f"/coordinatie/experts/{expert.id}", f"/coordinatie/trainingen/{past.id}"):
        shown = coordinator_client.get(page).get_data(as_text=True)
        assert "Gewiste expert" in shown and "Eva Jansen" not in shown, page


def test_the_purge_leaves_a_closed_account_with_a_session_to_come(plan, training):
    """Closed before the check existed, with a training still to come: it is not erased until the
    training has another expert."""
    from ontwikkelbijeenkomsten.core.retention import RetentionKind, add_months, months_in_force
    from ontwikkelbijeenkomsten.privacy import purge
    from tests.privacy.test_purge import LONG_AGO

    plan.expert.active, plan.expert.deactivated_at = False, LONG_AGO
    db.session.commit()
    later = add_months(LONG_AGO, months_in_force()[RetentionKind.ACCOUNTS]) + timedelta(days=1)
    with unit_of_work():
        assert purge.purge_batch(now=later)["accounts"] == 0
    assert plan.expert.name == "Eva Jansen"



def test_the_command_refuses_an_active_account_and_erases_a_closed_one(plan, make_training, app):
    runner = app.test_cli_runner()
    refused = runner.invoke(args=["privacy", "erase", plan.other_expert.email, "--by", plan.coordinator.email, "--yes"])
    assert refused.exit_code == 1 and "still active" in refused.output
    assert plan.other_expert.name == "Omar Bakker"
    _closed_expert_with_a_past_session(plan, make_training)
    erased = runner.invoke(args=["privacy", "erase", EVA, "--by", plan.coordinator.email, "--yes"])
    assert erased.exit_code == 0, erased.output
    assert "accounts: 1" in erased.output and plan.expert.name == "Gewiste expert"


def test_an_erased_experts_profile_and_availability_are_gone_and_their_sessions_stay(
        plan, make_training, coordinator_client):
    expert, _past, _feed = _closed_expert_with_a_past_session(plan, make_training)
    coordinator_client.post("/coordinatie/privacy/wissen", data={"email": EVA, "sure": "y"})
    detail = coordinator_client.get(f"/coordinatie/experts/{expert.id}").get_data(as_text=True)
    assert f"/experts/{expert.id}/profiel" not in detail and f"/experts/{expert.id}/opdrachten" in detail
    for path in (f"/experts/{expert.id}/profiel", f"/experts/{expert.id}/beschikbaarheid"):
        assert coordinator_client.get(path).status_code == 404, f"BUG: {path} lets an erased person be typed in again"
    assert coordinator_client.post(f"/experts/{expert.id}/profiel", data={"bio": "Eva, weer terug"}).status_code == 404
    assert coordinator_client.get(f"/experts/{expert.id}/opdrachten").status_code == 200
