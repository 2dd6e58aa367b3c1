"""Finding a person by name or e-mail address across requests (the contact), registrations
(the participant) and experts, for coordinators.

One query per kind, whatever the number of rows: each list is capped at `LIMIT` and says when
there was more. The match ignores case on every backend, also in letters like É and Å: SQLite's
`lower` is made Unicode-aware in `core/db.py`, and on PostgreSQL it runs under the ICU root
collation, whatever the database's own locale (a database made with locale C folds only A-Z).
`%` and `_` in what was typed are ordinary characters.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import func, or_, select
from sqlalchemy.orm import contains_eager

from ..accounts.models import Role, User
from ..core.extensions import db
from ..meetings.models import Meeting, Registration
from ..requests.models import Request

#: Fewer characters than this match too much to be useful.
MIN_LENGTH = 2
#: At most this many hits per kind; more means the search should be narrower.
LIMIT = 50


@dataclass
class Hits:
    rows: list = field(default_factory=list)
    more: bool = False  # there were more than LIMIT


@dataclass
class Found:
    requests: Hits
    registrations: Hits
    experts: Hits

    @property
    def total(self) -> int:
        return len(self.requests.rows) + len(self.registrations.rows) + len(self.experts.rows)


def _contains(text: str):
    """A LIKE pattern for `text` anywhere, lower case, with its own wildcards escaped."""
    escaped = text.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _folded(column):
    if db.engine.dialect.name == "postgresql":
        column = column.collate("und-x-icu")
    return func.lower(column)


def _matches(pattern: str, *columns):
    return or_(*(_folded(column).like(pattern, escape="\\") for column in columns))


def _capped(query) -> Hits:
    rows = list(db.session.scalars(query.limit(LIMIT + 1)).unique())
    return Hits(rows=rows[:LIMIT], more=len(rows) > LIMIT)


def people(text: str) -> Found:
    """Everything whose person's name or e-mail address contains `text` (at least MIN_LENGTH
    characters after trimming; the caller checks), newest first; three queries."""
    pattern = _contains(text.strip())
    requests = (
        select(Request).join(Request.region).options(contains_eager(Request.region))
        .where(_matches(pattern, Request.contact_name, Request.contact_email))
        .order_by(Request.created_at.desc(), Request.id.desc())
    )
    registrations = (
        select(Registration).join(Registration.meeting).options(contains_eager(Registration.meeting))
        .where(_matches(pattern, Registration.name, Registration.email))
        .order_by(Meeting.starts_at.desc(), Registration.id.desc())
    )
    experts = (
        select(User).where(User.role == Role.EXPERT, _matches(pattern, User.name, User.email))
        .order_by(func.lower(User.name), User.id)
    )
    return Found(requests=_capped(requests), registrations=_capped(registrations), experts=_capped(experts))

