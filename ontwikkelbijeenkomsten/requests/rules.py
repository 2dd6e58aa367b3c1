"""The rules a region's request must meet, each reported at the form field it concerns.

`problems` finds every broken rule at once, so a person sees everything to correct together.
It also reads a submission whose form had errors: a value that was missing or could not be
read is None there, and the rules leave it to the form's message.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from flask_babel import format_date
from flask_babel import lazy_gettext as _l
from flask_babel import lazy_ngettext

from ..core.extensions import db
from ..core.rules import RuleViolation
from ..core.sectors import Sector
from ..core.themes import themes_by_id
from ..core.time import Dagdeel
from ..regions import quota
from ..regions.models import OrganisationType, ProgrammePeriod, Region
from .models import LocationKind

MAX_MOMENTS = 6
MAX_DAGDELEN = 4  # the database allows 1-4 dagdelen per request
MAX_PARTICIPANTS = 500


@dataclass
class Submission:
    """What a region sends. `moments` are (date, dagdeel) pairs in the order of the form's rows;
    a row left empty is (None, None). `period_id` is the programme period asked for: None for
    the current one."""

    region_id: int | None
    organisation_name: str
    organisation_type: OrganisationType | None
    contact_name: str
    contact_email: str
    contact_phone: str
    dagdelen_wanted: int | None
    goal: str
    location_kind: LocationKind | None
    theme_ids: list[int | None]
    consent: bool
    participating_organisations: str = ""
    contact_function: str = ""
    moments: list[tuple[date | None, Dagdeel | None]] = field(default_factory=list)
    period_start: date | None = None
    period_end: date | None = None
    period_dagdelen: list[Dagdeel] = field(default_factory=list)
    expected_participants: int | None = 0
    sectors: list[str] = field(default_factory=list)
    location: str = ""
    locale: str = "nl"
    submission_key: str | None = None
    period_id: int | None = None

    @property
    def filled_moments(self) -> list[tuple[date, Dagdeel]]:
        return [(day, dagdeel) for day, dagdeel in self.moments if day is not None and dagdeel is not None]


def problems(s: Submission, period: ProgrammePeriod, today: date) -> list[RuleViolation]:
    """Every rule `s` breaks in `period`, seen on `today`."""
    found: list[RuleViolation] = []

    def fail(field_name: str, message) -> None:
        found.append(RuleViolation(field_name, message))

    region = db.session.get(Region, s.region_id) if isinstance(s.region_id, int) else None
    if region is None or not region.active:
        fail("region_id", _l("Choose your region from the list."))
        region = None
    _check_themes(s.theme_ids, fail)
    _check_dagdelen(s.dagdelen_wanted, region, period, fail)
    _check_moments(s, period, today, fail)
    if s.expected_participants is not None and not 0 <= s.expected_participants <= MAX_PARTICIPANTS:
        fail("expected_participants", _l("Enter a number from 0 to %(max)s.", max=MAX_PARTICIPANTS))
    if not set(s.sectors) <= {sector.value for sector in Sector}:
        fail("sectors", _l("Choose from the list."))
    if s.location_kind is LocationKind.ADDRESS and not s.location:
        fail("location", _l("Enter the address where the meeting takes place."))
    if not s.consent:
        fail("consent", _l("Agree to the privacy statement to send your request."))
    return found


def _check_themes(theme_ids: list, fail) -> None:
    if not theme_ids:
        fail("theme_ids", _l("Choose at least one theme."))
        return
    chosen = set(theme_ids)
    if None in chosen or len(themes_by_id(chosen, active_only=True)) != len(chosen):
        fail("theme_ids", _l("Choose themes from the list."))


def _check_dagdelen(wanted: int | None, region: Region | None, period: ProgrammePeriod, fail) -> None:
    if wanted is None or not 1 <= wanted <= MAX_DAGDELEN:
        fail("dagdelen_wanted", _l("Choose a number from 1 to %(max)s.", max=MAX_DAGDELEN))
        return
    left = quota.remaining(region, period) if region is not None else wanted
    if wanted > left:
        fail("dagdelen_wanted", lazy_ngettext(
            "Your region has %(num)s dagdeel left in this period. Ask for at most %(num)s.",
            "Your region has %(num)s dagdelen left in this period. Ask for at most %(num)s.", left,
        ) if left else _l("Your region has no dagdelen left in this period. Do you need more? Ask the "
                          "coordinators: they can raise your region's quota."))


def _day_problem(day: date, period: ProgrammePeriod, today: date):
    """What is wrong with a preferred day, or None."""
    if day <= today:
        return _l("Choose a date after today.")
    if not period.contains(day):
        return _l("Choose a date within this programme period, from %(start)s to %(end)s.",
                  start=format_date(period.starts_on, "d MMMM y"), end=format_date(period.ends_on, "d MMMM y"))
    return None


def _check_moments(s: Submission, period: ProgrammePeriod, today: date, fail) -> None:
    rows = [(row, day, dagdeel) for row, (day, dagdeel) in enumerate(s.moments)
            if day is not None or dagdeel is not None]
    uses_period = s.period_start is not None or s.period_end is not None
    if not rows and not uses_period:
        fail("moments", _l("Give at least one preferred moment, or a period."))
    if len(rows) > MAX_MOMENTS:
        fail("moments", _l("Give at most six preferred moments."))
    seen: dict[tuple[date, Dagdeel], int] = {}
    for row, day, dagdeel in rows:
        if dagdeel is None:
            fail(f"moments-{row}-dagdeel", _l("Choose the dagdeel for this date."))
        if day is None:
            fail(f"moments-{row}-date", _l("Enter the date of this moment."))
        elif problem := _day_problem(day, period, today):
            fail(f"moments-{row}-date", problem)
        elif dagdeel is not None and (day, dagdeel) in seen:
            fail(f"moments-{row}-date", _l("You chose this moment already, as preferred moment %(number)s.",
                                           number=seen[day, dagdeel]))
        elif dagdeel is not None:
            seen[day, dagdeel] = row + 1
    if uses_period:
        _check_period(s, period, today, fail)


def _check_period(s: Submission, period: ProgrammePeriod, today: date, fail) -> None:
    def day_problem(day, missing):
        return missing if day is None else _day_problem(day, period, today)

    if problem := day_problem(s.period_start, _l("Enter the first day of the period.")):
        fail("period_start", problem)
    if problem := day_problem(s.period_end, _l("Enter the last day of the period.")):
        fail("period_end", problem)
    elif s.period_start and s.period_end < s.period_start:
        fail("period_end", _l("The last day must be on or after the first day."))
    if not s.period_dagdelen:
        fail("period_dagdelen", _l("Choose which dagdelen suit you in this period."))
