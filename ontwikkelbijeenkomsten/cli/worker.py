"""`flask worker`: the one background process. It keeps delivering mail and runs every periodic
job in `JOBS` on its schedule (the loop is `core.worker.run_worker`); run several on several
machines if you like: each job runs in one of them at a time, each mail goes out from one."""
from datetime import timedelta

import click
from flask.cli import with_appcontext

from ontwikkelbijeenkomsten.certificates.services import issue_all_due
from ontwikkelbijeenkomsten.core.extensions import db
from ontwikkelbijeenkomsten.core.redact import redact
from ontwikkelbijeenkomsten.core.worker import PeriodicJob, run_job
from ontwikkelbijeenkomsten.meetings.reminders import send_reminders
from ontwikkelbijeenkomsten.meetings.services import release_held_places, request_due_evaluations
from ontwikkelbijeenkomsten.privacy import purge
from ontwikkelbijeenkomsten.requests import nudges
from ontwikkelbijeenkomsten.scheduling import held

from .mail import deliver_all_due, run_until_stopped

#: Every periodic job: a new one is one more line here.
JOBS = (
    PeriodicJob("reminders", timedelta(minutes=15), send_reminders),
    PeriodicJob("evaluations", timedelta(minutes=15), request_due_evaluations),
    PeriodicJob("held", timedelta(minutes=15), held.run),
    PeriodicJob("certificates", timedelta(minutes=15), issue_all_due),
    PeriodicJob("sector-places", timedelta(minutes=5), release_held_places),
    PeriodicJob("nudges", timedelta(hours=1), nudges.run),
    PeriodicJob("purge", timedelta(hours=1), purge.run),
)


@click.command("worker")
@click.option("--interval", default=5.0, show_default=True, help="Seconds to wait when no mail is due.")
@click.option("--once", is_flag=True,
              help="Run every job once, deliver the mail that is due, and stop: for cron, without a running worker.")
@with_appcontext
def command(interval: float, once: bool) -> None:
    """Deliver mails and run the periodic jobs (reminders, evaluation links, held sessions,
    certificates, the release of places held per sector, nudges, the privacy purge) until stopped
    (Ctrl+C or SIGTERM: the current step ends first)."""
    if once:
        run_once()
        return
    click.echo("Delivering mails and running the periodic jobs; stop with Ctrl+C.")
    run_until_stopped(JOBS, interval)


def run_once() -> None:
    """Each job once (one that fails does not stop the others; the exit code is 1), then the mail."""
    failed = False
    for job in JOBS:
        try:
            done = run_job(job)
        except Exception as exc:  # noqa: BLE001 -- reported, and the other jobs still run
            failed = True
            db.session.remove()
            click.echo(redact(f"{job.name}: failed: {type(exc).__name__}: {exc}"), err=True)
            continue
        click.echo(f"{job.name}: " + ("skipped, another worker is running it" if done is None else f"{done}"))
    deliver_all_due()
    if failed:
        raise click.exceptions.Exit(1)
