"""`flask schedule auto`: the batch scheduler from the command line, with progress and a summary;
`flask schedule mark-held`: the worker's `held` job, once, for cron users."""
from __future__ import annotations

import sys
import time
from contextlib import ExitStack

import click
from flask.cli import with_appcontext
from flask_babel import force_locale

from ontwikkelbijeenkomsten.core.i18n import dagdeel_label
from ontwikkelbijeenkomsten.core.uow import unit_of_work
from ontwikkelbijeenkomsten.core.urls import absolute_url
from ontwikkelbijeenkomsten.regions.models import ProgrammePeriod
from ontwikkelbijeenkomsten.regions.services import periods
from ontwikkelbijeenkomsten.scheduling import batch, held
from ontwikkelbijeenkomsten.scheduling.labels import (
    REASONS,
    rank_label,
    region_rows,
    served_requests,
    sorted_bookings,
    sorted_unserved,
)

group = click.Group("schedule", help="Schedule granted dagdelen.")

#: The summary of a run lists this many regions, those with the most new dagdelen first.
TOP_REGIONS = 10
STEPS = {
    "read": "reading",
    "network": "building the network",
    "solve": "solving",
    "write": "writing the bookings",
}


def _find_period(ref: str) -> ProgrammePeriod:
    """The period with id `ref`, else the one named exactly `ref`, else the one period whose
    name holds `ref` (any case): `2026-2027` finds "Schooljaar 2026-2027"."""
    known = periods()
    wanted = ref.strip()
    found = next((p for p in known if str(p.id) == wanted), None) or next(
        (p for p in known if p.name == ref), None)
    if found is None and wanted:
        holding = [p for p in known if wanted.casefold() in p.name.casefold()]
        if len(holding) > 1:
            names = ", ".join(f"{p.name} (id {p.id})" for p in holding)
            raise click.BadParameter(f"{ref!r} is part of the names of several periods: {names}; give its id "
                                     "or its whole name", param_hint="--period")
        found = holding[0] if holding else None
    if found is None:
        names = ", ".join(f"{p.name} (id {p.id})" for p in known) or "none yet"
        raise click.BadParameter(f"no programme period {ref!r}; known periods: {names}", param_hint="--period")
    return found


class Progress:
    """Prints a line as each step begins, with the seconds since the start, and a progress bar
    over the bookings while they are written."""

    def __init__(self) -> None:
        self.started = time.perf_counter()
        self.bars = ExitStack()
        self.bar = None
        self.last = ""

    def elapsed(self) -> float:
        return time.perf_counter() - self.started

    def step(self, name: str) -> None:
        self.close()
        label = "reading the solution" if (self.last, name) == ("solve", "read") else STEPS.get(name, name)
        self.last = name
        click.echo(f"{self.elapsed():7.2f} s  {label}", err=True)

    def booked(self, done: int, total: int) -> None:
        if self.bar is None:
            self.bar = self.bars.enter_context(
                click.progressbar(length=total, label="bookings", show_pos=True, file=sys.stderr))
        self.bar.update(1)

    def close(self) -> None:
        self.bars.close()
        self.bar = None


@group.command("auto")
@click.option("--period", "period_ref", required=True, metavar="P",
              help='The programme period: its id, its name ("Schooljaar 2026-2027") or a part of the name '
                   'that only it has ("2026-2027").')
@click.option("--dry-run", is_flag=True, help="Print the plan and book nothing.")
@with_appcontext
def auto(period_ref: str, dry_run: bool) -> None:
    """Book as many granted dagdelen of a period as possible, fairly over the regions.

    Every booking is written in one transaction; the contact persons and the experts get a mail.
    """
    period = _find_period(period_ref)
    progress = Progress()
    with force_locale("en"):
        if dry_run:
            _print_plan(batch.preview(period, progress.step))
            click.echo(f"Dry run: nothing has been booked. Time: {progress.elapsed():.2f} s")
            return
        try:
            with unit_of_work():
                result = batch.confirm(period, None, progress=progress.step, on_booking=progress.booked)
        finally:
            progress.close()
        done = result.preview
        if not done.plan.total:
            _print_unserved(done)
            click.echo(f"Nothing to book. Time: {progress.elapsed():.2f} s")
            return
        click.echo(f"Booked {done.plan.total} of {_dagdelen(done.to_book)} for "
                   f"{_requests(served_requests(done))} in {period.name}.")
        _print_regions(done)
        _print_unserved(done)
        click.echo("Every session booked, with its request and expert: "
                   + absolute_url("scheduling.batch", period=period.id, batch=result.batch_id))
        click.echo(f"Total time: {progress.elapsed():.2f} s")


@group.command("mark-held")
@with_appcontext
def mark_held() -> None:
    """Mark sessions that have ended, and requests whose dagdelen all took place, as held
    (the worker does this every 15 minutes; run it from cron without the worker)."""
    with unit_of_work():
        done = held.mark_held()
    click.echo(f"Held: {_sessions(done.meetings)}, {_requests(done.requests)}.")


def _sessions(count: int) -> str:
    return f"{count} session" if count == 1 else f"{count} sessions"


def _dagdelen(count: int) -> str:
    return f"{count} dagdeel" if count == 1 else f"{count} dagdelen"


def _requests(count: int) -> str:
    return f"{count} request" if count == 1 else f"{count} requests"


def _planned(found: batch.Preview) -> str:
    return f"{found.plan.total} of {_dagdelen(found.to_book)} for {_requests(served_requests(found))}"


def _print_plan(found: batch.Preview) -> None:
    click.echo(f"Plan for {found.period.name}: {_planned(found)}.")
    bookings = sorted_bookings(found)
    if bookings:
        click.echo("Bookings (region, request, date, dagdeel, expert, preference):")
    for booking in bookings:
        item = found.requests[booking.request_id]
        day, dagdeel = booking.moment
        click.echo(f"  {item.region.name}, request {item.id}, {day.isoformat()}, {dagdeel_label(dagdeel)}, "
                   f"{found.experts[booking.expert_id]}, {rank_label(booking.rank)}")
    _print_regions(found)
    _print_unserved(found)


def _print_regions(found: batch.Preview) -> None:
    rows = sorted(region_rows(found), key=lambda row: (-row.planned, row.name))
    if not rows:
        return
    click.echo("Dagdelen per region (new in this plan, total after it):")
    for row in rows[:TOP_REGIONS]:
        click.echo(f"  {row.name}: +{row.planned}, {row.total} in total")
    if len(rows) > TOP_REGIONS:
        click.echo(f"  and {len(rows) - TOP_REGIONS} more regions")


def _print_unserved(found: batch.Preview) -> None:
    unserved = sorted_unserved(found)
    if not unserved:
        return
    click.echo(f"Not (fully) served: {_requests(len(unserved))}, {_dagdelen(sum(u.missing for u in unserved))}:")
    for missing in unserved:
        item = found.requests[missing.request_id]
        click.echo(f"  {item.region.name}, request {item.id}: {_dagdelen(missing.missing)} missing, "
                   f"{REASONS[missing.reason]}")
