"""Requests that wait too long for a decision: still submitted or in review after more than
10 working days (Monday to Friday; holidays are not counted)."""
from __future__ import annotations

from datetime import date, datetime, timedelta

from sqlalchemy import and_

from ..core.time import local_to_utc, today_local
from .models import Request, RequestState

WAITING_WORKING_DAYS = 10
WAITING_STATES = (RequestState.SUBMITTED, RequestState.IN_REVIEW)


def working_days_before(day: date, count: int) -> date:
    """The date `count` working days (Monday to Friday) before `day`."""
    while count:
        day -= timedelta(days=1)
        if day.weekday() < 5:
            count -= 1
    return day


def waiting_since(today: date | None = None) -> datetime:
    """Requests created before this moment (UTC) have waited longer than 10 working days: one
    created on a Monday waits too long from the Tuesday two weeks later."""
    return local_to_utc(working_days_before(today or today_local(), WAITING_WORKING_DAYS), datetime.min.time())


def waiting_too_long():
    """The condition on requests, for the queue's filter and the start page's count."""
    return and_(Request.state.in_(WAITING_STATES), Request.created_at < waiting_since())
