"""Rules for regions and programme periods."""
from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import select

from ..extensions import db
from .models import ProgrammePeriod, Region

CODE_PATTERN = re.compile(r"^[A-Z]{2}\d{2}$")


@dataclass
class ImportReport:
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: list[tuple[int, str]] = field(default_factory=list)


def import_regions(text: str) -> ImportReport:
    """Add and update regions from CSV text with columns `code` and `name`; commits once."""
    report = ImportReport()
    reader = csv.DictReader(io.StringIO(text))
    if not reader.fieldnames or not {"code", "name"} <= set(reader.fieldnames):
        report.rejected.append((1, "the header must name the columns code and name"))
        return report
    existing = {r.code: r for r in db.session.scalars(select(Region))}
    seen: set[str] = set()
    for line, row in enumerate(reader, start=2):
        code = (row.get("code") or "").strip().upper()
        name = (row.get("name") or "").strip()
        if not CODE_PATTERN.match(code):
            report.rejected.append((line, f"code {code!r} is not like JZ01"))
        elif not name or len(name) > 200:
            report.rejected.append((line, "name is empty or longer than 200 characters"))
        elif code in seen:
            report.rejected.append((line, f"code {code} occurs twice in the file"))
        elif code not in existing:
            db.session.add(Region(code=code, name=name))
            report.added += 1
        elif existing[code].name != name:
            existing[code].name = name
            report.updated += 1
        else:
            report.unchanged += 1
        seen.add(code)
    db.session.commit()
    return report


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
