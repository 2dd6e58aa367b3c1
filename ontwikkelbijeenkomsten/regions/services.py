"""Rules for regions, member organisations, programme periods and their quota.

Every change adds its audit event to the caller's unit of work and flushes; the caller commits.
Before a region is deactivated or a period's days change, the layers above are asked
(regions/signals.py): open requests keep them as they are.
"""
from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from importlib import resources

from flask_babel import format_date
from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from ..accounts.models import User
from ..core import audit
from ..core.extensions import db
from ..core.models import AuditEvent
from ..core.rules import RuleViolation, raise_refusals
from . import quota
from .models import Organisation, OrganisationType, ProgrammePeriod, QuotaLedger, Region
from .signals import period_days_changing, region_deactivating

CODE_PATTERN = re.compile(r"^[A-Z]{2}\d{2}$")
#: The highest quota a coordinator can give a region or a period, in dagdelen.
QUOTA_MAX = 20
QUOTA_CHANGED = "region.quota_changed"


# ---- import ------------------------------------------------------------------------------------
@dataclass
class ImportReport:
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: list[tuple[int, str]] = field(default_factory=list)


def import_regions(text: str, progress: Callable[[int], None] | None = None) -> ImportReport:
    """Add and update regions from CSV text with columns `code` and `name`.

    Commas or semicolons (what Dutch Excel writes) separate the columns; a byte order mark is
    ignored. `progress(rows)` is called after every data row with the number of rows read.
    """
    report = ImportReport()
    text = text.removeprefix("\ufeff")
    header = text.partition("\n")[0]
    reader = csv.DictReader(io.StringIO(text), delimiter=";" if header.count(";") > header.count(",") else ",")
    try:
        reader.fieldnames = [name.strip().lower() for name in reader.fieldnames or []]
        if not {"code", "name"} <= set(reader.fieldnames):
            report.rejected.append((1, "the header must name the columns code and name"))
            return report
        existing = {r.code: r for r in db.session.scalars(select(Region))}
        seen: set[str] = set()
        for rows, row in enumerate(reader, start=1):
            _import_row(row, reader.line_num, existing, seen, report)
            if progress is not None:
                progress(rows)
    except csv.Error as exc:
        report.rejected.append((reader.reader.line_num, f"the file is not valid CSV from here on ({exc})"))
    db.session.flush()
    return report


def jeugdregios() -> list[tuple[str, str]]:
    """(code, name) of the jeugdregio's of CBS that ship with the app (`data/`), by code."""
    text = resources.files("ontwikkelbijeenkomsten.data").joinpath("jeugdregios-2025.csv").read_text("utf-8")
    return [(row["code"], row["name"]) for row in csv.DictReader(io.StringIO(text.removeprefix("\ufeff")))]


def missing_jeugdregios() -> list[tuple[str, str]]:
    """The jeugdregio's of CBS whose code no region has yet (a new installation has none)."""
    present = set(db.session.scalars(select(Region.code)))
    return [(code, name) for code, name in jeugdregios() if code not in present]


def add_jeugdregios(actor: User) -> int:
    """Add the jeugdregio's of CBS that are missing, each active and audited like a region added
    by hand; regions already there keep their name. Returns how many were added."""
    added = [Region(code=code, name=name, active=True) for code, name in missing_jeugdregios()]
    db.session.add_all(added)
    db.session.flush()
    for region in added:
        audit.record("region.created", region, actor=actor, to_state="active", code=region.code, name=region.name)
    return len(added)


def _import_row(row: dict, line: int, existing: dict[str, Region], seen: set[str], report: ImportReport) -> None:
    code = (row.get("code") or "").strip().upper()
    name = (row.get("name") or "").strip()
    if not CODE_PATTERN.match(code):
        report.rejected.append((line, f"code {code[:20]!r} is not like JZ01"))
    elif not name or len(name) > 200:
        report.rejected.append((line, "name is empty or longer than 200 characters"))
    elif code in seen:
        report.rejected.append((line, f"code {code} occurs twice in the file"))
    else:
        seen.add(code)
        if code not in existing:
            db.session.add(Region(code=code, name=name))
            report.added += 1
        elif existing[code].name != name:
            existing[code].name = name
            report.updated += 1
        else:
            report.unchanged += 1


