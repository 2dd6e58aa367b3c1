"""The regions overview: per active region its quota and the dagdelen granted, scheduled and
left in a period, on the page and as CSV for Excel."""
from __future__ import annotations

import re
from dataclasses import dataclass

from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, func, select

from ..core.extensions import db
from ..core.spreadsheets import csv_text
from ..meetings.models import Meeting, MeetingState
from ..regions.models import ProgrammePeriod, QuotaLedger, Region
from ..requests.models import Request


#: The overview's columns in order: the sort key and the header.
OVERVIEW_COLUMNS = (
    ("code", _l("Code")),
    ("name", _l("Region")),
    ("quota", _l("Quota")),
    ("granted", _l("Granted")),
    ("scheduled", _l("Scheduled")),
    ("remaining", _l("Remaining")),
)
SORT_KEYS = tuple(key for key, _label in OVERVIEW_COLUMNS)


@dataclass(frozen=True)
class OverviewRow:
    region_id: int
    code: str
    name: str
    quota: int
    granted: int
    scheduled: int
    remaining: int


def overview(period: ProgrammePeriod, sort: str = "code", descending: bool = False) -> list[OverviewRow]:
    """Every active region with its quota, granted, scheduled and remaining dagdelen in `period`.

    Scheduled counts the sessions of the region's requests in the period that are not
    cancelled. One query, whatever the number of regions.
    """
    scheduled = (
        select(Request.region_id, func.count(Meeting.id).label("count"))
        .join(Meeting, Meeting.request_id == Request.id)
        .where(Request.period_id == period.id, Meeting.state != MeetingState.CANCELLED)
        .group_by(Request.region_id)
        .subquery()
    )
    quota_ = func.coalesce(QuotaLedger.quota, period.default_quota)
    granted = func.coalesce(QuotaLedger.granted, 0)
    scheduled_count = func.coalesce(scheduled.c.count, 0)
    order_by = {
        "code": Region.code,
        "name": func.lower(Region.name),
        "quota": quota_,
        "granted": granted,
        "scheduled": scheduled_count,
        "remaining": quota_ - granted,
    }[sort]
    rows = db.session.execute(
        select(Region.id, Region.code, Region.name, quota_, granted, scheduled_count, quota_ - granted)
        .outerjoin(QuotaLedger, and_(QuotaLedger.region_id == Region.id, QuotaLedger.period_id == period.id))
        .outerjoin(scheduled, scheduled.c.region_id == Region.id)
        .where(Region.active.is_(True))
        .order_by(order_by.desc() if descending else order_by.asc(), Region.code)
    ).all()
    return [OverviewRow(*row) for row in rows]


def overview_csv(rows: list[OverviewRow]) -> str:
    """The overview for Excel (see `csv_text`)."""
    return csv_text([[str(label) for _key, label in OVERVIEW_COLUMNS],
                     *([row.code, row.name, row.quota, row.granted, row.scheduled, row.remaining] for row in rows)])


def csv_filename(period: ProgrammePeriod) -> str:
    prefix = gettext("region-overview")
    slug = re.sub(r"[^a-z0-9]+", "-", period.name.lower()).strip("-")
    return f"{prefix}-{slug or period.id}.csv"
