"""scripts/dataset.py builds the scale dataset (here a small one) with every rule the app
enforces intact."""
import importlib.util
import sys
from pathlib import Path

import pytest
import sqlalchemy as sa

SCRIPT = Path(__file__).resolve().parent.parent / "scripts" / "dataset.py"
SMALL = dict(regions=2, experts=4, requests=30, meetings=12, registrations=80, mails=10)


@pytest.fixture(scope="module")
def dataset():
    spec = importlib.util.spec_from_file_location("dataset", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    sys.modules["dataset"] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


def test_a_small_dataset_keeps_every_rule_and_a_second_run_is_refused(dataset, empty_database_url):
    lines = []
    counts = dataset.build(empty_database_url, dataset.Sizes(**SMALL), seed=3, say=lines.append)
    engine = sa.create_engine(empty_database_url)
    try:
        with engine.connect() as conn:
            has_the_asked_sizes(conn, counts, lines)
            ledgers_hold_exactly_the_granted_dagdelen_within_the_quota(conn)
            requests_have_the_sessions_their_state_says(conn)
            no_expert_slot_is_booked_twice_and_every_booking_is_available(conn)
            places_stay_within_capacity_and_one_active_registration_per_address(conn)
    finally:
        engine.dispose()
    with pytest.raises(SystemExit, match="not empty"):
        dataset.build(empty_database_url, dataset.Sizes(**SMALL), say=lines.append)


def rows(conn, sql: str) -> list:
    return conn.execute(sa.text(sql)).all()


def has_the_asked_sizes(conn, counts, lines):
    """The sizes asked, several states of each kind, and a progress line per step."""
    tables = {"regions": 2, "requests": 30, "meetings": 12, "registrations": 80, "outbox_mails": 10,
              "programme_periods": 2}
    assert {t: rows(conn, f"SELECT count(*) FROM {t}")[0][0] for t in tables} == tables
    assert counts["experts"] == 4 and counts["evaluations"] == rows(conn, "SELECT count(*) FROM evaluations")[0][0]
    assert len(lines) >= 7 and lines[-1].endswith("done")
    assert {s for (s,) in rows(conn, "SELECT DISTINCT state FROM requests")} >= {"submitted", "granted", "rejected"}
    assert {s for (s,) in rows(conn, "SELECT DISTINCT state FROM meetings")} >= {"held", "planned"}


def ledgers_hold_exactly_the_granted_dagdelen_within_the_quota(conn):
    ledgers = rows(conn, "SELECT region_id, period_id, granted, quota FROM quota_ledgers")
    granted = dict(((r, p), n) for r, p, n in rows(
        conn, "SELECT region_id, period_id, sum(dagdelen_granted) FROM requests GROUP BY region_id, period_id"
              " HAVING sum(dagdelen_granted) > 0"))
    assert {(r, p): n for r, p, n, _ in ledgers} == granted
    assert all(n <= quota for _, _, n, quota in ledgers)


def requests_have_the_sessions_their_state_says(conn):
    found = rows(conn, """
        SELECT r.state, r.dagdelen_granted,
               sum(CASE WHEN m.state IN ('planned', 'changed', 'held') THEN 1 ELSE 0 END),
               sum(CASE WHEN m.state = 'held' THEN 1 ELSE 0 END)
        FROM requests r LEFT JOIN meetings m ON m.request_id = r.id GROUP BY r.id, r.state, r.dagdelen_granted""")
    for state, granted, active, held in found:
        active, held = active or 0, held or 0
        if state == "scheduled":
            assert active == granted
        elif state == "held":
            assert held == granted
        else:
            assert active <= granted


def no_expert_slot_is_booked_twice_and_every_booking_is_available(conn):
    active = "state IN ('assigned', 'accepted')"
    assert rows(conn, f"SELECT expert_id, date, dagdeel FROM meeting_experts WHERE {active} "
                      "GROUP BY expert_id, date, dagdeel HAVING count(*) > 1") == []
    assert rows(conn, f"SELECT m.id FROM meeting_experts m LEFT JOIN availabilities a ON a.expert_id = m.expert_id"
                      f" AND a.date = m.date AND a.dagdeel = m.dagdeel WHERE m.{active} AND a.id IS NULL") == []
    assert rows(conn, "SELECT count(*) FROM meetings m WHERE state <> 'cancelled' AND NOT EXISTS "
                      f"(SELECT 1 FROM meeting_experts e WHERE e.meeting_id = m.id AND e.{active})")[0][0] == 0


def places_stay_within_capacity_and_one_active_registration_per_address(conn):
    for capacity, counted, holding in rows(conn, """
            SELECT m.capacity, m.confirmed_count,
                   sum(CASE WHEN r.state IN ('confirmed', 'attended') THEN 1 ELSE 0 END)
            FROM meetings m LEFT JOIN registrations r ON r.meeting_id = m.id
            GROUP BY m.id, m.capacity, m.confirmed_count"""):
        assert counted == (holding or 0)
        assert capacity is None or counted <= capacity
    assert rows(conn, "SELECT meeting_id, email FROM registrations WHERE state <> 'cancelled' "
                      "GROUP BY meeting_id, email HAVING count(*) > 1") == []
    assert rows(conn, "SELECT count(*) FROM registrations WHERE state = 'waiting'")[0][0] > 0
