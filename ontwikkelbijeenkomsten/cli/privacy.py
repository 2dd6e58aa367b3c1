"""`flask privacy …`: the purge of data past its retention period, and a person's requests for
access and erasure (README: "Privacy")."""
from __future__ import annotations

import sys

import click
from flask.cli import with_appcontext

from ontwikkelbijeenkomsten.core.uow import unit_of_work
from ontwikkelbijeenkomsten.privacy import purge

group = click.Group("privacy", help="Retention periods, access and erasure.")


def _lines(counts: dict[str, int]) -> str:
    return "\n".join(f"  {name}: {count}" for name, count in counts.items())


@group.command("purge")
@click.option("--dry-run", is_flag=True, help="List what would go, per kind, and change nothing.")
@with_appcontext
def purge_command(dry_run: bool) -> None:
    """Remove the people from the data whose retention period has ended (the worker's `purge`
    job, to the end). Runs in batches: stopping it keeps what was done, and a next run goes on."""
    due = purge.pending()
    if dry_run:
        click.echo(f"Would remove the person from {sum(due.values())} rows:\n{_lines(due)}")
        return
    done = []
    with click.progressbar(length=sum(due.values()), label="rows", show_pos=True, file=sys.stderr) as bar:
        for counts in purge.batches(unit_of_work):
            done.append(counts)
            bar.update(sum(counts.values()))
    counts = purge.total(done)
    click.echo(f"Removed the person from {sum(counts.values())} rows:\n{_lines(counts)}")
