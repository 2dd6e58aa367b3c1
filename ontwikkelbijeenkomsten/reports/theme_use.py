"""How much each theme is used (the coordinators' theme page): requests, experts and sessions
that have it. Three statements however many themes."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select

from ..core.extensions import db
from ..experts.models import expert_themes
from ..meetings.models import meeting_themes
from ..requests.models import request_themes


@dataclass(frozen=True)
class ThemeUse:
    requests: int = 0
    experts: int = 0
    meetings: int = 0


def theme_use() -> dict[int, ThemeUse]:
    """Per theme id that anything has: how many requests, experts and sessions have it."""
    counts: dict[int, dict[str, int]] = {}
    for key, table in (("requests", request_themes), ("experts", expert_themes), ("meetings", meeting_themes)):
        for theme_id, count in db.session.execute(
                select(table.c.theme_id, func.count()).group_by(table.c.theme_id)):
            counts.setdefault(theme_id, {})[key] = count
    return {theme_id: ThemeUse(**found) for theme_id, found in counts.items()}