# ---- periods -----------------------------------------------------------------------------------
def school_year_containing(day: date) -> tuple[str, date, date]:
    """Name, start and end of the school year (1 August – 31 July) that contains `day`."""
    first = day.year if day.month >= 8 else day.year - 1
    return f"Schooljaar {first}-{first + 1}", date(first, 8, 1), date(first + 1, 7, 31)


def current_period(day: date) -> ProgrammePeriod | None:
    return db.session.scalar(
        select(ProgrammePeriod)
        .where(ProgrammePeriod.starts_on <= day, ProgrammePeriod.ends_on >= day)
        .order_by(ProgrammePeriod.starts_on.desc())
    )


def requestable_periods(day: date) -> list[ProgrammePeriod]:
    """The periods a region can ask dagdelen for on `day`, the soonest first: the current one and
    those still to come (late in a school year, regions plan the next)."""
    return list(db.session.scalars(
        select(ProgrammePeriod).where(ProgrammePeriod.ends_on >= day).order_by(ProgrammePeriod.starts_on)))


def default_period(day: date) -> ProgrammePeriod | None:
    """The period that contains `day`, else the one that starts last (None when there is none)."""
    return current_period(day) or db.session.scalar(
        select(ProgrammePeriod).order_by(ProgrammePeriod.starts_on.desc()).limit(1)
    )


def periods() -> list[ProgrammePeriod]:
    """All programme periods, the latest first."""
    return list(db.session.scalars(select(ProgrammePeriod).order_by(ProgrammePeriod.starts_on.desc())))


def create_period(name: str, starts_on: date, ends_on: date, default_quota: int, actor: User) -> ProgrammePeriod:
    name = _check_period(None, name, starts_on, ends_on, default_quota)
    period = ProgrammePeriod(name=name, starts_on=starts_on, ends_on=ends_on, default_quota=default_quota)
    with _unique("name", _period_name_taken(name)):
        db.session.add(period)
    audit.record("period.created", period, actor=actor, **_period_details(period))
    return period


def update_period(
    period: ProgrammePeriod, name: str, starts_on: date, ends_on: date, default_quota: int, actor: User
) -> bool:
    """Change a period; regions whose quota was the old default follow the new one.

    Returns False when nothing changed.
    """
    name = _check_period(period.id, name, starts_on, ends_on, default_quota)
    before = _period_details(period)
    if default_quota != period.default_quota:
        _follow_default(period, default_quota, actor)
    with _unique("name", _period_name_taken(name)):
        period.name, period.starts_on, period.ends_on, period.default_quota = name, starts_on, ends_on, default_quota
    after = _period_details(period)
    changes = {key: [before[key], after[key]] for key in before if before[key] != after[key]}
    if not changes:
        return False
    audit.record("period.updated", period, actor=actor, **changes)
    return True


def _check_period(period_id: int | None, name: str, starts_on: date, ends_on: date, default_quota: int) -> str:
    name = name.strip()
    if not name:
        raise RuleViolation("name", _l("Enter the name of the period."))
    if ends_on < starts_on:
        raise RuleViolation("ends_on", _l("The last day must be on or after the first day."))
    _check_quota("default_quota", default_quota)
    taken = db.session.scalar(
        select(ProgrammePeriod.id).where(
            func.lower(ProgrammePeriod.name) == name.lower(),
            *([ProgrammePeriod.id != period_id] if period_id else []),
        )
    )
    if taken is not None:
        raise RuleViolation("name", _period_name_taken(name))
    overlapping = db.session.scalar(
        select(ProgrammePeriod).where(
            ProgrammePeriod.starts_on <= ends_on,
            ProgrammePeriod.ends_on >= starts_on,
            *([ProgrammePeriod.id != period_id] if period_id else []),
        )
    )
    if overlapping is not None:  # two periods on one day would give each region two quotas
        raise RuleViolation("starts_on", _l(
            "This period overlaps %(name)s (%(start)s to %(end)s). Periods may not overlap.",
            name=overlapping.name, start=format_date(overlapping.starts_on, "d MMMM y"),
            end=format_date(overlapping.ends_on, "d MMMM y"),
        ))
    if period_id:
        raise_refusals(period_days_changing, db.session.get(ProgrammePeriod, period_id),
                       starts_on=starts_on, ends_on=ends_on)
    return name


