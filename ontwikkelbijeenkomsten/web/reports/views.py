"""The monitoring report (`/coordinatie/rapportage`) for one programme period or a range of
dates, on the page (to read and to print), per table as CSV, and as one Excel workbook."""
from __future__ import annotations

from datetime import date

from flask import Blueprint, Response, abort, render_template, request

from ontwikkelbijeenkomsten.core.rules import RuleViolation
from ontwikkelbijeenkomsten.core.time import today_local
from ontwikkelbijeenkomsten.regions import services
from ontwikkelbijeenkomsten.regions.models import ProgrammePeriod
from ontwikkelbijeenkomsten.reports import monitoring, monitoring_tables
from ontwikkelbijeenkomsten.web.access import coordinator_required
from ontwikkelbijeenkomsten.web.forms import field_error, options
from ontwikkelbijeenkomsten.web.reports.forms import ReportForm

bp = Blueprint("reports", __name__)
bp.app_template_filter("report_cell")(monitoring_tables.cell_text)
URL = "/coordinatie/rapportage"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _choice() -> tuple[ReportForm, ProgrammePeriod | None, tuple[date, date] | None]:
    """The form, the chosen period (if a period was chosen) and the range to report on; no
    range when what was typed is wrong (the form then holds the errors) or there is no period."""
    periods = services.periods()
    form = ReportForm(formdata=request.args)
    form.period.choices = options((p.id, p.name) for p in periods)
    if not form.validate():
        if form.range_given:
            return form, None, None
        abort(404)  # a period that is not in the list
    if form.range_given:
        try:
            monitoring.check_range(form.start.data, form.end.data)
        except RuleViolation as exc:
            field_error(form, exc)
            return form, None, None
        return form, None, (form.start.data, form.end.data)
    if form.period.data is not None:
        period = next(p for p in periods if p.id == form.period.data)
    else:
        period = services.default_period(today_local())
        form.period.data = period.id if period else None
    return form, period, (period.starts_on, period.ends_on) if period else None


def _arguments(period: ProgrammePeriod | None, chosen: tuple[date, date]) -> dict:
    """The query string that gives the same report, for the download links."""
    if period is not None:
        return {"period": period.id}
    return {"start": chosen[0].isoformat(), "end": chosen[1].isoformat()}


@bp.get(URL)
@coordinator_required
def page():
    form, period, chosen = _choice()
    report = monitoring.monitoring_report(*chosen) if chosen else None
    return render_template(
        "reports/monitoring.html", form=form, period=period, report=report,
        tables={t.key: t for t in monitoring_tables.tables(report)} if report else {},
        bars=monitoring_tables.bars(report) if report else {},
        arguments=_arguments(period, chosen) if chosen else {},
    )


def _download(body: bytes, content_type: str, name: str) -> Response:
    return Response(body, content_type=content_type, headers={"Content-Disposition": f'attachment; filename="{name}"',
                                                      "Cache-Control": "private, no-store"})


def _chosen_or_404() -> tuple[date, date]:
    _form, _period, chosen = _choice()
    if chosen is None:
        abort(404)
    return chosen


@bp.get(URL + "/<key>.csv")
@coordinator_required
def table_csv(key: str):
    if key not in monitoring_tables.KEYS:
        abort(404)
    start, end = _chosen_or_404()
    table = next(t for t in monitoring_tables.tables(monitoring.monitoring_report(start, end)) if t.key == key)
    return _download(monitoring_tables.table_csv(table), "text/csv; charset=utf-8",
                     f"rapportage-{key}-{start.isoformat()}-{end.isoformat()}.csv")


@bp.get(URL + ".xlsx")
@coordinator_required
def workbook():
    start, end = _chosen_or_404()
    return _download(monitoring_tables.workbook(monitoring.monitoring_report(start, end)), XLSX,
                     f"rapportage-{start.isoformat()}-{end.isoformat()}.xlsx")
