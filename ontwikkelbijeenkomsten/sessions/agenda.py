"""The public agenda: upcoming open trainings, filtered by theme, region and month.

A training is listed by its lead (the first part of a series) while it is not cancelled and
the first of its parts that takes place still lies in the future; regional sessions are never
listed. A training without a region is national or online and shows under every region. A
page runs the same few queries however many trainings there are.
"""
from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from flask_babel import format_date
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from sqlalchemy import exists, func, or_, select
from sqlalchemy.orm import aliased, selectinload
from wtforms import SelectField

from ..core.db import utcnow
from ..core.forms import in_choices
from ..core.models import Theme
from ..core.time import today_local
from ..extensions import db
from ..regions.models import Region
from . import services
from .models import Session, SessionKind, SessionState, session_themes

MONTHS_AHEAD = 24  # the months one can choose: this one and the next 23


@dataclass(frozen=True)
class Filters:
    theme_id: int | None = None
    region_id: int | None = None
    month: date | None = None  # the first day of the month


@dataclass(frozen=True)
class Item:
    """One training: its lead, the parts that take place (time order) and its places."""

    lead: Session
    parts: list[Session]
    places_left: int | None  # None: no limit
    full: bool

    @property
    def waiting_list(self) -> bool:
        return self.full and self.lead.waiting_list_enabled

    @property
    def month(self) -> date:
        """The month of its first part, to group the list by."""
        return first_of_month(self.parts[0].date)


@dataclass(frozen=True)
class Day:
    day: date
    past: bool
    entries: list[tuple[Item, Session]]  # the parts on this day, with their training


@dataclass(frozen=True)
class Month:
    first: date
    weeks: list[list[Day | None]]  # Monday to Sunday; None for days of the months around it
    previous: date | None  # first day of the month before, when it can be shown
    next: date | None


def first_of_month(day: date) -> date:
    return day.replace(day=1)


def _add_months(first: date, count: int) -> date:
    index = first.year * 12 + first.month - 1 + count
    return date(index // 12, index % 12 + 1, 1)


def choosable_months(today: date | None = None) -> list[date]:
    start = first_of_month(today or today_local())
    return [_add_months(start, n) for n in range(MONTHS_AHEAD)]


def trainings(filters: Filters, now: datetime | None = None) -> list[Item]:
    """The upcoming open trainings that match, by their first part; four queries."""
    part = aliased(Session)
    own_parts = or_(part.id == Session.id, part.series_id == Session.id)
    takes_place = part.state != SessionState.CANCELLED
    first_start = select(func.min(part.starts_at)).where(own_parts, takes_place).scalar_subquery()
    query = (
        select(Session)
        .where(Session.kind == SessionKind.OPEN_TRAINING, Session.series_id.is_(None),
               first_start > (now or utcnow()))  # a cancelled first part leaves the series listed
        .order_by(first_start, Session.id)
        .options(selectinload(Session.parts), selectinload(Session.themes), selectinload(Session.region))
    )
    if filters.theme_id is not None:
        query = query.where(exists().where(session_themes.c.session_id == Session.id,
                                           session_themes.c.theme_id == filters.theme_id))
    if filters.region_id is not None:
        query = query.where(or_(Session.region_id.is_(None), Session.region_id == filters.region_id))
    if filters.month is not None:
        last = _add_months(filters.month, 1) - timedelta(days=1)
        query = query.where(exists().where(own_parts, takes_place, part.date.between(filters.month, last)))
    return [_item(lead) for lead in db.session.scalars(query)]


def _item(lead: Session) -> Item:
    parts = [p for p in lead.all_parts if p.state is not SessionState.CANCELLED]
    return Item(lead, parts, services.places_left(lead), services.is_full(lead))


def month(first: date, items: list[Item], months: list[date]) -> Month:
    """The calendar of one month with every part of `items` on its day; `months` are the
    months that can be shown, for the links to the month before and after."""
    on_day: dict[date, list[tuple[Item, Session]]] = {}
    for item in items:
        for part in item.parts:
            on_day.setdefault(part.date, []).append((item, part))
    today = today_local()
    weeks = [
        [Day(day, day < today, sorted(on_day.get(day, []), key=lambda entry: entry[1].starts_at))
         if day.month == first.month else None for day in week]
        for week in calendar.Calendar().monthdatescalendar(first.year, first.month)
    ]
    previous, following = _add_months(first, -1), _add_months(first, 1)
    return Month(first, weeks, previous if previous in months else None, following if following in months else None)


def month_label(first: date) -> str:
    """'December 2026' in the page's language."""
    return format_date(first, "LLLL y").capitalize()


class AgendaForm(FlaskForm):
    """The filters, sent with GET as ?thema=…&regio=…&maand=2026-12; a value that is not one of
    the choices gets a message at its field and is left out of the filter."""

    class Meta:
        csrf = False

    theme = SelectField(_l("Theme"), name="thema", default="", validate_choice=False,
                        validators=[in_choices(_l("Choose a theme from the list."))])
    region = SelectField(
        _l("Region"), name="regio", default="", validate_choice=False,
        validators=[in_choices(_l("Choose a region from the list."))],
        description=_l("Trainings without a region are national or online; they are always shown."),
    )
    month = SelectField(_l("Month"), name="maand", default="", validate_choice=False,
                        validators=[in_choices(_l("Choose a month from the list."))])

    def configure(self, months: list[date]) -> AgendaForm:
        self.theme.choices = [("", _("All themes"))] + [
            (str(id_), name) for id_, name in db.session.execute(
                select(Theme.id, Theme.name).where(Theme.active).order_by(Theme.position, Theme.id))]
        self.region.choices = [("", _("All regions"))] + [
            (str(id_), name) for id_, name in db.session.execute(
                select(Region.id, Region.name).where(Region.active).order_by(Region.name, Region.id))]
        self.month.choices = [("", _("All months"))] + [(m.strftime("%Y-%m"), month_label(m)) for m in months]
        return self

    def filters(self) -> Filters:
        """What was chosen, without the values that are not in the lists (call after validate)."""
        def chosen(field) -> str | None:
            return None if field.errors else (field.data or None)

        theme, region, shown = chosen(self.theme), chosen(self.region), chosen(self.month)
        return Filters(int(theme) if theme else None, int(region) if region else None,
                       date.fromisoformat(shown + "-01") if shown else None)
