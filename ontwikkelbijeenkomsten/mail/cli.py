import time

import click
from flask.cli import with_appcontext

from . import services

group = click.Group("mail", help="Deliver the mails in the outbox.")


@group.command("send-queued")
@with_appcontext
def send_queued() -> None:
    """Deliver every mail that is due, once."""
    total = services.DeliveryReport()
    while True:
        report = services.deliver_due()
        if not report.handled:
            break
        total.sent += report.sent
        total.retrying += report.retrying
        total.failed += report.failed
        click.echo(f"sent {total.sent}, retrying later {total.retrying}, failed {total.failed}")
        if report.sent == 0:
            break
    click.echo(f"Done: {total.sent} sent, {total.retrying} to retry, {total.failed} failed.")


@group.command("work")
@click.option("--interval", default=5.0, show_default=True, help="Seconds between rounds.")
@with_appcontext
def work(interval: float) -> None:
    """Keep delivering mails until stopped (Ctrl+C)."""
    click.echo("Delivering mails; stop with Ctrl+C.")
    while True:
        report = services.deliver_due()
        if report.handled:
            click.echo(f"sent {report.sent}, retrying later {report.retrying}, failed {report.failed}")
        else:
            time.sleep(interval)
