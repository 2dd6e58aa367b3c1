"""The banner on a request's or a training's page for each session whose expert declined: who
declined and why, and the experts free in that dagdeel who could take it over (posted as a move)."""
from __future__ import annotations

from ontwikkelbijeenkomsten.meetings.changes import closed_message
from ontwikkelbijeenkomsten.meetings.models import AssignmentState, Meeting, MeetingState
from ontwikkelbijeenkomsten.scheduling.proposals import replacements


def expert_needed(meetings: list[Meeting]) -> list[dict]:
    """Per session that needs an expert and can still change: `meeting`, `declined` (the
    assignments declined) and `replacements`."""
    return [{"meeting": m, "declined": [a for a in m.experts if a.state is AssignmentState.DECLINED],
             "replacements": replacements(m)}
            for m in meetings if m.state is MeetingState.EXPERT_NEEDED and closed_message(m) is None]
