"""`flask privacy …`: the purge of data past its retention period, and a person's requests for
access and erasure (README: "Privacy")."""
from __future__ import annotations

import json
import sys

import click
from flask.cli import with_appcontext
from flask_babel import force_locale

from ontwikkelbijeenkomsten.accounts.models import User
from ontwikkelbijeenkomsten.accounts.services import find_user
from ontwikkelbijeenkomsten.core.rules import RuleViolation
from ontwikkelbijeenkomsten.core.uow import unit_of_work
from ontwikkelbijeenkomsten.privacy import person, purge
from ontwikkelbijeenkomsten.privacy.summary import summary_text

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


def _coordinator(email: str) -> User:
    found = find_user(email)
    if found is None or not found.is_coordinator or not found.active:
        raise click.ClickException(f"{email} is not an active coordinator")
    return found


@group.command("export")
@click.argument("email")
@click.option("--by", "by", required=True, help="Your coordinator e-mail address (recorded in the log).")
@click.option("--summary", is_flag=True, help="A readable summary instead of JSON.")
@with_appcontext
def export_command(email: str, by: str, summary: bool) -> None:
    """Print everything the app holds about EMAIL, as JSON (or a readable summary)."""
    with unit_of_work():
        found = person.find(email)
        person.record_access("exported", _coordinator(by), found)
    if summary:
        click.echo(summary_text(found))
    else:
        click.echo(json.dumps(person.export(found), ensure_ascii=False, indent=2))


@group.command("erase")
@click.argument("email")
@click.option("--by", "by", required=True, help="Your coordinator e-mail address (recorded in the log).")
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
@with_appcontext
def erase_command(email: str, by: str, yes: bool) -> None:
    """Delete the personal data of EMAIL; places in sessions to come go to the waiting list first.
    An account with this address is anonymised too, once it is closed and has no sessions to come."""
    if not yes:
        click.confirm(f"Delete the personal data of {email}? This cannot be undone", abort=True)
    try:
        with unit_of_work():
            done = person.erase(email, _coordinator(by))
    except RuleViolation as exc:  # an account still in use: nothing was erased
        with force_locale("en"):
            raise click.ClickException(" ".join(str(p.message) for p in exc.problems)) from None
    click.echo("Erased:\n" + _lines(done.__dict__))
