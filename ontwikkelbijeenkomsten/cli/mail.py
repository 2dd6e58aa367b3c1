import logging
import socket
from collections.abc import Sequence

import click
from flask.cli import with_appcontext

from ontwikkelbijeenkomsten.core.redact import protect, redact
from ontwikkelbijeenkomsten.core.uow import unit_of_work
from ontwikkelbijeenkomsten.core.worker import PeriodicJob, run_worker, stop_on_signals
from ontwikkelbijeenkomsten.mail import delivery
from ontwikkelbijeenkomsten.meetings.reminders import send_reminders
from ontwikkelbijeenkomsten.meetings.services import request_due_evaluations

group = click.Group("mail", help="Deliver the mails in the outbox.")
#: Flask-Mail opens SMTP connections without a timeout: a server that accepts the connection
#: and never answers would stop the worker for good. In a worker process this default is safe.
SMTP_TIMEOUT = 60
log = logging.getLogger("ontwikkelbijeenkomsten.worker")


def _with_timeout() -> None:
    socket.setdefaulttimeout(SMTP_TIMEOUT)


def reasons(report: delivery.DeliveryReport) -> str:
    """Why mails were not sent ("; ConnectionRefusedError: … (3 mails)"), or ""."""
    return "".join(f"; {reason} ({count} mail{'s' if count > 1 else ''})"
                   for reason, count in report.reasons.most_common())


def deliver_batch() -> int:
    """Deliver one batch of due mails and log what happened, with the reason when a mail was not
    sent (an SMTP server that is down or refuses the login); returns how many were handled."""
    report = delivery.deliver_due()
    if report.handled:
        log.log(logging.WARNING if report.reasons else logging.INFO, "mail: sent %d, retrying later %d, failed %d%s",
                report.sent, report.retrying, report.failed, reasons(report))
    return report.handled


def run_until_stopped(jobs: Sequence[PeriodicJob], interval: float) -> None:
    """Deliver mail and run `jobs` until SIGTERM or SIGINT (`mail work` and `worker`)."""
    _with_timeout()
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    for handler in logging.getLogger().handlers:
        protect(handler)  # no addresses or tokens in the worker's log lines
    with stop_on_signals() as stop:
        run_worker(jobs, deliver_batch, stop, idle=interval)


# The worker (`mail.delivery.deliver_due`) commits each mail itself: no unit of work around it.
@group.command("send-queued")
@with_appcontext
def send_queued() -> None:
    """Deliver every mail that is due, once."""
    deliver_all_due()


def deliver_all_due() -> None:
    """Deliver batches until no mail is due (or a batch sends nothing), printing the counts."""
    _with_timeout()
    total = delivery.DeliveryReport()
    while True:
        report = delivery.deliver_due()
        if not report.handled:
            break
        total.sent += report.sent
        total.retrying += report.retrying
        total.failed += report.failed
        total.reasons.update(report.reasons)
        click.echo(f"sent {total.sent}, retrying later {total.retrying}, failed {total.failed}")
        if report.sent == 0:
            break
    click.echo(f"Done: {total.sent} sent, {total.retrying} to retry, {total.failed} failed.")
    for reason, count in total.reasons.most_common():
        click.echo(redact(f"Not sent ({count}): {reason}"), err=True)


@group.command("work")
@click.option("--interval", default=5.0, show_default=True, help="Seconds between rounds.")
@with_appcontext
def work(interval: float) -> None:
    """Keep delivering mails until stopped (Ctrl+C or SIGTERM: the current batch ends first).
    `worker` does this and runs the periodic jobs too."""
    click.echo("Delivering mails; stop with Ctrl+C.")
    run_until_stopped((), interval)


@group.command("reminders")
@with_appcontext
def reminders() -> None:
    """Queue a reminder for every session that begins within two days, and the evaluation
    link for attendees of series that have ended (run it from cron; each goes out once,
    however often this runs)."""
    def progress(done: int, total: int) -> None:
        click.echo(f"session {done} of {total}")

    with unit_of_work():
        queued = send_reminders(progress=progress)
    with unit_of_work():
        evaluations = request_due_evaluations()
    click.echo(f"Done: {queued} reminders and {evaluations} evaluation links queued; "
               "`mail send-queued` or `mail work` delivers them.")