def _period_name_taken(name: str):
    return _l("There is already a period called %(name)s.", name=name)


def _period_details(period: ProgrammePeriod) -> dict:
    return {
        "name": period.name,
        "starts_on": period.starts_on.isoformat(),
        "ends_on": period.ends_on.isoformat(),
        "default_quota": period.default_quota,
    }


def _follow_default(period: ProgrammePeriod, new: int, actor: User) -> None:
    """Give the new default to each region whose quota in `period` is still the old default."""
    ledgers = db.session.scalars(
        select(QuotaLedger)
        .where(QuotaLedger.period_id == period.id, QuotaLedger.quota == period.default_quota)
        .options(selectinload(QuotaLedger.region))
        .order_by(QuotaLedger.id)
        .with_for_update(of=QuotaLedger)
        .execution_options(populate_existing=True)
    ).all()
    granted = max((entry.granted for entry in ledgers), default=0)
    if granted > new:
        raise RuleViolation("default_quota", _l(
            "A region with the current default already has %(granted)s dagdelen granted in this"
            " period. Choose at least %(granted)s.", granted=granted,
        ))
    for entry in ledgers:
        audit.record(
            QUOTA_CHANGED, entry.region, actor=actor, from_state=str(entry.quota), to_state=str(new),
            period_id=period.id, period=period.name, reason="", via="period_default",
        )
        entry.quota = new


def _check_quota(field_name: str, value: int) -> None:
    if not 0 <= value <= QUOTA_MAX:
        raise RuleViolation(field_name, _l("Enter a number from %(min)s to %(max)s.", min=0, max=QUOTA_MAX))


# ---- regions and their organisations -----------------------------------------------------------
def create_region(code: str, name: str, actor: User) -> Region:
    code = code.strip().upper()
    if not CODE_PATTERN.match(code):
        raise RuleViolation("code", _l("Enter a code of two letters and two digits, like JZ01."))
    taken = _l("There is already a region with the code %(code)s.", code=code)
    if db.session.scalar(select(Region.id).where(Region.code == code)) is not None:
        raise RuleViolation("code", taken)
    region = Region(code=code, name=_check_name(name), active=True)
    with _unique("code", taken):
        db.session.add(region)
    audit.record("region.created", region, actor=actor, to_state="active", code=code, name=region.name)
    return region


def update_region(region: Region, name: str, active: bool, actor: User) -> bool:
    """Rename or (de)activate a region; returns False when nothing changed."""
    name = _check_name(name)
    changes = {}
    if name != region.name:
        changes["name"] = [region.name, name]
    if active != region.active:
        changes["active"] = [region.active, active]
    if not changes:
        return False
    if not active and region.active:
        raise_refusals(region_deactivating, region)
    states = {}
    if "active" in changes:
        states = {"from_state": _active_state(region.active), "to_state": _active_state(active)}
    region.name, region.active = name, active
    audit.record("region.updated", region, actor=actor, **states, **changes)
    db.session.flush()
    return True


