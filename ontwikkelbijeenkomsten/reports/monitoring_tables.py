"""The monitoring report as tables: the same rows on the page, in each CSV and in the workbook.

A table's `key` is its address (`/coordinatie/rapportage/<key>.csv`) and the id on the page.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask_babel import format_decimal
from flask_babel import gettext as _

from ..core.sectors import Sector, sector_label
from ..core.spreadsheets import Sheet, csv_bytes, xlsx_bytes
from ..meetings.models import MeetingKind
from .monitoring import SCORES, Dagdelen, MonitoringReport


@dataclass(frozen=True)
class Table:
    key: str
    title: str
    header: list[str]
    rows: list[list]  # int, float (a percentage or an average), str or date; None is "no value"
    numeric_from: int  # the first column holding numbers
    row_header: int = 0  # the column that names the row


KEYS = ("regios", "themas", "maanden", "bereik", "bijeenkomsten", "opkomst-en-scores", "experts",
        "experts-per-regio")


def _one_decimal(value: float | None) -> float | None:
    return None if value is None else round(value, 1)


def _dagdelen_header(first: list[str]) -> list[str]:
    return [*first, _("Requested"), _("Granted"), _("Booked"), _("Held")]


def _dagdelen(d: Dagdelen) -> list[int]:
    return [d.requested, d.granted, d.booked, d.held]


def tables(report: MonitoringReport) -> list[Table]:
    reach, sectors = report.reach, list(Sector)
    return [
        Table("regios", _("Dagdelen per region, sorted by use"),
              _dagdelen_header([_("Place"), _("Code"), _("Region")]),
              [[r.rank, r.code, r.name, *_dagdelen(r.dagdelen)] for r in report.regions]
              + [["", "", _("Total"), *_dagdelen(report.total)]], 3, row_header=2),
        Table("themas", _("Dagdelen per theme"), _dagdelen_header([_("Theme")]),
              [[t.theme, *_dagdelen(t.dagdelen)] for t in report.themes], 1),
        Table("maanden", _("Dagdelen per month"), _dagdelen_header([_("Month")]),
              [[f"{m.month:%Y-%m}", *_dagdelen(m.dagdelen)] for m in report.months], 1),
        Table("bereik", _("Reach: participants per sector"), [_("Sector"), _("Participants"), _("Share (%)")],
              [[sector_label(s), n, _one_decimal(100 * n / reach.total) if reach.total else None]
               for s, n in zip(sectors, reach.per_sector)]
              + [[_("Total"), reach.total, 100.0 if reach.total else None],
                 [_("Sessions with participants"), reach.qualifying, None],
                 [_("Joint sessions (participants from at least two sectors)"), reach.joint,
                  _one_decimal(reach.joint_percentage)]], 1),
        Table("bijeenkomsten", _("Participants per sector, per session"),
              [_("Date"), _("Session"), _("Kind"), _("Region"), *(sector_label(s) for s in sectors), _("Total"),
               _("Joint")],
              [[s.date, s.title, _kind(s.kind), s.region, *s.per_sector, s.total, _("yes") if s.joint else _("no")]
               for s in reach.sessions], 4),
        Table("opkomst-en-scores", _("Attendance and evaluation scores per theme"),
              [_("Theme"), _("Held sessions"), _("Places"), _("Present"), _("Attendance (%)"), _("Answers"),
               _("Average score"), *(_("Score %(score)s", score=s) for s in SCORES)],
              [[q.theme or _("All themes"), q.sessions, q.places, q.present, _one_decimal(q.attendance_percentage),
                q.answers, _one_decimal(q.average_score), *q.scores] for q in report.quality], 1),
        Table("experts", _("Dagdelen per expert"), [_("Expert"), _("Dagdelen"), _("Regions")],
              [[e.expert, e.dagdelen, e.regions] for e in report.experts], 1),
        Table("experts-per-regio", _("Dagdelen per expert and region"), [_("Expert"), _("Region"), _("Dagdelen")],
              [[e.expert, region or _("Open training"), n] for e in report.experts for region, n in e.per_region], 2),
    ]


def _dagdelen_bars(rows) -> list[tuple]:
    """Held and booked filled, granted as the outline, on one scale for every row."""
    scale = max([1, *(max(r.dagdelen.granted, r.dagdelen.booked) for r in rows)])
    return [([("held", "", r.dagdelen.held), ("booked", "", r.dagdelen.booked - r.dagdelen.held)], scale,
             r.dagdelen.granted) for r in rows]


def bars(report: MonitoringReport) -> dict[str, list[tuple]]:
    """Per table key, one bar per row for the macro `bar` (parts, scale, target): the dagdelen
    on a common scale, attendance as the share present of the places, experts on one scale."""
    most = max([1, *(e.dagdelen for e in report.experts)])
    return {
        "regios": _dagdelen_bars(report.regions), "themas": _dagdelen_bars(report.themes),
        "maanden": _dagdelen_bars(report.months),
        "opkomst-en-scores": [([("present", "", q.present)], q.places, None) for q in report.quality],
        "experts": [([("share", "", e.dagdelen)], most, None) for e in report.experts],
    }


def _kind(kind: MeetingKind) -> str:
    return _("Open training") if kind is MeetingKind.OPEN_TRAINING else _("Regional session")


def _decimal(value: float) -> str:
    return format_decimal(value, format="0.0")


def cell_text(value) -> str:
    """A cell as the page shows it: 4,5 for a float, 17-3-2026 for a date, nothing for None."""
    if value is None:
        return ""
    if isinstance(value, float):
        return _decimal(value)
    if isinstance(value, date):  # d-M-yyyy, without Babel: the sessions table has hundreds
        return f"{value.day}-{value.month}-{value.year}"
    return str(value)


def table_csv(table: Table) -> bytes:
    return csv_bytes([table.header, *table.rows], number=_decimal)


def workbook(report: MonitoringReport) -> bytes:
    """Every table on its own sheet (named by its key, as Excel allows no ':' and at most 31
    characters), after a sheet with the range and what each sheet holds."""
    every = tables(report)
    about = Sheet("rapportage", [[_("Monitoring report"), ""], [_("From"), report.start], [_("To and including"), report.end],
                                 *([t.key, t.title] for t in every)])
    return xlsx_bytes([about, *(Sheet(t.key, [t.header, *t.rows]) for t in every)])
