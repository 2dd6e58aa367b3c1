"""Retention periods: defaults, the coordinators' values within the legal floor and ceiling, and
the moment data expires."""
from __future__ import annotations

from datetime import datetime, timezone

import pytest

from ontwikkelbijeenkomsten.core.extensions import db
from ontwikkelbijeenkomsten.core.models import AuditEvent
from ontwikkelbijeenkomsten.core.retention import (
    RULES,
    RetentionKind,
    add_months,
    cutoff,
    expires_at,
    months_in_force,
    set_months,
)
from ontwikkelbijeenkomsten.core.rules import RuleViolation

SESSION_END = datetime(2026, 3, 31, 16, 30, tzinfo=timezone.utc)


def test_the_defaults_of_the_issue_are_in_force_without_settings(app):
    assert months_in_force() == {
        RetentionKind.REGISTRATIONS: 12, RetentionKind.NEEDS: 1, RetentionKind.EVALUATION_TEXT: 12,
        RetentionKind.REQUEST_CONTACTS: 24, RetentionKind.MAIL_BODIES: 3, RetentionKind.AUDIT: 24,
        RetentionKind.ACCOUNTS: 12,
    }
    assert expires_at(RetentionKind.REGISTRATIONS, SESSION_END) == datetime(2027, 3, 31, 16, 30, tzinfo=timezone.utc)
    assert expires_at(RetentionKind.NEEDS, SESSION_END) == datetime(2026, 4, 30, 16, 30, tzinfo=timezone.utc)


def test_a_month_later_ends_on_the_last_day_of_a_shorter_month():
    assert add_months(datetime(2026, 1, 31, tzinfo=timezone.utc), 1) == datetime(2026, 2, 28, tzinfo=timezone.utc)
    assert add_months(datetime(2026, 1, 15, tzinfo=timezone.utc), -13) == datetime(2024, 12, 15, tzinfo=timezone.utc)


def test_every_period_has_a_floor_and_a_ceiling_around_its_default():
    for rule in RULES.values():
        assert rule.floor <= rule.default <= rule.ceiling < 120


def test_a_coordinator_sets_a_period_within_the_bounds_and_it_is_audited(app, coordinator):
    assert set_months({RetentionKind.REGISTRATIONS: 6}, actor=coordinator) == [RetentionKind.REGISTRATIONS]
    db.session.flush()
    assert months_in_force()[RetentionKind.REGISTRATIONS] == 6
    assert cutoff(RetentionKind.REGISTRATIONS, SESSION_END) == datetime(2025, 9, 30, 16, 30, tzinfo=timezone.utc)
    event = db.session.query(AuditEvent).filter_by(action="retention.changed").one()
    assert event.details == {"kind": "registrations", "before": 12, "after": 6}
    assert set_months({RetentionKind.REGISTRATIONS: 6}, actor=coordinator) == []  # nothing changed


def test_forever_and_never_are_refused_with_every_problem_at_once(app, coordinator):
    with pytest.raises(RuleViolation) as refused:
        set_months({RetentionKind.REGISTRATIONS: 1200, RetentionKind.AUDIT: 0}, actor=coordinator)
    assert [p.field for p in refused.value.problems] == ["registrations", "audit"]
    assert months_in_force()[RetentionKind.REGISTRATIONS] == 12