def add_organisation(region: Region, name: str, type_: OrganisationType, actor: User) -> Organisation:
    name = _check_name(name)
    taken = _l("%(name)s is already a member of this region.", name=name)
    if any(o.name.casefold() == name.casefold() for o in region.organisations):
        raise RuleViolation("name", taken)
    organisation = Organisation(name=name, type=type_)
    with _unique("name", taken):
        region.organisations.append(organisation)
    audit.record("region.organisation_added", region, actor=actor, organisation=name, type=type_.value)
    return organisation


def remove_organisation(organisation: Organisation, actor: User) -> None:
    audit.record(
        "region.organisation_removed", organisation.region, actor=actor,
        organisation=organisation.name, type=organisation.type.value,
    )
    db.session.delete(organisation)
    db.session.flush()


def find_organisation(region: Region, organisation_id: int) -> Organisation | None:
    """The organisation only when it is a member of `region`."""
    return db.session.scalar(
        select(Organisation).where(Organisation.id == organisation_id, Organisation.region_id == region.id)
    )


def inactive_regions() -> list[Region]:
    return list(db.session.scalars(select(Region).where(Region.active.is_(False)).order_by(Region.code)))


def _check_name(name: str) -> str:
    name = name.strip()
    if not name:
        raise RuleViolation("name", _l("Enter the name."))
    return name


def _active_state(active: bool) -> str:
    return "active" if active else "inactive"


@contextmanager
def _unique(field_name: str, message):
    """Make the block's changes in a savepoint and flush them; a unique constraint that a
    concurrent change hit first becomes a RuleViolation at `field_name`."""
    try:
        with db.session.begin_nested():
            yield
    except IntegrityError:
        raise RuleViolation(field_name, message) from None


# ---- quota -------------------------------------------------------------------------------------
@dataclass(frozen=True)
class PeriodQuota:
    period: ProgrammePeriod
    quota: int
    granted: int

    @property
    def remaining(self) -> int:
        return self.quota - self.granted


def set_region_quota(
    region: Region, period: ProgrammePeriod, new_quota: int, reason: str, actor: User
) -> tuple[int, int]:
    """Give `region` another quota in `period`, with the reason in the audit log. Returns (old, new)."""
    reason = reason.strip()
    _check_quota("quota", new_quota)
    if not reason:
        raise RuleViolation("reason", _l("Give the reason for the change."))
    try:
        old, new = quota.set_quota(region.id, period, new_quota)
    except quota.QuotaBelowGranted as exc:
        raise RuleViolation("quota", _l(
            "The region already has %(granted)s dagdelen granted in this period. Choose at least %(granted)s.",
            granted=exc.args[0],
        )) from None
    if old == new:
        raise RuleViolation("quota", _l("The quota is already %(quota)s.", quota=new))
    audit.record(
        QUOTA_CHANGED, region, actor=actor, from_state=str(old), to_state=str(new),
        period_id=period.id, period=period.name, reason=reason,
    )
    db.session.flush()
    return old, new


def region_quotas(region: Region) -> list[PeriodQuota]:
    """The region's quota and granted dagdelen in every period, the latest first (one query)."""
    rows = db.session.execute(
        select(
            ProgrammePeriod,
            func.coalesce(QuotaLedger.quota, ProgrammePeriod.default_quota),
            func.coalesce(QuotaLedger.granted, 0),
        )
        .outerjoin(QuotaLedger, and_(QuotaLedger.period_id == ProgrammePeriod.id, QuotaLedger.region_id == region.id))
        .order_by(ProgrammePeriod.starts_on.desc())
    ).all()
    return [PeriodQuota(period, quota_, granted) for period, quota_, granted in rows]


def quota_history(region: Region) -> list[AuditEvent]:
    """The region's quota changes, the latest first."""
    return list(db.session.scalars(
        select(AuditEvent)
        .where(
            AuditEvent.subject_type == Region.__tablename__,
            AuditEvent.subject_id == region.id,
            AuditEvent.action == QUOTA_CHANGED,
        )
        .order_by(AuditEvent.occurred_at.desc(), AuditEvent.id.desc())
    ))
