from __future__ import annotations

from pathlib import Path

import click
from flask.cli import with_appcontext

from ontwikkelbijeenkomsten.core.uow import unit_of_work
from ontwikkelbijeenkomsten.regions.services import import_regions
from ontwikkelbijeenkomsten.requests import nudges

group = click.Group("regions", help="Manage regions.")

#: Files with more data rows than this report their progress every this many rows.
PROGRESS_EVERY = 1000


@group.command("import")
@click.argument("file", type=click.Path(path_type=Path))
@with_appcontext
def import_command(file: Path) -> None:
    """Add and update regions from FILE, a UTF-8 CSV file with the columns code and name.

    Regions that are not in the file stay as they are.
    """
    try:
        text = file.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        reason = "it is not UTF-8 text" if isinstance(exc, UnicodeDecodeError) else exc.strerror or str(exc)
        raise click.ClickException(f"cannot read {file}: {reason}") from None
    total = max(text.count("\n") - 1, 0)

    def progress(rows: int) -> None:
        if total > PROGRESS_EVERY and rows % PROGRESS_EVERY == 0:
            click.echo(f"{rows} of about {total} rows read", err=True)

    with unit_of_work():
        report = import_regions(text, progress)
    click.echo(
        f"{report.added} added, {report.updated} updated, {report.unchanged} unchanged, "
        f"{len(report.rejected)} rejected"
    )
    for line, reason in report.rejected:
        click.echo(f"line {line}: {reason}")


@group.command("nudge")
@with_appcontext
def nudge_command() -> None:
    """Mail the nudges that are due to regions with dagdelen left (the worker's `nudges` job, once,
    for cron users). Each region gets at most one per period, however often this runs."""
    with unit_of_work():
        sent = nudges.send_due()
    click.echo(f"{sent} nudges queued")
